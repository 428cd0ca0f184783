package io.spotmatch.job;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The state compatibility guard: a savepoint written by an earlier build (see {@link SavepointFixture})
 * is committed under test resources, and every build must still read the books it holds, through
 * the current serializers, exactly as they were. A change that breaks old savepoints fails here,
 * not in a production upgrade.
 */
class SavepointCompatibilityITCase {

    @RegisterExtension
    static final MiniClusterExtension FLINK = RealServers.miniCluster();

    @RegisterExtension
    static final RealServers SERVERS = new RealServers();

    @Test
    void theCommittedSavepointStillRestoresTheSameBooks() throws Exception {
        URL savepoint = getClass().getResource("/savepoints/" + SavepointFixture.VERSION);
        assertThat(savepoint).as("savepoint fixture").isNotNull();
        String expected = Files.readString(
                Path.of(getClass()
                        .getResource("/savepoints/" + SavepointFixture.VERSION + "-books.json")
                        .toURI()),
                StandardCharsets.UTF_8);

        String books = String.join("", Pipeline.books(savepoint.toURI().toString()));

        assertThat(books).isEqualTo(expected);
        // What the fixture's scenario must have left, checked by hand once:
        assertThat(expected.split("\n")).hasSize(3);
        assertThat(expected)
                .contains(
                        "{\"symbol\":\"BTC-USDT\",\"status\":\"TRADING\"",
                        "{\"symbol\":\"ETH-USDT\",\"status\":\"HALTED\"",
                        "{\"symbol\":\"XRP-USDT\",\"status\":\"UNLISTED\"");
    }
}
