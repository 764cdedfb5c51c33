//! The telemetry part of the store: the local outbox and the hosted event table. A trait of
//! its own ([`TelemetryStore`], reached through [`Store::telemetry`]), implemented once for
//! both databases like the rest of the store (in `sql/telemetry.rs`).
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
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, sqlx::FromRow, utoipa::ToSchema)]
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

    /// How many of the account's events have `ts < before`.
    async fn count_events_before(&self, account_id: &str, before: i64) -> StoreResult<i64>;

    /// Deletes at most `limit` of the account's events with `ts < before`, oldest first;
    /// returns how many.
    async fn delete_events_before(
        &self,
        account_id: &str,
        before: i64,
        limit: i64,
    ) -> StoreResult<u64>;
}
