package io.spotmatch.job;

import static org.assertj.core.api.Assertions.assertThat;

import io.spotmatch.book.Command;
import io.spotmatch.book.Side;
import io.spotmatch.book.TimeInForce;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.sql.Connection;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.flink.util.ExceptionUtils;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A database that does not answer must fail a sink within its timeouts (and so hand over to the
 * restart strategy), never stall it forever. The jobs run without a restart strategy: a sink that
 * hangs leaves the job running, and the test fails on its deadline instead.
 */
class HangingDatabaseITCase {

    @RegisterExtension
    static final MiniClusterExtension FLINK = RealServers.miniCluster();

    @RegisterExtension
    static final RealServers SERVERS = new RealServers();

    private static final long T0 = JobEndToEndITCase.T0;

    private static List<ProducerRecord<byte[], byte[]>> aTrade(Pipeline p) {
        return List.of(
                p.command("BTC-USDT", JobEndToEndITCase.listing("BTC", "0.01", "0.001", "0", "0"), T0),
                p.command("BTC-USDT", Command.limit(1, 7, Side.SELL, "100.00", "1.000", TimeInForce.GTC), T0 + 1),
                p.command("BTC-USDT", Command.limit(2, 8, Side.BUY, "100.00", "0.400", TimeInForce.GTC), T0 + 2));
    }

    /** The job's failure, which must come well before the deadline of a sink that waits forever. */
    private static Throwable failure(JobClient job) throws Exception {
        try {
            job.getJobExecutionResult().get(5, TimeUnit.MINUTES);
        } catch (ExecutionException e) {
            return e;
        }
        throw new AssertionError("the job finished although its sink could not write");
    }

    @ParameterizedTest(name = "{0} table locked")
    @ValueSource(strings = {"orders", "trades"})
    void aStatementWaitingForALockFailsTheSink(String table) throws Exception {
        Pipeline p = new Pipeline(SERVERS, 1);
        p.produce(aTrade(p));
        try (Connection lock = p.connect();
                Statement st = lock.createStatement()) {
            lock.setAutoCommit(false);
            st.execute("LOCK TABLE " + table + " IN ACCESS EXCLUSIVE MODE");
            JobClient job = p.start(
                    Map.of("job.parallelism", "1", "jdbc.lock-timeout", "1 s", "jdbc.max-retries", "0"),
                    Map.of(),
                    UnaryOperator.identity());
            Throwable failure = failure(job);
            assertThat(ExceptionUtils.stringifyException(failure)).contains("lock timeout");
            lock.rollback();
        }
    }

    @Test
    void aDatabaseThatAcceptsButNeverAnswersFailsTheSinks() throws Exception {
        Pipeline p = new Pipeline(SERVERS, 1);
        p.produce(aTrade(p));
        try (SilentServer silent = new SilentServer()) {
            JobClient job = p.start(
                    Map.of(
                            "job.parallelism",
                            "1",
                            "jdbc.max-retries",
                            "0",
                            "jdbc.url",
                            "jdbc:postgresql://127.0.0.1:" + silent.port() + "/spotmatch",
                            "jdbc.connect-timeout",
                            "2 s",
                            "jdbc.statement-timeout",
                            "2 s",
                            "jdbc.socket-timeout",
                            "3 s"),
                    Map.of(),
                    UnaryOperator.identity());
            Throwable failure = failure(job);
            assertThat(ExceptionUtils.stringifyException(failure)).containsIgnoringCase("timed out");
            assertThat(silent.accepted()).isGreaterThan(0);
        }
    }

    /** Accepts TCP connections on loopback and never sends a byte. */
    static final class SilentServer implements AutoCloseable {
        private final ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        private final List<Socket> sockets = new ArrayList<>();
        private final Thread acceptor;

        SilentServer() throws IOException {
            acceptor = new Thread(
                    () -> {
                        try {
                            while (true) {
                                Socket s = server.accept();
                                synchronized (sockets) {
                                    sockets.add(s);
                                }
                            }
                        } catch (IOException closed) {
                            // the test is over
                        }
                    },
                    "silent-server");
            acceptor.setDaemon(true);
            acceptor.start();
        }

        int port() {
            return server.getLocalPort();
        }

        int accepted() {
            synchronized (sockets) {
                return sockets.size();
            }
        }

        @Override
        public void close() throws Exception {
            server.close();
            synchronized (sockets) {
                for (Socket s : sockets) {
                    s.close();
                }
            }
            acceptor.join(10_000);
        }
    }
}
