//! Reading records: one record, a page of live ones, and the account's feed (every version
//! in `seq` order, tombstones included), which syncs page through.

use sqlx::AssertSqlSafe;

use super::Db;
use super::query::Query;
use crate::store::{DatabaseKind, FeedWindow, PendingSummary, Record, RecordQuery, StoreResult};

/// The columns of a [`Record`], as the statements below read it.
macro_rules! record_select {
    () => {
        "SELECT kind, id, conversation_id, title, role, content, created_at, updated_at, \
         deleted, version, source_backend, e2e, seq, origin_peer FROM records"
    };
}

/// A position of a feed window: the version, and whether it came from the excluded peer.
#[derive(sqlx::FromRow)]
struct WindowRow {
    #[sqlx(flatten)]
    record: Record,
    own: bool,
}

impl Db<'_> {
    pub(super) async fn max_version(self) -> StoreResult<Option<String>> {
        let (max,): (Option<String>,) = Query::new("SELECT MAX(version) FROM records")
            .fetch_one(self.pool)
            .await?;
        Ok(max)
    }

    pub(super) async fn record(self, account_id: &str, id: &str) -> StoreResult<Option<Record>> {
        let sql = concat!(record_select!(), " WHERE account_id = $1 AND id = $2");
        Ok(Query::new(sql)
            .bind(account_id)
            .bind(id)
            .fetch_optional(self.pool)
            .await?)
    }

    pub(super) async fn list_records(self, q: &RecordQuery<'_>) -> StoreResult<Vec<Record>> {
        // Four fixed statements rather than assembled SQL.
        let base = concat!(
            record_select!(),
            " WHERE account_id = $1 AND kind = $2 AND deleted = $3 \
             AND ($4 = '' OR conversation_id = $4)"
        );
        let sql = match (q.descending, q.cursor.is_some()) {
            (false, false) => format!("{base} ORDER BY id LIMIT $5"),
            (false, true) => format!("{base} AND id > $6 ORDER BY id LIMIT $5"),
            (true, false) => format!("{base} ORDER BY id DESC LIMIT $5"),
            (true, true) => format!("{base} AND id < $6 ORDER BY id DESC LIMIT $5"),
        };
        let mut query = Query::new(AssertSqlSafe(sql))
            .bind(q.account_id)
            .bind(q.kind)
            .bind(false)
            .bind(q.conversation_id.unwrap_or(""))
            .bind(q.limit);
        if let Some(cursor) = q.cursor {
            query = query.bind(cursor);
        }
        Ok(query.fetch_all(self.pool).await?)
    }

    pub(super) async fn feed_page(
        self,
        account_id: &str,
        after_seq: i64,
        limit: i64,
    ) -> StoreResult<Vec<Record>> {
        let sql = concat!(
            record_select!(),
            " WHERE account_id = $1 AND seq > $2 ORDER BY seq LIMIT $3"
        );
        Ok(Query::new(sql)
            .bind(account_id)
            .bind(after_seq)
            .bind(limit)
            .fetch_all(self.pool)
            .await?)
    }

    pub(super) async fn feed_window(
        self,
        account_id: &str,
        after_seq: i64,
        limit: i64,
        exclude_origin: &str,
    ) -> StoreResult<FeedWindow> {
        if self.pool.kind() == DatabaseKind::Postgres {
            return self
                .feed_window_at_once(account_id, after_seq, limit, exclude_origin)
                .await;
        }
        // The window's extent from the feed index alone. Every seq up to `last` is committed
        // (seqs are taken under the account's counter lock, in commit order), and a version
        // replaced meanwhile moves past `last`, to be read in a later window: reading the
        // rows in a second statement loses nothing.
        let (count, last): (i64, Option<i64>) = Query::new(
            "SELECT COUNT(*), MAX(seq) FROM (SELECT seq FROM records \
             WHERE account_id = $1 AND seq > $2 ORDER BY seq LIMIT $3) w",
        )
        .bind(account_id)
        .bind(after_seq)
        .bind(limit)
        .fetch_one(self.pool)
        .await?;
        let Some(last) = last else {
            return Ok(FeedWindow {
                records: Vec::new(),
                last: after_seq,
                full: false,
            });
        };
        let sql = concat!(
            record_select!(),
            " WHERE account_id = $1 AND seq > $2 AND seq <= $3 \
             AND (origin_peer IS NULL OR origin_peer <> $4) ORDER BY seq"
        );
        let records = Query::new(sql)
            .bind(account_id)
            .bind(after_seq)
            .bind(last)
            .bind(exclude_origin)
            .fetch_all(self.pool)
            .await?;
        Ok(FeedWindow {
            records,
            last,
            full: count >= limit,
        })
    }

    /// [`Db::feed_window`] on Postgres, where each statement is a round trip to the server:
    /// one statement, which reads the excluded peer's own versions too but not their title,
    /// content or envelope. (On SQLite, in process, the two statements above are the faster:
    /// the first reads only the feed index.)
    async fn feed_window_at_once(
        self,
        account_id: &str,
        after_seq: i64,
        limit: i64,
        exclude_origin: &str,
    ) -> StoreResult<FeedWindow> {
        let sql = "SELECT kind, id, conversation_id, \
                   CASE WHEN COALESCE(origin_peer = $4, FALSE) THEN NULL ELSE title END AS title, \
                   role, \
                   CASE WHEN COALESCE(origin_peer = $4, FALSE) THEN NULL ELSE content END \
                   AS content, \
                   created_at, updated_at, deleted, version, source_backend, \
                   CASE WHEN COALESCE(origin_peer = $4, FALSE) THEN NULL ELSE e2e END AS e2e, \
                   seq, origin_peer, COALESCE(origin_peer = $4, FALSE) AS own \
                   FROM records WHERE account_id = $1 AND seq > $2 ORDER BY seq LIMIT $3";
        let rows: Vec<WindowRow> = Query::new(sql)
            .bind(account_id)
            .bind(after_seq)
            .bind(limit)
            .bind(exclude_origin)
            .fetch_all(self.pool)
            .await?;
        let full = rows.len() as i64 >= limit;
        let last = rows.last().map_or(after_seq, |row| row.record.seq);
        let records = rows
            .into_iter()
            .filter(|row| !row.own)
            .map(|row| row.record)
            .collect();
        Ok(FeedWindow {
            records,
            last,
            full,
        })
    }

    pub(super) async fn feed_head(self, account_id: &str) -> StoreResult<i64> {
        let row: Option<(i64,)> = Query::new("SELECT seq FROM feed_counters WHERE account_id = $1")
            .bind(account_id)
            .fetch_optional(self.pool)
            .await?;
        Ok(row.map_or(0, |(seq,)| seq))
    }

    pub(super) async fn pending_summary(
        self,
        account_id: &str,
        after_seq: i64,
        exclude_origin: &str,
    ) -> StoreResult<PendingSummary> {
        let (versions, bytes, oldest_at): (i64, i64, Option<i64>) = Query::new(
            "SELECT COUNT(*), \
             CAST(COALESCE(SUM(LENGTH(COALESCE(title, '')) + LENGTH(COALESCE(content, ''))), 0) \
             AS BIGINT), MIN(updated_at) \
             FROM records WHERE account_id = $1 AND seq > $2 \
             AND (origin_peer IS NULL OR origin_peer <> $3)",
        )
        .bind(account_id)
        .bind(after_seq)
        .bind(exclude_origin)
        .fetch_one(self.pool)
        .await?;
        Ok(PendingSummary {
            versions,
            bytes,
            oldest_at,
        })
    }

    pub(super) async fn count_pending(
        self,
        account_id: &str,
        after_seq: i64,
        exclude_origin: &str,
    ) -> StoreResult<i64> {
        let (count,): (i64,) = Query::new(
            "SELECT COUNT(*) FROM records WHERE account_id = $1 AND seq > $2 \
             AND (origin_peer IS NULL OR origin_peer <> $3)",
        )
        .bind(account_id)
        .bind(after_seq)
        .bind(exclude_origin)
        .fetch_one(self.pool)
        .await?;
        Ok(count)
    }
}
