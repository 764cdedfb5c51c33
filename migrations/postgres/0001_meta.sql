-- Facts about this store that are written once and read at every start: the backend id,
-- the store epoch (a new one means the database was wiped or restored).
CREATE TABLE meta (
    key        TEXT PRIMARY KEY,
    value      TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now()
);
