package io.spotmatch.job.local;

import java.io.IOException;
import java.util.Map;

/**
 * An embedded Kafka broker as a process of its own, so a benchmark can tell the broker's CPU from
 * the job's. Prints {@code READY <bootstrap servers>}, then runs until its standard input closes.
 */
public final class KafkaServerMain {

    public static void main(String[] args) throws IOException {
        System.setProperty("log4j2.configurationFile", "log4j2-local.properties");
        try (EmbeddedKafka kafka = EmbeddedKafka.start(Map.of("num.network.threads", "3", "num.io.threads", "4"))) {
            System.out.println("READY " + kafka.bootstrapServers());
            System.out.flush();
            while (System.in.read() >= 0) {
                // wait for the parent to go away
            }
        }
    }
}
