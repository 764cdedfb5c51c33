//! A hosted daemon down, a local one restarted after a lost answer, a hosted store wiped:
//! every write arrives once, and the sync state says what happened.

use crate::common::{self, Daemon, Db};
use crate::conversations::{Conversations, pair_of, sync};

#[tokio::test]
async fn writes_made_while_hosted_was_down_arrive_once_after_it_restarts() {
    for db in common::databases().await {
        let (mut hosted, local, peer) = pair_of(&db).await;
        let conv = local.create_conversation("offline").await;
        sync(&local, &peer).await;
        hosted.stop().await;
        for i in 0..25 {
            local
                .post_message(&conv, "user", &format!("offline {i}"))
                .await;
        }
        let err = backend_8825::sync::sync_peer_now(&local.state, &peer)
            .await
            .unwrap_err();
        assert_eq!(err.code, "peer_unreachable");
        let (_, peers) = local.call("GET", "/peers", None).await;
        let status = &peers[0]["sync"];
        assert_eq!(status["pending_outbound"], 25, "{peers}");
        // The Status page's truth: unreachable, since when, and why in one sentence.
        assert_eq!(status["state"], "unreachable", "{peers}");
        assert_eq!(status["last_error_code"], "peer_unreachable", "{peers}");
        let message = status["last_error"].as_str().unwrap();
        assert!(
            message.contains("cannot be reached (connection refused)"),
            "{message}"
        );
        assert!(!message.contains("error sending request"), "{message}");
        assert!(!message.contains('\n'), "{message}");
        let since = status["failing_since"].clone();
        assert!(since.is_string(), "{peers}");
        local.clock.advance(chrono::Duration::seconds(90));
        backend_8825::sync::sync_peer_now(&local.state, &peer)
            .await
            .unwrap_err();
        let (_, peers) = local.call("GET", "/peers", None).await;
        assert_eq!(
            peers[0]["sync"]["failing_since"], since,
            "a retry keeps the start"
        );

        hosted.restart().await;
        sync(&local, &peer).await;
        let got = hosted.messages(&conv).await;
        assert_eq!(got.len(), 25, "{}", db.name());
        let distinct: std::collections::HashSet<_> = got.iter().collect();
        assert_eq!(distinct.len(), 25);
        let (_, peers) = local.call("GET", "/peers", None).await;
        assert_eq!(peers[0]["sync"]["pending_outbound"], 0);
        assert_eq!(peers[0]["sync"]["state"], "ok", "{peers}");
        assert!(peers[0]["sync"]["failing_since"].is_null(), "{peers}");
    }
}

#[tokio::test]
async fn a_local_restarted_after_a_lost_answer_loses_and_duplicates_nothing() {
    for db in common::databases().await {
        let (hosted, mut local, peer) = pair_of(&db).await;
        let conv = local.create_conversation("crash").await;
        for i in 0..10 {
            local.post_message(&conv, "user", &format!("m{i}")).await;
        }
        // The hosted daemon applied the push, but the local one died before it stored the
        // answer: replay exactly that by applying its versions on hosted, then restarting
        // the local daemon with its cursor untouched.
        let account = hosted.state.store.peers(None).await.unwrap()[0]
            .account_id
            .clone();
        let feed = local.state.store.feed_page("local", 0, 100).await.unwrap();
        hosted
            .state
            .store
            .apply_versions(&account, &feed, Some(&peer), None)
            .await
            .unwrap();
        local.restart().await;
        let summary = sync(&local, &peer).await;
        assert_eq!(summary.pushed, 11, "everything is sent again");
        let got = hosted.messages(&conv).await;
        assert_eq!(got.len(), 10, "{}: applying twice stores once", db.name());
        assert_eq!(
            hosted.state.store.feed_head(&account).await.unwrap(),
            11,
            "no new versions"
        );
        // Nothing comes back to the local daemon either.
        assert_eq!(sync(&local, &peer).await.pulled, 0);
        assert_eq!(local.messages(&conv).await.len(), 10);
    }
}

#[tokio::test]
async fn a_wiped_hosted_store_is_detected_by_its_epoch_and_refilled() {
    for db in common::databases().await {
        let (hosted, local, peer) = pair_of(&db).await;
        let conv = local.create_conversation("precious").await;
        local.post_message(&conv, "user", "keep me").await;
        sync(&local, &peer).await;
        // The hosted conversation data is lost and its store gets a new epoch (what a
        // restore from an old backup must do).
        let store = &hosted.state.store;
        let account = store.peers(None).await.unwrap()[0].account_id.clone();
        wipe_records(&hosted, &db).await;
        assert_eq!(hosted.conversation(&conv).await.0, 404);
        let summary = sync(&local, &peer).await;
        assert!(summary.epoch_reset, "{summary:?}");
        assert_eq!(hosted.messages(&conv).await.len(), 1, "{}", db.name());
        assert!(store.feed_head(&account).await.unwrap() >= 2);
    }
}

async fn wipe_records(hosted: &Daemon, db: &Db) {
    let statements = [
        "DELETE FROM records",
        "DELETE FROM feed_counters",
        "UPDATE meta SET value = 'restored-epoch' WHERE key = 'epoch'",
    ];
    match db {
        Db::Sqlite => {
            let url = format!("sqlite://{}", hosted.dir().join("test.db").display());
            let pool = sqlx::SqlitePool::connect(&url).await.unwrap();
            for sql in statements {
                sqlx::query(sql).execute(&pool).await.unwrap();
            }
        }
        Db::Postgres(url) => {
            let pool = sqlx::PgPool::connect(url).await.unwrap();
            for sql in statements {
                sqlx::query(sql).execute(&pool).await.unwrap();
            }
        }
    }
}
