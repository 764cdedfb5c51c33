//! What sync did with each peer since this daemon started: counters, a short window of
//! durations, the last exchanges, and the scheduler's backoff. Kept in memory (a restart
//! starts them again); the caller (`caller.rs`), the responder (`engine.rs`) and the
//! scheduler record here, and the observability pages read it (docs/operations.md).

use std::collections::{BTreeMap, HashMap, VecDeque};
use std::sync::Mutex;

use serde::Serialize;

/// Exchanges kept per peer for `GET /debug/sync/{peer_id}`.
pub const EXCHANGES_KEPT: usize = 50;
/// Durations kept per peer for the percentiles of `GET /sync/metrics/{peer_id}`.
pub const DURATIONS_KEPT: usize = 200;

/// Which side started an exchange: this daemon (`outbound`, a local daemon's sync) or the
/// peer (`inbound`, a `POST /sync` answered here).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Direction {
    Outbound,
    Inbound,
}

/// One sync with a peer: on the calling side a whole sync (every round trip), on the
/// answering side one request.
#[derive(Clone, Debug, PartialEq, Serialize, utoipa::ToSchema)]
pub struct Exchange {
    /// Unix milliseconds when it ended, on this daemon's clock.
    pub at: i64,
    pub direction: Direction,
    /// Versions sent to the peer, and taken from it.
    pub pushed: u64,
    pub pulled: u64,
    /// `ok`, `error`, or `paused` (refused because sync is paused on either end: not a
    /// failure).
    pub status: &'static str,
    /// The error code and message (never a secret: the codes and messages the API answers).
    pub error_code: Option<String>,
    pub error_message: Option<String>,
    pub duration_ms: f64,
}

/// The counters of one peer.
#[derive(Clone, Debug, Default, PartialEq, Serialize, utoipa::ToSchema)]
pub struct PeerCounters {
    pub attempted: u64,
    pub succeeded: u64,
    pub failed: u64,
    /// Failures by error code.
    pub failed_by_code: BTreeMap<String, u64>,
    /// Refused because sync is paused (here, or for the account on the hosted side).
    pub paused: u64,
    pub versions_pushed: u64,
    pub versions_pulled: u64,
    /// Bytes of request and answer bodies, as sent and as received.
    pub bytes_pushed: u64,
    pub bytes_pulled: u64,
    /// Failures since the last success.
    pub consecutive_failures: u64,
}

/// The scheduler's wait before it tries a failing peer again.
#[derive(Clone, Debug, PartialEq, Serialize, utoipa::ToSchema)]
pub struct Backoff {
    /// Failed attempts in a row.
    pub failures: u32,
    /// Unix milliseconds of the next attempt, on this daemon's clock.
    pub next_attempt_at: i64,
    /// The code of the failure that set it.
    pub code: String,
}

#[derive(Default)]
struct PeerStats {
    counters: PeerCounters,
    exchanges: VecDeque<Exchange>,
    durations: VecDeque<f64>,
    backoff: Option<Backoff>,
    behind_peer: Option<i64>,
}

/// The codes of a sync refused because it is paused: here (`sync_paused`) or, seen from
/// the local daemon, by the hosted backend for the account (`remote_paused`).
const PAUSED_CODES: &[&str] = &["sync_paused", "remote_paused"];

/// Durations not yet taken by the metrics exporter (see [`SyncStats::take_durations`]);
/// past this many the oldest are dropped.
const UNEXPORTED_KEPT: usize = 10_000;

/// Every peer's statistics, behind one lock (held for a few field updates at a time).
#[derive(Default)]
pub struct SyncStats {
    peers: Mutex<HashMap<String, PeerStats>>,
    unexported: Mutex<VecDeque<(Direction, bool, f64)>>,
}

impl std::fmt::Debug for SyncStats {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SyncStats").finish_non_exhaustive()
    }
}

impl SyncStats {
    fn with<T>(&self, peer_id: &str, f: impl FnOnce(&mut PeerStats) -> T) -> T {
        let mut peers = self.peers.lock().unwrap_or_else(|e| e.into_inner());
        f(peers.entry(peer_id.to_string()).or_default())
    }

    /// Records a finished exchange: counters, the duration window, the ring of exchanges. A
    /// refusal because sync is paused is no failure: it is counted apart, and leaves a run
    /// of failures as it was.
    pub fn record(&self, peer_id: &str, mut exchange: Exchange) {
        if exchange
            .error_code
            .as_deref()
            .is_some_and(|code| PAUSED_CODES.contains(&code))
        {
            exchange.status = "paused";
        }
        self.with(peer_id, |stats| {
            let counters = &mut stats.counters;
            counters.attempted += 1;
            counters.versions_pushed += exchange.pushed;
            counters.versions_pulled += exchange.pulled;
            match &exchange.error_code {
                None => {
                    counters.succeeded += 1;
                    counters.consecutive_failures = 0;
                }
                Some(_) if exchange.status == "paused" => counters.paused += 1,
                Some(code) => {
                    counters.failed += 1;
                    counters.consecutive_failures += 1;
                    *counters.failed_by_code.entry(code.clone()).or_default() += 1;
                }
            }
            if stats.durations.len() == DURATIONS_KEPT {
                stats.durations.pop_front();
            }
            stats.durations.push_back(exchange.duration_ms);
            let mut unexported = self.unexported.lock().unwrap_or_else(|e| e.into_inner());
            if unexported.len() == UNEXPORTED_KEPT {
                unexported.pop_front();
            }
            unexported.push_back((
                exchange.direction,
                exchange.error_code.is_none(),
                exchange.duration_ms,
            ));
            if stats.exchanges.len() == EXCHANGES_KEPT {
                stats.exchanges.pop_front();
            }
            stats.exchanges.push_back(exchange);
        });
    }

    /// The durations (ms) recorded since the last call, with their direction and whether the
    /// exchange succeeded: the metrics exporter adds them to its histogram when scraped.
    pub fn take_durations(&self) -> Vec<(Direction, bool, f64)> {
        let mut unexported = self.unexported.lock().unwrap_or_else(|e| e.into_inner());
        unexported.drain(..).collect()
    }

    /// Counts bytes of one round trip's bodies.
    pub fn add_bytes(&self, peer_id: &str, pushed: usize, pulled: usize) {
        self.with(peer_id, |stats| {
            stats.counters.bytes_pushed += pushed as u64;
            stats.counters.bytes_pulled += pulled as u64;
        });
    }

    /// Sets (or clears, with `None`) the scheduler's backoff for a peer.
    pub fn set_backoff(&self, peer_id: &str, backoff: Option<Backoff>) {
        self.with(peer_id, |stats| stats.backoff = backoff);
    }

    /// How far this side's pull stood behind the peer's feed at its last answer.
    pub fn set_behind_peer(&self, peer_id: &str, versions: i64) {
        self.with(peer_id, |stats| stats.behind_peer = Some(versions.max(0)));
    }

    pub fn behind_peer(&self, peer_id: &str) -> Option<i64> {
        self.with(peer_id, |stats| stats.behind_peer)
    }

    pub fn counters(&self, peer_id: &str) -> PeerCounters {
        self.with(peer_id, |stats| stats.counters.clone())
    }

    /// The last exchanges, newest first.
    pub fn exchanges(&self, peer_id: &str) -> Vec<Exchange> {
        self.with(peer_id, |stats| {
            stats.exchanges.iter().rev().cloned().collect()
        })
    }

    pub fn backoff(&self, peer_id: &str) -> Option<Backoff> {
        self.with(peer_id, |stats| stats.backoff.clone())
    }

    /// The durations of the recent window, in milliseconds, oldest first.
    pub fn durations(&self, peer_id: &str) -> Vec<f64> {
        self.with(peer_id, |stats| stats.durations.iter().copied().collect())
    }

    /// The counters of every peer added up (what `GET /metrics` exports: no per-peer label).
    pub fn totals(&self) -> PeerCounters {
        let peers = self.peers.lock().unwrap_or_else(|e| e.into_inner());
        let mut total = PeerCounters::default();
        for stats in peers.values() {
            let c = &stats.counters;
            total.attempted += c.attempted;
            total.succeeded += c.succeeded;
            total.failed += c.failed;
            total.paused += c.paused;
            total.versions_pushed += c.versions_pushed;
            total.versions_pulled += c.versions_pulled;
            total.bytes_pushed += c.bytes_pushed;
            total.bytes_pulled += c.bytes_pulled;
            total.consecutive_failures = total.consecutive_failures.max(c.consecutive_failures);
            for (code, n) in &c.failed_by_code {
                *total.failed_by_code.entry(code.clone()).or_default() += n;
            }
        }
        total
    }

    /// The peers with statistics.
    pub fn peer_ids(&self) -> Vec<String> {
        let peers = self.peers.lock().unwrap_or_else(|e| e.into_inner());
        peers.keys().cloned().collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn exchange(code: Option<&str>, ms: f64) -> Exchange {
        Exchange {
            at: 1,
            direction: Direction::Outbound,
            pushed: 2,
            pulled: 3,
            status: if code.is_some() { "error" } else { "ok" },
            error_code: code.map(String::from),
            error_message: code.map(|c| format!("{c} happened")),
            duration_ms: ms,
        }
    }

    #[test]
    fn counters_ring_and_window_are_bounded_and_newest_first() {
        let stats = SyncStats::default();
        for i in 0..(EXCHANGES_KEPT + 10) {
            stats.record("p", exchange(None, i as f64));
        }
        stats.record("p", exchange(Some("peer_unreachable"), 1.0));
        stats.record("p", exchange(Some("peer_unreachable"), 1.0));
        let counters = stats.counters("p");
        assert_eq!(counters.attempted, EXCHANGES_KEPT as u64 + 12);
        assert_eq!(counters.failed_by_code["peer_unreachable"], 2);
        assert_eq!(counters.consecutive_failures, 2);
        assert_eq!(counters.versions_pulled, 3 * (EXCHANGES_KEPT as u64 + 12));
        let exchanges = stats.exchanges("p");
        assert_eq!(exchanges.len(), EXCHANGES_KEPT);
        assert_eq!(exchanges[0].error_code.as_deref(), Some("peer_unreachable"));
        // Paused is no failure, and no success either.
        stats.record("p", exchange(Some("remote_paused"), 1.0));
        let counters = stats.counters("p");
        assert_eq!((counters.paused, counters.consecutive_failures), (1, 2));
        assert_eq!(stats.exchanges("p")[0].status, "paused");
        stats.record("p", exchange(None, 1.0));
        assert_eq!(stats.counters("p").consecutive_failures, 0);
        assert_eq!(stats.totals().attempted, EXCHANGES_KEPT as u64 + 14);
    }
}
