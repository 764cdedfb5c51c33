//! Telemetry: events written to a durable outbox on the local backend and streamed to the
//! hosted backend over a signed WebSocket (DESIGN §7).

use axum::Router;

use crate::state::AppState;

/// The telemetry routes of this daemon's mode.
pub fn router(_state: &AppState) -> Router<AppState> {
    Router::new()
}

/// Background tasks (the local daemon's telemetry client). The caller aborts them on stop.
pub fn spawn_background(_state: AppState) -> Vec<tokio::task::JoinHandle<()>> {
    Vec::new()
}
