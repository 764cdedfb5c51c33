//! Rotating the hosted daemon's identity key. It cannot call its local peers: they learn at
//! their next renewal, whose grant comes signed with the new key, by fetching `GET /identity`
//! and checking the statement the key they pinned signed for it. Until then the hosted end
//! still takes SBTs and renewal proofs naming its previous key, for seven days and no more.

use backend_8825::cli::rotate_identity;
use backend_8825::identity::{IdentityKey, KEY_GRACE_SECS, KeyChange, Rotation};
use backend_8825::peers::renew_peer;
use backend_8825::sync::sync_peer_now;
use serde_json::json;

use crate::common::{self, Daemon, account, pair};

/// The hosted key the local daemon has pinned for `peer` (its `GET /peers`).
async fn pinned_on_local(local: &Daemon, peer: &str) -> String {
    let entry = crate::peer::peer_entry(local, &local.bearer, peer).await;
    entry["remote"]["key_id"].as_str().unwrap().to_string()
}

async fn write_and_sync(local: &Daemon, peer: &str, title: &str) {
    let (status, body) = local
        .post("/api/conversations", json!({"title": title}))
        .await;
    assert_eq!(status, 201, "{body}");
    sync_peer_now(&local.state, peer).await.expect("sync works");
}

/// A paired hosted and local daemon, the hosted one's key rotated while it was stopped and
/// `offset` seconds passed on both clocks before it started again.
async fn hosted_rotated(db: &common::Db, offset: i64) -> (Daemon, Daemon, String, Rotation) {
    let mut hosted = Daemon::hosted().on(db).start().await;
    let token = account(&hosted, "alice").await;
    let local = Daemon::local().automatic_sync(false).start().await;
    let peer = pair(&local, &hosted, &token).await;
    write_and_sync(&local, &peer, "before the rotation").await;
    hosted.stop().await;
    let rotation = rotate_identity(hosted.config(), hosted.keychain(), hosted.clock.as_ref())
        .await
        .expect("the stopped hosted daemon's key rotates");
    hosted.advance(offset);
    local.advance(offset);
    hosted.restart().await;
    (hosted, local, peer, rotation)
}

#[tokio::test]
async fn local_peers_follow_a_rotated_hosted_key_at_their_next_renewal() {
    for db in common::databases().await {
        let name = db.name();
        let (hosted, local, peer, rotation) = hosted_rotated(&db, 0).await;
        let (old, new) = (
            rotation.old_key_id.to_string(),
            rotation.new_key_id.to_string(),
        );
        let (_, doc) = hosted.get("/identity").await;
        assert_eq!(doc["key_id"], new.as_str(), "{name}");
        assert_eq!(doc["previous_keys"][0]["key_id"], old.as_str(), "{name}");

        // The SBT in hand binds the previous hosted key: still taken during the grace.
        write_and_sync(&local, &peer, "with the old binding").await;
        assert_eq!(pinned_on_local(&local, &peer).await, old, "{name}");
        // The renewal's grant comes with the new key: the local end checks and re-pins.
        let renewed = renew_peer(&local.state, &peer).await;
        assert!(renewed.is_ok(), "{name}: {:?}", renewed.err());
        assert_eq!(pinned_on_local(&local, &peer).await, new, "{name}");
        write_and_sync(&local, &peer, "after re-pinning").await;
        let renewed = renew_peer(&local.state, &peer).await;
        assert!(renewed.is_ok(), "{name}: {:?}", renewed.err());
    }
}

#[tokio::test]
async fn a_local_peer_follows_until_the_hosted_grace_ends() {
    for db in common::databases().await {
        let name = db.name();
        let (_hosted, local, peer, rotation) = hosted_rotated(&db, KEY_GRACE_SECS - 1).await;
        let renewed = renew_peer(&local.state, &peer).await;
        assert!(renewed.is_ok(), "{name}: {:?}", renewed.err());
        let new = rotation.new_key_id.to_string();
        assert_eq!(pinned_on_local(&local, &peer).await, new, "{name}");
        write_and_sync(&local, &peer, "a week later").await;
    }
}

#[tokio::test]
async fn after_the_hosted_grace_the_old_key_is_refused() {
    for db in common::databases().await {
        let name = db.name();
        let (_hosted, local, peer, rotation) = hosted_rotated(&db, KEY_GRACE_SECS + 1).await;
        let refused = renew_peer(&local.state, &peer).await.unwrap_err();
        assert_eq!(refused.code, "bad_proof", "{name}: {}", refused.message);
        let old = rotation.old_key_id.to_string();
        assert_eq!(pinned_on_local(&local, &peer).await, old, "{name}");
        assert!(sync_peer_now(&local.state, &peer).await.is_err(), "{name}");
    }
}

#[tokio::test]
async fn a_hosted_statement_the_pinned_key_did_not_sign_moves_nothing() {
    let forger = IdentityKey::generate().unwrap();
    for db in common::databases().await {
        let name = db.name();
        let (mut hosted, local, peer, rotation) = hosted_rotated(&db, 0).await;
        // The stored statement swapped for one another key signed, naming the same keys.
        let store = hosted.state.store.clone();
        let mut record = store.previous_identity_keys().await.unwrap().pop().unwrap();
        let me = &hosted.state.identity;
        let mut forged =
            KeyChange::sign(&forger, &me.backend_id, me.key.public(), hosted.now()).unwrap();
        forged.old_key_id = rotation.old_key_id.clone();
        record.key_change = serde_json::to_string(&forged).unwrap();
        store
            .remove_previous_identity_key(&record.key_id)
            .await
            .unwrap();
        store.add_previous_identity_key(&record).await.unwrap();
        hosted.restart().await;

        let refused = renew_peer(&local.state, &peer).await.unwrap_err();
        assert_eq!(
            refused.code, "hosted_key_mismatch",
            "{name}: {}",
            refused.message
        );
        assert!(
            refused.message.contains("not signed"),
            "{}",
            refused.message
        );
        let old = rotation.old_key_id.to_string();
        assert_eq!(pinned_on_local(&local, &peer).await, old, "{name}");
    }
}
