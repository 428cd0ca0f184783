package io.spotmatch.flink;

import io.spotmatch.wire.FundsJson;
import io.spotmatch.wire.PoisonCode;
import io.spotmatch.wire.PoisonException;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/** Reads the funds topic and never throws: every record becomes a funds command or a dead letter. */
public final class FundsDeserializationSchema implements KafkaRecordDeserializationSchema<FundsInbound> {

    private final int maxRecordBytes;

    public FundsDeserializationSchema(int maxRecordBytes) {
        this.maxRecordBytes = maxRecordBytes;
    }

    @Override
    public void deserialize(ConsumerRecord<byte[], byte[]> record, Collector<FundsInbound> out) {
        FundsInbound result;
        try {
            result = new FundsInbound(
                    FundsJson.parse(record.key(), record.value(), maxRecordBytes),
                    null,
                    record.partition(),
                    record.offset());
            // The record time is the ledger rows' time, so it must be one PostgreSQL takes.
            CommandDeserializationSchema.checkTimestamp(record.timestamp());
        } catch (PoisonException e) {
            result = new FundsInbound(
                    null, DeadLetter.of(record, e.code(), e.getMessage()), record.partition(), record.offset());
        } catch (RuntimeException e) {
            result = new FundsInbound(
                    null,
                    DeadLetter.of(record, PoisonCode.INTERNAL_ERROR, String.valueOf(e)),
                    record.partition(),
                    record.offset());
        }
        out.collect(result);
    }

    @Override
    public TypeInformation<FundsInbound> getProducedType() {
        return TypeInformation.of(FundsInbound.class);
    }
}
