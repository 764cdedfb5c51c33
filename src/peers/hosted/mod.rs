//! The hosted side of pairing: `POST /register-peer` and `POST /peers/{peer_id}/renew` from
//! local backends, `GET /peers` for an account, and `GET /peers/{peer_id}/binding` for a
//! signed peer.

mod grant;
pub(crate) mod key_change;
pub(crate) mod register;
pub(crate) mod renew;

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;

use crate::accounts::AccountAuth;
use crate::error::ApiError;
use crate::peers::wire::{BindingView, HANDSHAKE_WINDOW_SECS};
use crate::peers::{PeerView, SignedPeerRequest, now_secs};
use crate::state::AppState;

use grant::*;

pub(super) fn refuse(status: StatusCode, code: &'static str, message: &str) -> ApiError {
    ApiError::new(status, code, message)
}

pub(super) fn decode_b64(value: &str, what: &str) -> Result<Vec<u8>, ApiError> {
    URL_SAFE_NO_PAD
        .decode(value)
        .map_err(|_| ApiError::invalid_request(format!("{what} is not unpadded base64url")))
}

pub(super) fn check_fresh(state: &AppState, timestamp: i64) -> Result<(), ApiError> {
    if now_secs(state).abs_diff(timestamp) > HANDSHAKE_WINDOW_SECS as u64 {
        return Err(refuse(
            StatusCode::UNAUTHORIZED,
            "stale",
            "the timestamp is more than 300 seconds from this server's clock",
        ));
    }
    Ok(())
}

/// `GET /peers` (hosted): the peers of the account whose token is presented.
#[utoipa::path(
    get,
    path = "/peers",
    tag = "peers",
    security(("account_token" = [])),
    responses((status = 200, description = "The account's peers", body = Vec<PeerView>))
)]
pub(crate) async fn list(
    State(state): State<AppState>,
    AccountAuth(account): AccountAuth,
) -> Result<Json<Vec<PeerView>>, ApiError> {
    let peers = state.store.peers(Some(&account.id)).await?;
    Ok(Json(crate::peers::views_with_sync(&state, &peers).await?))
}

/// `DELETE /peers/{peer_id}` (hosted, account token): revokes one of the account's peers.
#[utoipa::path(
    delete,
    path = "/peers/{peer_id}",
    tag = "peers",
    security(("account_token" = [])),
    params(("peer_id" = String, Path, description = "The pairing to revoke")),
    responses(
        (status = 200, description = "Revoked: its requests get `401 revoked`, its telemetry socket closes with 1008", body = PeerView),
        (status = 404, description = "`not_found`: no such peer in this account", body = crate::error::ErrorBody),
    )
)]
pub(crate) async fn revoke(
    State(state): State<AppState>,
    AccountAuth(account): AccountAuth,
    axum::extract::Path(peer_id): axum::extract::Path<String>,
) -> Result<Json<PeerView>, ApiError> {
    let not_found = || ApiError::not_found("no such peer in this account");
    let mut peer = state
        .store
        .peer(&peer_id)
        .await?
        .filter(|p| p.account_id == account.id)
        .ok_or_else(not_found)?;
    crate::peers::revoke_here(&state, &peer, "revoke_peer").await?;
    peer.status = crate::store::PEER_REVOKED.to_string();
    Ok(Json(PeerView::from(&peer)))
}

/// `POST /peers/{peer_id}/revoke` (hosted, signed): the local end revoked the pairing.
#[utoipa::path(
    post,
    path = "/peers/{peer_id}/revoke",
    tag = "peers",
    security(("peer_signature" = [])),
    params(("peer_id" = String, Path, description = "The pairing the local end revoked")),
    responses((status = 204, description = "Revoked here too"))
)]
pub(crate) async fn revoke_notice(
    State(state): State<AppState>,
    signed: SignedPeerRequest,
) -> Result<StatusCode, ApiError> {
    crate::peers::revoke_here(&state, &signed.peer, "peer_revoked_by_remote").await?;
    Ok(StatusCode::NO_CONTENT)
}

/// `GET /peers/{peer_id}/binding` (hosted, signed): the binding as this side holds it.
#[utoipa::path(
    get,
    path = "/peers/{peer_id}/binding",
    tag = "peers",
    security(("peer_signature" = [])),
    params(("peer_id" = String, Path, description = "The pairing's id")),
    responses((status = 200, description = "The binding as the hosted side holds it", body = BindingView))
)]
pub(crate) async fn binding(signed: SignedPeerRequest) -> Json<BindingView> {
    let c = signed.claims;
    Json(BindingView {
        peer_id: c.peer_id,
        account_id: c.account_id,
        kid: c.kid.to_string(),
        local_id: c.local_id.to_string(),
        local_key_id: c.local_key_id.to_string(),
        hosted_id: c.hosted_id.to_string(),
        hosted_key_id: c.hosted_key_id.to_string(),
        status: signed.peer.status,
        sbt_expires_at: c.exp,
    })
}
