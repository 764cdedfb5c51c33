//! Retention's queries: live records past the retention, tombstones every peer has, the
//! accounts to go through, and the lock that lets one instance run retention at a time.

use super::Db;
use super::query::{Pool, Query};
use crate::store::{KIND_CONVERSATION, KIND_MESSAGE, Record, RunLock, StoreResult};

/// The columns of a [`Record`], as `records.rs` reads them, for rows named `r`.
macro_rules! record_columns {
    () => {
        "SELECT r.kind, r.id, r.conversation_id, r.title, r.role, r.content, r.created_at, \
         r.updated_at, r.deleted, r.version, r.source_backend, r.e2e, r.seq, r.origin_peer \
         FROM records r"
    };
}

/// The advisory lock's first key: retention's, among whatever else shares the database. The
/// second is the schema's, so that instances on other schemas of one database do not wait on
/// each other.
const LOCK_CLASS: i32 = 0x0882_5000;

impl Db<'_> {
    pub(super) async fn account_ids(self) -> StoreResult<Vec<String>> {
        let rows: Vec<(String,)> = Query::new("SELECT id FROM accounts ORDER BY id")
            .fetch_all(self.pool)
            .await?;
        Ok(rows.into_iter().map(|(id,)| id).collect())
    }

    /// Live conversations whose own version and every version of their messages (live or
    /// not) are below `cutoff`, after `after_id`, in id order.
    pub(super) async fn expired_conversations(
        self,
        account_id: &str,
        cutoff: &str,
        after_id: &str,
        limit: i64,
    ) -> StoreResult<Vec<Record>> {
        let sql = concat!(
            record_columns!(),
            " WHERE r.account_id = $1 AND r.kind = $2 AND r.deleted = $3 AND r.version < $4 \
             AND r.id > $5 AND NOT EXISTS (SELECT 1 FROM records m \
             WHERE m.account_id = r.account_id AND m.conversation_id = r.id \
             AND m.kind = $6 AND m.version >= $4) ORDER BY r.id LIMIT $7"
        );
        Ok(Query::new(sql)
            .bind(account_id)
            .bind(KIND_CONVERSATION)
            .bind(false)
            .bind(cutoff)
            .bind(after_id)
            .bind(KIND_MESSAGE)
            .bind(limit)
            .fetch_all(self.pool)
            .await?)
    }

    /// Live messages below `cutoff` whose conversation is not live (a tombstone, or gone),
    /// after `after_id`, in id order.
    pub(super) async fn expired_orphan_messages(
        self,
        account_id: &str,
        cutoff: &str,
        after_id: &str,
        limit: i64,
    ) -> StoreResult<Vec<Record>> {
        let sql = concat!(
            record_columns!(),
            " WHERE r.account_id = $1 AND r.kind = $2 AND r.deleted = $3 AND r.version < $4 \
             AND r.id > $5 AND NOT EXISTS (SELECT 1 FROM records c \
             WHERE c.account_id = r.account_id AND c.id = r.conversation_id \
             AND c.kind = $6 AND c.deleted = $3) ORDER BY r.id LIMIT $7"
        );
        Ok(Query::new(sql)
            .bind(account_id)
            .bind(KIND_MESSAGE)
            .bind(false)
            .bind(cutoff)
            .bind(after_id)
            .bind(KIND_CONVERSATION)
            .bind(limit)
            .fetch_all(self.pool)
            .await?)
    }

    /// How many live messages the conversation has.
    pub(super) async fn live_messages(
        self,
        account_id: &str,
        conversation_id: &str,
    ) -> StoreResult<i64> {
        let (count,): (i64,) = Query::new(
            "SELECT COUNT(*) FROM records WHERE account_id = $1 AND conversation_id = $2 \
             AND kind = $3 AND deleted = $4",
        )
        .bind(account_id)
        .bind(conversation_id)
        .bind(KIND_MESSAGE)
        .bind(false)
        .fetch_one(self.pool)
        .await?;
        Ok(count)
    }

    /// How many tombstones sit at feed positions up to `through_seq` with a version below
    /// `cutoff`, none of them set aside for a peer (a version a peer refused is pushed
    /// again later: it must still be there).
    pub(super) async fn purgeable_tombstones(
        self,
        account_id: &str,
        through_seq: i64,
        cutoff: &str,
    ) -> StoreResult<i64> {
        let (count,): (i64,) = Query::new(
            "SELECT COUNT(*) FROM records r WHERE account_id = $1 AND deleted = $2 \
             AND seq <= $3 AND version < $4 AND NOT EXISTS (SELECT 1 FROM sync_set_aside s \
             WHERE s.record_id = r.id)",
        )
        .bind(account_id)
        .bind(true)
        .bind(through_seq)
        .bind(cutoff)
        .fetch_one(self.pool)
        .await?;
        Ok(count)
    }

    /// Deletes at most `limit` of the tombstones [`Db::purgeable_tombstones`] counts. One
    /// statement: a tombstone replaced meanwhile by a newer version has left the range
    /// (its `seq` moved past `through_seq`, or it is no longer deleted) and stays.
    pub(super) async fn purge_tombstones(
        self,
        account_id: &str,
        through_seq: i64,
        cutoff: &str,
        limit: i64,
    ) -> StoreResult<u64> {
        Ok(Query::new(
            "DELETE FROM records WHERE account_id = $1 AND id IN (SELECT id FROM records r \
             WHERE account_id = $1 AND deleted = $2 AND seq <= $3 AND version < $4 \
             AND NOT EXISTS (SELECT 1 FROM sync_set_aside s WHERE s.record_id = r.id) \
             ORDER BY seq LIMIT $5) AND deleted = $2 AND seq <= $3",
        )
        .bind(account_id)
        .bind(true)
        .bind(through_seq)
        .bind(cutoff)
        .bind(limit)
        .execute(self.writer)
        .await?)
    }

    /// On Postgres, an advisory lock held by a connection of its own, or `None` while
    /// another connection holds it. On SQLite one process owns the file: nothing to take.
    pub(super) async fn retention_lock(self) -> StoreResult<Option<RunLock>> {
        let Pool::Postgres(pool) = self.writer else {
            return Ok(Some(RunLock::default()));
        };
        let mut conn = pool.acquire().await?;
        // Closed rather than returned to the pool when dropped: a lock held by a run that
        // never released it (a panic, a cancelled task) goes with its connection.
        conn.close_on_drop();
        let (taken,): (bool,) =
            sqlx::query_as("SELECT pg_try_advisory_lock($1, hashtext(current_schema()))")
                .bind(LOCK_CLASS)
                .fetch_one(&mut *conn)
                .await?;
        if !taken {
            return Ok(None);
        }
        Ok(Some(RunLock { conn: Some(conn) }))
    }
}

impl RunLock {
    /// Lets another instance run. (Dropping the lock releases it too, by closing its
    /// connection.)
    pub async fn release(mut self) {
        if let Some(mut conn) = self.conn.take() {
            let unlock = sqlx::query("SELECT pg_advisory_unlock($1, hashtext(current_schema()))")
                .bind(LOCK_CLASS)
                .execute(&mut *conn)
                .await;
            if let Err(err) = unlock {
                tracing::warn!(error = %err, "cannot release the retention lock; its connection closes");
            }
        }
    }
}
