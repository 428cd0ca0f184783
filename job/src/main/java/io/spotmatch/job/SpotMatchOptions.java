package io.spotmatch.job;

import static org.apache.flink.configuration.ConfigOptions.key;

import io.spotmatch.flink.DeadLetterSerializationSchema;
import io.spotmatch.flink.JdbcTimeouts;
import io.spotmatch.wire.AdminSignature;
import io.spotmatch.wire.Secret;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.configuration.ConfigOption;

/**
 * Every option of the job, typed, with its default and what it does: the one place option names
 * appear. Given as {@code --name value} on the command line; {@code --help} lists them.
 */
public final class SpotMatchOptions {

    public enum StartingOffsets {
        EARLIEST,
        LATEST,
        COMMITTED,
        TIMESTAMP,
        OFFSETS
    }

    public enum Bound {
        NONE,
        LATEST,
        TIMESTAMP
    }

    /** NONE is not offered: a sink that may drop records is not a choice for a matching engine. */
    public enum Delivery {
        AT_LEAST_ONCE,
        EXACTLY_ONCE
    }

    public static final ConfigOption<String> BOOTSTRAP_SERVERS = key("kafka.bootstrap-servers")
            .stringType()
            .defaultValue("localhost:9092")
            .withDescription("Kafka bootstrap servers.");
    public static final ConfigOption<String> ORDERS_TOPIC = key("kafka.orders-topic")
            .stringType()
            .defaultValue("orders")
            .withDescription("Topic of JSON commands, keyed by symbol.");
    public static final ConfigOption<String> EVENTS_TOPIC = key("kafka.events-topic")
            .stringType()
            .defaultValue("order-events")
            .withDescription("Topic the order events go to, keyed by symbol.");
    public static final ConfigOption<String> DEAD_LETTER_TOPIC = key("kafka.dead-letter-topic")
            .stringType()
            .defaultValue("orders-dlq")
            .withDescription("Topic for records of the orders topic that are not commands.");
    public static final ConfigOption<String> ADMIN_TOPIC = key("kafka.admin-topic")
            .stringType()
            .defaultValue("orders-admin")
            .withDescription("Topic of administrative (SYMBOL) commands, keyed by symbol;"
                    + " the job relays each onto the orders topic, signed. Empty: no relay (backfills, which read the"
                    + " relayed commands from the orders topic).");
    public static final ConfigOption<String> ADMIN_KEY_FILE = key("admin.key-file")
            .stringType()
            .noDefaultValue()
            .withDescription("File holding the admin signing key (at least 32 bytes; trailing newlines ignored)."
                    + " Without it the key is read from the environment variable " + SpotMatchOptions.ADMIN_KEY_ENV
                    + "; one of the two is required.");
    public static final ConfigOption<String> GROUP_ID = key("kafka.group-id")
            .stringType()
            .defaultValue("spotmatch")
            .withDescription("Consumer group; offsets are committed to it on each checkpoint"
                    + " (for monitoring lag; restores use the offsets in the checkpoint).");
    public static final ConfigOption<StartingOffsets> STARTING_OFFSETS = key("kafka.starting-offsets")
            .enumType(StartingOffsets.class)
            .defaultValue(StartingOffsets.COMMITTED)
            .withDescription("Where a job that is not restored from a checkpoint or savepoint starts reading:"
                    + " EARLIEST, LATEST, COMMITTED (the group's offsets, earliest where it has none), TIMESTAMP"
                    + " (kafka.starting-timestamp) or OFFSETS (kafka.starting-offsets-by-partition).");
    public static final ConfigOption<Long> STARTING_TIMESTAMP = key("kafka.starting-timestamp")
            .longType()
            .noDefaultValue()
            .withDescription("Epoch milliseconds, for kafka.starting-offsets TIMESTAMP.");
    public static final ConfigOption<String> STARTING_OFFSETS_BY_PARTITION = key("kafka.starting-offsets-by-partition")
            .stringType()
            .noDefaultValue()
            .withDescription("partition:offset pairs, comma separated (0:1200,1:998),"
                    + " for kafka.starting-offsets OFFSETS; partitions not listed start at the earliest offset.");
    public static final ConfigOption<Bound> BOUNDED = key("kafka.bounded")
            .enumType(Bound.class)
            .defaultValue(Bound.NONE)
            .withDescription("NONE reads forever. LATEST stops at the offsets that were the"
                    + " latest when the job started, TIMESTAMP at kafka.stopping-timestamp; the job then finishes by"
                    + " itself (backfills).");
    public static final ConfigOption<Long> STOPPING_TIMESTAMP = key("kafka.stopping-timestamp")
            .longType()
            .noDefaultValue()
            .withDescription("Epoch milliseconds, for kafka.bounded TIMESTAMP.");
    // Kafka client security and tuning, passed to every Kafka client of the job and its startup checks.
    public static final ConfigOption<String> KAFKA_PROPERTIES = key("kafka.properties.<name>")
            .stringType()
            .noDefaultValue()
            .withDescription("Any Kafka client property, given to the orders and admin sources,"
                    + " every Kafka sink and the startup checks: e.g. --kafka.properties.security.protocol SASL_SSL."
                    + " Keep secrets out of the command line with Kafka's config providers, resolved on each"
                    + " TaskManager: --kafka.properties.config.providers env and a value such as ${env:KAFKA_JAAS}."
                    + " Not allowed: the properties the job sets itself (bootstrap.servers, group.id,"
                    + " isolation.level, transactional.id, serializers). Values of secret properties are never"
                    + " printed.");
    public static final ConfigOption<Integer> MAX_RECORD_BYTES = key("kafka.max-record-bytes")
            .intType()
            .defaultValue(16 * 1024)
            .withDescription("Larger order records go to the dead-letter topic as OVERSIZE.");
    public static final ConfigOption<Integer> DEAD_LETTER_MAX_BYTES = key("kafka.dead-letter-max-bytes")
            .intType()
            .defaultValue(256 * 1024)
            .withDescription("Largest dead letter, key, value and headers included; a larger"
                    + " one keeps a 1 KiB prefix of its key and value, with spotmatch.truncated=true and the original"
                    + " sizes. Keep it well below the producer's max.request.size (1 MiB by default); at least 8192.");
    public static final ConfigOption<Delivery> EVENTS_DELIVERY = key("kafka.events-delivery")
            .enumType(Delivery.class)
            .defaultValue(Delivery.AT_LEAST_ONCE)
            .withDescription("AT_LEAST_ONCE (consumers drop repeats by symbol"
                    + " and seq) or EXACTLY_ONCE (Kafka transactions committed on checkpoints: read with"
                    + " isolation.level=read_committed; events then appear once per checkpoint).");
    public static final ConfigOption<Delivery> DEAD_LETTER_DELIVERY = key("kafka.dead-letter-delivery")
            .enumType(Delivery.class)
            .defaultValue(Delivery.AT_LEAST_ONCE)
            .withDescription("AT_LEAST_ONCE or EXACTLY_ONCE for the dead-letter topic.");
    public static final ConfigOption<String> TRANSACTIONAL_ID_PREFIX = key("kafka.transactional-id-prefix")
            .stringType()
            .noDefaultValue()
            .withDescription("Prefix of the Kafka transactional ids of the"
                    + " EXACTLY_ONCE sinks; by default <kafka.group-id>.<kafka.events-topic>, so that two jobs"
                    + " (a backfill next to the live job) never fence or abort each other's transactions.");
    public static final ConfigOption<Duration> TRANSACTION_TIMEOUT = key("kafka.transaction-timeout")
            .durationType()
            .defaultValue(Duration.ofMinutes(10))
            .withDescription("Kafka transaction timeout of the"
                    + " EXACTLY_ONCE sinks. Must not exceed the brokers' transaction.max.timeout.ms (15 min by"
                    + " default) and must outlast a checkpoint interval plus the longest restart delay of the restart"
                    + " strategy (checked at startup).");
    public static final ConfigOption<String> JDBC_URL = key("jdbc.url")
            .stringType()
            .defaultValue("jdbc:postgresql://localhost:5432/spotmatch")
            .withDescription("PostgreSQL JDBC URL.");
    public static final ConfigOption<String> JDBC_USER =
            key("jdbc.user").stringType().defaultValue("spotmatch").withDescription("PostgreSQL user.");
    public static final ConfigOption<String> JDBC_PASSWORD_FILE = key("jdbc.password-file")
            .stringType()
            .noDefaultValue()
            .withDescription("File holding the PostgreSQL password (trailing line breaks ignored),"
                    + " read by each sink on its TaskManager. Without it the sinks read the environment variable "
                    + SpotMatchOptions.PASSWORD_ENV + " there; one of the two is required. The password is never an"
                    + " option value, so it is neither on the command line nor in the job graph.");
    public static final ConfigOption<Integer> JDBC_BATCH_SIZE = key("jdbc.batch-size")
            .intType()
            .defaultValue(20000)
            .withDescription("Rows per JDBC batch (distinct orders, for the orders table). At every checkpoint the"
                    + " trades and ledger sinks write their batch; the orders sink hands its batch to its writer"
                    + " thread and keeps what is not yet written in the checkpoint.");
    public static final ConfigOption<Duration> JDBC_BATCH_INTERVAL = key("jdbc.batch-interval")
            .durationType()
            .defaultValue(Duration.ofSeconds(1))
            .withDescription("Longest time a row waits for its batch. Rows of"
                    + " the same order within it are written once (the newest), so longer means fewer writes.");
    public static final ConfigOption<Duration> JDBC_OPEN_ORDERS_INTERVAL = key("jdbc.open-orders-interval")
            .durationType()
            .defaultValue(Duration.ofSeconds(5))
            .withDescription("Longest time the row of an open order (NEW, PARTIALLY_FILLED) waits for its batch; final"
                    + " rows wait at most jdbc.batch-interval. An order filled or cancelled within it is written once,"
                    + " in its final state, so longer means fewer writes and older rows of resting orders. At most"
                    + " jdbc.batch-interval: every batch writes every row.");
    public static final ConfigOption<Integer> JDBC_MAX_RETRIES = key("jdbc.max-retries")
            .intType()
            .defaultValue(3)
            .withDescription("Retries before a sink fails its task and the restart strategy takes over. Orders"
                    + " and ledger sinks: a failed batch after 1 s, 2 s, 3 s ... on a new connection. Trades and"
                    + " balances sinks (the JDBC connector): a failed batch at once, then after 1 s, 2 s ...; a lost"
                    + " connection is re-established after 1 s, 2 s, 3 s ... before that, so a database that is down"
                    + " for a few seconds costs no restart.");
    public static final ConfigOption<Duration> JDBC_CONNECT_TIMEOUT = key("jdbc.connect-timeout")
            .durationType()
            .defaultValue(Duration.ofSeconds(10))
            .withDescription(
                    "Longest wait for a PostgreSQL connection, login" + " included (also the startup check's).");
    public static final ConfigOption<Duration> JDBC_SOCKET_TIMEOUT = key("jdbc.socket-timeout")
            .durationType()
            .defaultValue(Duration.ofMinutes(2))
            .withDescription("Longest wait for any answer of PostgreSQL before the"
                    + " connection is given up as dead; longer than jdbc.statement-timeout. A session left idle in a"
                    + " transaction this long is ended by the server, so a lost writer cannot keep row locks.");
    public static final ConfigOption<Duration> JDBC_STATEMENT_TIMEOUT = key("jdbc.statement-timeout")
            .durationType()
            .defaultValue(Duration.ofMinutes(1))
            .withDescription("PostgreSQL statement_timeout of the sinks' sessions:"
                    + " a statement running longer is cancelled and its batch retried.");
    public static final ConfigOption<Duration> JDBC_LOCK_TIMEOUT = key("jdbc.lock-timeout")
            .durationType()
            .defaultValue(Duration.ofSeconds(20))
            .withDescription("PostgreSQL lock_timeout of the sinks' sessions: a"
                    + " statement waiting longer for a lock (a table locked by hand, a writer of a failed attempt)"
                    + " fails and its batch is retried.");
    public static final ConfigOption<Duration> CHECKPOINT_INTERVAL = key("job.checkpoint-interval")
            .durationType()
            .defaultValue(Duration.ofSeconds(10))
            .withDescription("Exactly-once checkpoints this often.");
    public static final ConfigOption<Integer> STATE_FLUSH_ORDERS = key("job.state-flush-orders")
            .intType()
            .defaultValue(64)
            .withDescription("A book writes its changed orders to RocksDB as soon as this many have changed,"
                    + " between two commands, instead of all at the next checkpoint, so a checkpoint only writes what"
                    + " is left (at most this many per book) and stalls matching for less. 0 writes everything at the"
                    + " checkpoint.");
    public static final ConfigOption<Duration> BUFFER_TIMEOUT = key("job.buffer-timeout")
            .durationType()
            .defaultValue(Duration.ofMillis(5))
            .withDescription("Longest time a record waits in a network buffer"
                    + " between the reader and the books (Flink's default is 100 ms); lower is lower latency, higher"
                    + " is a little more throughput.");
    public static final ConfigOption<Integer> PARALLELISM = key("job.parallelism")
            .intType()
            .defaultValue(-1)
            .withDescription("Parallelism of every operator; -1 takes the submission's: flink run -p, else"
                    + " the cluster's parallelism.default. A REST API or web UI submission without a parallelism runs"
                    + " at 1 (Flink 2.2 ignores the cluster's parallelism.default there): give one with it.");
    public static final ConfigOption<Integer> MAX_PARALLELISM = key("job.max-parallelism")
            .intType()
            .defaultValue(128)
            .withDescription("Key groups of the books. Fixed for the life of the state: a savepoint only restores"
                    + " with the same value. The job can be rescaled up to this parallelism.");
    public static final ConfigOption<String> JOB_NAME =
            key("job.name").stringType().defaultValue("SpotMatch").withDescription("Name of the Flink job.");
    public static final ConfigOption<Boolean> STARTUP_CHECKS = key("job.startup-checks")
            .booleanType()
            .defaultValue(true)
            .withDescription("Before submitting, check that the brokers answer, the three topics"
                    + " exist and PostgreSQL accepts the user and password (each within jdbc.connect-timeout)."
                    + " false skips them, for a client that cannot reach Kafka or PostgreSQL itself (a submission"
                    + " gateway outside their network).");

    // ---- trust: history guard ----
    public static final ConfigOption<Boolean> ALLOW_PARTIAL_HISTORY = key("job.allow-partial-history")
            .booleanType()
            .defaultValue(false)
            .withDescription("Let a job without state start in the middle of the orders topic"
                    + " (a deliberate partial backfill); only into EMPTY trades, orders and ledger tables. Without it such a"
                    + " start fails: its trade ids, order versions and event seqs would collide with earlier ones.");

    // ---- Settlement ----
    public static final ConfigOption<String> FUNDS_TOPIC = key("kafka.funds-topic")
            .stringType()
            .defaultValue("funds")
            .withDescription("Topic of funds commands (DEPOSIT, WITHDRAW, ADJUST), keyed by"
                    + " user id. Empty: settlement off (no holds, ledger, balances or balances topic).");
    public static final ConfigOption<String> BALANCES_TOPIC = key("kafka.balances-topic")
            .stringType()
            .defaultValue("balances")
            .withDescription(
                    "Topic balance updates and funds results go to, keyed by user" + " id (settlement on only).");
    public static final ConfigOption<String> FUNDS_ASSETS = key("funds.assets")
            .stringType()
            .noDefaultValue()
            .withDescription("Assets funds commands may move, comma separated (BTC,USDT); a funds command for"
                    + " another is REJECTED UNKNOWN_ASSET. Without it: any well-formed asset name.");
    // ---- end of settlement ----

    // ---- Market data ----
    public static final ConfigOption<String> MARKET_DATA_STREAMS = key("market-data.streams")
            .stringType()
            .defaultValue("DEPTH,SNAPSHOT,BBO,TRADE,CANDLE")
            .withDescription("Market-data streams to publish, comma"
                    + " separated: DEPTH (depth updates), SNAPSHOT (depth snapshots), BBO (best bid and offer), TRADE"
                    + " (public trades), CANDLE (candles). Empty: no market data.");
    public static final ConfigOption<String> MARKET_DATA_TOPIC_PREFIX = key("market-data.topic-prefix")
            .stringType()
            .defaultValue("market.")
            .withDescription("Prefix of the market-data topics: <prefix>depth,"
                    + " <prefix>depth-snapshots (compacted), <prefix>bbo, <prefix>trades, <prefix>candles.");
    public static final ConfigOption<Long> MARKET_DATA_SNAPSHOT_EVERY = key("market-data.snapshot-every")
            .longType()
            .defaultValue(1000L)
            .withDescription("A symbol's depth snapshot after each command whose sequence"
                    + " numbers reach a multiple of this (and at listing).");
    public static final ConfigOption<Integer> MARKET_DATA_SNAPSHOT_LEVELS = key("market-data.snapshot-levels")
            .intType()
            .defaultValue(0)
            .withDescription("Price levels per side in a depth snapshot, best first; 0:" + " the whole book.");
    public static final ConfigOption<String> MARKET_DATA_CANDLE_INTERVALS = key("market-data.candle-intervals")
            .stringType()
            .defaultValue("1m")
            .withDescription(
                    "Candle intervals, comma separated, each dividing a" + " day (30s, 1m, 5m, 15m, 1h, 4h, 1d ...).");
    // ---- end of market data ----

    static final String PASSWORD_ENV = "SPOTMATCH_JDBC_PASSWORD";

    /** Set by the job itself: its correctness (or its options) depend on them. */
    private static final List<String> OWN_KAFKA_PROPERTIES = List.of(
            "bootstrap.servers",
            "group.id",
            "isolation.level",
            "transactional.id",
            "enable.auto.commit",
            "key.serializer",
            "value.serializer",
            "key.deserializer",
            "value.deserializer",
            "transaction.timeout.ms");

    public static final String ADMIN_KEY_ENV = "SPOTMATCH_ADMIN_KEY";

    public static final List<ConfigOption<?>> ALL = List.of(
            BOOTSTRAP_SERVERS,
            ORDERS_TOPIC,
            EVENTS_TOPIC,
            DEAD_LETTER_TOPIC,
            ADMIN_TOPIC,
            ADMIN_KEY_FILE,
            GROUP_ID,
            STARTING_OFFSETS,
            STARTING_TIMESTAMP,
            STARTING_OFFSETS_BY_PARTITION,
            BOUNDED,
            STOPPING_TIMESTAMP,
            KAFKA_PROPERTIES,
            MAX_RECORD_BYTES,
            DEAD_LETTER_MAX_BYTES,
            EVENTS_DELIVERY,
            DEAD_LETTER_DELIVERY,
            TRANSACTIONAL_ID_PREFIX,
            TRANSACTION_TIMEOUT,
            JDBC_URL,
            JDBC_USER,
            JDBC_PASSWORD_FILE,
            JDBC_BATCH_SIZE,
            JDBC_BATCH_INTERVAL,
            JDBC_OPEN_ORDERS_INTERVAL,
            JDBC_MAX_RETRIES,
            JDBC_CONNECT_TIMEOUT,
            JDBC_SOCKET_TIMEOUT,
            JDBC_STATEMENT_TIMEOUT,
            JDBC_LOCK_TIMEOUT,
            CHECKPOINT_INTERVAL,
            STATE_FLUSH_ORDERS,
            BUFFER_TIMEOUT,
            PARALLELISM,
            MAX_PARALLELISM,
            JOB_NAME,
            STARTUP_CHECKS,
            ALLOW_PARTIAL_HISTORY,
            FUNDS_TOPIC,
            BALANCES_TOPIC,
            FUNDS_ASSETS,
            // market data
            MARKET_DATA_STREAMS,
            MARKET_DATA_TOPIC_PREFIX,
            MARKET_DATA_SNAPSHOT_EVERY,
            MARKET_DATA_SNAPSHOT_LEVELS,
            MARKET_DATA_CANDLE_INTERVALS);

    private final CommandLine line;
    private final Map<String, String> env;
    /** True when env is this process's environment: secrets are then read again on each task. */
    private final boolean processEnvironment;

    private SpotMatchOptions(CommandLine line, Map<String, String> env) {
        this.line = line;
        this.env = env;
        this.processEnvironment = env == System.getenv();
    }

    /** Reads {@code --name value} pairs; anything unknown or malformed fails naming the option. */
    public static SpotMatchOptions fromArgs(String[] args) {
        return fromArgs(args, System.getenv());
    }

    static SpotMatchOptions fromArgs(String[] args, Map<String, String> env) {
        return validated(CommandLine.parse(args, ALL), env);
    }

    public static SpotMatchOptions fromMap(Map<String, String> values) {
        return fromMap(values, System.getenv());
    }

    /** With {@code env} in place of the process environment (tests and local tools pass the admin key so). */
    public static SpotMatchOptions fromMap(Map<String, String> values, Map<String, String> env) {
        return validated(CommandLine.of(values, ALL), env);
    }

    private static SpotMatchOptions validated(CommandLine line, Map<String, String> env) {
        SpotMatchOptions options = new SpotMatchOptions(line, env);
        options.validate();
        return options;
    }

    private <T> T get(ConfigOption<T> option) {
        return line.get(option);
    }

    private void validate() {
        require(!get(BOOTSTRAP_SERVERS).isBlank(), BOOTSTRAP_SERVERS, "must not be empty");
        for (ConfigOption<String> topic : List.of(ORDERS_TOPIC, EVENTS_TOPIC, DEAD_LETTER_TOPIC)) {
            require(get(topic).matches("[a-zA-Z0-9._-]{1,249}"), topic, "is not a valid Kafka topic name");
        }
        require(
                !get(DEAD_LETTER_TOPIC).equals(get(ORDERS_TOPIC))
                        && !get(EVENTS_TOPIC).equals(get(ORDERS_TOPIC)),
                DEAD_LETTER_TOPIC,
                "the events and dead-letter topics must differ from the orders topic");
        if (!get(ADMIN_TOPIC).isEmpty()) {
            require(get(ADMIN_TOPIC).matches("[a-zA-Z0-9._-]{1,249}"), ADMIN_TOPIC, "is not a valid Kafka topic name");
            require(
                    !List.of(get(ORDERS_TOPIC), get(EVENTS_TOPIC), get(DEAD_LETTER_TOPIC))
                            .contains(get(ADMIN_TOPIC)),
                    ADMIN_TOPIC,
                    "must differ from the orders, events and dead-letter topics");
        }
        if (get(STARTING_OFFSETS) == StartingOffsets.TIMESTAMP) {
            require(
                    get(STARTING_TIMESTAMP) != null,
                    STARTING_TIMESTAMP,
                    "is required by kafka.starting-offsets TIMESTAMP");
        }
        if (get(STARTING_OFFSETS) == StartingOffsets.OFFSETS) {
            require(
                    get(STARTING_OFFSETS_BY_PARTITION) != null,
                    STARTING_OFFSETS_BY_PARTITION,
                    "is required by kafka.starting-offsets OFFSETS");
            startingOffsetsByPartition();
        }
        if (get(BOUNDED) == Bound.TIMESTAMP) {
            require(get(STOPPING_TIMESTAMP) != null, STOPPING_TIMESTAMP, "is required by kafka.bounded TIMESTAMP");
        }
        for (String name : kafkaProperties().keySet()) {
            require(
                    !OWN_KAFKA_PROPERTIES.contains(name),
                    KAFKA_PROPERTIES,
                    "may not set " + name + ": the job sets it"
                            + (name.equals("bootstrap.servers")
                                    ? " from --" + BOOTSTRAP_SERVERS.key()
                                    : name.equals("group.id") ? " from --" + GROUP_ID.key() : ""));
        }
        require(get(MAX_RECORD_BYTES) > 0, MAX_RECORD_BYTES, "must be positive");
        require(
                get(DEAD_LETTER_MAX_BYTES) >= DeadLetterSerializationSchema.MIN_MAX_BYTES,
                DEAD_LETTER_MAX_BYTES,
                "must be at least " + DeadLetterSerializationSchema.MIN_MAX_BYTES);
        require(get(JDBC_URL).startsWith("jdbc:postgresql:"), JDBC_URL, "must be a jdbc:postgresql: URL");
        // It would be printed in messages and travel in the job graph with the URL.
        require(
                !get(JDBC_URL).matches("(?i).*[?&](ssl)?password=.*"),
                JDBC_URL,
                "must not hold a password:" + " use --" + JDBC_PASSWORD_FILE.key() + " or " + PASSWORD_ENV);
        require(get(JDBC_BATCH_SIZE) > 0, JDBC_BATCH_SIZE, "must be positive");
        require(!get(JDBC_BATCH_INTERVAL).isNegative(), JDBC_BATCH_INTERVAL, "must not be negative");
        require(!get(JDBC_OPEN_ORDERS_INTERVAL).isNegative(), JDBC_OPEN_ORDERS_INTERVAL, "must not be negative");
        require(get(JDBC_MAX_RETRIES) >= 0, JDBC_MAX_RETRIES, "must not be negative");
        for (ConfigOption<Duration> timeout :
                List.of(JDBC_CONNECT_TIMEOUT, JDBC_SOCKET_TIMEOUT, JDBC_STATEMENT_TIMEOUT, JDBC_LOCK_TIMEOUT)) {
            require(get(timeout).toMillis() >= 1, timeout, "must be at least 1 ms");
        }
        require(
                get(JDBC_SOCKET_TIMEOUT).compareTo(get(JDBC_STATEMENT_TIMEOUT)) > 0,
                JDBC_SOCKET_TIMEOUT,
                "must be longer than jdbc.statement-timeout (the server cancels a slow statement first)");
        require(get(CHECKPOINT_INTERVAL).toMillis() >= 10, CHECKPOINT_INTERVAL, "must be at least 10 ms");
        require(!get(BUFFER_TIMEOUT).isNegative(), BUFFER_TIMEOUT, "must not be negative");
        require(get(PARALLELISM) == -1 || get(PARALLELISM) > 0, PARALLELISM, "must be positive, or -1");
        require(get(MAX_PARALLELISM) > 0 && get(MAX_PARALLELISM) <= 32768, MAX_PARALLELISM, "must be 1 to 32768");
        require(get(PARALLELISM) <= get(MAX_PARALLELISM), PARALLELISM, "must not exceed job.max-parallelism");
        require(
                get(TRANSACTIONAL_ID_PREFIX) == null
                        || !get(TRANSACTIONAL_ID_PREFIX).isBlank(),
                TRANSACTIONAL_ID_PREFIX,
                "must not be empty");
        require(
                get(TRANSACTION_TIMEOUT).toMillis() > get(CHECKPOINT_INTERVAL).toMillis(),
                TRANSACTION_TIMEOUT,
                "must be longer than job.checkpoint-interval");
        validateSettlement();
        marketData();
    }

    // ---- Market data ----
    /** The market-data options; fails naming the option that is wrong. */
    public io.spotmatch.marketdata.MarketDataOptions marketData() {
        java.util.Set<io.spotmatch.marketdata.MarketData.Kind> streams =
                java.util.EnumSet.noneOf(io.spotmatch.marketdata.MarketData.Kind.class);
        for (String k : get(MARKET_DATA_STREAMS).split(",")) {
            if (!k.isBlank()) {
                try {
                    streams.add(io.spotmatch.marketdata.MarketData.Kind.valueOf(k.trim()));
                } catch (IllegalArgumentException e) {
                    require(
                            false,
                            MARKET_DATA_STREAMS,
                            "'" + k.trim() + "' is not one of DEPTH, SNAPSHOT, BBO, TRADE, CANDLE");
                }
            }
        }
        String prefix = get(MARKET_DATA_TOPIC_PREFIX);
        require(prefix.matches("[a-zA-Z0-9._-]{0,200}"), MARKET_DATA_TOPIC_PREFIX, "is not a valid Kafka topic prefix");
        require(get(MARKET_DATA_SNAPSHOT_EVERY) >= 1, MARKET_DATA_SNAPSHOT_EVERY, "must be positive");
        require(get(MARKET_DATA_SNAPSHOT_LEVELS) >= 0, MARKET_DATA_SNAPSHOT_LEVELS, "must not be negative");
        java.util.List<Long> intervals = new java.util.ArrayList<>();
        for (String i : get(MARKET_DATA_CANDLE_INTERVALS).split(",")) {
            if (!i.isBlank()) {
                long ms = 0;
                try {
                    ms = io.spotmatch.marketdata.MarketDataOptions.parseInterval(i);
                } catch (IllegalArgumentException e) {
                    require(false, MARKET_DATA_CANDLE_INTERVALS, e.getMessage());
                }
                require(
                        ms > 0 && io.spotmatch.marketdata.MarketDataOptions.DAY % ms == 0,
                        MARKET_DATA_CANDLE_INTERVALS,
                        "'" + i.trim() + "' does not divide a day");
                if (!intervals.contains(ms)) {
                    intervals.add(ms);
                }
            }
        }
        return new io.spotmatch.marketdata.MarketDataOptions(
                streams,
                get(MARKET_DATA_SNAPSHOT_EVERY),
                get(MARKET_DATA_SNAPSHOT_LEVELS),
                intervals.stream().mapToLong(Long::longValue).toArray());
    }

    public String marketDataTopicPrefix() {
        return get(MARKET_DATA_TOPIC_PREFIX);
    }
    // ---- end of market data ----

    private void validateSettlement() {
        if (get(FUNDS_TOPIC).isEmpty()) {
            return;
        }
        List<String> others = List.of(get(ORDERS_TOPIC), get(EVENTS_TOPIC), get(DEAD_LETTER_TOPIC), get(ADMIN_TOPIC));
        for (ConfigOption<String> topic : List.of(FUNDS_TOPIC, BALANCES_TOPIC)) {
            require(get(topic).matches("[a-zA-Z0-9._-]{1,249}"), topic, "is not a valid Kafka topic name");
            require(
                    !others.contains(get(topic)),
                    topic,
                    "must differ from the orders, events, dead-letter and admin topics");
        }
        require(!get(FUNDS_TOPIC).equals(get(BALANCES_TOPIC)), BALANCES_TOPIC, "must differ from kafka.funds-topic");
        for (String asset : fundsAssets()) {
            require(
                    io.spotmatch.book.SymbolSpec.isValidAsset(asset),
                    FUNDS_ASSETS,
                    "'" + asset + "' is not an asset name (1 to 16 letters, digits or . _ -)");
        }
    }

    /** kafka.funds-topic, or null when settlement is off. */
    public String fundsTopic() {
        return get(FUNDS_TOPIC).isEmpty() ? null : get(FUNDS_TOPIC);
    }

    public String balancesTopic() {
        return get(BALANCES_TOPIC);
    }

    /** funds.assets; empty: any asset. */
    public java.util.Set<String> fundsAssets() {
        java.util.Set<String> assets = new java.util.TreeSet<>();
        String list = get(FUNDS_ASSETS);
        for (String a : list == null ? new String[0] : list.split(",")) {
            if (!a.isBlank()) {
                assets.add(a.trim());
            }
        }
        return assets;
    }

    private static void require(boolean ok, ConfigOption<?> option, String what) {
        CommandLine.require(ok, option, what);
    }

    /** The options as a table: name, default, description. */
    public static String help() {
        return CommandLine.help("SpotMatch options", ALL);
    }

    public String bootstrapServers() {
        return get(BOOTSTRAP_SERVERS);
    }

    public String ordersTopic() {
        return get(ORDERS_TOPIC);
    }

    public String eventsTopic() {
        return get(EVENTS_TOPIC);
    }

    public String deadLetterTopic() {
        return get(DEAD_LETTER_TOPIC);
    }

    public String groupId() {
        return get(GROUP_ID);
    }

    public StartingOffsets startingOffsets() {
        return get(STARTING_OFFSETS);
    }

    public Long startingTimestamp() {
        return get(STARTING_TIMESTAMP);
    }

    public Bound bounded() {
        return get(BOUNDED);
    }

    public Long stoppingTimestamp() {
        return get(STOPPING_TIMESTAMP);
    }

    public int maxRecordBytes() {
        return get(MAX_RECORD_BYTES);
    }

    public int deadLetterMaxBytes() {
        return get(DEAD_LETTER_MAX_BYTES);
    }

    public Delivery eventsDelivery() {
        return get(EVENTS_DELIVERY);
    }

    public Delivery deadLetterDelivery() {
        return get(DEAD_LETTER_DELIVERY);
    }

    public String transactionalIdPrefix() {
        String p = get(TRANSACTIONAL_ID_PREFIX);
        return p != null ? p : groupId() + "." + eventsTopic();
    }

    public Duration transactionTimeout() {
        return get(TRANSACTION_TIMEOUT);
    }

    public String jdbcUrl() {
        return get(JDBC_URL);
    }

    public String jdbcUser() {
        return get(JDBC_USER);
    }

    public int jdbcBatchSize() {
        return get(JDBC_BATCH_SIZE);
    }

    public Duration jdbcBatchInterval() {
        return get(JDBC_BATCH_INTERVAL);
    }

    public Duration jdbcOpenOrdersInterval() {
        return get(JDBC_OPEN_ORDERS_INTERVAL);
    }

    public int jdbcMaxRetries() {
        return get(JDBC_MAX_RETRIES);
    }

    public int stateFlushOrders() {
        return get(STATE_FLUSH_ORDERS);
    }

    public Duration checkpointInterval() {
        return get(CHECKPOINT_INTERVAL);
    }

    public Duration bufferTimeout() {
        return get(BUFFER_TIMEOUT);
    }

    public int parallelism() {
        return get(PARALLELISM);
    }

    public int maxParallelism() {
        return get(MAX_PARALLELISM);
    }

    public String jobName() {
        return get(JOB_NAME);
    }

    public boolean startupChecks() {
        return get(STARTUP_CHECKS);
    }

    public Duration jdbcConnectTimeout() {
        return get(JDBC_CONNECT_TIMEOUT);
    }

    public boolean allowPartialHistory() {
        return get(ALLOW_PARTIAL_HISTORY);
    }

    /** The sinks' connection timeouts and session limits. */
    public JdbcTimeouts jdbcTimeouts() {
        return new JdbcTimeouts(
                get(JDBC_CONNECT_TIMEOUT),
                get(JDBC_SOCKET_TIMEOUT),
                get(JDBC_STATEMENT_TIMEOUT),
                get(JDBC_LOCK_TIMEOUT));
    }

    /** jdbc.url with the timeouts and session limits of {@link #jdbcTimeouts()} added. */
    public String jdbcSessionUrl() {
        return jdbcTimeouts().url(get(JDBC_URL));
    }

    /**
     * The PostgreSQL password as the sinks read it on their TaskManagers: the file of
     * jdbc.password-file, else the environment variable there. Nothing of it is in the job graph
     * but the file's or the variable's name.
     */
    public Secret jdbcPasswordSecret() {
        String file = get(JDBC_PASSWORD_FILE);
        return processEnvironment ? Secret.of(file, PASSWORD_ENV) : Secret.of(file, PASSWORD_ENV, env);
    }

    /**
     * The password, read here (the startup check's login). Missing or empty is an error: an empty
     * password would only fail later, at every restart of the sinks.
     */
    public String jdbcPassword() {
        try {
            return jdbcPasswordSecret().text();
        } catch (IllegalStateException e) {
            throw new CommandLine.InvalidOptionException(
                    "--" + JDBC_PASSWORD_FILE.key() + ": is required (or set " + PASSWORD_ENV + "): " + e.getMessage());
        }
    }

    /**
     * Secret Kafka properties given as values rather than ${provider:...} references: they travel
     * in the job graph (names only, for a warning).
     */
    public List<String> literalKafkaSecrets() {
        return kafkaProperties().entrySet().stream()
                .filter(e ->
                        CommandLine.isSecret(e.getKey()) && !e.getValue().trim().startsWith("${"))
                .map(Map.Entry::getKey)
                .toList();
    }

    /** The --kafka.properties.* values, by Kafka property name; secrets among them: never print this. */
    public Map<String, String> kafkaProperties() {
        return line.withPrefix(KAFKA_PROPERTIES);
    }

    /** kafka.admin-topic, or null when the relay is off. */
    public String adminTopic() {
        return get(ADMIN_TOPIC).isEmpty() ? null : get(ADMIN_TOPIC);
    }

    /**
     * The admin signing key: the file of admin.key-file if given, else the environment variable.
     * Never an option value, so it is neither on the command line nor in the job's configuration;
     * the signature holds only where the key is kept, and each task reads it there. Read here too,
     * so a missing or short key fails at startup, naming the option.
     */
    public AdminSignature adminSignature() {
        String file = get(ADMIN_KEY_FILE);
        Secret secret = processEnvironment ? Secret.of(file, ADMIN_KEY_ENV) : Secret.of(file, ADMIN_KEY_ENV, env);
        String key;
        try {
            key = secret.text();
        } catch (IllegalStateException e) {
            throw new CommandLine.InvalidOptionException(
                    file != null
                            ? "--" + ADMIN_KEY_FILE.key() + ": " + e.getMessage()
                            : "the admin signing key is missing: set the environment variable " + ADMIN_KEY_ENV
                                    + " or --" + ADMIN_KEY_FILE.key());
        }
        byte[] bytes = key.stripTrailing().getBytes(StandardCharsets.UTF_8);
        if (bytes.length < AdminSignature.MIN_KEY_BYTES) {
            throw new CommandLine.InvalidOptionException(
                    "the admin signing key (" + (file != null ? "--" + ADMIN_KEY_FILE.key() : ADMIN_KEY_ENV) + ") has "
                            + bytes.length + " bytes; it needs at least "
                            + AdminSignature.MIN_KEY_BYTES);
        }
        return new AdminSignature(secret);
    }

    /** kafka.starting-offsets-by-partition as partition to offset. */
    public Map<Integer, Long> startingOffsetsByPartition() {
        Map<Integer, Long> result = new LinkedHashMap<>();
        String spec = get(STARTING_OFFSETS_BY_PARTITION);
        if (spec == null) {
            return result;
        }
        for (String pair : spec.split(",")) {
            String[] po = pair.trim().split(":");
            try {
                if (po.length != 2) {
                    throw new NumberFormatException();
                }
                result.put(Integer.parseInt(po[0].trim()), Long.parseLong(po[1].trim()));
            } catch (NumberFormatException e) {
                throw new CommandLine.InvalidOptionException(
                        "--" + STARTING_OFFSETS_BY_PARTITION.key() + ": '" + pair + "' is not partition:offset");
            }
        }
        return result;
    }

    /** The options as given, for passing on (e.g. to a job started from the local runner). */
    public Map<String, String> toMap() {
        return line.toMap();
    }
}
