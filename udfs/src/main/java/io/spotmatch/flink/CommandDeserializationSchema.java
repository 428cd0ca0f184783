package io.spotmatch.flink;

import io.spotmatch.wire.CommandJson;
import io.spotmatch.wire.PoisonCode;
import io.spotmatch.wire.PoisonException;
import io.spotmatch.wire.WireCommand;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * Reads the orders topic and never throws: every record becomes a command or a dead letter. A
 * deserializer that throws restarts the job, and the same record would restart it forever.
 */
public final class CommandDeserializationSchema implements KafkaRecordDeserializationSchema<Inbound> {

    private final int maxRecordBytes;

    public CommandDeserializationSchema(int maxRecordBytes) {
        this.maxRecordBytes = maxRecordBytes;
    }

    @Override
    public void deserialize(ConsumerRecord<byte[], byte[]> record, Collector<Inbound> out) {
        Inbound result;
        try {
            WireCommand w = CommandJson.parse(record.key(), record.value(), maxRecordBytes);
            result = new Inbound(new SymbolCommand(w.symbol(), w.command(), record.timestamp(), record.partition()), null,
                    record.partition(), record.offset());
        } catch (PoisonException e) {
            result = new Inbound(null, DeadLetter.of(record, e.code(), e.getMessage()), record.partition(), record.offset());
        } catch (RuntimeException e) {
            result = new Inbound(null, DeadLetter.of(record, PoisonCode.INTERNAL_ERROR, String.valueOf(e)),
                    record.partition(), record.offset());
        }
        // Outside the try: what the chained operators downstream throw is not the record's fault.
        out.collect(result);
    }

    @Override
    public TypeInformation<Inbound> getProducedType() {
        return TypeInformation.of(Inbound.class);
    }
}
