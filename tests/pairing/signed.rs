//! Signed peer requests against the hosted `GET /peers/{peer_id}/binding`: what passes, and
//! each way of breaking it.

use backend_8825::handshake::pair_key::PairKey;
use backend_8825::handshake::sbt::{SbtBinding, SbtClaims, SessionBindingToken};
use backend_8825::peers::{PeerCall, load_pair_key, signed_request};
use backend_8825::store::PeerKey;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use reqwest::Method;

use crate::common::{self, error_code, read};
use crate::fixture::Pairing;

/// The local side's current key row and pair key for `peer_id`.
async fn local_key(h: &Pairing, peer_id: &str) -> (PeerKey, PairKey) {
    let store = &h.local.state.store;
    let peer = store.peer(peer_id).await.unwrap().unwrap();
    let row = store.peer_key(peer_id, &peer.kid).await.unwrap().unwrap();
    let key = load_pair_key(&h.local.state, &row).unwrap();
    (row, key)
}

fn binding_path(peer_id: &str) -> String {
    format!("/peers/{peer_id}/binding")
}

/// A signed GET of `path` (relative to the hosted daemon), created at `created`.
fn signed(h: &Pairing, path: &str, row: &PeerKey, key: &PairKey, created: i64) -> reqwest::Request {
    let call = PeerCall {
        method: Method::GET,
        base_url: &h.hosted.base(),
        path_and_query: path,
        body: Vec::new(),
        created,
    };
    signed_request(&h.http, call, row, key)
        .unwrap()
        .build()
        .unwrap()
}

async fn send(h: &Pairing, request: reqwest::Request) -> (u16, String) {
    let (status, body) = read(h.http.execute(request).await.unwrap()).await;
    (status, error_code(&body).to_string())
}

#[tokio::test]
async fn signed_requests_pass_once_and_every_tampering_fails() {
    for db in common::databases().await {
        let h = Pairing::start(&db).await;
        let peer_id = h.paired().await;
        let (row, key) = local_key(&h, &peer_id).await;
        let path = binding_path(&peer_id);
        let now = h.hosted.now();

        // A valid request passes, once.
        let request = signed(&h, &path, &row, &key, now);
        let replay = request.try_clone().unwrap();
        let (status, body) = read(h.http.execute(request).await.unwrap()).await;
        assert_eq!(status, 200, "{}: {body}", db.name());
        assert_eq!(body["peer_id"], peer_id.as_str());
        assert_eq!(send(&h, replay).await, (401, "replay".into()));

        // The window: 299 s either way passes, 301 s is stale.
        for skew in [-299, 299] {
            let request = signed(&h, &path, &row, &key, now + skew);
            assert_eq!(send(&h, request).await.0, 200, "skew {skew}");
        }
        for skew in [-301, 301] {
            let request = signed(&h, &path, &row, &key, now + skew);
            assert_eq!(
                send(&h, request).await,
                (401, "stale".into()),
                "skew {skew}"
            );
        }

        // Body, method or query changed under a valid signature.
        let mut request = signed(&h, &path, &row, &key, now);
        *request.body_mut() = Some(reqwest::Body::from("{}"));
        assert_eq!(send(&h, request).await, (401, "bad_signature".into()));
        let mut request = signed(&h, &path, &row, &key, now);
        *request.method_mut() = Method::HEAD;
        let (status, _) = send(&h, request).await;
        assert_eq!(status, 401, "HEAD under a GET signature");
        let with_query = format!("{path}?view=full");
        let mut request = signed(&h, &with_query, &row, &key, now);
        request.url_mut().set_query(Some("view=short"));
        assert_eq!(send(&h, request).await, (401, "bad_signature".into()));
        // A signature made with another key (right kid, wrong K).
        let request = signed(&h, &path, &row, &PairKey::generate(), now);
        assert_eq!(send(&h, request).await, (401, "bad_signature".into()));
        // An unknown kid.
        let unknown = PeerKey {
            kid: "0".repeat(32),
            ..row.clone()
        };
        let request = signed(&h, &path, &unknown, &key, now);
        assert_eq!(send(&h, request).await, (401, "unknown_kid".into()));
        // No signature at all.
        let request = h.http.get(h.hosted.url(&path)).build().unwrap();
        assert_eq!(send(&h, request).await, (401, "malformed".into()));

        // Peer A's signature on peer B's path.
        let peer_b = h.paired().await;
        let request = signed(&h, &binding_path(&peer_b), &row, &key, now);
        assert_eq!(
            send(&h, request).await,
            (403, "wrong_peer".into()),
            "{}",
            db.name()
        );

        let denied = h.hosted.state.store.audit_entries(100).await.unwrap();
        let denied: Vec<_> = denied
            .iter()
            .filter(|e| e.event == "peer_request")
            .filter_map(|e| e.detail.as_deref())
            .collect();
        for code in [
            "replay",
            "stale",
            "bad_signature",
            "unknown_kid",
            "wrong_peer",
        ] {
            assert!(denied.contains(&code), "{code} not audited: {denied:?}");
        }
    }
}

/// Re-signs `row` with a different SBT and sends a fresh request.
async fn with_sbt(
    h: &Pairing,
    path: &str,
    row: &PeerKey,
    key: &PairKey,
    sbt: String,
) -> (u16, String) {
    let row = PeerKey {
        sbt: Some(sbt),
        ..row.clone()
    };
    send(h, signed(h, path, &row, key, h.hosted.now())).await
}

#[tokio::test]
async fn the_hosted_end_refuses_broken_expired_and_foreign_sbts() {
    for db in common::databases().await {
        let h = Pairing::start(&db).await;
        let peer_id = h.paired().await;
        let (row, key) = local_key(&h, &peer_id).await;
        let path = binding_path(&peer_id);
        let sbt = row.sbt.clone().unwrap();

        let (payload, mac) = sbt.split_once('.').unwrap();
        let mut flipped = URL_SAFE_NO_PAD.decode(mac).unwrap();
        flipped[0] ^= 0x80;
        let flipped = format!("{payload}.{}", URL_SAFE_NO_PAD.encode(flipped));
        assert_eq!(
            with_sbt(&h, &path, &row, &key, flipped).await,
            (401, "sbt_invalid".into())
        );
        let truncated = sbt[..sbt.len() - 3].to_string();
        assert_eq!(
            with_sbt(&h, &path, &row, &key, truncated).await,
            (401, "sbt_invalid".into())
        );

        // Claims as issued, but for another peer, MACed with this pair's key.
        let claims = {
            let json = URL_SAFE_NO_PAD.decode(payload).unwrap();
            serde_json::from_slice::<SbtClaims>(&json).unwrap()
        };
        let binding = SbtBinding {
            kid: claims.kid.clone(),
            account_id: claims.account_id.clone(),
            peer_id: uuid::Uuid::new_v4().to_string(),
            local_id: claims.local_id.clone(),
            hosted_id: claims.hosted_id.clone(),
            local_key_id: claims.local_key_id.clone(),
            hosted_key_id: claims.hosted_key_id.clone(),
        };
        let foreign = SessionBindingToken::issue(&key, &SbtClaims::new(binding, claims.iat));
        assert_eq!(
            with_sbt(&h, &path, &row, &key, foreign).await,
            (401, "sbt_invalid".into())
        );
        // The SBT of another pairing.
        let other = h.paired().await;
        let (other_row, _) = local_key(&h, &other).await;
        assert_eq!(
            with_sbt(&h, &path, &row, &key, other_row.sbt.unwrap()).await,
            (401, "sbt_invalid".into())
        );

        // Expired: eight hours on, a freshly signed request carries a dead SBT.
        h.advance(8 * 3600);
        let request = signed(&h, &path, &row, &key, h.hosted.now());
        assert_eq!(
            send(&h, request).await,
            (401, "sbt_expired".into()),
            "{}",
            db.name()
        );

        // Revoked: refused whatever it carries.
        h.advance(-8 * 3600);
        assert!(h.hosted.state.store.revoke_peer(&peer_id, 0).await.unwrap());
        let request = signed(&h, &path, &row, &key, h.hosted.now());
        assert_eq!(send(&h, request).await, (401, "revoked".into()));
    }
}
