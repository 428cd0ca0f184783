package io.spotmatch.flink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.math.BigDecimal;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.junit.jupiter.api.Test;

/** The ledger's balance state: exact decimals of any scale and sign round-trip, and a newer format is refused. */
class BalanceSerializerTest {

    @Test
    void roundTripsExactly() throws IOException {
        for (Balance b : new Balance[] {
            Balance.ZERO,
            new Balance(new BigDecimal("99998692002.26609"), new BigDecimal("1307997.73391000"), 123),
            new Balance(
                    new BigDecimal("-0.000000000000000001"),
                    new BigDecimal("92233720368547758070000.5"),
                    Long.MAX_VALUE)
        }) {
            DataOutputSerializer out = new DataOutputSerializer(64);
            Balance.Serializer.INSTANCE.serialize(b, out);
            Balance read = Balance.Serializer.INSTANCE.deserialize(new DataInputDeserializer(out.getCopyOfBuffer()));
            assertThat(read).isEqualTo(b); // BigDecimal equality: value and scale
        }
    }

    @Test
    void refusesAFormatVersionItDoesNotKnow() {
        assertThatThrownBy(() -> Balance.Serializer.INSTANCE.deserialize(new DataInputDeserializer(new byte[] {2, 0})))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("Balance has format version 2");
    }
}
