package io.spotmatch.job.load;

import io.spotmatch.load.OrderStream;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
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

    public record Settings(String bootstrapServers, String topic, int symbols, long orders, long rate, long seed,
            int poisonPerMillion) {
    }

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
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(producerProperties(settings.bootstrapServers()))) {
            long total = settings.orders() + settings.symbols(); // listings first
            for (long i = 0; i < total && !stopped; i++) {
                OrderStream.Record r = stream.next();
                producer.send(new ProducerRecord<>(settings.topic(), r.key(), r.value()));
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

    public static void main(String[] args) throws InterruptedException {
        Map<String, String> a = Args.parse(args, Map.of(
                "bootstrap-servers", "localhost:9092", "topic", "orders", "symbols", "50", "orders", "1000000",
                "rate", "0", "seed", "1", "poison-per-million", "0"));
        Settings s = new Settings(a.get("bootstrap-servers"), a.get("topic"), Integer.parseInt(a.get("symbols")),
                Long.parseLong(a.get("orders")), Long.parseLong(a.get("rate")), Long.parseLong(a.get("seed")),
                Integer.parseInt(a.get("poison-per-million")));
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
        System.out.printf(Locale.ROOT, "done: %,d records in %.1f s, %,.0f records/s%n", g.sent(), seconds, g.sent() / seconds);
    }
}
