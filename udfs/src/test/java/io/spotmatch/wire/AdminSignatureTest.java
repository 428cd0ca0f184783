package io.spotmatch.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.spotmatch.book.Command;
import io.spotmatch.book.SymbolStatus;
import io.spotmatch.book.SymbolUpdate;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class AdminSignatureTest {

    static final AdminSignature SIGNATURE = new AdminSignature(utf8("0123456789abcdef0123456789abcdef"));
    static final byte[] KEY = utf8("BTC-USDT");
    static final Command HALT = Command.symbol(SymbolUpdate.status(SymbolStatus.HALTED));
    static final byte[] VALUE = CommandJson.write("BTC-USDT", HALT);
    static final String SOURCE = "orders-admin/0/42";

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void aSignedSymbolCommandNamesItsAdminPosition() throws PoisonException {
        byte[] mac = SIGNATURE.mac(KEY, VALUE, SOURCE);
        assertThat(SIGNATURE.check(HALT, KEY, VALUE, utf8(SOURCE), mac))
                .isEqualTo(new AdminSignature.Source("orders-admin", 0, 42));
    }

    /** Deterministic and fixed: relays of every build sign the same bytes the same way. */
    @Test
    void theMacIsHmacSha256OverLengthPrefixedKeyValueAndSource() {
        assertThat(HexFormat.of().formatHex(SIGNATURE.mac(utf8("K"), utf8("V"), "t/0/1")))
                .isEqualTo(HexFormat.of().formatHex(SIGNATURE.mac(utf8("K"), utf8("V"), "t/0/1")))
                .isNotEqualTo(HexFormat.of().formatHex(SIGNATURE.mac(utf8("KV"), new byte[0], "t/0/1")))
                .hasSize(64);
    }

    @Test
    void aSymbolCommandWithoutTheRelayHeadersIsAdminOnTheOrdersTopic() {
        assertThatThrownBy(() -> SIGNATURE.check(HALT, KEY, VALUE, null, null))
                .isInstanceOfSatisfying(
                        PoisonException.class, e -> assertThat(e.code()).isEqualTo(PoisonCode.ADMIN_ON_ORDERS_TOPIC))
                .hasMessageContaining("admin topic");
        assertThatThrownBy(() -> SIGNATURE.check(HALT, KEY, VALUE, utf8(SOURCE), null))
                .isInstanceOfSatisfying(
                        PoisonException.class, e -> assertThat(e.code()).isEqualTo(PoisonCode.ADMIN_ON_ORDERS_TOPIC));
    }

    @Test
    void aWrongMacAnAlteredRecordOrAnotherKeyIsAnInvalidSignature() {
        byte[] mac = SIGNATURE.mac(KEY, VALUE, SOURCE);
        AdminSignature other = new AdminSignature(utf8("another key, also long enough to be used"));
        assertInvalid(SIGNATURE, KEY, VALUE, SOURCE, new byte[32]);
        assertInvalid(
                SIGNATURE,
                KEY,
                CommandJson.write("BTC-USDT", Command.symbol(SymbolUpdate.status(SymbolStatus.TRADING))),
                SOURCE,
                mac);
        assertInvalid(SIGNATURE, KEY, VALUE, "orders-admin/0/43", mac);
        assertInvalid(other, KEY, VALUE, SOURCE, mac);
        assertInvalid(SIGNATURE, KEY, VALUE, "no-position", SIGNATURE.mac(KEY, VALUE, "no-position"));
    }

    private static void assertInvalid(AdminSignature s, byte[] key, byte[] value, String source, byte[] mac) {
        assertThatThrownBy(() -> s.check(HALT, key, value, utf8(source), mac))
                .isInstanceOfSatisfying(
                        PoisonException.class, e -> assertThat(e.code()).isEqualTo(PoisonCode.INVALID_ADMIN_SIGNATURE));
    }

    @Test
    void anOrderCommandIsLetThroughUnlessItCarriesAdminHeaders() throws PoisonException {
        Command cancel = Command.cancel(1, 7);
        byte[] value = CommandJson.write("BTC-USDT", cancel);
        assertThat(SIGNATURE.check(cancel, KEY, value, null, null)).isNull();
        byte[] mac = SIGNATURE.mac(KEY, value, SOURCE);
        assertThatThrownBy(() -> SIGNATURE.check(cancel, KEY, value, utf8(SOURCE), mac))
                .isInstanceOfSatisfying(
                        PoisonException.class, e -> assertThat(e.code()).isEqualTo(PoisonCode.ADMIN_HEADERS_ON_ORDER));
    }

    @Test
    void shortKeysAreRefusedAndTheKeyIsNeverPrinted() {
        assertThatThrownBy(() -> new AdminSignature(utf8("short"))).hasMessageContaining("at least 32");
        assertThat(SIGNATURE.toString()).doesNotContain("0123456789");
    }
}
