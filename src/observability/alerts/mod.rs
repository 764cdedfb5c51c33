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
use crate::config::{AlertsConfig, Config};
use crate::resilience::Backoff;
use crate::state::AppState;

mod rules;

pub use rules::*;
use rules::{Finding, findings};

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
