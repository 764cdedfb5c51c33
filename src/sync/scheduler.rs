//! The `SyncScheduler` of a local daemon: syncs every active hosted peer every interval, at
//! once after a local write (the changes made meanwhile go in the next sync), and backs off
//! from a peer that fails.

use std::collections::{HashMap, HashSet};
use std::time::Duration;

use tokio::task::JoinSet;
use tokio::time::Instant;

use super::caller::{SyncSummary, sync_peer_now};
use crate::error::ApiError;
use crate::network::NetworkAccess;
use crate::peers::PeersAccess;
use crate::privacy::PrivacyAccess;
use crate::privacy::settings::REMOTE_PAUSED;
use crate::resilience::{Backoff, Decision, Failure, RetryStrategy};
use crate::state::AppState;
use crate::store::PEER_ACTIVE;
use crate::sync::{SyncAccess, paused_here};
use crate::telemetry::TelemetryAccess;

const BACKOFF_FIRST: Duration = Duration::from_secs(1);
const BACKOFF_MAX: Duration = Duration::from_secs(60);

/// Runs until aborted. Each peer syncs on its own (one sync in flight per peer, the peers at
/// the same time), so a slow or dead peer never holds up a live one.
pub fn spawn_scheduler(state: AppState) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let mut failures: HashMap<String, Failing> = HashMap::new();
        let mut in_flight: JoinSet<(String, Result<SyncSummary, ApiError>)> = JoinSet::new();
        let mut running: HashSet<String> = HashSet::new();
        // Peers woken while their sync was in flight: they sync again as soon as it ends,
        // for what was written meanwhile.
        let mut again: HashSet<String> = HashSet::new();
        // A poke from a hosted peer (another peer of the account changed something) wakes
        // the scheduler like a local write does.
        let mut pokes = state.telemetry().subscribe_pokes();
        // Pause Sync and its resume (docs/privacy.md): a resume syncs at once.
        let mut privacy = state.privacy().subscribe();
        // A peer back from offline (the network monitor's probe or a telemetry socket saw it
        // answer) syncs at once, whatever its backoff said.
        let mut back = state.network().subscribe_back();
        // A peer's credentials changed (a renewal, after a key rotation say): a refusal that
        // would have come again (401, 409) may not any more, so every peer is tried at once.
        let mut credentials = state.peers().changes.subscribe();
        loop {
            let woken = tokio::select! {
                changed = credentials.changed() => {
                    if changed.is_err() {
                        credentials = state.peers().changes.subscribe();
                    }
                    failures.clear();
                    true
                }
                peer = back.recv() => {
                    match peer {
                        Ok(peer_id) => {
                            failures.remove(&peer_id);
                        }
                        Err(tokio::sync::broadcast::error::RecvError::Closed) => {
                            back = state.network().subscribe_back();
                        }
                        Err(_) => failures.clear(),
                    }
                    true
                }
                change = privacy.recv() => {
                    if let Err(tokio::sync::broadcast::error::RecvError::Closed) = change {
                        privacy = state.privacy().subscribe();
                    }
                    true
                }
                () = state.sync().wake.notified() => true,
                poke = pokes.recv() => {
                    match poke {
                        // The peer answered (a poke, or its telemetry socket opened): it is
                        // reachable, so its backoff is over.
                        Ok(notice) => {
                            failures.remove(&notice.peer_id);
                            publish_backoff(&state, &failures, &notice.peer_id);
                        }
                        Err(tokio::sync::broadcast::error::RecvError::Closed) => {
                            pokes = state.telemetry().subscribe_pokes();
                        }
                        Err(_) => {}
                    }
                    true
                }
                Some(done) = in_flight.join_next(), if !in_flight.is_empty() => {
                    match done {
                        Ok((peer_id, outcome)) => {
                            running.remove(&peer_id);
                            let retry = RetryContext {
                                regular: state.sync().interval,
                                budgets: &state.network().budgets,
                                now_ms: state.clock.now_ms(),
                            };
                            note_outcome(&retry, &mut failures, &peer_id, outcome);
                            publish_backoff(&state, &failures, &peer_id);
                            if again.remove(&peer_id) && !paused_here(&state) {
                                start(&state, &mut in_flight, &mut running, peer_id);
                            }
                        }
                        Err(err) => tracing::error!(error = %err, "a sync task failed"),
                    }
                    continue;
                }
                () = tokio::time::sleep(state.sync().interval) => false,
            };
            // No wait after a wake-up: the first change of a burst goes at once (leading
            // edge), and the changes made while that sync is in flight go together in the
            // next one, started as soon as it ends (`again`, the trailing edge).
            if paused_here(&state) {
                continue;
            }
            let peers = match state.store.peers(None).await {
                Ok(peers) => peers,
                Err(err) => {
                    tracing::warn!(error = %err, "cannot list peers to sync");
                    continue;
                }
            };
            for peer in peers {
                if peer.status != PEER_ACTIVE || peer.remote_url.is_none() {
                    continue;
                }
                if failures
                    .get(&peer.peer_id)
                    .is_some_and(|f| Instant::now() < f.retry_at)
                {
                    continue;
                }
                // Offline: nothing but the network monitor's probe calls it until it answers
                // (docs/sync.md, "Network states").
                if state.network().is_offline(&peer.peer_id) {
                    continue;
                }
                // Paused for its account on the hosted side, which said so over the telemetry
                // socket: no traffic until it says it resumed (a poke then).
                if state.telemetry().client.paused_remotely(&peer.peer_id) {
                    continue;
                }
                if running.contains(&peer.peer_id) {
                    if woken {
                        again.insert(peer.peer_id);
                    }
                    continue;
                }
                start(&state, &mut in_flight, &mut running, peer.peer_id);
            }
        }
    })
}

/// Starts a sync of `peer_id` in its own task.
fn start(
    state: &AppState,
    in_flight: &mut JoinSet<(String, Result<SyncSummary, ApiError>)>,
    running: &mut HashSet<String>,
    peer_id: String,
) {
    running.insert(peer_id.clone());
    state
        .network()
        .budgets
        .on_call(&peer_id, state.clock.now_ms());
    let state = state.clone();
    in_flight.spawn(async move {
        let outcome = sync_peer_now(&state, &peer_id).await;
        (peer_id, outcome)
    });
}

/// Shows a peer's backoff in its statistics (`GET /debug/sync/{peer_id}`), the next
/// attempt on the daemon's clock.
fn publish_backoff(state: &AppState, failures: &HashMap<String, Failing>, peer_id: &str) {
    let backoff = failures.get(peer_id).map(|f| {
        let wait = f.retry_at.saturating_duration_since(Instant::now());
        crate::sync::stats::Backoff {
            failures: f.count,
            next_attempt_at: state.clock.now_ms() + wait.as_millis() as i64,
            code: f.code.to_string(),
        }
    });
    state.sync().stats.set_backoff(peer_id, backoff);
}

/// A peer's run of failed syncs: how many, when to try again, and the last failure's code.
struct Failing {
    count: u32,
    retry_at: Instant,
    code: &'static str,
}

/// Keeps the backoff of each failing peer and logs one line per change of state (failing,
/// failing differently, recovered), not one per attempt: a hosted backend that is down for
/// an hour is one warning, not a thousand.
fn note_outcome(
    retry: &RetryContext,
    failures: &mut HashMap<String, Failing>,
    peer_id: &str,
    outcome: Result<SyncSummary, ApiError>,
) {
    match outcome {
        Ok(summary) => {
            if let Some(failing) = failures.remove(peer_id) {
                tracing::info!(peer_id, failed_attempts = failing.count, "sync works again");
            }
            if summary.pushed + summary.pulled > 0 {
                tracing::info!(
                    peer_id,
                    pushed = summary.pushed,
                    pulled = summary.pulled,
                    "synced"
                );
            }
        }
        Err(err) if err.code == REMOTE_PAUSED => {
            // Paused on the hosted side: not a failure, so no backoff; the next try is at
            // the interval, or at once on the resume notice.
            if failures.remove(peer_id).is_some() {
                tracing::info!(peer_id, "sync is paused by the hosted backend");
            }
        }
        Err(err) => {
            let (count, previous) = failures
                .get(peer_id)
                .map_or((0, None), |f| (f.count, Some(f.code)));
            // The retry strategy (`crate::resilience::retry`): a peer that answered 429 or
            // 503 with `Retry-After` (rate limited, its database down) is taken at its word,
            // never sooner and no later either, so that a peer whose database came back after
            // a few refusals is synced again at once instead of after a backoff grown by
            // them. Silence or a refusal without it backs off, while the peer's retry budget
            // lasts; a refusal that would only come again (401, 403, 409, ...) is not retried
            // before the next regular sync, nor is a peer whose budget is spent.
            let delay = match STRATEGY.decide(count + 1, &failure_of(&err)) {
                Decision::RetryAfter(wait) if err.retry_after.is_some() => wait,
                Decision::RetryAfter(wait) if retry.budgets.try_retry(peer_id, retry.now_ms) => {
                    wait.min(retry.regular)
                }
                _ => retry.regular,
            };
            let retry_in_ms = delay.as_millis() as u64;
            if previous != Some(err.code) {
                tracing::warn!(
                    peer_id,
                    code = err.code,
                    retry_in_ms,
                    "sync failed: {}",
                    err.describe()
                );
            } else {
                tracing::debug!(
                    peer_id,
                    code = err.code,
                    retry_in_ms,
                    "sync failed again: {}",
                    err.describe()
                );
            }
            let failing = Failing {
                count: count + 1,
                retry_at: Instant::now() + delay,
                code: err.code,
            };
            failures.insert(peer_id.to_string(), failing);
        }
    }
}

/// The scheduler's retry strategy (see `crate::resilience::retry`).
const STRATEGY: RetryStrategy = RetryStrategy::background(Backoff::new(BACKOFF_FIRST, BACKOFF_MAX));

/// What deciding on a retry needs: the regular interval (the wait when no retry is due),
/// the retry budgets, the time they count in.
struct RetryContext<'a> {
    regular: Duration,
    budgets: &'a crate::resilience::RetryBudgets,
    now_ms: i64,
}

/// A failed sync in the retry strategy's terms.
fn failure_of(err: &ApiError) -> Failure {
    let retry_after = err.retry_after.map(Duration::from_secs);
    match (err.code, err.upstream_status) {
        ("peer_unreachable", _) => Failure::Transport,
        (_, Some(status)) => Failure::status(status, retry_after),
        // Anything else (an answer that is not a sync response, a local failure) backs off
        // like a server error.
        _ => Failure::status(500, retry_after),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Log lines at WARN or above, captured while `f` runs.
    fn warnings_during(f: impl FnOnce()) -> Vec<String> {
        #[derive(Clone, Default)]
        struct Lines(std::sync::Arc<std::sync::Mutex<Vec<u8>>>);
        impl std::io::Write for Lines {
            fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
                self.0.lock().unwrap().extend_from_slice(buf);
                Ok(buf.len())
            }
            fn flush(&mut self) -> std::io::Result<()> {
                Ok(())
            }
        }
        let lines = Lines::default();
        let writer = lines.clone();
        let subscriber = tracing_subscriber::fmt()
            .with_max_level(tracing::Level::WARN)
            .with_ansi(false)
            .with_writer(move || writer.clone())
            .finish();
        tracing::subscriber::with_default(subscriber, f);
        let text = String::from_utf8(lines.0.lock().unwrap().clone()).unwrap();
        text.lines().map(str::to_string).collect()
    }

    fn failure(code: &'static str) -> Result<super::super::caller::SyncSummary, ApiError> {
        Err(ApiError::new(
            axum::http::StatusCode::BAD_GATEWAY,
            code,
            "The hosted backend at http://127.0.0.1:9 cannot be reached (connection refused).",
        ))
    }

    fn context(budgets: &crate::resilience::RetryBudgets) -> RetryContext<'_> {
        RetryContext {
            regular: Duration::from_secs(3600),
            budgets,
            now_ms: 0,
        }
    }

    #[test]
    fn a_peer_that_keeps_failing_is_one_warning_per_change_not_per_attempt() {
        let mut failures = HashMap::new();
        let budgets = crate::resilience::RetryBudgets::default();
        let warnings = warnings_during(|| {
            for _ in 0..50 {
                note_outcome(
                    &context(&budgets),
                    &mut failures,
                    "p1",
                    failure("peer_unreachable"),
                );
            }
        });
        assert_eq!(warnings.len(), 1, "{warnings:?}");
        assert!(warnings[0].contains("connection refused"), "{warnings:?}");
        assert_eq!(failures["p1"].count, 50);

        let warnings = warnings_during(|| {
            note_outcome(
                &context(&budgets),
                &mut failures,
                "p1",
                failure("peer_refused"),
            );
            note_outcome(
                &context(&budgets),
                &mut failures,
                "p1",
                failure("peer_refused"),
            );
        });
        assert_eq!(warnings.len(), 1, "a new kind of failure: {warnings:?}");
        let warnings = warnings_during(|| {
            note_outcome(
                &context(&budgets),
                &mut failures,
                "p1",
                Ok(Default::default()),
            );
        });
        assert!(warnings.is_empty(), "{warnings:?}");
        assert!(!failures.contains_key("p1"), "recovered");
    }

    #[test]
    fn a_peer_that_asks_to_wait_is_not_tried_sooner() {
        let mut failures = HashMap::new();
        let budgets = crate::resilience::RetryBudgets::default();
        let mut refused = ApiError::new(
            axum::http::StatusCode::BAD_GATEWAY,
            "peer_refused",
            "The hosted backend refused the sync (HTTP 429, rate_limited).",
        );
        refused.retry_after = Some(90);
        refused.upstream_status = Some(429);
        note_outcome(&context(&budgets), &mut failures, "p1", Err(refused));
        let wait = failures["p1"].retry_at - Instant::now();
        assert!(wait > Duration::from_secs(89), "{wait:?}");
    }

    #[test]
    fn a_short_retry_after_is_not_stretched_by_earlier_failures() {
        let mut failures = HashMap::new();
        let budgets = crate::resilience::RetryBudgets::default();
        for _ in 0..10 {
            note_outcome(
                &context(&budgets),
                &mut failures,
                "p1",
                failure("peer_unreachable"),
            );
        }
        let mut down = ApiError::new(
            axum::http::StatusCode::BAD_GATEWAY,
            "peer_refused",
            "The hosted backend refused the sync (HTTP 503, database_unavailable).",
        );
        down.retry_after = Some(1);
        down.upstream_status = Some(503);
        note_outcome(&context(&budgets), &mut failures, "p1", Err(down));
        let wait = failures["p1"].retry_at - Instant::now();
        assert!(wait <= Duration::from_secs(1), "{wait:?}");
        assert_eq!(failures["p1"].count, 11, "still counted as failing");
    }

    #[test]
    fn a_refusal_that_would_come_again_waits_for_the_regular_sync_and_so_does_a_spent_budget() {
        let mut failures = HashMap::new();
        let budgets = crate::resilience::RetryBudgets::new(2.0, 0.0, 0.0);
        let mut forbidden = ApiError::new(
            axum::http::StatusCode::BAD_GATEWAY,
            "peer_refused",
            "The hosted backend refused the sync (HTTP 403, forbidden).",
        );
        forbidden.upstream_status = Some(403);
        note_outcome(&context(&budgets), &mut failures, "p1", Err(forbidden));
        let wait = failures["p1"].retry_at - Instant::now();
        assert!(wait > Duration::from_secs(3500), "{wait:?}");
        assert_eq!(budgets.available("p1", 0), 2, "no retry was spent");

        let mut failures = HashMap::new();
        let waits: Vec<Duration> = (0..4)
            .map(|_| {
                note_outcome(
                    &context(&budgets),
                    &mut failures,
                    "p2",
                    failure("peer_unreachable"),
                );
                failures["p2"].retry_at - Instant::now()
            })
            .collect();
        assert!(waits[0] <= Duration::from_secs(60), "{waits:?}");
        assert!(waits[1] <= Duration::from_secs(60), "{waits:?}");
        assert!(
            waits[2] > Duration::from_secs(3500),
            "budget spent: {waits:?}"
        );
    }
}
