-- Accounts of the hosted backend and the pairing codes they issue. Secrets are stored only
-- as SHA-256 hashes (hex). Times are unix milliseconds.
CREATE TABLE accounts (
    id         TEXT PRIMARY KEY,
    name       TEXT NOT NULL UNIQUE,
    token_hash TEXT NOT NULL UNIQUE,
    created_at BIGINT NOT NULL
);

CREATE TABLE pairing_codes (
    code_hash    TEXT PRIMARY KEY,
    account_id   TEXT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    bound_key_id TEXT,
    created_at   BIGINT NOT NULL,
    expires_at   BIGINT NOT NULL,
    used_at      BIGINT
);

CREATE INDEX pairing_codes_account ON pairing_codes (account_id);
