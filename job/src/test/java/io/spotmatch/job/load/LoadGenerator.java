package io.spotmatch.job.load;

import static org.apache.flink.configuration.ConfigOptions.key;

import io.spotmatch.job.CommandLine;
import io.spotmatch.load.OrderStream;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.apache.flink.configuration.ConfigOption;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Writes a synthetic, seeded order flow ({@link OrderStream}) to the orders topic, as fast as
 * possible or at a target rate, and reports its own rate. The records depend only on the seed;
 * the rate only changes when they are sent.
 *
 * <pre>
 * mvn -B -q -pl job exec:exec -Dspotmatch.main=io.spotmatch.job.load.LoadGenerator \
 *     -Dspotmatch.args="--bootstrap-servers localhost:9094 --orders 1000000 --rate 20000"
 * </pre>
 */
public final class LoadGenerator {

    public record Settings(
            String bootstrapServers,
            String topic,
            int symbols,
            long orders,
            long rate,
            long seed,
            int poisonPerMillion) {}

    private final Settings settings;
    private final AtomicLong sent = new AtomicLong();
    private volatile boolean stopped;

    public LoadGenerator(Settings settings) {
        this.settings = settings;
    }

    public static Properties producerProperties(String bootstrapServers) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        // Idempotence keeps each partition (so each symbol) in order through retries.
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        p.put(ProducerConfig.LINGER_MS_CONFIG, "5");
        p.put(ProducerConfig.BATCH_SIZE_CONFIG, "262144");
        p.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        p.put(ProducerConfig.BUFFER_MEMORY_CONFIG, Long.toString(128L << 20));
        return p;
    }

    /** Records sent so far (acknowledged or not). */
    public long sent() {
        return sent.get();
    }

    public void stop() {
        stopped = true;
    }

    /** Sends every record; returns when all are acknowledged. */
    public void run() {
        OrderStream stream = new OrderStream(settings.symbols(), settings.seed(), settings.poisonPerMillion());
        long start = System.nanoTime();
        try (KafkaProducer<byte[], byte[]> producer =
                new KafkaProducer<>(producerProperties(settings.bootstrapServers()))) {
            long total = settings.orders() + settings.symbols(); // listings first
            for (long i = 0; i < total && !stopped; i++) {
                OrderStream.Record r = stream.next();
                producer.send(r.toProducerRecord(settings.topic(), null));
                sent.incrementAndGet();
                if (settings.rate() > 0 && (i & 63) == 0) {
                    long due = start + i * 1_000_000_000L / settings.rate();
                    long wait = due - System.nanoTime();
                    if (wait > 0) {
                        LockSupport.parkNanos(wait);
                    }
                }
            }
            producer.flush();
        }
    }

    static final ConfigOption<String> BOOTSTRAP_SERVERS = key("bootstrap-servers")
            .stringType()
            .defaultValue("localhost:9092")
            .withDescription("Kafka bootstrap servers.");
    static final ConfigOption<String> TOPIC =
            key("topic").stringType().defaultValue("orders").withDescription("Orders topic.");
    static final ConfigOption<Integer> SYMBOLS =
            key("symbols").intType().defaultValue(50).withDescription("Symbols, Zipf-popular.");
    static final ConfigOption<Long> ORDERS =
            key("orders").longType().defaultValue(1_000_000L).withDescription("Orders to send (listings come on top).");
    static final ConfigOption<Long> RATE =
            key("rate").longType().defaultValue(0L).withDescription("Orders per second; 0 for as fast as possible.");
    static final ConfigOption<Long> SEED =
            key("seed").longType().defaultValue(1L).withDescription("Seed of the flow.");
    static final ConfigOption<Integer> POISON_PER_MILLION =
            key("poison-per-million").intType().defaultValue(0).withDescription("Poison records per million.");
    static final List<ConfigOption<?>> OPTIONS =
            List.of(BOOTSTRAP_SERVERS, TOPIC, SYMBOLS, ORDERS, RATE, SEED, POISON_PER_MILLION);

    public static void main(String[] args) throws InterruptedException {
        CommandLine a = CommandLine.parse(args, OPTIONS);
        Settings s = new Settings(
                a.get(BOOTSTRAP_SERVERS),
                a.get(TOPIC),
                a.get(SYMBOLS),
                a.get(ORDERS),
                a.get(RATE),
                a.get(SEED),
                a.get(POISON_PER_MILLION));
        LoadGenerator g = new LoadGenerator(s);
        Thread t = new Thread(g::run, "load-generator");
        long start = System.nanoTime();
        t.start();
        long last = 0;
        while (t.isAlive()) {
            t.join(1000);
            long now = g.sent();
            System.out.printf(Locale.ROOT, "sent %,d records (%,d/s)%n", now, now - last);
            last = now;
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        System.out.printf(
                Locale.ROOT, "done: %,d records in %.1f s, %,.0f records/s%n", g.sent(), seconds, g.sent() / seconds);
    }
}
