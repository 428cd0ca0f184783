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
 * The v2 savepoint fixture (BookHeader v2, with the last applied admin position) restores the same
 * books through the current serializers, admin positions included. v1 keeps its own test.
 */
class SavepointV2CompatibilityITCase {

    @RegisterExtension
    static final MiniClusterExtension FLINK = RealServers.miniCluster();

    @RegisterExtension
    static final RealServers SERVERS = new RealServers();

    @Test
    void theV2SavepointStillRestoresTheSameBooksAndAdminPositions() throws Exception {
        URL savepoint = getClass().getResource("/savepoints/v2");
        assertThat(savepoint).as("savepoint fixture").isNotNull();
        String expected = Files.readString(
                Path.of(getClass().getResource("/savepoints/v2-books.json").toURI()), StandardCharsets.UTF_8);

        String books = String.join("", Pipeline.books(savepoint.toURI().toString()));

        assertThat(books).isEqualTo(expected);
        // The same scenario as v1, so the same books; v2 adds where each listing or halt was relayed from.
        String v1 = Files.readString(
                Path.of(getClass().getResource("/savepoints/v1-books.json").toURI()), StandardCharsets.UTF_8);
        assertThat(expected.replaceAll(",\"lastAdminSource\":\\{\"partition\":0,\"offset\":\\d+}", ""))
                .isEqualTo(v1);
        assertThat(expected.split("\n")).hasSize(3);
        assertThat(expected)
                .contains(
                        "{\"symbol\":\"BTC-USDT\",\"status\":\"TRADING\",\"seq\":",
                        "\"lastAdminSource\":{\"partition\":0,\"offset\":0}",
                        "\"lastAdminSource\":{\"partition\":0,\"offset\":2}",
                        "{\"symbol\":\"XRP-USDT\",\"status\":\"UNLISTED\"");
    }
}
