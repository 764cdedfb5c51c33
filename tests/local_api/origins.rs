//! Requests from the wrong place: Hosts a rebinding page would send, and foreign Origins on
//! writes and WebSocket upgrades.

use crate::client::{Req, local_daemon};

#[tokio::test]
async fn rebinding_hosts_are_refused_on_reads_and_writes() {
    let local = local_daemon().await;
    let port = local.daemon.addr.port();
    let wrong_port = format!("127.0.0.1:{}", port.wrapping_add(1));
    let localhost6 = format!("localhost6:{port}");
    let attacker_port = format!("attacker.example:{port}");
    let bad_hosts = [
        Some("attacker.example:8825"),
        Some(attacker_port.as_str()),
        Some(""),
        None,
        Some(localhost6.as_str()),
        Some(wrong_port.as_str()),
        Some("127.0.0.1"),
        Some("localhost"),
    ];
    for host in bad_hosts {
        let read = Req {
            host,
            ..local.req("GET", "/identity")
        };
        let write = Req {
            host,
            ..local
                .req("POST", "/launch-tokens")
                .json()
                .bearer(&local.secret)
        };
        for answer in [
            read.send(local.daemon.addr).await,
            write.send(local.daemon.addr).await,
        ] {
            assert_eq!(answer.error(), (403, "forbidden_host".into()), "{host:?}");
            answer.assert_hardened();
        }
    }
    // An absolute-form target names its own host, and two Host headers are one too many.
    let absolute = format!("http://attacker.example:{port}/identity");
    let answer = local.req("GET", &absolute).send(local.daemon.addr).await;
    assert_eq!(answer.error(), (403, "forbidden_host".into()));
    let answer = local
        .req("GET", "/identity")
        .header("Host", "attacker.example");
    assert_eq!(answer.send(local.daemon.addr).await.status, 403);
    // Each refusal is in the audit trail: the first as it happens, the repeats (one source,
    // within the coalescing window) in the count written when the window closes.
    backend_8825::security::audit::flush(&local.daemon.state).await;
    let audit = local.daemon.state.store.audit_entries(100).await.unwrap();
    let refused: i64 = audit
        .iter()
        .filter(|e| e.event == "local_api" && e.detail.as_deref() == Some("forbidden_host"))
        .map(|e| e.count)
        .sum();
    assert!(refused >= 4, "denied requests are audited: {audit:?}");

    for host in [
        format!("localhost:{port}"),
        format!("[::1]:{port}"),
        local.host.clone(),
    ] {
        let read = Req::new("GET", "/identity", &host)
            .send(local.daemon.addr)
            .await;
        assert_eq!(read.status, 200, "{host}: {read:?}");
        let write = Req::new("POST", "/launch-tokens", &host)
            .json()
            .bearer(&local.secret);
        assert_eq!(write.send(local.daemon.addr).await.status, 201, "{host}");
    }
}

#[tokio::test]
async fn foreign_origins_are_refused_on_writes_and_websocket_upgrades() {
    let local = local_daemon().await;
    let port = local.daemon.addr.port();
    let foreign = [
        "http://attacker.example".to_string(),
        "null".into(),
        format!("http://attacker.example:{port}"),
        format!("http://localhost:{}", port.wrapping_add(1)),
        format!("https://127.0.0.1:{port}"),
        format!("http://127.0.0.1:{port}/"),
    ];
    let write = || {
        local
            .req("POST", "/launch-tokens")
            .json()
            .bearer(&local.secret)
    };
    for origin in &foreign {
        let answer = write()
            .header("Origin", origin)
            .send(local.daemon.addr)
            .await;
        assert_eq!(answer.error(), (403, "forbidden_origin".into()), "{origin}");
        answer.assert_hardened();
        let upgrade = local
            .req("GET", "/session")
            .bearer(&local.secret)
            .header("Connection", "Upgrade")
            .header("Upgrade", "websocket")
            .header("Sec-WebSocket-Version", "13")
            .header("Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ==")
            .header("Origin", origin);
        let answer = upgrade.send(local.daemon.addr).await;
        assert_eq!(answer.error(), (403, "forbidden_origin".into()), "{origin}");
    }
    let own = format!("http://localhost:{port}");
    let answer = write().header("Origin", own).send(local.daemon.addr).await;
    assert_eq!(answer.status, 201, "the daemon's own origin: {answer:?}");
    assert_eq!(
        write().send(local.daemon.addr).await.status,
        201,
        "no Origin (curl)"
    );
    // A read may come from anywhere: without CORS, the page cannot see the answer.
    let read = local
        .req("GET", "/identity")
        .header("Origin", "http://attacker.example");
    assert_eq!(read.send(local.daemon.addr).await.status, 200);
    // An upgrade is never public, even on a public path.
    let upgrade = local
        .req("GET", "/health")
        .header("Connection", "Upgrade")
        .header("Upgrade", "websocket");
    let answer = upgrade.send(local.daemon.addr).await;
    assert_eq!(answer.error(), (401, "unauthorized".into()));
}
