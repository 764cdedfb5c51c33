//! What the sync suite does to the common daemons: drive the conversation API, run a sync
//! of a peer, and set up a hosted daemon with one local daemon paired to it.

use backend_8825::sync::{SyncSummary, sync_peer_now};
use serde_json::json;

use crate::common::{Daemon, Db, hosted_with_account, pair};

/// A local daemon that syncs only when the test asks.
pub async fn local() -> Daemon {
    Daemon::local().automatic_sync(false).start().await
}

/// A hosted daemon with an account (signed in) and one local daemon paired to it.
pub async fn pair_of(db: &Db) -> (Daemon, Daemon, String) {
    pair_with(db, false).await
}

/// [`pair_of`], with the local daemon's automatic sync on or off.
pub async fn pair_with(db: &Db, automatic: bool) -> (Daemon, Daemon, String) {
    let (hosted, token) = hosted_with_account(db).await;
    let local = Daemon::local().automatic_sync(automatic).start().await;
    let peer = pair(&local, &hosted, &token).await;
    (hosted, local, peer)
}

pub async fn sync(local: &Daemon, peer: &str) -> SyncSummary {
    sync_peer_now(&local.state, peer)
        .await
        .unwrap_or_else(|e| panic!("sync failed: {} {}", e.code, e.message))
}

/// The conversation API, as the daemon's bearer.
pub trait Conversations {
    async fn create_conversation(&self, title: &str) -> String;
    async fn post_message(&self, conversation: &str, role: &str, content: &str) -> String;
    /// The messages of a conversation: (content, source_backend), oldest first.
    async fn messages(&self, conversation: &str) -> Vec<(String, String)>;
    async fn conversation(&self, id: &str) -> (u16, serde_json::Value);
    /// Every conversation title, newest first.
    async fn titles(&self) -> Vec<String>;
}

impl Conversations for Daemon {
    async fn create_conversation(&self, title: &str) -> String {
        let (status, body) = self
            .call("POST", "/api/conversations", Some(json!({"title": title})))
            .await;
        assert_eq!(status, 201, "{body}");
        body["id"].as_str().unwrap().to_string()
    }

    async fn post_message(&self, conversation: &str, role: &str, content: &str) -> String {
        let path = format!("/api/conversations/{conversation}/messages");
        let (status, body) = self
            .call(
                "POST",
                &path,
                Some(json!({"role": role, "content": content})),
            )
            .await;
        assert_eq!(status, 201, "{body}");
        body["id"].as_str().unwrap().to_string()
    }

    async fn messages(&self, conversation: &str) -> Vec<(String, String)> {
        let path = format!("/api/conversations/{conversation}/messages?limit=200");
        let (status, body) = self.call("GET", &path, None).await;
        assert_eq!(status, 200, "{body}");
        body["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|m| {
                (
                    m["content"].as_str().unwrap().to_string(),
                    m["source_backend"].as_str().unwrap().to_string(),
                )
            })
            .collect()
    }

    async fn conversation(&self, id: &str) -> (u16, serde_json::Value) {
        self.call("GET", &format!("/api/conversations/{id}"), None)
            .await
    }

    async fn titles(&self) -> Vec<String> {
        let (status, body) = self.call("GET", "/api/conversations?limit=200", None).await;
        assert_eq!(status, 200, "{body}");
        body["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["title"].as_str().unwrap().to_string())
            .collect()
    }
}

/// `n` messages of `conv` made by `backend`, with versions of their own (not yet stored).
pub fn versions(conv: &str, backend: &str, n: usize) -> Vec<backend_8825::store::Record> {
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
