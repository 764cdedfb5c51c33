//! `GET /audit`: an account reads its own chain and nothing of another's; pages; and after a
//! whole pairing and sync run, no secret (account token, pairing code, local secret, SBT,
//! pair key) is in any entry of either daemon.

use base64::Engine;
use serde_json::{Value, json};

use crate::common::{self, Daemon, account, error_code, read};
use crate::peer::current_key;

/// Pairs `local` with `hosted` into the account of `token`; returns the peer and the code.
async fn pair_with_code(local: &Daemon, hosted: &Daemon, token: &str) -> (String, String) {
    let (status, body) = hosted.call_as(token, "POST", "/pairing-codes", None).await;
    assert_eq!(status, 201, "{body}");
    let code = body["code"].as_str().unwrap().to_string();
    let request = json!({"hosted_url": hosted.base(), "pairing_code": code});
    let (status, body) = local.post("/register-peer", request).await;
    assert_eq!(status, 201, "{body}");
    (body["peer"]["peer_id"].as_str().unwrap().to_string(), code)
}

/// Every entry of the caller's audit log, following the pages.
async fn all_entries(daemon: &Daemon, bearer: &str) -> Vec<Value> {
    let (mut entries, mut before) = (Vec::new(), None::<i64>);
    loop {
        let path = match before {
            Some(id) => format!("/audit?limit=2&before={id}"),
            None => "/audit?limit=2".to_string(),
        };
        let (status, page) = daemon.call_as(bearer, "GET", &path, None).await;
        assert_eq!(status, 200, "{page}");
        entries.extend(page["entries"].as_array().unwrap().iter().cloned());
        match page["next_before"].as_i64() {
            Some(id) => before = Some(id),
            None => return entries,
        }
    }
}

#[tokio::test]
async fn an_account_reads_its_own_entries_and_no_entry_holds_a_secret() {
    for db in common::databases().await {
        let name = db.name();
        let hosted = Daemon::hosted().on(&db).start().await;
        let (token_a, token_b) = (account(&hosted, "a").await, account(&hosted, "b").await);
        let local_a = Daemon::local().automatic_sync(false).start().await;
        let local_b = Daemon::local().automatic_sync(false).start().await;
        let (peer_a, code_a) = pair_with_code(&local_a, &hosted, &token_a).await;
        let (peer_b, code_b) = pair_with_code(&local_b, &hosted, &token_b).await;
        // A sync each way, and a refused request against each account's peer.
        let (status, body) = local_a
            .post("/api/conversations", json!({"title": "x"}))
            .await;
        assert_eq!(status, 201, "{body}");
        for (local, peer) in [(&local_a, &peer_a), (&local_b, &peer_b)] {
            let (status, body) = local.post(&format!("/peers/{peer}/sync"), json!({})).await;
            assert_eq!(status, 200, "{name}: {body}");
            let unsigned = hosted.http.post(hosted.url(&format!("/sync/{peer}")));
            assert_eq!(
                unsigned.json(&json!({})).send().await.unwrap().status(),
                401
            );
        }

        let seen_a = all_entries(&hosted, &token_a).await;
        let seen_b = all_entries(&hosted, &token_b).await;
        let id_a = seen_a[0]["account_id"].as_str().unwrap().to_string();
        for (seen, own_peer, other_peer) in
            [(&seen_a, &peer_a, &peer_b), (&seen_b, &peer_b, &peer_a)]
        {
            let events: Vec<_> = seen.iter().map(|e| e["event"].as_str().unwrap()).collect();
            assert!(events.contains(&"register_peer"), "{name}: {events:?}");
            assert!(events.contains(&"peer_request"), "{name}: {events:?}");
            let dump = Value::Array(seen.clone()).to_string();
            assert!(dump.contains(own_peer.as_str()), "{name}");
            assert!(!dump.contains(other_peer.as_str()), "{name}: {dump}");
            let account = &seen[0]["account_id"];
            assert!(seen.iter().all(|e| e["account_id"] == *account), "{name}");
        }
        assert!(seen_b.iter().all(|e| e["account_id"] != id_a.as_str()));
        // Newest first, each entry chained to the one before it.
        for pair in seen_a.windows(2) {
            assert_eq!(pair[0]["prev_hash"], pair[1]["hash"], "{name}");
        }
        // No token, or a local secret: no entries.
        let (status, body) = hosted.call_as("", "GET", "/audit", None).await;
        assert_eq!((status, error_code(&body)), (401, "unauthorized"), "{name}");
        let local_secret = local_a.local_secret().await;
        assert_eq!(
            hosted.call_as(&local_secret, "GET", "/audit", None).await.0,
            401
        );

        // No secret anywhere: in what the routes show, or in the rows themselves.
        let mut dumps = vec![
            Value::Array(seen_a).to_string(),
            Value::Array(seen_b).to_string(),
        ];
        for daemon in [&hosted, &local_a, &local_b] {
            let rows = daemon.state.store.audit_entries(10_000).await.unwrap();
            dumps.push(serde_json::to_string(&rows).unwrap());
        }
        for local in [&local_a, &local_b] {
            let entries = all_entries(local, &local.bearer).await;
            assert!(!entries.is_empty(), "{name}");
            dumps.push(Value::Array(entries).to_string());
        }
        let mut secrets = vec![token_a, token_b, code_a, code_b, local_secret];
        secrets.push(local_b.local_secret().await);
        for (local, peer) in [(&local_a, &peer_a), (&local_b, &peer_b)] {
            let (row, key) = current_key(local, peer).await;
            secrets.push(row.sbt.unwrap());
            secrets.push(hex::encode(key.as_bytes()));
            let b64 = base64::engine::general_purpose::URL_SAFE_NO_PAD;
            secrets.push(b64.encode(key.as_bytes()));
        }
        for dump in &dumps {
            for secret in &secrets {
                assert!(
                    !dump.contains(secret.as_str()),
                    "{name}: a secret in {dump}"
                );
            }
        }
    }
}

#[tokio::test]
async fn the_local_log_pages_and_refuses_bad_paging() {
    let local = Daemon::local().start().await;
    for i in 0..6 {
        let peer = format!("p{i}");
        let state = &local.state;
        backend_8825::security::audit(state, "renew_peer", Ok(()), Some(&peer), None, None).await;
    }
    let (status, page) = local.get("/audit?limit=4").await;
    assert_eq!(status, 200, "{page}");
    let entries = page["entries"].as_array().unwrap();
    assert_eq!(entries.len(), 4);
    assert_eq!(entries[0]["peer_id"], "p5");
    assert_eq!(entries[0]["seq"], 6);
    assert_eq!(entries[0]["count"], 1);
    let next = page["next_before"].as_i64().unwrap();
    let (_, page) = local.get(&format!("/audit?before={next}")).await;
    assert_eq!(page["entries"].as_array().unwrap().len(), 2);
    assert_eq!(page["next_before"], Value::Null);
    assert_eq!(all_entries(&local, &local.bearer).await.len(), 6);

    for bad in ["limit=0", "limit=201", "before=0", "before=abc", "after=3"] {
        let (status, body) = local.get(&format!("/audit?{bad}")).await;
        assert_eq!((status, error_code(&body)), (400, "bad_request"), "{bad}");
    }
    // Behind the local secret.
    let unauthenticated = local.http.get(local.url("/audit")).send().await.unwrap();
    let (status, _) = read(unauthenticated).await;
    assert_eq!(status, 401);
}
