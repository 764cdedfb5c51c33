//! The alert rules: what each finds now about each peer and about the daemon, with the bar
//! it fires at and the lower bar it clears at (docs/operations.md, "Alerts").

use super::super::ObservabilityAccess;
use crate::config::{AlertsConfig, Mode};
use crate::network::{NetState, NetworkAccess};
use crate::peers::PeersAccess;
use crate::state::AppState;
use crate::store::{PEER_ACTIVE, PEER_REVOKED, Peer};
use crate::sync::SyncAccess;

/// Every rule, by the name alerts carry.
pub const RULES: &[&str] = &[
    SYNC_LAG,
    SYNC_CONSECUTIVE_FAILURES,
    SYNC_ERROR_RATE,
    OUTBOX_DEPTH,
    CLOCK_SKEW,
    SBT_EXPIRING,
    IDENTITY_GRACE_ENDING,
    PEER_REVOKED_RULE,
    PEER_OFFLINE,
];
pub const SYNC_LAG: &str = "sync_lag";
pub const SYNC_CONSECUTIVE_FAILURES: &str = "sync_consecutive_failures";
pub const SYNC_ERROR_RATE: &str = "sync_error_rate";
pub const OUTBOX_DEPTH: &str = "outbox_depth";
pub const CLOCK_SKEW: &str = "clock_skew";
pub const SBT_EXPIRING: &str = "sbt_expiring";
pub const IDENTITY_GRACE_ENDING: &str = "identity_grace_ending";
pub const PEER_REVOKED_RULE: &str = "peer_revoked";
pub const PEER_OFFLINE: &str = "peer_offline";

/// The subject of an alert that is about the daemon, not one peer.
pub const DAEMON: &str = "daemon";

/// The exchanges the error rate is computed over, and the fewest it needs.
const ERROR_RATE_WINDOW: usize = 20;
const ERROR_RATE_MIN: usize = 5;
/// A revoked pairing alerts for this long after its revocation, unless re-paired.
const REVOKED_ALERT_MS: i64 = 7 * 24 * 3600 * 1000;
/// What a rule found about one subject in one evaluation: whether it is past the bar to fire,
/// whether it is under the (lower) bar to clear, and the words for it.
pub(super) struct Finding {
    pub(super) rule: &'static str,
    pub(super) subject: String,
    pub(super) account_id: Option<String>,
    pub(super) severity: &'static str,
    pub(super) fire: bool,
    pub(super) clear: bool,
    pub(super) message: String,
}

/// A duration in words: `45 s`, `12 min`, `3 h 5 min`, `2 d 4 h`.
fn seconds(ms: i64) -> String {
    let s = ms.max(0) / 1000;
    match s {
        0..60 => format!("{s} s"),
        60..3600 => format!("{} min", s / 60),
        3600..86_400 => format!("{} h {} min", s / 3600, s % 3600 / 60),
        _ => format!("{} d {} h", s / 86_400, s % 86_400 / 3600),
    }
}

/// What every rule finds now.
pub(super) async fn findings(state: &AppState) -> Vec<Finding> {
    let config = &state.observability().alerts.config;
    let now = state.clock.now_ms();
    let mut findings = Vec::new();
    let peers = match state.store.peers(None).await {
        Ok(peers) => peers,
        Err(err) => {
            tracing::debug!(error = %err, "alerts: cannot list the peers");
            return findings;
        }
    };
    for peer in &peers {
        if peer.status == PEER_ACTIVE {
            peer_findings(state, config, peer, now, &mut findings).await;
        } else if peer.status == PEER_REVOKED {
            revoked_finding(peer, &peers, now, &mut findings);
        }
    }
    if state.config.mode == Mode::Local {
        daemon_findings(state, config, &mut findings).await;
    }
    identity_findings(state, config, now, &mut findings).await;
    findings
}

fn finding(rule: &'static str, peer: &Peer, fire: bool, clear: bool, message: String) -> Finding {
    Finding {
        rule,
        subject: peer.peer_id.clone(),
        account_id: Some(peer.account_id.clone()),
        severity: "warning",
        fire,
        clear,
        message,
    }
}

async fn peer_findings(
    state: &AppState,
    config: &AlertsConfig,
    peer: &Peer,
    now: i64,
    out: &mut Vec<Finding>,
) {
    let stats = &state.sync().stats;
    let counters = stats.counters(&peer.peer_id);
    let exchanges = stats.exchanges(&peer.peer_id);
    let last_error = exchanges
        .iter()
        .find(|e| e.status == "error")
        .map(|e| {
            format!(
                "{}: {}",
                e.error_code.as_deref().unwrap_or_default(),
                e.error_message.as_deref().unwrap_or_default()
            )
        })
        .unwrap_or_else(|| "no error recorded".into());
    let paused = crate::sync::paused_here(state);

    // Consecutive failures: fires at the threshold, clears on a success.
    let failures = counters.consecutive_failures;
    let mut f = finding(
        SYNC_CONSECUTIVE_FAILURES,
        peer,
        failures >= config.consecutive_failures,
        failures == 0,
        format!(
            "{failures} syncs with peer {} failed in a row; the last: {last_error}",
            peer.peer_id
        ),
    );
    f.severity = "critical";
    out.push(f);

    // Error rate over the recent exchanges.
    let recent: Vec<_> = exchanges.iter().take(ERROR_RATE_WINDOW).collect();
    let recent: Vec<_> = recent
        .into_iter()
        .filter(|e| e.status != "paused")
        .collect();
    let failed = recent.iter().filter(|e| e.status == "error").count();
    let rate = if recent.is_empty() {
        0
    } else {
        failed * 100 / recent.len()
    };
    let bar = config.error_rate_percent as usize;
    out.push(finding(
        SYNC_ERROR_RATE,
        peer,
        recent.len() >= ERROR_RATE_MIN && rate > bar,
        rate <= bar / 2,
        format!(
            "{failed} of the last {} syncs with peer {} failed ({rate} %, the bar is {bar} %); \
             the last error: {last_error}",
            recent.len(),
            peer.peer_id
        ),
    ));

    // Lag: since the last successful sync (or the pairing, before the first), on the local
    // daemon, which drives sync (on the hosted one a laptop that sleeps is no fault). Not
    // while sync is paused here: no sync is expected then.
    if state.config.mode != Mode::Local {
        return;
    }
    let cursor = state.store.sync_cursor(&peer.peer_id).await.ok().flatten();
    let since = cursor
        .as_ref()
        .and_then(|c| c.last_success_at)
        .unwrap_or(peer.created_at);
    let lag = (now - since).max(0);
    let bar = config.lag_secs as i64 * 1000;
    out.push(finding(
        SYNC_LAG,
        peer,
        !paused && lag > bar,
        paused || lag <= bar / 2,
        format!(
            "no successful sync with peer {} for {}; the last error: {last_error}",
            peer.peer_id,
            seconds(lag)
        ),
    ));

    offline_finding(state, config, peer, now, paused, out);

    // The SBT: a local daemon renews it two hours before it ends; one that is about to end
    // means renewal keeps failing.
    let left = peer.sbt_expires_at * 1000 - now;
    let bar = config.sbt_expiry_secs as i64 * 1000;
    out.push(finding(
        SBT_EXPIRING,
        peer,
        left < bar,
        left >= bar * 2,
        format!(
            "the session binding token of peer {} (kid {}) ends in {}; renewal has not \
             replaced it",
            peer.peer_id,
            peer.kid,
            seconds(left.max(0))
        ),
    ));
}

/// The hosted peer unreachable for `alerts.offline_secs`, as the network monitor sees it (its
/// state changes at the first call that gets no answer, and back at the probe's first answer),
/// so a stopped backend raises it without waiting for syncs to fail: the scheduler leaves an
/// offline peer to the probe.
fn offline_finding(
    state: &AppState,
    config: &AlertsConfig,
    peer: &Peer,
    now: i64,
    paused: bool,
    out: &mut Vec<Finding>,
) {
    // While sync is paused here nothing calls the peer: whatever the monitor last saw is
    // not news.
    let offline_for = state
        .network()
        .peer(&peer.peer_id)
        .filter(|n| n.state == NetState::Offline)
        .map(|n| (now - n.since_ms).max(0));
    let bar = config.offline_secs as i64 * 1000;
    let mut f = finding(
        PEER_OFFLINE,
        peer,
        !paused && offline_for.is_some_and(|t| t >= bar),
        paused || offline_for.is_none(),
        format!(
            "the hosted backend at {} (peer {}) cannot be reached: no answer for {}; writes \
             and telemetry wait here, and only a GET /health probe goes to it until it answers",
            peer.remote_url
                .as_deref()
                .unwrap_or("(no address recorded)"),
            peer.peer_id,
            seconds(offline_for.unwrap_or_default())
        ),
    );
    f.severity = "critical";
    out.push(f);
}

/// A pairing revoked recently, with no active pairing to the same backend since.
fn revoked_finding(peer: &Peer, peers: &[Peer], now: i64, out: &mut Vec<Finding>) {
    let recent = now - peer.updated_at < REVOKED_ALERT_MS;
    let repaired = peers.iter().any(|p| {
        p.status == PEER_ACTIVE && p.remote_id == peer.remote_id && p.created_at >= peer.created_at
    });
    let mut f = finding(
        PEER_REVOKED_RULE,
        peer,
        recent && !repaired,
        !recent || repaired,
        format!(
            "the pairing {} with backend {} was revoked; nothing syncs with it until it is \
             paired again",
            peer.peer_id, peer.remote_id
        ),
    );
    f.severity = "critical";
    out.push(f);
}

fn daemon_finding(rule: &'static str, fire: bool, clear: bool, message: String) -> Finding {
    Finding {
        rule,
        subject: DAEMON.to_string(),
        account_id: None,
        severity: "warning",
        fire,
        clear,
        message,
    }
}

async fn daemon_findings(state: &AppState, config: &AlertsConfig, out: &mut Vec<Finding>) {
    if let Ok(outbox) = state.store.telemetry().outbox_status().await {
        let bar = config.outbox_depth;
        out.push(daemon_finding(
            OUTBOX_DEPTH,
            outbox.pending > bar,
            outbox.pending <= bar * 4 / 5,
            format!(
                "{} telemetry events wait in the outbox (the bar is {bar}; {} dropped so far)",
                outbox.pending, outbox.dropped
            ),
        ));
    }
    let skew = state
        .peers()
        .skew_secs
        .load(std::sync::atomic::Ordering::Relaxed)
        .unsigned_abs();
    let bar = config.clock_skew_secs;
    let way = if state
        .peers()
        .skew_secs
        .load(std::sync::atomic::Ordering::Relaxed)
        > 0
    {
        "behind"
    } else {
        "ahead of"
    };
    out.push(daemon_finding(
        CLOCK_SKEW,
        skew > bar,
        skew <= bar / 2,
        format!(
            "this machine's clock is {skew} s {way} the hosted backend's (the bar is {bar} s); \
             requests are signed with the peer's time meanwhile"
        ),
    ));
}

async fn identity_findings(
    state: &AppState,
    config: &AlertsConfig,
    now: i64,
    out: &mut Vec<Finding>,
) {
    let Ok(keys) = state.store.previous_identity_keys().await else {
        return;
    };
    let bar = config.identity_grace_secs as i64 * 1000;
    // Only keys still in their grace: one past it is gone for good, nothing left to do.
    let ending = keys
        .iter()
        .filter(|k| k.valid_until > now)
        .min_by_key(|k| k.valid_until);
    let left = ending.map_or(i64::MAX, |k| k.valid_until - now);
    out.push(daemon_finding(
        IDENTITY_GRACE_ENDING,
        left < bar,
        left >= bar,
        match ending {
            Some(key) => format!(
                "the grace of the previous identity key {} ends in {}: peers that have not \
                 followed the key change by then must pair again",
                key.key_id,
                seconds(left)
            ),
            None => "no previous identity key is in its grace period".into(),
        },
    ));
}
