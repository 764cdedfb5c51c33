-- Paired backends, their pair keys, the nonces of signed requests, and the audit trail.
-- Times are unix milliseconds except sbt_expires_at (unix seconds, as in the SBT).
CREATE TABLE peers (
    peer_id           TEXT PRIMARY KEY,
    account_id        TEXT NOT NULL,
    remote_id         TEXT NOT NULL,
    remote_key_id     TEXT NOT NULL,
    remote_public_key TEXT NOT NULL,
    remote_url        TEXT,
    status            TEXT NOT NULL CHECK (status IN ('active', 'revoked')),
    kid               TEXT NOT NULL,
    sbt_expires_at    BIGINT NOT NULL,
    created_at        BIGINT NOT NULL,
    updated_at        BIGINT NOT NULL
);

CREATE INDEX peers_account ON peers (account_id);

CREATE TABLE peer_keys (
    peer_id        TEXT NOT NULL REFERENCES peers (peer_id) ON DELETE CASCADE,
    kid            TEXT NOT NULL,
    key            BYTEA,
    sbt            TEXT,
    created_at     BIGINT NOT NULL,
    sbt_expires_at BIGINT NOT NULL,
    retires_at     BIGINT,
    PRIMARY KEY (peer_id, kid)
);

-- One row per accepted signed request: the primary key is what refuses a replay, on every
-- instance that shares the database.
CREATE TABLE peer_nonces (
    peer_id TEXT NOT NULL,
    nonce   TEXT NOT NULL,
    seen_at BIGINT NOT NULL,
    PRIMARY KEY (peer_id, nonce)
);

CREATE INDEX peer_nonces_seen ON peer_nonces (seen_at);

CREATE TABLE audit_log (
    id         BIGSERIAL PRIMARY KEY,
    at         BIGINT NOT NULL,
    event      TEXT NOT NULL,
    outcome    TEXT NOT NULL,
    peer_id    TEXT,
    account_id TEXT,
    ip         TEXT,
    detail     TEXT
);

CREATE INDEX audit_log_at ON audit_log (at);
