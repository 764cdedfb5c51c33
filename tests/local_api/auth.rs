//! What a write must carry before anything else (a JSON content type), and where the secret
//! is needed: everywhere but the public reads.

use crate::client::{Req, local_daemon};

#[tokio::test]
async fn writes_need_a_json_content_type_before_anything_else() {
    let local = local_daemon().await;
    let addr = local.daemon.addr;
    for content_type in [
        Some("text/plain"),
        Some("application/x-www-form-urlencoded"),
        Some("multipart/form-data; boundary=x"),
        Some("application/json-patch+json"),
        None,
    ] {
        for secret in [Some(local.secret.as_str()), None] {
            let mut write = local.req("POST", "/launch-tokens");
            if let Some(ct) = content_type {
                write = write.header("Content-Type", ct);
            }
            if let Some(secret) = secret {
                write = write.bearer(secret);
            }
            let answer = Req {
                body: "{}",
                ..write
            };
            let answer = answer.send(addr).await;
            let expected = (415, "unsupported_media_type".to_string());
            assert_eq!(answer.error(), expected, "{content_type:?}");
            answer.assert_hardened();
        }
    }
    let charset = local
        .req("POST", "/launch-tokens")
        .header("Content-Type", "application/json; charset=utf-8")
        .bearer(&local.secret);
    assert_eq!(charset.send(addr).await.status, 201);
    let with_body = Req {
        body: "{}",
        ..local
            .req("POST", "/launch-tokens")
            .json()
            .bearer(&local.secret)
    };
    assert_eq!(with_body.send(addr).await.status, 201);
}

#[tokio::test]
async fn the_secret_is_required_except_on_public_reads() {
    let local = local_daemon().await;
    let addr = local.daemon.addr;
    let answer = local.req("GET", "/session").send(addr).await;
    assert_eq!(answer.error(), (401, "unauthorized".into()));
    assert!(answer.body.contains("missing"), "{answer:?}");
    answer.assert_hardened();
    let forged = format!("{}x", local.secret);
    let almost = &local.secret[..local.secret.len() - 1];
    for auth in [
        format!("Bearer {forged}"),
        format!("Bearer {almost}"),
        "Bearer ".into(),
        format!("Basic {}", local.secret),
        local.secret.clone(),
    ] {
        let answer = local.req("GET", "/session").header("Authorization", &auth);
        let answer = answer.send(addr).await;
        assert_eq!(answer.error(), (401, "unauthorized".into()), "{auth}");
        assert!(answer.body.contains("invalid"), "{answer:?}");
        assert!(!answer.body.contains(&local.secret));
    }
    let answer = local
        .req("GET", "/session")
        .bearer(&local.secret)
        .send(addr)
        .await;
    assert_eq!(answer.status, 200, "{answer:?}");
    assert_eq!(answer.json()["auth"], "bearer");

    for public in ["/health", "/identity"] {
        let answer = local.req("GET", public).send(addr).await;
        assert_eq!(answer.status, 200, "{public}");
        answer.assert_hardened();
        assert_eq!(local.req("HEAD", public).send(addr).await.status, 200);
    }
    // The UI's page and files are public too, with the UI's stricter policy (which keeps
    // `frame-ancestors 'none'`); a file that is not there is a 404.
    for public in ["/", "/ui/main.js", "/ui/style.css"] {
        let answer = local.req("GET", public).send(addr).await;
        assert_eq!(answer.status, 200, "{public}");
        let csp = answer.header("content-security-policy").unwrap_or_default();
        assert!(csp.contains("default-src 'self'"), "{csp}");
        assert!(csp.contains("frame-ancestors 'none'"), "{csp}");
        assert_eq!(answer.header("x-frame-options"), Some("DENY"));
        assert_eq!(answer.header("cache-control"), Some("no-store"));
    }
    let answer = local.req("GET", "/ui/app.js").send(addr).await;
    assert_eq!(answer.error(), (404, "not_found".into()));
    // Only their reads: anything else, and any other path, needs the secret.
    let answer = local.req("DELETE", "/health").json().send(addr).await;
    assert_eq!(answer.error(), (401, "unauthorized".into()));
    let answer = local.req("DELETE", "/health").json().bearer(&local.secret);
    let answer = answer.send(addr).await;
    assert_eq!(answer.error(), (405, "method_not_allowed".into()));
    for path in ["/no/such/route", "/uix", "/ui"] {
        let answer = local.req("GET", path).send(addr).await;
        assert_eq!(answer.error(), (401, "unauthorized".into()), "{path}");
        let answer = local
            .req("GET", path)
            .bearer(&local.secret)
            .send(addr)
            .await;
        assert_eq!(answer.error(), (404, "not_found".into()), "{path}");
        answer.assert_hardened();
    }
}
