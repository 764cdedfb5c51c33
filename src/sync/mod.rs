//! Conversation sync (docs/sync.md): the conversation API on both modes, Last-Write-Wins on a
//! Hybrid Logical Clock, the per-account change feed, `POST /sync/{peer_id}`, and the
//! scheduler that keeps a local daemon's peers in step.

pub(crate) mod api;
mod call;
pub(crate) mod caller;
pub mod conversations;
pub(crate) mod e2e_rotate;
pub(crate) mod e2e_routes;
pub(crate) mod e2e_transfer_routes;
pub mod engine;
pub mod hlc;
pub mod records;
mod scheduler;
pub mod sealing;
mod set_aside;
pub mod stats;

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::sync::Notify;

use crate::state::AppState;

pub use caller::{SyncSummary, sync_peer_now};

/// The sync engine's runtime state, a part of the daemon's state (see `crate::state`).
pub trait SyncAccess {
    fn sync(&self) -> &SyncState;
}

impl SyncAccess for AppState {
    fn sync(&self) -> &SyncState {
        self.part()
    }
}
pub use scheduler::spawn_scheduler;

/// Pause Sync on a local daemon (its privacy settings, docs/privacy.md): no sync leaves or is
/// accepted; local writes accumulate and flow on resume. (A hosted daemon pauses per account:
/// see [`engine`].)
pub fn paused_here(state: &AppState) -> bool {
    use crate::privacy::PrivacyAccess;
    state.config.mode == crate::config::Mode::Local && state.privacy().local().sync_paused
}

/// What the sync engine keeps in memory: the clock, the wake-up for the scheduler, and one
/// lock per peer so that at most one sync with a peer is in flight.
#[derive(Debug)]
pub struct SyncState {
    pub hlc: hlc::Hlc,
    /// Woken after a local write: the scheduler syncs at once.
    pub wake: Notify,
    /// How often the scheduler syncs without a wake-up.
    pub interval: Duration,
    locks: Mutex<HashMap<String, Arc<tokio::sync::Mutex<()>>>>,
    /// Whether the scheduler runs (`sync.automatic`).
    pub automatic: bool,
    /// What sync did with each peer since the daemon started (counters, last exchanges,
    /// backoff).
    pub stats: stats::SyncStats,
    /// Every finished sync, announced (an embedder of the client core tells its app; nobody
    /// listening is fine).
    pub finished: tokio::sync::broadcast::Sender<SyncFinished>,
}

/// One finished sync with a peer: what it did, or why it failed.
#[derive(Clone, Debug)]
pub struct SyncFinished {
    pub peer_id: String,
    pub outcome: Result<SyncSummary, SyncFailed>,
}

/// Why a sync failed: the error's code and message, as the sync route answers them.
#[derive(Clone, Debug)]
pub struct SyncFailed {
    pub code: &'static str,
    pub message: String,
}

impl SyncState {
    pub fn new(hlc: hlc::Hlc, interval: Duration) -> Self {
        Self {
            hlc,
            wake: Notify::new(),
            interval,
            locks: Mutex::new(HashMap::new()),
            automatic: true,
            stats: stats::SyncStats::default(),
            finished: tokio::sync::broadcast::Sender::new(64),
        }
    }

    /// The lock that serialises syncs with `peer_id`.
    pub(crate) fn peer_lock(&self, peer_id: &str) -> Arc<tokio::sync::Mutex<()>> {
        let mut locks = self.locks.lock().unwrap_or_else(|e| e.into_inner());
        locks.entry(peer_id.to_string()).or_default().clone()
    }

    /// Waits until no sync with `peer_id` is in flight (one may start right after).
    pub async fn wait_idle(&self, peer_id: &str) {
        let lock = self.peer_lock(peer_id);
        let _idle = lock.lock().await;
    }
}
