-- routes/ledger-resequencer.camel.yaml: entries waiting to be put in order (Camel's JDBC aggregation repository).
CREATE TABLE ledger_batches (
    id       VARCHAR(255) NOT NULL PRIMARY KEY,
    exchange BYTEA        NOT NULL,
    version  BIGINT       NOT NULL
);

CREATE TABLE ledger_batches_completed (
    id       VARCHAR(255) NOT NULL PRIMARY KEY,
    exchange BYTEA        NOT NULL,
    version  BIGINT       NOT NULL
);
