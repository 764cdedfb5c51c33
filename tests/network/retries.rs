//! The retry strategy as pairing uses it (docs/sync.md, "Retries"): the user is waiting, so
//! only a request that never reached the hosted backend is sent again, briefly; a refusal is
//! shown at once, never retried. Counted through a proxy.

use std::time::{Duration, Instant};

use serde_json::json;

use crate::common::proxy::Proxy;
use crate::common::{self, Daemon, error_code, hosted_with_account};

#[tokio::test]
async fn pairing_with_a_hosted_backend_that_is_down_tries_three_times_within_seconds() {
    // A proxy in front of a port where nothing listens: each request reaches the proxy,
    // which counts it and closes the connection unanswered.
    let dead = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = dead.local_addr().unwrap();
    drop(dead);
    let proxy = Proxy::start(addr).await;
    let local = Daemon::local().automatic_sync(false).start().await;
    let started = Instant::now();
    let request = json!({"hosted_url": proxy.url(), "pairing_code": "ABCD-EFGH-JKLM"});
    let (status, body) = local.post("/register-peer", request).await;
    let took = started.elapsed();
    assert_eq!(
        (status, error_code(&body)),
        (502, "hosted_unreachable"),
        "{body}"
    );
    let seen = proxy.lines_since(0);
    assert_eq!(
        seen,
        vec!["GET /identity HTTP/1.1"; 3],
        "three attempts, then the error"
    );
    assert!(
        took < Duration::from_secs(5),
        "the user is not kept waiting: {took:?}"
    );
}

#[tokio::test]
async fn a_refused_pairing_is_surfaced_at_once_not_retried() {
    for db in common::databases().await {
        let (hosted, _token) = hosted_with_account(&db).await;
        let proxy = Proxy::start(hosted.addr).await;
        let local = Daemon::local().automatic_sync(false).start().await;
        let request = json!({"hosted_url": proxy.url(), "pairing_code": "ABCD-EFGH-JKLM"});
        let (status, body) = local.post("/register-peer", request).await;
        assert_eq!(status, 422, "{}: {body}", db.name());
        assert_eq!(error_code(&body), "pairing_code_invalid", "{body}");
        let posts = proxy
            .lines_since(0)
            .into_iter()
            .filter(|l| l.starts_with("POST /register-peer"))
            .count();
        assert_eq!(posts, 1, "{}: a refusal is not sent again", db.name());
    }
}
