//! The handshake as the UI drives it, and the attacks on pairing codes and proofs.

use backend_8825::accounts::secrets::hash_code;
use backend_8825::peers::load_pair_key;
use backend_8825::peers::transcript::RegisterRequest;
use backend_8825::peers::wire::RegisterPeerRequest;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde_json::{Value, json};

use crate::common;
use crate::harness::{Harness, create_account, error_code, read};

#[tokio::test]
async fn local_and_hosted_pair_and_list_each_other() {
    for db in common::databases().await {
        let h = Harness::start(&db).await;
        let code = h.code().await;
        let (status, body) = h.pair(&code).await;
        assert_eq!(status, 201, "{}: {body}", db.name());

        let hosted_id = h.hosted.state.identity.backend_id.to_string();
        let hosted_key = h.hosted.state.identity.key_id().to_string();
        let local_id = h.local.state.identity.backend_id.to_string();
        let local_key = h.local.state.identity.key_id().to_string();
        assert_eq!(
            body["hosted"],
            json!({"backend_id": hosted_id, "key_id": hosted_key})
        );
        assert_eq!(
            body["local"],
            json!({"backend_id": local_id, "key_id": local_key})
        );
        let peer_id = body["peer"]["peer_id"].as_str().unwrap().to_string();
        // Neither the pair key nor the SBT leaves the daemon.
        let text = body.to_string();
        assert!(
            !text.contains("sbt\"") && !text.contains("wrapped"),
            "{text}"
        );
        assert!(!text.contains(&code), "the pairing code is echoed: {text}");

        // Each side lists the other.
        let local_peers = h.local_peers().await;
        assert_eq!(local_peers.len(), 1);
        assert_eq!(local_peers[0]["peer_id"], peer_id.as_str());
        assert_eq!(local_peers[0]["remote"]["backend_id"], hosted_id.as_str());
        assert_eq!(local_peers[0]["remote"]["key_id"], hosted_key.as_str());
        assert_eq!(local_peers[0]["remote"]["url"], h.hosted.base().as_str());
        assert_eq!(local_peers[0]["status"], "active");
        let hosted_peers = h.hosted_peers(&h.token).await;
        assert_eq!(hosted_peers.len(), 1);
        assert_eq!(hosted_peers[0]["peer_id"], peer_id.as_str());
        assert_eq!(hosted_peers[0]["remote"]["backend_id"], local_id.as_str());
        assert_eq!(hosted_peers[0]["remote"]["key_id"], local_key.as_str());
        assert_eq!(
            hosted_peers[0]["sbt_expires_at"], local_peers[0]["sbt_expires_at"],
            "both ends hold the same SBT expiry"
        );
        // Another account sees nothing of it.
        let bob = create_account(&h.hosted, "bob").await;
        assert!(h.hosted_peers(&bob).await.is_empty());

        // Both ends hold the same K: the local one in its key store (never its database),
        // the hosted one in its database.
        let local_row = h
            .local
            .state
            .store
            .peer_key(&peer_id, local_peers[0]["kid"].as_str().unwrap());
        let local_row = local_row.await.unwrap().unwrap();
        assert!(
            local_row.key.is_none(),
            "K must not be in the local database"
        );
        let hosted_row = h.hosted.state.store.peer_key(&peer_id, &local_row.kid);
        let hosted_row = hosted_row.await.unwrap().unwrap();
        let local_k = load_pair_key(&h.local.state, &local_row).unwrap();
        let hosted_k = load_pair_key(&h.hosted.state, &hosted_row).unwrap();
        assert_eq!(local_k.as_bytes(), hosted_k.as_bytes());

        // The binding, checked end to end with a signed request.
        let (status, binding) = h
            .local_get(&format!("/peers/{peer_id}/remote-binding"))
            .await;
        assert_eq!(status, 200, "{binding}");
        assert_eq!(
            binding["local"], binding["hosted"],
            "both ends see one binding"
        );
        assert_eq!(binding["hosted"]["local_key_id"], local_key.as_str());
        assert_eq!(binding["hosted"]["hosted_key_id"], hosted_key.as_str());
        // Without a signature the hosted route refuses.
        let unsigned = h
            .http
            .get(h.hosted.url(&format!("/peers/{peer_id}/binding")))
            .send()
            .await
            .unwrap();
        let (status, body) = read(unsigned).await;
        assert_eq!((status, error_code(&body)), (401, "malformed"), "{body}");

        // The audit trail has the registration on both ends, and no secret.
        for state in [&h.hosted.state, &h.local.state] {
            let entries = state.store.audit_entries(20).await.unwrap();
            let registered = entries
                .iter()
                .find(|e| e.event == "register_peer" && e.outcome == "ok")
                .expect("registration audited");
            assert_eq!(registered.peer_id.as_deref(), Some(peer_id.as_str()));
            let dump = format!("{entries:?}");
            assert!(!dump.contains(&code) && !dump.contains(&h.token), "{dump}");
        }
    }
}

#[tokio::test]
async fn the_local_register_route_is_behind_the_local_secret() {
    let h = Harness::start(&common::Db::Sqlite).await;
    let code = h.code().await;
    let body = json!({"hosted_url": h.hosted.base(), "pairing_code": code});
    let response = h
        .http
        .post(h.local.url("/register-peer"))
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 401);
    let response = h
        .http
        .post(h.local.url("/register-peer"))
        .bearer_auth("not-the-secret")
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 401);
    // The code was never sent to the hosted backend: it still pairs.
    assert_eq!(h.pair(&code).await.0, 201);
}

#[tokio::test]
async fn spent_expired_random_and_bound_codes_are_refused_and_leave_nothing() {
    for db in common::databases().await {
        let h = Harness::start(&db).await;
        let code = h.code().await;
        assert_eq!(h.pair(&code).await.0, 201);

        let (status, body) = h.pair(&code).await;
        assert_eq!(
            (status, error_code(&body)),
            (422, "pairing_code_used"),
            "{body}"
        );

        let random = "ABCD-EFGH-JKMN-PQRS-TVWX-YZ01-2345-6789";
        let (status, body) = h.pair(random).await;
        assert_eq!(
            (status, error_code(&body)),
            (422, "pairing_code_invalid"),
            "{body}"
        );

        let expiring = h.code().await;
        h.advance(10 * 60 + 1);
        let (status, body) = h.pair(&expiring).await;
        assert_eq!(
            (status, error_code(&body)),
            (422, "pairing_code_expired"),
            "{body}"
        );

        // A code bound to another local key is refused and stays unused.
        let other_key = "ab".repeat(32);
        let bound = h
            .code_for(&h.token, Some(json!({"local_key_id": other_key})))
            .await;
        let (status, body) = h.pair(&bound).await;
        assert_eq!(
            (status, error_code(&body)),
            (422, "pairing_code_bound"),
            "{body}"
        );
        // Bound to this local key, it works.
        let mine = h.local.state.identity.key_id().to_string();
        let bound = h
            .code_for(&h.token, Some(json!({"local_key_id": mine})))
            .await;
        assert_eq!(h.pair(&bound).await.0, 201, "{}", db.name());

        // Only the two good pairings exist, on both ends.
        assert_eq!(h.hosted_peers(&h.token).await.len(), 2, "{}", db.name());
        assert_eq!(h.local_peers().await.len(), 2);

        // Another account's code pairs into that account, never into this one.
        let bob = create_account(&h.hosted, "bob").await;
        let bobs_code = h.code_for(&bob, None).await;
        assert_eq!(h.pair(&bobs_code).await.0, 201);
        assert_eq!(h.hosted_peers(&bob).await.len(), 1);
        assert_eq!(h.hosted_peers(&h.token).await.len(), 2);

        let refused = h.hosted.state.store.audit_entries(50).await.unwrap();
        let codes: Vec<_> = refused
            .iter()
            .filter(|e| e.event == "register_peer" && e.outcome == "refused")
            .filter_map(|e| e.detail.clone())
            .collect();
        for expected in [
            "pairing_code_used",
            "pairing_code_invalid",
            "pairing_code_expired",
        ] {
            assert!(
                codes.iter().any(|c| c == expected),
                "{expected} not audited: {codes:?}"
            );
        }
        assert!(
            refused.iter().all(|e| e.ip.is_some()),
            "audit rows carry the client ip"
        );
    }
}

#[tokio::test]
async fn twenty_parallel_pairings_with_one_code_have_one_winner() {
    for db in common::databases().await {
        let h = Harness::start(&db).await;
        let code = h.code().await;
        let attempts = (0..20).map(|_| h.pair(&code));
        let outcomes = futures_util::future::join_all(attempts).await;
        let won = outcomes.iter().filter(|(s, _)| *s == 201).count();
        assert_eq!(won, 1, "{}: {outcomes:?}", db.name());
        for (status, body) in outcomes.iter().filter(|(s, _)| *s != 201) {
            assert_eq!(
                (*status, error_code(body)),
                (422, "pairing_code_used"),
                "{body}"
            );
        }
        assert_eq!(h.hosted_peers(&h.token).await.len(), 1);
        assert_eq!(h.local_peers().await.len(), 1);
    }
}

/// A registration body signed by the local daemon's key, as the local daemon would send it.
fn register_body(h: &Harness, code: &str, timestamp: i64) -> RegisterPeerRequest {
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

async fn post_hosted(h: &Harness, body: &Value) -> (u16, Value) {
    let response = h
        .http
        .post(h.hosted.url("/register-peer"))
        .json(body)
        .send()
        .await
        .unwrap();
    read(response).await
}

#[tokio::test]
async fn forged_or_stale_proofs_of_possession_are_refused_and_leave_the_code_unused() {
    for db in common::databases().await {
        let h = Harness::start(&db).await;
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

#[tokio::test]
async fn pairing_attempts_are_limited_per_client_address() {
    let h = Harness::start(&common::Db::Sqlite).await;
    let limit = backend_8825::peers::rate_limit::PAIRING_ATTEMPTS_PER_WINDOW;
    for _ in 0..limit {
        let (status, _) = post_hosted(&h, &json!({})).await;
        assert_eq!(status, 422);
    }
    let response = h
        .http
        .post(h.hosted.url("/register-peer"))
        .json(&json!({}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 429);
    assert!(response.headers().contains_key("retry-after"));
    let (_, body) = read(response).await;
    assert_eq!(error_code(&body), "rate_limited");
    // A good pairing from the same address is refused too, before any work.
    let code = h.code().await;
    let (status, body) = h.pair(&code).await;
    assert_eq!((status, error_code(&body)), (429, "rate_limited"), "{body}");
    h.advance(61);
    let (status, body) = h.pair(&code).await;
    assert_eq!(status, 201, "{body}");
}

#[tokio::test]
async fn a_pinned_fingerprint_that_does_not_match_stops_pairing() {
    let h = Harness::start(&common::Db::Sqlite).await;
    let code = h.code().await;
    let (status, body) = h
        .local_post(
            "/register-peer",
            json!({"hosted_url": h.hosted.base(), "pairing_code": code,
                   "expected_hosted_key_id": "ef".repeat(32)}),
        )
        .await;
    assert_eq!(
        (status, error_code(&body)),
        (409, "hosted_key_mismatch"),
        "{body}"
    );
    assert!(h.local_peers().await.is_empty());
    // The code was not spent: the right fingerprint pairs.
    let (status, body) = h
        .local_post(
            "/register-peer",
            json!({"hosted_url": h.hosted.base(), "pairing_code": code,
                   "expected_hosted_key_id": h.hosted.state.identity.key_id().to_string()}),
        )
        .await;
    assert_eq!(status, 201, "{body}");
    // Bad URLs are refused before any request.
    for url in [
        "ftp://example.com",
        "not a url",
        "http://user:pw@127.0.0.1:1",
    ] {
        let (status, body) = h.pair_with(url, &code).await;
        assert_eq!(
            (status, error_code(&body)),
            (400, "invalid_request"),
            "{url}: {body}"
        );
        assert!(
            !body.to_string().contains(":pw@"),
            "no password echoed: {body}"
        );
    }
    // A hosted URL where nothing listens.
    let (status, body) = h.pair_with("http://127.0.0.1:9", &code).await;
    assert_eq!(
        (status, error_code(&body)),
        (502, "hosted_unreachable"),
        "{body}"
    );
    let message = body["error"]["message"].as_str().unwrap();
    assert!(
        message.contains("at http://127.0.0.1:9 cannot be reached (connection refused)"),
        "which backend, and why: {message}"
    );
}
