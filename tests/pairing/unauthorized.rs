//! The plan's metric "0 unauthorized registrations": every kind of registration without a
//! valid code and proof, through the local API as the UI sends it and straight at the hosted
//! daemon, and afterwards the hosted database holds exactly the pairings that were
//! authorized, in every account.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde_json::json;

use crate::common;
use crate::fixture::{Pairing, post_hosted};
use crate::proofs::register_body;

#[tokio::test]
async fn no_registration_without_a_valid_code_and_proof_creates_a_peer() {
    for db in common::databases().await {
        let name = db.name();
        let h = Pairing::start(&db).await;
        let mut attempts = 0;
        let mut refused = |status: u16, what: &str| {
            attempts += 1;
            assert!(
                (400..500).contains(&status) || status == 502,
                "{name}: {what}: {status}"
            );
        };

        // Codes that were never issued, through the UI's path.
        for i in 0..20 {
            let (status, _) = h
                .pair(&format!("WRNG-{i:04}-CODE-0000-0000-0000-0000-0000"))
                .await;
            refused(status, "an unknown code");
        }
        // An expired code.
        let expired = h.code().await;
        h.advance(11 * 60);
        let (status, _) = h.pair(&expired).await;
        refused(status, "an expired code");
        // A code bound to another local key.
        let bound = h
            .code_for(&h.token, Some(json!({"local_key_id": "ab".repeat(32)})))
            .await;
        let (status, _) = h.pair(&bound).await;
        refused(status, "a code bound to another key");
        // Straight at the hosted daemon: a forged proof, a stale one.
        let code = h.code().await;
        let now = h.hosted.now();
        let mut forged = register_body(&h, &code, now);
        let wrong = h.hosted.state.identity.key.sign(b"anything").unwrap();
        forged.proof = URL_SAFE_NO_PAD.encode(wrong);
        let (status, _) = post_hosted(&h, &serde_json::to_value(&forged).unwrap()).await;
        refused(status, "a forged proof");
        let stale = register_body(&h, &code, now - 3600);
        let (status, _) = post_hosted(&h, &serde_json::to_value(&stale).unwrap()).await;
        refused(status, "a stale proof");

        // The one authorized pairing; then its code again, through both paths.
        let (status, body) = h.pair(&code).await;
        assert_eq!(status, 201, "{name}: {body}");
        let (status, _) = h.pair(&code).await;
        refused(status, "a used code");
        let replay = register_body(&h, &code, h.hosted.now());
        let (status, _) = post_hosted(&h, &serde_json::to_value(&replay).unwrap()).await;
        refused(status, "a used code, straight at the hosted daemon");

        assert_eq!(attempts, 26, "{name}: every attempt was made");
        let all = h.hosted.state.store.peers(None).await.unwrap();
        assert_eq!(
            all.len(),
            1,
            "{name}: 0 unauthorized registrations: {all:?}"
        );
        assert_eq!(h.local_peers().await.len(), 1, "{name}");
    }
}
