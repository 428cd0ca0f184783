package io.spotmatch.job;

import static org.assertj.core.api.Assertions.assertThat;

import io.spotmatch.book.Command;
import io.spotmatch.book.Side;
import io.spotmatch.book.SymbolStatus;
import io.spotmatch.book.SymbolUpdate;
import io.spotmatch.book.TimeInForce;
import io.spotmatch.flink.DeadLetterSerializationSchema;
import io.spotmatch.load.AdminSigning;
import io.spotmatch.wire.AdminSignature;
import io.spotmatch.wire.CommandJson;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.utils.Utils;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Administrative commands through their own topic: the job relays them onto the orders topic,
 * signed and on the symbol's partition; forged SYMBOL commands on the orders topic are dead
 * letters; a relayed command written twice is applied once; and a backfill of the orders topic
 * with the relay off gives exactly the live run's results.
 */
class AdminRelayITCase {

    @RegisterExtension
    static final MiniClusterExtension FLINK = RealServers.miniCluster();

    @RegisterExtension
    static final RealServers SERVERS = new RealServers();

    static final long T0 = JobEndToEndITCase.T0;
    static final int PARTITIONS = 3;
    static final Duration WAIT = Duration.ofMinutes(3);

    @Test
    void adminCommandsAreRelayedSignedForgeriesAreDeadLettersRepeatsApplyOnceAndABackfillAgrees() throws Exception {
        Pipeline p = new Pipeline(SERVERS, PARTITIONS);
        String admin = "admin-" + p.id;
        SERVERS.kafka().createTopic(admin, 1);

        p.produce(List.of(
                adminRecord(admin, "BTC-USDT", JobEndToEndITCase.listing("BTC", "0.01", "0.001", "0", "0"), T0),
                adminRecord(admin, "ETH-USDT", JobEndToEndITCase.listing("ETH", "0.01", "0.0001", "0", "0"), T0 + 1),
                adminRecord(admin, "BTC-USDT", Command.cancel(1, 7), T0 + 2), // not admin
                new ProducerRecord<>(admin, null, T0 + 3, utf8("BTC-USDT"), utf8("{\"type\":")))); // not JSON
        JobClient job = p.start(Map.of("kafka.admin-topic", admin, "kafka.bounded", "NONE"), Map.of(), s -> s);
        awaitOrdersTopic(p, 2);

        byte[] forgedXrp = CommandJson.write("XRP-USDT", JobEndToEndITCase.listing("XRP", "0.0001", "1", "0", "0"));
        byte[] forgedHalt = CommandJson.write("BTC-USDT", Command.symbol(SymbolUpdate.status(SymbolStatus.HALTED)));
        AdminSignature otherKey = new AdminSignature(utf8("not the job's admin key, but just as long"));
        p.produce(List.of(
                p.command("BTC-USDT", Command.limit(1, 7, Side.SELL, "65000.00", "0.500", TimeInForce.GTC), T0 + 10),
                p.record(null, utf8("XRP-USDT"), forgedXrp, T0 + 11), // no signature
                withMac(p.record(null, utf8("XRP-USDT"), forgedXrp, T0 + 12), admin + "/0/99", new byte[32]),
                withMac(
                        p.record(null, utf8("BTC-USDT"), forgedHalt, T0 + 13),
                        admin + "/0/98",
                        otherKey.mac(utf8("BTC-USDT"), forgedHalt, admin + "/0/98")),
                p.command("XRP-USDT", Command.limit(1, 9, Side.BUY, "0.5000", "10", TimeInForce.GTC), T0 + 14),
                p.command("BTC-USDT", Command.limit(2, 8, Side.BUY, "65000.00", "0.200", TimeInForce.GTC), T0 + 15),
                p.command("ETH-USDT", Command.limit(1, 9, Side.BUY, "3000.00", "1.0000", TimeInForce.GTC), T0 + 16)));
        p.produce(List.of(
                adminRecord(admin, "ETH-USDT", Command.symbol(SymbolUpdate.status(SymbolStatus.HALTED)), T0 + 20)));
        awaitOrdersTopic(p, 10);
        p.produce(List.of(
                p.command("ETH-USDT", Command.limit(2, 9, Side.BUY, "3000.00", "1.0000", TimeInForce.GTC), T0 + 21)));
        p.produce(List.of(
                adminRecord(admin, "ETH-USDT", Command.symbol(SymbolUpdate.status(SymbolStatus.TRADING)), T0 + 30)));
        awaitOrdersTopic(p, 12);
        // What a relay failover writes: the halt relayed a second time, after the resume.
        ConsumerRecord<byte[], byte[]> halt = relayed(p, admin + "/0/4");
        p.produce(List.of(
                new ProducerRecord<>(p.ordersTopic, null, halt.timestamp(), halt.key(), halt.value(), halt.headers()),
                p.command("ETH-USDT", Command.limit(3, 9, Side.BUY, "3000.00", "1.0000", TimeInForce.GTC), T0 + 31)));
        p.awaitCaughtUp(job, WAIT);
        awaitDeadLetters(p, 5);
        job.cancel().get();

        // The relay appended each admin command to the orders topic, signed (the forgeries at 98 and 99 are not),
        // keyed and partitioned by symbol.
        List<ConsumerRecord<byte[], byte[]>> relayed = p.readAll(p.ordersTopic, true).stream()
                .filter(r -> header(r, AdminSignature.SOURCE_HEADER) != null
                        && java.util.Arrays.equals(
                                r.headers()
                                        .lastHeader(AdminSignature.MAC_HEADER)
                                        .value(),
                                AdminSigning.SIGNATURE.mac(
                                        r.key(), r.value(), header(r, AdminSignature.SOURCE_HEADER))))
                .toList();
        assertThat(relayed.stream()
                        .map(r -> header(r, AdminSignature.SOURCE_HEADER))
                        .sorted()
                        .toList())
                .containsExactly(admin + "/0/0", admin + "/0/1", admin + "/0/4", admin + "/0/4", admin + "/0/5");
        for (ConsumerRecord<byte[], byte[]> r : relayed) {
            assertThat(r.partition())
                    .as("default partitioner: murmur2 of the symbol")
                    .isEqualTo(Utils.toPositive(Utils.murmur2(r.key())) % PARTITIONS);
        }

        assertThat(summaries(p.events()))
                .isEqualTo(Map.of(
                        "BTC-USDT", List.of("SYMBOL_UPDATED TRADING", "ACCEPTED", "ACCEPTED", "TRADE"),
                        "ETH-USDT",
                                List.of(
                                        "SYMBOL_UPDATED TRADING",
                                        "ACCEPTED",
                                        "SYMBOL_UPDATED HALTED",
                                        "REJECTED SYMBOL_HALTED",
                                        "SYMBOL_UPDATED TRADING",
                                        "ACCEPTED"),
                        "XRP-USDT", List.of("REJECTED UNKNOWN_SYMBOL")));
        assertThat(p.query("SELECT symbol, trade_id, price, quantity, maker_order_id, taker_order_id FROM trades"))
                .containsExactly("BTC-USDT|1|65000.00|0.200|1|2");

        List<String> dead = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> d : p.readAll(p.deadLetterTopic, false)) {
            dead.add(header(d, DeadLetterSerializationSchema.SOURCE_TOPIC).replace(p.id, "ID") + " "
                    + new String(d.key(), StandardCharsets.UTF_8) + " "
                    + header(d, DeadLetterSerializationSchema.ERROR_CODE));
        }
        assertThat(dead)
                .containsExactlyInAnyOrder(
                        "admin-ID BTC-USDT NOT_AN_ADMIN_COMMAND",
                        "admin-ID BTC-USDT INVALID_JSON",
                        "orders-ID XRP-USDT ADMIN_ON_ORDERS_TOPIC",
                        "orders-ID XRP-USDT INVALID_ADMIN_SIGNATURE",
                        "orders-ID BTC-USDT INVALID_ADMIN_SIGNATURE");

        // A backfill reads the orders topic only, relayed commands and the repeat included, with the relay off.
        Pipeline backfill = new Pipeline(p);
        backfill.runToEnd(Map.of());
        assertThat(backfill.query(Pipeline.TRADES)).containsExactlyElementsOf(p.query(Pipeline.TRADES));
        assertThat(backfill.query(Pipeline.ORDERS)).containsExactlyElementsOf(p.query(Pipeline.ORDERS));
        assertThat(backfill.events()).isEqualTo(p.dedupedEvents());
        assertThat(backfill.readAll(backfill.deadLetterTopic, false)).hasSize(3);
    }

    private static ProducerRecord<byte[], byte[]> adminRecord(String topic, String symbol, Command c, long timestamp) {
        return new ProducerRecord<>(topic, null, timestamp, utf8(symbol), CommandJson.write(symbol, c));
    }

    private static ProducerRecord<byte[], byte[]> withMac(ProducerRecord<byte[], byte[]> r, String source, byte[] mac) {
        r.headers().add(AdminSignature.SOURCE_HEADER, utf8(source)).add(AdminSignature.MAC_HEADER, mac);
        return r;
    }

    private static ConsumerRecord<byte[], byte[]> relayed(Pipeline p, String source) {
        return p.readAll(p.ordersTopic, true).stream()
                .filter(r -> source.equals(header(r, AdminSignature.SOURCE_HEADER)))
                .findFirst()
                .orElseThrow();
    }

    /** Waits for the relay: what is produced after this lands after the relayed commands in the orders log. */
    private static void awaitOrdersTopic(Pipeline p, int records) throws InterruptedException {
        awaitRecords(p, p.ordersTopic, records);
    }

    private static void awaitDeadLetters(Pipeline p, int records) throws InterruptedException {
        awaitRecords(p, p.deadLetterTopic, records);
    }

    private static void awaitRecords(Pipeline p, String topic, int records) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (p.readAll(topic, true).size() < records) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(topic + " did not reach " + records + " records");
            }
            Thread.sleep(200);
        }
    }

    private static final Pattern FIELD = Pattern.compile("\"(type|status|reason)\":\"([A-Z_]+)\"");

    /** Each event as its type, then its status (SYMBOL_UPDATED) or reason (REJECTED). */
    static Map<String, List<String>> summaries(Map<String, List<String>> events) {
        Map<String, List<String>> out = new java.util.TreeMap<>();
        events.forEach((symbol, list) -> out.put(
                symbol,
                list.stream()
                        .map(json -> {
                            Matcher m = FIELD.matcher(json);
                            StringBuilder sb = new StringBuilder();
                            while (m.find()) {
                                if (m.group(1).equals("type")
                                        || json.contains("\"type\":\"SYMBOL_UPDATED\"")
                                                && m.group(1).equals("status")
                                        || m.group(1).equals("reason")) {
                                    sb.append(sb.length() == 0 ? "" : " ").append(m.group(2));
                                }
                            }
                            return sb.toString();
                        })
                        .toList()));
        return out;
    }

    private static String header(ConsumerRecord<byte[], byte[]> r, String name) {
        var h = r.headers().lastHeader(name);
        return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
