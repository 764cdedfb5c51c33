-- The outbox's running size in bytes, kept with every insert, acknowledgement and drop, so
-- that the caps are checked without reading the outbox. (Its size in rows needs no column:
-- it is accepted - dropped - delivered.)
ALTER TABLE telemetry_outbox_stats ADD COLUMN pending_bytes BIGINT NOT NULL DEFAULT 0;

UPDATE telemetry_outbox_stats SET
    pending_bytes = (SELECT COALESCE(SUM(bytes), 0) FROM telemetry_outbox);

-- The client reads and acknowledges a peer's rows in seq order: without this index each
-- batch read all of the peer's rows and sorted them.
CREATE INDEX telemetry_outbox_peer_seq ON telemetry_outbox (peer_id, seq);
