//! The HTTP edge: every failure answers the JSON error shape with a 4xx, the identity and
//! health routes answer as documented.

mod common;

use axum::Router;
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use axum::routing::post;
use backend_8825::app::{router, with_edge};
use backend_8825::config::Mode;
use backend_8825::error::ApiJson;
use backend_8825::local_api;
use backend_8825::state::AppState;
use common::Db;
use http_body_util::BodyExt;
use serde_json::{Value, json};
use tower::ServiceExt;

async fn call(app: Router, request: Request<Body>) -> (StatusCode, axum::http::HeaderMap, Value) {
    let response = app.oneshot(request).await.unwrap();
    let (parts, body) = response.into_parts();
    let bytes = body.collect().await.unwrap().to_bytes();
    let value = serde_json::from_slice(&bytes)
        .unwrap_or_else(|_| panic!("body is not JSON: {}", String::from_utf8_lossy(&bytes)));
    (parts.status, parts.headers, value)
}

/// A GET as a client on this machine sends it: with the Host the local guard allows.
fn get(state: &AppState, path: &str) -> Request<Body> {
    Request::get(path)
        .header(header::HOST, host(state))
        .body(Body::empty())
        .unwrap()
}

fn host(state: &AppState) -> String {
    format!("127.0.0.1:{}", state.config.http.port)
}

/// A request that passes the local guard: allowed Host, JSON content type, Bearer secret.
async fn authorized(state: &AppState, method: &str, path: &str) -> Request<Body> {
    let secret = local_api::local_secret(state).await.unwrap();
    Request::builder()
        .method(method)
        .uri(path)
        .header(header::HOST, host(state))
        .header(header::CONTENT_TYPE, "application/json")
        .header(header::AUTHORIZATION, format!("Bearer {}", secret.expose()))
        .body(Body::empty())
        .unwrap()
}

fn assert_error(status: StatusCode, body: &Value, expected: StatusCode, code: &str) {
    assert_eq!(status, expected, "{body}");
    assert_eq!(body["error"]["code"], code, "{body}");
    assert!(
        body["error"]["message"]
            .as_str()
            .is_some_and(|m| !m.is_empty()),
        "{body}"
    );
}

#[derive(serde::Deserialize, serde::Serialize)]
struct Payload {
    name: String,
    count: u32,
}

/// A JSON route behind the daemon's edge layers, to exercise body handling.
fn echo_app(state: AppState) -> Router {
    let routes = Router::new().route(
        "/echo",
        post(|ApiJson(p): ApiJson<Payload>| async move { ApiJson(p) }),
    );
    with_edge(routes, state)
}

#[tokio::test]
async fn identity_document_has_every_field_in_both_modes() {
    for db in common::databases().await {
        for mode in [Mode::Local, Mode::Hosted] {
            // The local profile always keeps its data in SQLite.
            let db = if mode == Mode::Local {
                Db::Sqlite
            } else {
                db.clone()
            };
            let dir = tempfile::tempdir().unwrap();
            let state = common::state(mode, dir.path(), &db).await;
            let (status, headers, doc) =
                call(router(state.clone()), get(&state, "/identity")).await;
            assert_eq!(status, StatusCode::OK);
            assert_eq!(doc["backend_id"], state.identity.backend_id.as_str());
            assert_eq!(doc["backend_type"], mode.as_str());
            assert_eq!(doc["key_id"], state.identity.key_id().as_str());
            assert_eq!(doc["version"], "1.0");
            assert!(
                doc["public_key"]
                    .as_str()
                    .unwrap()
                    .contains("BEGIN PUBLIC KEY")
            );
            let caps: Vec<&str> = doc["capabilities"]
                .as_array()
                .unwrap()
                .iter()
                .map(|c| c.as_str().unwrap())
                .collect();
            let cors = headers.get(header::ACCESS_CONTROL_ALLOW_ORIGIN);
            match mode {
                Mode::Local => {
                    for cap in ["offline", "fast_context", "local_capture"] {
                        assert!(caps.contains(&cap), "{caps:?}");
                    }
                    assert!(cors.is_none(), "no CORS on the local daemon");
                }
                Mode::Hosted => {
                    assert!(caps.contains(&"relay"), "{caps:?}");
                    assert_eq!(cors.unwrap(), "*");
                }
            }
            assert!(doc.get("private_key").is_none());
            assert!(!doc.to_string().contains("PRIVATE"), "no private material");
        }
    }
}

#[tokio::test]
async fn health_reports_ok_then_503_when_the_database_is_gone() {
    for db in common::databases().await {
        let dir = tempfile::tempdir().unwrap();
        let state = common::state(Mode::Hosted, dir.path(), &db).await;
        let (status, _, body) = call(router(state.clone()), get(&state, "/health")).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(
            body,
            json!({"status": "ok", "mode": "hosted", "version": env!("CARGO_PKG_VERSION"), "database": "ok"})
        );
        state.store.close().await;
        let (status, _, body) = call(router(state.clone()), get(&state, "/health")).await;
        assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE, "{}", db.name());
        assert_eq!(body["status"], "unavailable");
    }
}

#[tokio::test]
async fn unknown_routes_and_wrong_methods_get_json_errors() {
    let dir = tempfile::tempdir().unwrap();
    let state = common::state(Mode::Local, dir.path(), &Db::Sqlite).await;
    let request = authorized(&state, "GET", "/no/such/route").await;
    let (status, headers, body) = call(router(state.clone()), request).await;
    assert_error(status, &body, StatusCode::NOT_FOUND, "not_found");
    assert_eq!(headers[header::CONTENT_TYPE], "application/json");
    assert_eq!(headers[header::X_CONTENT_TYPE_OPTIONS], "nosniff");
    assert_eq!(headers[header::CACHE_CONTROL], "no-store");
    let request = authorized(&state, "POST", "/identity").await;
    let (status, _, body) = call(router(state.clone()), request).await;
    assert_error(
        status,
        &body,
        StatusCode::METHOD_NOT_ALLOWED,
        "method_not_allowed",
    );
    let request = authorized(&state, "DELETE", "/health").await;
    let (status, _, body) = call(router(state), request).await;
    assert_error(
        status,
        &body,
        StatusCode::METHOD_NOT_ALLOWED,
        "method_not_allowed",
    );
}

#[tokio::test]
async fn bad_bodies_get_the_right_4xx() {
    let dir = tempfile::tempdir().unwrap();
    let state = common::state(Mode::Local, dir.path(), &Db::Sqlite).await;
    let json_post = |body: &str| {
        Request::post("/echo")
            .header(header::CONTENT_TYPE, "application/json")
            .body(Body::from(body.to_string()))
            .unwrap()
    };
    let (status, _, body) = call(
        echo_app(state.clone()),
        json_post(r#"{"name":"a","count":1}"#),
    )
    .await;
    assert_eq!(
        (status, body),
        (StatusCode::OK, json!({"name": "a", "count": 1}))
    );

    let (status, _, body) = call(echo_app(state.clone()), json_post(r#"{"name": "a", "#)).await;
    assert_error(status, &body, StatusCode::BAD_REQUEST, "bad_request");
    let (status, _, body) = call(
        echo_app(state.clone()),
        json_post(r#"{"name":"a","count":"x"}"#),
    )
    .await;
    assert_error(
        status,
        &body,
        StatusCode::UNPROCESSABLE_ENTITY,
        "invalid_request",
    );
    let (status, _, body) = call(
        echo_app(state.clone()),
        json_post(r#"{"name":"a","count":-1}"#),
    )
    .await;
    assert_error(
        status,
        &body,
        StatusCode::UNPROCESSABLE_ENTITY,
        "invalid_request",
    );

    for content_type in [
        None,
        Some("text/plain"),
        Some("application/x-www-form-urlencoded"),
    ] {
        let mut request = Request::post("/echo");
        if let Some(ct) = content_type {
            request = request.header(header::CONTENT_TYPE, ct);
        }
        let request = request
            .body(Body::from(r#"{"name":"a","count":1}"#))
            .unwrap();
        let (status, _, body) = call(echo_app(state.clone()), request).await;
        assert_error(
            status,
            &body,
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported_media_type",
        );
    }
}

#[tokio::test]
async fn oversized_bodies_get_413_whether_declared_or_streamed() {
    let dir = tempfile::tempdir().unwrap();
    let state = common::state(Mode::Local, dir.path(), &Db::Sqlite).await;
    let limit = state.config.http.body_limit_bytes;
    let big = format!(r#"{{"name":"{}","count":1}}"#, "x".repeat(limit + 1));

    let declared = Request::post("/echo")
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from(big.clone()))
        .unwrap();
    let (status, _, body) = call(echo_app(state.clone()), declared).await;
    assert_error(
        status,
        &body,
        StatusCode::PAYLOAD_TOO_LARGE,
        "payload_too_large",
    );

    // No Content-Length: the limit is enforced while the body is read.
    let chunks = big
        .into_bytes()
        .chunks(64 * 1024)
        .map(|c| Ok::<_, std::io::Error>(c.to_vec()))
        .collect::<Vec<_>>();
    let streamed = Request::post("/echo")
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from_stream(futures_util::stream::iter(chunks)))
        .unwrap();
    let (status, _, body) = call(echo_app(state), streamed).await;
    assert_error(
        status,
        &body,
        StatusCode::PAYLOAD_TOO_LARGE,
        "payload_too_large",
    );
}

/// Error messages speak the user's words: which field, what was wrong, what was expected;
/// never a Rust type name, a struct name or a byte position.
#[tokio::test]
async fn bad_bodies_are_explained_in_the_users_words() {
    let dir = tempfile::tempdir().unwrap();
    let state = common::state(Mode::Local, dir.path(), &Db::Sqlite).await;
    let app = || router(state.clone());
    let send = |path: &'static str, body: &'static str| {
        let state = state.clone();
        async move {
            let (parts, _) = authorized(&state, "POST", path).await.into_parts();
            Request::from_parts(parts, Body::from(body))
        }
    };
    let cases = [
        (
            "/register-peer",
            r#"{"hosted_url":"http://127.0.0.1:1","pairing_code":"x","expected_hosted_key_id":"ABC"}"#,
            StatusCode::UNPROCESSABLE_ENTITY,
            vec![
                "field \"expected_hosted_key_id\"",
                "64 lowercase hex digits",
                "\"ABC\"",
            ],
        ),
        (
            "/api/conversations",
            r#"["Hello"]"#,
            StatusCode::UNPROCESSABLE_ENTITY,
            vec!["expected a JSON object, got a list"],
        ),
        (
            "/api/conversations",
            r#"{"title": 5}"#,
            StatusCode::UNPROCESSABLE_ENTITY,
            vec!["field \"title\"", "got 5"],
        ),
        (
            "/api/conversations",
            r#"{"title": "a",}"#,
            StatusCode::BAD_REQUEST,
            vec!["not valid JSON", "trailing comma"],
        ),
        (
            "/register-peer",
            r#"{"hosted_url":"127.0.0.1:18825","pairing_code":"x"}"#,
            StatusCode::BAD_REQUEST,
            vec!["has no scheme", "\"http://127.0.0.1:18825\""],
        ),
    ];
    for (path, body, expected, words) in cases {
        let (status, _, answer) = call(app(), send(path, body).await).await;
        assert_eq!(status, expected, "{path} {body}: {answer}");
        let message = answer["error"]["message"].as_str().unwrap();
        for word in words {
            assert!(message.contains(word), "{body}: {message}");
        }
        for jargon in [
            "KeyId",
            "struct",
            "line 1",
            "column",
            "u16",
            "Failed to deserialize",
        ] {
            assert!(!message.contains(jargon), "{body}: {message}");
        }
    }
}

/// One mapping of store failures for every route: a database that cannot be reached is
/// 503 `database_unavailable` with `Retry-After`, on the local API and on the hosted one (whose
/// account check itself reads the database).
#[tokio::test]
async fn an_unreachable_database_is_503_with_retry_after_everywhere() {
    let mut daemons = vec![(Mode::Local, Db::Sqlite)];
    for db in common::databases().await {
        daemons.push((Mode::Hosted, db));
    }
    for (mode, db) in daemons {
        let dir = tempfile::tempdir().unwrap();
        let state = common::state(mode, dir.path(), &db).await;
        let mut requests = Vec::new();
        for path in ["/api/conversations", "/peers"] {
            let request = match mode {
                Mode::Local => authorized(&state, "GET", path).await,
                Mode::Hosted => Request::get(path)
                    .header(header::AUTHORIZATION, "Bearer b8825_at_not_checked_yet")
                    .body(Body::empty())
                    .unwrap(),
            };
            requests.push(request);
        }
        state.store.close().await;
        for request in requests {
            let path = request.uri().path().to_string();
            let (status, headers, body) = call(router(state.clone()), request).await;
            let at = format!("{path} on {} {}", mode.as_str(), db.name());
            assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE, "{at}: {body}");
            assert_eq!(
                body["error"]["code"], "database_unavailable",
                "{at}: {body}"
            );
            assert_eq!(headers["retry-after"], "1", "{at}");
        }
    }
}
