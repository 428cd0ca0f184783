package io.spotmatch.job;

import io.spotmatch.book.Command;
import io.spotmatch.book.Side;
import io.spotmatch.book.StpMode;
import io.spotmatch.book.SymbolStatus;
import io.spotmatch.book.SymbolUpdate;
import io.spotmatch.book.TimeInForce;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.flink.core.execution.JobClient;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Writes the savepoint fixture that {@link SavepointCompatibilityITCase} restores on every build:
 * the job's state after a small, fixed scenario, and the books it must contain. Regenerate it only
 * when a state format changes on purpose, and keep the old one next to it (v1, v2, ...): bump
 * {@link #CURRENT} and run
 *
 * <pre>
 * mvn -B -q install -DskipTests
 * mvn -B -q -pl job test-compile exec:exec -Dspotmatch.main=io.spotmatch.job.SavepointFixture
 * </pre>
 */
public final class SavepointFixture {

    /** The first fixture, restored by {@link SavepointCompatibilityITCase}. */
    static final String VERSION = "v1";
    /** The fixture {@link #main} writes: the current state formats (BookHeader v2: last applied admin position). */
    static final String CURRENT = "v2";

    static final long T0 = 1_767_225_600_000L;

    /**
     * BTC-USDT with resting, partly filled and amended orders; ETH-USDT halted with a book; XRP-USDT never listed.
     * The SYMBOL commands are signed as relayed from test-admin/0/0, /1 and /2 (in a fresh JVM).
     */
    static List<ProducerRecord<byte[], byte[]>> scenario(Pipeline p) {
        List<Object[]> script = List.of(
                new Object[] {"BTC-USDT", JobEndToEndITCase.listing("BTC", "0.01", "0.001", "0.001", "0.002")},
                new Object[] {"BTC-USDT", Command.limit(1, 7, Side.SELL, "65010.00", "0.500", TimeInForce.GTC)},
                new Object[] {"BTC-USDT", Command.limit(2, 8, Side.SELL, "65010.00", "0.300", TimeInForce.GTC)},
                new Object[] {"BTC-USDT", Command.limit(3, 7, Side.SELL, "65020.50", "1.000", TimeInForce.GTC)},
                new Object[] {
                    "BTC-USDT",
                    Command.limit(4, 9, Side.BUY, "65000.00", "0.750", TimeInForce.GTC)
                            .withStp(StpMode.EXPIRE_MAKER)
                },
                new Object[] {"BTC-USDT", Command.limit(5, 10, Side.BUY, "64990.10", "2.000", TimeInForce.GTC)},
                new Object[] {"BTC-USDT", Command.market(6, 11, Side.BUY, "0.200")}, // fills 0.200 of order 1
                new Object[] {"BTC-USDT", Command.amend(5, 10, null, "1.500")}, // keeps priority
                new Object[] {"BTC-USDT", Command.limitMaker(7, 12, Side.BUY, "64990.10", "0.100")},
                new Object[] {"BTC-USDT", Command.amend(4, 9, "64995.00", null)}, // loses priority
                new Object[] {"BTC-USDT", Command.limit(8, 13, Side.BUY, "64000.00", "0.010", TimeInForce.IOC)},
                new Object[] {"ETH-USDT", JobEndToEndITCase.listing("ETH", "0.01", "0.0001", "0.0005", "0.001")},
                new Object[] {"ETH-USDT", Command.limit(1, 21, Side.BUY, "3500.00", "1.5000", TimeInForce.GTC)},
                new Object[] {"ETH-USDT", Command.limit(2, 22, Side.SELL, "3500.00", "0.4000", TimeInForce.GTC)},
                new Object[] {"ETH-USDT", Command.symbol(SymbolUpdate.status(SymbolStatus.HALTED))},
                new Object[] {"XRP-USDT", Command.limit(1, 31, Side.BUY, "0.50", "100", TimeInForce.GTC)});
        List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
        for (int i = 0; i < script.size(); i++) {
            records.add(p.command((String) script.get(i)[0], (Command) script.get(i)[1], T0 + i * 1000L));
        }
        return records;
    }

    public static void main(String[] args) throws Exception {
        write();
        System.exit(0);
    }

    static void write() throws Exception {
        Path resources = Path.of("src/test/resources/savepoints");
        Pipeline p = new Pipeline(RealServers.standalone(), 2);
        p.produce(scenario(p));
        JobClient job = p.start(Map.of("kafka.bounded", "NONE"), Map.of(), s -> s);
        p.awaitCaughtUp(job, Duration.ofMinutes(1));
        String savepoint = p.stopWithSavepoint(job);

        Path target = resources.resolve(CURRENT);
        if (Files.exists(target)) {
            try (Stream<Path> old = Files.walk(target)) {
                old.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
            }
        }
        Path source = Path.of(java.net.URI.create(savepoint));
        try (Stream<Path> files = Files.walk(source)) {
            for (Path f : (Iterable<Path>) files::iterator) {
                Path to = target.resolve(source.relativize(f).toString());
                if (Files.isDirectory(f)) {
                    Files.createDirectories(to);
                } else {
                    Files.copy(f, to, StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
        String books = String.join("", Pipeline.books(target.toUri().toString()));
        Files.writeString(resources.resolve(CURRENT + "-books.json"), books, StandardCharsets.UTF_8);
        System.out.println("Wrote " + target + " and " + CURRENT + "-books.json:\n" + books);
    }
}
