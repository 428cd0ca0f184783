-- SpotMatch schema, version 4: the orders table at the cost its queries need. Never edit a released
-- script: add V005__...
--
-- The table keeps order status for user and operator queries (the events topic is the complete
-- history). Each row version pays for every index and stored column, so (measured side by side in
-- BENCHMARKS.md, section 7):
-- - remaining_quantity and avg_price are no longer stored on every write: the orders_view view
--   computes them from the same exact columns, with the same expressions;
-- - the (symbol, status) index becomes a partial index of open orders, the only status a query by
--   symbol looks for among millions of closed orders.
-- On a table with data, CREATE INDEX blocks writes while it builds: apply it with the job stopped.
ALTER TABLE orders DROP COLUMN remaining_quantity, DROP COLUMN avg_price;
DROP INDEX orders_symbol_status;
CREATE INDEX orders_open ON orders (symbol, order_id) WHERE status IN ('NEW', 'PARTIALLY_FILLED');

CREATE VIEW orders_view AS
    SELECT o.*,
           quantity - filled_quantity AS remaining_quantity,
           CASE WHEN filled_quantity > 0 THEN filled_quote / filled_quantity END AS avg_price
    FROM orders o;
