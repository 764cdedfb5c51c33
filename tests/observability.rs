//! Observability end to end, on SQLite and Postgres: `GET /metrics` read by a real
//! Prometheus text parser, each peer's sync metrics and debug page on both ends (and no
//! secret in them), one instance evaluating the alerts on a shared Postgres, and the alerts raised and resolved by three injected faults (the hosted
//! backend down, a skewed clock, a revoked pairing).

mod common;
#[path = "observability/faults.rs"]
mod faults;
#[path = "observability/leader.rs"]
mod leader;
#[path = "observability/metrics.rs"]
mod metrics;
#[path = "observability/pages.rs"]
mod pages;
#[path = "observability/webhook.rs"]
mod webhook;

use serde_json::{Value, json};

use common::Daemon;

/// A conversation written on `daemon` (a local one: its bearer is the local secret).
pub async fn write_conversation(daemon: &Daemon, title: &str) -> String {
    let (status, body) = daemon
        .call("POST", "/api/conversations", Some(json!({"title": title})))
        .await;
    assert_eq!(status, 201, "{body}");
    body["id"].as_str().unwrap().to_string()
}

/// `GET path` with `bearer`: the status and the body as text.
pub async fn get_text(daemon: &Daemon, bearer: &str, path: &str) -> (u16, String) {
    let mut request = daemon.http.get(daemon.url(path));
    if !bearer.is_empty() {
        request = request.bearer_auth(bearer);
    }
    let response = request.send().await.unwrap();
    let status = response.status().as_u16();
    (status, response.text().await.unwrap())
}

/// The alert of `rule` about `subject` in `GET /alerts`, if listed.
pub async fn alert(daemon: &Daemon, bearer: &str, rule: &str, subject: &str) -> Option<Value> {
    let (status, body) = daemon.call_as(bearer, "GET", "/alerts", None).await;
    assert_eq!(status, 200, "{body}");
    body["alerts"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["rule"] == rule && a["subject"] == subject)
        .cloned()
}
