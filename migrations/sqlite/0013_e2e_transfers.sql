-- Adding a device to an end-to-end encrypted account (docs/e2e.md, "Transfer to a new
-- device"). On the hosted side, one row per request of a new device: its peer, the identity
-- key it registered when it paired (the approving device wraps `w` to it), the state
-- (pending, approved, accepted, failed), when it expires, and once approved, what the
-- approving device uploaded: `w` wrapped to that key and the keyring sealed under a key from
-- `w` and the transfer code (neither of which the server has). Wrong codes are counted.
CREATE TABLE e2e_transfers (
    account_id      TEXT NOT NULL,
    id              TEXT NOT NULL,
    peer_id         TEXT NOT NULL,
    key_id          TEXT NOT NULL,
    public_key      TEXT NOT NULL,
    state           TEXT NOT NULL,
    created_at      BIGINT NOT NULL,
    expires_at      BIGINT NOT NULL,
    approver_peer   TEXT,
    approver_key_id TEXT,
    wrapped         TEXT,
    sealed          TEXT,
    attempts        BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (account_id, id)
);
