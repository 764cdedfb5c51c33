//! Acting as a paired local daemon by hand: signed requests with its real pair key.

use backend_8825::handshake::pair_key::PairKey;
use backend_8825::peers::{PeerCall, load_pair_key, signed_request};
use backend_8825::store::PeerKey;
use serde_json::Value;

use crate::common::{Daemon, read};

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
