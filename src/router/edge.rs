//! The layers every route passes: JSON errors for unknown routes, wrong methods, oversized
//! bodies and panics; a span per request; headers that keep responses out of caches and
//! frames; this daemon's time on every answer.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::task::Poll;

use axum::Router;
use axum::body::Body;
use axum::extract::{DefaultBodyLimit, Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use futures_util::StreamExt;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::trace::{DefaultOnFailure, TraceLayer};

use crate::error::{ApiError, error_response};
use crate::peers;
use crate::state::AppState;

/// The layers every route shares: JSON errors for unknown routes, wrong methods, oversized
/// bodies and panics; a span per request; headers that keep responses out of caches and
/// frames.
pub fn with_edge(routes: Router<AppState>, state: AppState) -> Router {
    with_edge_layers(with_fallbacks(routes), state)
}

/// JSON errors for unknown routes and wrong methods (of the routes present now).
pub(super) fn with_fallbacks(routes: Router<AppState>) -> Router<AppState> {
    routes
        .fallback(|| async { ApiError::not_found("no such route") })
        .method_not_allowed_fallback(|| async { ApiError::method_not_allowed() })
}

pub(super) fn with_edge_layers(routes: Router<AppState>, state: AppState) -> Router {
    let limit = state.config.http.body_limit_bytes;
    routes
        .layer(DefaultBodyLimit::max(limit))
        .layer(middleware::from_fn_with_state(
            state.clone(),
            reject_oversized,
        ))
        .layer(middleware::from_fn_with_state(state.clone(), stamp_time))
        .layer(middleware::from_fn(close_if_body_unread))
        .layer(SetResponseHeaderLayer::overriding(
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::CACHE_CONTROL,
            HeaderValue::from_static("no-store"),
        ))
        .layer(SetResponseHeaderLayer::overriding(
            header::X_FRAME_OPTIONS,
            HeaderValue::from_static("DENY"),
        ))
        // A refusal is not the daemon failing: ApiError logs the failures that are, once,
        // with their cause; the trace layer's own line stays at debug.
        .layer(
            TraceLayer::new_for_http()
                .make_span_with(request_span)
                .on_failure(DefaultOnFailure::new().level(tracing::Level::DEBUG)),
        )
        .layer(CatchPanicLayer::custom(|_| {
            error_response(
                StatusCode::INTERNAL_SERVER_ERROR,
                "internal",
                "internal error".into(),
            )
        }))
        // Outermost: every answer is counted, a panic's 500 too, by its route template.
        .layer(middleware::from_fn_with_state(
            state.clone(),
            crate::observability::track_request,
        ))
        .with_state(state)
}

/// One span per request. Only the method and path are recorded: query strings and headers
/// may carry secrets (launch tokens, bearer tokens).
fn request_span(request: &Request) -> tracing::Span {
    tracing::info_span!("request", method = %request.method(), path = %request.uri().path())
}

/// Every answer says what time this daemon thinks it is (unix seconds, its own clock), so a
/// peer whose clock is off can sign requests that fall inside the 300 s window anyway.
async fn stamp_time(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let mut response = next.run(request).await;
    let now = state.clock.now_ms().div_euclid(1000);
    response
        .headers_mut()
        .insert(peers::TIME_HEADER, HeaderValue::from(now));
    response
}

/// Says `Connection: close` on an answer given before the request's body was read to its
/// end (a refusal on its headers: no credentials, no such route, a wrong method, too large).
/// The server then closes the connection rather than read a body nobody wants; without the
/// header a client that keeps connections alive would send its next request into the
/// closing one and see it fail.
async fn close_if_body_unread(request: Request, next: Next) -> Response {
    let declared = request
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.trim() != "0");
    let chunked = request.headers().contains_key(header::TRANSFER_ENCODING);
    if !declared && !chunked {
        return next.run(request).await;
    }
    let read_to_end = Arc::new(AtomicBool::new(false));
    let (parts, body) = request.into_parts();
    let flag = read_to_end.clone();
    // The end of the inner stream is the only way to reach the chained one.
    let end = futures_util::stream::poll_fn(move |_| {
        flag.store(true, Ordering::Relaxed);
        Poll::Ready(None)
    });
    let body = Body::from_stream(body.into_data_stream().chain(end));
    let mut response = next.run(Request::from_parts(parts, body)).await;
    if !read_to_end.load(Ordering::Relaxed) {
        response
            .headers_mut()
            .insert(header::CONNECTION, HeaderValue::from_static("close"));
    }
    response
}

/// Answers 413 before reading a body whose declared length is over the limit.
async fn reject_oversized(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let declared = request
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|len| len > state.config.http.body_limit_bytes as u64) {
        return ApiError::payload_too_large().into_response();
    }
    next.run(request).await
}
