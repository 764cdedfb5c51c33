//! [`TelemetryStore`] on either database: the local outbox and the hosted event table.

use async_trait::async_trait;

use super::builder::Builder;
use super::query::{Arg, Query};
use super::{SqlPools, guarded};
use crate::store::StoreResult;
use crate::store::telemetry::{
    EventSample, OutboxCaps, OutboxItem, OutboxRow, OutboxStatus, PushOutcome, StoredEvent,
    TelemetryStore, UNASSIGNED_PEER,
};

/// Outbox rows written per statement: 5 parameters each.
pub(crate) const PUSH_CHUNK: usize = 200;

/// Events stored per statement: 10 parameters each.
pub(crate) const STORE_CHUNK: usize = 200;

/// Each method runs through [`guarded`]: refused at once while the database is known to be
/// down.
#[async_trait]
impl<S: SqlPools> TelemetryStore for S {
    async fn outbox_push(
        &self,
        peers: &[String],
        items: &[OutboxItem<'_>],
        caps: OutboxCaps,
    ) -> StoreResult<PushOutcome> {
        guarded(self, async {
            let unassigned = [UNASSIGNED_PEER.to_string()];
            let peers = if peers.is_empty() {
                &unassigned[..]
            } else {
                peers
            };
            let rows: Vec<(&String, &OutboxItem<'_>)> = items
                .iter()
                .flat_map(|item| peers.iter().map(move |peer| (peer, item)))
                .collect();
            let mut tx = self.db().writer.begin().await?;
            let (mut inserted, mut inserted_bytes) = (0u64, 0i64);
            for chunk in rows.chunks(PUSH_CHUNK) {
                let mut insert = Builder::new(
                    tx.kind(),
                    "INSERT INTO telemetry_outbox \
                     (peer_id, event_id, payload, bytes, created_at) ",
                );
                insert.values(chunk.iter().map(|(peer_id, item)| -> [Arg<'_>; 5] {
                    [
                        peer_id.as_str().into(),
                        item.event_id.into(),
                        item.payload.into(),
                        (item.payload.len() as i64).into(),
                        item.created_at.into(),
                    ]
                }));
                insert.push(" ON CONFLICT (peer_id, event_id) DO NOTHING RETURNING bytes");
                let written: Vec<(i64,)> =
                    insert.build().persistent(false).fetch_all(&mut tx).await?;
                inserted += written.len() as u64;
                inserted_bytes += written.iter().map(|(b,)| b).sum::<i64>();
            }
            let (items_now, bytes_now): (i64, i64) = Query::new(
                "UPDATE telemetry_outbox_stats SET accepted = accepted + $1, \
                 pending_bytes = pending_bytes + $2 \
                 WHERE id = 1 RETURNING accepted - dropped - delivered, pending_bytes",
            )
            .bind(inserted as i64)
            .bind(inserted_bytes)
            .fetch_one(&mut tx)
            .await?;
            let mut dropped = 0;
            if items_now > caps.max_items || bytes_now > caps.max_bytes {
                // Newest first: a row goes when more than `max_items` rows, or more than
                // `max_bytes` of payload, are newer than it or it.
                dropped = Query::new(
                    "DELETE FROM telemetry_outbox WHERE seq IN (SELECT seq FROM (SELECT seq, \
                     ROW_NUMBER() OVER (ORDER BY seq DESC) AS rn, \
                     SUM(bytes) OVER (ORDER BY seq DESC) AS running \
                     FROM telemetry_outbox) ranked WHERE rn > $1 OR running > $2)",
                )
                .bind(caps.max_items)
                .bind(caps.max_bytes)
                .execute(&mut tx)
                .await?;
                // The bytes counted again from the rows, which also corrects any drift.
                Query::new(
                    "UPDATE telemetry_outbox_stats SET dropped = dropped + $1, \
                     pending_bytes = (SELECT COALESCE(SUM(bytes), 0) FROM telemetry_outbox) \
                     WHERE id = 1",
                )
                .bind(dropped as i64)
                .execute(&mut tx)
                .await?;
            }
            tx.commit().await?;
            Ok(PushOutcome { inserted, dropped })
        })
        .await
    }

    async fn outbox_claim(&self, peer_id: &str) -> StoreResult<u64> {
        guarded(self, async {
            Ok(Query::new(
                "UPDATE telemetry_outbox SET peer_id = $1 WHERE peer_id = $2 \
                 AND NOT EXISTS (SELECT 1 FROM telemetry_outbox mine \
                 WHERE mine.peer_id = $1 AND mine.event_id = telemetry_outbox.event_id)",
            )
            .bind(peer_id)
            .bind(UNASSIGNED_PEER)
            .execute(self.db().writer)
            .await?)
        })
        .await
    }

    async fn outbox_batch(
        &self,
        peer_id: &str,
        after_seq: i64,
        max_events: i64,
        max_bytes: i64,
    ) -> StoreResult<Vec<OutboxRow>> {
        guarded(self, async {
            let rows: Vec<OutboxRow> = Query::new(
                "SELECT seq, event_id, payload, bytes FROM telemetry_outbox \
                 WHERE peer_id = $1 AND seq > $2 ORDER BY seq LIMIT $3",
            )
            .bind(peer_id)
            .bind(after_seq)
            .bind(max_events)
            .fetch_all(self.db().pool)
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
        })
        .await
    }

    async fn outbox_ack(&self, peer_id: &str, first_seq: i64, last_seq: i64) -> StoreResult<u64> {
        guarded(self, async {
            let mut tx = self.db().writer.begin().await?;
            let deleted: Vec<(i64,)> = Query::new(
                "DELETE FROM telemetry_outbox WHERE peer_id = $1 AND seq >= $2 AND seq <= $3 \
                 RETURNING bytes",
            )
            .bind(peer_id)
            .bind(first_seq)
            .bind(last_seq)
            .fetch_all(&mut tx)
            .await?;
            let bytes: i64 = deleted.iter().map(|(b,)| b).sum();
            Query::new(
                "UPDATE telemetry_outbox_stats SET delivered = delivered + $1, \
                 pending_bytes = pending_bytes - $2 WHERE id = 1",
            )
            .bind(deleted.len() as i64)
            .bind(bytes)
            .execute(&mut tx)
            .await?;
            tx.commit().await?;
            Ok(deleted.len() as u64)
        })
        .await
    }

    async fn outbox_status(&self) -> StoreResult<OutboxStatus> {
        guarded(self, async {
            // The running counts: one row read, whatever the outbox holds.
            let sql = "SELECT accepted - dropped - delivered AS pending, pending_bytes, \
                accepted, dropped, delivered FROM telemetry_outbox_stats WHERE id = 1";
            Ok(Query::new(sql).fetch_one(self.db().pool).await?)
        })
        .await
    }

    async fn outbox_pending_by_peer(&self) -> StoreResult<Vec<(String, i64)>> {
        guarded(self, async {
            let sql = "SELECT peer_id, COUNT(*) FROM telemetry_outbox \
                       GROUP BY peer_id ORDER BY peer_id";
            Ok(Query::new(sql).fetch_all(self.db().pool).await?)
        })
        .await
    }

    async fn store_events(&self, events: &[StoredEvent]) -> StoreResult<u64> {
        guarded(self, async {
            let mut tx = self.db().writer.begin().await?;
            let mut inserted = 0;
            for chunk in events.chunks(STORE_CHUNK) {
                let mut insert = Builder::new(
                    tx.kind(),
                    "INSERT INTO telemetry_events (event_id, peer_id, account_id, \
                     source_backend, name, level, ts, duration_ms, attributes, received_at) ",
                );
                insert.values(chunk.iter().map(|e| -> [Arg<'_>; 10] {
                    [
                        (&e.event_id).into(),
                        (&e.peer_id).into(),
                        (&e.account_id).into(),
                        (&e.source_backend).into(),
                        (&e.name).into(),
                        (&e.level).into(),
                        e.ts.into(),
                        e.duration_ms.into(),
                        (&e.attributes).into(),
                        e.received_at.into(),
                    ]
                }));
                insert.push(" ON CONFLICT (event_id) DO NOTHING");
                // Unprepared: the text changes with the number of rows.
                inserted += insert.build().persistent(false).execute(&mut tx).await?;
            }
            tx.commit().await?;
            Ok(inserted)
        })
        .await
    }

    async fn events(&self, peer_id: Option<&str>, limit: i64) -> StoreResult<Vec<StoredEvent>> {
        guarded(self, async {
            let sql = "SELECT event_id, peer_id, account_id, source_backend, name, level, \
                       ts, duration_ms, attributes, received_at FROM telemetry_events \
                       WHERE ($1 IS NULL OR peer_id = $1) ORDER BY ts, event_id LIMIT $2";
            Ok(Query::new(sql)
                .bind(peer_id)
                .bind(limit)
                .fetch_all(self.db().pool)
                .await?)
        })
        .await
    }

    async fn count_events_before(&self, account_id: &str, before: i64) -> StoreResult<i64> {
        guarded(self, async {
            let sql = "SELECT COUNT(*) FROM telemetry_events WHERE account_id = $1 AND ts < $2";
            let (count,): (i64,) = Query::new(sql)
                .bind(account_id)
                .bind(before)
                .fetch_one(self.db().pool)
                .await?;
            Ok(count)
        })
        .await
    }

    async fn delete_events_before(
        &self,
        account_id: &str,
        before: i64,
        limit: i64,
    ) -> StoreResult<u64> {
        let sql = "DELETE FROM telemetry_events WHERE event_id IN (SELECT event_id \
                   FROM telemetry_events WHERE account_id = $1 AND ts < $2 ORDER BY ts \
                   LIMIT $3)";
        guarded(self, async {
            Ok(Query::new(sql)
                .bind(account_id)
                .bind(before)
                .bind(limit)
                .execute(self.db().writer)
                .await?)
        })
        .await
    }

    async fn event_samples(
        &self,
        account_id: &str,
        since: i64,
        limit: i64,
    ) -> StoreResult<Vec<EventSample>> {
        guarded(self, async {
            let sql = "SELECT peer_id, name, level, ts, duration_ms FROM telemetry_events \
                       WHERE account_id = $1 AND ts >= $2 ORDER BY ts DESC LIMIT $3";
            Ok(Query::new(sql)
                .bind(account_id)
                .bind(since)
                .bind(limit)
                .fetch_all(self.db().pool)
                .await?)
        })
        .await
    }
}
