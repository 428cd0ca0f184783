-- Client order ids: a NEW may carry one (unique per user and symbol among open and recently closed
-- orders), and CANCEL/AMEND may address an order by it. Null for orders without one.
-- GTD orders: the command time at which the order expires. Null for every other order.
ALTER TABLE orders ADD COLUMN client_order_id TEXT;
ALTER TABLE orders ADD COLUMN expire_time TIMESTAMPTZ;
CREATE INDEX orders_user_client_order_id ON orders (user_id, symbol, client_order_id)
    WHERE client_order_id IS NOT NULL;
-- Stop and take-profit orders: their stop price (kept once triggered). Null for other orders.
ALTER TABLE orders ADD COLUMN stop_price NUMERIC;
