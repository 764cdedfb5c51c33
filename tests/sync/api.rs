//! The conversation API of the hosted daemon: accounts never see each other's data, bad
//! input is refused, and listings are ordered and paginated.

use serde_json::json;

use crate::common::{self, Db, account};
use crate::conversations::{Conversations, pair_of, sync};

#[tokio::test]
async fn accounts_never_see_each_other_and_unknown_peers_change_nothing() {
    for db in common::databases().await {
        let (mut hosted, local, peer) = pair_of(&db).await;
        let conv = local.create_conversation("alice's").await;
        sync(&local, &peer).await;
        let alice = hosted.bearer.clone();
        hosted.bearer = account(&hosted, "bob").await;
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
