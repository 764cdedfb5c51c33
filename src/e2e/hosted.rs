//! The hosted side of end-to-end encryption (docs/e2e.md): each encrypted account's key id,
//! epoch and sealed keyring, enabled once by a compare-and-set, and read by the account's
//! signed peers.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use chrono::{DateTime, SecondsFormat, Utc};

use super::wire::{EnableRequest, HostedE2e, KeyRef, RotateRequest};
use crate::error::{ApiError, ApiResult};
use crate::peers::SignedPeerRequest;
use crate::state::AppState;
use crate::store::E2eAccount;

/// The key of an account's envelopes, `None` while the account is plaintext.
pub async fn account_key(state: &AppState, account_id: &str) -> ApiResult<Option<E2eAccount>> {
    Ok(state.store.e2e_account(account_id).await?)
}

/// The key an encrypted account's envelopes are sealed under, as sync carries it.
pub fn key_ref(account: &E2eAccount) -> KeyRef {
    KeyRef {
        epoch: u32::try_from(account.epoch).unwrap_or(u32::MAX),
        ck_id: account.ck_id.clone(),
    }
}

fn rfc3339(ms: i64) -> Option<String> {
    DateTime::<Utc>::from_timestamp_millis(ms)
        .map(|t| t.to_rfc3339_opts(SecondsFormat::Millis, true))
}

fn view(account: Option<E2eAccount>) -> HostedE2e {
    let Some(account) = account else {
        return HostedE2e::default();
    };
    HostedE2e {
        enabled: true,
        key: Some(key_ref(&account)),
        enabled_at: rfc3339(account.enabled_at),
        recovery: Some(account.recovery),
        rotation_due: None,
    }
}

/// `409 e2e_already_enabled`: the account is encrypted under a key one of its devices made
/// (refused by the hosted side's compare-and-set, and by a device that sees it first).
pub fn already_enabled() -> ApiError {
    ApiError::new(
        StatusCode::CONFLICT,
        "e2e_already_enabled",
        "This account's conversations are end-to-end encrypted already, under a key made on \
         one of its devices. Use that key on this device: `backend-8825 e2e recover` with the \
         account's recovery code.",
    )
}

/// `GET /peers/{peer_id}/e2e` (hosted, signed): the account's encryption.
#[utoipa::path(
    get,
    path = "/peers/{peer_id}/e2e",
    tag = "e2e",
    security(("peer_signature" = [])),
    params(("peer_id" = String, Path, description = "The pairing's id")),
    responses((status = 200, description = "Whether the peer's account is end-to-end encrypted, its key's epoch and id, its keyring sealed under the recovery code, and whether a new epoch is due (a device was revoked)", body = HostedE2e))
)]
pub(crate) async fn status(
    State(state): State<AppState>,
    signed: SignedPeerRequest,
) -> ApiResult<Json<HostedE2e>> {
    Ok(Json(account_view(&state, &signed.peer.account_id).await?))
}

/// An account's encryption as the hosted side holds it, with whether a new epoch is due.
pub(super) async fn account_view(state: &AppState, account_id: &str) -> ApiResult<HostedE2e> {
    let mut view = view(account_key(state, account_id).await?);
    if view.enabled {
        let due = state.store.e2e_rotation_due(account_id).await?;
        view.rotation_due = due.and_then(rfc3339);
    }
    Ok(view)
}

/// `POST /peers/{peer_id}/e2e/enable` (hosted, signed): encrypts the peer's account, once.
#[utoipa::path(
    post,
    path = "/peers/{peer_id}/e2e/enable",
    tag = "e2e",
    security(("peer_signature" = [])),
    params(("peer_id" = String, Path, description = "The pairing's id")),
    request_body = EnableRequest,
    responses(
        (status = 201, description = "Enabled: from now on the account's versions are taken only sealed under this key", body = HostedE2e),
        (status = 409, description = "`e2e_already_enabled`: the account is encrypted already (by this or another device, under any key); nothing changed", body = crate::error::ErrorBody),
        (status = 422, description = "`invalid_request`: not an enable request, or a field out of bounds", body = crate::error::ErrorBody),
    )
)]
pub(crate) async fn enable(
    State(state): State<AppState>,
    signed: SignedPeerRequest,
) -> ApiResult<(StatusCode, Json<HostedE2e>)> {
    let request: EnableRequest = crate::error::parse_json(&signed.body)?;
    request.check().map_err(ApiError::unprocessable)?;
    let account = E2eAccount {
        account_id: signed.peer.account_id.clone(),
        ck_id: request.ck_id,
        epoch: i64::from(request.epoch),
        recovery: request.recovery,
        enabled_at: state.clock.now_ms(),
    };
    let enabled = state.store.enable_e2e(&account).await?;
    let outcome = if enabled {
        Ok(())
    } else {
        Err("e2e_already_enabled")
    };
    let (peer_id, account_id) = (&signed.peer.peer_id, &account.account_id);
    crate::security::audit::audit(
        &state,
        "e2e_enable",
        outcome,
        Some(peer_id),
        Some(account_id),
        None,
    )
    .await;
    if !enabled {
        return Err(already_enabled());
    }
    tracing::info!(
        account_id = %account.account_id,
        peer_id = %signed.peer.peer_id,
        "end-to-end encryption enabled for an account"
    );
    Ok((StatusCode::CREATED, Json(view(Some(account)))))
}

/// `POST /peers/{peer_id}/e2e/rotate` (hosted, signed): the account's key moves to a new
/// epoch (after a revocation); from then on only versions sealed under it are taken.
#[utoipa::path(
    post,
    path = "/peers/{peer_id}/e2e/rotate",
    tag = "e2e",
    security(("peer_signature" = [])),
    params(("peer_id" = String, Path, description = "The pairing's id")),
    request_body = RotateRequest,
    responses(
        (status = 200, description = "Rotated: the account's key is the new epoch's; versions sealed under an older epoch are refused from now on", body = HostedE2e),
        (status = 409, description = "`e2e_not_enabled`; `e2e_key_mismatch`: the account holds another key than `from` (rotated already); nothing changed", body = crate::error::ErrorBody),
        (status = 422, description = "`invalid_request`: not a rotation", body = crate::error::ErrorBody),
    )
)]
pub(crate) async fn rotate(
    State(state): State<AppState>,
    signed: SignedPeerRequest,
) -> ApiResult<Json<HostedE2e>> {
    let request: RotateRequest = crate::error::parse_json(&signed.body)?;
    request.check().map_err(ApiError::unprocessable)?;
    let account_id = &signed.peer.account_id;
    let Some(current) = account_key(&state, account_id).await? else {
        return Err(ApiError::new(
            StatusCode::CONFLICT,
            "e2e_not_enabled",
            "this account is not end-to-end encrypted: there is no key to rotate",
        ));
    };
    let next = E2eAccount {
        account_id: account_id.clone(),
        ck_id: request.ck_id,
        epoch: i64::from(request.epoch),
        recovery: request.recovery,
        enabled_at: current.enabled_at,
    };
    let from = request.from;
    let rotated = state
        .store
        .rotate_e2e(i64::from(from.epoch), &from.ck_id, &next)
        .await?;
    let outcome = if rotated {
        Ok(())
    } else {
        Err("e2e_key_mismatch")
    };
    let peer_id = &signed.peer.peer_id;
    crate::security::audit::audit(
        &state,
        "e2e_rotate",
        outcome,
        Some(peer_id),
        Some(account_id),
        None,
    )
    .await;
    if !rotated {
        return Err(ApiError::new(
            StatusCode::CONFLICT,
            "e2e_key_mismatch",
            "the account's key is not the one this device rotates from: it was rotated \
             already; get the current key from one of your devices (`backend-8825 e2e request`)",
        ));
    }
    tracing::info!(account_id = %account_id, epoch = next.epoch, "an account's key rotated");
    Ok(Json(view(Some(next))))
}
