//! Telemetry: events written to a durable outbox on the local backend and streamed to the
//! hosted backend over a signed WebSocket (docs/telemetry.md).
//!
//! - [`emit`] records an event: validated, then written to the outbox (local) or stored
//!   (hosted), before anything is sent.
//! - The [`client`] (local) keeps one socket per paired hosted peer, sends batches from the
//!   outbox and deletes them only when acknowledged.
//! - The [`Hub`] (hosted) accepts those sockets at `GET /telemetry/{peer_id}`, stores each
//!   event once, acknowledges, and sends `poke` frames down ([`Hub::poke`]).

pub mod client;
mod dashboard;
pub mod event;
pub mod frames;
mod hub;
mod outbox;
mod relay;
pub(crate) mod routes;
mod session;
mod sweep;
mod uplink;

use std::sync::RwLock;
use std::time::Duration;

use crate::config::Mode;
use crate::privacy::PrivacyAccess;
use crate::state::AppState;

pub use client::{ClientState, PeerLink, PokeNotice};

/// Telemetry's runtime state, a part of the daemon's state (see `crate::state`).
pub trait TelemetryAccess {
    fn telemetry(&self) -> &Telemetry;
}

impl TelemetryAccess for AppState {
    fn telemetry(&self) -> &Telemetry {
        self.part()
    }
}
pub use dashboard::{Summary, percentile};
pub use event::{EventError, Level, TelemetryEvent};
pub use hub::{Hub, HubStats};
pub use outbox::{EmitError, OutboxWriter, emit};
pub use sweep::check_sockets;

/// The limits and timings of telemetry. Defaults suit production; tests shrink them with
/// [`Telemetry::set_limits`].
#[derive(Clone, Copy, Debug)]
pub struct TelemetryLimits {
    /// Outbox cap in rows (an event once per hosted peer); past it the oldest are dropped.
    pub outbox_max_items: i64,
    /// Outbox cap in bytes of serialised events.
    pub outbox_max_bytes: i64,
    /// Largest text frame the hub accepts; a larger one closes the socket with 1009.
    pub max_frame_bytes: usize,
    /// Frames per second the hub reads from one socket; faster senders are slowed down.
    pub max_frames_per_second: u32,
    /// Most events, and bytes of events, the client puts in one batch.
    pub batch_max_events: i64,
    pub batch_max_bytes: i64,
    /// Batches the client sends before it waits for an acknowledgement.
    pub max_in_flight: usize,
    /// How often each side pings, and how long a silent socket lives.
    pub ping_interval: Duration,
    pub idle_timeout: Duration,
    /// How often the hub checks that a connected peer is still active and its SBT current.
    pub check_interval: Duration,
    /// Reconnection backoff: full jitter over `base * 2^failures`, capped.
    pub reconnect_base: Duration,
    pub reconnect_max: Duration,
}

impl Default for TelemetryLimits {
    fn default() -> Self {
        Self {
            outbox_max_items: 1_000,
            outbox_max_bytes: 100 * 1024 * 1024,
            max_frame_bytes: 1024 * 1024,
            max_frames_per_second: 20,
            batch_max_events: 200,
            batch_max_bytes: 512 * 1024,
            max_in_flight: 4,
            ping_interval: Duration::from_secs(15),
            idle_timeout: Duration::from_secs(45),
            check_interval: Duration::from_secs(5),
            reconnect_base: Duration::from_millis(200),
            reconnect_max: Duration::from_secs(30),
        }
    }
}

/// The telemetry part of the daemon's state: the hub (hosted) and the client's wake-ups,
/// poke subscribers and per-peer status (local).
pub struct Telemetry {
    /// This process's id among the hosted instances that relay pokes to each other.
    pub instance: String,
    /// The store's epoch, as the relay names it (read once).
    relay_epoch: std::sync::OnceLock<String>,
    limits: RwLock<TelemetryLimits>,
    pub hub: Hub,
    pub client: ClientState,
    /// The outbox's group commit (local).
    pub outbox: OutboxWriter,
}

impl Default for Telemetry {
    fn default() -> Self {
        Self {
            instance: uuid::Uuid::new_v4().to_string(),
            relay_epoch: std::sync::OnceLock::new(),
            limits: RwLock::default(),
            hub: Hub::default(),
            client: ClientState::default(),
            outbox: OutboxWriter::default(),
        }
    }
}

impl Telemetry {
    pub fn limits(&self) -> TelemetryLimits {
        *self.limits.read().expect("telemetry limits lock")
    }

    /// Changes the limits; sockets opened afterwards use them.
    pub fn set_limits(&self, limits: TelemetryLimits) {
        *self.limits.write().expect("telemetry limits lock") = limits;
    }

    /// The hook of the sync scheduler: a receiver that gets every `poke` frame a hosted peer
    /// sends to this (local) backend.
    pub fn subscribe_pokes(&self) -> tokio::sync::broadcast::Receiver<PokeNotice> {
        self.client.subscribe_pokes()
    }
}

/// Sends a `poke` frame to every connected peer of `account_id` but `except_peer` (the
/// peer whose change caused it), on this instance and, through Postgres, on every other
/// hosted instance of the database. Returns how many sockets of this instance it went to.
pub fn poke_account(
    state: &AppState,
    account_id: &str,
    except_peer: Option<&str>,
    reason: &str,
) -> usize {
    let poke = frames::Poke {
        reason: reason.to_string(),
        at: state.clock.now_ms(),
    };
    relay::poke(state, account_id, except_peer, reason);
    state.telemetry().hub.poke(account_id, except_peer, poke)
}

/// Background tasks: the telemetry client on a local daemon; on a hosted one, the relay of
/// pokes between instances and the sweep that closes the sockets of peers no longer active.
pub fn spawn_background(state: AppState) -> Vec<tokio::task::JoinHandle<()>> {
    match state.config.mode {
        Mode::Local => vec![
            tokio::spawn(follow_pause(state.clone())),
            tokio::spawn(client::supervise(state)),
        ],
        Mode::Hosted => vec![
            tokio::spawn(follow_pause(state.clone())),
            tokio::spawn(relay::listen(state.clone())),
            tokio::spawn(sweep::run(state)),
        ],
    }
}

/// Shutdown has started: every telemetry socket of this (hosted) daemon closes with 1001 now,
/// and new ones are refused, so that peers reconnect to another instance while this one
/// finishes its requests in flight (docs/modes.md, "Rolling deploys").
pub fn stopping(state: &AppState) {
    let closed = state.telemetry().hub.stop();
    if closed > 0 {
        tracing::info!(closed, "telemetry sockets closed with 1001 (going away)");
    }
}

/// Pause Sync (docs/privacy.md). A paused local daemon closes its sockets and opens none
/// until resumed (events keep going to the outbox); a hosted one tells the paused account's
/// peers, and pokes them on resume.
async fn follow_pause(state: AppState) {
    let mut changes = state.privacy().subscribe();
    if state.config.mode == Mode::Local {
        let paused = state.privacy().local().sync_paused;
        state.telemetry().client.set_enabled(!paused);
    }
    loop {
        let change = match changes.recv().await {
            Ok(change) => change,
            Err(tokio::sync::broadcast::error::RecvError::Lagged(_)) => continue,
            Err(tokio::sync::broadcast::error::RecvError::Closed) => return,
        };
        if change.before.sync_paused == change.after.sync_paused {
            continue;
        }
        let paused = change.after.sync_paused;
        match state.config.mode {
            Mode::Local => state.telemetry().client.set_enabled(!paused),
            Mode::Hosted => {
                state.telemetry().hub.set_paused(&change.account_id, paused);
                relay::paused(&state, &change.account_id, paused);
            }
        }
    }
}
