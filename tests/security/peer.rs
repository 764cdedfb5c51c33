//! Acting as a paired local daemon by hand: signed requests with its real pair key.

use backend_8825::handshake::pair_key::PairKey;
use backend_8825::peers::{PeerCall, load_pair_key, signed_request};
use backend_8825::store::{PeerKey, Record};
use backend_8825::sync::hlc::{Stamp, format_version};
use serde_json::Value;

use crate::common::{Daemon, Db, account, pair, read};

/// The local daemon's current pair key row for `peer` (with its SBT) and the key.
pub async fn current_key(local: &Daemon, peer: &str) -> (PeerKey, PairKey) {
    let store = &local.state.store;
    let current = store.peer(peer).await.unwrap().unwrap();
    let row = store.peer_key(peer, &current.kid).await.unwrap().unwrap();
    let key = load_pair_key(&local.state, &row).unwrap();
    (row, key)
}

/// A signed `POST /sync/{peer}` from `local` to `hosted`, with any body: the status and the
/// JSON answer.
pub async fn push(local: &Daemon, hosted: &Daemon, peer: &str, body: &Value) -> (u16, Value) {
    let (row, key) = current_key(local, peer).await;
    push_with(local, hosted, peer, body, &row, &key).await
}

/// [`push`] signed with a given key row (its SBT is the one sent).
pub async fn push_with(
    local: &Daemon,
    hosted: &Daemon,
    peer: &str,
    body: &Value,
    row: &PeerKey,
    key: &PairKey,
) -> (u16, Value) {
    let call = PeerCall {
        method: reqwest::Method::POST,
        base_url: &hosted.base(),
        path_and_query: &format!("/sync/{peer}"),
        body: serde_json::to_vec(body).unwrap(),
        created: hosted.now(),
    };
    let request = signed_request(&local.http, call, row, key).unwrap();
    read(request.send().await.unwrap()).await
}

/// A hosted daemon on `db` with the account "a", and a local daemon (syncing only when the
/// test asks) paired into it: `(hosted, token, local, peer_id)`.
pub async fn paired(db: &Db) -> (Daemon, String, Daemon, String) {
    let hosted = Daemon::hosted().on(db).start().await;
    let token = account(&hosted, "a").await;
    let local = Daemon::local().automatic_sync(false).start().await;
    let peer = pair(&local, &hosted, &token).await;
    (hosted, token, local, peer)
}

/// Creates a conversation through the API as `bearer`: the status and the answer.
pub async fn create(daemon: &Daemon, bearer: &str, title: &str) -> (u16, Value) {
    let body = serde_json::json!({ "title": title });
    daemon
        .call_as(bearer, "POST", "/api/conversations", Some(body))
        .await
}

/// A conversation version as a peer would push it: written by `backend` at `stamp`.
pub fn conversation(id: &str, title: &str, stamp: Stamp, backend: &str) -> Record {
    Record {
        kind: "conversation".into(),
        id: id.to_string(),
        conversation_id: None,
        title: Some(title.to_string()),
        role: None,
        content: None,
        created_at: 1,
        updated_at: 1,
        deleted: false,
        version: format_version(stamp, backend),
        source_backend: backend.to_string(),
        seq: 0,
        e2e: None,
        origin_peer: None,
    }
}

/// A sync request pushing `changes`.
pub fn sync_body(changes: &[Record]) -> Value {
    serde_json::json!({"v": 1, "epoch": "e", "since": null, "push_through": 1, "changes": changes})
}

/// The entry of `peer` in `GET /peers` of `daemon`, asked as `bearer`.
pub async fn peer_entry(daemon: &Daemon, bearer: &str, peer: &str) -> Value {
    let (status, peers) = daemon.call_as(bearer, "GET", "/peers", None).await;
    assert_eq!(status, 200, "{peers}");
    let found = peers
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["peer_id"] == peer);
    found.unwrap().clone()
}
