//! Rotating the local daemon's identity key: `identity rotate` on the stopped daemon's data
//! dir, then a start that tells the hosted end over the signed channel. Sync and renewal go
//! on without pairing again; the old key vouches for the new one for seven days on the
//! injected clock and not a second longer; a statement the pinned key did not sign moves
//! nothing.

use std::time::Duration;

use backend_8825::cli::rotate_identity;
use backend_8825::config::RateLimit;
use backend_8825::identity::{IdentityKey, KEY_GRACE_SECS, KeyChange, Rotation};
use backend_8825::peers::{PeerCall, announce_key_change, renew_peer, signed_request};
use backend_8825::sync::sync_peer_now;
use serde_json::{Value, json};

use crate::common::{self, Daemon, Db, account, eventually, pair};
use crate::peer::current_key;

const WAIT: Duration = Duration::from_secs(20);

/// The local daemon's key id as the hosted end pins it for `peer` (its `GET /peers`).
async fn pinned_on_hosted(hosted: &Daemon, token: &str, peer: &str) -> String {
    let entry = crate::peer::peer_entry(hosted, token, peer).await;
    entry["remote"]["key_id"].as_str().unwrap().to_string()
}

/// Stops `local`, rotates its key as `backend-8825 identity rotate` does, on its clock.
async fn rotate_stopped(local: &mut Daemon) -> Rotation {
    local.stop().await;
    rotate_identity(local.config(), local.keychain(), local.clock.as_ref())
        .await
        .expect("the stopped daemon's key rotates")
}

/// A hosted daemon on `hosted_db` with an account, and a local one on `local_db` paired with
/// it (no automatic sync: the test says when).
async fn paired(hosted_db: &Db, local_db: &Db) -> (Daemon, String, Daemon, String) {
    let hosted = Daemon::hosted().on(hosted_db).start().await;
    let token = account(&hosted, "alice").await;
    let local = Daemon::local()
        .on(local_db)
        .automatic_sync(false)
        .start()
        .await;
    let peer = pair(&local, &hosted, &token).await;
    (hosted, token, local, peer)
}

/// Waits until the local daemon's pair key for `peer` is no longer `old_kid`: the renewal
/// that follows the announcement is done (syncing before that would race it).
async fn renewed_since(local: &Daemon, peer: &str, old_kid: &str) {
    let store = &local.state.store;
    eventually("the local end to renew after telling", WAIT, || async {
        store.peer(peer).await.unwrap().unwrap().kid != old_kid
    })
    .await;
}

async fn write_and_sync(local: &Daemon, hosted: &Daemon, token: &str, peer: &str, title: &str) {
    let (status, body) = local
        .post("/api/conversations", json!({"title": title}))
        .await;
    assert_eq!(status, 201, "{body}");
    sync_peer_now(&local.state, peer).await.expect("sync works");
    let (status, list) = hosted
        .call_as(token, "GET", "/api/conversations", None)
        .await;
    assert_eq!(status, 200, "{list}");
    assert!(
        list.to_string().contains(title),
        "{title} reached the hosted end"
    );
}

#[tokio::test]
async fn a_rotated_local_key_reaches_the_hosted_end_and_nothing_is_paired_again() {
    // The hosted end re-pins on each database; a local daemon is always on SQLite.
    for db in common::databases().await {
        let name = db.name();
        let (hosted, token, mut local, peer) = paired(&db, &Db::Sqlite).await;
        write_and_sync(&local, &hosted, &token, &peer, "before the rotation").await;
        let old_key = local.state.identity.key_id().to_string();
        let old_kid = local.state.store.peer(&peer).await.unwrap().unwrap().kid;

        // Not while the daemon runs: nothing changes.
        let refused = rotate_identity(local.config(), local.keychain(), local.clock.as_ref())
            .await
            .unwrap_err()
            .to_string();
        assert!(refused.contains("stop it"), "{name}: {refused}");
        let (_, doc) = local.get("/identity").await;
        assert_eq!(doc["key_id"], old_key.as_str(), "{name}");
        assert!(doc.get("previous_keys").is_none(), "{name}: {doc}");

        let rotation = rotate_stopped(&mut local).await;
        assert_eq!(rotation.old_key_id.as_str(), old_key, "{name}");
        local.restart().await;
        let new_key = rotation.new_key_id.to_string();
        assert_eq!(local.state.identity.key_id().as_str(), new_key, "{name}");

        // GET /identity: the new key, and the old one with its statement during the grace.
        let (status, doc) = local.get("/identity").await;
        assert_eq!(status, 200, "{name}: {doc}");
        assert_eq!(doc["key_id"], new_key.as_str(), "{name}");
        let previous = &doc["previous_keys"][0];
        assert_eq!(previous["key_id"], old_key.as_str(), "{name}: {doc}");
        assert_eq!(
            previous["valid_until"],
            local.now() + KEY_GRACE_SECS,
            "{name}"
        );
        assert_eq!(previous["key_change"]["new_key_id"], new_key.as_str());
        assert_eq!(previous["key_change"]["old_key_id"], old_key.as_str());

        // The start told the hosted end, which re-pinned, then renewed with the new key.
        eventually("the hosted end to pin the new key", WAIT, || async {
            pinned_on_hosted(&hosted, &token, &peer).await == new_key
        })
        .await;
        renewed_since(&local, &peer, &old_kid).await;

        write_and_sync(&local, &hosted, &token, &peer, "after the rotation").await;
        let renewed = renew_peer(&local.state, &peer).await;
        assert!(renewed.is_ok(), "{name}: {:?}", renewed.err());
        // Telling again changes nothing and needs no new renewal.
        let told = announce_key_change(&local.state).await;
        assert_eq!(told, vec![(peer.clone(), Ok(()))], "{name}");
        write_and_sync(&local, &hosted, &token, &peer, "told twice").await;
        assert_eq!(pinned_on_hosted(&hosted, &token, &peer).await, new_key);
    }
}

/// Rotates the local key, then lets `offset` seconds pass on both clocks before the local
/// daemon starts again: its SBT has run out, so the hosted end hears of the key with the
/// renewal (signed with the new key, carrying the statement).
async fn rotate_then_wait(db: &Db, offset: i64) -> Waited {
    let (hosted, token, mut local, peer) = paired(db, &Db::Sqlite).await;
    let old_kid = local.state.store.peer(&peer).await.unwrap().unwrap().kid;
    let rotation = rotate_stopped(&mut local).await;
    hosted.advance(offset);
    local.advance(offset);
    local.restart().await;
    Waited {
        hosted,
        token,
        local,
        peer,
        rotation,
        old_kid,
    }
}

/// Two daemons after [`rotate_then_wait`].
struct Waited {
    hosted: Daemon,
    token: String,
    local: Daemon,
    peer: String,
    rotation: Rotation,
    /// The pair key's kid before the rotation.
    old_kid: String,
}

#[tokio::test]
async fn the_old_key_vouches_until_the_grace_ends() {
    for db in common::databases().await {
        let name = db.name();
        let Waited {
            hosted,
            token,
            local,
            peer,
            rotation,
            old_kid,
        } = rotate_then_wait(&db, KEY_GRACE_SECS - 1).await;
        let new_key = rotation.new_key_id.to_string();
        eventually("the hosted end to pin the new key", WAIT, || async {
            pinned_on_hosted(&hosted, &token, &peer).await == new_key
        })
        .await;
        renewed_since(&local, &peer, &old_kid).await;
        write_and_sync(&local, &hosted, &token, &peer, "a week later").await;
        let (_, doc) = local.get("/identity").await;
        assert_eq!(doc["previous_keys"].as_array().map(Vec::len), Some(1));

        // Two seconds on, the grace is over: the identity document drops the old key.
        local.advance(2);
        let (_, doc) = local.get("/identity").await;
        assert!(doc.get("previous_keys").is_none(), "{name}: {doc}");
    }
}

#[tokio::test]
async fn after_the_grace_the_old_key_vouches_for_nothing() {
    for db in common::databases().await {
        let name = db.name();
        let Waited {
            hosted,
            token,
            local,
            peer,
            rotation,
            ..
        } = rotate_then_wait(&db, KEY_GRACE_SECS + 1).await;
        let old_key = rotation.old_key_id.to_string();
        // Told directly as well as at the start: the statement and the renewal are refused.
        let told = announce_key_change(&local.state).await;
        assert!(
            told.is_empty(),
            "{name}: past its grace, nothing is sent: {told:?}"
        );
        let refused = renew_peer(&local.state, &peer).await.unwrap_err();
        assert_eq!(refused.code, "bad_proof", "{name}: {}", refused.message);
        assert_eq!(pinned_on_hosted(&hosted, &token, &peer).await, old_key);

        // Even with the expired statement forced into the request: refused, nothing moves.
        let statement: KeyChange = serde_json::from_str(&old_statement(&local).await).unwrap();
        let (status, body) = renew_with(&local, &hosted, &peer, vec![statement]).await;
        assert_eq!(status, 401, "{name}: {body}");
        assert_eq!(common::error_code(&body), "key_change_refused", "{name}");
        assert!(body.to_string().contains("grace"), "{name}: {body}");
        assert_eq!(pinned_on_hosted(&hosted, &token, &peer).await, old_key);
    }
}

#[tokio::test]
async fn a_statement_the_pinned_key_did_not_sign_moves_nothing() {
    let forger = IdentityKey::generate().unwrap();
    let intruder = IdentityKey::generate().unwrap();
    for db in common::databases().await {
        let name = db.name();
        let (hosted, token, local, peer) = paired(&db, &Db::Sqlite).await;
        let pinned = pinned_on_hosted(&hosted, &token, &peer).await;
        let me = &local.state.identity;
        // Claims to come from the pinned key, for a key the forger holds; signed by another.
        let mut forged =
            KeyChange::sign(&forger, &me.backend_id, intruder.public(), local.now()).unwrap();
        forged.old_key_id = me.key_id().clone();
        let (status, body) = key_change_call(&local, &hosted, &peer, &forged).await;
        assert_eq!(status, 422, "{name}: {body}");
        assert_eq!(common::error_code(&body), "key_change_refused", "{name}");
        assert_eq!(pinned_on_hosted(&hosted, &token, &peer).await, pinned);

        // The same statement carried by a renewal: refused too.
        let (status, body) = renew_with(&local, &hosted, &peer, vec![forged]).await;
        assert_eq!(status, 401, "{name}: {body}");
        assert_eq!(pinned_on_hosted(&hosted, &token, &peer).await, pinned);
        // The pairing is untouched.
        write_and_sync(&local, &hosted, &token, &peer, "still paired").await;
    }
}

/// The statement the local daemon keeps for its last rotation.
async fn old_statement(local: &Daemon) -> String {
    let rows = local.state.store.previous_identity_keys().await.unwrap();
    rows.last()
        .expect("a rotation is recorded")
        .key_change
        .clone()
}

/// `POST /peers/{peer}/key-change` with `statement`, signed with the local daemon's pair key.
async fn key_change_call(
    local: &Daemon,
    hosted: &Daemon,
    peer: &str,
    statement: &KeyChange,
) -> (u16, Value) {
    let (row, key) = current_key(local, peer).await;
    let call = PeerCall {
        method: reqwest::Method::POST,
        base_url: &hosted.base(),
        path_and_query: &format!("/peers/{peer}/key-change"),
        body: serde_json::to_vec(statement).unwrap(),
        created: hosted.now(),
    };
    let request = signed_request(&local.http, call, &row, &key).unwrap();
    common::read(request.send().await.unwrap()).await
}

/// A renewal signed with the local daemon's current key, carrying `statements`.
async fn renew_with(
    local: &Daemon,
    hosted: &Daemon,
    peer: &str,
    statements: Vec<KeyChange>,
) -> (u16, Value) {
    use backend_8825::peers::transcript::RenewRequest;
    let me = &local.state.identity;
    let hosted_doc = hosted.state.identity.document();
    let nonce = "a-renewal-nonce-of-the-test".to_string();
    let timestamp = hosted.now();
    let transcript = RenewRequest {
        peer_id: peer,
        local_id: me.backend_id.as_str(),
        local_key_id: me.key_id().as_str(),
        hosted_id: hosted_doc.backend_id.as_str(),
        hosted_key_id: hosted_doc.key_id.as_str(),
        nonce: &nonce,
        timestamp,
    }
    .transcript()
    .unwrap();
    use base64::Engine;
    let proof =
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(me.key.sign(&transcript).unwrap());
    let body = json!({
        "v": 1, "local_key_id": me.key_id(), "nonce": nonce, "timestamp": timestamp,
        "proof": proof, "key_changes": statements,
    });
    let url = hosted.url(&format!("/peers/{peer}/renew"));
    common::read(local.http.post(url).json(&body).send().await.unwrap()).await
}

/// As a user runs it: automatic sync on, a write right after the start, racing the
/// announcement and its renewal. Everything settles without help.
#[tokio::test]
async fn with_automatic_sync_on_a_rotation_settles_by_itself() {
    for db in common::databases().await {
        // The test polls the account API until the write arrives; on the hosted daemon's
        // manual clock its rate limit would never refill, and a slow machine would run the
        // burst dry before the write is there.
        let hosted = Daemon::hosted()
            .on(&db)
            .config(|c| c.rate_limits.account_api = RateLimit::OFF)
            .start()
            .await;
        let token = account(&hosted, "alice").await;
        let mut local = Daemon::local().start().await;
        let peer = pair(&local, &hosted, &token).await;
        let rotation = rotate_stopped(&mut local).await;
        local.restart().await;
        let new_key = rotation.new_key_id.to_string();
        let (status, body) = local
            .post("/api/conversations", json!({"title": "written at once"}))
            .await;
        assert_eq!(status, 201, "{}: {body}", db.name());
        eventually("the hosted end to pin the new key", WAIT, || async {
            pinned_on_hosted(&hosted, &token, &peer).await == new_key
        })
        .await;
        eventually("the write to reach the hosted end", WAIT, || async {
            let (_, list) = hosted
                .call_as(&token, "GET", "/api/conversations", None)
                .await;
            list.to_string().contains("written at once")
        })
        .await;
    }
}
