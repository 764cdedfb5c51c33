//! The HTTP edge's one error type. Every failure answers
//! `{"error": {"code": "...", "message": "..."}}` with its status and, where waiting helps, a
//! `Retry-After`. An internal cause travels with the error and is logged once, with its
//! cause chain, where the error becomes a response; it is never sent.

use axum::extract::rejection::JsonRejection;
use axum::extract::{FromRequest, Request};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use serde::de::DeserializeOwned;

/// A refusal or a failure: a status, a stable `code` for clients to branch on, a message
/// for people, an optional `Retry-After`, and the internal cause if there is one.
#[derive(Debug, thiserror::Error)]
#[error("{message}")]
pub struct ApiError {
    pub status: StatusCode,
    pub code: &'static str,
    pub message: String,
    /// Seconds, sent as `Retry-After`.
    pub retry_after: Option<u64>,
    /// For a refusal relayed from another backend: the `code` that backend answered with,
    /// for callers that branch on it (not sent).
    pub upstream_code: Option<String>,
    /// For a refusal relayed from another backend: the HTTP status it answered with (the
    /// retry strategy decides on it; not sent).
    pub upstream_status: Option<u16>,
    #[source]
    cause: Option<anyhow::Error>,
}

pub type ApiResult<T> = Result<T, ApiError>;

/// How long a client waits before retrying when the database is unreachable: short, since
/// the daemon probes the database several times a second while it is down and answers at
/// once until it is back (`crate::resilience::database`).
pub const DATABASE_RETRY_AFTER_SECS: u64 = 1;

impl ApiError {
    pub fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> Self {
        Self {
            status,
            code,
            message: message.into(),
            retry_after: None,
            upstream_code: None,
            upstream_status: None,
            cause: None,
        }
    }

    /// The same error, telling the client when to try again.
    pub fn with_retry_after(mut self, secs: u64) -> Self {
        self.retry_after = Some(secs);
        self
    }

    /// 400 `bad_request`: the request is malformed (the edge's own checks).
    pub fn bad_request(message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, "bad_request", message)
    }

    /// 400 `invalid_request`: a protocol request whose content is not acceptable.
    pub fn invalid_request(message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, "invalid_request", message)
    }

    pub fn unauthorized(message: impl Into<String>) -> Self {
        Self::new(StatusCode::UNAUTHORIZED, "unauthorized", message)
    }

    /// A 403 whose code says which rule refused the request (`forbidden_host`, ...).
    pub fn forbidden(code: &'static str, message: impl Into<String>) -> Self {
        Self::new(StatusCode::FORBIDDEN, code, message)
    }

    pub fn not_found(message: impl Into<String>) -> Self {
        Self::new(StatusCode::NOT_FOUND, "not_found", message)
    }

    pub fn method_not_allowed() -> Self {
        Self::new(
            StatusCode::METHOD_NOT_ALLOWED,
            "method_not_allowed",
            "method not allowed",
        )
    }

    pub fn payload_too_large() -> Self {
        Self::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "payload_too_large",
            "request body is larger than the limit",
        )
    }

    pub fn unsupported_media_type(message: impl Into<String>) -> Self {
        Self::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported_media_type",
            message,
        )
    }

    /// 422 `invalid_request`: well-formed JSON of the wrong shape or with a bad value.
    pub fn unprocessable(message: impl Into<String>) -> Self {
        Self::new(StatusCode::UNPROCESSABLE_ENTITY, "invalid_request", message)
    }

    /// 500 `internal`: a bug or a broken invariant. The client sees a generic message; the
    /// cause is logged when the error is answered.
    pub fn internal(cause: impl Into<anyhow::Error>) -> Self {
        Self {
            cause: Some(cause.into()),
            ..Self::new(
                StatusCode::INTERNAL_SERVER_ERROR,
                "internal",
                "internal error",
            )
        }
    }

    /// 500 `internal` for a broken invariant described in words (a stored value that no
    /// longer parses, a value that cannot be built); the words are logged, not sent.
    pub fn bug(what: impl std::fmt::Display) -> Self {
        Self::internal(anyhow::anyhow!("{what}"))
    }

    /// The status (also a field; kept as a method for callers that read it so).
    pub fn status(&self) -> StatusCode {
        self.status
    }

    /// The stable, machine-readable code.
    pub fn code(&self) -> &'static str {
        self.code
    }

    /// The message and, for an internal error, its cause chain: for logs only.
    pub fn describe(&self) -> String {
        match &self.cause {
            Some(cause) => format!("{}: {cause:#}", self.message),
            None => self.message.clone(),
        }
    }
}

impl From<crate::store::StoreError> for ApiError {
    /// The one mapping of store failures: a database that cannot be reached is 503
    /// `database_unavailable` with a `Retry-After` (the client should wait), anything else a
    /// 500 (a bug). A lost connection is not logged per request: the database's health
    /// logs once when it goes down and once when it is back.
    fn from(err: crate::store::StoreError) -> Self {
        if err.is_unreachable() {
            let unavailable = Self::new(
                StatusCode::SERVICE_UNAVAILABLE,
                "database_unavailable",
                "the database is unavailable; try again shortly",
            )
            .with_retry_after(DATABASE_RETRY_AFTER_SECS);
            if err.is_connection_lost() {
                tracing::debug!(error = %err, "request answered 503: the database is down");
                return unavailable;
            }
            return Self {
                cause: Some(err.into()),
                ..unavailable
            };
        }
        Self::internal(err)
    }
}

/// The body of every error answer.
#[derive(Serialize, utoipa::ToSchema)]
pub struct ErrorBody<'a> {
    error: ErrorDetail<'a>,
}

#[derive(Serialize, utoipa::ToSchema)]
struct ErrorDetail<'a> {
    /// A stable, machine-readable code to branch on (`not_found`, `invalid_request`,
    /// `sync_paused`, ...); each route's answers name the codes it gives.
    code: &'a str,
    /// What went wrong and what to do, for people; never a secret.
    message: String,
}

/// Builds the JSON error response for a status, code and message.
pub fn error_response(status: StatusCode, code: &str, message: String) -> Response {
    let body = ErrorBody {
        error: ErrorDetail { code, message },
    };
    (status, axum::Json(body)).into_response()
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        if let Some(cause) = &self.cause {
            let cause = format!("{cause:#}");
            if self.status.is_server_error() {
                tracing::error!(code = self.code, error = %cause, "request failed");
            } else {
                tracing::warn!(code = self.code, error = %cause, "request refused");
            }
        }
        let mut response = error_response(self.status, self.code, self.message);
        if let Some(secs) = self.retry_after {
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(secs));
        }
        response
    }
}

impl From<JsonRejection> for ApiError {
    fn from(rejection: JsonRejection) -> Self {
        match rejection {
            JsonRejection::MissingJsonContentType(_) => missing_json_content_type(),
            other if other.status() == StatusCode::PAYLOAD_TOO_LARGE => Self::payload_too_large(),
            other => Self::bad_request(other.body_text()),
        }
    }
}

impl From<axum::extract::rejection::QueryRejection> for ApiError {
    /// A query string that does not fit: which parameter, and what it should be.
    fn from(rejection: axum::extract::rejection::QueryRejection) -> Self {
        let text = rejection.body_text();
        let detail = text
            .strip_prefix("Failed to deserialize query string: ")
            .unwrap_or(&text);
        let message = match detail.split_once(": ") {
            Some((name, why)) if !name.contains(' ') => format!(
                "query parameter \"{name}\": {}",
                crate::humanize::query_value_message(why)
            ),
            _ => format!(
                "the query string is not what this route takes: {}",
                crate::humanize::serde_message(detail)
            ),
        };
        Self::bad_request(message)
    }
}

fn missing_json_content_type() -> ApiError {
    ApiError::unsupported_media_type("expected a request body with Content-Type: application/json")
}

/// Whether a request declares a JSON body (`application/json` or `application/*+json`), as
/// `axum::Json` requires.
fn is_json(headers: &axum::http::HeaderMap) -> bool {
    let Some(value) = headers
        .get(axum::http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
    else {
        return false;
    };
    let essence = value
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    essence == "application/json"
        || (essence.starts_with("application/") && essence.ends_with("+json"))
}

/// Parses a JSON body, naming the field at fault in the user's words (see
/// [`crate::humanize`]): a syntax error is 400 `bad_request`, a well-formed body of the wrong
/// shape 422 `invalid_request`.
pub fn parse_json<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, ApiError> {
    // serde would take `["a"]` for a struct with one field: every body here is an object.
    if bytes.trim_ascii_start().starts_with(b"[") {
        return Err(ApiError::unprocessable(
            "expected a JSON object, got a list",
        ));
    }
    let mut de = serde_json::Deserializer::from_slice(bytes);
    let value: T = serde_path_to_error::deserialize(&mut de).map_err(|err| {
        let inner = err.inner();
        match inner.classify() {
            serde_json::error::Category::Data => ApiError::unprocessable(
                crate::humanize::json_data_error(&err.path().to_string(), inner),
            ),
            _ => ApiError::bad_request(crate::humanize::json_syntax_error(inner)),
        }
    })?;
    de.end()
        .map_err(|e| ApiError::bad_request(crate::humanize::json_syntax_error(&e)))?;
    Ok(value)
}

/// `axum::Json` whose rejections are [`ApiError`]s, so malformed input gets the JSON error
/// shape and a 4xx, never axum's plain-text default, and a message that names the field.
#[derive(Debug, Clone, Copy, Default)]
pub struct ApiJson<T>(pub T);

impl<T, S> FromRequest<S> for ApiJson<T>
where
    T: DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        if !is_json(req.headers()) {
            return Err(missing_json_content_type());
        }
        let bytes = axum::body::Bytes::from_request(req, state)
            .await
            .map_err(|rejection| match rejection.status() {
                StatusCode::PAYLOAD_TOO_LARGE => ApiError::payload_too_large(),
                _ => ApiError::bad_request("the request body could not be read"),
            })?;
        parse_json(&bytes).map(Self)
    }
}

impl<T: Serialize> IntoResponse for ApiJson<T> {
    fn into_response(self) -> Response {
        axum::Json(self.0).into_response()
    }
}

/// A JSON body that may be absent: an empty body gives `None`; a present one must be JSON
/// (`Content-Type: application/json`) and valid, exactly as for [`ApiJson`].
#[derive(Debug)]
pub struct OptionalJson<T>(pub Option<T>);

impl<T, S> FromRequest<S> for OptionalJson<T>
where
    T: DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        // The body's size hint is exact for an empty body, whether it came over the wire
        // (Content-Length: 0 or none) or was built in-process.
        if axum::body::HttpBody::size_hint(req.body()).exact() == Some(0) {
            return Ok(Self(None));
        }
        let ApiJson(value) = ApiJson::<T>::from_request(req, state).await?;
        Ok(Self(Some(value)))
    }
}
