-- How a failing sync with a peer is shown: since when it has been failing (the first failed
-- attempt after the last success, kept across the retries that follow) and the failure's
-- code beside its readable message.
ALTER TABLE sync_cursors ADD COLUMN failing_since BIGINT;
ALTER TABLE sync_cursors ADD COLUMN last_error_code TEXT;

UPDATE sync_cursors SET failing_since = last_error_at WHERE last_error_at IS NOT NULL;
