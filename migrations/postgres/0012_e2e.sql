-- End-to-end encryption (docs/e2e.md). On the hosted side, one row per encrypted account:
-- the public id of its current key (`ck_id`), the key's epoch, the keyring sealed under the
-- account's recovery code (which the server cannot open), and when it was enabled. Enabling
-- is a compare-and-set on the primary key: a second enable is refused.
CREATE TABLE e2e_accounts (
    account_id TEXT PRIMARY KEY,
    ck_id      TEXT NOT NULL,
    epoch      BIGINT NOT NULL,
    recovery   TEXT NOT NULL,
    enabled_at BIGINT NOT NULL
);

-- A record's sealed form: `v1.<epoch>.<nonce>.<ciphertext>` over its title or content (or
-- over nothing for a tombstone). Set on the hosted side in an encrypted account, where
-- `title` and `content` stay NULL; a device keeps plaintext and leaves it NULL.
ALTER TABLE records ADD COLUMN e2e TEXT;
