package io.spotmatch.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.spotmatch.wire.Secret;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import org.apache.flink.connector.jdbc.JdbcConnectionOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The trades sink's connections: the password read on the task, reconnects retried. */
class TaskSideConnectionProviderTest {

    /**
     * The connector's retry loop gives up at the first reconnect that fails; this provider tries
     * jdbc.max-retries more times before it does (each attempt's failure kept as a cause).
     */
    @Test
    void aDatabaseThatIsDownIsTriedAgainBeforeTheSinkGivesUp(@TempDir Path dir) throws Exception {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = s.getLocalPort();
        }
        Path pw = Files.writeString(dir.resolve("pw"), "secret\n");
        JdbcConnectionOptions options = new JdbcConnectionOptions.JdbcConnectionOptionsBuilder()
                .withUrl("jdbc:postgresql://127.0.0.1:" + closedPort + "/spotmatch?connectTimeout=2")
                .withDriverName("org.postgresql.Driver")
                .withUsername("spotmatch")
                .build();
        TaskSideConnectionProvider provider =
                new TaskSideConnectionProvider(options, Secret.of(pw.toString(), "UNUSED"), 2);
        assertThatThrownBy(provider::reestablishConnection)
                .isInstanceOf(SQLException.class)
                .hasMessage("cannot reconnect to PostgreSQL after 3 attempts")
                .hasMessageNotContaining("secret");
        assertThat(provider.getProperties()).containsEntry("user", "spotmatch").containsEntry("password", "secret");
    }

    @Test
    void aMissingPasswordNamesWhereItShouldBe() {
        JdbcConnectionOptions options = new JdbcConnectionOptions.JdbcConnectionOptionsBuilder()
                .withUrl("jdbc:postgresql://127.0.0.1:1/spotmatch")
                .withUsername("spotmatch")
                .build();
        TaskSideConnectionProvider provider =
                new TaskSideConnectionProvider(options, Secret.of(null, "SPOTMATCH_TEST_VARIABLE_THAT_IS_NOT_SET"), 0);
        assertThatThrownBy(provider::getProperties)
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("the environment variable SPOTMATCH_TEST_VARIABLE_THAT_IS_NOT_SET is not set");
    }
}
