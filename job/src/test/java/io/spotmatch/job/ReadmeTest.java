package io.spotmatch.job;

import static org.assertj.core.api.Assertions.assertThat;

import io.spotmatch.book.CancelReason;
import io.spotmatch.book.RejectReason;
import io.spotmatch.wire.PoisonCode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.flink.configuration.ConfigOption;
import org.junit.jupiter.api.Test;

/**
 * The README documents every option, with its default, and every reason code an operator can see;
 * and every class its commands start exists where the command looks for it.
 */
class ReadmeTest {

    private static final String README = read();

    private static String read() {
        try {
            return Files.readString(Path.of("..", "README.md"));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void listsEveryOptionWithItsDefault() {
        for (ConfigOption<?> o : SpotMatchOptions.ALL) {
            assertThat(README)
                    .contains("| `--" + o.key() + "` | "
                            + (o.hasDefaultValue() ? "`" + CommandLine.defaultText(o) + "`" : "none") + " |");
        }
    }

    /** And nothing else: a removed or renamed option leaves no row behind. */
    @Test
    void theOptionsTableListsOnlyTheJobsOptions() {
        String table = README.substring(README.indexOf("| option | default | what it does |"));
        table = table.substring(0, table.indexOf("\n\n"));
        Matcher row = Pattern.compile("(?m)^\\| `--([^`]+)` \\|").matcher(table);
        java.util.List<String> rows = new java.util.ArrayList<>();
        while (row.find()) {
            rows.add(row.group(1));
        }
        assertThat(rows)
                .containsExactlyInAnyOrderElementsOf(
                        SpotMatchOptions.ALL.stream().map(ConfigOption::key).toList());
    }

    @Test
    void namesEveryReasonCode() {
        for (Enum<?>[] codes : new Enum<?>[][] {RejectReason.values(), CancelReason.values(), PoisonCode.values()}) {
            for (Enum<?> code : codes) {
                assertThat(README).as(code.getDeclaringClass().getSimpleName()).contains("`" + code.name() + "`");
            }
        }
    }

    @Test
    void everyClassTheCommandsStartExists() throws Exception {
        Matcher m = Pattern.compile("(?:-Dspotmatch\\.main=|--class |\\s)(io\\.spotmatch\\.[\\w.]+[A-Z]\\w+)")
                .matcher(README);
        int found = 0;
        while (m.find()) {
            Class.forName(m.group(1));
            found++;
        }
        assertThat(found).as("class names in README commands").isGreaterThan(5);
    }

    @Test
    void toolsInTheJobJarAreProductionCode() {
        for (String tool : new String[] {
            "io/spotmatch/job/tools/BookInspector.class",
            "io/spotmatch/job/tools/DeadLetterReplay.class",
            "io/spotmatch/job/SpotMatchJob.class"
        }) {
            assertThat(getClass().getClassLoader().getResource(tool).toString())
                    .as(tool)
                    .contains("/target/classes/");
        }
    }
}
