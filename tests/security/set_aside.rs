//! A version the peer refuses never blocks the versions behind it. Before, one message the
//! hosted daemon could not take (a NUL character on Postgres) stalled the local daemon's
//! push for good: nothing written after it ever arrived.

use backend_8825::sync::hlc::Stamp;
use backend_8825::sync::sync_peer_now;
use serde_json::{Value, json};

use crate::common::{self, Daemon};
use crate::peer::{conversation, paired};

async fn peer_view(local: &Daemon, peer: &str) -> Value {
    let entry = crate::peer::peer_entry(local, &local.bearer, peer).await;
    entry["sync"].clone()
}

async fn hosted_titles(hosted: &Daemon, token: &str) -> Vec<String> {
    let (_, list) = hosted
        .call_as(token, "GET", "/api/conversations", None)
        .await;
    let items = list["items"].as_array().unwrap();
    items
        .iter()
        .map(|c| c["title"].as_str().unwrap().to_string())
        .collect()
}

#[tokio::test]
async fn a_refused_version_is_set_aside_shown_and_retried_when_it_could_succeed() {
    for db in common::databases().await {
        let name = db.name();
        let (hosted, token, local, peer) = paired(&db).await;

        // A write made while the laptop's clock was an hour fast, then one after it was set
        // right (which its clock, never going back, still stamps an hour ahead); and one on
        // the hosted side, which comes down meanwhile.
        local.advance(3600);
        let fast = json!({"title": "fast"});
        let (status, body) = local.post("/api/conversations", fast).await;
        assert_eq!(status, 201, "{body}");
        local.advance(-3600);
        let after = json!({"title": "after"});
        let (status, body) = local.post("/api/conversations", after).await;
        assert_eq!(status, 201, "{body}");
        let conv = json!({"title": "hosted"});
        let (status, _) = hosted
            .call_as(&token, "POST", "/api/conversations", Some(conv))
            .await;
        assert_eq!(status, 201);

        let summary = sync_peer_now(&local.state, &peer).await.unwrap();
        assert_eq!(
            (summary.set_aside, summary.pulled),
            (2, 1),
            "{name}: {summary:?}"
        );
        assert_eq!(
            hosted_titles(&hosted, &token).await,
            vec!["hosted"],
            "{name}"
        );
        let view = peer_view(&local, &peer).await;
        assert_eq!(view["set_aside"], 2, "{name}: {view}");
        let reason = view["set_aside_reason"].as_str().unwrap();
        assert!(
            reason.starts_with("clock_offset_exceeded"),
            "{name}: {reason}"
        );
        assert_eq!(view["state"], "ok", "{name}: the sync itself succeeded");

        // Not pushed again while it would still be refused...
        let summary = sync_peer_now(&local.state, &peer).await.unwrap();
        assert_eq!(
            (summary.pushed, summary.set_aside),
            (0, 0),
            "{name}: {summary:?}"
        );
        // ... and taken once the clocks have caught up with it.
        local.advance(3600);
        hosted.advance(3600);
        let summary = sync_peer_now(&local.state, &peer).await.unwrap();
        assert_eq!(
            (summary.pushed, summary.set_aside),
            (2, 0),
            "{name}: {summary:?}"
        );
        let mut titles = hosted_titles(&hosted, &token).await;
        titles.sort();
        assert_eq!(titles, vec!["after", "fast", "hosted"], "{name}");
        assert_eq!(peer_view(&local, &peer).await["set_aside"], 0, "{name}");
    }
}

#[tokio::test]
async fn a_version_no_peer_will_take_waits_for_a_newer_one_and_blocks_nothing() {
    for db in common::databases().await {
        let name = db.name();
        let (hosted, token, local, peer) = paired(&db).await;

        // A title with a NUL, as a local daemon from before the text rule could store it.
        let id = uuid::Uuid::now_v7().to_string();
        let stamp = Stamp {
            ms: local.now() * 1000,
            counter: 0,
        };
        let old = conversation(&id, "nul\u{0}title", stamp, &local.id());
        let store = &local.state.store;
        store
            .apply_versions("local", &[old], None, None)
            .await
            .unwrap();
        let (status, _) = local
            .post("/api/conversations", json!({"title": "behind it"}))
            .await;
        assert_eq!(status, 201);

        let summary = sync_peer_now(&local.state, &peer).await.unwrap();
        assert_eq!(summary.set_aside, 1, "{name}: {summary:?}");
        assert_eq!(
            hosted_titles(&hosted, &token).await,
            vec!["behind it"],
            "{name}"
        );
        let view = peer_view(&local, &peer).await;
        assert!(
            view["set_aside_reason"].as_str().unwrap().contains("NUL"),
            "{view}"
        );
        // Never pushed again as it is...
        let summary = sync_peer_now(&local.state, &peer).await.unwrap();
        assert_eq!(summary.pushed, 0, "{name}: {summary:?}");
        // ... but an edit replaces it, and the edit syncs.
        let path = format!("/api/conversations/{id}");
        let (status, body) = local
            .call("PATCH", &path, Some(json!({"title": "fixed"})))
            .await;
        assert_eq!(status, 200, "{body}");
        let summary = sync_peer_now(&local.state, &peer).await.unwrap();
        assert_eq!(
            (summary.pushed, summary.set_aside),
            (1, 0),
            "{name}: {summary:?}"
        );
        assert_eq!(peer_view(&local, &peer).await["set_aside"], 0, "{name}");
        let mut titles = hosted_titles(&hosted, &token).await;
        titles.sort();
        assert_eq!(titles, vec!["behind it", "fixed"], "{name}");
    }
}
