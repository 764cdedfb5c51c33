//! The telemetry part of the store: the local outbox and the hosted event table. A trait of
//! its own ([`TelemetryStore`], reached through [`Store::telemetry`]), written once for both
//! pools like the rest of the store.
//!
//! [`Store::telemetry`]: super::Store::telemetry

use async_trait::async_trait;
use serde::Serialize;

use super::StoreResult;

/// The outbox row's peer before any hosted peer exists to claim it.
pub const UNASSIGNED_PEER: &str = "";

/// One event as it enters the outbox: its serialised JSON, ready to send.
#[derive(Clone, Debug)]
pub struct OutboxItem<'a> {
    pub event_id: &'a str,
    pub payload: &'a str,
    pub created_at: i64,
}

/// Outbox rows written per statement: 5 parameters each.
pub(crate) const PUSH_CHUNK: usize = 200;

/// Events stored per statement: 10 parameters each.
pub(crate) const STORE_CHUNK: usize = 200;

/// The outbox's caps: past either, the oldest rows are dropped (and counted).
#[derive(Clone, Copy, Debug)]
pub struct OutboxCaps {
    pub max_items: i64,
    pub max_bytes: i64,
}

/// What one push did: rows written (one per hosted peer), rows dropped to stay under the caps.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct PushOutcome {
    pub inserted: u64,
    pub dropped: u64,
}

/// An outbox row waiting for its peer's acknowledgement.
#[derive(Clone, Debug, PartialEq, Eq, sqlx::FromRow)]
pub struct OutboxRow {
    pub seq: i64,
    pub event_id: String,
    pub payload: String,
    pub bytes: i64,
}

/// The outbox's counters. `accepted`, `dropped` and `delivered` count rows since the
/// database was created.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct OutboxStatus {
    pub pending: i64,
    pub pending_bytes: i64,
    pub accepted: i64,
    pub dropped: i64,
    pub delivered: i64,
}

/// An event as the hosted backend stores it. `ts` is unix milliseconds; `attributes` is the
/// JSON object as text.
#[derive(Clone, Debug, PartialEq, Serialize, sqlx::FromRow)]
pub struct StoredEvent {
    pub event_id: String,
    pub peer_id: String,
    pub account_id: String,
    pub source_backend: String,
    pub name: String,
    pub level: String,
    pub ts: i64,
    pub duration_ms: Option<f64>,
    pub attributes: String,
    pub received_at: i64,
}

/// The columns the dashboard aggregates.
#[derive(Clone, Debug, PartialEq, sqlx::FromRow)]
pub struct EventSample {
    pub peer_id: String,
    pub name: String,
    pub level: String,
    pub ts: i64,
    pub duration_ms: Option<f64>,
}

/// Telemetry persistence. Both implementations pass the same contract tests.
#[async_trait]
pub trait TelemetryStore: Send + Sync + 'static {
    /// Writes `items` to the outbox, one row per item and peer of `peers`
    /// ([`UNASSIGNED_PEER`] when empty; an event already there for a peer is skipped), then
    /// drops the oldest rows until both caps hold, in one transaction. The outbox's size is
    /// a running count, so the caps cost nothing until one is exceeded.
    async fn outbox_push(
        &self,
        peers: &[String],
        items: &[OutboxItem<'_>],
        caps: OutboxCaps,
    ) -> StoreResult<PushOutcome>;

    /// Gives the unassigned rows to `peer_id`; returns how many.
    async fn outbox_claim(&self, peer_id: &str) -> StoreResult<u64>;

    /// The oldest rows of `peer_id` after `after_seq`, at most `max_events`, and no more
    /// than `max_bytes` of payload (but always one row, if there is one).
    async fn outbox_batch(
        &self,
        peer_id: &str,
        after_seq: i64,
        max_events: i64,
        max_bytes: i64,
    ) -> StoreResult<Vec<OutboxRow>>;

    /// Removes the rows of `peer_id` with `first_seq <= seq <= last_seq` (an acknowledged
    /// batch) and counts them delivered; returns how many.
    async fn outbox_ack(&self, peer_id: &str, first_seq: i64, last_seq: i64) -> StoreResult<u64>;

    async fn outbox_status(&self) -> StoreResult<OutboxStatus>;

    /// Pending rows per peer, for the status page.
    async fn outbox_pending_by_peer(&self) -> StoreResult<Vec<(String, i64)>>;

    /// Stores events received from a peer in one transaction; an `event_id` stored before is
    /// skipped. Returns how many were new.
    async fn store_events(&self, events: &[StoredEvent]) -> StoreResult<u64>;

    /// Stored events, of one peer or all, oldest `ts` first.
    async fn events(&self, peer_id: Option<&str>, limit: i64) -> StoreResult<Vec<StoredEvent>>;

    /// The newest events of `account_id` with `ts >= since`, at most `limit`.
    async fn event_samples(
        &self,
        account_id: &str,
        since: i64,
        limit: i64,
    ) -> StoreResult<Vec<EventSample>>;
}

macro_rules! telemetry_store {
    ($store:ty, $conn:ty) => {
        #[async_trait::async_trait]
        impl $crate::store::telemetry::TelemetryStore for $store {
            async fn outbox_push(
                &self,
                peers: &[String],
                items: &[$crate::store::telemetry::OutboxItem<'_>],
                caps: $crate::store::telemetry::OutboxCaps,
            ) -> $crate::store::StoreResult<$crate::store::telemetry::PushOutcome> {
                type Db = <$conn as sqlx::Connection>::Database;
                let unassigned = [$crate::store::telemetry::UNASSIGNED_PEER.to_string()];
                let peers = if peers.is_empty() { &unassigned[..] } else { peers };
                let rows: Vec<(&String, &$crate::store::telemetry::OutboxItem<'_>)> = items
                    .iter()
                    .flat_map(|item| peers.iter().map(move |peer| (peer, item)))
                    .collect();
                let mut tx = self.writer.begin().await?;
                let (mut inserted, mut inserted_bytes) = (0u64, 0i64);
                for chunk in rows.chunks($crate::store::telemetry::PUSH_CHUNK) {
                    let mut insert = sqlx::QueryBuilder::<Db>::new(
                        "INSERT INTO telemetry_outbox \
                         (peer_id, event_id, payload, bytes, created_at) ",
                    );
                    insert.push_values(chunk, |mut row, (peer_id, item)| {
                        row.push_bind(peer_id.as_str())
                            .push_bind(item.event_id)
                            .push_bind(item.payload)
                            .push_bind(item.payload.len() as i64)
                            .push_bind(item.created_at);
                    });
                    insert.push(" ON CONFLICT (peer_id, event_id) DO NOTHING RETURNING bytes");
                    let written: Vec<(i64,)> =
                        insert.build_query_as().persistent(false).fetch_all(&mut *tx).await?;
                    inserted += written.len() as u64;
                    inserted_bytes += written.iter().map(|(b,)| b).sum::<i64>();
                }
                let (items_now, bytes_now): (i64, i64) = sqlx::query_as(
                    "UPDATE telemetry_outbox_stats SET accepted = accepted + $1, \
                     pending_bytes = pending_bytes + $2 \
                     WHERE id = 1 RETURNING accepted - dropped - delivered, pending_bytes",
                )
                .bind(inserted as i64)
                .bind(inserted_bytes)
                .fetch_one(&mut *tx)
                .await?;
                let mut dropped = 0;
                if items_now > caps.max_items || bytes_now > caps.max_bytes {
                    // Newest first: a row goes when more than `max_items` rows, or more than
                    // `max_bytes` of payload, are newer than it or it.
                    dropped = sqlx::query(
                        "DELETE FROM telemetry_outbox WHERE seq IN (SELECT seq FROM (SELECT seq, \
                         ROW_NUMBER() OVER (ORDER BY seq DESC) AS rn, \
                         SUM(bytes) OVER (ORDER BY seq DESC) AS running \
                         FROM telemetry_outbox) ranked WHERE rn > $1 OR running > $2)",
                    )
                    .bind(caps.max_items)
                    .bind(caps.max_bytes)
                    .execute(&mut *tx)
                    .await?
                    .rows_affected();
                    // The bytes counted again from the rows, which also corrects any drift.
                    sqlx::query(
                        "UPDATE telemetry_outbox_stats SET dropped = dropped + $1, \
                         pending_bytes = (SELECT COALESCE(SUM(bytes), 0) FROM telemetry_outbox) \
                         WHERE id = 1",
                    )
                    .bind(dropped as i64)
                    .execute(&mut *tx)
                    .await?;
                }
                tx.commit().await?;
                Ok($crate::store::telemetry::PushOutcome { inserted, dropped })
            }

            async fn outbox_claim(&self, peer_id: &str) -> $crate::store::StoreResult<u64> {
                let claimed = sqlx::query(
                    "UPDATE telemetry_outbox SET peer_id = $1 WHERE peer_id = $2 \
                     AND NOT EXISTS (SELECT 1 FROM telemetry_outbox mine \
                     WHERE mine.peer_id = $1 AND mine.event_id = telemetry_outbox.event_id)",
                )
                .bind(peer_id)
                .bind($crate::store::telemetry::UNASSIGNED_PEER)
                .execute(&self.writer)
                .await?;
                Ok(claimed.rows_affected())
            }

            async fn outbox_batch(
                &self,
                peer_id: &str,
                after_seq: i64,
                max_events: i64,
                max_bytes: i64,
            ) -> $crate::store::StoreResult<Vec<$crate::store::telemetry::OutboxRow>> {
                let rows: Vec<$crate::store::telemetry::OutboxRow> = sqlx::query_as(
                    "SELECT seq, event_id, payload, bytes FROM telemetry_outbox \
                     WHERE peer_id = $1 AND seq > $2 ORDER BY seq LIMIT $3",
                )
                .bind(peer_id)
                .bind(after_seq)
                .bind(max_events)
                .fetch_all(&self.pool)
                .await?;
                let mut total = 0;
                let fit = rows
                    .iter()
                    .take_while(|row| {
                        total += row.bytes;
                        total <= max_bytes
                    })
                    .count()
                    .max(1);
                Ok(rows.into_iter().take(fit).collect())
            }

            async fn outbox_ack(
                &self,
                peer_id: &str,
                first_seq: i64,
                last_seq: i64,
            ) -> $crate::store::StoreResult<u64> {
                let mut tx = self.writer.begin().await?;
                let deleted: Vec<(i64,)> = sqlx::query_as(
                    "DELETE FROM telemetry_outbox WHERE peer_id = $1 AND seq >= $2 AND seq <= $3 \
                     RETURNING bytes",
                )
                .bind(peer_id)
                .bind(first_seq)
                .bind(last_seq)
                .fetch_all(&mut *tx)
                .await?;
                let bytes: i64 = deleted.iter().map(|(b,)| b).sum();
                sqlx::query(
                    "UPDATE telemetry_outbox_stats SET delivered = delivered + $1, \
                     pending_bytes = pending_bytes - $2 WHERE id = 1",
                )
                .bind(deleted.len() as i64)
                .bind(bytes)
                .execute(&mut *tx)
                .await?;
                tx.commit().await?;
                Ok(deleted.len() as u64)
            }

            async fn outbox_status(
                &self,
            ) -> $crate::store::StoreResult<$crate::store::telemetry::OutboxStatus> {
                // The running counts: one row read, whatever the outbox holds.
                let sql = "SELECT accepted - dropped - delivered AS pending, pending_bytes, \
                    accepted, dropped, delivered FROM telemetry_outbox_stats WHERE id = 1";
                Ok(sqlx::query_as(sql).fetch_one(&self.pool).await?)
            }

            async fn outbox_pending_by_peer(
                &self,
            ) -> $crate::store::StoreResult<Vec<(String, i64)>> {
                let sql = "SELECT peer_id, COUNT(*) FROM telemetry_outbox \
                           GROUP BY peer_id ORDER BY peer_id";
                Ok(sqlx::query_as(sql).fetch_all(&self.pool).await?)
            }

            async fn store_events(
                &self,
                events: &[$crate::store::telemetry::StoredEvent],
            ) -> $crate::store::StoreResult<u64> {
                type Db = <$conn as sqlx::Connection>::Database;
                let mut tx = self.writer.begin().await?;
                let mut inserted = 0;
                for chunk in events.chunks($crate::store::telemetry::STORE_CHUNK) {
                    let mut insert = sqlx::QueryBuilder::<Db>::new(
                        "INSERT INTO telemetry_events (event_id, peer_id, account_id, \
                         source_backend, name, level, ts, duration_ms, attributes, received_at) ",
                    );
                    insert.push_values(chunk, |mut row, e| {
                        row.push_bind(&e.event_id)
                            .push_bind(&e.peer_id)
                            .push_bind(&e.account_id)
                            .push_bind(&e.source_backend)
                            .push_bind(&e.name)
                            .push_bind(&e.level)
                            .push_bind(e.ts)
                            .push_bind(e.duration_ms)
                            .push_bind(&e.attributes)
                            .push_bind(e.received_at);
                    });
                    insert.push(" ON CONFLICT (event_id) DO NOTHING");
                    // Unprepared: the text changes with the number of rows.
                    inserted += insert
                        .build()
                        .persistent(false)
                        .execute(&mut *tx)
                        .await?
                        .rows_affected();
                }
                tx.commit().await?;
                Ok(inserted)
            }

            async fn events(
                &self,
                peer_id: Option<&str>,
                limit: i64,
            ) -> $crate::store::StoreResult<Vec<$crate::store::telemetry::StoredEvent>> {
                let sql = "SELECT event_id, peer_id, account_id, source_backend, name, level, \
                           ts, duration_ms, attributes, received_at FROM telemetry_events \
                           WHERE ($1 IS NULL OR peer_id = $1) ORDER BY ts, event_id LIMIT $2";
                Ok(sqlx::query_as(sql)
                    .bind(peer_id)
                    .bind(limit)
                    .fetch_all(&self.pool)
                    .await?)
            }

            async fn event_samples(
                &self,
                account_id: &str,
                since: i64,
                limit: i64,
            ) -> $crate::store::StoreResult<Vec<$crate::store::telemetry::EventSample>> {
                let sql = "SELECT peer_id, name, level, ts, duration_ms FROM telemetry_events \
                           WHERE account_id = $1 AND ts >= $2 ORDER BY ts DESC LIMIT $3";
                Ok(sqlx::query_as(sql)
                    .bind(account_id)
                    .bind(since)
                    .bind(limit)
                    .fetch_all(&self.pool)
                    .await?)
            }
        }
    };
}

pub(crate) use telemetry_store;
