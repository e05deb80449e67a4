-- routes/orders-events-audit.camel.yaml: every order event, once per message (keyed by its JMS message id, so a
-- redelivered event is not recorded twice).
CREATE TABLE order_audit (
    message_id  VARCHAR(200) NOT NULL PRIMARY KEY,
    order_id    VARCHAR(200),
    payload     VARCHAR      NOT NULL,
    received_at TIMESTAMP    DEFAULT CURRENT_TIMESTAMP NOT NULL
);
