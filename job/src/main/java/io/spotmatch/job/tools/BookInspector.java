package io.spotmatch.job.tools;

import static org.apache.flink.configuration.ConfigOptions.key;

import io.spotmatch.book.L2Level;
import io.spotmatch.book.Order;
import io.spotmatch.book.OrderBook;
import io.spotmatch.book.Side;
import io.spotmatch.book.SymbolSpec;
import io.spotmatch.flink.BookHeader;
import io.spotmatch.flink.BookLimits;
import io.spotmatch.flink.MatchOperator;
import io.spotmatch.flink.RecentClientOrderIds;
import io.spotmatch.flink.RestingOrder;
import io.spotmatch.flink.SymbolBook;
import io.spotmatch.job.CommandLine;
import io.spotmatch.job.SpotMatchJob;
import io.spotmatch.marketdata.MarketDataState;
import io.spotmatch.marketdata.MarketDataState.OpenCandle;
import io.spotmatch.marketdata.SymbolMarketData;
import io.spotmatch.wire.Json;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.state.api.OperatorIdentifier;
import org.apache.flink.state.api.SavepointReader;
import org.apache.flink.state.api.functions.KeyedStateReaderFunction;
import org.apache.flink.state.rocksdb.EmbeddedRocksDBStateBackend;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.util.CloseableIterator;
import org.apache.flink.util.Collector;

/**
 * Prints the books held in a savepoint or a retained checkpoint, per symbol, as JSON (one line per
 * symbol) or CSV: the top levels of each side and, with {@code --orders true}, every resting order
 * in priority order (bids best first, then asks best first, time priority within a price). Reads
 * the state with the State Processor API, through the job's own serializers. With
 * {@code --market-data true}, each symbol's market-data state instead ({@link #marketData}).
 *
 * <pre>
 * flink run -c io.spotmatch.job.tools.BookInspector spotmatch-job.jar \
 *     --path file:///flink-data/savepoints/savepoint-...
 * </pre>
 */
public final class BookInspector {

    public enum Format {
        JSON,
        CSV
    }

    static final ConfigOption<String> PATH = key("path")
            .stringType()
            .noDefaultValue()
            .withDescription("Savepoint or retained checkpoint directory (required).");
    static final ConfigOption<Format> FORMAT = key("format")
            .enumType(Format.class)
            .defaultValue(Format.JSON)
            .withDescription("JSON (one line per symbol) or CSV.");
    static final ConfigOption<Integer> DEPTH =
            key("depth").intType().defaultValue(10).withDescription("Price levels per side.");
    static final ConfigOption<Boolean> ORDERS = key("orders")
            .booleanType()
            .defaultValue(false)
            .withDescription("Also print every resting order, in priority order.");
    static final ConfigOption<String> SYMBOL =
            key("symbol").stringType().noDefaultValue().withDescription("Only this symbol.");
    static final ConfigOption<Boolean> MARKET_DATA = key("market-data")
            .booleanType()
            .defaultValue(false)
            .withDescription("Print each symbol's market-data state instead of its book, as JSON (one line per"
                    + " symbol): the last depth update's seq, the best bid and offer and the open candles a"
                    + " restored job carries on from.");
    static final List<ConfigOption<?>> OPTIONS = List.of(PATH, FORMAT, DEPTH, ORDERS, SYMBOL, MARKET_DATA);

    public static void main(String[] args) throws Exception {
        if (CommandLine.wantsHelp(args)) {
            System.out.println(CommandLine.help("BookInspector options", OPTIONS));
            return;
        }
        print(StreamExecutionEnvironment.getExecutionEnvironment(), args, System.out);
    }

    /** What {@link #main} prints for these arguments. */
    public static void print(StreamExecutionEnvironment env, String[] args, PrintStream to) throws Exception {
        CommandLine a = CommandLine.parse(args, OPTIONS);
        String path = a.required(PATH);
        CommandLine.require(a.get(DEPTH) >= 0, DEPTH, "must not be negative");
        boolean csv = a.get(FORMAT) == Format.CSV;
        boolean marketData = a.get(MARKET_DATA);
        CommandLine.require(!(marketData && csv), MARKET_DATA, "prints JSON only, not --format CSV");
        String symbol = a.get(SYMBOL);
        List<String> out = marketData ? marketData(env, path) : inspect(env, path, csv, a.get(DEPTH), a.get(ORDERS));
        if (csv) {
            to.println(CSV_HEADER);
        }
        for (String book : out) {
            if (symbol == null || book.startsWith(symbol + ",") || book.startsWith("{\"symbol\":\"" + symbol + "\"")) {
                to.print(book);
            }
        }
    }

    static final String CSV_HEADER = "symbol,record,side,price,quantity,orders,order_id,user_id,filled,priority";

    /** One text block per symbol, sorted by symbol. */
    public static List<String> inspect(
            StreamExecutionEnvironment env, String path, boolean csv, int depth, boolean orders) throws Exception {
        return read(env, path, new Reader(csv, depth, orders, false));
    }

    /**
     * Each symbol's market-data state, one JSON line per symbol, sorted by symbol: {@code stored}
     * (false: no market-data state, e.g. market data was off; a restore then starts at
     * {@code lastDepthSeq} 0 with no open candle), {@code lastDepthSeq} (the next depth update's
     * {@code prevSeq}), the best bid and offer (the restored book's top, which a restored job compares
     * the next one with; named as in BBO messages) and {@code openCandles} (as in CANDLE messages,
     * by interval). Snapshots need no state: they follow the seqs.
     */
    public static List<String> marketData(StreamExecutionEnvironment env, String path) throws Exception {
        return read(env, path, new Reader(false, 0, false, true));
    }

    private static List<String> read(StreamExecutionEnvironment env, String path, Reader reader) throws Exception {
        SavepointReader savepoint = SavepointReader.read(env, path, new EmbeddedRocksDBStateBackend());
        List<String> books = new ArrayList<>();
        try (CloseableIterator<String> it = savepoint
                .readKeyedState(OperatorIdentifier.forUid(SpotMatchJob.MATCH_UID), reader, Types.STRING, Types.STRING)
                .executeAndCollect()) {
            it.forEachRemaining(books::add);
        }
        books.sort(null);
        return books;
    }

    /** Rebuilds each symbol's book from its state exactly as the job does after a restore, then prints it. */
    static final class Reader extends KeyedStateReaderFunction<String, String> {
        private final boolean csv;
        private final int depth;
        private final boolean orders;
        private final boolean marketData;
        private transient ValueState<BookHeader> header;
        private transient ValueState<BookLimits> limits;
        private transient ValueState<RecentClientOrderIds> recent;
        private transient MapState<Long, RestingOrder> resting;
        private transient ValueState<MarketDataState> marketDataState;

        Reader(boolean csv, int depth, boolean orders, boolean marketData) {
            this.csv = csv;
            this.depth = depth;
            this.orders = orders;
            this.marketData = marketData;
        }

        @Override
        public void open(OpenContext context) {
            header = getRuntimeContext().getState(MatchOperator.headerDescriptor());
            limits = getRuntimeContext().getState(MatchOperator.limitsDescriptor());
            recent = getRuntimeContext().getState(MatchOperator.recentClientOrderIdsDescriptor());
            resting = getRuntimeContext().getMapState(MatchOperator.ordersDescriptor());
            if (marketData) {
                marketDataState = getRuntimeContext().getState(MatchOperator.marketDataDescriptor());
            }
        }

        @Override
        public void readKey(String symbol, Context context, Collector<String> out) throws Exception {
            BookHeader h = header.value();
            if (h == null) {
                return;
            }
            List<RestingOrder> list = new ArrayList<>();
            for (RestingOrder o : resting.values()) {
                list.add(o);
            }
            OrderBook book = SymbolBook.restore(symbol, h, limits.value(), recent.value(), list)
                    .book();
            if (marketData) {
                out.collect(marketDataJson(symbol, book, marketDataState.value()));
            } else {
                out.collect(csv ? csv(symbol, book) : json(symbol, h, book));
            }
        }

        private static String marketDataJson(String symbol, OrderBook book, MarketDataState md) {
            SymbolSpec s = book.spec();
            StringBuilder sb = new StringBuilder("{\"symbol\":");
            Json.string(sb, symbol);
            sb.append(",\"seq\":")
                    .append(book.seq())
                    .append(",\"lastTradeId\":")
                    .append(book.lastTradeId())
                    .append(",\"stored\":")
                    .append(md != null)
                    .append(",\"lastDepthSeq\":")
                    .append(md == null ? 0 : md.lastDepthSeq());
            if (s != null) {
                SymbolMarketData.appendTop(sb, s, "bid", book.topPrice(Side.BUY), book.topQuantity(Side.BUY));
                SymbolMarketData.appendTop(sb, s, "ask", book.topPrice(Side.SELL), book.topQuantity(Side.SELL));
                sb.append(",\"openCandles\":[");
                String sep = "";
                for (OpenCandle c : md == null ? List.<OpenCandle>of() : md.candles()) {
                    sb.append(sep).append('{');
                    SymbolMarketData.appendCandle(
                            sb,
                            s,
                            c.interval(),
                            c.start(),
                            c.open(),
                            c.high(),
                            c.low(),
                            c.close(),
                            c.volume(),
                            c.quoteVolume(),
                            c.trades(),
                            c.lastSeq());
                    sb.append('}');
                    sep = ",";
                }
                sb.append(']');
            }
            return sb.append("}\n").toString();
        }

        private String json(String symbol, BookHeader h, OrderBook book) {
            SymbolSpec s = book.spec();
            StringBuilder sb = new StringBuilder("{\"symbol\":");
            Json.string(sb, symbol);
            sb.append(",\"status\":\"")
                    .append(s == null ? "UNLISTED" : s.status().name())
                    .append('"');
            sb.append(",\"seq\":")
                    .append(book.seq())
                    .append(",\"lastTradeId\":")
                    .append(book.lastTradeId())
                    .append(",\"lastOrderId\":")
                    .append(book.lastOrderId())
                    .append(",\"openOrders\":")
                    .append(book.openOrderCount())
                    .append(",\"severalPartitions\":")
                    .append(h.severalPartitions());
            if (h.adminPartition() >= 0) {
                sb.append(",\"lastAdminSource\":{\"partition\":")
                        .append(h.adminPartition())
                        .append(",\"offset\":")
                        .append(h.adminOffset())
                        .append('}');
            }
            if (h.ordersHeld()) {
                // Written only when true, so books from before settlement print as they always did.
                sb.append(",\"ordersHeld\":true");
            }
            if (s != null) {
                for (Side side : Side.values()) {
                    sb.append(side == Side.BUY ? ",\"bids\":[" : ",\"asks\":[");
                    String sep = "";
                    for (L2Level l : book.depth(side, depth)) {
                        sb.append(sep)
                                .append("{\"price\":\"")
                                .append(s.ticksToDecimal(l.price()))
                                .append("\",\"quantity\":\"")
                                .append(s.lotsToDecimal(l.quantity()))
                                .append("\",\"orders\":")
                                .append(l.orders())
                                .append('}');
                        sep = ",";
                    }
                    sb.append(']');
                }
                if (orders) {
                    sb.append(",\"orders\":[");
                    String[] sep = {""};
                    book.forEachOrder(o -> {
                        sb.append(sep[0])
                                .append("{\"orderId\":")
                                .append(o.orderId())
                                .append(",\"userId\":")
                                .append(o.userId())
                                .append(",\"side\":\"")
                                .append(o.side())
                                .append("\",\"type\":\"")
                                .append(o.type())
                                .append("\",\"price\":\"")
                                .append(s.ticksToDecimal(o.price()))
                                .append("\",\"quantity\":\"")
                                .append(s.lotsToDecimal(o.quantity()))
                                .append("\",\"filled\":\"")
                                .append(s.lotsToDecimal(o.filled()))
                                .append("\",\"remaining\":\"")
                                .append(s.lotsToDecimal(o.remaining()))
                                .append("\",\"fees\":\"")
                                .append(s.notionalToDecimal(o.fees()))
                                .append("\",\"stp\":\"")
                                .append(o.stp())
                                .append("\",\"priority\":")
                                .append(o.priority());
                        if (o.ocoOrderId() != 0) {
                            sb.append(",\"ocoOrderId\":").append(o.ocoOrderId()); // the OCO's other leg
                        }
                        if (o.displayQuantity() != 0) {
                            // an iceberg: what it shows at most, and its visible slice now (the rest is hidden)
                            sb.append(",\"icebergQuantity\":\"")
                                    .append(s.lotsToDecimal(o.displayQuantity()))
                                    .append("\",\"visible\":\"")
                                    .append(s.lotsToDecimal(o.visibleQuantity()))
                                    .append('"');
                        }
                        sb.append('}');
                        sep[0] = ",";
                    });
                    sb.append(']');
                }
                // Stop orders wait outside the book: not in its depth, listed here (only when there are some).
                List<Order> stops = book.waitingStops();
                if (!stops.isEmpty()) {
                    sb.append(",\"stopOrders\":[");
                    for (int i = 0; i < stops.size(); i++) {
                        Order o = stops.get(i);
                        sb.append(i == 0 ? "" : ",")
                                .append("{\"orderId\":")
                                .append(o.orderId())
                                .append(",\"userId\":")
                                .append(o.userId())
                                .append(",\"side\":\"")
                                .append(o.side())
                                .append("\",\"type\":\"")
                                .append(o.type())
                                .append("\",\"stopPrice\":\"")
                                .append(s.ticksToDecimal(o.stopPrice()))
                                .append("\",\"quantity\":\"")
                                .append(s.lotsToDecimal(o.quantity()))
                                .append('"');
                        if (o.ocoOrderId() != 0) {
                            sb.append(",\"ocoOrderId\":").append(o.ocoOrderId());
                        }
                        sb.append('}');
                    }
                    sb.append(']');
                }
            }
            return sb.append("}\n").toString();
        }

        private String csv(String symbol, OrderBook book) {
            SymbolSpec s = book.spec();
            StringBuilder sb = new StringBuilder();
            if (s == null) {
                return sb.toString();
            }
            for (Side side : Side.values()) {
                for (L2Level l : book.depth(side, depth)) {
                    sb.append(symbol)
                            .append(",LEVEL,")
                            .append(side)
                            .append(',')
                            .append(s.ticksToDecimal(l.price()))
                            .append(',')
                            .append(s.lotsToDecimal(l.quantity()))
                            .append(',')
                            .append(l.orders())
                            .append(",,,,\n");
                }
            }
            if (orders) {
                book.forEachOrder((Order o) -> sb.append(symbol)
                        .append(",ORDER,")
                        .append(o.side())
                        .append(',')
                        .append(s.ticksToDecimal(o.price()))
                        .append(',')
                        .append(s.lotsToDecimal(o.remaining()))
                        .append(",,")
                        .append(o.orderId())
                        .append(',')
                        .append(o.userId())
                        .append(',')
                        .append(s.lotsToDecimal(o.filled()))
                        .append(',')
                        .append(o.priority())
                        .append('\n'));
            }
            return sb.toString();
        }
    }
}
