//! Recording an event: validate it, then make it durable before anything is sent.

use crate::config::Mode;
use crate::state::AppState;
use crate::store::telemetry::{OutboxCaps, OutboxItem, PushOutcome, StoredEvent};
use crate::store::{PEER_ACTIVE, StoreError};

use super::event::{EventError, TelemetryEvent};

#[derive(Debug, thiserror::Error)]
pub enum EmitError {
    #[error("invalid telemetry event: {0}")]
    Invalid(#[from] EventError),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Records `event` as this backend's (its `source_backend` is set here).
///
/// On a local backend the event goes to the outbox, once for each active hosted peer (or
/// unassigned, for the first peer that connects, when there is none yet), the outbox's caps
/// drop the oldest rows, and the client is woken to send it. On a hosted backend the event
/// is stored at once, with an empty `peer_id` and `account_id`.
pub async fn emit(state: &AppState, mut event: TelemetryEvent) -> Result<PushOutcome, EmitError> {
    event.source_backend = state.identity.backend_id.to_string();
    let payload = event.validate()?;
    let store = state.store.telemetry();
    match state.config.mode {
        Mode::Local => {
            let peers: Vec<String> = state
                .store
                .peers(None)
                .await?
                .into_iter()
                .filter(|p| p.status == PEER_ACTIVE && p.remote_url.is_some())
                .map(|p| p.peer_id)
                .collect();
            let limits = state.telemetry.limits();
            let caps = OutboxCaps {
                max_items: limits.outbox_max_items,
                max_bytes: limits.outbox_max_bytes,
            };
            let event_id = event.event_id.to_string();
            let item = OutboxItem {
                event_id: &event_id,
                payload: &payload,
                created_at: state.clock.now_ms(),
            };
            let outcome = store.outbox_push(&peers, &item, caps).await?;
            if outcome.dropped > 0 {
                tracing::warn!(
                    dropped = outcome.dropped,
                    "the telemetry outbox is full: dropped the oldest events"
                );
            }
            state.telemetry.client.wake();
            Ok(outcome)
        }
        Mode::Hosted => {
            let stored = stored_event(&event, "", "", payload_attributes(&event), state);
            let inserted = store.store_events(&[stored]).await?;
            Ok(PushOutcome {
                inserted,
                dropped: 0,
            })
        }
    }
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
