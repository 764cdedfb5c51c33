//! Adding a device to an encrypted account (docs/e2e.md, "Transfer to a new device"),
//! through the local API. The new device asks (`POST /e2e/request`); a device that holds the
//! key lists the requests (`GET /e2e/requests`) and approves one (`POST /e2e/approve`): it
//! wraps a fresh `w` to the new device's registered identity key and seals the keyring under
//! `w` and a transfer code, which the caller made and shows; the new device opens it with
//! the code typed there (`POST /e2e/accept`), keeps the keyring and syncs everything again.
//! The transfer code is only ever sent to this daemon, which never answers it back.

use axum::Json;
use axum::extract::State;
use axum::http::{Method, StatusCode};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde::{Deserialize, Serialize};

use super::e2e_routes::{DeviceE2e, install_keyring, standing, the_peer};
use super::sealing::key_ref;
use crate::e2e::device;
use crate::e2e::keyring::{Transfer, open_transfer, seal_transfer};
use crate::e2e::wire::{ApproveRequest, AttemptRequest, HostedE2e, TransferView};
use crate::error::{ApiError, ApiJson, ApiResult};
use crate::identity::PublicIdentityKey;
use crate::security::audit::audit;
use crate::state::AppState;
use crate::store::PEER_ACTIVE;

/// Characters of a transfer code once normalised (80 bits of Crockford base32).
const TRANSFER_CODE_CHARS: usize = 16;
const CROCKFORD: &str = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

/// A transfer request, as this device tells it.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub(crate) struct DeviceTransfer {
    /// The hosted peer the request went through.
    peer_id: String,
    request_id: String,
    /// The requesting device's pairing id and registered identity key id.
    device_peer_id: String,
    key_id: String,
    /// `pending`, `approved`, `accepted`, `failed` or `expired`.
    state: String,
    expires_at: String,
    attempts_left: u32,
}

impl DeviceTransfer {
    fn of(peer_id: &str, t: TransferView) -> Self {
        Self {
            peer_id: peer_id.to_string(),
            request_id: t.id,
            device_peer_id: t.peer_id,
            key_id: t.key_id,
            state: t.state,
            expires_at: t.expires_at,
            attempts_left: t.attempts_left,
        }
    }
}

/// `POST /e2e/request`.
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct RequestInput {
    /// The hosted peer of the account [default: the only active peer].
    peer_id: Option<String>,
}

/// `POST /e2e/approve` and `POST /e2e/accept`.
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct TransferInput {
    /// The hosted peer of the account [default: the only active peer].
    peer_id: Option<String>,
    /// The request [default: approve, the only pending request of another device; accept,
    /// this device's latest].
    request_id: Option<String>,
    /// The transfer code: made by the caller and shown on the approving device; typed on
    /// the new one (16 Crockford base32 characters, dashes and spaces ignored).
    transfer_code: String,
}

fn refused(status: StatusCode, code: &'static str, message: impl Into<String>) -> ApiError {
    ApiError::new(status, code, message)
}

fn check_transfer_code(code: &str) -> ApiResult<()> {
    let canonical = crate::accounts::secrets::normalize_code(code);
    let ok =
        canonical.len() == TRANSFER_CODE_CHARS && canonical.chars().all(|c| CROCKFORD.contains(c));
    if !ok {
        return Err(ApiError::unprocessable(
            "transfer_code must be 16 characters of Crockford base32, as the approving device \
             showed it (dashes and spaces do not matter)",
        ));
    }
    Ok(())
}

async fn encrypted(state: &AppState, peer_id: &str) -> ApiResult<HostedE2e> {
    let hosted = device::hosted_status(state, peer_id).await?;
    if !hosted.enabled {
        return Err(refused(
            StatusCode::CONFLICT,
            "e2e_not_enabled",
            "this account is not end-to-end encrypted: there is no key to transfer",
        ));
    }
    Ok(hosted)
}

async fn hosted_requests(state: &AppState, peer_id: &str) -> ApiResult<Vec<TransferView>> {
    device::call(state, peer_id, Method::GET, "e2e/requests", Vec::new()).await
}

#[utoipa::path(
    post, path = "/e2e/request", tag = "e2e", security(("local_secret" = []), ("ui_session" = [])),
    request_body = RequestInput,
    responses(
        (status = 201, description = "Asked: a device of the account that holds the key approves it (`backend-8825 e2e approve`) within 15 minutes and shows a transfer code, typed here with `backend-8825 e2e accept`", body = DeviceTransfer),
        (status = 409, description = "`e2e_not_enabled`: the account is not encrypted; `e2e_already_enabled`: this device holds the account's key already", body = crate::error::ErrorBody),
        (status = 502, description = "The hosted backend refused or could not be reached", body = crate::error::ErrorBody),
    )
)]
pub(crate) async fn request(
    State(state): State<AppState>,
    ApiJson(input): ApiJson<RequestInput>,
) -> ApiResult<(StatusCode, Json<DeviceTransfer>)> {
    let (peer_id, _) = the_peer(&state, input.peer_id).await?;
    let hosted = encrypted(&state, &peer_id).await?;
    let held = device::keyring(&state, &peer_id)?
        .as_ref()
        .and_then(key_ref);
    if held.is_some() && held == hosted.key {
        return Err(refused(
            StatusCode::CONFLICT,
            "e2e_already_enabled",
            "this device holds the account's key already",
        ));
    }
    let made: TransferView = device::call(
        &state,
        &peer_id,
        Method::POST,
        "e2e/requests",
        b"{}".to_vec(),
    )
    .await?;
    tracing::info!(peer_id, request_id = %made.id, "asked for the account's encryption key");
    Ok((
        StatusCode::CREATED,
        Json(DeviceTransfer::of(&peer_id, made)),
    ))
}

#[utoipa::path(
    get, path = "/e2e/requests", tag = "e2e", security(("local_secret" = []), ("ui_session" = [])),
    responses((status = 200, description = "The pending transfer requests of other devices, with each active hosted peer", body = Vec<DeviceTransfer>))
)]
pub(crate) async fn requests(
    State(state): State<AppState>,
) -> ApiResult<Json<Vec<DeviceTransfer>>> {
    let mut pending = Vec::new();
    for peer in state.store.peers(None).await? {
        if peer.status != PEER_ACTIVE || peer.remote_url.is_none() {
            continue;
        }
        for t in hosted_requests(&state, &peer.peer_id).await? {
            if t.state == "pending" && t.peer_id != peer.peer_id {
                pending.push(DeviceTransfer::of(&peer.peer_id, t));
            }
        }
    }
    Ok(Json(pending))
}

#[utoipa::path(
    post, path = "/e2e/approve", tag = "e2e", security(("local_secret" = []), ("ui_session" = [])),
    request_body = TransferInput,
    responses(
        (status = 200, description = "Approved: the keyring went to the hosted backend wrapped to the new device's registered key and sealed under the transfer code, which the new device types (`backend-8825 e2e accept`) before the request expires", body = DeviceTransfer),
        (status = 404, description = "`e2e_no_request`: no such pending request", body = crate::error::ErrorBody),
        (status = 409, description = "`e2e_no_key`: this device does not hold the account's key; `e2e_transfer_expired`, `e2e_transfer_not_pending`", body = crate::error::ErrorBody),
        (status = 422, description = "`invalid_request`: not a transfer code, or several requests wait and none is named", body = crate::error::ErrorBody),
        (status = 502, description = "The hosted backend refused or could not be reached", body = crate::error::ErrorBody),
    )
)]
pub(crate) async fn approve(
    State(state): State<AppState>,
    ApiJson(input): ApiJson<TransferInput>,
) -> ApiResult<Json<DeviceTransfer>> {
    check_transfer_code(&input.transfer_code)?;
    let (peer_id, _) = the_peer(&state, input.peer_id).await?;
    let hosted = encrypted(&state, &peer_id).await?;
    let keyring = device::keyring(&state, &peer_id)?
        .filter(|k| key_ref(k).is_some() && key_ref(k) == hosted.key)
        .ok_or_else(|| {
            refused(
                StatusCode::CONFLICT,
                "e2e_no_key",
                "this device does not hold the account's current key, so it cannot hand it on",
            )
        })?;
    let waiting: Vec<TransferView> = hosted_requests(&state, &peer_id)
        .await?
        .into_iter()
        .filter(|t| t.peer_id != peer_id)
        .filter(|t| input.request_id.as_ref().is_none_or(|id| *id == t.id))
        .filter(|t| input.request_id.is_some() || t.state == "pending")
        .collect();
    let request = match &waiting[..] {
        [one] => one,
        [] => {
            return Err(refused(
                StatusCode::NOT_FOUND,
                "e2e_no_request",
                "no device waits for the key: run `backend-8825 e2e request` on the new \
                 device first",
            ));
        }
        _ => {
            return Err(ApiError::unprocessable(
                "several devices wait for the key: name the request (`backend-8825 e2e \
                 requests` lists them)",
            ));
        }
    };
    let new_key = PublicIdentityKey::from_pem(&request.public_key)
        .ok()
        .filter(|k| k.key_id().as_str() == request.key_id)
        .ok_or_else(|| {
            refused(
                StatusCode::BAD_GATEWAY,
                "peer_invalid",
                "the hosted backend sent a request whose key is not a key",
            )
        })?;
    let own_key_id = state.identity.key_id().as_str().to_string();
    let transfer = seal_transfer(
        &keyring,
        &input.transfer_code,
        &request.id,
        &new_key,
        &own_key_id,
    )
    .map_err(|e| ApiError::bug(format!("cannot wrap to the new device's key: {e}")))?;
    let body = ApproveRequest {
        request_id: request.id.clone(),
        wrapped: transfer.wrapped,
        sealed: transfer.sealed,
    };
    let body = serde_json::to_vec(&body).map_err(ApiError::internal)?;
    let outcome = device::call(&state, &peer_id, Method::POST, "e2e/transfers", body).await;
    let audited = outcome.as_ref().map(|_| ()).map_err(|e| e.code);
    audit(&state, "e2e_approve", audited, Some(&peer_id), None, None).await;
    let approved: TransferView = outcome?;
    tracing::info!(peer_id, request_id = %approved.id, "approved a device's transfer request");
    Ok(Json(DeviceTransfer::of(&peer_id, approved)))
}

async fn report(
    state: &AppState,
    peer_id: &str,
    id: &str,
    opened: bool,
) -> ApiResult<TransferView> {
    let body = AttemptRequest {
        request_id: id.to_string(),
        opened,
    };
    let body = serde_json::to_vec(&body).map_err(ApiError::internal)?;
    device::call(state, peer_id, Method::POST, "e2e/transfers/attempt", body).await
}

fn substituted() -> ApiError {
    refused(
        StatusCode::CONFLICT,
        "e2e_key_substituted",
        "this transfer was not made for this device's key: the hosted backend holds another key \
         for this device. Nothing was stored. Ask again with `backend-8825 e2e request`; if it \
         happens again, do not trust this hosted backend.",
    )
}

#[utoipa::path(
    post, path = "/e2e/accept", tag = "e2e", security(("local_secret" = []), ("ui_session" = [])),
    request_body = TransferInput,
    responses(
        (status = 200, description = "The transfer code opened the approved transfer: the account's keyring is kept in this device's key store, and everything is synced again and opened", body = DeviceE2e),
        (status = 404, description = "`e2e_no_request`: this device has not asked (`backend-8825 e2e request`)", body = crate::error::ErrorBody),
        (status = 409, description = "`e2e_transfer_pending`: not approved yet; `e2e_key_substituted`: the transfer was made for another key than this device's (nothing stored); `e2e_not_enabled`", body = crate::error::ErrorBody),
        (status = 410, description = "`e2e_transfer_expired`, `e2e_transfer_failed` (too many wrong codes), `e2e_transfer_accepted`: ask again", body = crate::error::ErrorBody),
        (status = 422, description = "`transfer_code_wrong`: the code does not open the transfer (a few attempts are allowed); `invalid_request`: not a transfer code", body = crate::error::ErrorBody),
        (status = 502, description = "The hosted backend refused or could not be reached, or sent a keyring without the account's current key", body = crate::error::ErrorBody),
    )
)]
pub(crate) async fn accept(
    State(state): State<AppState>,
    ApiJson(input): ApiJson<TransferInput>,
) -> ApiResult<Json<DeviceE2e>> {
    check_transfer_code(&input.transfer_code)?;
    let (peer_id, account_id) = the_peer(&state, input.peer_id).await?;
    let hosted = encrypted(&state, &peer_id).await?;
    let mine = hosted_requests(&state, &peer_id)
        .await?
        .into_iter()
        .rfind(|t| t.peer_id == peer_id && input.request_id.as_ref().is_none_or(|id| *id == t.id))
        .ok_or_else(|| {
            refused(
                StatusCode::NOT_FOUND,
                "e2e_no_request",
                "this device has not asked for the key: run `backend-8825 e2e request` first",
            )
        })?;
    let gone = |code, what: &str| {
        let message = format!("{what}: ask again with `backend-8825 e2e request`");
        Err(refused(StatusCode::GONE, code, message))
    };
    match mine.state.as_str() {
        "approved" => {}
        "pending" => {
            return Err(refused(
                StatusCode::CONFLICT,
                "e2e_transfer_pending",
                "no device has approved this request yet: approve it on a device that holds \
                 the key (`backend-8825 e2e approve`), which shows the transfer code",
            ));
        }
        "expired" => return gone("e2e_transfer_expired", "this request expired"),
        "failed" => return gone("e2e_transfer_failed", "too many wrong transfer codes"),
        _ => return gone("e2e_transfer_accepted", "this transfer was opened already"),
    }
    let own_key = &state.identity.key;
    let (Some(wrapped), Some(sealed), Some(approver)) =
        (mine.wrapped, mine.sealed, mine.approver_key_id)
    else {
        return Err(refused(
            StatusCode::BAD_GATEWAY,
            "peer_invalid",
            "the hosted backend sent an approved transfer without its content",
        ));
    };
    let unwraps = URL_SAFE_NO_PAD
        .decode(&wrapped)
        .ok()
        .is_some_and(|w| own_key.unwrap(&w).is_ok());
    if mine.key_id != own_key.key_id().as_str() || !unwraps {
        audit(
            &state,
            "e2e_accept",
            Err("e2e_key_substituted"),
            Some(&peer_id),
            None,
            None,
        )
        .await;
        tracing::warn!(peer_id, "a transfer was not made for this device's key");
        return Err(substituted());
    }
    let transfer = Transfer { wrapped, sealed };
    let opened = open_transfer(
        &transfer,
        &input.transfer_code,
        &mine.id,
        own_key,
        &approver,
    );
    let Ok(keyring) = opened else {
        audit(
            &state,
            "e2e_accept",
            Err("transfer_code_wrong"),
            Some(&peer_id),
            None,
            None,
        )
        .await;
        let counted = report(&state, &peer_id, &mine.id, false).await?;
        if counted.state == "failed" {
            return gone("e2e_transfer_failed", "too many wrong transfer codes");
        }
        return Err(refused(
            StatusCode::UNPROCESSABLE_ENTITY,
            "transfer_code_wrong",
            format!(
                "this transfer code does not open the transfer: check the code the approving \
                 device shows ({} attempt(s) left)",
                counted.attempts_left
            ),
        ));
    };
    if key_ref(&keyring).is_none() || key_ref(&keyring) != hosted.key {
        return Err(refused(
            StatusCode::BAD_GATEWAY,
            "e2e_key_mismatch",
            "the transfer holds a keyring without the account's current key",
        ));
    }
    report(&state, &peer_id, &mine.id, true).await?;
    install_keyring(&state, &peer_id, &keyring).await?;
    audit(&state, "e2e_accept", Ok(()), Some(&peer_id), None, None).await;
    tracing::info!(
        peer_id,
        "the account's key was transferred here; syncing everything again"
    );
    super::sync_peer_now(&state, &peer_id).await?;
    Ok(Json(standing(&state, &peer_id, &account_id).await?))
}
