//! The hosted side of adding a device to an encrypted account (docs/e2e.md, "Transfer to a
//! new device"): it keeps each new device's request with the identity key the device
//! registered when it paired, relays an approving device's transfer to it, and counts wrong
//! transfer codes. It never sees `w` or the code, so it cannot open what it relays.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use chrono::{DateTime, SecondsFormat, Utc};

use super::wire::{ApproveRequest, AttemptRequest, TransferView};
use crate::error::{ApiError, ApiResult};
use crate::peers::SignedPeerRequest;
use crate::security::audit::audit;
use crate::state::AppState;
use crate::store::E2eTransfer;

/// How long a request waits for its approval, and then for its device to open it.
pub const TRANSFER_TTL_MS: i64 = 15 * 60 * 1000;
/// Wrong transfer codes a device may type before its transfer is dropped.
pub const MAX_ATTEMPTS: i64 = 5;

fn rfc3339(ms: i64) -> String {
    DateTime::<Utc>::from_timestamp_millis(ms)
        .map(|t| t.to_rfc3339_opts(SecondsFormat::Millis, true))
        .unwrap_or_default()
}

/// How `t` looks to `viewer` at `now`: the wrapped secret and the sealed keyring go to the
/// requesting device only, and only while they can still be opened.
fn view(t: &E2eTransfer, viewer: &str, now: i64) -> TransferView {
    let expired = now >= t.expires_at && matches!(t.state.as_str(), "pending" | "approved");
    let open = !expired && t.state == "approved" && t.peer_id == viewer;
    TransferView {
        id: t.id.clone(),
        peer_id: t.peer_id.clone(),
        key_id: t.key_id.clone(),
        public_key: t.public_key.clone(),
        state: if expired { "expired" } else { &t.state }.to_string(),
        created_at: rfc3339(t.created_at),
        expires_at: rfc3339(t.expires_at),
        attempts_left: u32::try_from((MAX_ATTEMPTS - t.attempts).max(0)).unwrap_or(0),
        approver_key_id: t.approver_key_id.clone(),
        wrapped: t.wrapped.clone().filter(|_| open),
        sealed: t.sealed.clone().filter(|_| open),
    }
}

async fn encrypted(state: &AppState, account_id: &str) -> ApiResult<()> {
    if state.store.e2e_account(account_id).await?.is_none() {
        return Err(ApiError::new(
            StatusCode::CONFLICT,
            "e2e_not_enabled",
            "this account is not end-to-end encrypted: there is no key to transfer",
        ));
    }
    Ok(())
}

/// `POST /peers/{peer_id}/e2e/requests` (hosted, signed): a new device asks for the key.
#[utoipa::path(
    post,
    path = "/peers/{peer_id}/e2e/requests",
    tag = "e2e",
    security(("peer_signature" = [])),
    params(("peer_id" = String, Path, description = "The pairing's id")),
    responses(
        (status = 201, description = "The request is kept for 15 minutes, with the identity key this device registered when it paired; a device of the account that holds the key approves it", body = TransferView),
        (status = 409, description = "`e2e_not_enabled`: the account is not encrypted", body = crate::error::ErrorBody),
    )
)]
pub(crate) async fn request(
    State(state): State<AppState>,
    signed: SignedPeerRequest,
) -> ApiResult<(StatusCode, Json<TransferView>)> {
    let peer = &signed.peer;
    encrypted(&state, &peer.account_id).await?;
    let now = state.clock.now_ms();
    let transfer = E2eTransfer {
        account_id: peer.account_id.clone(),
        id: uuid::Uuid::now_v7().to_string(),
        peer_id: peer.peer_id.clone(),
        key_id: peer.remote_key_id.clone(),
        public_key: peer.remote_public_key.clone(),
        state: "pending".to_string(),
        created_at: now,
        expires_at: now + TRANSFER_TTL_MS,
        approver_peer: None,
        approver_key_id: None,
        wrapped: None,
        sealed: None,
        attempts: 0,
    };
    state.store.create_e2e_transfer(&transfer, now).await?;
    let (peer_id, account_id) = (&peer.peer_id, &peer.account_id);
    audit(
        &state,
        "e2e_transfer_request",
        Ok(()),
        Some(peer_id),
        Some(account_id),
        None,
    )
    .await;
    Ok((StatusCode::CREATED, Json(view(&transfer, peer_id, now))))
}

/// `GET /peers/{peer_id}/e2e/requests` (hosted, signed): the account's transfer requests.
#[utoipa::path(
    get,
    path = "/peers/{peer_id}/e2e/requests",
    tag = "e2e",
    security(("peer_signature" = [])),
    params(("peer_id" = String, Path, description = "The pairing's id")),
    responses((status = 200, description = "The account's transfer requests, oldest first; the requesting device alone sees its approved transfer (the wrapped secret and the sealed keyring)", body = Vec<TransferView>))
)]
pub(crate) async fn requests(
    State(state): State<AppState>,
    signed: SignedPeerRequest,
) -> ApiResult<Json<Vec<TransferView>>> {
    let now = state.clock.now_ms();
    let all = state.store.e2e_transfers(&signed.peer.account_id).await?;
    let viewer = &signed.peer.peer_id;
    Ok(Json(all.iter().map(|t| view(t, viewer, now)).collect()))
}

async fn find(state: &AppState, account_id: &str, id: &str) -> ApiResult<E2eTransfer> {
    let all = state.store.e2e_transfers(account_id).await?;
    all.into_iter().find(|t| t.id == id).ok_or_else(|| {
        ApiError::new(
            StatusCode::NOT_FOUND,
            "e2e_no_request",
            "no such transfer request in this account",
        )
    })
}

/// `POST /peers/{peer_id}/e2e/transfers` (hosted, signed): an approving device's transfer.
#[utoipa::path(
    post,
    path = "/peers/{peer_id}/e2e/transfers",
    tag = "e2e",
    security(("peer_signature" = [])),
    params(("peer_id" = String, Path, description = "The pairing's id")),
    request_body = ApproveRequest,
    responses(
        (status = 200, description = "Approved: the transfer waits for the requesting device, which opens it with the transfer code", body = TransferView),
        (status = 404, description = "`e2e_no_request`: no such request in the account", body = crate::error::ErrorBody),
        (status = 409, description = "`e2e_not_enabled`; `e2e_transfer_expired`; `e2e_transfer_not_pending`: approved already, or the approving device's own request", body = crate::error::ErrorBody),
        (status = 422, description = "`invalid_request`: not a transfer", body = crate::error::ErrorBody),
    )
)]
pub(crate) async fn approve(
    State(state): State<AppState>,
    signed: SignedPeerRequest,
) -> ApiResult<Json<TransferView>> {
    let request: ApproveRequest = crate::error::parse_json(&signed.body)?;
    request.check().map_err(ApiError::unprocessable)?;
    let peer = &signed.peer;
    encrypted(&state, &peer.account_id).await?;
    let now = state.clock.now_ms();
    let mut transfer = find(&state, &peer.account_id, &request.request_id).await?;
    transfer.approver_peer = Some(peer.peer_id.clone());
    transfer.approver_key_id = Some(peer.remote_key_id.clone());
    transfer.wrapped = Some(request.wrapped);
    transfer.sealed = Some(request.sealed);
    let approved = state.store.approve_e2e_transfer(&transfer, now).await?;
    let outcome = if approved {
        Ok(())
    } else {
        Err("e2e_transfer_not_pending")
    };
    let (peer_id, account_id) = (&peer.peer_id, &peer.account_id);
    audit(
        &state,
        "e2e_transfer_approve",
        outcome,
        Some(peer_id),
        Some(account_id),
        None,
    )
    .await;
    if !approved {
        let (code, message) = if now >= transfer.expires_at {
            (
                "e2e_transfer_expired",
                "this request expired: the new device asks again with `backend-8825 e2e request`",
            )
        } else {
            (
                "e2e_transfer_not_pending",
                "this request was approved already, or is this device's own",
            )
        };
        return Err(ApiError::new(StatusCode::CONFLICT, code, message));
    }
    transfer.state = "approved".to_string();
    Ok(Json(view(&transfer, peer_id, now)))
}

/// `POST /peers/{peer_id}/e2e/transfers/attempt` (hosted, signed): the requesting device
/// opened its transfer, or a code it was typed did not open it.
#[utoipa::path(
    post,
    path = "/peers/{peer_id}/e2e/transfers/attempt",
    tag = "e2e",
    security(("peer_signature" = [])),
    params(("peer_id" = String, Path, description = "The pairing's id")),
    request_body = AttemptRequest,
    responses(
        (status = 200, description = "Counted: opened (`accepted`, the transfer is dropped), or a wrong code (after 5, `failed`, the transfer is dropped)", body = TransferView),
        (status = 404, description = "`e2e_no_request`: no such request of this device", body = crate::error::ErrorBody),
    )
)]
pub(crate) async fn attempt(
    State(state): State<AppState>,
    signed: SignedPeerRequest,
) -> ApiResult<Json<TransferView>> {
    let request: AttemptRequest = crate::error::parse_json(&signed.body)?;
    let peer = &signed.peer;
    let now = state.clock.now_ms();
    let updated = state
        .store
        .e2e_transfer_attempt(
            &peer.account_id,
            &request.request_id,
            &peer.peer_id,
            request.opened,
            MAX_ATTEMPTS,
        )
        .await?
        .filter(|t| t.peer_id == peer.peer_id)
        .ok_or_else(|| {
            ApiError::new(
                StatusCode::NOT_FOUND,
                "e2e_no_request",
                "no such transfer request of this device",
            )
        })?;
    let outcome = if request.opened {
        Ok(())
    } else {
        Err("transfer_code_wrong")
    };
    let (peer_id, account_id) = (&peer.peer_id, &peer.account_id);
    audit(
        &state,
        "e2e_transfer_accept",
        outcome,
        Some(peer_id),
        Some(account_id),
        None,
    )
    .await;
    Ok(Json(view(&updated, peer_id, now)))
}
