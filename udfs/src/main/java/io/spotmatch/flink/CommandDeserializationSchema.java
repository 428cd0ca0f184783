package io.spotmatch.flink;

import io.spotmatch.wire.AdminSignature;
import io.spotmatch.wire.CommandJson;
import io.spotmatch.wire.PoisonCode;
import io.spotmatch.wire.PoisonException;
import io.spotmatch.wire.WireCommand;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;

/**
 * Reads the orders topic and never throws: every record becomes a command or a dead letter. A
 * deserializer that throws restarts the job, and the same record would restart it forever.
 */
public final class CommandDeserializationSchema implements KafkaRecordDeserializationSchema<Inbound> {

    private final int maxRecordBytes;
    private final AdminSignature admin;

    /** @param admin checks that SYMBOL commands were relayed by the job from the admin topic */
    public CommandDeserializationSchema(int maxRecordBytes, AdminSignature admin) {
        this.maxRecordBytes = maxRecordBytes;
        this.admin = admin;
    }

    @Override
    public void deserialize(ConsumerRecord<byte[], byte[]> record, Collector<Inbound> out) {
        Inbound result;
        try {
            WireCommand w = CommandJson.parse(record.key(), record.value(), maxRecordBytes);
            checkTimestamp(record.timestamp());
            AdminSignature.Source source = admin.check(
                    w.command(),
                    record.key(),
                    record.value(),
                    header(record, AdminSignature.SOURCE_HEADER),
                    header(record, AdminSignature.MAC_HEADER));
            result = new Inbound(
                    new SymbolCommand(
                            w.symbol(),
                            w.command(),
                            record.timestamp(),
                            record.partition(),
                            record.offset(),
                            source == null ? -1 : source.partition(),
                            source == null ? -1 : source.offset()),
                    null,
                    record.partition(),
                    record.offset());
        } catch (PoisonException e) {
            result = new Inbound(
                    null, DeadLetter.of(record, e.code(), e.getMessage()), record.partition(), record.offset());
        } catch (RuntimeException e) {
            result = new Inbound(
                    null,
                    DeadLetter.of(record, PoisonCode.INTERNAL_ERROR, String.valueOf(e)),
                    record.partition(),
                    record.offset());
        }
        // Outside the try: what the chained operators downstream throw is not the record's fault.
        out.collect(result);
    }

    static byte[] header(ConsumerRecord<byte[], byte[]> record, String name) {
        Header h = record.headers().lastHeader(name);
        return h == null ? null : h.value();
    }

    /**
     * 9999-12-31T23:59:59.999Z: beyond it a trade time no longer prints as an ISO date (PostgreSQL's
     * own limit is later).
     */
    public static final long MAX_TIMESTAMP = 253_402_300_799_999L;

    /**
     * The record timestamp becomes trade and order times in PostgreSQL: one the database refuses
     * would stop the sink for every symbol, so it is poison here. -1 is Kafka's "no timestamp";
     * producers cannot write other negative ones.
     */
    static void checkTimestamp(long timestamp) throws PoisonException {
        if (timestamp < 0 || timestamp > MAX_TIMESTAMP) {
            throw new PoisonException(
                    PoisonCode.INVALID_TIMESTAMP,
                    "record timestamp " + timestamp + " is not between 0 and " + MAX_TIMESTAMP
                            + " (9999-12-31T23:59:59.999Z)");
        }
    }

    @Override
    public TypeInformation<Inbound> getProducedType() {
        return TypeInformation.of(Inbound.class);
    }
}
