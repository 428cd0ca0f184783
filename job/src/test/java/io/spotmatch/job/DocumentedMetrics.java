package io.spotmatch.job;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The metrics the README documents (the table in Operations, Watch it), by Prometheus name: the
 * one list that the scrape test and the dashboard test both check against.
 */
final class DocumentedMetrics {

    private static final Pattern ROW = Pattern.compile("^\\| `(flink_[A-Za-z0-9_]+)`");

    private DocumentedMetrics() {}

    static List<String> names() throws IOException {
        List<String> lines = Files.readAllLines(Path.of("..", "README.md"));
        int start = lines.indexOf("### Watch it");
        if (start < 0) {
            throw new IllegalStateException("README has no 'Watch it' section");
        }
        List<String> names = new ArrayList<>();
        for (int i = start + 1;
                i < lines.size()
                        && !lines.get(i).startsWith("## ")
                        && !lines.get(i).startsWith("### ");
                i++) {
            Matcher m = ROW.matcher(lines.get(i));
            if (m.find()) {
                names.add(m.group(1));
            }
        }
        return names;
    }
}
