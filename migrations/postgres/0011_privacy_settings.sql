-- Privacy settings (docs/privacy.md): one row per account on the hosted side, one row for
-- the local account on a local daemon. `settings` is the JSON object GET /privacy-settings
-- answers with; a field missing from it (a setting added later) takes its default.
CREATE TABLE privacy_settings (
    account_id TEXT PRIMARY KEY,
    settings   TEXT NOT NULL,
    updated_at BIGINT NOT NULL
);
