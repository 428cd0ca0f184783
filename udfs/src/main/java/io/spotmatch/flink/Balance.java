package io.spotmatch.flink;

import java.io.IOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import org.apache.flink.api.common.typeutils.SimpleTypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

/**
 * One account's balance of one asset in the ledger's keyed state (MapState entry, key = asset):
 * exact decimals, and {@code version} = how many movements made it, which only grows.
 */
public record Balance(BigDecimal available, BigDecimal held, long version) {

    public static final Balance ZERO = new Balance(BigDecimal.ZERO, BigDecimal.ZERO, 0);

    public Balance plus(BigDecimal deltaAvailable, BigDecimal deltaHeld) {
        return new Balance(available.add(deltaAvailable), held.add(deltaHeld), version + 1);
    }

    /** Format version byte first; to change the layout bump {@link #VERSION} and keep reading the older ones. */
    public static final class Serializer extends ImmutableSerializer<Balance> {
        public static final Serializer INSTANCE = new Serializer();
        static final int VERSION = 1;

        @Override
        public void serialize(Balance b, DataOutputView out) throws IOException {
            out.writeByte(VERSION);
            write(out, b.available);
            write(out, b.held);
            out.writeLong(b.version);
        }

        @Override
        public Balance deserialize(DataInputView in) throws IOException {
            Codec.readVersion(in, VERSION, "Balance");
            return new Balance(read(in), read(in), in.readLong());
        }

        private static void write(DataOutputView out, BigDecimal d) throws IOException {
            byte[] unscaled = d.unscaledValue().toByteArray();
            out.writeInt(d.scale());
            out.writeShort(unscaled.length);
            out.write(unscaled);
        }

        private static BigDecimal read(DataInputView in) throws IOException {
            int scale = in.readInt();
            byte[] unscaled = new byte[in.readUnsignedShort()];
            in.readFully(unscaled);
            return new BigDecimal(new BigInteger(unscaled), scale);
        }

        @Override
        public TypeSerializerSnapshot<Balance> snapshotConfiguration() {
            return new Snapshot();
        }
    }

    public static final class Snapshot extends SimpleTypeSerializerSnapshot<Balance> {
        public Snapshot() {
            super(() -> Serializer.INSTANCE);
        }
    }
}
