//! The guard in front of every local route. Checks, in order: Host, Origin, content type,
//! credentials; the first that fails answers. Every response leaves without CORS headers
//! and with `frame-ancestors 'none'`.

use std::net::{IpAddr, SocketAddr};

use axum::extract::{FromRequestParts, Request, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderName, HeaderValue, Method, Uri, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use super::secret::{constant_time_eq, local_secret};
use super::sessions::{SESSION_COOKIE, UiSession};
use crate::error::{ApiError, ApiResult};
use crate::local_api::LocalApiAccess;
use crate::state::AppState;

/// The header the web UI sends its session's CSRF token in.
pub const CSRF_HEADER: &str = "x-csrf-token";

/// Who a request came from, as the guard established it (a request extension).
#[derive(Clone, Debug)]
pub enum Caller {
    /// A public GET/HEAD route: no credentials were asked for.
    Public,
    /// `Authorization: Bearer <secret>`: the CLI, a script.
    Bearer,
    /// The web UI's session cookie (with the CSRF header on writes).
    Session(UiSession),
    /// A paired peer on a signed route (`/sync/{peer_id}`): the route verifies the signature.
    Peer,
}

impl FromRequestParts<AppState> for Caller {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _: &AppState) -> ApiResult<Self> {
        parts
            .extensions
            .get::<Caller>()
            .cloned()
            .ok_or_else(|| ApiError::unauthorized("missing credentials"))
    }
}

/// The `Host` values the daemon answers to: `127.0.0.1`, `localhost` and `[::1]` with the
/// bound port, and the bound address itself when it is a specific one. A name an attacker
/// controls (DNS rebinding) never matches.
#[derive(Clone, Debug)]
pub struct AllowedHosts(Vec<String>);

impl AllowedHosts {
    /// The hosts of a daemon bound to `bind:port`.
    pub fn new(bind: IpAddr, port: u16) -> Self {
        let mut hosts = vec![
            format!("127.0.0.1:{port}"),
            format!("localhost:{port}"),
            format!("[::1]:{port}"),
        ];
        let own = SocketAddr::new(bind, port).to_string();
        if !bind.is_unspecified() && !hosts.contains(&own) {
            hosts.push(own);
        }
        Self(hosts)
    }

    /// The hosts of this daemon: the address actually bound, else the configured one.
    pub fn of(state: &AppState) -> Self {
        let http = &state.config.http;
        let bound = state
            .bound_addr
            .get()
            .copied()
            .unwrap_or(SocketAddr::new(http.bind, http.port));
        Self::new(bound.ip(), bound.port())
    }

    pub fn host(&self, host: &str) -> bool {
        self.0.iter().any(|h| h == host)
    }

    /// An origin is allowed when it is `http://` and an allowed host.
    pub fn origin(&self, origin: &str) -> bool {
        origin.strip_prefix("http://").is_some_and(|h| self.host(h))
    }
}

/// The middleware: refuses what fails a check, passes the rest on with its [`Caller`].
pub async fn guard(State(state): State<AppState>, mut request: Request, next: Next) -> Response {
    let checked = check(&state, request.method(), request.uri(), request.headers()).await;
    let mut response = match checked {
        Ok(caller) => {
            request.extensions_mut().insert(caller);
            next.run(request).await
        }
        Err(refused) => {
            let code = refused.code().to_string();
            crate::security::audit(&state, "local_api", Err(&code), None, None, None).await;
            refused.into_response()
        }
    };
    harden(response.headers_mut());
    response
}

async fn check(
    state: &AppState,
    method: &Method,
    uri: &Uri,
    headers: &HeaderMap,
) -> ApiResult<Caller> {
    let allowed = AllowedHosts::of(state);
    // An absolute-form request target carries its own host, which must pass too.
    let authority = uri.authority().map(|a| a.as_str());
    let host = single(headers, header::HOST);
    if !host.is_some_and(|h| allowed.host(h)) || authority.is_some_and(|a| !allowed.host(a)) {
        tracing::debug!(host = ?host, "refused a request for another host");
        return Err(ApiError::forbidden(
            "forbidden_host",
            "this daemon answers only to 127.0.0.1, localhost or [::1] with its port",
        ));
    }
    let safe = is_safe(method);
    let upgrade = is_websocket_upgrade(headers);
    if !safe || upgrade {
        let origins = headers.get_all(header::ORIGIN).iter().count();
        let origin = single(headers, header::ORIGIN);
        if origins > 0 && !origin.is_some_and(|o| allowed.origin(o)) {
            tracing::debug!(origin = ?origin, "refused a request from another origin");
            return Err(ApiError::forbidden(
                "forbidden_origin",
                "requests that change state must come from this daemon's own origin",
            ));
        }
    }
    if !safe && !single(headers, header::CONTENT_TYPE).is_some_and(is_json) {
        return Err(ApiError::unsupported_media_type(
            "requests other than GET and HEAD need Content-Type: application/json",
        ));
    }
    if safe && !upgrade && is_public(uri.path()) {
        return Ok(Caller::Public);
    }
    // A paired peer's request is authenticated by its signature, which the route verifies
    // (a request without one is refused there, before anything else).
    if uri.path().starts_with("/sync/") && headers.contains_key("signature-input") {
        return Ok(Caller::Peer);
    }
    authenticate(state, headers, safe).await
}

/// The credentials: a Bearer secret, or a session cookie (plus its CSRF token on writes).
/// A request that carries an `Authorization` header is judged by that header alone.
async fn authenticate(state: &AppState, headers: &HeaderMap, safe: bool) -> ApiResult<Caller> {
    let invalid = || ApiError::unauthorized("invalid credentials");
    let secret = local_secret(state).await.map_err(ApiError::internal)?;
    if let Some(value) = headers.get(header::AUTHORIZATION) {
        let token = value
            .to_str()
            .ok()
            .and_then(bearer_token)
            .ok_or_else(invalid)?;
        return match secret.matches(token) {
            true => Ok(Caller::Bearer),
            false => Err(invalid()),
        };
    }
    let cookies = session_cookies(headers);
    if cookies.is_empty() {
        return Err(ApiError::unauthorized(
            "missing credentials: send Authorization: Bearer <secret> (`backend-8825 token`) \
             or open the UI with `backend-8825 ui`",
        ));
    }
    let now = state.clock.now();
    let sessions = &state.local_api().sessions;
    let session = cookies
        .iter()
        .find_map(|id| sessions.session(id, now))
        .ok_or_else(invalid)?;
    if !safe {
        let csrf = single(headers, HeaderName::from_static(CSRF_HEADER));
        if !csrf.is_some_and(|c| constant_time_eq(session.csrf.expose(), c)) {
            return Err(invalid());
        }
    }
    Ok(Caller::Session(session))
}

/// GET and HEAD: the methods that must not change state, so need no Origin or CSRF check.
fn is_safe(method: &Method) -> bool {
    method == Method::GET || method == Method::HEAD
}

/// The routes anyone on this machine may GET without the secret: health, identity, the
/// launch URL, and the web UI's page and static files.
fn is_public(path: &str) -> bool {
    matches!(
        path,
        "/" | "/health" | "/identity" | "/launch" | "/openapi.json"
    ) || path.starts_with("/ui/")
}

/// The value of a header that appears exactly once and is visible ASCII.
fn single(headers: &HeaderMap, name: HeaderName) -> Option<&str> {
    let mut values = headers.get_all(name).iter();
    match (values.next(), values.next()) {
        (Some(value), None) => value.to_str().ok(),
        _ => None,
    }
}

fn is_websocket_upgrade(headers: &HeaderMap) -> bool {
    headers.get_all(header::UPGRADE).iter().any(|v| {
        v.to_str().is_ok_and(|v| {
            v.split(',')
                .any(|p| p.trim().eq_ignore_ascii_case("websocket"))
        })
    })
}

/// `application/json`, with or without parameters such as `charset=utf-8`.
fn is_json(content_type: &str) -> bool {
    let essence = content_type.split(';').next().unwrap_or_default();
    essence.trim().eq_ignore_ascii_case("application/json")
}

fn bearer_token(authorization: &str) -> Option<&str> {
    let (scheme, token) = authorization.split_once(' ')?;
    scheme
        .eq_ignore_ascii_case("bearer")
        .then(|| token.trim())
        .filter(|t| !t.is_empty())
}

/// Every `b8825_session` value in the `Cookie` headers (another server on the same host
/// may have set a cookie of the same name; each is tried).
fn session_cookies(headers: &HeaderMap) -> Vec<&str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .filter(|(name, _)| *name == SESSION_COOKIE)
        .map(|(_, value)| value)
        .collect()
}

/// No CORS header ever leaves the local daemon, and no page may frame it.
fn harden(headers: &mut HeaderMap) {
    let cors: Vec<HeaderName> = headers
        .keys()
        .filter(|name| name.as_str().starts_with("access-control-"))
        .cloned()
        .collect();
    for name in cors {
        headers.remove(name);
    }
    let framing_set = headers
        .get_all(header::CONTENT_SECURITY_POLICY)
        .iter()
        .any(|v| v.to_str().is_ok_and(|v| v.contains("frame-ancestors")));
    if !framing_set {
        headers.append(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static("frame-ancestors 'none'"),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hosts_are_exact_and_include_the_port() {
        let allowed = AllowedHosts::new([127, 0, 0, 1].into(), 8825);
        for ok in ["127.0.0.1:8825", "localhost:8825", "[::1]:8825"] {
            assert!(allowed.host(ok), "{ok}");
            assert!(allowed.origin(&format!("http://{ok}")), "{ok}");
        }
        for bad in [
            "attacker.example:8825",
            "",
            "localhost6:8825",
            "127.0.0.1:8826",
            "127.0.0.1",
            "LOCALHOST:8825",
            "localhost.:8825",
            "0.0.0.0:8825",
        ] {
            assert!(!allowed.host(bad), "{bad}");
        }
        for bad in ["null", "https://127.0.0.1:8825", "http://127.0.0.1:8825/"] {
            assert!(!allowed.origin(bad), "{bad}");
        }
    }

    #[test]
    fn a_deliberate_bind_address_is_allowed_but_not_the_wildcard() {
        let lan = AllowedHosts::new([192, 168, 1, 5].into(), 9000);
        assert!(lan.host("192.168.1.5:9000") && lan.host("localhost:9000"));
        let v6 = AllowedHosts::new("fd00::1".parse().unwrap(), 9000);
        assert!(v6.host("[fd00::1]:9000"));
        let any = AllowedHosts::new([0, 0, 0, 0].into(), 9000);
        assert!(!any.host("0.0.0.0:9000"));
    }

    #[test]
    fn content_types_and_bearer_headers_parse_strictly() {
        assert!(is_json("application/json") && is_json("Application/JSON; charset=utf-8"));
        for bad in [
            "text/plain",
            "application/x-www-form-urlencoded",
            "application/jsonx",
        ] {
            assert!(!is_json(bad), "{bad}");
        }
        assert_eq!(bearer_token("Bearer abc"), Some("abc"));
        assert_eq!(bearer_token("bearer abc"), Some("abc"));
        assert_eq!(bearer_token("Basic abc"), None);
        assert_eq!(bearer_token("Bearer "), None);
    }
}
