package io.spotmatch.job;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.GlobalConfiguration;
import org.apache.flink.configuration.description.Formatter;
import org.apache.flink.configuration.description.HtmlFormatter;
import org.apache.flink.util.TimeUtils;

/**
 * The one parser of {@code --name value} arguments for every entry point (the job, the operations
 * tools, the local tools): each declares its typed {@link ConfigOption}s, this reads and checks
 * them, and every mistake fails with a message naming the option.
 */
public final class CommandLine {

    /** A bad option: the message names it and says what is wrong. */
    public static final class InvalidOptionException extends RuntimeException {
        public InvalidOptionException(String message) {
            super(message);
        }
    }

    private final Configuration conf;

    private CommandLine(Configuration conf) {
        this.conf = conf;
    }

    /** Reads {@code --name value} pairs; anything unknown or malformed fails naming the option. */
    public static CommandLine parse(String[] args, List<ConfigOption<?>> known) {
        Map<String, String> values = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (!arg.startsWith("--") || arg.length() == 2) {
                throw new InvalidOptionException("expected --option value, found '" + arg + "'; see --help");
            }
            String name = arg.substring(2);
            if (i + 1 >= args.length || args[i + 1].startsWith("--")) {
                throw new InvalidOptionException("--" + name + " needs a value");
            }
            values.put(name, args[++i]);
        }
        return of(values, known);
    }

    /** The same checks for options given as a map (tests, tools that start the job). */
    public static CommandLine of(Map<String, String> values, List<ConfigOption<?>> known) {
        Map<String, ConfigOption<?>> byKey = new HashMap<>();
        List<String> prefixes = new ArrayList<>();
        for (ConfigOption<?> o : known) {
            if (isPrefix(o)) {
                prefixes.add(prefixOf(o));
            } else {
                byKey.put(o.key(), o);
            }
        }
        for (String name : values.keySet()) {
            boolean prefixed = prefixes.stream().anyMatch(p -> name.startsWith(p) && name.length() > p.length());
            if (!byKey.containsKey(name) && !prefixed) {
                throw new InvalidOptionException("unknown option --" + name + "; see --help");
            }
        }
        CommandLine line = new CommandLine(Configuration.fromMap(values));
        for (ConfigOption<?> o : known) {
            if (!isPrefix(o)) {
                line.get(o);
            }
        }
        return line;
    }

    /**
     * An option standing for a family, {@code --<prefix>.<name> value} for any name (passed on to a
     * client library as its property {@code name}): declared with the key {@code <prefix>.<name>}.
     */
    public static boolean isPrefix(ConfigOption<?> option) {
        return option.key().endsWith(PREFIX_MARK);
    }

    private static final String PREFIX_MARK = ".<name>";

    private static String prefixOf(ConfigOption<?> option) {
        return option.key().substring(0, option.key().length() - PREFIX_MARK.length() + 1);
    }

    /** The values of a prefix option, by the name after the prefix, in the order given. */
    public Map<String, String> withPrefix(ConfigOption<?> option) {
        if (!isPrefix(option)) {
            throw new IllegalArgumentException(option.key() + " is not a prefix option");
        }
        String prefix = prefixOf(option);
        Map<String, String> result = new LinkedHashMap<>();
        conf.toMap().entrySet().stream()
                .filter(e -> e.getKey().startsWith(prefix))
                .sorted(Map.Entry.comparingByKey())
                .forEach(e -> result.put(e.getKey().substring(prefix.length()), e.getValue()));
        return result;
    }

    /**
     * Whether an option's value must never be printed: Flink's own rule (keys naming a password,
     * secret, token, jaas.config ...), which also covers Kafka's ssl.*.password and sasl.jaas.config.
     */
    public static boolean isSecret(String name) {
        return GlobalConfiguration.isSensitive(name);
    }

    /** The option's value, or its default; a value of the wrong type fails naming the option. */
    public <T> T get(ConfigOption<T> option) {
        try {
            return conf.get(option);
        } catch (IllegalArgumentException e) {
            String value = isSecret(option.key()) ? "******" : conf.toMap().get(option.key());
            throw new InvalidOptionException(
                    "--" + option.key() + ": cannot read '" + value + "': " + describeType(option));
        }
    }

    /** An option without a default that this run needs. */
    public <T> T required(ConfigOption<T> option) {
        T value = get(option);
        if (value == null || (value instanceof String s && s.isBlank())) {
            throw new InvalidOptionException("--" + option.key() + " is required");
        }
        return value;
    }

    /** Fails naming {@code option} unless {@code ok}. */
    public static void require(boolean ok, ConfigOption<?> option, String what) {
        if (!ok) {
            throw new InvalidOptionException("--" + option.key() + " " + what);
        }
    }

    /** The options as given, for passing on (secrets included: never print it). */
    public Map<String, String> toMap() {
        return conf.toMap();
    }

    private static String describeType(ConfigOption<?> option) {
        Object d = option.hasDefaultValue() ? option.defaultValue() : null;
        if (d instanceof Enum<?> e) {
            List<String> names = new ArrayList<>();
            for (Object c : e.getDeclaringClass().getEnumConstants()) {
                names.add(((Enum<?>) c).name());
            }
            return "expected one of " + String.join(", ", names);
        }
        if (d instanceof Duration) {
            return "expected a duration such as 500 ms, 10 s or 2 min";
        }
        if (d instanceof Boolean) {
            return "expected true or false";
        }
        return "expected "
                + (d == null ? "a value" : "a " + d.getClass().getSimpleName().toLowerCase());
    }

    /** The options as a table: name, default, description. */
    public static String help(String title, List<ConfigOption<?>> options) {
        Formatter f = new HtmlFormatter();
        StringBuilder sb = new StringBuilder(title).append(" (--name value):\n\n");
        for (ConfigOption<?> o : options) {
            sb.append("  --").append(o.key());
            sb.append("  (default: ").append(defaultText(o)).append(")\n");
            String text = f.format(o.description()).replace("&lt;", "<").replace("&gt;", ">");
            sb.append(wrap(text, "      ")).append('\n');
        }
        return sb.toString();
    }

    /** An option's default as it would be typed on the command line. */
    public static String defaultText(ConfigOption<?> o) {
        if (!o.hasDefaultValue()) {
            return "none";
        }
        return o.defaultValue() instanceof Duration d
                ? TimeUtils.formatWithHighestUnit(d)
                : String.valueOf(o.defaultValue());
    }

    /** True when the arguments ask for help instead of a run. */
    public static boolean wantsHelp(String[] args) {
        return args.length == 1 && (args[0].equals("--help") || args[0].equals("-h"));
    }

    private static String wrap(String text, String indent) {
        StringBuilder out = new StringBuilder();
        StringBuilder line = new StringBuilder(indent);
        for (String word : text.split(" ")) {
            if (line.length() + word.length() > 100 && line.length() > indent.length()) {
                out.append(line).append('\n');
                line = new StringBuilder(indent);
            }
            if (line.length() > indent.length()) {
                line.append(' ');
            }
            line.append(word);
        }
        return out.append(line).toString();
    }
}
