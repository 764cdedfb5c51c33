-- Rotation on revocation (docs/e2e.md): when a device of an encrypted account is revoked,
-- the hosted side notes when (`rotation_due`), until a device that holds the key rotates it
-- to a new epoch (a compare-and-set from the current `epoch` and `ck_id`), which clears it.
ALTER TABLE e2e_accounts ADD COLUMN rotation_due BIGINT;
