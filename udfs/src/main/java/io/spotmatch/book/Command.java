package io.spotmatch.book;

/**
 * One input command for one symbol's book. Field use by type:
 *
 * <ul>
 *   <li>NEW: orderId (0: the engine assigns the next one), userId, side, orderType, timeInForce,
 *       price (LIMIT, LIMIT_MAKER), quantity, or quoteQuantity instead of quantity for a MARKET
 *       order; stp (null: the symbol default); clientOrderId (optional); expireTime (GTD only:
 *       epoch ms, see {@link OrderBook#process(Command, long, EventSink)}); stopPrice (stop
 *       types, OCO); stopLimitPrice (OCO only: its stop leg is a STOP_LOSS_LIMIT at that price);
 *       icebergQuantity (LIMIT and LIMIT_MAKER, GTC or GTD: the most it shows at a time);
 *   <li>CANCEL: orderId (or 0 and clientOrderId), userId;
 *   <li>AMEND: orderId (or 0 and clientOrderId), userId, and a new price and/or a new total quantity;
 *   <li>CANCEL_ALL: userId;
 *   <li>SYMBOL: symbol.
 * </ul>
 *
 * Values are wire decimals; the book converts them with the symbol's {@link SymbolSpec} and
 * rejects what does not fit its grid.
 */
public record Command(
        CommandType type,
        long orderId,
        long userId,
        Side side,
        OrderType orderType,
        TimeInForce timeInForce,
        Decimal price,
        Decimal quantity,
        Decimal quoteQuantity,
        StpMode stp,
        Details details) {

    /**
     * The fields few commands carry (a SYMBOL's update, the rarer order types' fields), null when a
     * command has none: a plain limit, market or cancel command stays one cache line, as the book
     * reads millions of them, and the book checks one reference before all of those types' rules.
     */
    public record Details(
            SymbolUpdate symbol,
            String clientOrderId,
            long expireTime,
            Decimal stopPrice,
            Decimal stopLimitPrice,
            Decimal icebergQuantity) {

        /** These fields, or null when none is set. */
        static Details of(
                SymbolUpdate symbol,
                String clientOrderId,
                long expireTime,
                Decimal stopPrice,
                Decimal stopLimitPrice,
                Decimal icebergQuantity) {
            return symbol == null
                            && clientOrderId == null
                            && expireTime == 0
                            && stopPrice == null
                            && stopLimitPrice == null
                            && icebergQuantity == null
                    ? null
                    : new Details(symbol, clientOrderId, expireTime, stopPrice, stopLimitPrice, icebergQuantity);
        }
    }

    /** A command with every field, the rare ones as {@link Details} (none set: no details). */
    public Command(
            CommandType type,
            long orderId,
            long userId,
            Side side,
            OrderType orderType,
            TimeInForce timeInForce,
            Decimal price,
            Decimal quantity,
            Decimal quoteQuantity,
            StpMode stp,
            SymbolUpdate symbol,
            String clientOrderId,
            long expireTime,
            Decimal stopPrice,
            Decimal stopLimitPrice,
            Decimal icebergQuantity) {
        this(
                type,
                orderId,
                userId,
                side,
                orderType,
                timeInForce,
                price,
                quantity,
                quoteQuantity,
                stp,
                Details.of(symbol, clientOrderId, expireTime, stopPrice, stopLimitPrice, icebergQuantity));
    }

    /** A SYMBOL command's update, or null. */
    public SymbolUpdate symbol() {
        return details == null ? null : details.symbol;
    }

    /** The user's id for the order (a NEW), or for the order a CANCEL or AMEND with order id 0 addresses; or null. */
    public String clientOrderId() {
        return details == null ? null : details.clientOrderId;
    }

    /** A GTD NEW's expiry time (epoch ms); 0 for every other command. */
    public long expireTime() {
        return details == null ? 0 : details.expireTime;
    }

    /** A stop order's or an OCO's stop price, or null. */
    public Decimal stopPrice() {
        return details == null ? null : details.stopPrice;
    }

    /** An OCO's stop-limit leg's price, or null. */
    public Decimal stopLimitPrice() {
        return details == null ? null : details.stopLimitPrice;
    }

    /** An iceberg's display quantity, or null. */
    public Decimal icebergQuantity() {
        return details == null ? null : details.icebergQuantity;
    }

    /** The longest client order id. */
    public static final int MAX_CLIENT_ORDER_ID_LENGTH = 36;

    /** A command without an iceberg quantity. */
    public Command(
            CommandType type,
            long orderId,
            long userId,
            Side side,
            OrderType orderType,
            TimeInForce timeInForce,
            Decimal price,
            Decimal quantity,
            Decimal quoteQuantity,
            StpMode stp,
            SymbolUpdate symbol,
            String clientOrderId,
            long expireTime,
            Decimal stopPrice,
            Decimal stopLimitPrice) {
        this(
                type,
                orderId,
                userId,
                side,
                orderType,
                timeInForce,
                price,
                quantity,
                quoteQuantity,
                stp,
                symbol,
                clientOrderId,
                expireTime,
                stopPrice,
                stopLimitPrice,
                null);
    }

    /** A command without a stop-limit price (anything but an OCO with a STOP_LOSS_LIMIT leg). */
    public Command(
            CommandType type,
            long orderId,
            long userId,
            Side side,
            OrderType orderType,
            TimeInForce timeInForce,
            Decimal price,
            Decimal quantity,
            Decimal quoteQuantity,
            StpMode stp,
            SymbolUpdate symbol,
            String clientOrderId,
            long expireTime,
            Decimal stopPrice) {
        this(
                type,
                orderId,
                userId,
                side,
                orderType,
                timeInForce,
                price,
                quantity,
                quoteQuantity,
                stp,
                symbol,
                clientOrderId,
                expireTime,
                stopPrice,
                null);
    }

    /** A command without an expiry time. */
    public Command(
            CommandType type,
            long orderId,
            long userId,
            Side side,
            OrderType orderType,
            TimeInForce timeInForce,
            Decimal price,
            Decimal quantity,
            Decimal quoteQuantity,
            StpMode stp,
            SymbolUpdate symbol,
            String clientOrderId) {
        this(
                type,
                orderId,
                userId,
                side,
                orderType,
                timeInForce,
                price,
                quantity,
                quoteQuantity,
                stp,
                symbol,
                clientOrderId,
                0,
                null);
    }

    /** A command without a stop price. */
    public Command(
            CommandType type,
            long orderId,
            long userId,
            Side side,
            OrderType orderType,
            TimeInForce timeInForce,
            Decimal price,
            Decimal quantity,
            Decimal quoteQuantity,
            StpMode stp,
            SymbolUpdate symbol,
            String clientOrderId,
            long expireTime) {
        this(
                type,
                orderId,
                userId,
                side,
                orderType,
                timeInForce,
                price,
                quantity,
                quoteQuantity,
                stp,
                symbol,
                clientOrderId,
                expireTime,
                null);
    }

    /** A stop order of {@code type}: a NEW with {@code stopPrice} (and {@code price} for the _LIMIT types). */
    public static Command stop(
            long orderId, long userId, Side side, OrderType type, String stopPrice, String price, String quantity) {
        return new Command(
                CommandType.NEW,
                orderId,
                userId,
                side,
                type,
                null,
                price == null ? null : Decimal.parse(price),
                Decimal.parse(quantity),
                null,
                null,
                null,
                null,
                0,
                Decimal.parse(stopPrice));
    }

    /**
     * An OCO: a LIMIT GTC leg at {@code price} (order id {@code orderId}) and a STOP_LOSS leg at
     * {@code stopPrice} ({@code orderId + 1}), a STOP_LOSS_LIMIT at {@code stopLimitPrice} when it is
     * not null; both of {@code quantity}.
     */
    public static Command oco(
            long orderId,
            long userId,
            Side side,
            String price,
            String stopPrice,
            String stopLimitPrice,
            String quantity) {
        return new Command(
                CommandType.NEW,
                orderId,
                userId,
                side,
                OrderType.OCO,
                null,
                Decimal.parse(price),
                Decimal.parse(quantity),
                null,
                null,
                null,
                null,
                0,
                Decimal.parse(stopPrice),
                stopLimitPrice == null ? null : Decimal.parse(stopLimitPrice));
    }

    /**
     * Client order ids are 1 to {@value #MAX_CLIENT_ORDER_ID_LENGTH} ASCII letters, digits and
     * {@code . _ : / -}: they reach events and a PostgreSQL text column, so nothing else may enter.
     */
    public static boolean isValidClientOrderId(String id) {
        if (id == null || id.isEmpty() || id.length() > MAX_CLIENT_ORDER_ID_LENGTH) {
            return false;
        }
        for (int i = 0; i < id.length(); i++) {
            char c = id.charAt(i);
            if (!(c >= 'A' && c <= 'Z'
                    || c >= 'a' && c <= 'z'
                    || c >= '0' && c <= '9'
                    || c == '.'
                    || c == '_'
                    || c == ':'
                    || c == '/'
                    || c == '-')) {
                return false;
            }
        }
        return true;
    }

    public static Command limit(long orderId, long userId, Side side, String price, String quantity, TimeInForce tif) {
        return new Command(
                CommandType.NEW,
                orderId,
                userId,
                side,
                OrderType.LIMIT,
                tif,
                Decimal.parse(price),
                Decimal.parse(quantity),
                null,
                null,
                null);
    }

    public static Command limitMaker(long orderId, long userId, Side side, String price, String quantity) {
        return new Command(
                CommandType.NEW,
                orderId,
                userId,
                side,
                OrderType.LIMIT_MAKER,
                TimeInForce.GTC,
                Decimal.parse(price),
                Decimal.parse(quantity),
                null,
                null,
                null);
    }

    public static Command market(long orderId, long userId, Side side, String quantity) {
        return new Command(
                CommandType.NEW,
                orderId,
                userId,
                side,
                OrderType.MARKET,
                TimeInForce.IOC,
                null,
                Decimal.parse(quantity),
                null,
                null,
                null);
    }

    public static Command marketQuote(long orderId, long userId, Side side, String quoteQuantity) {
        return new Command(
                CommandType.NEW,
                orderId,
                userId,
                side,
                OrderType.MARKET,
                TimeInForce.IOC,
                null,
                null,
                Decimal.parse(quoteQuantity),
                null,
                null);
    }

    public static Command cancel(long orderId, long userId) {
        return new Command(CommandType.CANCEL, orderId, userId, null, null, null, null, null, null, null, null);
    }

    /** price or quantity may be null to keep the current one; quantity is the new total quantity. */
    public static Command amend(long orderId, long userId, String price, String quantity) {
        return new Command(
                CommandType.AMEND,
                orderId,
                userId,
                null,
                null,
                null,
                price == null ? null : Decimal.parse(price),
                quantity == null ? null : Decimal.parse(quantity),
                null,
                null,
                null);
    }

    public static Command cancelAll(long userId) {
        return new Command(CommandType.CANCEL_ALL, 0, userId, null, null, null, null, null, null, null, null);
    }

    public static Command symbol(SymbolUpdate update) {
        return new Command(CommandType.SYMBOL, 0, 0, null, null, null, null, null, null, null, update, (String) null);
    }

    public Command withTimeInForce(TimeInForce tif) {
        return with(orderId, tif, stp, clientOrderId(), expireTime());
    }

    public Command withStp(StpMode mode) {
        return with(orderId, timeInForce, mode, clientOrderId(), expireTime());
    }

    /** This command with a client order id (a NEW's, or the one a CANCEL or AMEND with order id 0 addresses). */
    public Command withClientOrderId(String id) {
        return with(orderId, timeInForce, stp, id, expireTime());
    }

    /** This command with another order id (0: a NEW the engine numbers, or a CANCEL/AMEND by client order id). */
    public Command withOrderId(long id) {
        return with(id, timeInForce, stp, clientOrderId(), expireTime());
    }

    /** A GTD order: good till the first command whose time (epoch ms) reaches {@code time}. */
    public Command withExpireTime(long time) {
        return with(orderId, TimeInForce.GTD, stp, clientOrderId(), time);
    }

    private Command with(long id, TimeInForce tif, StpMode mode, String clientId, long expiry) {
        return new Command(
                type,
                id,
                userId,
                side,
                orderType,
                tif,
                price,
                quantity,
                quoteQuantity,
                mode,
                symbol(),
                clientId,
                expiry,
                stopPrice(),
                stopLimitPrice(),
                icebergQuantity());
    }

    /** This limit order as an iceberg that shows at most {@code displayQuantity} at a time. */
    public Command withIcebergQuantity(String displayQuantity) {
        return withIcebergQuantity(Decimal.parse(displayQuantity));
    }

    /** This limit order as an iceberg that shows at most {@code displayQuantity} at a time (null: none). */
    public Command withIcebergQuantity(Decimal displayQuantity) {
        return new Command(
                type,
                orderId,
                userId,
                side,
                orderType,
                timeInForce,
                price,
                quantity,
                quoteQuantity,
                stp,
                symbol(),
                clientOrderId(),
                expireTime(),
                stopPrice(),
                stopLimitPrice(),
                displayQuantity);
    }
}
