//! What the settings change in what leaves a local daemon: telemetry off, redaction of
//! telemetry off, and redaction of synced content on.

use std::time::Duration;

use backend_8825::telemetry::{Level, TelemetryEvent, emit};
use serde_json::json;

use crate::common::{self, Daemon, eventually, hosted_with_account, pair};
use crate::conversations::{Conversations, sync};
use crate::events::{Telemetry, quiet_local};

const WAIT: Duration = Duration::from_secs(30);

async fn set(local: &Daemon, change: serde_json::Value) {
    let (status, body) = local.call("PUT", "/privacy-settings", Some(change)).await;
    assert_eq!(status, 200, "{body}");
}

async fn emit_text(local: &Daemon, text: &str) -> String {
    let event = TelemetryEvent::new("test.event", Level::Info, local.clock_now())
        .with_attribute("text", text);
    let id = event.event_id.to_string();
    emit(&local.state, event).await.unwrap();
    id
}

#[tokio::test]
async fn telemetry_off_records_nothing_and_on_again_records() {
    let local = quiet_local().start().await;
    set(&local, json!({"telemetry_enabled": false})).await;
    emit_text(&local, "dropped").await;
    let status = local.state.store.telemetry().outbox_status().await.unwrap();
    assert_eq!((status.accepted, status.pending), (0, 0));
    set(&local, json!({"telemetry_enabled": true})).await;
    emit_text(&local, "kept").await;
    let status = local.state.store.telemetry().outbox_status().await.unwrap();
    assert_eq!(status.accepted, 1);
}

#[tokio::test]
async fn telemetry_is_redacted_unless_the_setting_is_off() {
    for db in common::databases().await {
        let (hosted, token) = hosted_with_account(&db).await;
        let local = quiet_local().start().await;
        let peer = pair(&local, &hosted, &token).await;
        let redacted = emit_text(&local, "mail jane@example.com").await;
        set(&local, json!({"redact_pii": false})).await;
        let kept = emit_text(&local, "mail jane@example.com").await;
        eventually("both events", WAIT, || async {
            hosted.stored_ids(&peer).await.1 == 2
        })
        .await;
        let events = hosted
            .state
            .store
            .telemetry()
            .events(Some(&peer), 10)
            .await
            .unwrap();
        let text = |id: &str| {
            let event = events.iter().find(|e| e.event_id == id).unwrap();
            let attributes: serde_json::Value = serde_json::from_str(&event.attributes).unwrap();
            attributes["text"].as_str().unwrap().to_string()
        };
        assert_eq!(text(&redacted), "mail [EMAIL]", "{}", db.name());
        assert_eq!(text(&kept), "mail jane@example.com");
    }
}

#[tokio::test]
async fn synced_content_leaves_redacted_and_the_local_copy_keeps_the_original() {
    for db in common::databases().await {
        let (hosted, token) = hosted_with_account(&db).await;
        let local = Daemon::local().automatic_sync(false).start().await;
        let peer = pair(&local, &hosted, &token).await;
        set(&local, json!({"redact_synced_content": true})).await;
        let conv = local.create_conversation("call 415-555-0132").await;
        local
            .post_message(&conv, "user", "mail jane@example.com please")
            .await;
        sync(&local, &peer).await;

        assert_eq!(hosted.titles().await, ["call [PHONE]"], "{}", db.name());
        let texts: Vec<String> = hosted
            .messages(&conv)
            .await
            .into_iter()
            .map(|(c, _)| c)
            .collect();
        assert_eq!(texts, ["mail [EMAIL] please"]);
        assert_eq!(local.titles().await, ["call 415-555-0132"]);
        let local_texts: Vec<String> = local
            .messages(&conv)
            .await
            .into_iter()
            .map(|(c, _)| c)
            .collect();
        assert_eq!(local_texts, ["mail jane@example.com please"]);
    }
}

#[tokio::test]
async fn an_account_with_telemetry_off_keeps_none_of_its_computers_events() {
    for db in common::databases().await {
        let (hosted, token) = hosted_with_account(&db).await;
        let (status, _) = hosted
            .call_as(
                &token,
                "PUT",
                "/privacy-settings",
                Some(json!({"telemetry_enabled": false})),
            )
            .await;
        assert_eq!(status, 200);
        let local = quiet_local().start().await;
        let peer = pair(&local, &hosted, &token).await;
        emit_text(&local, "not kept").await;
        // Acknowledged, so the computer forgets them; not stored.
        eventually("the outbox to empty", WAIT, || async {
            local.pending().await == 0
        })
        .await;
        assert_eq!(hosted.stored_ids(&peer).await.1, 0, "{}", db.name());
    }
}
