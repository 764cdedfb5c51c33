//! `emit` on a local daemon: concurrent emits, a database gone, validation, the outbox caps,
//! and the local status route that shows the counts.

use backend_8825::telemetry::{Level, TelemetryEvent, TelemetryLimits, emit};
use serde_json::Value;

use crate::common;
use crate::events::{Telemetry, quiet_local};
use backend_8825::telemetry::TelemetryAccess;

#[tokio::test]
async fn concurrent_emits_are_each_written_once_and_a_failed_write_fails_them_all() {
    let local = quiet_local()
        .prepare(|s| {
            s.telemetry().set_limits(TelemetryLimits {
                outbox_max_items: 10_000,
                ..TelemetryLimits::default()
            })
        })
        .start()
        .await;
    let mut tasks = Vec::new();
    let mut ids = std::collections::BTreeSet::new();
    for i in 0..600 {
        let event = TelemetryEvent::new("group.test", Level::Info, local.clock_now())
            .with_attribute("i", i);
        ids.insert(event.event_id.to_string());
        let state = local.state.clone();
        tasks.push(tokio::spawn(async move { emit(&state, event).await }));
    }
    for task in tasks {
        task.await.unwrap().expect("each emit returns once written");
    }
    let rows = local
        .state
        .store
        .telemetry()
        .outbox_batch("", 0, 10_000, 1 << 30)
        .await
        .unwrap();
    let written: std::collections::BTreeSet<String> =
        rows.iter().map(|r| r.event_id.clone()).collect();
    assert_eq!(rows.len(), 600, "each event once");
    assert_eq!(written, ids);

    // A closed database: every waiting emit gets the error, none hangs, and the next emit
    // starts a new write (which fails the same way) rather than waiting on a dead one.
    local.state.store.close().await;
    let mut tasks = Vec::new();
    for _ in 0..20 {
        let state = local.state.clone();
        let event = TelemetryEvent::new("group.test", Level::Info, local.clock_now());
        tasks.push(tokio::spawn(async move { emit(&state, event).await }));
    }
    for task in tasks {
        let err = task.await.unwrap().unwrap_err();
        assert!(
            err.to_string()
                .contains("cannot write the telemetry outbox"),
            "{err}"
        );
    }
    let event = TelemetryEvent::new("group.test", Level::Info, local.clock_now());
    assert!(emit(&local.state, event).await.is_err());
}

#[tokio::test]
async fn emit_validates_caps_and_shows_its_counts_on_the_status_route() {
    let local = quiet_local()
        .prepare(|s| {
            s.telemetry().set_limits(TelemetryLimits {
                outbox_max_items: 3,
                ..TelemetryLimits::default()
            })
        })
        .start()
        .await;
    // Not paired: events wait unassigned.
    let mut ids = Vec::new();
    for i in 0..5 {
        let event =
            TelemetryEvent::new("cap.test", Level::Warn, local.clock_now()).with_attribute("i", i);
        ids.push(event.event_id.to_string());
        emit(&local.state, event).await.unwrap();
    }
    let bad = TelemetryEvent::new("Not Valid", Level::Info, local.clock_now());
    let err = emit(&local.state, bad).await.unwrap_err();
    assert!(err.to_string().contains("name must be"), "{err}");

    let left = local
        .state
        .store
        .telemetry()
        .outbox_batch("", 0, 10, 1 << 20)
        .await
        .unwrap();
    let left: Vec<String> = left.into_iter().map(|r| r.event_id).collect();
    assert_eq!(left, ids[2..], "the two oldest were dropped");

    let secret = local.local_secret().await;
    let http = common::http_client();
    let response = http
        .get(local.url("/telemetry/status"))
        .bearer_auth(&secret)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let body: Value = response.json().await.unwrap();
    let outbox = &body["outbox"];
    assert_eq!(outbox["pending"], 3, "{body}");
    assert_eq!(outbox["dropped"], 2);
    assert_eq!(outbox["accepted"], 5);
    assert_eq!(outbox["max_items"], 3);
    // Local API rules apply: no secret, no status.
    let response = http
        .get(local.url("/telemetry/status"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 401);
}
