-- SpotMatch schema, version 2: settlement. Never edit a released script: add V003__...

-- One row per balance movement, append only. The cause is a symbol's event (symbol, seq, and the
-- order whose hold or fill it is; tx_id '') or a funds command (tx_id; symbol '', seq 0,
-- order_id 0). The job inserts with ON CONFLICT DO NOTHING on the cause, so a replay after a
-- failure or a backfill into the same table changes nothing. No running balance: the rows do not
-- depend on the order in which the symbols' streams and the funds topic reached the ledger.
-- Amounts are exact decimals of the asset; per asset and cause the rows of a trade add up to 0.
CREATE TABLE ledger (
    symbol      TEXT        NOT NULL,  -- '' for a funds command
    seq         BIGINT      NOT NULL,  -- the symbol's event sequence number; 0 for a funds command
    tx_id       TEXT        NOT NULL,  -- the funds command's transaction id; '' for an event
    account     BIGINT      NOT NULL,  -- user id; 0 is the fee account
    asset       TEXT        NOT NULL,
    order_id    BIGINT      NOT NULL,  -- 0 for fees and funds commands
    available   NUMERIC     NOT NULL,  -- change of the available balance
    held        NUMERIC     NOT NULL,  -- change of the held balance
    leg         TEXT        NOT NULL,  -- HOLD, RELEASE, TRADE, FEE, DEPOSIT, WITHDRAW, ADJUST
    moved_at    TIMESTAMPTZ NOT NULL,  -- Kafka timestamp of the command that caused it
    PRIMARY KEY (symbol, seq, tx_id, account, asset, order_id)
);
CREATE INDEX ledger_account ON ledger (account, asset, moved_at);

-- Available and held per account and asset: the sum of the account's ledger rows. Upserted once
-- per checkpoint with WHERE balances.version < EXCLUDED.version (version = movements applied), so
-- a replay never takes a balance back.
CREATE TABLE balances (
    account     BIGINT      NOT NULL,
    asset       TEXT        NOT NULL,
    available   NUMERIC     NOT NULL,
    held        NUMERIC     NOT NULL,
    version     BIGINT      NOT NULL,
    PRIMARY KEY (account, asset)
);

-- Balances below zero: the engine does not check funds before trading (the gateway does), and
-- withdrawals are never refused by balance, so an overdraft is settled exactly and shown here.
CREATE VIEW overdrafts AS
    SELECT account, asset, available, held, version FROM balances WHERE available < 0 OR held < 0;
