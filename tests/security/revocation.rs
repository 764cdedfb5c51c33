//! Revoking a pairing from either end, and an account's token: at once, with no grace. There
//! was no route for either before: a pairing could only end when its SBT ran out.

use std::time::Duration;

use backend_8825::peers::load_pair_key;
use backend_8825::sync::sync_peer_now;
use backend_8825::telemetry::TelemetryAccess;
use serde_json::{Value, json};

use crate::common::{self, Daemon, account, eventually, pair};
use crate::peer::{current_key, paired, push_with};

const WAIT: Duration = Duration::from_secs(10);

async fn status_of(daemon: &Daemon, bearer: &str, peer: &str) -> String {
    let entry = crate::peer::peer_entry(daemon, bearer, peer).await;
    entry["status"].as_str().unwrap().to_string()
}

fn empty_sync() -> Value {
    json!({"v": 1, "epoch": "e", "since": null, "push_through": 0, "changes": []})
}

#[tokio::test]
async fn the_hosted_end_revokes_and_the_local_end_follows() {
    for db in common::databases().await {
        let name = db.name();
        let hosted = Daemon::hosted().on(&db).start().await;
        let token = account(&hosted, "a").await;
        let other = account(&hosted, "b").await;
        let local = Daemon::local().automatic_sync(false).start().await;
        let peer = pair(&local, &hosted, &token).await;
        sync_peer_now(&local.state, &peer).await.unwrap();
        let hub = &hosted.state.telemetry().hub;
        eventually("the telemetry socket", WAIT, || async {
            hub.connected().contains(&peer)
        })
        .await;
        let (row, key) = current_key(&local, &peer).await;

        // Another account cannot revoke it.
        let path = format!("/peers/{peer}");
        let (status, body) = hosted.call_as(&other, "DELETE", &path, None).await;
        assert_eq!(status, 404, "{name}: {body}");

        let (status, body) = hosted.call_as(&token, "DELETE", &path, None).await;
        assert_eq!(status, 200, "{name}: {body}");
        assert_eq!(body["status"], "revoked", "{name}");
        // At once: the socket is closed, a signed request with the old key is refused.
        eventually("the socket to close", WAIT, || async {
            !hub.connected().contains(&peer)
        })
        .await;
        let (status, answer) = push_with(&local, &hosted, &peer, &empty_sync(), &row, &key).await;
        assert_eq!(status, 401, "{name}: {answer}");
        assert_eq!(answer["error"]["code"], "revoked", "{name}");

        // The local end learns (from the socket's close, or at its next sync), marks the
        // peer revoked and drops the pair key.
        let _ = sync_peer_now(&local.state, &peer).await;
        let secret = local.local_secret().await;
        eventually("the local end to mark it revoked", WAIT, || async {
            status_of(&local, &secret, &peer).await == "revoked"
        })
        .await;
        assert!(
            load_pair_key(&local.state, &row).is_err(),
            "{name}: the key is gone"
        );
        let refused = sync_peer_now(&local.state, &peer).await.unwrap_err();
        assert_eq!(refused.status, 409, "{name}: {}", refused.message);
        assert!(
            refused.message.contains("revoked"),
            "{name}: {}",
            refused.message
        );
    }
}

#[tokio::test]
async fn the_local_end_revokes_and_tells_the_hosted_end() {
    for db in common::databases().await {
        let name = db.name();
        let (hosted, token, local, peer) = paired(&db).await;
        let (row, key) = current_key(&local, &peer).await;

        let (status, body) = local.call("DELETE", &format!("/peers/{peer}"), None).await;
        assert_eq!(status, 200, "{name}: {body}");
        assert_eq!(body["hosted_notified"], true, "{name}: {body}");
        assert_eq!(body["peer"]["status"], "revoked", "{name}");
        assert_eq!(status_of(&hosted, &token, &peer).await, "revoked", "{name}");
        assert!(
            load_pair_key(&local.state, &row).is_err(),
            "{name}: the key is gone"
        );
        // A stolen copy of the key is no use any more.
        let (status, answer) = push_with(&local, &hosted, &peer, &empty_sync(), &row, &key).await;
        assert_eq!(status, 401, "{name}: {answer}");
        assert_eq!(answer["error"]["code"], "revoked", "{name}");
        // Renewal, which rests on the identity key, is refused too.
        let refused = backend_8825::peers::renew_peer(&local.state, &peer).await;
        assert!(refused.is_err(), "{name}");
    }
}

#[tokio::test]
async fn a_revocation_holds_here_when_the_hosted_end_cannot_be_told() {
    let mut hosted = Daemon::hosted().start().await;
    let token = account(&hosted, "a").await;
    let local = Daemon::local().automatic_sync(false).start().await;
    let peer = pair(&local, &hosted, &token).await;
    hosted.stop().await;
    let (status, body) = local.call("DELETE", &format!("/peers/{peer}"), None).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["hosted_notified"], false, "{body}");
    let why = body["hosted_error"].as_str().unwrap();
    assert!(why.contains("cannot be reached"), "{why}");
    assert_eq!(body["peer"]["status"], "revoked");
}

#[tokio::test]
async fn an_account_token_can_be_rotated_and_revoked() {
    for db in common::databases().await {
        let name = db.name();
        let hosted = Daemon::hosted().on(&db).start().await;
        let old = account(&hosted, "a").await;
        let store = hosted.state.store.as_ref();
        let new = backend_8825::accounts::rotate_token(store, "a")
            .await
            .unwrap();
        let new = new.expose().clone();
        let (status, _) = hosted.call_as(&old, "GET", "/peers", None).await;
        assert_eq!(status, 401, "{name}: the old token stopped at once");
        let (status, _) = hosted.call_as(&new, "GET", "/peers", None).await;
        assert_eq!(status, 200, "{name}");
        backend_8825::accounts::revoke_token(store, "a")
            .await
            .unwrap();
        for token in [&old, &new] {
            let (status, _) = hosted.call_as(token, "GET", "/peers", None).await;
            assert_eq!(status, 401, "{name}");
        }
    }
}
