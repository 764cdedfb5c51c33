//! `GET` and `PUT /privacy-settings` on both modes.

use serde_json::{Value, json};

use crate::common::{self, Daemon, account, error_code, hosted_with_account};

fn defaults() -> Value {
    json!({
        "sync_paused": false,
        "telemetry_enabled": true,
        "redact_pii": true,
        "redact_synced_content": false,
        "retention_days": 90,
        "telemetry_retention_days": 30,
        "audit_retention_days": 90,
    })
}

async fn put(daemon: &Daemon, bearer: &str, body: Value) -> (u16, Value) {
    daemon
        .call_as(bearer, "PUT", "/privacy-settings", Some(body))
        .await
}

/// A local daemon (SQLite, its only database) and a hosted one on each database, each with
/// the bearer that reaches its settings.
async fn daemons() -> Vec<(Daemon, String, &'static str)> {
    let local = Daemon::local().start().await;
    let bearer = local.bearer.clone();
    let mut daemons = vec![(local, bearer, "local")];
    for db in common::databases().await {
        let (hosted, token) = hosted_with_account(&db).await;
        daemons.push((hosted, token, db.name()));
    }
    daemons
}

#[tokio::test]
async fn settings_start_as_the_defaults_and_a_change_survives_a_restart() {
    for (mut daemon, bearer, name) in daemons().await {
        let (status, body) = daemon
            .call_as(&bearer, "GET", "/privacy-settings", None)
            .await;
        assert_eq!((status, &body), (200, &defaults()), "{name}");

        // Only the fields given change.
        let change = json!({"retention_days": 30, "redact_synced_content": true});
        let (status, body) = put(&daemon, &bearer, change).await;
        assert_eq!(status, 200, "{body}");
        let mut expected = defaults();
        expected["retention_days"] = json!(30);
        expected["redact_synced_content"] = json!(true);
        assert_eq!(body, expected);

        daemon.restart().await;
        let bearer = if name == "local" {
            daemon.bearer.clone()
        } else {
            bearer
        };
        let (status, body) = daemon
            .call_as(&bearer, "GET", "/privacy-settings", None)
            .await;
        assert_eq!((status, body), (200, expected), "{name}");
    }
}

#[tokio::test]
async fn bad_values_get_a_422_that_names_the_setting_and_change_nothing() {
    let cases = [
        (json!({"sync_paused": "yes"}), "sync_paused"),
        (json!({"retention_days": -1}), "retention_days"),
        (json!({"retention_days": 1.5}), "retention_days"),
        (
            json!({"telemetry_retention_days": 36_501}),
            "telemetry_retention_days",
        ),
        (
            json!({"audit_retention_days": "90"}),
            "audit_retention_days",
        ),
        (json!({"sync_pause": true}), "sync_pause"),
        (json!([true]), "object"),
    ];
    for (daemon, bearer, name) in daemons().await {
        for (body, named) in &cases {
            let (status, answer) = put(&daemon, &bearer, body.clone()).await;
            assert_eq!(status, 422, "{body} on {name}: {answer}");
            assert_eq!(error_code(&answer), "invalid_request", "{answer}");
            let message = answer["error"]["message"].as_str().unwrap();
            assert!(message.contains(named), "{body}: {message}");
            assert!(!message.contains("line 1"), "{message}");
        }
        let (_, now) = daemon
            .call_as(&bearer, "GET", "/privacy-settings", None)
            .await;
        assert_eq!(now, defaults(), "{name}");
    }
}

#[tokio::test]
async fn a_change_is_in_the_audit_log_with_what_changed() {
    for (daemon, bearer, name) in daemons().await {
        let (status, _) = put(&daemon, &bearer, json!({"sync_paused": true})).await;
        assert_eq!(status, 200);
        // The same values again change nothing and write nothing.
        put(&daemon, &bearer, json!({"sync_paused": true})).await;
        let (status, page) = daemon.call_as(&bearer, "GET", "/audit", None).await;
        assert_eq!(status, 200, "{page}");
        let changes: Vec<&Value> = page["entries"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|e| e["event"] == "privacy_settings")
            .collect();
        assert_eq!(changes.len(), 1, "{name}: {page}");
        assert_eq!(changes[0]["detail"], "sync_paused=true", "{name}");
        assert_eq!(changes[0]["outcome"], "ok");
    }
}

#[tokio::test]
async fn each_hosted_account_has_its_own_settings_behind_its_token() {
    for db in common::databases().await {
        let (hosted, alice) = hosted_with_account(&db).await;
        let bob = account(&hosted, "bob").await;
        let (status, body) = put(&hosted, &alice, json!({"sync_paused": true})).await;
        assert_eq!(
            (status, &body["sync_paused"]),
            (200, &json!(true)),
            "{body}"
        );

        let (_, theirs) = hosted.call_as(&bob, "GET", "/privacy-settings", None).await;
        assert_eq!(theirs, defaults(), "{}", db.name());
        let (_, mine) = hosted
            .call_as(&alice, "GET", "/privacy-settings", None)
            .await;
        assert_eq!(mine["sync_paused"], true);

        // The change is in Alice's chain, not Bob's.
        let (_, alice_log) = hosted.call_as(&alice, "GET", "/audit", None).await;
        let (_, bob_log) = hosted.call_as(&bob, "GET", "/audit", None).await;
        let has_change = |log: &Value| {
            log["entries"]
                .as_array()
                .unwrap()
                .iter()
                .any(|e| e["event"] == "privacy_settings")
        };
        assert!(has_change(&alice_log) && !has_change(&bob_log));

        for bearer in ["", "not-a-token"] {
            let (status, answer) = put(&hosted, bearer, json!({"sync_paused": false})).await;
            assert_eq!(status, 401, "{answer}");
            let (status, _) = hosted
                .call_as(bearer, "GET", "/privacy-settings", None)
                .await;
            assert_eq!(status, 401);
        }
    }
}

#[tokio::test]
async fn the_local_daemon_refuses_the_settings_to_a_caller_without_its_secret() {
    let local = Daemon::local().start().await;
    let (status, answer) = put(&local, "wrong", json!({"sync_paused": true})).await;
    assert_eq!(status, 401, "{answer}");
    let (_, now) = local.get("/privacy-settings").await;
    assert_eq!(now["sync_paused"], false);
}
