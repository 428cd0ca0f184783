package io.spotmatch.job.load;

import java.util.LinkedHashMap;
import java.util.Map;

/** {@code --name value} arguments of the local tools, checked against the names a tool knows. */
public final class Args {

    private Args() {
    }

    /** @throws IllegalArgumentException naming an unknown or valueless option */
    public static Map<String, String> parse(String[] args, Map<String, String> defaults) {
        Map<String, String> values = new LinkedHashMap<>(defaults);
        for (int i = 0; i < args.length; i += 2) {
            String name = args[i].startsWith("--") ? args[i].substring(2) : null;
            if (name == null || !defaults.containsKey(name)) {
                throw new IllegalArgumentException("unknown option " + args[i] + "; known: --"
                        + String.join(", --", defaults.keySet()));
            }
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException(args[i] + " needs a value");
            }
            values.put(name, args[i + 1]);
        }
        return values;
    }
}
