package io.spotmatch.marketdata;

/**
 * One market-data message: its stream, the symbol (its Kafka key) and its JSON. {@code seq} is the
 * symbol's sequence number the message is valid at (a depth update's last one; a candle's last trade).
 */
public record MarketData(Kind kind, String symbol, long seq, byte[] json) {

    public enum Kind {
        /** Changed price levels of one command. */
        DEPTH,
        /** The whole book (or its top levels), compacted by symbol. */
        SNAPSHOT,
        /** Best bid and offer. */
        BBO,
        /** Public trades. */
        TRADE,
        /** Closed OHLCV candles. */
        CANDLE;

        /** The stream's topic: the prefix and a fixed name. */
        public String topic(String prefix) {
            return prefix
                    + switch (this) {
                        case DEPTH -> "depth";
                        case SNAPSHOT -> "depth-snapshots";
                        case BBO -> "bbo";
                        case TRADE -> "trades";
                        case CANDLE -> "candles";
                    };
        }
    }
}
