//! `POST /launch-tokens`, `GET /launch`, `GET /session`: how the web UI gets its session.

use axum::Json;
use axum::extract::{Query, State};
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};

use super::address::local_url;
use super::guard::Caller;
use super::sessions::SESSION_COOKIE;
use crate::error::{ApiError, ApiResult, OptionalJson};
use crate::local_api::LocalApiAccess;
use crate::state::AppState;

/// No fields yet; an empty body or `{}` is accepted.
#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct LaunchTokenRequest {}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub(crate) struct LaunchTokenResponse {
    url: String,
    expires_at: String,
}

/// Issues a one-time launch URL. Only the Bearer secret may: a UI session cannot extend
/// itself into more sessions.
#[utoipa::path(
    post,
    path = "/launch-tokens",
    tag = "ui",
    security(("local_secret" = [])),
    request_body(content = Option<LaunchTokenRequest>, description = "Empty, or `{}`"),
    responses(
        (status = 201, description = "A one-time launch URL, valid for two minutes", body = LaunchTokenResponse),
        (status = 403, description = "`forbidden`: only the Bearer secret may issue launch URLs", body = crate::error::ErrorBody),
    )
)]
pub(crate) async fn create_launch_token(
    State(state): State<AppState>,
    caller: Caller,
    _body: OptionalJson<LaunchTokenRequest>,
) -> ApiResult<(StatusCode, Json<LaunchTokenResponse>)> {
    if !matches!(caller, Caller::Bearer) {
        return Err(ApiError::forbidden(
            "forbidden",
            "launch URLs are issued only to the Bearer secret (`backend-8825 ui`)",
        ));
    }
    let issued = state
        .local_api()
        .sessions
        .issue_launch_token(state.clock.now());
    let http = &state.config.http;
    let addr = state
        .bound_addr
        .get()
        .copied()
        .unwrap_or((http.bind, http.port).into());
    tracing::info!("launch URL issued");
    let response = LaunchTokenResponse {
        url: format!("{}/launch?token={}", local_url(addr), issued.token.expose()),
        expires_at: issued
            .expires_at
            .to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
    };
    Ok((StatusCode::CREATED, Json(response)))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub(crate) struct LaunchQuery {
    /// The one-time launch token of the URL `POST /launch-tokens` answered.
    token: Option<String>,
}

/// Spends a launch token: sets the session cookie and sends the browser to the UI. The
/// one GET with an effect, by necessity (a URL opened in a browser); HEAD spends nothing.
#[utoipa::path(
    get,
    path = "/launch",
    tag = "ui",
    params(LaunchQuery),
    responses(
        (status = 303, description = "The session cookie is set; on to the web UI"),
        (status = 401, description = "The link is used, expired or unknown: an HTML page that says how to get a new one", content_type = "text/html"),
    )
)]
pub(crate) async fn launch(
    State(state): State<AppState>,
    method: Method,
    headers: axum::http::HeaderMap,
    query: Result<Query<LaunchQuery>, axum::extract::rejection::QueryRejection>,
) -> Result<Response, Response> {
    let invalid = || used_or_expired(&state, &headers);
    let token = query.ok().and_then(|q| q.0.token).ok_or_else(invalid)?;
    if method == Method::HEAD {
        return Ok(StatusCode::NO_CONTENT.into_response());
    }
    let opened = state
        .local_api()
        .sessions
        .redeem_launch_token(&token, state.clock.now())
        .ok_or_else(invalid)?;
    tracing::info!("UI session opened");
    let cookie = format!(
        "{SESSION_COOKIE}={}; HttpOnly; SameSite=Strict; Path=/",
        opened.id.expose()
    );
    let cookie =
        HeaderValue::from_str(&cookie).map_err(|e| ApiError::internal(e).into_response())?;
    let headers = [
        (header::LOCATION, HeaderValue::from_static("/")),
        (header::SET_COOKIE, cookie),
        (
            header::REFERRER_POLICY,
            HeaderValue::from_static("no-referrer"),
        ),
    ];
    Ok((StatusCode::SEE_OTHER, headers).into_response())
}

/// A launch link that cannot be spent: JSON for scripts, a page that says how to get a new
/// link for a browser (which asks for `text/html`).
fn used_or_expired(state: &AppState, headers: &axum::http::HeaderMap) -> Response {
    let message = "this launch URL is invalid, used or expired: launch URLs work once, within \
                   two minutes. Run `backend-8825 ui` for a new one";
    let wants_html = headers
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|accept| accept.contains("text/html"));
    if !wants_html {
        return ApiError::unauthorized(message).into_response();
    }
    let dir = crate::humanize::shell_word(&state.config.data_dir.display().to_string());
    let dir = crate::ui::escape_html(&dir);
    let body = format!(
        "<p>This link to the backend-8825 web UI has expired or was already used. A launch \
         link works once, within two minutes of being made.</p>\n\
         <p>Get a new one: run this in a terminal and open the link it prints.</p>\n\
         <pre><code>backend-8825 ui --data-dir {dir}</code></pre>\n\
         <p>(<code>backend-8825 ui</code> alone is enough when the daemon uses its default data \
         dir. Started from the source tree, run <code>cargo run -- ui --data-dir {dir}</code>.)</p>"
    );
    crate::ui::notice_page(StatusCode::UNAUTHORIZED, "This link has expired", &body)
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub(crate) struct SessionResponse {
    /// `session` or `bearer`.
    auth: &'static str,
    /// The `X-CSRF-Token` value for this session's writes; `null` for the Bearer.
    csrf: Option<String>,
    expires_at: Option<String>,
}

/// Tells the UI's script its CSRF token. Other origins cannot read this answer: the daemon
/// sends no CORS headers, and the cookie is SameSite=Strict.
#[utoipa::path(
    get,
    path = "/session",
    tag = "ui",
    security(("local_secret" = []), ("ui_session" = [])),
    responses((status = 200, description = "How the caller is authenticated, and the UI session's CSRF token", body = SessionResponse))
)]
pub(crate) async fn session(caller: Caller) -> ApiResult<Json<SessionResponse>> {
    let response = match caller {
        Caller::Session(session) => SessionResponse {
            auth: "session",
            csrf: Some(session.csrf.expose().clone()),
            expires_at: Some(
                session
                    .expires_at
                    .to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
            ),
        },
        Caller::Bearer => SessionResponse {
            auth: "bearer",
            csrf: None,
            expires_at: None,
        },
        Caller::Public | Caller::Peer => {
            return Err(ApiError::unauthorized("missing credentials"));
        }
    };
    Ok(Json(response))
}
