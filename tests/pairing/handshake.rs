//! The handshake as the UI drives it: both sides list each other and hold the same key,
//! the local route is behind the local secret, and a pinned hosted key is checked.

use backend_8825::peers::load_pair_key;
use serde_json::json;

use crate::common::{self, account, error_code, read};
use crate::fixture::Pairing;

#[tokio::test]
async fn local_and_hosted_pair_and_list_each_other() {
    for db in common::databases().await {
        let h = Pairing::start(&db).await;
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
        let bob = account(&h.hosted, "bob").await;
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
            .local
            .get(&format!("/peers/{peer_id}/remote-binding"))
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
    let h = Pairing::start(&common::Db::Sqlite).await;
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
async fn a_pinned_fingerprint_that_does_not_match_stops_pairing() {
    let h = Pairing::start(&common::Db::Sqlite).await;
    let code = h.code().await;
    let (status, body) = h
        .local
        .post(
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
        .local
        .post(
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
