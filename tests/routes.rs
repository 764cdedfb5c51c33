//! The route table of docs/architecture.md against the code, both ways: it lists exactly the
//! routes of each mode's OpenAPI document (which the code's route table builds), and every
//! row is mounted in the modes it names (and in no other).

mod common;

use std::collections::BTreeSet;
use std::path::Path;

use axum::body::Body;
use axum::http::{Request, header};
use backend_8825::app::router;
use backend_8825::config::Mode;
use backend_8825::local_api;
use common::Db;
use http_body_util::BodyExt;
use tower::ServiceExt;

struct Row {
    method: String,
    path: String,
    modes: Vec<Mode>,
    credential: String,
}

/// The rows of the table under "## The routes".
fn table() -> Vec<Row> {
    let doc =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/architecture.md"))
            .unwrap();
    let section = doc
        .split("## The routes")
        .nth(1)
        .expect("the routes section");
    let section = section.split("\n## ").next().unwrap();
    section
        .lines()
        .filter_map(|line| {
            let cells: Vec<&str> = line.split('|').map(str::trim).collect();
            let method = *cells.get(1)?;
            if !["GET", "POST", "PUT", "PATCH", "DELETE"].contains(&method) {
                return None;
            }
            let modes = cells[3]
                .split(',')
                .map(|m| match m.trim() {
                    "local" => Mode::Local,
                    "hosted" => Mode::Hosted,
                    other => panic!("unknown mode {other:?} in {line}"),
                })
                .collect();
            Some(Row {
                method: method.to_string(),
                path: cells[2].trim_matches('`').to_string(),
                modes,
                credential: cells[4].to_string(),
            })
        })
        .collect()
}

/// Every (METHOD, path) the OpenAPI document of `mode` lists, with whether it names a
/// credential scheme.
async fn documented(mode: Mode) -> BTreeSet<(String, String, bool)> {
    let dir = tempfile::tempdir().unwrap();
    let state = common::state(mode, dir.path(), &Db::Sqlite).await;
    let document = backend_8825::router::document(mode, &state);
    let mut out = BTreeSet::new();
    for (path, item) in document["paths"].as_object().unwrap() {
        for (method, operation) in item.as_object().unwrap() {
            let secured = operation["security"]
                .as_array()
                .is_some_and(|s| !s.is_empty());
            out.insert((method.to_uppercase(), path.clone(), secured));
        }
    }
    out
}

/// A concrete URI for a path with parameters.
fn concrete(path: &str) -> String {
    path.replace("{path}", "style.css")
        .replace("{id}", "01900000-0000-7000-8000-000000000000")
        .replace("{message_id}", "01900000-0000-7000-8000-000000000001")
        .replace("{peer_id}", "p1")
}

/// Whether a route template (`/peers/{peer_id}/sync`, `/ui/{*path}`) matches a URI path.
fn matches(template: &str, uri: &str) -> bool {
    let (mut t, mut u) = (template.split('/'), uri.split('/'));
    loop {
        match (t.next(), u.next()) {
            (None, None) => return true,
            (Some(seg), Some(_)) if seg.starts_with("{*") => return true,
            (Some(seg), Some(part)) if seg.starts_with('{') || seg == part => {
                if seg.starts_with('{') && part.is_empty() {
                    return false;
                }
            }
            _ => return false,
        }
    }
}

/// The table and each mode's OpenAPI document list the same routes, and a route is public
/// in one exactly when it is in the other (the hosted handshake routes carry their proof in
/// the body: no header credential).
#[tokio::test]
async fn the_table_and_the_documents_list_the_same_routes() {
    let rows = table();
    for mode in [Mode::Local, Mode::Hosted] {
        let in_table: BTreeSet<(String, String, bool)> = rows
            .iter()
            .filter(|r| r.modes.contains(&mode))
            .map(|r| {
                let public = r.credential.starts_with("public")
                    || r.credential.starts_with("identity-key proof");
                (r.method.clone(), r.path.clone(), !public)
            })
            .collect();
        let in_document = documented(mode).await;
        let missing: Vec<_> = in_document.difference(&in_table).collect();
        let stale: Vec<_> = in_table.difference(&in_document).collect();
        assert!(
            missing.is_empty() && stale.is_empty(),
            "{}: documented but not in docs/architecture.md (or with another credential): \
             {missing:?}; in the table but not documented: {stale:?}",
            mode.as_str()
        );
    }
}

#[tokio::test]
async fn every_row_is_mounted_in_its_modes_and_no_other() {
    let rows = table();
    assert!(rows.len() > 20, "the table was read");
    for mode in [Mode::Local, Mode::Hosted] {
        let dir = tempfile::tempdir().unwrap();
        let state = common::state(mode, dir.path(), &Db::Sqlite).await;
        let secret = local_api::local_secret(&state)
            .await
            .unwrap()
            .expose()
            .to_string();
        let host = format!("127.0.0.1:{}", state.config.http.port);
        for row in &rows {
            // Mounted here if a row of this mode, for this method, matches the URI (on hosted,
            // `/telemetry/status` is a `/telemetry/{peer_id}` as far as routing goes).
            let uri = concrete(&row.path);
            let mounted = rows.iter().any(|r| {
                r.method == row.method && r.modes.contains(&mode) && matches(&r.path, &uri)
            });
            let mut request = Request::builder()
                .method(row.method.as_str())
                .uri(&uri)
                .header(header::HOST, &host)
                .header(header::CONTENT_TYPE, "application/json");
            if mode == Mode::Local {
                request = request.header(header::AUTHORIZATION, format!("Bearer {secret}"));
            }
            let body = if row.method == "GET" { "" } else { "{}" };
            let response = router(state.clone())
                .oneshot(request.body(Body::from(body)).unwrap())
                .await
                .unwrap();
            let status = response.status().as_u16();
            let bytes = response.into_body().collect().await.unwrap().to_bytes();
            let text = String::from_utf8_lossy(&bytes);
            let unrouted = (status == 404 && text.contains("no such route")) || status == 405;
            let at = format!("{} {} on {}", row.method, row.path, mode.as_str());
            assert_eq!(mounted, !unrouted, "{at}: {status} {text}");
        }
    }
}
