//! The OpenAPI 3.1 document of each mode, built from the route table with the router: the
//! base (info, credentials, the error body), and what every route of a kind shares (the
//! errors of the edge and of the guard), added once here instead of on every handler.

use std::sync::Arc;

use axum::Extension;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};
use utoipa::openapi::security::{ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::openapi::{ContentBuilder, Ref, RefOr, ResponseBuilder};
use utoipa::{Modify, OpenApi};
use utoipa_axum::router::OpenApiRouter;

use crate::config::Mode;
use crate::error::ErrorBody;
use crate::local_api::SESSION_COOKIE;
use crate::security::rate_limit::Limit;
use crate::state::AppState;

/// The credentials a route may ask for; each handler names its own in `security(...)`.
pub const LOCAL_SECRET: &str = "local_secret";
pub const UI_SESSION: &str = "ui_session";
pub const ACCOUNT_TOKEN: &str = "account_token";
pub const PEER_SIGNATURE: &str = "peer_signature";
pub const METRICS_TOKEN: &str = "metrics_token";

/// The served document, serialised once when the router is built.
#[derive(Clone)]
pub struct ApiDocument(pub Arc<Value>);

#[derive(OpenApi)]
#[openapi(
    info(
        title = "backend-8825",
        description = "A local-plus-cloud sync daemon. This document describes the routes of \
            one mode (local or hosted) of the daemon that serves it. Every error answers \
            `{\"error\": {\"code\", \"message\"}}`; docs/ in the repository give each protocol \
            in full (handshake, signatures, sync, telemetry frames)."
    ),
    components(schemas(ErrorBody)),
    modifiers(&Credentials)
)]
struct Base;

struct Credentials;

impl Modify for Credentials {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        let bearer = |description: &str| {
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .description(Some(description))
                    .build(),
            )
        };
        components.add_security_scheme(
            LOCAL_SECRET,
            bearer(
                "Local daemon: the per-install secret as `Authorization: Bearer <secret>` \
                 (`backend-8825 token` prints it). See docs/local-api.md.",
            ),
        );
        components.add_security_scheme(
            UI_SESSION,
            SecurityScheme::ApiKey(ApiKey::Cookie(ApiKeyValue::with_description(
                SESSION_COOKIE,
                "Local daemon: the web UI's session cookie, set by `GET /launch`; writes also \
                 send the session's CSRF token in `X-CSRF-Token`. See docs/local-api.md.",
            ))),
        );
        components.add_security_scheme(
            ACCOUNT_TOKEN,
            bearer(
                "Hosted daemon: an account's token as `Authorization: Bearer <token>` \
                 (`backend-8825 account create` prints it). See docs/accounts.md.",
            ),
        );
        components.add_security_scheme(
            METRICS_TOKEN,
            bearer(
                "Hosted daemon, `GET /metrics` only: the operator's `metrics.token` from the \
                 configuration (`BACKEND_8825_METRICS_TOKEN`) as `Authorization: Bearer \
                 <token>`. See docs/operations.md.",
            ),
        );
        components.add_security_scheme(
            PEER_SIGNATURE,
            SecurityScheme::ApiKey(ApiKey::Header(ApiKeyValue::with_description(
                "Authorization",
                "Between paired backends: `Authorization: SBT <token>` plus an HTTP message \
                 signature (`Content-Digest`, `Signature-Input`, `Signature`) under the pair \
                 key. See docs/protocol.md.",
            ))),
        );
    }
}

/// The document the route table starts from.
pub(super) fn base() -> utoipa::openapi::OpenApi {
    Base::openapi()
}

/// The document of `mode` as served: each operation keeps only the credentials that mode
/// accepts, and gets the error answers that every route of its kind can give.
pub(super) fn finish(document: utoipa::openapi::OpenApi, mode: Mode) -> Value {
    let mut document = serde_json::to_value(document).expect("the document serialises");
    let accepted: &[&str] = match mode {
        Mode::Local => &[LOCAL_SECRET, UI_SESSION, PEER_SIGNATURE],
        Mode::Hosted => &[ACCOUNT_TOKEN, PEER_SIGNATURE, METRICS_TOKEN],
    };
    document["info"]["title"] = json!(format!("backend-8825 ({} daemon)", mode.as_str()));
    let Some(paths) = document["paths"].as_object_mut() else {
        return document;
    };
    for operations in paths.values_mut().filter_map(Value::as_object_mut) {
        for operation in operations.values_mut().filter_map(Value::as_object_mut) {
            keep_credentials(operation, accepted);
            add_shared_errors(operation, mode);
        }
    }
    document
}

fn keep_credentials(operation: &mut serde_json::Map<String, Value>, accepted: &[&str]) {
    let Some(Value::Array(requirements)) = operation.get_mut("security") else {
        return;
    };
    requirements.retain(|requirement| {
        requirement
            .as_object()
            .is_some_and(|r| r.keys().all(|name| accepted.contains(&name.as_str())))
    });
}

/// Errors any route of a kind can answer, from layers in front of every handler.
fn add_shared_errors(operation: &mut serde_json::Map<String, Value>, mode: Mode) {
    let secured = operation
        .get("security")
        .and_then(Value::as_array)
        .is_some_and(|s| !s.is_empty());
    let has_body = operation.contains_key("requestBody");
    let mut shared: Vec<(&str, &str)> = Vec::new();
    if has_body {
        shared.push(("400", "`bad_request`: the body is not valid JSON"));
        shared.push((
            "422",
            "`invalid_request`: the JSON has the wrong shape or a bad value \
            (the message names the field and what is expected)",
        ));
        shared.push((
            "413",
            "`payload_too_large`: the body is over the configured limit",
        ));
        shared.push((
            "415",
            "`unsupported_media_type`: the body is not `application/json`",
        ));
    }
    if secured {
        shared.push((
            "401",
            "`unauthorized` (or a more precise code): the credential is \
            missing, malformed, expired or not valid here",
        ));
    }
    if mode == Mode::Local {
        shared.push((
            "403",
            "`forbidden_host` or `forbidden_origin`: the local daemon's guard \
            refused the request's `Host` or `Origin` (docs/local-api.md)",
        ));
    }
    shared.push((
        "500",
        "`internal`: the daemon failed; the cause is in its log",
    ));
    shared.push((
        "503",
        "`database_unavailable`: the database cannot be reached now; \
        `Retry-After` says when to try again",
    ));
    let responses = operation
        .entry("responses")
        .or_insert_with(|| json!({}))
        .as_object_mut()
        .expect("responses is an object");
    for (status, description) in shared {
        responses.entry(status).or_insert_with(|| {
            json!({
                "description": description,
                "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorBody"}}}
            })
        });
    }
}

/// `routes` as documented under a rate limit: every operation may answer `429` (the route
/// table calls this where it applies a limit, so the document says what the table does).
pub(super) fn rate_limited<K>(
    mut routes: OpenApiRouter<AppState>,
    limit: &Limit<K>,
) -> OpenApiRouter<AppState>
where
    K: std::hash::Hash + Ord + Clone,
{
    let description = limit.describe();
    let answer = ResponseBuilder::new()
        .description(description.clone())
        .content(
            "application/json",
            ContentBuilder::new()
                .schema(Some(Ref::from_schema_name("ErrorBody")))
                .build(),
        )
        .build();
    for item in routes.get_openapi_mut().paths.paths.values_mut() {
        let operations = [
            &mut item.get,
            &mut item.put,
            &mut item.post,
            &mut item.delete,
            &mut item.patch,
        ];
        for operation in operations.into_iter().flatten() {
            // A route under two limits (per address, then per peer) names both.
            match operation.responses.responses.get_mut("429") {
                Some(RefOr::T(existing)) => {
                    existing.description = format!("{description}; or {}", existing.description);
                }
                _ => {
                    let answer = RefOr::T(answer.clone());
                    operation.responses.responses.insert("429".into(), answer);
                }
            }
        }
    }
    routes
}

/// `GET /openapi.json`: the OpenAPI 3.1 document of this daemon's mode.
#[utoipa::path(
    get,
    path = "/openapi.json",
    tag = "meta",
    responses((status = 200, description = "The OpenAPI 3.1 document of this daemon's mode",
        content_type = "application/json"))
)]
pub(crate) async fn serve(Extension(document): Extension<ApiDocument>) -> Response {
    (
        [(header::CONTENT_TYPE, "application/json")],
        document.0.to_string(),
    )
        .into_response()
}
