//! `GET /openapi.json` against the mounted router, on both modes: the served document is the
//! one the route table builds; every operation it lists is routed, and under the credential
//! it names (no credential: refused with 401; public: not); every `$ref` resolves; each
//! operation has its own `operationId`; and no route is mounted outside the table (the only
//! `.route(` in `src/` is the UI's wildcard).

mod common;

use std::collections::BTreeSet;
use std::path::Path;

use axum::body::Body;
use axum::http::{Request, header};
use backend_8825::app::router;
use backend_8825::config::Mode;
use backend_8825::state::AppState;
use backend_8825::{local_api, router as routes};
use common::Db;
use http_body_util::BodyExt;
use serde_json::Value;
use tower::ServiceExt;

const METHODS: [&str; 5] = ["get", "post", "put", "patch", "delete"];

/// Sends one request through the whole router (edge layers, guard, fallbacks).
async fn send(
    state: &AppState,
    method: &str,
    uri: &str,
    bearer: Option<&str>,
) -> (u16, String, Value) {
    let host = format!("127.0.0.1:{}", state.config.http.port);
    let mut request = Request::builder()
        .method(method.to_uppercase().as_str())
        .uri(uri)
        .header(header::HOST, host)
        .header(header::CONTENT_TYPE, "application/json");
    if let Some(bearer) = bearer {
        request = request.header(header::AUTHORIZATION, format!("Bearer {bearer}"));
    }
    let body = if method == "get" { "" } else { "{}" };
    let response = router(state.clone())
        .oneshot(request.body(Body::from(body)).unwrap())
        .await
        .unwrap();
    let status = response.status().as_u16();
    let bytes = response.into_body().collect().await.unwrap().to_bytes();
    let text = String::from_utf8_lossy(&bytes).to_string();
    let json = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
    (status, text, json)
}

/// A concrete URI for a documented path.
fn concrete(path: &str) -> String {
    path.replace("{path}", "style.css")
        .replace("{id}", "01900000-0000-7000-8000-000000000000")
        .replace("{message_id}", "01900000-0000-7000-8000-000000000001")
        .replace("{peer_id}", "p1")
}

/// Every (method, path, security scheme names) of a document.
fn operations(document: &Value) -> Vec<(String, String, Vec<String>)> {
    let mut out = Vec::new();
    for (path, item) in document["paths"].as_object().expect("paths") {
        for method in METHODS {
            let Some(operation) = item.get(method) else {
                continue;
            };
            let schemes = operation["security"]
                .as_array()
                .map(|requirements| {
                    requirements
                        .iter()
                        .flat_map(|r| r.as_object().unwrap().keys().cloned())
                        .collect()
                })
                .unwrap_or_default();
            out.push((method.to_string(), path.clone(), schemes));
        }
    }
    out
}

async fn served(mode: Mode) -> (tempfile::TempDir, AppState, Value) {
    let dir = tempfile::tempdir().unwrap();
    let state = common::state(mode, dir.path(), &Db::Sqlite).await;
    let (status, text, document) = send(&state, "get", "/openapi.json", None).await;
    assert_eq!(
        status,
        200,
        "GET /openapi.json on {}: {text}",
        mode.as_str()
    );
    (dir, state, document)
}

#[tokio::test]
async fn each_mode_serves_the_document_its_table_builds() {
    for mode in [Mode::Local, Mode::Hosted] {
        let (_dir, state, document) = served(mode).await;
        assert_eq!(
            document,
            routes::document(mode, &state),
            "{}",
            mode.as_str()
        );
        assert!(document["openapi"].as_str().unwrap().starts_with("3.1"));
        let paths = document["paths"].as_object().unwrap();
        assert!(paths.contains_key("/openapi.json"));
        assert!(paths.contains_key("/api/conversations"));
        // The mode's own routes only.
        let (own, other) = match mode {
            Mode::Local => ("/launch", "/pairing-codes"),
            Mode::Hosted => ("/pairing-codes", "/launch"),
        };
        assert!(paths.contains_key(own), "{own} on {}", mode.as_str());
        assert!(!paths.contains_key(other), "{other} on {}", mode.as_str());
    }
}

#[tokio::test]
async fn every_documented_operation_is_routed() {
    for mode in [Mode::Local, Mode::Hosted] {
        let (_dir, state, document) = served(mode).await;
        let secret = local_api::local_secret(&state).await.unwrap();
        let bearer = (mode == Mode::Local).then(|| secret.expose().to_string());
        for (method, path, _) in operations(&document) {
            let (status, text, _) =
                send(&state, &method, &concrete(&path), bearer.as_deref()).await;
            let unrouted = (status == 404 && text.contains("no such route")) || status == 405;
            assert!(
                !unrouted,
                "{method} {path} on {}: {status} {text}",
                mode.as_str()
            );
        }
    }
}

#[tokio::test]
async fn every_operation_asks_for_the_credential_it_documents() {
    for mode in [Mode::Local, Mode::Hosted] {
        let (_dir, state, document) = served(mode).await;
        let ops = operations(&document);
        assert!(ops.len() >= 20, "the document lists the routes");
        for (method, path, schemes) in ops {
            let at = format!("{method} {path} on {}", mode.as_str());
            // Register-peer and renewal on hosted carry their proof in the body: no scheme.
            let proof_in_body = mode == Mode::Hosted
                && (path == "/register-peer" || path == "/peers/{peer_id}/renew");
            let websocket = document["paths"][&path][&method]["responses"]
                .get("101")
                .is_some();
            let (status, text, body) = if websocket {
                assert_eq!(mode, Mode::Hosted, "{at}");
                upgrade_unsigned(&concrete(&path)).await
            } else {
                send(&state, &method, &concrete(&path), None).await
            };
            if schemes.is_empty() {
                if !proof_in_body {
                    assert!(method == "get", "{at}: a public route only reads");
                }
                // A public route may still answer 401 for its own reason (`/launch` without a
                // valid token), when its document says so.
                let documents_401 = document["paths"][&path][&method]["responses"]
                    .get("401")
                    .is_some();
                assert!(
                    status != 401 || documents_401,
                    "{at} is documented public: {text}"
                );
            } else {
                assert_eq!(status, 401, "{at} documents {schemes:?}: {text}");
                assert!(body["error"]["code"].is_string(), "{at}: {text}");
            }
        }
    }
}

/// Each operation has its own `operationId` (OpenAPI requires it, and client generators such
/// as the web UI's refuse a document without it): a handler named like another (`list`,
/// `status`) sets `operation_id` in its `#[utoipa::path]`.
#[tokio::test]
async fn every_operation_id_is_unique() {
    for mode in [Mode::Local, Mode::Hosted] {
        let (_dir, _state, document) = served(mode).await;
        let mut seen = std::collections::BTreeMap::new();
        for (method, path, _) in operations(&document) {
            let id = document["paths"][&path][&method]["operationId"]
                .as_str()
                .unwrap_or_else(|| panic!("{method} {path} has no operationId"))
                .to_string();
            let at = format!("{method} {path}");
            if let Some(other) = seen.insert(id.clone(), at.clone()) {
                panic!(
                    "{at} and {other} share the operationId {id:?} on {}",
                    mode.as_str()
                );
            }
        }
    }
}

/// A WebSocket upgrade without credentials, over a real socket (an upgrade needs one), to a
/// hosted daemon (the only one with a WebSocket route).
async fn upgrade_unsigned(path: &str) -> (u16, String, Value) {
    let mut daemon = common::Daemon::hosted().start().await;
    let url = format!("{}{path}", daemon.base().replacen("http://", "ws://", 1));
    let refused = tokio_tungstenite::connect_async(url.as_str()).await;
    let Err(tokio_tungstenite::tungstenite::Error::Http(response)) = refused else {
        panic!("an unsigned upgrade of {path} was not refused: {refused:?}");
    };
    let status = response.status().as_u16();
    let bytes = response.into_body().unwrap_or_default();
    let text = String::from_utf8_lossy(&bytes).to_string();
    daemon.stop().await;
    let json = serde_json::from_str(&text).unwrap_or(Value::Null);
    (status, text, json)
}

/// Every `$ref` names a schema of the document, and every scheme an operation asks for is
/// declared.
#[tokio::test]
async fn every_reference_resolves() {
    fn refs(value: &Value, out: &mut BTreeSet<String>) {
        match value {
            Value::Object(map) => {
                if let Some(Value::String(target)) = map.get("$ref") {
                    out.insert(target.clone());
                }
                map.values().for_each(|v| refs(v, out));
            }
            Value::Array(items) => items.iter().for_each(|v| refs(v, out)),
            _ => {}
        }
    }
    for mode in [Mode::Local, Mode::Hosted] {
        let (_dir, _state, document) = served(mode).await;
        let mut targets = BTreeSet::new();
        refs(&document, &mut targets);
        assert!(targets.contains("#/components/schemas/ErrorBody"));
        for target in targets {
            let name = target
                .strip_prefix("#/components/schemas/")
                .unwrap_or_else(|| panic!("unexpected reference {target}"));
            assert!(
                document["components"]["schemas"].get(name).is_some(),
                "{target} does not resolve on {}",
                mode.as_str()
            );
        }
        let declared = document["components"]["securitySchemes"]
            .as_object()
            .unwrap();
        for (method, path, schemes) in operations(&document) {
            for scheme in schemes {
                assert!(declared.contains_key(&scheme), "{method} {path}: {scheme}");
            }
        }
    }
}

/// Routes reach the router only through the table (`routes!`), so the document lists them
/// all; the one exception is the web UI's wildcard, documented as `/ui/{path}`. (The bench
/// tool, `src/bin/bench`, serves a floor of its own: not the daemon's router.)
#[test]
fn no_route_is_mounted_outside_the_table() {
    fn walk(dir: &Path, out: &mut Vec<String>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.ends_with("bin/bench") {
                continue;
            }
            if path.is_dir() {
                walk(&path, out);
            } else if path.extension().is_some_and(|e| e == "rs") {
                let text = std::fs::read_to_string(&path).unwrap();
                for piece in text.split(".route(").skip(1) {
                    let literal = piece.trim_start().split('"').nth(1).unwrap_or("?");
                    out.push(literal.to_string());
                }
            }
        }
    }
    let mut mounted = Vec::new();
    walk(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("src"),
        &mut mounted,
    );
    assert_eq!(mounted, vec!["/ui/{*path}".to_string()]);
}
