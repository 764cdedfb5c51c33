//! The hosted hub's check of its open sockets: every `check_interval`, and at once after a
//! peer's status or credentials change on this instance, one statement finds which of the
//! peers with a socket here are no longer active, and their sockets close with 1008
//! `revoked`. A revocation made on another instance is seen here at the next interval.
//!
//! One statement for all sockets, not one per socket: at 10 000 idle sockets a check each
//! every 5 s was 2000 queries a second (BENCHMARKS.md, "10 000 peers on one hosted instance").

use super::frames::close;
use crate::peers::PeersAccess;
use crate::state::AppState;
use crate::telemetry::TelemetryAccess;

/// Runs until aborted (a hosted daemon's background task).
pub(super) async fn run(state: AppState) {
    let mut changes = state.peers().changes.subscribe();
    let mut changes_open = true;
    loop {
        let interval = state.telemetry().limits().check_interval;
        tokio::select! {
            changed = changes.changed(), if changes_open => changes_open = changed.is_ok(),
            () = tokio::time::sleep(interval) => {}
        }
        close_inactive(&state).await;
    }
}

/// Checks every telemetry socket of this (hosted) instance now: those of peers no longer
/// active close with 1008 `revoked`, those whose SBT has expired with 1008 `sbt_expired`
/// (which each socket otherwise finds on its own tick: the periodic sweep does not wake
/// every socket at once for it). Returns how many closed as revoked.
pub async fn check_sockets(state: &AppState) -> usize {
    state.telemetry().hub.recheck();
    close_inactive(state).await
}

/// Closes the sockets of this instance's peers that are no longer active; how many.
async fn close_inactive(state: &AppState) -> usize {
    let hub = &state.telemetry().hub;
    let connected = hub.connected();
    if connected.is_empty() {
        return 0;
    }
    let active = match state.store.active_among(&connected).await {
        Ok(active) => active,
        Err(err) => {
            // A database hiccup does not end sockets: the next sweep decides. (One that is
            // down says so once itself.)
            if err.is_connection_lost() {
                tracing::debug!(error = %err, "cannot check the telemetry peers");
            } else {
                tracing::warn!(error = %err, "cannot check the telemetry peers");
            }
            return 0;
        }
    };
    connected
        .iter()
        .filter(|peer_id| !active.contains(*peer_id))
        .filter(|peer_id| hub.disconnect(peer_id, close::POLICY, "revoked"))
        .count()
}
