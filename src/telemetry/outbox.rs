//! Recording an event: validate it, then make it durable before anything is sent.

use std::sync::{Arc, Mutex};

use tokio::sync::oneshot;

use crate::config::Mode;
use crate::privacy::PrivacyAccess;
use crate::state::AppState;
use crate::store::telemetry::{OutboxCaps, OutboxItem, StoredEvent};
use crate::store::{PEER_ACTIVE, StoreError};

use super::event::{EventError, TelemetryEvent};
use crate::telemetry::TelemetryAccess;

#[derive(Debug, thiserror::Error)]
pub enum EmitError {
    #[error("invalid telemetry event: {0}")]
    Invalid(#[from] EventError),
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The outbox write this event was part of failed (shared by every event in it).
    #[error("cannot write the telemetry outbox: {0}")]
    Outbox(Arc<StoreError>),
    #[error("the telemetry outbox writer stopped before the event was written")]
    WriterGone,
}

/// Most events written to the outbox in one transaction.
const GROUP_MAX: usize = 256;

/// Group commit for the outbox (local backend). Every `emit` waits until its event is
/// durable, but concurrent emits share transactions: the events that arrive while one
/// transaction runs are written together by the next. SQLite has one writer, so one
/// transaction per event would cap the rate at a few hundred per second.
#[derive(Default)]
pub struct OutboxWriter {
    queue: Mutex<Queue>,
}

#[derive(Default)]
struct Queue {
    waiting: Vec<Waiting>,
    /// A flush task is running; it takes every waiting event before it ends.
    flushing: bool,
}

struct Waiting {
    event_id: String,
    payload: String,
    created_at: i64,
    done: oneshot::Sender<Result<(), Arc<StoreError>>>,
}

impl OutboxWriter {
    fn lock(&self) -> std::sync::MutexGuard<'_, Queue> {
        // A panic while holding this lock leaves the queue consistent (a push or a take).
        self.queue.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// Records `event` as this backend's (its `source_backend` is set here), unless a local
/// daemon's privacy settings turned telemetry off (then it is dropped, and `Ok`).
///
/// On a local backend the event goes to the outbox, once for each active hosted peer (or
/// unassigned, for the first peer that connects, when there is none yet), the outbox's caps
/// drop the oldest rows, and the client is woken to send it. It returns once the event is
/// committed. On a hosted backend the event is stored at once, with an empty `peer_id` and
/// `account_id`.
pub async fn emit(state: &AppState, mut event: TelemetryEvent) -> Result<(), EmitError> {
    event.source_backend = state.identity.backend_id.to_string();
    // A local daemon follows its privacy settings (docs/privacy.md); the hosted daemon's own
    // events belong to no account, and are always redacted.
    let settings = match state.config.mode {
        Mode::Local => Some(state.privacy().local()),
        Mode::Hosted => None,
    };
    if settings.as_ref().is_some_and(|s| !s.telemetry_enabled) {
        return Ok(());
    }
    // Before the outbox: personal data never reaches the disk or the wire.
    if settings.is_none_or(|s| s.redact_pii) {
        event.redact_pii();
    }
    let payload = event.validate()?;
    match state.config.mode {
        Mode::Local => {
            let (done, written) = oneshot::channel();
            let start = {
                let mut queue = state.telemetry().outbox.lock();
                queue.waiting.push(Waiting {
                    event_id: event.event_id.to_string(),
                    payload,
                    created_at: state.clock.now_ms(),
                    done,
                });
                !std::mem::replace(&mut queue.flushing, true)
            };
            if start {
                // A task of its own: a caller that stops waiting does not stop the write of
                // the events that joined its transaction.
                tokio::spawn(flush(state.clone()));
            }
            match written.await {
                Ok(Ok(())) => Ok(()),
                Ok(Err(err)) => Err(EmitError::Outbox(err)),
                Err(_) => Err(EmitError::WriterGone),
            }
        }
        Mode::Hosted => {
            let stored = stored_event(&event, "", "", payload_attributes(&event), state);
            state.store.telemetry().store_events(&[stored]).await?;
            Ok(())
        }
    }
}

/// Writes the waiting events, [`GROUP_MAX`] per transaction, until none is left.
async fn flush(state: AppState) {
    let writer = &state.telemetry().outbox;
    // Ends the flush however this task ends: a panic or a cancelled task fails the events
    // still waiting (their senders are dropped) rather than leaving them waiting forever.
    struct Finish<'a> {
        writer: &'a OutboxWriter,
        ended: bool,
    }
    impl Drop for Finish<'_> {
        fn drop(&mut self) {
            if !self.ended {
                let mut queue = self.writer.lock();
                queue.flushing = false;
                queue.waiting.clear();
            }
        }
    }
    let mut finish = Finish {
        writer,
        ended: false,
    };
    loop {
        let group: Vec<Waiting> = {
            let mut queue = writer.lock();
            if queue.waiting.is_empty() {
                // Under the lock: an event pushed after this starts a new flush.
                queue.flushing = false;
                finish.ended = true;
                return;
            }
            let take = queue.waiting.len().min(GROUP_MAX);
            queue.waiting.drain(..take).collect()
        };
        let result = write_group(&state, &group).await.map_err(Arc::new);
        if result.is_ok() {
            state.telemetry().client.wake();
        }
        for waiting in group {
            let _ = waiting.done.send(result.clone());
        }
    }
}

async fn write_group(state: &AppState, group: &[Waiting]) -> Result<(), StoreError> {
    let peers: Vec<String> = state
        .store
        .peers(None)
        .await?
        .into_iter()
        .filter(|p| p.status == PEER_ACTIVE && p.remote_url.is_some())
        .map(|p| p.peer_id)
        .collect();
    let limits = state.telemetry().limits();
    let caps = OutboxCaps {
        max_items: limits.outbox_max_items,
        max_bytes: limits.outbox_max_bytes,
    };
    let items: Vec<OutboxItem<'_>> = group
        .iter()
        .map(|w| OutboxItem {
            event_id: &w.event_id,
            payload: &w.payload,
            created_at: w.created_at,
        })
        .collect();
    let outcome = state
        .store
        .telemetry()
        .outbox_push(&peers, &items, caps)
        .await?;
    if outcome.dropped > 0 {
        tracing::warn!(
            dropped = outcome.dropped,
            "the telemetry outbox is full: dropped the oldest events"
        );
    }
    Ok(())
}

pub(super) fn payload_attributes(event: &TelemetryEvent) -> String {
    serde_json::to_string(&event.attributes).unwrap_or_else(|_| "{}".into())
}

/// The row of `event` as received from `peer_id` of `account_id`.
pub(super) fn stored_event(
    event: &TelemetryEvent,
    peer_id: &str,
    account_id: &str,
    attributes: String,
    state: &AppState,
) -> StoredEvent {
    StoredEvent {
        event_id: event.event_id.to_string(),
        peer_id: peer_id.to_string(),
        account_id: account_id.to_string(),
        source_backend: event.source_backend.clone(),
        name: event.name.clone(),
        level: event.level.as_str().to_string(),
        ts: event.ts.timestamp_millis(),
        duration_ms: event.duration_ms,
        attributes,
        received_at: state.clock.now_ms(),
    }
}
