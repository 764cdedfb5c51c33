//! `GET /dashboard/telemetry` against known events.

use backend_8825::store::telemetry::StoredEvent;
use serde_json::Value;

use crate::common::{self, hosted_with_account};
use crate::events::quiet_local;

fn event(
    i: usize,
    peer: &str,
    account: &str,
    name: &str,
    level: &str,
    at: i64,
    d: Option<f64>,
) -> StoredEvent {
    StoredEvent {
        event_id: format!("{peer}-{name}-{i}"),
        peer_id: peer.into(),
        account_id: account.into(),
        source_backend: "b".into(),
        name: name.into(),
        level: level.into(),
        ts: at,
        duration_ms: d,
        attributes: "{}".into(),
        received_at: at,
    }
}

#[tokio::test]
async fn the_dashboard_summarises_known_events() {
    for db in common::databases().await {
        let (hosted, token) = hosted_with_account(&db).await;
        let state = &hosted.state;
        let account = state.store.account_by_name("alice").await.unwrap().unwrap();
        let now = state.clock.now_ms();
        let min = 60_000;
        let mut events = Vec::new();
        // Peer p1, "advisor.ask": durations 1..=100 ms two minutes ago, 10 of them errors.
        for i in 1..=100 {
            let level = if i <= 10 { "error" } else { "info" };
            events.push(event(
                i,
                "p1",
                &account.id,
                "advisor.ask",
                level,
                now - 2 * min,
                Some(i as f64),
            ));
        }
        // Peer p2, "sync.cycle": 4 events 30 minutes ago, no duration, one warn.
        for i in 0..4 {
            let level = if i == 0 { "warn" } else { "info" };
            events.push(event(
                i,
                "p2",
                &account.id,
                "sync.cycle",
                level,
                now - 30 * min,
                None,
            ));
        }
        // Old (2 days) and another account's: in no window.
        events.push(event(
            0,
            "p1",
            &account.id,
            "advisor.ask",
            "error",
            now - 48 * 60 * min,
            Some(9e5),
        ));
        events.push(event(
            0,
            "px",
            "someone-else",
            "advisor.ask",
            "error",
            now,
            Some(1.0),
        ));
        state.store.telemetry().store_events(&events).await.unwrap();

        let http = common::http_client();
        let response = http
            .get(hosted.url("/dashboard/telemetry"))
            .bearer_auth(&token)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 200);
        let body: Value = response.json().await.unwrap();
        let windows = body["windows"].as_array().unwrap();
        let by = |name: &str| {
            windows
                .iter()
                .find(|w| w["window"] == name)
                .unwrap()
                .clone()
        };

        let five = by("5m");
        assert_eq!(five["count"], 100, "{}: {five}", db.name());
        assert_eq!(five["errors"], 10);
        assert_eq!(five["error_rate"], 0.1);
        assert_eq!(five["p50_ms"], 50.0);
        assert_eq!(five["p95_ms"], 95.0);
        assert!(five["by_name"].get("sync.cycle").is_none());

        let hour = by("1h");
        assert_eq!(hour["count"], 104);
        assert_eq!(hour["by_name"]["sync.cycle"]["count"], 4);
        assert_eq!(hour["by_name"]["sync.cycle"]["errors"], 0);
        assert_eq!(hour["by_name"]["sync.cycle"]["p50_ms"], Value::Null);
        assert_eq!(hour["by_peer"]["p1"]["p95_ms"], 95.0);
        assert_eq!(hour["by_peer"]["p2"]["count"], 4);
        assert!(
            hour["by_peer"].get("px").is_none(),
            "another account's events"
        );
        assert_eq!(by("24h")["count"], 104);

        // One window; a bad one; no token.
        let response = http
            .get(hosted.url("/dashboard/telemetry?window=1h"))
            .bearer_auth(&token)
            .send()
            .await
            .unwrap();
        let body: Value = response.json().await.unwrap();
        assert_eq!(body["windows"].as_array().unwrap().len(), 1);
        let response = http
            .get(hosted.url("/dashboard/telemetry?window=7d"))
            .bearer_auth(&token)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 400);
        let response = http
            .get(hosted.url("/dashboard/telemetry"))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 401);
        let body: Value = response.json().await.unwrap();
        assert_eq!(body["error"]["code"], "unauthorized");
    }
}

#[tokio::test]
async fn the_dashboard_is_hosted_only() {
    let local = quiet_local().start().await;
    let http = common::http_client();
    let response = http
        .get(local.url("/dashboard/telemetry"))
        .send()
        .await
        .unwrap();
    assert_ne!(response.status(), 200);
}
