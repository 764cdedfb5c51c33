//! Sync cursors: how far each peer's feed and this one have been exchanged, and how the last
//! syncs went. ([`Db::apply_versions`] writes the feed positions along with the versions.)

use super::Db;
use super::query::Query;
use crate::store::{SetAside, StoreResult, SyncCursor, SyncFailure};

/// A successful sync with `peer_id` at `at`: it ends a run of failures. (Also written in the
/// transaction of the cursor it came with, [`Db::apply_versions`].)
/// What a sync's success sets on its cursor row (the conflict branch of an upsert that
/// inserts `last_success_at`): the time, and the last failure cleared. A macro, so that
/// each statement stays one literal.
macro_rules! success_set {
    () => {
        "last_success_at = excluded.last_success_at, last_error = NULL, \
         last_error_at = NULL, last_error_code = NULL, failing_since = NULL"
    };
}
pub(super) use success_set;

pub(super) fn sync_success(peer_id: &str, at: i64) -> Query<'_> {
    let sql = concat!(
        "INSERT INTO sync_cursors (peer_id, last_success_at) VALUES ($1, $2) \
         ON CONFLICT (peer_id) DO UPDATE SET ",
        success_set!()
    );
    Query::new(sql).bind(peer_id).bind(at)
}

impl Db<'_> {
    pub(super) async fn sync_cursor(self, peer_id: &str) -> StoreResult<Option<SyncCursor>> {
        let sql = "SELECT peer_id, pull_epoch, pull_seq, push_epoch, push_seq, \
                   last_success_at, last_error, last_error_at, last_error_code, \
                   failing_since FROM sync_cursors WHERE peer_id = $1";
        Ok(Query::new(sql)
            .bind(peer_id)
            .fetch_optional(self.pool)
            .await?)
    }

    pub(super) async fn record_sync_outcome(
        self,
        peer_id: &str,
        at: i64,
        failure: Option<&SyncFailure>,
    ) -> StoreResult<()> {
        let Some(failure) = failure else {
            sync_success(peer_id, at).execute(self.writer).await?;
            return Ok(());
        };
        // `failing_since` keeps the first failure of a run of failures.
        let sql = "INSERT INTO sync_cursors \
                   (peer_id, last_error_at, failing_since, last_error_code, last_error) \
                   VALUES ($1, $2, $2, $3, $4) ON CONFLICT (peer_id) DO UPDATE SET \
                   last_error_at = excluded.last_error_at, \
                   failing_since = COALESCE(sync_cursors.failing_since, excluded.failing_since), \
                   last_error_code = excluded.last_error_code, \
                   last_error = excluded.last_error";
        Query::new(sql)
            .bind(peer_id)
            .bind(at)
            .bind(failure.code)
            .bind(&failure.message)
            .execute(self.writer)
            .await?;
        Ok(())
    }

    pub(super) async fn set_aside(self, e: &SetAside) -> StoreResult<()> {
        let sql = "INSERT INTO sync_set_aside \
                   (peer_id, record_id, version, code, message, set_at, retry_at) \
                   VALUES ($1, $2, $3, $4, $5, $6, $7) \
                   ON CONFLICT (peer_id, record_id, version) DO UPDATE SET \
                   code = excluded.code, message = excluded.message, \
                   retry_at = excluded.retry_at";
        Query::new(sql)
            .bind(&e.peer_id)
            .bind(&e.record_id)
            .bind(&e.version)
            .bind(&e.code)
            .bind(&e.message)
            .bind(e.set_at)
            .bind(e.retry_at)
            .execute(self.writer)
            .await?;
        Ok(())
    }

    pub(super) async fn set_aside_for(self, peer_id: &str) -> StoreResult<Vec<SetAside>> {
        let sql = "SELECT peer_id, record_id, version, code, message, set_at, retry_at \
                   FROM sync_set_aside WHERE peer_id = $1 ORDER BY set_at, record_id";
        Ok(Query::new(sql).bind(peer_id).fetch_all(self.pool).await?)
    }

    pub(super) async fn forget_set_aside(
        self,
        peer_id: &str,
        record_id: &str,
        version: &str,
    ) -> StoreResult<()> {
        let sql = "DELETE FROM sync_set_aside \
                   WHERE peer_id = $1 AND record_id = $2 AND version = $3";
        Query::new(sql)
            .bind(peer_id)
            .bind(record_id)
            .bind(version)
            .execute(self.writer)
            .await?;
        Ok(())
    }
}
