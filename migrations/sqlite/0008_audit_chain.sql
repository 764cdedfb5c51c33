-- The audit log becomes tamper-evident. Each entry belongs to one chain (the local daemon's
-- one chain; on the hosted daemon one per account and one for entries with no account),
-- has a position `seq` in it (1, 2, ...), and carries `prev_hash`, the `hash` of the entry
-- before it, and its own `hash`: SHA-256 over its fields and `prev_hash`. `count` is how
-- many events the entry stands for (a refusal repeated within the coalescing window is
-- written once more at the window's end, with the number of repeats).
--
-- Entries written before this migration have no chain yet: the daemon chains them, in
-- `id` order, once, at its next start (meta key `audit_chained`).
ALTER TABLE audit_log ADD COLUMN chain_id TEXT;
ALTER TABLE audit_log ADD COLUMN seq BIGINT;
ALTER TABLE audit_log ADD COLUMN count BIGINT NOT NULL DEFAULT 1;
ALTER TABLE audit_log ADD COLUMN prev_hash TEXT;
ALTER TABLE audit_log ADD COLUMN hash TEXT;

-- One entry per position: two appends that raced past the head's lock could not both land.
CREATE UNIQUE INDEX audit_log_chain_seq ON audit_log (chain_id, seq);
-- A chain's page, newest first (GET /audit).
CREATE INDEX audit_log_chain_id ON audit_log (chain_id, id);

-- Each chain's last position and hash. An append locks its chain's row for the length of
-- its transaction, so appends to one chain take their turns and the chain never forks; the
-- head also shows when entries were cut off the end of a chain.
CREATE TABLE audit_heads (
    chain_id TEXT PRIMARY KEY NOT NULL,
    seq      BIGINT NOT NULL,
    hash     TEXT NOT NULL
);
