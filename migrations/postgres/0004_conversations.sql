-- Conversations and messages: one row per record holding its latest version (Last-Write-
-- Wins on `version`), deletes as tombstones. `seq` is the record's place in its account's
-- change feed, drawn from feed_counters in the transaction that writes the version.
-- The local daemon keeps its own records under the account id 'local'. Times are unix ms.
CREATE TABLE records (
    account_id      TEXT NOT NULL,
    id              TEXT NOT NULL,
    kind            TEXT NOT NULL CHECK (kind IN ('conversation', 'message')),
    conversation_id TEXT,
    title           TEXT,
    role            TEXT,
    content         TEXT,
    created_at      BIGINT NOT NULL,
    updated_at      BIGINT NOT NULL,
    deleted         BOOLEAN NOT NULL DEFAULT FALSE,
    version         TEXT NOT NULL,
    source_backend  TEXT NOT NULL,
    seq             BIGINT NOT NULL,
    origin_peer     TEXT,
    PRIMARY KEY (account_id, id)
);

CREATE UNIQUE INDEX records_feed ON records (account_id, seq);
CREATE INDEX records_messages ON records (account_id, conversation_id, id);

CREATE TABLE feed_counters (
    account_id TEXT PRIMARY KEY,
    seq        BIGINT NOT NULL
);

-- What this backend has pulled from a peer, and what the peer acknowledged of this
-- backend's feed, each against the epoch of the peer's store.
CREATE TABLE sync_cursors (
    peer_id         TEXT PRIMARY KEY,
    pull_epoch      TEXT,
    pull_seq        BIGINT NOT NULL DEFAULT 0,
    push_epoch      TEXT,
    push_seq        BIGINT NOT NULL DEFAULT 0,
    last_success_at BIGINT,
    last_error      TEXT,
    last_error_at   BIGINT
);
