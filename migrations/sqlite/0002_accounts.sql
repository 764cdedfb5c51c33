-- Accounts of the hosted backend and the pairing codes they issue. Secrets are stored only
-- as SHA-256 hashes (hex). Times are unix milliseconds.
CREATE TABLE accounts (
    id         TEXT PRIMARY KEY NOT NULL,
    name       TEXT NOT NULL UNIQUE,
    token_hash TEXT NOT NULL UNIQUE,
    created_at INTEGER NOT NULL
);

CREATE TABLE pairing_codes (
    code_hash    TEXT PRIMARY KEY NOT NULL,
    account_id   TEXT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    bound_key_id TEXT,
    created_at   INTEGER NOT NULL,
    expires_at   INTEGER NOT NULL,
    used_at      INTEGER
);

CREATE INDEX pairing_codes_account ON pairing_codes (account_id);
