use std::time::Duration;

use backend_8825::clock::Clock;
use backend_8825::config::Mode;
use serde_json::json;

use crate::common::{self, Db};
use crate::harness::{Daemon, eventually, pair, pair_of, sync, with_account};
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
    let (hosted, local, _peer) = crate::harness::pair_with(&Db::Sqlite, true).await;
    let conv = local.create_conversation("pushed on write").await;
    let arrived = eventually(Duration::from_secs(10), || async {
        hosted.conversation(&conv).await.0 == 200
    })
    .await;
    assert!(
        arrived,
        "the write did not reach the hosted daemon (the tick is an hour)"
    );
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
        let desktop = Daemon::start(Mode::Local, &Db::Sqlite).await;
        let peer_b = pair(&desktop, &hosted).await;
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
        let desktop = Daemon::start(Mode::Local, &Db::Sqlite).await;
        let peer_b = pair(&desktop, &hosted).await;
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
async fn edits_on_both_sides_while_partitioned_resolve_to_one_state() {
    for db in common::databases().await {
        let (hosted, local, peer) = pair_of(&db).await;
        let conv = local.create_conversation("v0").await;
        sync(&local, &peer).await;
        // Local edits first, hosted a second later: hosted's edit wins everywhere.
        let path = format!("/api/conversations/{conv}");
        local
            .call("PATCH", &path, Some(json!({"title": "local edit"})))
            .await;
        hosted.clock.advance(chrono::Duration::seconds(1));
        local.clock.advance(chrono::Duration::seconds(1));
        hosted
            .call("PATCH", &path, Some(json!({"title": "hosted edit"})))
            .await;
        sync(&local, &peer).await;
        sync(&local, &peer).await;
        assert_eq!(local.titles().await, vec!["hosted edit"], "{}", db.name());
        assert_eq!(hosted.titles().await, vec!["hosted edit"]);
    }
}

#[tokio::test]
async fn a_local_clock_an_hour_behind_still_orders_edits_correctly() {
    for db in common::databases().await {
        let (hosted, local, peer) = pair_of(&db).await;
        local.clock.advance(chrono::Duration::hours(-1));
        let conv = hosted.create_conversation("from hosted").await;
        sync(&local, &peer).await;
        // The user renames it on the laptop after seeing it: the rename must win although
        // the laptop's wall clock is an hour behind the hosted write.
        let path = format!("/api/conversations/{conv}");
        let (status, _) = local
            .call("PATCH", &path, Some(json!({"title": "renamed on laptop"})))
            .await;
        assert_eq!(status, 200);
        sync(&local, &peer).await;
        assert_eq!(
            hosted.titles().await,
            vec!["renamed on laptop"],
            "{}",
            db.name()
        );
        // And a clock an hour ahead: the hosted side's later edit still wins.
        local.clock.advance(chrono::Duration::hours(2));
        local
            .call(
                "PATCH",
                &path,
                Some(json!({"title": "laptop, clock ahead"})),
            )
            .await;
        sync(&local, &peer).await;
        hosted
            .call(
                "PATCH",
                &path,
                Some(json!({"title": "hosted, after seeing it"})),
            )
            .await;
        sync(&local, &peer).await;
        assert_eq!(local.titles().await, vec!["hosted, after seeing it"]);
    }
}

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
            let url = format!("sqlite://{}", hosted.dir.join("test.db").display());
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

#[tokio::test]
async fn accounts_never_see_each_other_and_unknown_peers_change_nothing() {
    for db in common::databases().await {
        let (mut hosted, local, peer) = pair_of(&db).await;
        let conv = local.create_conversation("alice's").await;
        sync(&local, &peer).await;
        let alice = hosted.bearer.clone();
        with_account(&mut hosted, "bob").await;
        assert_eq!(hosted.conversation(&conv).await.0, 404, "{}", db.name());
        assert!(hosted.titles().await.is_empty());
        let (status, _) = hosted
            .call(
                "POST",
                &format!("/api/conversations/{conv}/messages"),
                Some(json!({"role": "user", "content": "x"})),
            )
            .await;
        assert_eq!(status, 404);
        // Without a token, or with a wrong one.
        hosted.bearer = "b8825_at_wrong".into();
        assert_eq!(hosted.call("GET", "/api/conversations", None).await.0, 401);
        hosted.bearer = alice;
        assert_eq!(hosted.titles().await, vec!["alice's"]);

        // A sync request from a peer that does not exist.
        let response = hosted
            .http
            .post(format!("{}/sync/not-a-peer", hosted.base()))
            .json(&json!({"v": 1}))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 401);
        // Invalid input to the API.
        let (status, body) = hosted
            .call("POST", "/api/conversations", Some(json!({"title": 5})))
            .await;
        assert_eq!(status, 422, "{body}");
        let (status, _) = hosted
            .call(
                "POST",
                &format!("/api/conversations/{conv}/messages"),
                Some(json!({"role": "robot", "content": "x"})),
            )
            .await;
        assert_eq!(status, 422);
        let (status, _) = hosted.call("GET", "/api/conversations?limit=0", None).await;
        assert_eq!(status, 400);
    }
}

#[tokio::test]
async fn listing_is_ordered_and_paginated() {
    let (hosted, _local, _peer) = pair_of(&Db::Sqlite).await;
    let conv = hosted.create_conversation("paged").await;
    for i in 0..7 {
        hosted.post_message(&conv, "user", &format!("{i}")).await;
    }
    let mut seen = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let path = match &cursor {
            Some(c) => format!("/api/conversations/{conv}/messages?limit=3&cursor={c}"),
            None => format!("/api/conversations/{conv}/messages?limit=3"),
        };
        let (status, body) = hosted.call("GET", &path, None).await;
        assert_eq!(status, 200, "{body}");
        for m in body["items"].as_array().unwrap() {
            seen.push(m["content"].as_str().unwrap().to_string());
        }
        match body["next_cursor"].as_str() {
            Some(next) => cursor = Some(next.to_string()),
            None => break,
        }
    }
    assert_eq!(seen, (0..7).map(|i| i.to_string()).collect::<Vec<_>>());
}

#[tokio::test]
async fn a_reply_on_hosted_reaches_local_at_once_through_a_poke() {
    for db in common::databases().await {
        // The scheduler's tick is an hour: only the telemetry socket's poke can bring the
        // reply down in time.
        let (hosted, local, _peer) = crate::harness::pair_with(&db, true).await;
        let conv = local.create_conversation("poked").await;
        let on_hosted = eventually(Duration::from_secs(10), || async {
            hosted.conversation(&conv).await.0 == 200
        })
        .await;
        assert!(on_hosted, "{}", db.name());
        // Wait until the local daemon's telemetry socket is up, so the poke has a way down.
        let connected = eventually(Duration::from_secs(10), || async {
            !hosted.state.telemetry().hub.connected().is_empty()
        })
        .await;
        assert!(connected, "the telemetry socket did not connect");
        hosted.post_message(&conv, "assistant", "pushed down").await;
        let arrived = eventually(Duration::from_secs(10), || async {
            local.messages(&conv).await.len() == 1
        })
        .await;
        assert!(
            arrived,
            "{}: the reply did not reach the local daemon",
            db.name()
        );
    }
}

/// `n` messages of one conversation, as versions written by `backend` (for the store).
fn versions(conv: &str, backend: &str, n: usize) -> Vec<backend_8825::store::Record> {
    use backend_8825::sync::hlc::{Stamp, format_version};
    (0..n)
        .map(|i| backend_8825::store::Record {
            kind: "message".into(),
            id: uuid::Uuid::now_v7().to_string(),
            conversation_id: Some(conv.to_string()),
            title: None,
            role: Some("user".into()),
            content: Some(format!("bulk {i}")),
            created_at: 1,
            updated_at: 1,
            deleted: false,
            version: format_version(
                Stamp {
                    ms: 1_800_000_000_000,
                    counter: i as u32,
                },
                backend,
            ),
            source_backend: backend.to_string(),
            seq: 0,
            origin_peer: None,
        })
        .collect()
}

/// One sync that pushes and pulls several pages at once: each answer is applied while the
/// next request is in flight, and nothing is missed, repeated or left behind.
#[tokio::test]
async fn a_sync_moving_many_pages_both_ways_completes_in_one_run() {
    for db in common::databases().await {
        let (hosted, local, peer) = pair_of(&db).await;
        let conv = hosted.create_conversation("both ways").await;
        let account = hosted.state.store.peers(None).await.unwrap()[0]
            .account_id
            .clone();
        let down = versions(&conv, &hosted.id(), 1_100);
        hosted
            .state
            .store
            .apply_versions(&account, &down, None, None)
            .await
            .unwrap();
        let up = versions(&conv, &local.id(), 1_300);
        local
            .state
            .store
            .apply_versions("local", &up, None, None)
            .await
            .unwrap();
        let summary = sync(&local, &peer).await;
        assert_eq!(
            (summary.pushed, summary.pulled),
            (1_300, 1_101),
            "{}: {summary:?}",
            db.name()
        );
        let on_hosted = hosted
            .state
            .store
            .feed_page(&account, 0, 10_000)
            .await
            .unwrap();
        let on_local = local
            .state
            .store
            .feed_page("local", 0, 10_000)
            .await
            .unwrap();
        assert_eq!(on_hosted.len(), 1 + 1_100 + 1_300, "{}", db.name());
        assert_eq!(on_local.len(), 1 + 1_100 + 1_300, "{}", db.name());
        let again = sync(&local, &peer).await;
        assert_eq!((again.pushed, again.pulled), (0, 0), "{}", db.name());
    }
}

/// Pages are cut at 512 KiB too, and a cut between versions the peer sent itself (skipped,
/// unread) loses none and repeats none.
#[tokio::test]
async fn pages_cut_by_size_around_the_peers_own_versions_lose_and_repeat_nothing() {
    for db in common::databases().await {
        let (hosted, local, peer) = pair_of(&db).await;
        let conv = hosted.create_conversation("big").await;
        let account = hosted.state.store.peers(None).await.unwrap()[0]
            .account_id
            .clone();
        // 300 messages of 6 KiB (1.8 MiB), every third one recorded as sent by the local
        // peer itself: 1.2 MiB to send, so pages are cut by size with skipped positions
        // around the cuts.
        let mut big = versions(&conv, &hosted.id(), 300);
        for v in &mut big {
            v.content = Some(format!("{}{}", v.id, "x".repeat(6 * 1024)));
        }
        for (i, v) in big.iter().enumerate() {
            let origin = (i % 3 == 2).then_some(peer.as_str());
            hosted
                .state
                .store
                .apply_versions(&account, std::slice::from_ref(v), origin, None)
                .await
                .unwrap();
        }
        let summary = sync(&local, &peer).await;
        // The conversation and the 200 messages not marked as the peer's own.
        assert_eq!(summary.pulled, 201, "{}: {summary:?}", db.name());
        assert!(summary.round_trips >= 3, "cut by size: {summary:?}");
        let feed = local
            .state
            .store
            .feed_page("local", 0, 1_000)
            .await
            .unwrap();
        let mut ids: Vec<&str> = feed.iter().map(|r| r.id.as_str()).collect();
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), 201, "{}: each once", db.name());
        for (i, v) in big.iter().enumerate() {
            let there = feed.iter().find(|r| r.id == v.id);
            if i % 3 == 2 {
                assert!(there.is_none(), "the peer's own version is not sent back");
            } else {
                assert_eq!(there.unwrap().content, v.content, "{}", db.name());
            }
        }
        // Nothing is left: the next sync moves nothing.
        let again = sync(&local, &peer).await;
        assert_eq!((again.pulled, again.pushed), (0, 0), "{}", db.name());
    }
}

#[tokio::test]
async fn large_feeds_move_in_bounded_pages_and_oversized_pushes_are_refused() {
    for db in common::databases().await {
        let (hosted, local, peer) = pair_of(&db).await;
        let conv = hosted.create_conversation("bulk").await;
        let account = hosted.state.store.peers(None).await.unwrap()[0]
            .account_id
            .clone();
        let bulk = versions(&conv, &hosted.id(), 1_200);
        hosted
            .state
            .store
            .apply_versions(&account, &bulk, None, None)
            .await
            .unwrap();
        let summary = sync(&local, &peer).await;
        assert_eq!(summary.pulled, 1_201, "{}", db.name());
        assert!(
            summary.round_trips >= 3,
            "pages of at most 500: {summary:?}"
        );
        let path = format!("/api/conversations/{conv}/messages?limit=200");
        let (_, page) = local.call("GET", &path, None).await;
        assert_eq!(page["items"].as_array().unwrap().len(), 200);

        // A push of more than 500 versions in one request is refused whole.
        use backend_8825::peers::{PeerCall, load_pair_key, signed_request};
        let store = &local.state.store;
        let current = store.peer(&peer).await.unwrap().unwrap();
        let row = store.peer_key(&peer, &current.kid).await.unwrap().unwrap();
        let key = load_pair_key(&local.state, &row).unwrap();
        let body = json!({
            "v": 1, "epoch": "x", "since": null, "push_through": 501,
            "changes": versions(&conv, &local.id(), 501),
        });
        let call = PeerCall {
            method: reqwest::Method::POST,
            base_url: &hosted.base(),
            path_and_query: &format!("/sync/{peer}"),
            body: serde_json::to_vec(&body).unwrap(),
            created: hosted.clock.now().timestamp(),
        };
        let response = signed_request(&local.http, call, &row, &key)
            .unwrap()
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 413, "{}", db.name());
        let head = hosted.state.store.feed_head(&account).await.unwrap();
        assert_eq!(head, 1_201, "nothing was applied");

        // The local daemon serves /sync too, to its peer's signature (the same pair key).
        let call = PeerCall {
            method: reqwest::Method::POST,
            base_url: &local.base(),
            path_and_query: &format!("/sync/{peer}"),
            body: serde_json::to_vec(&json!({
                "v": 1, "epoch": "x", "since": null, "push_through": 0, "changes": [],
                "limit": 10
            }))
            .unwrap(),
            created: local.clock.now().timestamp(),
        };
        let response = signed_request(&local.http, call, &row, &key)
            .unwrap()
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 200);
        let answer: serde_json::Value = response.json().await.unwrap();
        // Everything the local daemon holds came from this very peer: no echo.
        assert_eq!(answer["changes"].as_array().unwrap().len(), 0, "{answer}");
        assert_eq!(
            answer["has_more"], true,
            "1,201 versions were scanned 10 at a time"
        );
        // Unsigned, the local /sync is refused like any peer route.
        let (status, _) = local
            .call("POST", &format!("/sync/{peer}"), Some(json!({})))
            .await;
        assert_eq!(status, 401);
    }
}
