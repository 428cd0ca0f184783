package io.spotmatch.flink;

import io.spotmatch.book.Decimal;
import io.spotmatch.book.OrderType;
import io.spotmatch.book.Side;
import io.spotmatch.book.StpMode;
import io.spotmatch.book.TimeInForce;
import java.io.IOException;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

/** Binary helpers shared by the serializers: nullable enums, decimals and strings. */
final class Codec {

    // Enum tables for readEnum, shared by every serializer that writes these enums.
    static final Side[] SIDES = Side.values();
    static final OrderType[] ORDER_TYPES = OrderType.values();
    static final TimeInForce[] TIME_IN_FORCES = TimeInForce.values();
    static final StpMode[] STP_MODES = StpMode.values();

    private Codec() {}

    static void writeEnum(DataOutputView out, Enum<?> e) throws IOException {
        out.writeByte(e == null ? -1 : e.ordinal());
    }

    static <E extends Enum<E>> E readEnum(DataInputView in, E[] values) throws IOException {
        int ordinal = in.readByte();
        if (ordinal == -1) {
            return null;
        }
        if (ordinal < 0 || ordinal >= values.length) {
            throw new IOException(
                    "no " + values.getClass().getComponentType().getSimpleName() + " with ordinal " + ordinal);
        }
        return values[ordinal];
    }

    static void writeDecimal(DataOutputView out, Decimal d) throws IOException {
        if (d == null) {
            out.writeByte(-1);
        } else {
            out.writeByte(d.scale());
            out.writeLong(d.unscaled());
        }
    }

    static Decimal readDecimal(DataInputView in) throws IOException {
        int scale = in.readByte();
        return scale == -1 ? null : new Decimal(in.readLong(), scale);
    }

    static void writeString(DataOutputView out, String s) throws IOException {
        out.writeBoolean(s != null);
        if (s != null) {
            out.writeUTF(s);
        }
    }

    static String readString(DataInputView in) throws IOException {
        return in.readBoolean() ? in.readUTF() : null;
    }

    /** Reads the format version every state value starts with, and refuses versions this build does not know. */
    static int readVersion(DataInputView in, int current, String what) throws IOException {
        int version = in.readUnsignedByte();
        if (version < 1 || version > current) {
            throw new IOException(what + " has format version " + version + "; this build reads versions 1 to "
                    + current + ". It was written by a newer SpotMatch: restore with that version or newer.");
        }
        return version;
    }
}
