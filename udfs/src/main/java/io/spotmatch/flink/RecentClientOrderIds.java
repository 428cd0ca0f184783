package io.spotmatch.flink;

import io.spotmatch.book.ClientOrderId;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.typeutils.SimpleTypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

/**
 * A symbol's keyed ValueState: the client order ids of its most recently closed orders, oldest
 * first (at most {@link io.spotmatch.book.OrderBook#RECENT_CLIENT_ORDER_IDS}), so a NEW repeating
 * one is still a duplicate after a restore. The open orders' ids are in their {@link RestingOrder}s.
 * Written whole, and only when it changed since the last checkpoint; symbols whose orders carry no
 * client order ids never write it.
 */
public record RecentClientOrderIds(List<ClientOrderId> ids) {

    /**
     * Format version byte first; see {@link RestingOrder.Serializer} for how to evolve it.
     * v1: count, then each (user, id).
     */
    public static final class Serializer extends ImmutableSerializer<RecentClientOrderIds> {
        public static final Serializer INSTANCE = new Serializer();
        static final int VERSION = 1;

        @Override
        public void serialize(RecentClientOrderIds r, DataOutputView out) throws IOException {
            out.writeByte(VERSION);
            out.writeInt(r.ids.size());
            for (ClientOrderId id : r.ids) {
                out.writeLong(id.userId());
                out.writeUTF(id.clientOrderId());
            }
        }

        @Override
        public RecentClientOrderIds deserialize(DataInputView in) throws IOException {
            Codec.readVersion(in, VERSION, "RecentClientOrderIds");
            int n = in.readInt();
            List<ClientOrderId> ids = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                ids.add(new ClientOrderId(in.readLong(), in.readUTF()));
            }
            return new RecentClientOrderIds(List.copyOf(ids));
        }

        @Override
        public TypeSerializerSnapshot<RecentClientOrderIds> snapshotConfiguration() {
            return new Snapshot();
        }
    }

    public static final class Snapshot extends SimpleTypeSerializerSnapshot<RecentClientOrderIds> {
        public Snapshot() {
            super(() -> Serializer.INSTANCE);
        }
    }
}
