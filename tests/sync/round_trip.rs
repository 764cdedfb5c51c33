//! A conversation moves between a local and a hosted daemon both ways, through syncs the
//! test runs and through the ones a write or a poke wakes; two locals converge through the
//! hosted one, and deletes stay deleted.

use std::time::Duration;

use serde_json::json;

use crate::common::{self, Db, eventually, pair};
use crate::conversations::{Conversations, local, pair_of, pair_with, sync};
use backend_8825::telemetry::TelemetryAccess;

#[tokio::test]
async fn a_conversation_started_on_local_continues_on_hosted_and_back() {
    for db in common::databases().await {
        let (hosted, local, peer) = pair_of(&db).await;
        let conv = local.create_conversation("Trip planning").await;
        local
            .post_message(&conv, "user", "Where should we go?")
            .await;
        let summary = sync(&local, &peer).await;
        assert_eq!((summary.pushed, summary.pulled), (2, 0), "{}", db.name());

        assert_eq!(hosted.titles().await, vec!["Trip planning"]);
        hosted
            .post_message(&conv, "assistant", "Lisbon, in May.")
            .await;
        let summary = sync(&local, &peer).await;
        assert_eq!(
            (summary.pushed, summary.pulled),
            (0, 1),
            "no echo of our own versions"
        );

        let expected = vec![
            ("Where should we go?".to_string(), local.id()),
            ("Lisbon, in May.".to_string(), hosted.id()),
        ];
        assert_eq!(local.messages(&conv).await, expected, "{}", db.name());
        assert_eq!(hosted.messages(&conv).await, expected);
        // Nothing left to move either way.
        let summary = sync(&local, &peer).await;
        assert_eq!((summary.pushed, summary.pulled), (0, 0));

        // GET /peers shows the sync state.
        let (_, peers) = local.call("GET", "/peers", None).await;
        let status = &peers[0]["sync"];
        assert_eq!(status["pending_outbound"], 0, "{peers}");
        assert!(status["last_success_at"].is_string(), "{peers}");
        assert!(status["last_error"].is_null());
        // And so does the hosted side's, for the account: the peer has pulled everything.
        let (_, peers) = hosted.call("GET", "/peers", None).await;
        let status = &peers[0]["sync"];
        assert_eq!(status["pending_outbound"], 0, "{peers}");
        assert!(status["last_success_at"].is_string(), "{peers}");
        // A write on hosted is pending for the peer until it syncs.
        hosted.post_message(&conv, "assistant", "one more").await;
        let (_, peers) = hosted.call("GET", "/peers", None).await;
        assert_eq!(peers[0]["sync"]["pending_outbound"], 1, "{peers}");
        // The hosted side counts what the peer confirmed: a sync delivers it, the next one
        // (its `since`) confirms it.
        sync(&local, &peer).await;
        sync(&local, &peer).await;
        let (_, peers) = hosted.call("GET", "/peers", None).await;
        assert_eq!(peers[0]["sync"]["pending_outbound"], 0, "{peers}");
    }
}

#[tokio::test]
async fn a_local_write_is_pushed_at_once_without_waiting_for_the_tick() {
    let (hosted, local, _peer) = pair_with(&Db::Sqlite, true).await;
    let conv = local.create_conversation("pushed on write").await;
    eventually(
        "the write to reach the hosted daemon (the tick is an hour)",
        Duration::from_secs(10),
        || async { hosted.conversation(&conv).await.0 == 200 },
    )
    .await;
    // And the forced sync route works through the local API.
    let (status, body) = local
        .call("POST", &format!("/peers/{_peer}/sync"), Some(json!({})))
        .await;
    assert_eq!(status, 200, "{body}");
}

#[tokio::test]
async fn two_locals_on_one_account_converge_through_hosted() {
    for db in common::databases().await {
        let (hosted, laptop, peer_a) = pair_of(&db).await;
        let desktop = local().await;
        let peer_b = pair(&desktop, &hosted, &hosted.bearer).await;
        let conv = laptop.create_conversation("shared").await;
        laptop.post_message(&conv, "user", "from the laptop").await;
        sync(&laptop, &peer_a).await;
        sync(&desktop, &peer_b).await;
        desktop
            .post_message(&conv, "user", "from the desktop")
            .await;
        sync(&desktop, &peer_b).await;
        sync(&laptop, &peer_a).await;
        let want = vec![
            ("from the laptop".to_string(), laptop.id()),
            ("from the desktop".to_string(), desktop.id()),
        ];
        for daemon in [&laptop, &desktop, &hosted] {
            assert_eq!(daemon.messages(&conv).await, want, "{}", db.name());
        }
    }
}

#[tokio::test]
async fn deletes_propagate_and_do_not_come_back() {
    for db in common::databases().await {
        let (hosted, laptop, peer_a) = pair_of(&db).await;
        let desktop = local().await;
        let peer_b = pair(&desktop, &hosted, &hosted.bearer).await;
        let conv = laptop.create_conversation("short-lived").await;
        let msg = laptop.post_message(&conv, "user", "delete me").await;
        sync(&laptop, &peer_a).await;
        sync(&desktop, &peer_b).await;
        assert_eq!(desktop.messages(&conv).await.len(), 1);

        let (status, _) = laptop
            .call(
                "DELETE",
                &format!("/api/conversations/{conv}/messages/{msg}"),
                None,
            )
            .await;
        assert_eq!(status, 204);
        sync(&laptop, &peer_a).await;
        // The desktop still holds the old version and syncs: it must not resurrect it.
        sync(&desktop, &peer_b).await;
        sync(&laptop, &peer_a).await;
        for daemon in [&laptop, &desktop, &hosted] {
            assert!(daemon.messages(&conv).await.is_empty(), "{}", db.name());
        }
        // Deleting the conversation hides it everywhere.
        let (status, _) = desktop
            .call("DELETE", &format!("/api/conversations/{conv}"), None)
            .await;
        assert_eq!(status, 204);
        sync(&desktop, &peer_b).await;
        sync(&laptop, &peer_a).await;
        for daemon in [&laptop, &desktop, &hosted] {
            assert_eq!(daemon.conversation(&conv).await.0, 404);
        }
        // The tombstone keeps no content.
        let record = hosted
            .state
            .store
            .record(
                &hosted.state.store.peers(None).await.unwrap()[0].account_id,
                &msg,
            )
            .await;
        let record = record.unwrap().unwrap();
        assert!(record.deleted && record.content.is_none());
    }
}

#[tokio::test]
async fn a_reply_on_hosted_reaches_local_at_once_through_a_poke() {
    for db in common::databases().await {
        // The scheduler's tick is an hour: only the telemetry socket's poke can bring the
        // reply down in time.
        let (hosted, local, _peer) = pair_with(&db, true).await;
        let conv = local.create_conversation("poked").await;
        let what = format!("{}: the conversation on the hosted daemon", db.name());
        eventually(&what, Duration::from_secs(10), || async {
            hosted.conversation(&conv).await.0 == 200
        })
        .await;
        // Wait until the local daemon's telemetry socket is up, so the poke has a way down.
        eventually("the telemetry socket", Duration::from_secs(10), || async {
            !hosted.state.telemetry().hub.connected().is_empty()
        })
        .await;
        hosted.post_message(&conv, "assistant", "pushed down").await;
        let what = format!("{}: the reply on the local daemon", db.name());
        eventually(&what, Duration::from_secs(10), || async {
            local.messages(&conv).await.len() == 1
        })
        .await;
    }
}
