//! Rate limits, as an outsider meets them. Before the sliding limit, pairing attempts were
//! counted in fixed 60 s windows: 29 just before a window's end and 30 just after passed
//! within two seconds. Every client here has its own address through `Fly-Client-IP`, as
//! behind Fly's proxy; the paired peer has none and is counted by its TCP address.

use backend_8825::config::RateLimit;
use backend_8825::sync::sync_peer_now;
use serde_json::{Value, json};

use crate::common::{self, Daemon, Db, account, error_code, pair, read};
use crate::peer::push;

const ADDRESS_HEADER: &str = "Fly-Client-IP";

/// A hosted daemon that takes the client's address from [`ADDRESS_HEADER`], on `db`.
fn hosted_behind_proxy(db: &Db) -> common::Builder {
    Daemon::hosted()
        .on(db)
        .config(|c| c.http.client_ip_header = Some(ADDRESS_HEADER.into()))
}

/// One request from `address`: the status, `Retry-After` and the JSON body.
async fn request(
    hosted: &Daemon,
    address: &str,
    method: &str,
    path: &str,
    token: &str,
) -> (u16, Option<String>, Value) {
    let method = reqwest::Method::from_bytes(method.as_bytes()).unwrap();
    let mut request = hosted
        .http
        .request(method.clone(), hosted.url(path))
        .header(ADDRESS_HEADER, address)
        .bearer_auth(token);
    if method == reqwest::Method::POST {
        request = request.json(&json!({}));
    }
    let response = request.send().await.unwrap();
    let retry_after = response
        .headers()
        .get("retry-after")
        .map(|v| v.to_str().unwrap().to_string());
    let (status, body) = read(response).await;
    (status, retry_after, body)
}

/// Requests until one is refused with 429: how many were answered otherwise.
async fn passes(hosted: &Daemon, address: &str, method: &str, path: &str) -> u32 {
    let mut passed = 0;
    while request(hosted, address, method, path, "").await.0 != 429 {
        passed += 1;
        assert!(passed <= 5_000, "{method} {path} is not limited");
    }
    passed
}

#[tokio::test]
async fn pairing_attempts_across_a_window_boundary_never_pass_twice_the_limit() {
    let hosted = hosted_behind_proxy(&Db::Sqlite).start().await;
    let RateLimit { per_minute, burst } = hosted.state.config.rate_limits.pairing;
    let address = "203.0.113.9";
    assert_ne!(passes(&hosted, address, "POST", "/register-peer").await, 0);
    // Just before the end of the minute the first attempt opened, and just after.
    hosted.advance(58);
    let before = passes(&hosted, address, "POST", "/register-peer").await;
    hosted.advance(2);
    let after = passes(&hosted, address, "POST", "/register-peer").await;
    let refilled = (2 * per_minute).div_ceil(60);
    assert!(
        before + after <= burst + refilled && before + after < 2 * per_minute,
        "{before} attempts passed just before the boundary and {after} just after"
    );
}

/// Small limits, so that each kind trips after two requests and refills in 10 s; the
/// address limit on peer requests is larger, so that the peer's own syncs reach the limit
/// per peer.
fn small(c: &mut backend_8825::config::Config) {
    let small = RateLimit {
        per_minute: 6,
        burst: 2,
    };
    c.http.client_ip_header = Some(ADDRESS_HEADER.into());
    c.rate_limits.pairing = small;
    c.rate_limits.account_api = small;
    c.rate_limits.sync_per_peer = small;
    c.rate_limits.peer_requests = RateLimit {
        per_minute: 60,
        burst: 20,
    };
}

/// A kind of limited route: what it counts, how many it takes at once, the wait after, and
/// its routes (method, path).
type Kind<'a> = (&'a str, u32, &'a str, &'a [(&'a str, String)]);

/// Checks a refusal: 429, `Retry-After`, the error shape, a message that says the wait.
fn assert_refused(
    what: &str,
    wait: &str,
    (status, retry_after, body): &(u16, Option<String>, Value),
) {
    assert_eq!(*status, 429, "{what}: {body}");
    let secs = wait.split(' ').next().unwrap();
    assert_eq!(retry_after.as_deref(), Some(secs), "{what}");
    assert_eq!(error_code(body), "rate_limited", "{what}: {body}");
    let message = body["error"]["message"].as_str().unwrap();
    assert!(
        message.ends_with(&format!("try again in {wait}")),
        "{message}"
    );
    assert_eq!(body.as_object().unwrap().len(), 1, "{body}");
}

#[tokio::test]
async fn every_limited_kind_of_route_answers_429_with_retry_after_and_refills() {
    for db in common::databases().await {
        let hosted = Daemon::hosted().on(&db).config(small).start().await;
        let token = account(&hosted, "alice").await;
        let local = Daemon::local().automatic_sync(false).start().await;
        let peer = pair(&local, &hosted, &token).await;
        // What each kind counts, how many it takes at once, the wait after, its routes.
        let kinds: [Kind; 3] = [
            (
                "pairing attempts from this address",
                2,
                "10 seconds",
                &[
                    ("POST", "/register-peer".into()),
                    ("POST", format!("/peers/{peer}/renew")),
                ],
            ),
            (
                "requests from this address",
                2,
                "10 seconds",
                &[
                    ("GET", "/api/conversations".into()),
                    ("POST", "/api/conversations".into()),
                    ("GET", "/peers".into()),
                    ("POST", "/pairing-codes".into()),
                    ("GET", "/dashboard/telemetry".into()),
                ],
            ),
            (
                "peer requests from this address",
                20,
                "1 second",
                &[
                    ("POST", format!("/sync/{peer}")),
                    ("GET", format!("/peers/{peer}/binding")),
                    ("GET", format!("/telemetry/{peer}")),
                ],
            ),
        ];
        for (n, (counted, burst, wait, routes)) in kinds.iter().enumerate() {
            for (m, (method, path)) in routes.iter().enumerate() {
                let what = format!("{}: {method} {path}", db.name());
                // A fresh address per route; counted before the token or the signature.
                let address = format!("198.51.{n}.{m}");
                let allowed = passes(&hosted, &address, method, path).await;
                assert_eq!(allowed, *burst, "{what}");
                let refused = request(&hosted, &address, method, path, &token).await;
                assert_refused(&what, wait, &refused);
                let message = refused.2["error"]["message"].as_str().unwrap();
                assert!(
                    message.starts_with(&format!("too many {counted};")),
                    "{message}"
                );
                // Every route of a kind counts against the same allowance.
                for (other_method, other) in routes.iter() {
                    let answer = request(&hosted, &address, other_method, other, &token).await;
                    assert_eq!(answer.0, 429, "{what}, then {other}");
                }
            }
        }
        // The paired peer, verified, over its own limit: refused, and only that peer.
        let body = json!({"v": 1, "epoch": "e", "since": null, "push_through": 0, "changes": []});
        for _ in 0..2 {
            let (status, answer) = push(&local, &hosted, &peer, &body).await;
            assert_eq!(status, 200, "{}: {answer}", db.name());
        }
        let (status, answer) = push(&local, &hosted, &peer, &body).await;
        assert_eq!(status, 429, "{}: {answer}", db.name());
        let message = answer["error"]["message"].as_str().unwrap();
        assert_eq!(
            message,
            "too many sync requests from this peer; try again in 10 seconds"
        );
        // Each run of refusals is one entry in the audit trail, not one per request.
        let audit = hosted.state.store.audit_entries(500).await.unwrap();
        let trips: Vec<_> = audit
            .iter()
            .filter(|e| e.detail.as_deref() == Some("rate_limited"))
            .collect();
        let from = |ip: &str| trips.iter().filter(|e| e.ip.as_deref() == Some(ip)).count();
        assert_eq!(from("198.51.0.0"), 1, "{}: {trips:?}", db.name());
        assert_eq!(from("198.51.2.0"), 1, "{}: {trips:?}", db.name());
        let peer_trips = trips.iter().filter(|e| e.peer_id.as_deref() == Some(&peer));
        assert_eq!(peer_trips.count(), 1, "{}: {trips:?}", db.name());
        // The limits slide: after the wait, each kind takes a request again.
        hosted.advance(10);
        local.advance(10);
        let (status, _, _) = request(&hosted, "198.51.0.0", "POST", "/register-peer", "").await;
        assert_eq!(status, 422, "{}", db.name());
        let (status, _, _) = request(&hosted, "198.51.1.0", "GET", "/peers", &token).await;
        assert_eq!(status, 200, "{}", db.name());
        let (status, answer) = push(&local, &hosted, &peer, &body).await;
        assert_eq!(status, 200, "{}: {answer}", db.name());
    }
}

#[tokio::test]
async fn a_peer_syncing_every_five_seconds_never_meets_the_limits_an_attacker_meets() {
    for db in common::databases().await {
        let hosted = hosted_behind_proxy(&db).start().await;
        let token = account(&hosted, "alice").await;
        let local = Daemon::local().automatic_sync(false).start().await;
        let peer = pair(&local, &hosted, &token).await;
        let attacker = "203.0.113.66";
        // Ten minutes: a sync every 5 s, the UI polling twice meanwhile, and every 50 s a
        // burst of twenty syncs, as after a run of writes.
        for tick in 0..120 {
            hosted.advance(5);
            local.advance(5);
            let syncs = if tick % 10 == 0 { 20 } else { 1 };
            for _ in 0..syncs {
                let synced = sync_peer_now(&local.state, &peer).await;
                assert!(synced.is_ok(), "{}, tick {tick}: {synced:?}", db.name());
            }
            for _ in 0..2 {
                let (status, body) = hosted.call_as(&token, "GET", "/peers", None).await;
                assert_eq!(status, 200, "{}, tick {tick}: {body}", db.name());
            }
            if tick % 60 == 0 {
                // The attacker, meanwhile, runs into the limits before any verification.
                let sync = format!("/sync/{peer}");
                let (n, m) = (
                    passes(&hosted, attacker, "POST", &sync).await,
                    passes(&hosted, attacker, "GET", "/peers").await,
                );
                assert!(n > 0 && m > 0, "{}", db.name());
            }
        }
    }
}

#[tokio::test]
async fn the_document_lists_the_429_of_each_limited_operation_and_no_other() {
    let hosted = Daemon::hosted().start().await;
    let (status, document) = hosted.get("/openapi.json").await;
    assert_eq!(status, 200);
    let answer = |method: &str, path: &str| {
        document["paths"][path][method]["responses"]["429"]["description"]
            .as_str()
            .map(str::to_string)
    };
    let pairing = answer("post", "/register-peer").unwrap();
    assert!(pairing.contains("rate_limits.pairing_*"), "{pairing}");
    assert!(pairing.contains("30 a minute"), "{pairing}");
    let sync = answer("post", "/sync/{peer_id}").unwrap();
    assert!(sync.contains("rate_limits.peer_requests_*"), "{sync}");
    assert!(sync.contains("rate_limits.sync_per_peer_*"), "{sync}");
    for (method, path) in [
        ("post", "/peers/{peer_id}/renew"),
        ("get", "/peers"),
        ("patch", "/api/conversations/{id}"),
        ("post", "/pairing-codes"),
        ("get", "/dashboard/telemetry"),
        ("get", "/peers/{peer_id}/binding"),
        ("get", "/telemetry/{peer_id}"),
    ] {
        assert!(answer(method, path).is_some(), "{method} {path}");
    }
    for (method, path) in [("get", "/health"), ("get", "/identity")] {
        assert!(answer(method, path).is_none(), "{method} {path}");
    }
    // The local daemon limits nothing.
    let local = Daemon::local().start().await;
    let (_, document) = local.get("/openapi.json").await;
    assert!(!document.to_string().contains("rate_limited"));
}
