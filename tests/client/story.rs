//! The whole story of a phone: pair, write, sync, read on the hosted side through its
//! account API, write there, sync, read on the phone; a telemetry event reaches the hosted
//! side; revoking ends the pairing on both ends.

use std::sync::Arc;
use std::time::Duration;

use backend_8825::client::{ClientEvent, Events};
use backend_8825::clock::Clock;
use backend_8825::telemetry::{Level, TelemetryEvent};
use serde_json::json;

use crate::common::{self, Daemon, eventually, hosted_with_account};
use crate::support::{MemoryKeyStore, open, pairing_code};

const WAIT: Duration = Duration::from_secs(20);

/// The next event that `wanted` accepts, within `WAIT`.
async fn next_matching(events: &mut Events, wanted: impl Fn(&ClientEvent) -> bool) -> ClientEvent {
    let found = tokio::time::timeout(WAIT, async {
        loop {
            let event = events.next().await.expect("the client is open");
            if wanted(&event) {
                return event;
            }
        }
    });
    found.await.expect("the event comes")
}

async fn hosted_titles(hosted: &Daemon, token: &str) -> Vec<String> {
    let (status, body) = hosted
        .call_as(token, "GET", "/api/conversations", None)
        .await;
    assert_eq!(status, 200, "{body}");
    let items = body["items"].as_array().unwrap();
    items
        .iter()
        .map(|c| c["title"].as_str().unwrap().to_string())
        .collect()
}

#[tokio::test]
async fn a_phone_pairs_syncs_both_ways_and_sends_telemetry() {
    for db in common::databases().await {
        let (hosted, token) = hosted_with_account(&db).await;
        let dir = tempfile::tempdir().unwrap();
        let keys = Arc::new(MemoryKeyStore::default());
        let client = open(dir.path(), keys.clone(), &hosted).await;
        let me = client.identity();
        assert_eq!(me.key_id.len(), 64, "{}", db.name());
        assert!(
            keys.secrets
                .lock()
                .unwrap()
                .values()
                .any(|v| v.contains("PRIVATE KEY")),
            "the identity key is in the app's key store"
        );

        // Pair, with the fingerprint the user saw.
        let code = pairing_code(&hosted, &token).await;
        let hosted_key = hosted.state.identity.key_id().to_string();
        let paired = client
            .pair(&hosted.base(), &code, Some(&hosted_key))
            .await
            .unwrap();
        assert_eq!(paired.hosted_key_id, hosted_key);
        let (_, peers) = hosted.call_as(&token, "GET", "/peers", None).await;
        let peer = &peers.as_array().unwrap()[0];
        assert_eq!(peer["peer_id"], paired.peer_id.as_str(), "{peers}");
        assert_eq!(peer["remote"]["key_id"], me.key_id.as_str(), "{peers}");

        // Write here, sync, read there.
        let mut events = client.subscribe();
        let conv = client.create_conversation("From the phone").await.unwrap();
        client
            .create_message(&conv.id, "user", "hello from the phone")
            .await
            .unwrap();
        let done = client.sync_now().await.unwrap();
        let summary = done[0].outcome.as_ref().unwrap();
        assert_eq!(summary.pushed, 2, "{}: {summary:?}", db.name());
        assert_eq!(hosted_titles(&hosted, &token).await, ["From the phone"]);
        let path = format!("/api/conversations/{}/messages", conv.id);
        let (_, messages) = hosted.call_as(&token, "GET", &path, None).await;
        assert_eq!(messages["items"][0]["content"], "hello from the phone");
        next_matching(&mut events, |e| matches!(e, ClientEvent::Synced { .. })).await;

        // Write there, sync, read here; the app hears that data changed.
        let reply = json!({"role": "assistant", "content": "hello from the web"});
        let (status, _) = hosted.call_as(&token, "POST", &path, Some(reply)).await;
        assert_eq!(status, 201);
        let done = client.sync_now().await.unwrap();
        assert_eq!(done[0].outcome.as_ref().unwrap().pulled, 1);
        next_matching(&mut events, |e| {
            matches!(e, ClientEvent::DataChanged { .. })
        })
        .await;
        let read = client.get_conversation(&conv.id).await.unwrap();
        let contents: Vec<_> = read
            .messages
            .iter()
            .map(|m| m.content.clone().unwrap())
            .collect();
        assert_eq!(contents, ["hello from the phone", "hello from the web"]);

        // Edits and deletes sync like writes.
        client
            .update_title(&conv.id, "Renamed on the phone")
            .await
            .unwrap();
        let edited = &read.messages[0];
        client
            .edit_message(&conv.id, &edited.id, "edited")
            .await
            .unwrap();
        client
            .delete_message(&conv.id, &read.messages[1].id)
            .await
            .unwrap();
        client.sync_now().await.unwrap();
        assert_eq!(
            hosted_titles(&hosted, &token).await,
            ["Renamed on the phone"]
        );
        let (_, messages) = hosted.call_as(&token, "GET", &path, None).await;
        let items = messages["items"].as_array().unwrap();
        assert_eq!(items.len(), 1, "{messages}");
        assert_eq!(items[0]["content"], "edited");

        // Telemetry: emitted here, streamed by the started client, stored there.
        let event = TelemetryEvent::new("app.opened", Level::Info, hosted.clock.now())
            .with_attribute("screen", "home");
        client.emit(event).await.unwrap();
        client.start().await;
        let store = hosted.state.store.clone();
        let peer_id = paired.peer_id.clone();
        eventually("the hosted side stores the event", WAIT, || {
            let (store, peer_id, me) = (store.clone(), peer_id.clone(), me.clone());
            async move {
                let stored = store.telemetry().events(Some(&peer_id), 100).await.unwrap();
                stored
                    .iter()
                    .any(|e| e.name == "app.opened" && e.source_backend == me.backend_id)
            }
        })
        .await;
        let status = client.status().await.unwrap();
        assert!(status.running && !status.paused);
        assert_eq!(status.peers[0].status, "active");

        // Delete a conversation; revoke: the hosted side refuses this device from now on.
        client.delete_conversation(&conv.id).await.unwrap();
        client.sync_now().await.unwrap();
        assert!(hosted_titles(&hosted, &token).await.is_empty());
        assert_eq!(client.revoke().await.unwrap(), [paired.peer_id.as_str()]);
        let (_, peers) = hosted.call_as(&token, "GET", "/peers", None).await;
        assert_eq!(peers[0]["status"], "revoked", "{}: {peers}", db.name());
        client.close().await;
    }
}

#[tokio::test]
async fn a_started_client_syncs_its_writes_on_its_own() {
    for db in common::databases().await {
        let (hosted, token) = hosted_with_account(&db).await;
        let dir = tempfile::tempdir().unwrap();
        let keys = Arc::new(MemoryKeyStore::default());
        let options = backend_8825::client::ClientOptions::new(dir.path())
            .key_store(keys)
            .clock(hosted.clock.clone())
            .sync_interval(Duration::from_secs(3600));
        let client = backend_8825::client::Client::open(options).await.unwrap();
        let code = pairing_code(&hosted, &token).await;
        client.pair(&hosted.base(), &code, None).await.unwrap();
        client.start().await;
        client
            .create_conversation("written while started")
            .await
            .unwrap();
        eventually("the scheduler pushes the write", WAIT, || {
            let (hosted, token) = (&hosted, &token);
            async move { hosted_titles(hosted, token).await == ["written while started"] }
        })
        .await;
        client.stop().await;
        assert!(!client.is_running().await);
        client.close().await;
    }
}
