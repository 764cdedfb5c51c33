//! Loose input, as found by trying: lists taken for objects, numbers and strings without
//! bounds in a sync request, and a NUL character that SQLite stores and Postgres refuses
//! (which stalled a peer's sync for good). Each is refused with a 4xx in the JSON error
//! shape, the same on both databases, and nothing of it is stored.

use serde_json::{Value, json};

use crate::common::{self, Daemon, account, pair};
use crate::peer::push;

fn assert_refused(status: u16, body: &Value, expect: u16, at: &str) {
    assert_eq!(status, expect, "{at}: {body}");
    assert!(body["error"]["code"].is_string(), "{at}: {body}");
    assert!(body["error"]["message"].is_string(), "{at}: {body}");
}

#[tokio::test]
async fn a_list_is_not_an_object() {
    for db in common::databases().await {
        let hosted = Daemon::hosted().on(&db).start().await;
        let token = account(&hosted, "a").await;
        let local = Daemon::local().automatic_sync(false).start().await;
        for (daemon, bearer) in [
            (&local, local.local_secret().await),
            (&hosted, token.clone()),
        ] {
            let at = format!("{} on {}", daemon.state.config.mode.as_str(), db.name());
            let (status, body) = daemon
                .call_as(&bearer, "POST", "/api/conversations", Some(json!(["x"])))
                .await;
            assert_refused(status, &body, 422, &at);
            let (_, list) = daemon
                .call_as(&bearer, "GET", "/api/conversations", None)
                .await;
            assert_eq!(list["items"], json!([]), "{at}: nothing was created");
        }
        let (status, body) = local.post("/launch-tokens", json!([])).await;
        assert_refused(status, &body, 422, "POST /launch-tokens []");
        let peer = pair(&local, &hosted, &token).await;
        let (status, body) = push(&local, &hosted, &peer, &json!([1, "e", null, [], 0])).await;
        assert_refused(status, &body, 422, "a sync request as a list");
    }
}

#[tokio::test]
async fn a_sync_request_is_bounded() {
    for db in common::databases().await {
        let hosted = Daemon::hosted().on(&db).start().await;
        let token = account(&hosted, "a").await;
        let local = Daemon::local().automatic_sync(false).start().await;
        let peer = pair(&local, &hosted, &token).await;
        let base = json!({"v": 1, "epoch": "e", "since": null, "push_through": 0, "changes": []});
        let cases = [
            ("push_through", json!(i64::MIN)),
            ("push_through", json!(-1)),
            ("limit", json!(u64::MAX / 2)),
            ("limit", json!(0)),
            ("epoch", json!("e".repeat(100_000))),
            ("epoch", json!("")),
            ("since", json!({"epoch": "e", "seq": -5})),
        ];
        for (field, value) in cases {
            let mut body = base.clone();
            body[field] = value;
            let (status, answer) = push(&local, &hosted, &peer, &body).await;
            let at = format!("{field} on {}", db.name());
            assert_refused(status, &answer, 422, &at);
            let message = answer["error"]["message"].as_str().unwrap();
            assert!(message.contains(field), "{at}: {message}");
        }
        let (status, answer) = push(&local, &hosted, &peer, &base).await;
        assert_eq!(status, 200, "{answer}");
    }
}

#[tokio::test]
async fn a_nul_character_is_refused_at_every_edge_on_both_databases() {
    for db in common::databases().await {
        let name = db.name();
        let hosted = Daemon::hosted().on(&db).start().await;
        let token = account(&hosted, "a").await;
        let local = Daemon::local().automatic_sync(false).start().await;
        let peer = pair(&local, &hosted, &token).await;
        for (daemon, bearer) in [
            (&local, local.local_secret().await),
            (&hosted, token.clone()),
        ] {
            let at = format!("{} on {name}", daemon.state.config.mode.as_str());
            let (status, body) = daemon
                .call_as(
                    &bearer,
                    "POST",
                    "/api/conversations",
                    Some(json!({"title": "a\u{0}b"})),
                )
                .await;
            assert_refused(status, &body, 422, &at);
            assert!(
                body["error"]["message"].as_str().unwrap().contains("title"),
                "{body}"
            );
            let (status, body) = daemon
                .call_as(
                    &bearer,
                    "POST",
                    "/api/conversations",
                    Some(json!({"title": "ok"})),
                )
                .await;
            assert_eq!(status, 201, "{at}: {body}");
            let conv = body["id"].as_str().unwrap().to_string();
            let path = format!("/api/conversations/{conv}/messages");
            let message = json!({"role": "user", "content": "nul \u{0} here"});
            let (status, body) = daemon.call_as(&bearer, "POST", &path, Some(message)).await;
            assert_refused(status, &body, 422, &at);
            assert!(
                body["error"]["message"]
                    .as_str()
                    .unwrap()
                    .contains("content"),
                "{body}"
            );
        }
        // And a version carrying one, pushed by a peer, is refused before anything applies.
        let id = uuid::Uuid::now_v7().to_string();
        let version = format!("{:015}-000000-{}", hosted.now() * 1000, local.id());
        let record = json!({
            "kind": "conversation", "id": id, "conversation_id": null, "title": "x\u{0}y",
            "role": null, "content": null, "created_at": 1, "updated_at": 1, "deleted": false,
            "version": version, "source_backend": local.id(), "seq": 0, "origin_peer": null
        });
        let body =
            json!({"v": 1, "epoch": "e", "since": null, "push_through": 1, "changes": [record]});
        let (status, answer) = push(&local, &hosted, &peer, &body).await;
        assert_eq!(status, 200, "{name}: {answer}");
        assert_eq!(answer["refused"][0]["code"], "invalid_request", "{name}");
        let why = answer["refused"][0]["message"].as_str().unwrap();
        assert!(why.contains("NUL"), "{name}: {why}");
        let (status, _) = hosted
            .call_as(&token, "GET", &format!("/api/conversations/{id}"), None)
            .await;
        assert_eq!(status, 404, "{name}: nothing of it was stored");
    }
}

/// Only the hosted daemon relays other backends' versions: a local daemon pushing one that
/// names another backend (to pass off its edits as someone else's) has it refused.
#[tokio::test]
async fn a_peer_cannot_push_versions_of_another_backend() {
    for db in common::databases().await {
        let name = db.name();
        let hosted = Daemon::hosted().on(&db).start().await;
        let token = account(&hosted, "a").await;
        let local = Daemon::local().automatic_sync(false).start().await;
        let other = Daemon::local().automatic_sync(false).start().await;
        let peer = pair(&local, &hosted, &token).await;
        let id = uuid::Uuid::now_v7().to_string();
        let version = format!("{:015}-000000-{}", hosted.now() * 1000, other.id());
        let record = json!({
            "kind": "conversation", "id": id, "conversation_id": null, "title": "forged",
            "role": null, "content": null, "created_at": 1, "updated_at": 1, "deleted": false,
            "version": version, "source_backend": other.id(), "seq": 0, "origin_peer": null
        });
        let body =
            json!({"v": 1, "epoch": "e", "since": null, "push_through": 1, "changes": [record]});
        let (status, answer) = push(&local, &hosted, &peer, &body).await;
        assert_eq!(status, 200, "{name}: {answer}");
        assert_eq!(
            answer["refused"][0]["code"], "wrong_source",
            "{name}: {answer}"
        );
        let (status, _) = hosted
            .call_as(&token, "GET", &format!("/api/conversations/{id}"), None)
            .await;
        assert_eq!(status, 404, "{name}: nothing of it was stored");
    }
}
