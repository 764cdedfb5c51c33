//! The local API guard (docs/local-api.md), tried the way a hostile web page or a careless script
//! would: rebinding Hosts, foreign Origins, form posts, missing secrets, replayed and
//! expired launch URLs; and the `token` and `ui` commands of the real binary.

mod common;

use std::sync::Arc;

use axum::Router;
use axum::body::Body;
use axum::http::{HeaderValue, Request, StatusCode, header};
use axum::routing::get;
use backend_8825::app::{build_state_with_clock, router, with_edge};
use backend_8825::clock::{Clock, ManualClock};
use backend_8825::config::Mode;
use backend_8825::local_api::{self, SESSION_COOKIE};
use chrono::{Duration, Utc};
use common::binary::{command, spawn_served};
use common::{Db, TestDaemon};
use serde_json::Value;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tower::ServiceExt;

/// An answer read off the socket.
#[derive(Debug)]
struct Raw {
    status: u16,
    headers: Vec<(String, String)>,
    body: String,
}

impl Raw {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    fn json(&self) -> Value {
        serde_json::from_str(&self.body).unwrap_or_else(|_| panic!("body is not JSON: {self:?}"))
    }

    /// The status and the error code of a JSON error answer.
    fn error(&self) -> (u16, String) {
        let body = self.json();
        assert!(
            body["error"]["message"]
                .as_str()
                .is_some_and(|m| !m.is_empty()),
            "{body}"
        );
        (self.status, body["error"]["code"].as_str().unwrap().into())
    }

    /// Every local answer: no CORS header, no framing.
    fn assert_hardened(&self) {
        assert!(
            !self
                .headers
                .iter()
                .any(|(n, _)| n.to_ascii_lowercase().starts_with("access-control-")),
            "{self:?}"
        );
        assert_eq!(
            self.header("content-security-policy"),
            Some("frame-ancestors 'none'")
        );
        assert_eq!(self.header("x-frame-options"), Some("DENY"));
    }
}

/// A request written byte for byte, so Host and Origin are exactly what the test says
/// (`host: None` sends no Host header at all).
struct Req<'a> {
    method: &'a str,
    target: &'a str,
    host: Option<&'a str>,
    headers: Vec<(&'a str, String)>,
    body: &'a str,
}

impl<'a> Req<'a> {
    fn new(method: &'a str, target: &'a str, host: &'a str) -> Self {
        Self {
            method,
            target,
            host: Some(host),
            headers: Vec::new(),
            body: "",
        }
    }

    fn header(mut self, name: &'a str, value: impl Into<String>) -> Self {
        self.headers.push((name, value.into()));
        self
    }

    fn bearer(self, secret: &str) -> Self {
        self.header("Authorization", format!("Bearer {secret}"))
    }

    fn json(self) -> Self {
        self.header("Content-Type", "application/json")
    }

    async fn send(&self, addr: std::net::SocketAddr) -> Raw {
        let mut text = format!("{} {} HTTP/1.1\r\n", self.method, self.target);
        if let Some(host) = self.host {
            text += &format!("Host: {host}\r\n");
        }
        for (name, value) in &self.headers {
            text += &format!("{name}: {value}\r\n");
        }
        text += &format!(
            "Content-Length: {}\r\nConnection: close\r\n\r\n{}",
            self.body.len(),
            self.body
        );
        let mut stream = tokio::net::TcpStream::connect(addr).await.unwrap();
        stream.write_all(text.as_bytes()).await.unwrap();
        let mut answer = String::new();
        stream.read_to_string(&mut answer).await.unwrap();
        let (head, body) = answer.split_once("\r\n\r\n").expect("a whole answer");
        let mut lines = head.lines();
        let status = lines.next().unwrap().split(' ').nth(1).unwrap();
        let headers = lines
            .filter_map(|l| l.split_once(':'))
            .map(|(n, v)| (n.to_string(), v.trim().to_string()))
            .collect();
        Raw {
            status: status.parse().unwrap(),
            headers,
            body: body.to_string(),
        }
    }
}

struct Local {
    daemon: TestDaemon,
    secret: String,
    host: String,
    _dir: tempfile::TempDir,
}

async fn local_daemon() -> Local {
    let dir = tempfile::tempdir().unwrap();
    let config = common::config(Mode::Local, dir.path(), &Db::Sqlite);
    let daemon = TestDaemon::start(config, common::mock_keychain(dir.path())).await;
    from_daemon(daemon, dir).await
}

async fn from_daemon(daemon: TestDaemon, dir: tempfile::TempDir) -> Local {
    let secret = local_api::local_secret(&daemon.state).await.unwrap();
    Local {
        secret: secret.expose().to_string(),
        host: format!("127.0.0.1:{}", daemon.addr.port()),
        daemon,
        _dir: dir,
    }
}

impl Local {
    fn req<'a>(&'a self, method: &'a str, target: &'a str) -> Req<'a> {
        Req::new(method, target, &self.host)
    }

    /// `POST /launch-tokens` with the secret: the launch URL's token.
    async fn launch_token(&self) -> String {
        let answer = self
            .req("POST", "/launch-tokens")
            .json()
            .bearer(&self.secret);
        let answer = answer.send(self.daemon.addr).await;
        assert_eq!(answer.status, 201, "{answer:?}");
        let url = answer.json()["url"].as_str().unwrap().to_string();
        let prefix = format!("http://{}/launch?token=", self.host);
        url.strip_prefix(&prefix)
            .unwrap_or_else(|| panic!("{url}"))
            .to_string()
    }

    /// Spends a launch token; the session cookie's value on success.
    async fn launch(&self, token: &str) -> Result<String, Raw> {
        let target = format!("/launch?token={token}");
        let answer = self.req("GET", &target).send(self.daemon.addr).await;
        answer.assert_hardened();
        if answer.status != 303 {
            return Err(answer);
        }
        assert_eq!(answer.header("location"), Some("/"));
        let cookie = answer.header("set-cookie").unwrap();
        let (pair, attributes) = cookie.split_once("; ").unwrap();
        assert_eq!(attributes, "HttpOnly; SameSite=Strict; Path=/");
        let value = pair.strip_prefix(&format!("{SESSION_COOKIE}=")).unwrap();
        Ok(value.to_string())
    }
}

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
    // Each refusal is in the audit trail.
    let audit = local.daemon.state.store.audit_entries(100).await.unwrap();
    let refused = audit
        .iter()
        .filter(|e| e.event == "local_api" && e.detail.as_deref() == Some("forbidden_host"))
        .count();
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

#[tokio::test]
async fn a_launch_url_works_once_and_opens_a_session_that_needs_csrf_on_writes() {
    let local = local_daemon().await;
    let addr = local.daemon.addr;
    let token = local.launch_token().await;
    let session = local.launch(&token).await.expect("the launch URL works");
    let replay = local
        .launch(&token)
        .await
        .expect_err("a launch URL works once");
    assert_eq!(replay.error(), (401, "unauthorized".into()));
    for bad in ["/launch?token=nope", "/launch", "/launch?token="] {
        let answer = local.req("GET", bad).send(addr).await;
        assert_eq!(answer.error(), (401, "unauthorized".into()), "{bad}");
    }
    // HEAD spends nothing (link previews, prefetchers).
    let spare = local.launch_token().await;
    let head = format!("/launch?token={spare}");
    assert_eq!(local.req("HEAD", &head).send(addr).await.status, 204);
    assert!(local.launch(&spare).await.is_ok());

    let cookie = format!("{SESSION_COOKIE}={session}");
    let answer = local.req("GET", "/session").header("Cookie", &cookie);
    let answer = answer.send(addr).await;
    assert_eq!(answer.status, 200, "{answer:?}");
    assert_eq!(answer.json()["auth"], "session");
    let csrf = answer.json()["csrf"].as_str().unwrap().to_string();
    assert_ne!(csrf, session);
    // Among other cookies (another app on localhost sets its own).
    let crowded = format!("theme=dark; {SESSION_COOKIE}=stale; {cookie}");
    let answer = local.req("GET", "/session").header("Cookie", crowded);
    assert_eq!(answer.send(addr).await.status, 200);
    let forged = format!("{SESSION_COOKIE}={token}");
    let answer = local.req("GET", "/session").header("Cookie", forged);
    assert_eq!(
        answer.send(addr).await.error(),
        (401, "unauthorized".into())
    );

    // A write with the cookie needs this session's CSRF token.
    let write = |csrf: Option<&str>| {
        let mut req = local
            .req("POST", "/no/such/route")
            .json()
            .header("Cookie", &cookie);
        if let Some(csrf) = csrf {
            req = req.header("X-CSRF-Token", csrf);
        }
        req
    };
    let forged_csrf = format!("{csrf}x");
    for bad in [None, Some(forged_csrf.as_str()), Some(session.as_str())] {
        let answer = write(bad).send(addr).await;
        assert_eq!(answer.error(), (401, "unauthorized".into()), "{bad:?}");
    }
    let answer = write(Some(&csrf)).send(addr).await;
    assert_eq!(
        answer.error(),
        (404, "not_found".into()),
        "passes the guard"
    );
    // A session cannot mint launch URLs; the Bearer alone can.
    let mint = local
        .req("POST", "/launch-tokens")
        .json()
        .header("Cookie", &cookie)
        .header("X-CSRF-Token", &csrf);
    assert_eq!(mint.send(addr).await.error(), (403, "forbidden".into()));
    // A wrong Bearer is not rescued by a good cookie.
    let both = local
        .req("GET", "/session")
        .header("Cookie", &cookie)
        .header("Authorization", "Bearer wrong");
    assert_eq!(both.send(addr).await.error(), (401, "unauthorized".into()));
}

#[tokio::test]
async fn launch_urls_expire_after_two_minutes_and_sessions_after_twelve_hours() {
    let dir = tempfile::tempdir().unwrap();
    let clock = Arc::new(ManualClock::new(Utc::now()));
    let config = common::config(Mode::Local, dir.path(), &Db::Sqlite);
    let keychain = common::mock_keychain(dir.path());
    let state = build_state_with_clock(config, keychain, clock.clone())
        .await
        .unwrap();
    let local = from_daemon(TestDaemon::start_with_state(state).await, dir).await;

    let issue = local
        .req("POST", "/launch-tokens")
        .json()
        .bearer(&local.secret);
    let issued = issue.send(local.daemon.addr).await.json();
    let expires_at = issued["expires_at"].as_str().unwrap();
    let expires_at = chrono::DateTime::parse_from_rfc3339(expires_at).unwrap();
    assert_eq!(
        expires_at.timestamp(),
        (clock.now() + Duration::minutes(2)).timestamp()
    );
    let late = local.launch_token().await;
    clock.advance(Duration::minutes(2));
    let answer = local.launch(&late).await.expect_err("expired");
    assert_eq!(answer.error(), (401, "unauthorized".into()));
    // A browser that opens the expired link gets a page that says how to get a new one.
    let target = format!("/launch?token={late}");
    let page = local
        .req("GET", &target)
        .header("Accept", "text/html,application/xhtml+xml,*/*;q=0.8")
        .send(local.daemon.addr)
        .await;
    assert_eq!(page.status, 401);
    assert!(
        page.header("content-type")
            .unwrap()
            .starts_with("text/html"),
        "{page:?}"
    );
    assert!(
        page.body.contains("expired or was already used"),
        "{page:?}"
    );
    let data_dir = local.daemon.state.config.data_dir.display().to_string();
    assert!(
        page.body
            .contains(&format!("backend-8825 ui --data-dir {data_dir}")),
        "{page:?}"
    );
    assert!(!page.body.contains(&late), "the token is not echoed");
    assert!(!page.body.contains("<script"), "{page:?}");

    let token = local.launch_token().await;
    clock.advance(Duration::minutes(2) - Duration::seconds(1));
    let session = local.launch(&token).await.expect("still valid");
    let cookie = format!("{SESSION_COOKIE}={session}");
    let who = || local.req("GET", "/session").header("Cookie", &cookie);
    assert_eq!(who().send(local.daemon.addr).await.status, 200);
    clock.advance(Duration::hours(12) - Duration::seconds(1));
    assert_eq!(who().send(local.daemon.addr).await.status, 200);
    clock.advance(Duration::seconds(1));
    let answer = who().send(local.daemon.addr).await;
    assert_eq!(answer.error(), (401, "unauthorized".into()));
}

#[tokio::test]
async fn no_cors_headers_on_any_local_response_including_preflights() {
    let local = local_daemon().await;
    let addr = local.daemon.addr;
    let own = format!("http://{}", local.host);
    for origin in ["http://attacker.example", own.as_str()] {
        let preflight = local
            .req("OPTIONS", "/launch-tokens")
            .header("Origin", origin)
            .header("Access-Control-Request-Method", "POST")
            .header(
                "Access-Control-Request-Headers",
                "authorization, content-type",
            );
        let answer = preflight.send(addr).await;
        assert!(answer.status >= 400, "{answer:?}");
        answer.assert_hardened();
    }
    let answer = local
        .req("GET", "/identity")
        .header("Origin", "http://a.example");
    answer.send(addr).await.assert_hardened();

    // A route that tries to add CORS headers has them removed on the way out.
    let dir = tempfile::tempdir().unwrap();
    let state = common::state(Mode::Local, dir.path(), &Db::Sqlite).await;
    let permissive = Router::new().route(
        "/identity",
        get(|| async {
            let mut response = axum::response::IntoResponse::into_response("{}");
            let headers = response.headers_mut();
            let star = HeaderValue::from_static("*");
            headers.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, star.clone());
            headers.insert(header::ACCESS_CONTROL_ALLOW_HEADERS, star);
            response
        }),
    );
    let app = with_edge(local_api::protect(permissive, state.clone()), state.clone());
    let request = Request::get("/identity")
        .header(
            header::HOST,
            format!("localhost:{}", state.config.http.port),
        )
        .body(Body::empty())
        .unwrap();
    let response = app.oneshot(request).await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let names: Vec<_> = response.headers().keys().map(|n| n.as_str()).collect();
    assert!(
        !names.iter().any(|n| n.starts_with("access-control-")),
        "{names:?}"
    );
    assert_eq!(
        response.headers()[header::CONTENT_SECURITY_POLICY],
        "frame-ancestors 'none'"
    );
}

#[tokio::test]
async fn the_hosted_backend_has_no_local_guard() {
    let dir = tempfile::tempdir().unwrap();
    let state = common::state(Mode::Hosted, dir.path(), &Db::Sqlite).await;
    let request = Request::get("/identity")
        .header(header::HOST, "backend.example.com")
        .body(Body::empty())
        .unwrap();
    let response = router(state.clone()).oneshot(request).await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.headers()[header::ACCESS_CONTROL_ALLOW_ORIGIN], "*");
    let request = Request::get("/session")
        .header(header::HOST, "backend.example.com")
        .body(Body::empty())
        .unwrap();
    let response = router(state).oneshot(request).await.unwrap();
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn token_and_ui_open_the_ui_of_the_running_daemon() {
    let home = tempfile::tempdir().unwrap();
    let data = home.path().join("data");
    let data_arg = data.to_str().unwrap();
    let cli = |args: &[&str]| {
        let mut cmd = command(home.path());
        cmd.env("BACKEND_8825_KEYCHAIN", "false").args(args);
        cmd.output().unwrap()
    };
    let stdout = |out: &std::process::Output| {
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let text = String::from_utf8(out.stdout.clone()).unwrap();
        assert_eq!(text.lines().count(), 1, "one line on stdout: {text:?}");
        text.trim().to_string()
    };

    // Before any daemon ran: the secret is created, then the same one is printed again.
    let secret = stdout(&cli(&["token", "--data-dir", data_arg]));
    assert_eq!(secret.len(), 43, "32 bytes in base64url: {secret}");
    assert_eq!(stdout(&cli(&["token", "--data-dir", data_arg])), secret);

    let out = cli(&["ui", "--data-dir", data_arg]);
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("no local daemon is running"), "{stderr}");
    assert!(out.stdout.is_empty());

    let mut daemon = command(home.path());
    daemon.env("BACKEND_8825_KEYCHAIN", "false");
    daemon.args(["serve", "--data-dir", data_arg, "--port", "0"]);
    let served = spawn_served(daemon);
    let record: Value =
        serde_json::from_str(&std::fs::read_to_string(data.join("daemon.json")).unwrap()).unwrap();
    assert_eq!(record["url"], served.base.as_str());
    assert_eq!(record["pid"], served.child.id());
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let meta = std::fs::metadata(data.join("daemon.json")).unwrap();
        assert_eq!(meta.permissions().mode() & 0o777, 0o600);
    }

    let _ = rustls::crypto::ring::default_provider().install_default();
    let client = reqwest::Client::builder()
        .no_proxy()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let session = client
        .get(format!("{}/session", served.base))
        .bearer_auth(&secret)
        .send()
        .await
        .unwrap();
    assert_eq!(session.status(), 200, "the daemon takes the printed secret");

    for args in [
        vec!["ui", "--data-dir", data_arg],
        vec!["ui", "--data-dir", data_arg, "--local", &served.base],
    ] {
        let out = cli(&args);
        let url = stdout(&out);
        assert!(
            url.starts_with(&format!("{}/launch?token=", served.base)),
            "{url}"
        );
        let token = url.split("token=").nth(1).unwrap();
        assert!(!String::from_utf8_lossy(&out.stderr).contains(token));
        let opened = client.get(&url).send().await.unwrap();
        assert_eq!(opened.status(), 303, "{args:?}");
        let cookie = opened.headers()[reqwest::header::SET_COOKIE]
            .to_str()
            .unwrap();
        assert!(
            cookie.starts_with(&format!("{SESSION_COOKIE}=")),
            "{cookie}"
        );
        assert!(cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict"));
        let again = client.get(&url).send().await.unwrap();
        assert_eq!(again.status(), 401, "the URL works once");
    }

    // Another data dir's secret does not open this daemon.
    let other = home.path().join("other");
    let out = cli(&[
        "ui",
        "--data-dir",
        other.to_str().unwrap(),
        "--local",
        &served.base,
    ]);
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("--data-dir"), "{stderr}");

    let base = served.base.clone();
    let (exit, _) = served.terminate();
    assert!(exit.success());
    assert!(!data.join("daemon.json").exists(), "removed on shutdown");
    let out = cli(&["ui", "--data-dir", data_arg, "--local", &base]);
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("no daemon answers"), "{stderr}");
}
