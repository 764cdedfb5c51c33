-- Telemetry. The local backend keeps its outbox (events not yet acknowledged by a hosted
-- peer); the hosted backend keeps the events it received, each once (event_id is unique).
-- Times are unix milliseconds.
CREATE TABLE telemetry_outbox (
    seq        INTEGER PRIMARY KEY AUTOINCREMENT,
    -- The hosted peer the row is for; '' until a peer exists to claim it.
    peer_id    TEXT NOT NULL,
    event_id   TEXT NOT NULL,
    payload    TEXT NOT NULL,
    bytes      BIGINT NOT NULL,
    created_at BIGINT NOT NULL,
    UNIQUE (peer_id, event_id)
);

-- One row: what the outbox accepted, dropped to stay under its caps, and saw acknowledged.
CREATE TABLE telemetry_outbox_stats (
    id        INTEGER PRIMARY KEY CHECK (id = 1),
    accepted  BIGINT NOT NULL,
    dropped   BIGINT NOT NULL,
    delivered BIGINT NOT NULL
);

INSERT INTO telemetry_outbox_stats (id, accepted, dropped, delivered) VALUES (1, 0, 0, 0);

CREATE TABLE telemetry_events (
    event_id       TEXT PRIMARY KEY,
    peer_id        TEXT NOT NULL,
    account_id     TEXT NOT NULL,
    source_backend TEXT NOT NULL,
    name           TEXT NOT NULL,
    level          TEXT NOT NULL,
    ts             BIGINT NOT NULL,
    duration_ms    DOUBLE PRECISION,
    attributes     TEXT NOT NULL,
    received_at    BIGINT NOT NULL
);

CREATE INDEX telemetry_events_account_ts ON telemetry_events (account_id, ts);
CREATE INDEX telemetry_events_peer_ts ON telemetry_events (peer_id, ts);
