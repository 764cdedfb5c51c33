//! Telemetry routes: the hosted backend's socket and dashboard, the local backend's status.

use axum::Json;
use axum::extract::ws::WebSocketUpgrade;
use axum::extract::{FromRequest, FromRequestParts, Query, Request, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};

use super::client::PeerLink;
use super::dashboard::{self, Summary};
use super::session;
use crate::accounts::AccountAuth;
use crate::error::{ApiError, ApiResult};
use crate::peers::SignedPeerRequest;
use crate::security::{ClientIp, audit};
use crate::state::AppState;
use crate::store::telemetry::OutboxStatus;
use crate::telemetry::TelemetryAccess;

/// The hard limit of the WebSocket layer: a frame past it is dropped with the connection.
/// Frames between the configured limit and this one are read, then refused with 1009.
const HARD_FRAME_LIMIT: usize = 16 * 1024 * 1024;

/// `GET /telemetry/{peer_id}`: the upgrade is refused before `101` for a browser (any
/// `Origin`), a request that is not a WebSocket upgrade, and every failure of the signed
/// request verifier (unsigned, stale, replayed, revoked, ...).
#[utoipa::path(
    get,
    path = "/telemetry/{peer_id}",
    tag = "telemetry",
    description = "Opens the telemetry WebSocket of a paired local backend. The frames are in \
        docs/telemetry.md.",
    security(("peer_signature" = [])),
    params(("peer_id" = String, Path, description = "The pairing's id")),
    responses(
        (status = 101, description = "Switching to the WebSocket protocol"),
        (status = 400, description = "`not_websocket`: not a WebSocket upgrade request", body = crate::error::ErrorBody),
        (status = 403, description = "`forbidden_origin`: a browser (any `Origin`) may not open it", body = crate::error::ErrorBody),
    )
)]
pub(crate) async fn upgrade(State(state): State<AppState>, request: Request) -> Response {
    let (mut parts, body) = request.into_parts();
    let Ok(ClientIp(ip)) = ClientIp::from_request_parts(&mut parts, &state).await;
    if parts.headers.contains_key(header::ORIGIN) {
        audit(
            &state,
            "telemetry_upgrade",
            Err("forbidden_origin"),
            None,
            None,
            Some(&ip),
        )
        .await;
        return ApiError::new(
            StatusCode::FORBIDDEN,
            "forbidden_origin",
            "browsers may not open the telemetry socket",
        )
        .into_response();
    }
    let ws = match WebSocketUpgrade::from_request_parts(&mut parts, &state).await {
        Ok(ws) => ws,
        Err(rejection) => {
            return ApiError::new(rejection.status(), "not_websocket", rejection.body_text())
                .into_response();
        }
    };
    // The WebSocket extractor took only the upgrade handle; the verifier reads the rest.
    let request = Request::from_parts(parts, body);
    let signed = match SignedPeerRequest::from_request(request, &state).await {
        Ok(signed) => signed,
        Err(refused) => return refused.into_response(),
    };
    let peer_id = signed.peer.peer_id.clone();
    let account_id = signed.peer.account_id.clone();
    audit(
        &state,
        "telemetry_upgrade",
        Ok(()),
        Some(&peer_id),
        Some(&account_id),
        Some(&ip),
    )
    .await;
    ws.max_message_size(HARD_FRAME_LIMIT)
        .max_frame_size(HARD_FRAME_LIMIT)
        .on_upgrade(move |socket| session::run(state, signed, socket))
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub(crate) struct StatusResponse {
    outbox: OutboxView,
    peers: Vec<PeerLink>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
struct OutboxView {
    #[serde(flatten)]
    counts: OutboxStatus,
    max_items: i64,
    max_bytes: i64,
}

/// `GET /telemetry/status` (local): the outbox's counts and each hosted peer's socket.
#[utoipa::path(
    get,
    path = "/telemetry/status",
    tag = "telemetry",
    operation_id = "telemetry_status",
    security(("local_secret" = []), ("ui_session" = [])),
    responses((status = 200, description = "The outbox and each hosted peer's socket", body = StatusResponse))
)]
pub(crate) async fn status(State(state): State<AppState>) -> ApiResult<Json<StatusResponse>> {
    let store = state.store.telemetry();
    let counts = store.outbox_status().await?;
    let pending: std::collections::HashMap<String, i64> =
        store.outbox_pending_by_peer().await?.into_iter().collect();
    let limits = state.telemetry().limits();
    let mut peers = state.telemetry().client.links();
    for link in &mut peers {
        link.pending = pending.get(&link.peer_id).copied().unwrap_or(0);
    }
    Ok(Json(StatusResponse {
        outbox: OutboxView {
            counts,
            max_items: limits.outbox_max_items,
            max_bytes: limits.outbox_max_bytes,
        },
        peers,
    }))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub(crate) struct DashboardQuery {
    /// One window only: `5m`, `1h` or `24h` (all three without it).
    window: Option<String>,
}

/// `GET /dashboard/telemetry[?window=5m|1h|24h]` (hosted, account token).
#[utoipa::path(
    get,
    path = "/dashboard/telemetry",
    tag = "telemetry",
    security(("account_token" = [])),
    params(DashboardQuery),
    responses(
        (status = 200, description = "Counts, error rates and latency percentiles per window", body = Summary),
        (status = 400, description = "`bad_request`: an unknown `window`", body = crate::error::ErrorBody),
    )
)]
pub(crate) async fn dashboard_route(
    State(state): State<AppState>,
    AccountAuth(account): AccountAuth,
    query: Result<Query<DashboardQuery>, axum::extract::rejection::QueryRejection>,
) -> ApiResult<Json<Summary>> {
    let Query(query) = query?;
    let windows = match query.window.as_deref() {
        None => dashboard::WINDOWS.to_vec(),
        Some(name) => vec![
            dashboard::window(name)
                .ok_or_else(|| ApiError::bad_request("window must be one of 5m, 1h, 24h"))?,
        ],
    };
    let summary = dashboard::summarise(&state, &account.id, &windows).await?;
    Ok(Json(summary))
}
