//! Large feeds: syncs that move many pages both ways, pages cut by size, and pushes too
//! large to take.

use backend_8825::clock::Clock;
use backend_8825::store::LOCAL_ACCOUNT;
use serde_json::json;

use crate::common;
use crate::conversations::{Conversations, pair_of, sync};

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
            e2e: None,
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
        // The caller learns how far behind it is: the responder's head, past its cursor.
        let local_head = local.state.store.feed_head(LOCAL_ACCOUNT).await.unwrap();
        assert_eq!(answer["head"], local_head, "{}", db.name());
        assert!(answer["cursor"].as_i64().unwrap() < local_head, "{answer}");
        // Unsigned, the local /sync is refused like any peer route.
        let (status, _) = local
            .call("POST", &format!("/sync/{peer}"), Some(json!({})))
            .await;
        assert_eq!(status, 401);
    }
}
