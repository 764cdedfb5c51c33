//! Registrations sent straight to the hosted daemon with a forged, swapped, stale or
//! misaddressed proof of possession of the local key.

use backend_8825::accounts::secrets::hash_code;
use backend_8825::peers::transcript::RegisterRequest;
use backend_8825::peers::wire::RegisterPeerRequest;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde_json::json;

use crate::common::{self, error_code};
use crate::fixture::{Pairing, post_hosted};

/// A registration body signed by the local daemon's key, as the local daemon would send it.
pub fn register_body(h: &Pairing, code: &str, timestamp: i64) -> RegisterPeerRequest {
    let local = &h.local.state.identity;
    let hosted = &h.hosted.state.identity;
    let nonce = "bm9uY2Utbm9uY2Utbm9uY2U".to_string();
    let transcript = RegisterRequest {
        local_id: local.backend_id.as_str(),
        local_key_id: local.key_id().as_str(),
        hosted_id: hosted.backend_id.as_str(),
        hosted_key_id: hosted.key_id().as_str(),
        code_hash: &hash_code(code),
        nonce: &nonce,
        timestamp,
    }
    .transcript()
    .unwrap();
    RegisterPeerRequest {
        v: 1,
        identity: local.document(),
        hosted_id: hosted.backend_id.clone(),
        hosted_key_id: hosted.key_id().clone(),
        pairing_code: code.to_string(),
        nonce,
        timestamp,
        proof: URL_SAFE_NO_PAD.encode(local.key.sign(&transcript).unwrap()),
    }
}

#[tokio::test]
async fn forged_or_stale_proofs_of_possession_are_refused_and_leave_the_code_unused() {
    for db in common::databases().await {
        let h = Pairing::start(&db).await;
        let code = h.code().await;
        let now = h.hosted.now();

        // Signed by another key (the hosted daemon's own) under the local identity.
        let mut forged = register_body(&h, &code, now);
        let other = &h.hosted.state.identity.key;
        let wrong = other.sign(b"anything").unwrap();
        forged.proof = URL_SAFE_NO_PAD.encode(wrong);
        let (status, body) = post_hosted(&h, &serde_json::to_value(&forged).unwrap()).await;
        assert_eq!((status, error_code(&body)), (401, "bad_proof"), "{body}");

        // A valid proof for another code does not carry over.
        let mut swapped = register_body(&h, "ZZZZ-ZZZZ-ZZZZ-ZZZZ-ZZZZ-ZZZZ-ZZZZ-ZZZZ", now);
        swapped.pairing_code = code.clone();
        let (status, body) = post_hosted(&h, &serde_json::to_value(&swapped).unwrap()).await;
        assert_eq!((status, error_code(&body)), (401, "bad_proof"), "{body}");

        // Someone else's public key in the document with the local key's proof.
        let mut impostor = register_body(&h, &code, now);
        impostor.identity.public_key = h.hosted.state.identity.key.public().pem().to_string();
        let (status, body) = post_hosted(&h, &serde_json::to_value(&impostor).unwrap()).await;
        assert_eq!(
            (status, error_code(&body)),
            (400, "invalid_request"),
            "{body}"
        );

        // Stale by 301 s either way; 299 s passes the window (then fails on nothing else).
        for skew in [-301, 301] {
            let stale = register_body(&h, &code, now + skew);
            let (status, body) = post_hosted(&h, &serde_json::to_value(&stale).unwrap()).await;
            assert_eq!(
                (status, error_code(&body)),
                (401, "stale"),
                "{skew}: {body}"
            );
        }
        // Addressed to another hosted key.
        let mut elsewhere = register_body(&h, &code, now);
        elsewhere.hosted_key_id = "cd".repeat(32).parse().unwrap();
        let (status, body) = post_hosted(&h, &serde_json::to_value(&elsewhere).unwrap()).await;
        assert_eq!(
            (status, error_code(&body)),
            (409, "hosted_key_mismatch"),
            "{body}"
        );
        // Malformed and mistyped bodies.
        let (status, _) = post_hosted(&h, &json!({"v": 1})).await;
        assert_eq!(status, 422);
        let raw = h
            .http
            .post(h.hosted.url("/register-peer"))
            .header("content-type", "application/json")
            .body("{not json")
            .send()
            .await
            .unwrap();
        assert_eq!(raw.status(), 400);

        assert!(h.hosted_peers(&h.token).await.is_empty(), "{}", db.name());
        // After all that, the code is still unused.
        let good = register_body(&h, &code, now + 299);
        let (status, body) = post_hosted(&h, &serde_json::to_value(&good).unwrap()).await;
        assert_eq!(status, 201, "{}: {body}", db.name());
    }
}
