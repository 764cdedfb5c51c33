//! The local end verifies what the hosted end grants: a stand-in hosted backend that holds
//! the real hosted key answers registrations with grants it tampered with, and the local
//! daemon must refuse each one and store nothing.

use std::sync::{Arc, Mutex};

use axum::extract::State;
use axum::routing::{get, post};
use axum::{Json, Router};
use backend_8825::accounts::secrets::hash_code;
use backend_8825::handshake::pair_key::{Kid, PairKey};
use backend_8825::handshake::sbt::{SbtBinding, SbtClaims, SessionBindingToken};
use backend_8825::identity::{BackendIdentity, IdentityKey, PublicIdentityKey};
use backend_8825::peers::pair_key_secret_name;
use backend_8825::peers::transcript::{self, Grant as GrantTranscript, RegisterRequest};
use backend_8825::peers::wire::{Grant, RegisterPeerRequest};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;

use crate::common::{Db, error_code};
use crate::fixture::Pairing;

#[derive(Clone, Copy, Debug, PartialEq)]
enum Tamper {
    Honest,
    FlippedSbtByte,
    TruncatedMac,
    ExpiredSbt,
    SbtForAnotherPair,
    SignedByAnotherKey,
    GrantForAnotherKey,
}

#[derive(Clone)]
struct FakeHosted {
    identity: Arc<BackendIdentity>,
    other_key: Arc<IdentityKey>,
    tamper: Tamper,
    now: i64,
    granted: Arc<Mutex<Vec<(String, String)>>>,
}

async fn identity(State(fake): State<FakeHosted>) -> Json<serde_json::Value> {
    Json(serde_json::to_value(fake.identity.document()).unwrap())
}

async fn register(
    State(fake): State<FakeHosted>,
    Json(request): Json<RegisterPeerRequest>,
) -> (axum::http::StatusCode, Json<Grant>) {
    let me = &fake.identity;
    let local_key = PublicIdentityKey::from_pem(&request.identity.public_key).unwrap();
    let request_transcript = RegisterRequest {
        local_id: request.identity.backend_id.as_str(),
        local_key_id: request.identity.key_id.as_str(),
        hosted_id: me.backend_id.as_str(),
        hosted_key_id: me.key_id().as_str(),
        code_hash: &hash_code(&request.pairing_code),
        nonce: &request.nonce,
        timestamp: request.timestamp,
    }
    .transcript()
    .unwrap();
    // The stand-in checks the proof too: what it answers is a correct grant but for the
    // tampering.
    let proof = URL_SAFE_NO_PAD.decode(&request.proof).unwrap();
    local_key.verify(&request_transcript, &proof).unwrap();

    let pair_key = PairKey::generate();
    let kid = Kid::generate();
    let peer_id = uuid::Uuid::new_v4().to_string();
    let account_id = "acct-fake".to_string();
    let mut binding = SbtBinding {
        kid: kid.clone(),
        account_id: account_id.clone(),
        peer_id: peer_id.clone(),
        local_id: request.identity.backend_id.clone(),
        hosted_id: me.backend_id.clone(),
        local_key_id: request.identity.key_id.clone(),
        hosted_key_id: me.key_id().clone(),
    };
    let mut iat = fake.now;
    match fake.tamper {
        Tamper::ExpiredSbt => iat = fake.now - 9 * 3600,
        Tamper::SbtForAnotherPair => binding.peer_id = uuid::Uuid::new_v4().to_string(),
        Tamper::GrantForAnotherKey => binding.local_key_id = "ab".repeat(32).parse().unwrap(),
        _ => {}
    }
    let claims = SbtClaims::new(binding, iat);
    let mut sbt = SessionBindingToken::issue(&pair_key, &claims);
    match fake.tamper {
        Tamper::FlippedSbtByte => {
            let (payload, mac) = sbt.split_once('.').unwrap();
            let mut mac = URL_SAFE_NO_PAD.decode(mac).unwrap();
            mac[5] ^= 0x01;
            sbt = format!("{payload}.{}", URL_SAFE_NO_PAD.encode(mac));
        }
        Tamper::TruncatedMac => {
            sbt.truncate(sbt.len() - 4);
        }
        _ => {}
    }
    let wrapped_key = URL_SAFE_NO_PAD.encode(local_key.wrap(pair_key.as_bytes()).unwrap());
    let signed = GrantTranscript {
        request_transcript: &request_transcript,
        peer_id: &peer_id,
        kid: kid.as_str(),
        account_id: &account_id,
        wrapped_key: &wrapped_key,
        sbt: &sbt,
    }
    .transcript(transcript::REGISTER_RESPONSE)
    .unwrap();
    let signature = match fake.tamper {
        Tamper::SignedByAnotherKey => fake.other_key.sign(&signed).unwrap(),
        _ => me.key.sign(&signed).unwrap(),
    };
    fake.granted
        .lock()
        .unwrap()
        .push((peer_id.clone(), kid.to_string()));
    let grant = Grant {
        v: 1,
        peer_id,
        kid,
        account_id,
        hosted_id: me.backend_id.clone(),
        hosted_key_id: me.key_id().clone(),
        wrapped_key,
        sbt,
        sbt_expires_at: claims.exp,
        signature: URL_SAFE_NO_PAD.encode(signature),
    };
    (axum::http::StatusCode::CREATED, Json(grant))
}

async fn serve_fake(fake: FakeHosted) -> String {
    let app = Router::new()
        .route("/identity", get(identity))
        .route("/register-peer", post(register))
        .with_state(fake);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await });
    format!("http://{addr}")
}

#[tokio::test]
async fn the_local_end_refuses_tampered_grants_and_stores_nothing() {
    let h = Pairing::start(&Db::Sqlite).await;
    let other_key = Arc::new(
        IdentityKey::from_pkcs8_pem(h.local.state.identity.key.to_pkcs8_pem().expose()).unwrap(),
    );
    let cases = [
        (Tamper::FlippedSbtByte, "sbt_invalid"),
        (Tamper::TruncatedMac, "sbt_invalid"),
        (Tamper::ExpiredSbt, "sbt_expired"),
        (Tamper::SbtForAnotherPair, "sbt_invalid"),
        (Tamper::GrantForAnotherKey, "sbt_invalid"),
        (Tamper::SignedByAnotherKey, "hosted_signature_invalid"),
    ];
    for (tamper, expected) in cases {
        let fake = FakeHosted {
            identity: h.hosted.state.identity.clone(),
            other_key: other_key.clone(),
            tamper,
            now: h.local.now(),
            granted: Arc::default(),
        };
        let url = serve_fake(fake.clone()).await;
        let (status, body) = h.pair_with(&url, "ANY0-CODE").await;
        assert_eq!(
            (status, error_code(&body)),
            (502, expected),
            "{tamper:?}: {body}"
        );
        assert!(h.local_peers().await.is_empty(), "{tamper:?} stored a peer");
        for (peer_id, kid) in fake.granted.lock().unwrap().iter() {
            let stored = h
                .local
                .state
                .keychain
                .get(&pair_key_secret_name(peer_id, kid));
            assert!(
                stored.unwrap().is_none(),
                "{tamper:?} left a pair key behind"
            );
        }
    }
    // The same stand-in, honest, is accepted: the refusals above are the tampering's.
    let fake = FakeHosted {
        identity: h.hosted.state.identity.clone(),
        other_key,
        tamper: Tamper::Honest,
        now: h.local.now(),
        granted: Arc::default(),
    };
    let url = serve_fake(fake).await;
    let (status, body) = h.pair_with(&url, "ANY0-CODE").await;
    assert_eq!(status, 201, "{body}");
    assert_eq!(h.local_peers().await.len(), 1);
}
