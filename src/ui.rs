//! The web UI: `GET /` and the files under `/ui/`, embedded in the binary from `web/dist/`
//! (built from `web/` and committed, so `cargo build` needs no Node; see docs/web-ui.md).
//! Both profiles serve it; on a local daemon the guard lets these GETs through without
//! credentials, and the page then uses the session cookie set by the launch URL.

use axum::extract::Path;
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};

use crate::error::ApiError;

/// Scripts, styles and connections from this origin only, except that the page may read
/// another daemon's `/identity` (the hosted one, when pairing). No inline script, no frames.
pub const CONTENT_SECURITY_POLICY: &str = "default-src 'self'; script-src 'self'; \
     style-src 'self'; img-src 'self' data:; connect-src 'self' http: https:; \
     object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

/// One embedded file: its path under `web/dist/`, its media type, its bytes.
struct Asset {
    path: &'static str,
    media_type: &'static str,
    body: &'static [u8],
}

macro_rules! assets {
    ($($path:literal => $media_type:expr),* $(,)?) => {
        &[$(Asset {
            path: $path,
            media_type: $media_type,
            body: include_bytes!(concat!("../web/dist/", $path)),
        }),*]
    };
}

const JS: &str = "text/javascript; charset=utf-8";

/// Every file of `web/dist/` (a test checks that none is missing).
static ASSETS: &[Asset] = assets![
    "index.html" => "text/html; charset=utf-8",
    "style.css" => "text/css; charset=utf-8",
    "main.js" => JS,
    "context.js" => JS,
    "dom.js" => JS,
    "adapters/webAdapter.js" => JS,
    "adapters/e2e.js" => JS,
    "pages/conversations.js" => JS,
    "pages/pair.js" => JS,
    "pages/signin.js" => JS,
    "pages/status.js" => JS,
    "pages/dashboard.js" => JS,
    "pages/encryption.js" => JS,
    "pages/encryption_hosted.js" => JS,
    "charts.js" => JS,
    "vendor/uPlot.iife.min.js" => JS,
    "vendor/uPlot.min.css" => "text/css; charset=utf-8",
    "vendor/uPlot.LICENSE.txt" => "text/plain; charset=utf-8",
];

/// `GET /`: the web UI's page.
#[utoipa::path(
    get,
    path = "/",
    tag = "ui",
    responses((status = 200, description = "The web UI", content_type = "text/html"))
)]
pub(crate) async fn index() -> Response {
    serve("index.html").unwrap_or_else(|| ApiError::not_found("no web UI").into_response())
}

/// `GET /ui/{*path}`: one of the web UI's files. Mounted as a wildcard; the document lists
/// it as `/ui/{path}` (OpenAPI has no wildcard), where `path` may contain `/`.
#[utoipa::path(
    get,
    path = "/ui/{path}",
    tag = "ui",
    params(("path" = String, Path, description = "A file of the web UI, such as `pages/pair.js`")),
    responses(
        (status = 200, description = "The file"),
        (status = 404, description = "`not_found`: no such file", body = crate::error::ErrorBody),
    )
)]
pub(crate) async fn asset(Path(path): Path<String>) -> Response {
    serve(&path).unwrap_or_else(|| ApiError::not_found("no such file").into_response())
}

fn serve(path: &str) -> Option<Response> {
    let asset = ASSETS.iter().find(|a| a.path == path)?;
    // Cache-Control stays the edge's `no-store`, as on every local answer (docs/local-api.md).
    let headers = [
        (
            header::CONTENT_TYPE,
            HeaderValue::from_static(asset.media_type),
        ),
        (
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(CONTENT_SECURITY_POLICY),
        ),
        (
            header::REFERRER_POLICY,
            HeaderValue::from_static("no-referrer"),
        ),
    ];
    Some((headers, asset.body).into_response())
}

/// A small page of its own for a browser that followed a link the daemon cannot honour (an
/// expired launch link): what happened and what to do, styled like the UI, no script.
/// `body` is HTML; callers escape what they put in it with [`escape_html`].
pub fn notice_page(status: axum::http::StatusCode, title: &str, body: &str) -> Response {
    let title = escape_html(title);
    let html = format!(
        "<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>{title} · backend-8825</title>\n\
         <link rel=\"stylesheet\" href=\"/ui/style.css\">\n</head>\n<body>\n\
         <main class=\"notice-page\">\n<h1>{title}</h1>\n{body}\n</main>\n</body>\n</html>\n"
    );
    let headers = [
        (
            header::CONTENT_TYPE,
            HeaderValue::from_static("text/html; charset=utf-8"),
        ),
        (
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(CONTENT_SECURITY_POLICY),
        ),
        (
            header::REFERRER_POLICY,
            HeaderValue::from_static("no-referrer"),
        ),
    ];
    (status, headers, html).into_response()
}

/// Escapes text for HTML element content and attribute values.
pub fn escape_html(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn files_under(dir: &std::path::Path, prefix: &str, out: &mut Vec<String>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let entry = entry.unwrap();
            let name = format!("{prefix}{}", entry.file_name().to_string_lossy());
            if entry.file_type().unwrap().is_dir() {
                files_under(&entry.path(), &format!("{name}/"), out);
            } else {
                out.push(name);
            }
        }
    }

    #[test]
    fn every_built_file_is_embedded_and_nothing_else() {
        let dist = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("web/dist");
        let mut on_disk = Vec::new();
        files_under(&dist, "", &mut on_disk);
        on_disk.sort();
        let mut embedded: Vec<String> = ASSETS.iter().map(|a| a.path.to_string()).collect();
        embedded.sort();
        assert_eq!(
            on_disk, embedded,
            "web/dist and the ASSETS list in src/ui.rs differ"
        );
    }

    #[test]
    fn media_types_follow_the_extension() {
        for a in ASSETS {
            let expected = match a.path.rsplit('.').next() {
                Some("html") => "text/html",
                Some("css") => "text/css",
                Some("js") => "text/javascript",
                Some("txt") => "text/plain",
                other => panic!("no media type for {other:?}"),
            };
            assert!(a.media_type.starts_with(expected), "{}", a.path);
        }
        assert!(serve("../Cargo.toml").is_none() && serve("").is_none());
    }
}
