//! SBT renewal: automatic before expiry, after a sleep past expiry, the overlap of the old
//! key, replayed and revoked renewals.

use backend_8825::peers::renew_due_peers;
use backend_8825::peers::{PeerCall, load_pair_key, signed_request};
use reqwest::Method;

use crate::common::{self, error_code, read};
use crate::fixture::Pairing;

async fn remote_binding(h: &Pairing, peer_id: &str) -> (u16, serde_json::Value) {
    h.local
        .get(&format!("/peers/{peer_id}/remote-binding"))
        .await
}

#[tokio::test]
async fn the_local_daemon_renews_before_expiry_and_the_old_key_drains() {
    for db in common::databases().await {
        let h = Pairing::start(&db).await;
        let peer_id = h.paired().await;
        let before = h.local.state.store.peer(&peer_id).await.unwrap().unwrap();
        let old_row = h
            .local
            .state
            .store
            .peer_key(&peer_id, &before.kid)
            .await
            .unwrap()
            .unwrap();
        let old_key = load_pair_key(&h.local.state, &old_row).unwrap();

        // Nothing is due yet.
        assert!(renew_due_peers(&h.local.state).await.is_empty());
        // Seven hours on, the SBT has one hour left: the renewal task's pass renews it.
        h.advance(7 * 3600);
        let renewed = renew_due_peers(&h.local.state).await;
        assert_eq!(renewed, vec![(peer_id.clone(), Ok(()))], "{}", db.name());
        let after = h.local.state.store.peer(&peer_id).await.unwrap().unwrap();
        assert_ne!(after.kid, before.kid);
        assert_eq!(after.sbt_expires_at, h.local.now() + 8 * 3600);
        let (status, binding) = remote_binding(&h, &peer_id).await;
        assert_eq!(status, 200, "{binding}");
        assert_eq!(binding["hosted"]["kid"], after.kid.as_str());
        assert_eq!(binding["local"], binding["hosted"]);
        // Both ends list the new expiry.
        let hosted = h.hosted_peers(&h.token).await;
        assert_eq!(hosted[0]["kid"], after.kid.as_str());

        // The old key still verifies for the overlap, then stops.
        let path = format!("/peers/{peer_id}/binding");
        let base = h.hosted.base();
        let send_old = |created: i64| {
            let call = PeerCall {
                method: Method::GET,
                base_url: &base,
                path_and_query: &path,
                body: Vec::new(),
                created,
            };
            signed_request(&h.http, call, &old_row, &old_key)
                .unwrap()
                .send()
        };
        let (status, body) = read(send_old(h.hosted.now()).await.unwrap()).await;
        assert_eq!(status, 200, "old key within the overlap: {body}");
        h.advance(5 * 60 + 1);
        let (status, body) = read(send_old(h.hosted.now()).await.unwrap()).await;
        assert_eq!((status, error_code(&body)), (401, "unknown_kid"), "{body}");
        // The local side dropped the old key from its key store.
        assert!(load_pair_key(&h.local.state, &old_row).is_err());
    }
}

#[tokio::test]
async fn a_laptop_that_slept_past_expiry_renews_without_pairing_again() {
    for db in common::databases().await {
        let h = Pairing::start(&db).await;
        let peer_id = h.paired().await;
        h.advance(30 * 3600);
        let (status, body) = remote_binding(&h, &peer_id).await;
        assert_eq!(status, 502, "{body}");
        assert!(body.to_string().contains("sbt_expired"), "{body}");
        let renewed = renew_due_peers(&h.local.state).await;
        assert_eq!(renewed, vec![(peer_id.clone(), Ok(()))], "{}", db.name());
        assert_eq!(remote_binding(&h, &peer_id).await.0, 200);
        // The manual route renews too.
        let (status, body) = h
            .local
            .post(&format!("/peers/{peer_id}/renew"), serde_json::json!({}))
            .await;
        assert_eq!(status, 200, "{body}");
        let audited = h.hosted.state.store.audit_entries(20).await.unwrap();
        let renewals = audited
            .iter()
            .filter(|e| e.event == "renew_peer" && e.outcome == "ok")
            .count();
        assert_eq!(renewals, 2);
    }
}

#[tokio::test]
async fn renewal_is_refused_for_a_revoked_peer_and_a_replayed_request() {
    for db in common::databases().await {
        let h = Pairing::start(&db).await;
        let peer_id = h.paired().await;

        // Capture a renewal request on its way to the hosted daemon by replaying what the
        // local daemon would send: sign one here with the local key.
        let local = &h.local.state.identity;
        let hosted = &h.hosted.state.identity;
        let nonce = "cmVuZXctbm9uY2UtcmVuZXc".to_string();
        let timestamp = h.hosted.now();
        let transcript = backend_8825::peers::transcript::RenewRequest {
            peer_id: &peer_id,
            local_id: local.backend_id.as_str(),
            local_key_id: local.key_id().as_str(),
            hosted_id: hosted.backend_id.as_str(),
            hosted_key_id: hosted.key_id().as_str(),
            nonce: &nonce,
            timestamp,
        }
        .transcript()
        .unwrap();
        use base64::Engine;
        let proof = base64::engine::general_purpose::URL_SAFE_NO_PAD
            .encode(local.key.sign(&transcript).unwrap());
        let body = serde_json::json!({
            "v": 1, "local_key_id": local.key_id().to_string(), "nonce": nonce,
            "timestamp": timestamp, "proof": proof,
        });
        let url = h.hosted.url(&format!("/peers/{peer_id}/renew"));
        let first = read(h.http.post(&url).json(&body).send().await.unwrap()).await;
        assert_eq!(first.0, 200, "{}", first.1);
        let again = read(h.http.post(&url).json(&body).send().await.unwrap()).await;
        assert_eq!(
            (again.0, error_code(&again.1)),
            (401, "replay"),
            "{}",
            again.1
        );

        // A proof by another key for this peer.
        let forged = serde_json::json!({
            "v": 1, "local_key_id": local.key_id().to_string(),
            "nonce": "b3RoZXItbm9uY2Utb3RoZXI", "timestamp": timestamp,
            "proof": base64::engine::general_purpose::URL_SAFE_NO_PAD
                .encode(hosted.key.sign(&transcript).unwrap()),
        });
        let forged = read(h.http.post(&url).json(&forged).send().await.unwrap()).await;
        assert_eq!(
            (forged.0, error_code(&forged.1)),
            (401, "bad_proof"),
            "{}",
            forged.1
        );

        // Revoked on the hosted side: renewal is refused and nothing changes locally.
        let before = h.local.state.store.peer(&peer_id).await.unwrap().unwrap();
        assert!(h.hosted.state.store.revoke_peer(&peer_id, 0).await.unwrap());
        let (status, body) = h
            .local
            .post(&format!("/peers/{peer_id}/renew"), serde_json::json!({}))
            .await;
        assert_eq!((status, error_code(&body)), (422, "revoked"), "{body}");
        let after = h.local.state.store.peer(&peer_id).await.unwrap().unwrap();
        assert_eq!(after.kid, before.kid, "{}", db.name());
    }
}

#[tokio::test]
async fn a_sync_after_a_sleep_past_expiry_renews_and_goes_through() {
    for db in common::databases().await {
        let h = Pairing::start(&db).await;
        let peer_id = h.paired().await;
        let kid_before = h.local_peers().await[0]["kid"].clone();
        h.advance(30 * 3600);
        // The hosted backend refuses the expired SBT; the sync renews with the identity key
        // and carries on, without waiting for the renewal task.
        let summary = backend_8825::sync::sync_peer_now(&h.local.state, &peer_id)
            .await
            .unwrap_or_else(|e| panic!("{}: {}", db.name(), e.describe()));
        assert_eq!(summary.peer_id, peer_id);
        assert_ne!(
            h.local_peers().await[0]["kid"],
            kid_before,
            "a new pair key"
        );
    }
}
