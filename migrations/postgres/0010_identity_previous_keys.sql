-- Identity keys this backend used before its current one (`backend-8825 identity rotate`):
-- the public key, the end of its grace (Unix ms), and the key-change statement it signed
-- for its successor, which peers check against the key they pinned before they re-pin.
CREATE TABLE identity_previous_keys (
    key_id      TEXT PRIMARY KEY NOT NULL,
    public_key  TEXT NOT NULL,
    valid_until BIGINT NOT NULL,
    key_change  TEXT NOT NULL,
    rotated_at  BIGINT NOT NULL
);
