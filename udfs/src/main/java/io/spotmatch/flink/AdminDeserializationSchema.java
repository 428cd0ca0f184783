package io.spotmatch.flink;

import io.spotmatch.book.CommandType;
import io.spotmatch.wire.AdminSignature;
import io.spotmatch.wire.CommandJson;
import io.spotmatch.wire.PoisonCode;
import io.spotmatch.wire.PoisonException;
import io.spotmatch.wire.WireCommand;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * Reads the admin topic with the orders topic's own parser, so a command the relay passes on is one
 * the books read the same way. Only SYMBOL commands belong there; anything else is a dead letter.
 * Never throws, for the same reason as {@link CommandDeserializationSchema}.
 */
public final class AdminDeserializationSchema implements KafkaRecordDeserializationSchema<AdminCommand> {

    private final int maxRecordBytes;

    public AdminDeserializationSchema(int maxRecordBytes) {
        this.maxRecordBytes = maxRecordBytes;
    }

    @Override
    public void deserialize(ConsumerRecord<byte[], byte[]> record, Collector<AdminCommand> out) {
        AdminCommand result;
        try {
            WireCommand w = CommandJson.parse(record.key(), record.value(), maxRecordBytes);
            if (w.command().type() != CommandType.SYMBOL) {
                throw new PoisonException(
                        PoisonCode.NOT_AN_ADMIN_COMMAND,
                        "a " + w.command().type()
                                + " command on the admin topic: only SYMBOL commands belong there, orders go to the orders topic");
            }
            String source = new AdminSignature.Source(record.topic(), record.partition(), record.offset()).toString();
            result = new AdminCommand(record.key(), record.value(), record.timestamp(), source, null);
        } catch (PoisonException e) {
            result = new AdminCommand(null, null, 0, null, DeadLetter.of(record, e.code(), e.getMessage()));
        } catch (RuntimeException e) {
            result = new AdminCommand(
                    null, null, 0, null, DeadLetter.of(record, PoisonCode.INTERNAL_ERROR, String.valueOf(e)));
        }
        out.collect(result);
    }

    @Override
    public TypeInformation<AdminCommand> getProducedType() {
        return TypeInformation.of(AdminCommand.class);
    }
}
