//! What the client core tells its app as it happens: each finished sync, data that changed
//! here because another device wrote it, and changes of status (a peer's network state,
//! pause and resume, a pairing made, renewed or revoked). They come from the same
//! announcements the daemon's own tasks follow; nothing is polled.

use tokio::sync::broadcast;

use crate::network::NetworkAccess;
use crate::peers::PeersAccess;
use crate::privacy::PrivacyAccess;
use crate::state::AppState;
use crate::sync::{SyncAccess, SyncSummary};

/// One thing that happened.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ClientEvent {
    /// A sync with `summary.peer_id` finished (started by the scheduler or by `sync_now`).
    Synced { summary: SyncSummary },
    /// A sync with `peer_id` failed; the scheduler tries again with backoff.
    SyncFailed {
        peer_id: String,
        code: String,
        message: String,
    },
    /// Conversations or messages changed here because `peer_id` brought versions written
    /// elsewhere: lists on screen should be read again.
    DataChanged { peer_id: String },
    /// The status changed (`Client::status` reads it anew): a network state, pause or
    /// resume, a pairing made, renewed or revoked.
    StatusChanged,
}

/// How many events wait for a slow listener before the oldest are dropped (it is then told
/// the status changed, so it reads everything again).
const BACKLOG: usize = 256;

/// Forwards the daemon's announcements as [`ClientEvent`]s into `events`, until aborted.
pub(super) fn spawn_forwarder(
    state: AppState,
    events: broadcast::Sender<ClientEvent>,
) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let mut finished = state.sync().finished.subscribe();
        let mut privacy = state.privacy().subscribe();
        let mut network = state.network().subscribe_changes();
        let mut peers = state.peers().changes.subscribe();
        loop {
            let event = tokio::select! {
                done = finished.recv() => match done {
                    Ok(done) => {
                        forward_sync(&events, done);
                        continue;
                    }
                    Err(broadcast::error::RecvError::Lagged(_)) => ClientEvent::StatusChanged,
                    Err(broadcast::error::RecvError::Closed) => return,
                },
                change = privacy.recv() => match change {
                    Err(broadcast::error::RecvError::Closed) => return,
                    _ => ClientEvent::StatusChanged,
                },
                changed = network.changed() => match changed {
                    Ok(()) => ClientEvent::StatusChanged,
                    Err(_) => return,
                },
                changed = peers.changed() => match changed {
                    Ok(()) => ClientEvent::StatusChanged,
                    Err(_) => return,
                },
            };
            // Nobody listening is fine.
            let _ = events.send(event);
        }
    })
}

fn forward_sync(events: &broadcast::Sender<ClientEvent>, done: crate::sync::SyncFinished) {
    match done.outcome {
        Ok(summary) => {
            let changed = summary.pulled > 0;
            let _ = events.send(ClientEvent::Synced { summary });
            if changed {
                let _ = events.send(ClientEvent::DataChanged {
                    peer_id: done.peer_id,
                });
            }
        }
        Err(failed) => {
            let _ = events.send(ClientEvent::SyncFailed {
                peer_id: done.peer_id,
                code: failed.code.to_string(),
                message: failed.message,
            });
        }
    }
}

/// A receiver of the client's events.
pub struct Events(pub(super) broadcast::Receiver<ClientEvent>);

impl Events {
    /// The next event; `None` once the client is closed. A listener that fell behind gets
    /// `StatusChanged` in place of what it missed.
    pub async fn next(&mut self) -> Option<ClientEvent> {
        match self.0.recv().await {
            Ok(event) => Some(event),
            Err(broadcast::error::RecvError::Lagged(_)) => Some(ClientEvent::StatusChanged),
            Err(broadcast::error::RecvError::Closed) => None,
        }
    }

    /// [`Events::next`] for a thread outside the async runtime (it blocks).
    pub fn blocking_next(&mut self) -> Option<ClientEvent> {
        match self.0.blocking_recv() {
            Ok(event) => Some(event),
            Err(broadcast::error::RecvError::Lagged(_)) => Some(ClientEvent::StatusChanged),
            Err(broadcast::error::RecvError::Closed) => None,
        }
    }
}

pub(super) fn channel() -> broadcast::Sender<ClientEvent> {
    broadcast::Sender::new(BACKLOG)
}
