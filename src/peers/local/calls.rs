//! Calls to a hosted backend during the handshake: the URL it is reached at, answers read
//! with a size limit, and its refusals relayed in this API's words.

use axum::http::StatusCode;
use serde::{Deserialize, Serialize};

use super::*;
use std::time::Duration;

use crate::error::ApiError;
use crate::network::NetworkAccess;
use crate::peers::wire::Grant;
use crate::resilience::{Backoff, Decision, Failure, RetryStrategy};
use crate::state::AppState;

/// Largest answer read from a hosted backend.
pub(super) const MAX_ANSWER_BYTES: usize = 64 * 1024;

/// The URL as it may be shown back: a `user:password@` part is replaced by `***@`.
fn without_credentials(raw: &str) -> String {
    let Some((scheme, rest)) = raw.split_once("://") else {
        return raw.to_string();
    };
    let authority_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    match rest[..authority_end].rfind('@') {
        Some(at) => format!("{scheme}://***@{}", &rest[at + 1..]),
        None => raw.to_string(),
    }
}

/// Normalises a hosted URL: http or https, a host, no credentials, query or fragment; the
/// path (if any) is kept as a prefix, without a trailing slash.
pub(super) fn hosted_base_url(raw: &str) -> Result<String, ApiError> {
    let raw = raw.trim();
    let shown = without_credentials(raw);
    let bad = |why: &str| ApiError::invalid_request(format!("hosted_url {shown:?} {why}"));
    if !raw.contains("://") {
        // `127.0.0.1:18825` or `sync.example.com`: the scheme is what is missing.
        return Err(bad(&format!(
            "has no scheme: write it as a full URL, e.g. \"https://{raw}\" (or \"http://{raw}\" \
             for a backend on this machine)"
        )));
    }
    let url = reqwest::Url::parse(raw).map_err(|e| {
        bad(&format!(
            "is not a URL ({e}); write it like https://sync.example.com"
        ))
    })?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(bad("must start with http:// or https://"));
    }
    if url.host_str().is_none() {
        return Err(bad("has no host"));
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(bad("must not carry credentials"));
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err(bad("must not have a query or fragment"));
    }
    Ok(url.as_str().trim_end_matches('/').to_string())
}

pub(super) fn unreachable(err: reqwest::Error) -> ApiError {
    let what = if err.is_timeout() {
        "did not answer in time"
    } else if err.is_connect() {
        "cannot be reached"
    } else {
        "answered with something that is not HTTP"
    };
    let at = err
        .url()
        .map(|u| format!(" at {}", u.origin().ascii_serialization()))
        .unwrap_or_default();
    ApiError::new(
        StatusCode::BAD_GATEWAY,
        "hosted_unreachable",
        format!(
            "the hosted backend{at} {what} ({})",
            crate::peers::describe_http_error(&err)
        ),
    )
}

/// Reads an answer of at most [`MAX_ANSWER_BYTES`].
pub(super) async fn read_body(mut response: reqwest::Response) -> Result<Vec<u8>, ApiError> {
    let mut body = Vec::new();
    while let Some(chunk) = response.chunk().await.map_err(unreachable)? {
        body.extend_from_slice(&chunk);
        if body.len() > MAX_ANSWER_BYTES {
            return Err(ApiError::new(
                StatusCode::BAD_GATEWAY,
                "hosted_invalid",
                "the hosted backend's answer is too large",
            ));
        }
    }
    Ok(body)
}

/// The error codes a hosted backend may answer a handshake with, relayed as they are.
const RELAYED_CODES: [&str; 16] = [
    "invalid_request",
    "unsupported_media_type",
    "payload_too_large",
    "pairing_code_invalid",
    "pairing_code_expired",
    "pairing_code_used",
    "pairing_code_bound",
    "hosted_key_mismatch",
    "stale",
    "bad_proof",
    "replay",
    "revoked",
    "unknown_peer",
    "rate_limited",
    "key_change_refused",
    "key_change_conflict",
];

/// Maps a hosted backend's refusal to this daemon's answer: its code is kept (so the UI can
/// say "that code was already used"), the status becomes 422, or 429 / 502.
pub(super) fn relay_refusal(
    status: reqwest::StatusCode,
    body: &[u8],
    retry_after: Option<u64>,
) -> ApiError {
    #[derive(Deserialize)]
    struct Body {
        error: Inner,
    }
    #[derive(Deserialize)]
    struct Inner {
        code: String,
        message: String,
    }
    let parsed: Option<Body> = serde_json::from_slice(body).ok();
    let code = parsed
        .as_ref()
        .and_then(|b| RELAYED_CODES.iter().find(|c| **c == b.error.code))
        .copied();
    let message = parsed.map_or_else(String::new, |b| b.error.message);
    let message: String = message.chars().take(300).collect();
    match code {
        Some("rate_limited") => {
            let mut err = ApiError::new(
                StatusCode::TOO_MANY_REQUESTS,
                "rate_limited",
                format!("the hosted backend refused: {message}"),
            );
            err.retry_after = retry_after;
            err
        }
        Some(code) if status.is_client_error() => ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            code,
            format!("the hosted backend refused: {message}"),
        ),
        _ => ApiError::new(
            StatusCode::BAD_GATEWAY,
            "hosted_error",
            format!("the hosted backend answered HTTP {}", status.as_u16()),
        ),
    }
}

/// Pairing: the user is waiting, so only a request that never reached the hosted backend
/// (connection refused, the name not resolved) is sent again, twice at most, within about a
/// second; any answer, a timeout or a reset is shown at once.
pub(super) const PAIRING_RETRY: RetryStrategy = RetryStrategy::bounded(
    Backoff::new(Duration::from_millis(250), Duration::from_secs(1)),
    3,
    Duration::ZERO,
)
.transport_only();

/// Renewal: a request that never arrived, and a `429` or `503` that says when to come back
/// (within 10 s), are sent again, three attempts in all; the renewal task retries the rest
/// at its next check.
pub(super) const RENEWAL_RETRY: RetryStrategy = RetryStrategy::bounded(
    Backoff::new(Duration::from_millis(500), Duration::from_secs(4)),
    3,
    Duration::from_secs(10),
);

/// POSTs a handshake body and reads the grant, retrying as `strategy` says (only what is
/// safe to send again: a request that never arrived, or one refused before it was looked
/// at). `peer_id`, for a renewal, is the peer whose network state and retry budget count it.
pub(super) async fn post_for_grant<T: Serialize>(
    state: &AppState,
    url: &str,
    body: &T,
    strategy: &RetryStrategy,
    peer_id: Option<&str>,
) -> Result<Grant, ApiError> {
    let budgets = &state.network().budgets;
    if let Some(peer_id) = peer_id {
        budgets.on_call(peer_id, state.clock.now_ms());
    }
    let mut failures = 0;
    let response = loop {
        let started = std::time::Instant::now();
        let sent = client().post(url).json(body).send().await;
        if let Some(peer_id) = peer_id {
            crate::network::record_reqwest(state, peer_id, &sent, started.elapsed());
        }
        let failure = match &sent {
            Err(err) if err.is_connect() => Some(Failure::Transport),
            Ok(response) if matches!(response.status().as_u16(), 429 | 503) => {
                Some(Failure::status(
                    response.status().as_u16(),
                    header_retry_after(response.headers()).map(Duration::from_secs),
                ))
            }
            _ => None,
        };
        if let Some(failure) = failure {
            failures += 1;
            let may = peer_id.is_none_or(|p| budgets.try_retry(p, state.clock.now_ms()));
            if let (Decision::RetryAfter(wait), true) = (strategy.decide(failures, &failure), may) {
                tokio::time::sleep(wait).await;
                continue;
            }
        }
        break sent.map_err(unreachable)?;
    };
    crate::peers::learn_skew(state, response.headers());
    let status = response.status();
    let retry_after = header_retry_after(response.headers());
    let body = read_body(response).await?;
    if !status.is_success() {
        return Err(relay_refusal(status, &body, retry_after));
    }
    serde_json::from_slice(&body).map_err(|_| grant_invalid("is not a grant"))
}

fn header_retry_after(headers: &reqwest::header::HeaderMap) -> Option<u64> {
    headers
        .get(reqwest::header::RETRY_AFTER)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse().ok())
}

pub(super) fn grant_invalid(why: &str) -> ApiError {
    ApiError::new(
        StatusCode::BAD_GATEWAY,
        "grant_invalid",
        format!("the hosted backend's answer {why}"),
    )
}
