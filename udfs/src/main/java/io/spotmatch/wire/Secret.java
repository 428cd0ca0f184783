package io.spotmatch.wire;

import java.io.IOException;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * A password or key named by where it is kept, a file or an environment variable, and read where
 * it is used: the operator that holds one is serialized into the job graph with only the names, and
 * each task reads the value from its own file system or environment when it first needs it. A
 * missing or empty secret fails naming the file or variable, never showing a value.
 */
public final class Secret implements Serializable {

    private static final long serialVersionUID = 1L;

    private final String file;
    private final String variable;
    /** Only for an environment given explicitly (tests, the local runner): it travels with the job. */
    private final String given;

    private transient String value;

    private Secret(String file, String variable, String given) {
        this.file = file;
        this.variable = variable;
        this.given = given;
    }

    /** The file if given, else the process environment's {@code variable}, both read on first use. */
    public static Secret of(String file, String variable) {
        return new Secret(file, variable, null);
    }

    /**
     * The file if given, else {@code variable} of {@code environment}: a stand-in for the process
     * environment, whose value is therefore carried along (tests only).
     */
    public static Secret of(String file, String variable, Map<String, String> environment) {
        return new Secret(file, variable, file == null ? environment.get(variable) : null);
    }

    /** The value, trailing line breaks removed; read once per instance. */
    public String text() {
        String v = value;
        if (v == null) {
            v = read();
            value = v;
        }
        return v;
    }

    public byte[] bytes() {
        return text().getBytes(StandardCharsets.UTF_8);
    }

    private String read() {
        String v;
        if (file != null) {
            try {
                v = Files.readString(Path.of(file), StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new IllegalStateException(
                        "cannot read " + where() + ": " + e.getClass().getSimpleName());
            }
        } else {
            v = given != null ? given : System.getenv(variable);
        }
        v = v == null ? "" : v.replaceFirst("[\r\n]+$", "");
        if (v.isEmpty()) {
            throw new IllegalStateException(where() + " is " + (file != null ? "empty" : "not set"));
        }
        return v;
    }

    /** The file or variable, for messages. */
    public String where() {
        return file != null ? "the file " + file : "the environment variable " + variable;
    }

    @Override
    public String toString() {
        return "Secret(" + where() + ")";
    }
}
