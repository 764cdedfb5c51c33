-- Versions a peer refused (a version stamped too far ahead, one its rules do not take): set
-- aside so they do not block the versions behind them, shown with their refusal, and pushed
-- again at `retry_at` (when they could succeed) or never (NULL) unless a newer version of
-- the record replaces them.
CREATE TABLE sync_set_aside (
    peer_id    TEXT NOT NULL,
    record_id  TEXT NOT NULL,
    version    TEXT NOT NULL,
    code       TEXT NOT NULL,
    message    TEXT NOT NULL,
    set_at     BIGINT NOT NULL,
    retry_at   BIGINT,
    PRIMARY KEY (peer_id, record_id, version)
);
