-- SpotMatch schema, version 1. Scripts in this folder are applied in version order, once each,
-- by the local runner, the tests and docker-compose. Never edit a released script: add V2__...

-- Every fill, written once: the job inserts with ON CONFLICT (symbol, trade_id) DO NOTHING, so a
-- replay after a failure or a backfill into the same table changes nothing.
CREATE TABLE trades (
    symbol          TEXT        NOT NULL,
    trade_id        BIGINT      NOT NULL,  -- per symbol, from 1, in execution order
    seq             BIGINT      NOT NULL,  -- sequence number of the TRADE event
    price           NUMERIC     NOT NULL,  -- the maker's price, exact
    quantity        NUMERIC     NOT NULL,  -- base asset
    quote_quantity  NUMERIC     NOT NULL,  -- price x quantity, quote asset
    taker_side      TEXT        NOT NULL,  -- BUY or SELL
    taker_order_id  BIGINT      NOT NULL,
    taker_user_id   BIGINT      NOT NULL,
    maker_order_id  BIGINT      NOT NULL,
    maker_user_id   BIGINT      NOT NULL,
    taker_fee       NUMERIC     NOT NULL,  -- fee_asset
    maker_fee       NUMERIC     NOT NULL,  -- fee_asset
    fee_asset       TEXT        NOT NULL,  -- the symbol's quote asset
    traded_at       TIMESTAMPTZ NOT NULL,  -- Kafka timestamp of the taker's command
    PRIMARY KEY (symbol, trade_id)
);
CREATE INDEX trades_symbol_time ON trades (symbol, traded_at);
CREATE INDEX trades_taker_user ON trades (taker_user_id, traded_at);
CREATE INDEX trades_maker_user ON trades (maker_user_id, traded_at);

-- The current state of every accepted order. The job upserts with WHERE orders.version <
-- EXCLUDED.version: the row with the highest version (the sequence number of the order's last
-- event) wins, so a replayed older row never overwrites a newer one. Rejected commands have no row.
CREATE TABLE orders (
    symbol              TEXT        NOT NULL,
    order_id            BIGINT      NOT NULL,
    user_id             BIGINT      NOT NULL,
    side                TEXT        NOT NULL,  -- BUY or SELL
    order_type          TEXT        NOT NULL,  -- LIMIT, MARKET, LIMIT_MAKER
    time_in_force       TEXT        NOT NULL,  -- GTC, IOC, FOK
    stp                 TEXT        NOT NULL,  -- self-trade prevention mode in effect
    price               NUMERIC,               -- null for market orders
    quantity            NUMERIC,               -- total (as amended); null for a market buy by quote amount
    quote_quantity      NUMERIC,               -- budget of a market buy by quote amount
    status              TEXT        NOT NULL,  -- NEW, PARTIALLY_FILLED, FILLED, CANCELLED
    filled_quantity     NUMERIC     NOT NULL,
    remaining_quantity  NUMERIC GENERATED ALWAYS AS (quantity - filled_quantity) STORED,
    filled_quote        NUMERIC     NOT NULL,
    avg_price           NUMERIC GENERATED ALWAYS AS
                            (CASE WHEN filled_quantity > 0 THEN filled_quote / filled_quantity END) STORED,
    fees                NUMERIC     NOT NULL,  -- in the symbol's quote asset
    cancel_reason       TEXT,                  -- set when status is CANCELLED
    version             BIGINT      NOT NULL,
    created_at          TIMESTAMPTZ NOT NULL,
    updated_at          TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (symbol, order_id)
);
CREATE INDEX orders_symbol_status ON orders (symbol, status);
CREATE INDEX orders_user_symbol ON orders (user_id, symbol);
