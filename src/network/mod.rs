//! The network monitor of a local daemon: per hosted peer, whether it is `online`,
//! `degraded` (it answers, but slowly or with `429`/`5xx` some of the time) or `offline`
//! (unreachable: connection refused or reset, a timeout, a name that does not resolve)
//! (docs/sync.md, "Network states").
//!
//! The state is derived from the outcomes of the real calls to the peer (sync calls, the
//! telemetry socket's connects, renewals), which their callers report with [`record`]. While
//! a peer is offline nothing else calls it: the sync scheduler and the telemetry client wait
//! ([`NetworkState::wait_reachable`]), and the only traffic is a cheap probe, `GET /health`,
//! backing off from a quarter second to a few seconds ([`probe`]). The first answer brings
//! the peer back: its waiters are released at once. Each transition is logged once.
//!
//! The monitor also keeps the retry budget of each peer (`crate::resilience::retry`).
//! It builds on infrastructure only, so that the capabilities that call peers (sync,
//! telemetry, peers) can report to it.

pub mod probe;

use std::collections::{HashMap, VecDeque};
use std::sync::{Mutex, RwLock};
use std::time::Duration;

use serde::Serialize;
use tokio::sync::watch;

use crate::resilience::RetryBudgets;
use crate::state::AppState;

/// The network state of one peer.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum NetState {
    Online,
    Degraded,
    Offline,
}

impl NetState {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Online => "online",
            Self::Degraded => "degraded",
            Self::Offline => "offline",
        }
    }
}

/// A hosted peer's network state and what waits for it, as `GET /peers` (local) shows it.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct NetworkView {
    /// `online`, `degraded` (slow, or refusing with `429`/`5xx` some of the time) or
    /// `offline` (unreachable: only a `GET /health` probe goes to it until it answers).
    pub state: NetState,
    /// When it entered this state (RFC 3339); `null` before any call to it was seen.
    pub since: Option<String>,
    /// Versions written or received here that the peer has not acknowledged yet.
    pub pending_versions: i64,
    /// Their approximate size: the characters of their titles and contents.
    pub pending_bytes: i64,
    /// When the oldest of them was written (RFC 3339); `null` when none waits.
    pub oldest_pending_at: Option<String>,
    /// Telemetry events in the outbox for this peer.
    pub telemetry_outbox: i64,
}

/// How one call to a peer went, as its caller reports it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// An answer: `status` (any; a `401` is an answer too), after `took`.
    Answered { status: u16, took: Duration },
    /// No answer: refused, reset, timed out, not resolved.
    Unreachable,
}

impl Outcome {
    pub fn answered(status: u16, took: Duration) -> Self {
        Self::Answered { status, took }
    }
}

/// The timings of the monitor. Defaults suit production; tests shrink them with
/// [`NetworkState::set_limits`].
#[derive(Clone, Copy, Debug)]
pub struct NetworkLimits {
    /// An answer slower than this counts against the peer.
    pub slow_after: Duration,
    /// The answers looked at: any bad one among them (slow, `429`, `5xx`) is `degraded`.
    pub window: usize,
    /// The probe's first wait, and its longest.
    pub probe_first: Duration,
    pub probe_max: Duration,
    /// How long a probe waits for an answer.
    pub probe_timeout: Duration,
}

impl Default for NetworkLimits {
    fn default() -> Self {
        Self {
            slow_after: Duration::from_secs(5),
            window: 8,
            probe_first: Duration::from_millis(250),
            probe_max: Duration::from_secs(1),
            probe_timeout: Duration::from_secs(3),
        }
    }
}

/// One peer's network state, as `GET /peers` shows it.
#[derive(Clone, Debug)]
pub struct PeerNetwork {
    pub state: NetState,
    /// Unix ms of the last transition (or of the first outcome seen).
    pub since_ms: i64,
    /// The latest answers: true for a good one.
    recent: VecDeque<bool>,
}

/// The network monitor's runtime state, a part of the daemon's state (see `crate::state`).
pub struct NetworkState {
    limits: RwLock<NetworkLimits>,
    peers: Mutex<HashMap<String, PeerNetwork>>,
    /// Bumped on every transition: waiters for a peer's return, the scheduler, the probe.
    changes: watch::Sender<u64>,
    /// Peers that came back (from offline), for the sync scheduler.
    back: tokio::sync::broadcast::Sender<String>,
    /// Retries per peer (and per outside service), so that they stay a fraction of calls.
    pub budgets: RetryBudgets,
}

impl Default for NetworkState {
    fn default() -> Self {
        Self {
            limits: RwLock::default(),
            peers: Mutex::default(),
            changes: watch::Sender::new(0),
            back: tokio::sync::broadcast::Sender::new(64),
            budgets: RetryBudgets::default(),
        }
    }
}

pub trait NetworkAccess {
    fn network(&self) -> &NetworkState;
}

impl NetworkAccess for AppState {
    fn network(&self) -> &NetworkState {
        self.part()
    }
}

impl NetworkState {
    pub fn limits(&self) -> NetworkLimits {
        *self.limits.read().expect("network limits lock")
    }

    pub fn set_limits(&self, limits: NetworkLimits) {
        *self.limits.write().expect("network limits lock") = limits;
    }

    /// A peer's state; `None` before any call to it was seen (shown as online).
    pub fn peer(&self, peer_id: &str) -> Option<PeerNetwork> {
        self.peers
            .lock()
            .expect("network lock")
            .get(peer_id)
            .cloned()
    }

    /// A peer's state, `online` before any call to it was seen, and since when (unix ms;
    /// `None` before any call): what every view of the monitor shows.
    pub fn state_of(&self, peer_id: &str) -> (NetState, Option<i64>) {
        self.peer(peer_id)
            .map_or((NetState::Online, None), |p| (p.state, Some(p.since_ms)))
    }

    pub fn is_offline(&self, peer_id: &str) -> bool {
        self.peer(peer_id)
            .is_some_and(|p| p.state == NetState::Offline)
    }

    /// The peers that are offline now.
    pub fn offline(&self) -> Vec<String> {
        let peers = self.peers.lock().expect("network lock");
        let mut ids: Vec<String> = peers
            .iter()
            .filter(|(_, p)| p.state == NetState::Offline)
            .map(|(id, _)| id.clone())
            .collect();
        ids.sort();
        ids
    }

    /// Receives the id of each peer that comes back from offline.
    pub fn subscribe_back(&self) -> tokio::sync::broadcast::Receiver<String> {
        self.back.subscribe()
    }

    /// Bumped on every transition.
    pub fn subscribe_changes(&self) -> watch::Receiver<u64> {
        self.changes.subscribe()
    }

    /// Returns once `peer_id` is not offline (at once if it is not).
    pub async fn wait_reachable(&self, peer_id: &str) {
        let mut changes = self.changes.subscribe();
        while self.is_offline(peer_id) {
            if changes.changed().await.is_err() {
                return;
            }
        }
    }

    /// Forgets a peer (revoked, deleted).
    pub fn forget(&self, peer_id: &str) {
        if self
            .peers
            .lock()
            .expect("network lock")
            .remove(peer_id)
            .is_some()
        {
            self.changes.send_modify(|n| *n = n.wrapping_add(1));
        }
    }

    /// Takes one outcome into `peer_id`'s state at `now_ms`; returns the transition, if the
    /// state changed.
    pub fn observe(
        &self,
        peer_id: &str,
        outcome: Outcome,
        now_ms: i64,
    ) -> Option<(NetState, NetState)> {
        let limits = self.limits();
        let transition = {
            let mut peers = self.peers.lock().expect("network lock");
            let peer = peers
                .entry(peer_id.to_string())
                .or_insert_with(|| PeerNetwork {
                    state: NetState::Online,
                    since_ms: now_ms,
                    recent: VecDeque::new(),
                });
            let before = peer.state;
            let after = match outcome {
                Outcome::Unreachable => NetState::Offline,
                Outcome::Answered { status, took } => {
                    if before == NetState::Offline {
                        // Back: what happened before the outage says nothing any more.
                        peer.recent.clear();
                    }
                    let bad = status == 429 || status >= 500 || took > limits.slow_after;
                    peer.recent.push_back(!bad);
                    while peer.recent.len() > limits.window.max(1) {
                        peer.recent.pop_front();
                    }
                    if peer.recent.iter().all(|good| *good) {
                        NetState::Online
                    } else {
                        NetState::Degraded
                    }
                }
            };
            if before == after {
                return None;
            }
            peer.state = after;
            peer.since_ms = now_ms;
            (before, after)
        };
        self.changes.send_modify(|n| *n = n.wrapping_add(1));
        if transition.0 == NetState::Offline {
            let _ = self.back.send(peer_id.to_string());
        }
        Some(transition)
    }
}

/// Reports one call's outcome to the monitor, logging a transition once.
pub fn record(state: &AppState, peer_id: &str, outcome: Outcome) {
    let Some((from, to)) = state
        .network()
        .observe(peer_id, outcome, state.clock.now_ms())
    else {
        return;
    };
    match to {
        NetState::Offline => tracing::warn!(
            peer_id,
            from = from.as_str(),
            "the hosted peer is offline: syncing waits until it answers again"
        ),
        NetState::Degraded => tracing::warn!(
            peer_id,
            from = from.as_str(),
            "the hosted peer is degraded: some calls are slow or refused"
        ),
        NetState::Online => {
            tracing::info!(peer_id, from = from.as_str(), "the hosted peer is online")
        }
    }
}

/// Reports a call made with reqwest: its answer's status or its failure. A failure that is
/// not the network's (a body that cannot be built) is not reported.
pub fn record_reqwest(
    state: &AppState,
    peer_id: &str,
    answer: &Result<reqwest::Response, reqwest::Error>,
    took: Duration,
) {
    match answer {
        Ok(response) => record(
            state,
            peer_id,
            Outcome::answered(response.status().as_u16(), took),
        ),
        Err(err) if is_unreachable(err) => record(state, peer_id, Outcome::Unreachable),
        Err(_) => {}
    }
}

/// Whether a reqwest failure means the peer could not be reached at all.
pub fn is_unreachable(err: &reqwest::Error) -> bool {
    err.is_connect() || err.is_timeout() || err.is_request() || err.is_body()
}

/// Background tasks: the probe of offline peers, on a local daemon.
pub fn spawn_background(state: AppState) -> Vec<tokio::task::JoinHandle<()>> {
    match state.config.mode {
        crate::config::Mode::Local => vec![tokio::spawn(probe::run(state))],
        crate::config::Mode::Hosted => Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const OK: Outcome = Outcome::Answered {
        status: 200,
        took: Duration::from_millis(20),
    };

    #[test]
    fn an_unreachable_call_is_offline_at_once_and_an_answer_brings_it_back() {
        let network = NetworkState::default();
        let mut back = network.subscribe_back();
        assert_eq!(network.observe("p", OK, 1), None, "online from the start");
        assert_eq!(
            network.observe("p", Outcome::Unreachable, 5),
            Some((NetState::Online, NetState::Offline))
        );
        assert_eq!(network.observe("p", Outcome::Unreachable, 9), None);
        assert_eq!(network.peer("p").unwrap().since_ms, 5, "since the first");
        assert!(network.is_offline("p"));
        assert_eq!(
            network.observe("p", OK, 12),
            Some((NetState::Offline, NetState::Online))
        );
        assert_eq!(back.try_recv().unwrap(), "p");
        assert!(!network.is_offline("p"));
    }

    #[test]
    fn slow_or_refused_answers_some_of_the_time_are_degraded_until_the_window_is_clean() {
        let network = NetworkState::default();
        let window = network.limits().window;
        network.observe("p", OK, 0);
        let busy = Outcome::answered(503, Duration::from_millis(5));
        assert_eq!(
            network.observe("p", busy, 1),
            Some((NetState::Online, NetState::Degraded))
        );
        let slow = Outcome::answered(200, Duration::from_secs(30));
        for _ in 0..window - 1 {
            assert_eq!(network.observe("p", OK, 2), None);
        }
        assert_eq!(network.observe("p", slow, 3), None, "still degraded");
        for _ in 0..window - 1 {
            network.observe("p", OK, 4);
        }
        assert_eq!(
            network.observe("p", OK, 5),
            Some((NetState::Degraded, NetState::Online))
        );
        // A refusal that is an answer (401, 409) is the peer reachable, not degraded.
        assert_eq!(
            network.observe("p", Outcome::answered(401, Duration::ZERO), 6),
            None
        );
    }
}
