//! Accounts on a hosted daemon, and pairing a local daemon with it the way the UI does: a
//! pairing code from the hosted API, then the local `POST /register-peer`.

use backend_8825::accounts;
use serde_json::json;

use super::{Daemon, Db};

/// Creates the account `name` on a hosted daemon; returns its token.
pub async fn account(hosted: &Daemon, name: &str) -> String {
    let state = &hosted.state;
    let (_, token) = accounts::create_account(state.store.as_ref(), state.clock.as_ref(), name)
        .await
        .unwrap();
    token.expose().clone()
}

/// A hosted daemon on `db` with the account "alice", signed in (its token is the daemon's
/// bearer); and the token.
pub async fn hosted_with_account(db: &Db) -> (Daemon, String) {
    let mut hosted = Daemon::hosted().on(db).start().await;
    let token = account(&hosted, "alice").await;
    hosted.bearer = token.clone();
    (hosted, token)
}

/// Pairs `local` with `hosted` into the account of `token`; returns the peer id.
pub async fn pair(local: &Daemon, hosted: &Daemon, token: &str) -> String {
    pair_via(local, hosted, token, &hosted.base()).await
}

/// [`pair`], with the local daemon told to reach the hosted one at `hosted_url` (a proxy in
/// front of it, say).
pub async fn pair_via(local: &Daemon, hosted: &Daemon, token: &str, hosted_url: &str) -> String {
    let (status, body) = hosted.call_as(token, "POST", "/pairing-codes", None).await;
    assert_eq!(status, 201, "{body}");
    let code = body["code"].as_str().unwrap();
    let request = json!({"hosted_url": hosted_url, "pairing_code": code});
    let (status, body) = local.post("/register-peer", request).await;
    assert_eq!(status, 201, "{body}");
    body["peer"]["peer_id"].as_str().unwrap().to_string()
}
