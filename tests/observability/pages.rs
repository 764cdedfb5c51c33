//! `GET /sync/metrics/{peer_id}` and `GET /debug/sync/{peer_id}` on both ends, with the
//! credential that owns the peer; and no secret of the run in anything they answer.

use backend_8825::peers::current_key;
use backend_8825::sync::sync_peer_now;
use base64::Engine;
use serde_json::json;

use crate::common::{self, Daemon, account, error_code};
use crate::{get_text, write_conversation};

#[tokio::test]
async fn both_ends_count_the_syncs_with_a_peer() {
    for db in common::databases().await {
        let name = db.name();
        let (hosted, token) = common::hosted_with_account(&db).await;
        let other = account(&hosted, "mallory").await;
        let local = Daemon::local().automatic_sync(false).start().await;
        let peer = common::pair(&local, &hosted, &token).await;
        write_conversation(&local, "one").await;
        write_conversation(&local, "two").await;
        let path = format!("/sync/metrics/{peer}");
        let (status, before) = local.get(&path).await;
        assert_eq!(status, 200, "{name}: {before}");
        assert_eq!(before["pending_outbound"], 2, "{name}: {before}");
        assert!(
            before["lag"]["oldest_unacknowledged_ms"].is_i64(),
            "{name}: {before}"
        );
        assert_eq!(before["sync_state"], "never_synced", "{name}");
        assert_eq!(before["network_state"], "online", "{name}");
        assert!(before["lag"]["behind_peer_versions"].is_null(), "{name}");

        sync_peer_now(&local.state, &peer).await.unwrap();
        let (status, after) = local.get(&path).await;
        assert_eq!(status, 200, "{name}: {after}");
        let counters = &after["counters"];
        assert_eq!(counters["attempted"], 1, "{name}: {after}");
        assert_eq!(counters["succeeded"], 1, "{name}");
        assert_eq!(counters["versions_pushed"], 2, "{name}");
        assert!(counters["bytes_pushed"].as_u64().unwrap() > 0, "{name}");
        assert!(counters["bytes_pulled"].as_u64().unwrap() > 0, "{name}");
        assert_eq!(after["pending_outbound"], 0, "{name}");
        assert!(after["lag"]["oldest_unacknowledged_ms"].is_null(), "{name}");
        assert_eq!(after["duration_ms"]["count"], 1, "{name}");
        assert!(after["duration_ms"]["p50"].is_f64(), "{name}");
        assert_eq!(after["sync_state"], "ok", "{name}");
        assert_eq!(after["lag"]["behind_peer_versions"], 0, "{name}: {after}");
        assert_eq!(after["network_state"], "online", "{name}");
        assert!(after["network_since"].is_string(), "{name}: {after}");
        assert_eq!(after["clock_skew_secs"], 0, "{name}");

        // The hosted end answered that sync: its own view, for the owning account only.
        let (status, seen) = hosted.call_as(&token, "GET", &path, None).await;
        assert_eq!(status, 200, "{name}: {seen}");
        assert!(
            seen["network_state"].is_null(),
            "{name}: hosted calls no peer: {seen}"
        );
        assert!(
            seen["lag"]["behind_peer_versions"].is_null(),
            "{name}: {seen}"
        );
        assert_eq!(seen["counters"]["attempted"], 1, "{name}: {seen}");
        assert_eq!(seen["counters"]["versions_pulled"], 2, "{name}: {seen}");
        let (status, body) = hosted.call_as(&other, "GET", &path, None).await;
        assert_eq!(status, 404, "{name}: another account's peer: {body}");
        let debug = format!("/debug/sync/{peer}");
        let (status, body) = hosted.call_as(&other, "GET", &debug, None).await;
        assert_eq!(status, 404, "{name}: {body}");
        let (status, body) = local.get("/sync/metrics/no-such-peer").await;
        assert_eq!((status, error_code(&body)), (404, "not_found"), "{name}");
        let (status, _) = hosted.call_as("", "GET", &path, None).await;
        assert_eq!(status, 401, "{name}");
    }
}

/// A request that looks like a signed peer request passes the local guard on `/sync/...`
/// paths (for `POST /sync/{peer_id}`): it must not open the metrics page.
#[tokio::test]
async fn a_signed_looking_request_does_not_open_the_local_pages() {
    let local = Daemon::local().start().await;
    let response = local
        .http
        .get(local.url("/sync/metrics/anything"))
        .header("signature-input", "sig1=();created=1")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 401);
}

#[tokio::test]
async fn the_debug_page_shows_everything_but_a_secret() {
    for db in common::databases().await {
        let name = db.name();
        let (hosted, token) = common::hosted_with_account(&db).await;
        let local = Daemon::local().automatic_sync(false).start().await;
        // Paired by hand, to keep the pairing code.
        let (status, body) = hosted.call_as(&token, "POST", "/pairing-codes", None).await;
        assert_eq!(status, 201, "{body}");
        let code = body["code"].as_str().unwrap().to_string();
        let request = json!({"hosted_url": hosted.base(), "pairing_code": code});
        let (status, body) = local.post("/register-peer", request).await;
        assert_eq!(status, 201, "{body}");
        let peer_id = body["peer"]["peer_id"].as_str().unwrap().to_string();
        write_conversation(&local, "secretless").await;
        sync_peer_now(&local.state, &peer_id).await.unwrap();

        let peer = local.state.store.peer(&peer_id).await.unwrap().unwrap();
        let (row, pair_key) = current_key(&local.state, &peer).await.unwrap();
        let sbt = row.sbt.clone().expect("the local end keeps its SBT");
        let key = pair_key.as_bytes();
        let mut secrets = vec![
            ("local API secret", local.bearer.clone()),
            ("account token", token.clone()),
            ("pairing code", code.clone()),
            ("SBT", sbt.clone()),
            ("pair key (hex)", hex::encode(key)),
            (
                "pair key (base64)",
                base64::engine::general_purpose::STANDARD.encode(key),
            ),
            (
                "pair key (base64url)",
                base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(key),
            ),
        ];
        // The SBT's signature alone is as good as the token.
        if let Some(signature) = sbt.rsplit('.').next() {
            secrets.push(("SBT signature", signature.to_string()));
        }

        let debug = format!("/debug/sync/{peer_id}");
        let metrics = format!("/sync/metrics/{peer_id}");
        let mut pages = Vec::new();
        for path in [
            &debug,
            &metrics,
            &"/alerts".to_string(),
            &"/metrics".to_string(),
        ] {
            let (status, text) = get_text(&local, &local.bearer, path).await;
            assert_eq!(status, 200, "{name}: {path}: {text}");
            pages.push((format!("local {path}"), text));
        }
        for path in [&debug, &metrics, &"/alerts".to_string()] {
            let (status, text) = get_text(&hosted, &token, path).await;
            assert_eq!(status, 200, "{name}: {path}: {text}");
            pages.push((format!("hosted {path}"), text));
        }
        for (page, text) in &pages {
            for (what, secret) in &secrets {
                assert!(
                    !text.contains(secret.as_str()),
                    "{name}: {page} shows the {what}"
                );
            }
        }

        // What it does show.
        let (_, page) = local.get(&debug).await;
        assert_eq!(page["sbt"]["kid"], peer.kid, "{name}: {page}");
        assert!(
            page["sbt"]["expires_in_secs"].as_i64().unwrap() > 0,
            "{name}"
        );
        let epoch = backend_8825::store::epoch(local.state.store.as_ref())
            .await
            .unwrap();
        assert_eq!(page["cursors"]["local_epoch"], epoch, "{name}");
        assert!(page["cursors"]["pull_epoch"].is_string(), "{name}: {page}");
        assert_eq!(
            page["cursors"]["push_seq"], page["cursors"]["feed_head"],
            "{name}"
        );
        let exchange = &page["exchanges"][0];
        assert_eq!(exchange["direction"], "outbound", "{name}: {page}");
        assert_eq!(exchange["status"], "ok", "{name}");
        assert_eq!(exchange["pushed"], 1, "{name}");
        assert!(exchange["duration_ms"].is_f64(), "{name}");
        assert!(
            page["rate_limit"]["sync_per_peer_per_minute"].is_u64(),
            "{name}"
        );
        assert!(page["telemetry"]["connected"].is_boolean(), "{name}");
        assert!(
            page["backoff"].is_null(),
            "{name}: no scheduler, no backoff"
        );
        let (_, page) = hosted.call_as(&token, "GET", &debug, None).await;
        assert_eq!(
            page["exchanges"][0]["direction"], "inbound",
            "{name}: {page}"
        );
        assert_eq!(page["exchanges"][0]["pulled"], 1, "{name}");
    }
}
