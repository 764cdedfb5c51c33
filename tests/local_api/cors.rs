//! No CORS on the local API, even from a route that tries; the hosted backend has no local
//! guard at all.

use axum::Router;
use axum::body::Body;
use axum::http::{HeaderValue, Request, StatusCode, header};
use axum::routing::get;
use backend_8825::app::{router, with_edge};
use backend_8825::config::Mode;
use backend_8825::local_api;
use tower::ServiceExt;

use crate::client::local_daemon;
use crate::common::{self, Db};

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
