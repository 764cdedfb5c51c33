//! The `AlertingSystem`: rules evaluated every `alerts.evaluate_interval_secs` over what
//! the daemon knows (sync's statistics and cursors, the outbox, the peers, the identity
//! keys), alerts that fire and resolve with hysteresis (each rule clears at a lower bar than
//! it fires at, so a value hovering at the threshold does not flap), one log line and one
//! audit entry per transition, and an optional webhook. docs/operations.md has the runbook
//! of each rule.
//!
//! On Postgres several hosted instances may share the database: only the one that holds the
//! advisory lock (`Store::try_lead`) evaluates.

use std::collections::{BTreeMap, HashMap};
use std::sync::Mutex;

use serde::Serialize;

use super::ObservabilityAccess;
use crate::config::{AlertsConfig, Config, Mode};
use crate::peers::PeersAccess;
use crate::resilience::Backoff;
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
];
pub const SYNC_LAG: &str = "sync_lag";
pub const SYNC_CONSECUTIVE_FAILURES: &str = "sync_consecutive_failures";
pub const SYNC_ERROR_RATE: &str = "sync_error_rate";
pub const OUTBOX_DEPTH: &str = "outbox_depth";
pub const CLOCK_SKEW: &str = "clock_skew";
pub const SBT_EXPIRING: &str = "sbt_expiring";
pub const IDENTITY_GRACE_ENDING: &str = "identity_grace_ending";
pub const PEER_REVOKED_RULE: &str = "peer_revoked";

/// The subject of an alert that is about the daemon, not one peer.
pub const DAEMON: &str = "daemon";

/// The exchanges the error rate is computed over, and the fewest it needs.
const ERROR_RATE_WINDOW: usize = 20;
const ERROR_RATE_MIN: usize = 5;
/// A revoked pairing alerts for this long after its revocation, unless re-paired.
const REVOKED_ALERT_MS: i64 = 7 * 24 * 3600 * 1000;
/// Webhook attempts per transition, and the waits between them.
const WEBHOOK_ATTEMPTS: u32 = 4;
const WEBHOOK_BACKOFF: Backoff = Backoff::new(
    std::time::Duration::from_millis(500),
    std::time::Duration::from_secs(10),
);

/// One alert, as `GET /alerts` lists it.
#[derive(Clone, Debug, PartialEq, Serialize, utoipa::ToSchema)]
pub struct Alert {
    /// The rule (`sync_lag`, `sync_consecutive_failures`, ...; docs/operations.md).
    pub rule: String,
    /// The peer it is about, or `daemon`.
    pub subject: String,
    /// `firing` or `resolved`.
    pub state: &'static str,
    /// `warning` or `critical`.
    pub severity: &'static str,
    /// What is wrong and why, in words (the last error, the numbers).
    pub message: String,
    /// Unix ms, this daemon's clock.
    pub fired_at: i64,
    pub resolved_at: Option<i64>,
    /// The account of the peer (hosted), for `GET /alerts` with an account token.
    #[serde(skip)]
    pub account_id: Option<String>,
}

/// What a rule found about one subject in one evaluation: whether it is past the bar to fire,
/// whether it is under the (lower) bar to clear, and the words for it.
struct Finding {
    rule: &'static str,
    subject: String,
    account_id: Option<String>,
    severity: &'static str,
    fire: bool,
    clear: bool,
    message: String,
}

/// Resolved alerts kept for `GET /alerts` after they clear.
const RESOLVED_KEPT: usize = 100;

/// The alerts of one daemon: those firing, and the latest resolved ones.
pub struct AlertingSystem {
    config: AlertsConfig,
    alerts: Mutex<AlertBook>,
}

#[derive(Default)]
struct AlertBook {
    firing: HashMap<(String, String), Alert>,
    resolved: Vec<Alert>,
}

/// A change of an alert's state, once per transition.
#[derive(Clone, Debug, Serialize)]
pub struct Transition {
    pub alert: Alert,
}

impl AlertingSystem {
    pub fn new(config: &Config) -> Self {
        Self {
            config: config.alerts.clone(),
            alerts: Mutex::default(),
        }
    }

    fn book(&self) -> std::sync::MutexGuard<'_, AlertBook> {
        self.alerts.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The firing alerts, then the resolved ones, newest first.
    pub fn list(&self) -> Vec<Alert> {
        let book = self.book();
        let mut firing: Vec<Alert> = book.firing.values().cloned().collect();
        firing.sort_by(|a, b| b.fired_at.cmp(&a.fired_at).then(a.rule.cmp(&b.rule)));
        firing.extend(book.resolved.iter().rev().cloned());
        firing
    }

    /// How many alerts of each rule are firing (every rule, zero included).
    pub fn firing_by_rule(&self) -> BTreeMap<&'static str, usize> {
        let book = self.book();
        let mut counts: BTreeMap<&'static str, usize> = RULES.iter().map(|r| (*r, 0)).collect();
        for alert in book.firing.values() {
            if let Some(rule) = RULES.iter().find(|r| **r == alert.rule) {
                *counts.entry(rule).or_default() += 1;
            }
        }
        counts
    }

    /// Applies one evaluation's findings: fires what crossed the bar, resolves what went
    /// under the lower one, and resolves what no longer has a subject (a peer gone).
    fn apply(&self, findings: Vec<Finding>, now: i64) -> Vec<Transition> {
        let mut book = self.book();
        let mut transitions = Vec::new();
        let mut seen = std::collections::HashSet::new();
        for finding in findings {
            let key = (finding.rule.to_string(), finding.subject.clone());
            seen.insert(key.clone());
            match book.firing.get_mut(&key) {
                Some(alert) if finding.clear => {
                    let mut alert = alert.clone();
                    book.firing.remove(&key);
                    alert.state = "resolved";
                    alert.resolved_at = Some(now);
                    alert.message = finding.message;
                    transitions.push(Transition {
                        alert: alert.clone(),
                    });
                    book.resolved.push(alert);
                }
                // Still firing: the words follow the latest numbers, no new transition.
                Some(alert) => alert.message = finding.message,
                None if finding.fire => {
                    let alert = Alert {
                        rule: finding.rule.to_string(),
                        subject: finding.subject,
                        state: "firing",
                        severity: finding.severity,
                        message: finding.message,
                        fired_at: now,
                        resolved_at: None,
                        account_id: finding.account_id,
                    };
                    transitions.push(Transition {
                        alert: alert.clone(),
                    });
                    book.firing.insert(key, alert);
                }
                None => {}
            }
        }
        let gone: Vec<_> = book
            .firing
            .keys()
            .filter(|k| !seen.contains(*k))
            .cloned()
            .collect();
        for key in gone {
            if let Some(mut alert) = book.firing.remove(&key) {
                alert.state = "resolved";
                alert.resolved_at = Some(now);
                alert.message = format!("{} (its subject is gone)", alert.message);
                transitions.push(Transition {
                    alert: alert.clone(),
                });
                book.resolved.push(alert);
            }
        }
        let excess = book.resolved.len().saturating_sub(RESOLVED_KEPT);
        book.resolved.drain(..excess);
        transitions
    }
}

/// Runs the rules every interval, while this instance leads (always on SQLite).
pub(super) fn spawn_evaluator(state: AppState) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let every = state.observability().alerts.config.evaluate_interval;
        let mut tick = tokio::time::interval(every);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tick.tick().await;
            match state.store.try_lead(ALERTS_LOCK).await {
                Ok(true) => {
                    evaluate(&state).await;
                }
                Ok(false) => {}
                Err(err) => tracing::debug!(error = %err, "alerts: cannot take the lead"),
            }
        }
    })
}

/// The advisory lock's name: the instance that holds it evaluates the alerts.
pub const ALERTS_LOCK: &str = "backend-8825 alerts";

/// One evaluation: the findings, their transitions logged, audited and sent. Returns the
/// transitions (tests call it to evaluate at once).
pub async fn evaluate(state: &AppState) -> Vec<Transition> {
    let findings = findings(state).await;
    let transitions = state
        .observability()
        .alerts
        .apply(findings, state.clock.now_ms());
    for transition in &transitions {
        announce(state, transition).await;
    }
    transitions
}

/// A transition: one log line, one audit entry, and the webhook if one is configured.
async fn announce(state: &AppState, transition: &Transition) {
    let alert = &transition.alert;
    if alert.state == "firing" {
        tracing::warn!(
            rule = %alert.rule,
            subject = %alert.subject,
            severity = alert.severity,
            "alert firing: {}",
            alert.message
        );
    } else {
        tracing::info!(
            rule = %alert.rule,
            subject = %alert.subject,
            "alert resolved: {}",
            alert.message
        );
    }
    let event = if alert.state == "firing" {
        "alert_fired"
    } else {
        "alert_resolved"
    };
    let detail = format!("rule={} subject={}", alert.rule, alert.subject);
    crate::security::audit::audit_change(state, event, detail, alert.account_id.as_deref()).await;
    if let Some(url) = state.observability().alerts.config.webhook_url.clone() {
        let body = serde_json::json!({
            "rule": alert.rule,
            "subject": alert.subject,
            "state": alert.state,
            "severity": alert.severity,
            "message": alert.message,
            "fired_at": alert.fired_at,
            "resolved_at": alert.resolved_at,
            "backend_id": state.identity.backend_id.to_string(),
        });
        // In its own task: a slow receiver never holds up the evaluation.
        tokio::spawn(send_webhook(url, body));
    }
}

/// POSTs one transition, retrying with the shared backoff on a failure or a 5xx/429.
async fn send_webhook(url: String, body: serde_json::Value) {
    for attempt in 1..=WEBHOOK_ATTEMPTS {
        let sent = crate::peers::http_client()
            .post(&url)
            .json(&body)
            .timeout(std::time::Duration::from_secs(10))
            .send()
            .await;
        let retry = match &sent {
            Ok(response) => {
                let status = response.status();
                if status.is_success() {
                    return;
                }
                status.is_server_error() || status == reqwest::StatusCode::TOO_MANY_REQUESTS
            }
            Err(_) => true,
        };
        let why = match sent {
            Ok(response) => format!("HTTP {}", response.status().as_u16()),
            Err(err) => crate::peers::describe_http_error(&err),
        };
        if !retry || attempt == WEBHOOK_ATTEMPTS {
            tracing::warn!(
                attempts = attempt,
                "cannot send an alert to the webhook: {why}"
            );
            return;
        }
        tokio::time::sleep(WEBHOOK_BACKOFF.delay(attempt)).await;
    }
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
async fn findings(state: &AppState) -> Vec<Finding> {
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

#[cfg(test)]
mod tests {
    use super::*;

    fn finding(fire: bool, clear: bool) -> Finding {
        Finding {
            rule: SYNC_LAG,
            subject: "p".into(),
            account_id: None,
            severity: "warning",
            fire,
            clear,
            message: "m".into(),
        }
    }

    fn system() -> AlertingSystem {
        AlertingSystem {
            config: AlertsConfig::default(),
            alerts: Mutex::default(),
        }
    }

    #[test]
    fn an_alert_fires_once_and_resolves_only_under_the_lower_bar() {
        let alerts = system();
        assert!(alerts.apply(vec![finding(false, true)], 1).is_empty());
        assert_eq!(alerts.apply(vec![finding(true, false)], 2).len(), 1);
        // Past the bar again, or between the bars: no new transition (no flapping).
        assert!(alerts.apply(vec![finding(true, false)], 3).is_empty());
        assert!(alerts.apply(vec![finding(false, false)], 4).is_empty());
        assert_eq!(alerts.firing_by_rule()[SYNC_LAG], 1);
        let resolved = alerts.apply(vec![finding(false, true)], 5);
        assert_eq!(resolved.len(), 1);
        assert_eq!(resolved[0].alert.state, "resolved");
        assert_eq!(resolved[0].alert.resolved_at, Some(5));
        assert_eq!(alerts.firing_by_rule()[SYNC_LAG], 0);
        assert_eq!(alerts.list().len(), 1, "the resolved one is listed");
    }

    #[test]
    fn an_alert_whose_subject_is_gone_resolves() {
        let alerts = system();
        alerts.apply(vec![finding(true, false)], 1);
        let resolved = alerts.apply(vec![], 2);
        assert_eq!(resolved.len(), 1);
        assert_eq!(resolved[0].alert.state, "resolved");
    }
}
