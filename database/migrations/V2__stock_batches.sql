-- routes/stock-movements-batcher.camel.yaml: batches being aggregated, kept by Camel's JDBC aggregation repository so
-- that a restart loses none (one row per open batch; completed batches wait in _completed until they are sent).
CREATE TABLE stock_batches (
    id       VARCHAR(255) NOT NULL PRIMARY KEY,
    exchange BYTEA        NOT NULL,
    version  BIGINT       NOT NULL
);

CREATE TABLE stock_batches_completed (
    id       VARCHAR(255) NOT NULL PRIMARY KEY,
    exchange BYTEA        NOT NULL,
    version  BIGINT       NOT NULL
);
