package io.spotmatch.job.tools;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The newest complete retained checkpoint, on a directory tree laid out as Flink writes it. */
class LatestCheckpointTest {

    @TempDir
    Path root;

    private Path checkpoint(String job, int n, boolean complete, long writtenMillis) throws Exception {
        Path chk = Files.createDirectories(root.resolve(job).resolve("chk-" + n));
        Files.writeString(chk.resolve("0b7c-state"), "state");
        if (complete) {
            Path metadata = Files.writeString(chk.resolve("_metadata"), "metadata");
            Files.setLastModifiedTime(metadata, FileTime.fromMillis(writtenMillis));
        }
        return chk;
    }

    private static String uri(Path p) {
        return p.toUri().toString().replaceFirst("/$", "");
    }

    private String latest(Path dir) throws Exception {
        org.apache.flink.core.fs.Path found = LatestCheckpoint.find(new org.apache.flink.core.fs.Path(uri(dir)));
        return found == null ? null : LatestCheckpoint.format(found);
    }

    @Test
    void theHighestCompleteCheckpointOfAJobNotOneWithoutMetadata() throws Exception {
        checkpoint("a1b2", 9, true, 9_000);
        Path ten = checkpoint("a1b2", 10, true, 10_000);
        checkpoint("a1b2", 11, false, 0); // still being written
        // Numbers compare as numbers: chk-10 is newer than chk-9 (not as text).
        Files.createDirectories(root.resolve("a1b2").resolve("shared"));
        Files.createDirectories(root.resolve("a1b2").resolve("taskowned"));
        assertThat(latest(root)).isEqualTo(uri(ten));
        assertThat(latest(root.resolve("a1b2"))).as("a job's own directory").isEqualTo(uri(ten));
    }

    @Test
    void acrossJobsTheNewestMetadataWins() throws Exception {
        checkpoint("old-job", 500, true, 1_000);
        Path restarted = checkpoint("new-job", 3, true, 2_000);
        assertThat(latest(root)).isEqualTo(uri(restarted));
    }

    @Test
    void noCompleteCheckpointIsNull() throws Exception {
        checkpoint("a1b2", 1, false, 0);
        assertThat(latest(root)).isNull();
        assertThat(latest(root.resolve("missing"))).isNull();
    }
}
