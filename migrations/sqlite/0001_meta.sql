-- Facts about this store that are written once and read at every start: the backend id,
-- the store epoch (a new one means the database was wiped or restored).
CREATE TABLE meta (
    key        TEXT PRIMARY KEY NOT NULL,
    value      TEXT NOT NULL,
    created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);
