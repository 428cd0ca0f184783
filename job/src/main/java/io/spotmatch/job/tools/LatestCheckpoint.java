package io.spotmatch.job.tools;

import static org.apache.flink.configuration.ConfigOptions.key;

import io.spotmatch.job.CommandLine;
import java.io.IOException;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.core.fs.FileStatus;
import org.apache.flink.core.fs.FileSystem;
import org.apache.flink.core.fs.Path;

/**
 * Prints the newest complete retained checkpoint under a checkpoint directory, for restarting a job
 * on a cluster without high availability ({@code flink run -s <printed path> ...}). Complete means
 * its {@code _metadata} exists: Flink writes that file last, so a {@code chk-N} without it is a
 * checkpoint that was still being written, or was abandoned, and cannot be restored.
 *
 * <pre>
 * java -cp "spotmatch-job.jar:/opt/flink/lib/*" io.spotmatch.job.tools.LatestCheckpoint \
 *     --checkpoint-dir file:///flink-data/checkpoints
 * </pre>
 *
 * The directory is either execution.checkpointing.dir (one subdirectory per job id) or one job's
 * directory. Across job ids the newest {@code _metadata} wins; within one job, the highest N.
 */
public final class LatestCheckpoint {

    static final ConfigOption<String> CHECKPOINT_DIR = key("checkpoint-dir")
            .stringType()
            .noDefaultValue()
            .withDescription("execution.checkpointing.dir of the cluster, or one job's directory under it.");
    static final List<ConfigOption<?>> OPTIONS = List.of(CHECKPOINT_DIR);

    private static final Pattern CHK = Pattern.compile("chk-(\\d+)");
    private static final String METADATA = "_metadata";

    private LatestCheckpoint() {}

    public static void main(String[] args) throws IOException {
        if (CommandLine.wantsHelp(args)) {
            System.out.println(CommandLine.help("LatestCheckpoint options", OPTIONS));
            return;
        }
        String dir;
        try {
            dir = CommandLine.parse(args, OPTIONS).required(CHECKPOINT_DIR);
        } catch (CommandLine.InvalidOptionException e) {
            System.err.println("Invalid configuration: " + e.getMessage());
            System.exit(2);
            return;
        }
        Path latest = find(new Path(dir));
        if (latest == null) {
            System.err.println("No complete checkpoint (chk-N with " + METADATA + ") under " + dir);
            System.exit(1);
        }
        System.out.println(format(latest));
    }

    /** As {@code flink run -s} and config files write it: file:///path for a local path, else the URI. */
    public static String format(Path path) {
        java.net.URI u = path.toUri();
        return "file".equals(u.getScheme()) && u.getAuthority() == null ? "file://" + u.getPath() : u.toString();
    }

    /** The newest complete {@code chk-N} directory at most one level below {@code dir}, or null. */
    public static Path find(Path dir) throws IOException {
        FileSystem fs = dir.getFileSystem();
        if (!fs.exists(dir)) {
            return null;
        }
        Candidate best = null;
        for (FileStatus child : fs.listStatus(dir)) {
            if (!child.isDir()) {
                continue;
            }
            if (CHK.matcher(child.getPath().getName()).matches()) {
                best = newer(best, candidate(fs, child.getPath()));
            } else {
                FileStatus[] inJob = fs.listStatus(child.getPath());
                for (FileStatus c : inJob == null ? new FileStatus[0] : inJob) {
                    if (c.isDir() && CHK.matcher(c.getPath().getName()).matches()) {
                        best = newer(best, candidate(fs, c.getPath()));
                    }
                }
            }
        }
        return best == null ? null : best.path;
    }

    private record Candidate(Path path, long number, long written) {}

    private static Candidate candidate(FileSystem fs, Path chk) throws IOException {
        Path metadata = new Path(chk, METADATA);
        if (!fs.exists(metadata)) {
            return null;
        }
        Matcher m = CHK.matcher(chk.getName());
        m.matches();
        return new Candidate(
                chk, Long.parseLong(m.group(1)), fs.getFileStatus(metadata).getModificationTime());
    }

    private static Candidate newer(Candidate a, Candidate b) {
        if (a == null || b == null) {
            return a == null ? b : a;
        }
        boolean sameJob = a.path.getParent().equals(b.path.getParent());
        if (sameJob) {
            return b.number > a.number ? b : a;
        }
        return b.written > a.written || (b.written == a.written && b.number > a.number) ? b : a;
    }
}
