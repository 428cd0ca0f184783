package io.spotmatch.job;

import io.spotmatch.flink.AdminCommand;
import io.spotmatch.flink.AdminDeserializationSchema;
import io.spotmatch.flink.AdminRelaySerializationSchema;
import io.spotmatch.flink.CloseSafeSink;
import io.spotmatch.flink.CommandDeserializationSchema;
import io.spotmatch.flink.DeadLetter;
import io.spotmatch.flink.DeadLetterSerializationSchema;
import io.spotmatch.flink.FundsDeserializationSchema;
import io.spotmatch.flink.FundsInbound;
import io.spotmatch.flink.Inbound;
import io.spotmatch.flink.LedgerMessageSerializationSchema;
import io.spotmatch.flink.LedgerOperator;
import io.spotmatch.flink.LedgerRow;
import io.spotmatch.flink.LedgerRowSink;
import io.spotmatch.flink.LedgerSql;
import io.spotmatch.flink.MarketDataSerializationSchema;
import io.spotmatch.flink.MatchOperator;
import io.spotmatch.flink.OrderEvent;
import io.spotmatch.flink.OrderEventSerializationSchema;
import io.spotmatch.flink.OrderRowSink;
import io.spotmatch.flink.RouteDeadLetters;
import io.spotmatch.flink.SqlStatements;
import io.spotmatch.flink.SymbolCommand;
import io.spotmatch.flink.TradeRow;
import io.spotmatch.job.SpotMatchOptions.Delivery;
import io.spotmatch.ledger.FundsCommand;
import io.spotmatch.ledger.Movement;
import io.spotmatch.wire.AdminSignature;
import java.util.HashMap;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.ExecutionOptions;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.configuration.StateBackendOptions;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.connector.jdbc.JdbcConnectionOptions;
import org.apache.flink.connector.jdbc.JdbcExecutionOptions;
import org.apache.flink.connector.jdbc.JdbcStatementBuilder;
import org.apache.flink.connector.jdbc.core.datastream.sink.JdbcSink;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.flink.connector.kafka.sink.KafkaSink;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.KafkaSourceBuilder;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.core.execution.CheckpointingMode;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.consumer.OffsetResetStrategy;
import org.apache.kafka.common.TopicPartition;

/**
 * The SpotMatch job: orders from Kafka, one book per symbol in keyed state, order events back to
 * Kafka, trades and order states to PostgreSQL, and records that are not commands to a dead-letter
 * topic.
 *
 * <pre>
 * orders (Kafka) -> route dead letters -+-> orders-dlq (Kafka) <------------+
 *                                       +-> keyBy(symbol) -> match -+-> (wrong partition, engine failure)
 *                                                                   +-> order-events (Kafka)
 *                                                                   +-> trades (PostgreSQL)
 *                                                                   +-> orders (PostgreSQL)
 *
 * orders-admin (Kafka) -> relay -+-> orders (Kafka), signed, keyed by symbol
 *                                +-> orders-dlq (Kafka)
 *
 * market data (market-data.streams not empty):
 * match -> market data -> market.depth, market.depth-snapshots, market.bbo, market.trades, market.candles (Kafka)
 *
 * settlement (kafka.funds-topic set):
 * match -> movements -> keyBy(account) -+-> ledger -+-> ledger (PostgreSQL)
 * funds (Kafka) -> route dead letters --+           +-> balances (PostgreSQL)
 *                                                   +-> balances (Kafka)
 * </pre>
 *
 * Operator uids are the savepoint's names for their state: never change them.
 */
public final class SpotMatchJob {

    public static final String SOURCE_UID = "orders-source";
    public static final String ROUTE_UID = "route-dead-letters";
    public static final String MATCH_UID = "match";
    public static final String EVENTS_SINK_UID = "order-events-sink";
    public static final String DEAD_LETTER_SINK_UID = "dead-letter-sink";
    public static final String TRADES_SINK_UID = "trades-sink";
    public static final String ORDERS_SINK_UID = "orders-sink";
    public static final String ADMIN_SOURCE_UID = "admin-source";
    public static final String ADMIN_RELAY_SINK_UID = "admin-relay-sink";
    // Settlement
    public static final String FUNDS_SOURCE_UID = "funds-source";
    public static final String FUNDS_ROUTE_UID = "route-funds-dead-letters";
    public static final String LEDGER_UID = "ledger";
    public static final String LEDGER_SINK_UID = "ledger-sink";
    public static final String BALANCES_SINK_UID = "balances-sink";
    public static final String BALANCES_TOPIC_SINK_UID = "balances-topic-sink";
    // Market data
    public static final String MARKET_DATA_SINK_UID = "market-data-sink";

    private SpotMatchJob() {}

    public static void main(String[] args) throws Exception {
        if (CommandLine.wantsHelp(args)) {
            System.out.println(SpotMatchOptions.help());
            return;
        }
        SpotMatchOptions options;
        StreamExecutionEnvironment env;
        try {
            options = SpotMatchOptions.fromArgs(args);
            options.adminSignature(); // fail at startup, naming the option, not in a task
            options.jdbcPassword(); // likewise; the sinks read it again on their TaskManagers
            for (String secret : options.literalKafkaSecrets()) {
                System.err.println("Warning: --kafka.properties." + secret + " is given as a value, which travels in"
                        + " the job graph; give a reference such as ${env:VARIABLE} (README, Secrets and TLS)");
            }
            if (options.startupChecks()) {
                StartupChecks.run(options);
            }
            env = StreamExecutionEnvironment.getExecutionEnvironment(jobConfiguration(options));
        } catch (CommandLine.InvalidOptionException e) {
            System.err.println("Invalid configuration: " + e.getMessage());
            System.exit(2);
            return;
        }
        try {
            Preflight.check(options, env.getConfiguration());
        } catch (CommandLine.InvalidOptionException e) {
            System.err.println("Refusing to start: " + e.getMessage());
            System.exit(2);
            return;
        }
        build(env, options);
        env.execute(options.jobName());
    }

    /**
     * What the job sets for itself, whatever the cluster's defaults: RocksDB with incremental
     * checkpoints, exactly-once checkpoints at the configured interval, no Kryo fallback, the
     * key-group count of the books, and the network buffer timeout.
     */
    public static Configuration jobConfiguration(SpotMatchOptions options) {
        Configuration conf = new Configuration();
        conf.set(StateBackendOptions.STATE_BACKEND, "rocksdb");
        conf.set(CheckpointingOptions.INCREMENTAL_CHECKPOINTS, true);
        conf.set(CheckpointingOptions.CHECKPOINTING_INTERVAL, options.checkpointInterval());
        conf.set(CheckpointingOptions.CHECKPOINTING_CONSISTENCY_MODE, CheckpointingMode.EXACTLY_ONCE);
        conf.set(PipelineOptions.GENERIC_TYPES, false);
        // Operators never keep or mutate a record after passing it on, so chained operators may share them.
        conf.set(PipelineOptions.OBJECT_REUSE, true);
        conf.set(PipelineOptions.MAX_PARALLELISM, options.maxParallelism());
        conf.set(ExecutionOptions.BUFFER_TIMEOUT, options.bufferTimeout());
        return conf;
    }

    /** Adds the whole topology to {@code env}. */
    public static void build(StreamExecutionEnvironment env, SpotMatchOptions o) {
        build(env, o, UnaryOperator.identity());
    }

    /**
     * Adds the whole topology, with {@code beforeMatch} applied to the commands on their way to
     * the books: the identity in production; tests put failure injection or a throttle there.
     */
    public static void build(
            StreamExecutionEnvironment env, SpotMatchOptions o, UnaryOperator<DataStream<SymbolCommand>> beforeMatch) {
        if (o.parallelism() > 0) {
            env.setParallelism(o.parallelism());
        }
        env.setMaxParallelism(o.maxParallelism());
        AdminSignature signature = o.adminSignature();

        DataStream<Inbound> inbound = env.fromSource(
                        source(o, signature), WatermarkStrategy.noWatermarks(), "Orders (Kafka)")
                .uid(SOURCE_UID);
        SingleOutputStreamOperator<SymbolCommand> commands = inbound.process(
                        RouteDeadLetters.orders(o.allowPartialHistory()), SymbolCommand.TYPE)
                .uid(ROUTE_UID)
                .name("Route dead letters");
        SingleOutputStreamOperator<OrderEvent> events = beforeMatch
                .apply(commands)
                .keyBy(SymbolCommand::symbol, Types.STRING)
                .transform(
                        "Match",
                        TypeInformation.of(OrderEvent.class),
                        new MatchOperator(o.ordersTopic(), o.fundsTopic() != null)
                                .withMarketData(o.marketData())
                                .withStateFlushOrders(o.stateFlushOrders()))
                .uid(MATCH_UID);
        // Records that are not commands, and commands the books could not take (wrong partition, engine failure).
        DataStream<DeadLetter> deadLetters = commands.getSideOutput(RouteDeadLetters.DEAD_LETTERS)
                .union(events.getSideOutput(MatchOperator.DEAD_LETTERS));
        if (o.fundsTopic() != null) {
            deadLetters = deadLetters.union(settlement(env, o, events));
        }
        deadLetters
                .sinkTo(kafkaSink(
                        o,
                        new DeadLetterSerializationSchema(o.deadLetterTopic(), o.deadLetterMaxBytes()),
                        o.deadLetterDelivery(),
                        "dlq"))
                .uid(DEAD_LETTER_SINK_UID)
                .name("Dead letters (Kafka)");
        events.sinkTo(kafkaSink(o, new OrderEventSerializationSchema(o.eventsTopic()), o.eventsDelivery(), "events"))
                .uid(EVENTS_SINK_UID)
                .name("Order events (Kafka)");
        events.getSideOutput(MatchOperator.TRADES)
                .sinkTo(tradesSink(o))
                .uid(TRADES_SINK_UID)
                .name("Trades (PostgreSQL)")
                // Its own task: the connector's writer blocks while a batch is written, and matching must not wait.
                .disableChaining();
        events.getSideOutput(MatchOperator.ORDERS)
                .sinkTo(new OrderRowSink(
                        o.jdbcSessionUrl(),
                        o.jdbcUser(),
                        o.jdbcPasswordSecret(),
                        o.jdbcBatchSize(),
                        o.jdbcBatchInterval(),
                        o.jdbcOpenOrdersInterval(),
                        o.jdbcMaxRetries()))
                .uid(ORDERS_SINK_UID)
                .name("Orders (PostgreSQL)");

        // ---- Market data ----
        if (o.marketData().any()) {
            // At least once: every message carries its seq, so consumers drop repeats after a restore.
            events.getSideOutput(MatchOperator.MARKET_DATA)
                    .sinkTo(kafkaSink(
                            o,
                            new MarketDataSerializationSchema(o.marketDataTopicPrefix()),
                            Delivery.AT_LEAST_ONCE,
                            "market-data"))
                    .uid(MARKET_DATA_SINK_UID)
                    .name("Market data (Kafka)");
        }
        // ---- end of market data ----

        if (o.adminTopic() != null) {
            env.fromSource(adminSource(o), WatermarkStrategy.noWatermarks(), "Admin commands (Kafka)")
                    .uid(ADMIN_SOURCE_UID)
                    .sinkTo(kafkaSink(
                            o,
                            new AdminRelaySerializationSchema(
                                    o.ordersTopic(),
                                    new DeadLetterSerializationSchema(o.deadLetterTopic(), o.deadLetterMaxBytes()),
                                    signature),
                            Delivery.AT_LEAST_ONCE,
                            "admin"))
                    .uid(ADMIN_RELAY_SINK_UID)
                    .name("Admin relay to orders (Kafka)");
        }
    }

    // ---- Settlement ----

    /**
     * The ledger: the books' movements and the funds commands, keyed by account, into the ledger
     * and balances tables and the balances topic. Returns the funds topic's dead letters.
     */
    private static DataStream<DeadLetter> settlement(
            StreamExecutionEnvironment env, SpotMatchOptions o, SingleOutputStreamOperator<OrderEvent> events) {
        SingleOutputStreamOperator<FundsCommand> funds = env.fromSource(
                        fundsSource(o), WatermarkStrategy.noWatermarks(), "Funds (Kafka)")
                .uid(FUNDS_SOURCE_UID)
                .process(RouteDeadLetters.funds(o.allowPartialHistory()), TypeInformation.of(FundsCommand.class))
                .uid(FUNDS_ROUTE_UID)
                .name("Route funds dead letters");
        SingleOutputStreamOperator<LedgerRow> ledger = events.getSideOutput(MatchOperator.MOVEMENTS)
                .keyBy(Movement::account, Types.LONG)
                .connect(funds.keyBy(FundsCommand::userId, Types.LONG))
                .transform("Ledger", TypeInformation.of(LedgerRow.class), new LedgerOperator(o.fundsAssets()))
                .uid(LEDGER_UID);
        // Own tasks, as for trades: the writers block while a batch is written. Balances stay one to
        // one with their ledger subtask (same parallelism: forward), so a batch holds each balance once.
        ledger.sinkTo(new LedgerRowSink(
                        o.jdbcSessionUrl(),
                        o.jdbcUser(),
                        o.jdbcPasswordSecret(),
                        o.jdbcBatchSize(),
                        o.jdbcBatchInterval(),
                        o.jdbcMaxRetries()))
                .uid(LEDGER_SINK_UID)
                .name("Ledger (PostgreSQL)")
                .disableChaining();
        ledger.getSideOutput(LedgerOperator.BALANCES)
                .sinkTo(jdbcSink(o, LedgerSql.UPSERT_BALANCE, LedgerSql.BALANCE))
                .uid(BALANCES_SINK_UID)
                .name("Balances (PostgreSQL)")
                .disableChaining();
        ledger.getSideOutput(LedgerOperator.MESSAGES)
                .sinkTo(kafkaSink(
                        o, new LedgerMessageSerializationSchema(o.balancesTopic()), Delivery.AT_LEAST_ONCE, "balances"))
                .uid(BALANCES_TOPIC_SINK_UID)
                .name("Balances (Kafka)");
        return funds.getSideOutput(RouteDeadLetters.DEAD_LETTERS);
    }

    /**
     * The funds topic from where the orders topic starts (OFFSETS: from the group's committed
     * offsets, earliest where none: the given offsets are the orders topic's), bounded alike.
     */
    static Source<FundsInbound, ?, ?> fundsSource(SpotMatchOptions o) {
        KafkaSourceBuilder<FundsInbound> b = KafkaSource.<FundsInbound>builder()
                .setBootstrapServers(o.bootstrapServers())
                .setTopics(o.fundsTopic())
                .setGroupId(o.groupId())
                .setDeserializer(new FundsDeserializationSchema(o.maxRecordBytes()))
                .setStartingOffsets(
                        o.startingOffsets() == SpotMatchOptions.StartingOffsets.OFFSETS
                                ? NoResetOffsets.committedElseEarliest()
                                : startingOffsets(o))
                .setProperty("isolation.level", "read_committed");
        o.kafkaProperties().forEach(b::setProperty);
        return bound(b, o);
    }

    // ---- end of settlement ----

    static Source<Inbound, ?, ?> source(SpotMatchOptions o, AdminSignature signature) {
        KafkaSourceBuilder<Inbound> b = KafkaSource.<Inbound>builder()
                .setBootstrapServers(o.bootstrapServers())
                .setTopics(o.ordersTopic())
                .setGroupId(o.groupId())
                .setDeserializer(new CommandDeserializationSchema(o.maxRecordBytes(), signature))
                .setStartingOffsets(startingOffsets(o))
                // Producers that write in transactions: never read what they abort.
                .setProperty("isolation.level", "read_committed");
        o.kafkaProperties().forEach(b::setProperty);
        return bound(b, o);
    }

    /**
     * The admin topic from the group's committed offsets, else from its start: an admin command must
     * never be skipped, and relaying one twice is harmless (each book applies a position once).
     */
    static Source<AdminCommand, ?, ?> adminSource(SpotMatchOptions o) {
        KafkaSourceBuilder<AdminCommand> b = KafkaSource.<AdminCommand>builder()
                .setBootstrapServers(o.bootstrapServers())
                .setTopics(o.adminTopic())
                .setGroupId(o.groupId())
                .setDeserializer(new AdminDeserializationSchema(o.maxRecordBytes()))
                .setStartingOffsets(NoResetOffsets.committedElseEarliest())
                .setProperty("isolation.level", "read_committed");
        o.kafkaProperties().forEach(b::setProperty);
        return bound(b, o);
    }

    /** The source, bounded by kafka.bounded; a bounded one commits its end offsets when it finishes. */
    private static <T> Source<T, ?, ?> bound(KafkaSourceBuilder<T> b, SpotMatchOptions o) {
        switch (o.bounded()) {
            case LATEST -> b.setBounded(OffsetsInitializer.latest());
            case TIMESTAMP -> b.setBounded(OffsetsInitializer.timestamp(o.stoppingTimestamp()));
            case NONE -> {
                return b.build();
            }
        }
        Map<String, String> consumer = new HashMap<>(o.kafkaProperties());
        consumer.put("bootstrap.servers", o.bootstrapServers());
        consumer.put("group.id", o.groupId());
        return new BoundedKafkaSource<>(b.build(), consumer);
    }

    @SuppressWarnings(
            "deprecation") // OffsetResetStrategy is deprecated in kafka-clients 4 but still the connector's API
    static OffsetsInitializer startingOffsets(SpotMatchOptions o) {
        return switch (o.startingOffsets()) {
            case EARLIEST -> NoResetOffsets.of(OffsetsInitializer.earliest());
            case LATEST -> NoResetOffsets.of(OffsetsInitializer.latest());
            case COMMITTED -> NoResetOffsets.committedElseEarliest();
            case TIMESTAMP -> NoResetOffsets.of(OffsetsInitializer.timestamp(o.startingTimestamp()));
            case OFFSETS -> {
                Map<TopicPartition, Long> offsets = new HashMap<>();
                o.startingOffsetsByPartition()
                        .forEach((p, off) -> offsets.put(new TopicPartition(o.ordersTopic(), p), off));
                yield NoResetOffsets.of(OffsetsInitializer.offsets(offsets, OffsetResetStrategy.EARLIEST));
            }
        };
    }

    static <T> KafkaSink<T> kafkaSink(
            SpotMatchOptions o, KafkaRecordSerializationSchema<T> serializer, Delivery delivery, String name) {
        var b = KafkaSink.<T>builder()
                .setBootstrapServers(o.bootstrapServers())
                .setRecordSerializer(serializer)
                .setProperty("linger.ms", "5")
                .setProperty("batch.size", "131072")
                .setProperty("compression.type", "lz4");
        // After the defaults above, so a user may tune them; the job's own properties are refused by the options.
        o.kafkaProperties().forEach(b::setProperty);
        if (delivery == Delivery.EXACTLY_ONCE) {
            b.setDeliveryGuarantee(DeliveryGuarantee.EXACTLY_ONCE)
                    .setTransactionalIdPrefix(o.transactionalIdPrefix() + "-" + name)
                    .setProperty(
                            "transaction.timeout.ms",
                            Long.toString(o.transactionTimeout().toMillis()));
        } else {
            b.setDeliveryGuarantee(DeliveryGuarantee.AT_LEAST_ONCE);
        }
        return b.build();
    }

    /**
     * The trades sink: the JDBC connector, with batches rewritten into multi-row INSERTs (trade ids
     * never repeat in a batch).
     */
    static Sink<TradeRow> tradesSink(SpotMatchOptions o) {
        return jdbcSink(o, SqlStatements.INSERT_TRADE, SqlStatements.TRADE);
    }

    /**
     * A JDBC connector sink (trades, ledger, balances) with rewritten multi-row batches, idempotent
     * by its statement, whose password is read on the TaskManager.
     */
    static <T> Sink<T> jdbcSink(SpotMatchOptions o, String sql, JdbcStatementBuilder<T> statement) {
        return new CloseSafeSink<>(JdbcSink.<T>builder()
                .withQueryStatement(sql, statement)
                .withExecutionOptions(JdbcExecutionOptions.builder()
                        .withBatchSize(o.jdbcBatchSize())
                        .withBatchIntervalMs(o.jdbcBatchInterval().toMillis())
                        .withMaxRetries(o.jdbcMaxRetries())
                        .build())
                .buildAtLeastOnce(new TaskSideConnectionProvider(
                        new JdbcConnectionOptions.JdbcConnectionOptionsBuilder()
                                .withUrl(o.jdbcSessionUrl() + "&reWriteBatchedInserts=true")
                                .withDriverName("org.postgresql.Driver")
                                .withUsername(o.jdbcUser())
                                .withConnectionCheckTimeoutSeconds(10)
                                .build(),
                        o.jdbcPasswordSecret(),
                        o.jdbcMaxRetries())));
    }
}
