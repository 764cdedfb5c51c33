//! Rotation of an encrypted account's key after a revocation (docs/e2e.md, "Rotation on
//! revocation"), through the local API: `POST /e2e/rotate` on a device that holds the
//! account's current key adds a new epoch to its keyring, seals the whole keyring under a new
//! recovery code (made by the caller, which shows it), and has the hosted side move to the
//! new key by a compare-and-set. New writes are sealed under it; the hosted side refuses the
//! old epoch from then on; the account's other devices get the new epoch by a transfer.

use axum::Json;
use axum::extract::State;
use axum::http::{Method, StatusCode};
use serde::Deserialize;

use super::SyncAccess;
use super::e2e_routes::{DeviceE2e, check_recovery_code, standing, the_peer};
use super::sealing::key_ref;
use crate::e2e::device::{self, save_keyring};
use crate::e2e::keyring::seal_for_recovery;
use crate::e2e::wire::{HostedE2e, KeyRef, RotateRequest};
use crate::error::{ApiError, ApiJson, ApiResult};
use crate::security::audit::audit;
use crate::state::AppState;

/// `POST /e2e/rotate`.
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct RotateInput {
    /// The hosted peer of the account [default: the only active peer].
    peer_id: Option<String>,
    /// A new recovery code (32 Crockford base32 characters): the old one no longer opens
    /// the new epoch.
    recovery_code: String,
}

#[utoipa::path(
    post, path = "/e2e/rotate", tag = "e2e", security(("local_secret" = []), ("ui_session" = [])),
    request_body = RotateInput,
    responses(
        (status = 200, description = "Rotated: the account's key is a new epoch, kept here with the older ones; new writes are sealed under it and the hosted side refuses the old epoch; the new recovery code replaces the old one; the other devices get the new epoch by a transfer (`backend-8825 e2e request` there)", body = DeviceE2e),
        (status = 409, description = "`e2e_not_enabled`; `e2e_no_key`: this device does not hold the account's current key; `e2e_key_mismatch`: rotated already by another device", body = crate::error::ErrorBody),
        (status = 422, description = "`invalid_request`: not a recovery code", body = crate::error::ErrorBody),
        (status = 502, description = "The hosted backend refused or could not be reached (`e2e_rotate_unknown`: whether it took the new key is not known; this device kept the old one, and the new recovery code opens the new one if it was taken)", body = crate::error::ErrorBody),
    )
)]
pub(crate) async fn rotate(
    State(state): State<AppState>,
    ApiJson(input): ApiJson<RotateInput>,
) -> ApiResult<Json<DeviceE2e>> {
    check_recovery_code(&input.recovery_code)?;
    let (peer_id, account_id) = the_peer(&state, input.peer_id).await?;
    let hosted = device::hosted_status(&state, &peer_id).await?;
    let Some(from) = hosted.key.filter(|_| hosted.enabled) else {
        return Err(ApiError::new(
            StatusCode::CONFLICT,
            "e2e_not_enabled",
            "this account is not end-to-end encrypted: there is no key to rotate",
        ));
    };
    let old = device::keyring(&state, &peer_id)?
        .filter(|k| key_ref(k).as_ref() == Some(&from))
        .ok_or_else(|| {
            ApiError::new(
                StatusCode::CONFLICT,
                "e2e_no_key",
                "this device does not hold the account's current key, so it cannot rotate it",
            )
        })?;
    // Whatever waits to be pushed goes first, under the key the hosted side takes now.
    super::sync_peer_now(&state, &peer_id).await?;
    let lock = state.sync().peer_lock(&peer_id);
    let _held = lock.lock().await;
    let mut next = old.clone();
    next.rotate();
    let key = key_ref(&next).ok_or_else(|| ApiError::bug("no key"))?;
    let request = RotateRequest {
        from: from.clone(),
        ck_id: key.ck_id.clone(),
        epoch: key.epoch,
        recovery: seal_for_recovery(&next, &input.recovery_code, &account_id),
    };
    let body = serde_json::to_vec(&request).map_err(ApiError::internal)?;
    // Kept before asking: if the hosted side takes the key, this device must hold it.
    save_keyring(&state, &peer_id, &next)?;
    let asked: ApiResult<HostedE2e> =
        device::call(&state, &peer_id, Method::POST, "e2e/rotate", body).await;
    if let Err(err) = asked {
        taken_after_all(&state, &peer_id, &key, &old, err).await?;
    }
    audit(&state, "e2e_rotate", Ok(()), Some(&peer_id), None, None).await;
    tracing::info!(peer_id, epoch = key.epoch, "rotated the account's key");
    drop(_held);
    if let Err(err) = super::sync_peer_now(&state, &peer_id).await {
        tracing::warn!(peer_id, error = %err.message, "the first sync after rotating failed");
    }
    Ok(Json(standing(&state, &peer_id, &account_id).await?))
}

/// A rotation the hosted side did not answer with success: `Ok` if it took the new key all
/// the same. Otherwise this device goes back to the key it held (which the hosted side
/// still takes, or which the new recovery code's keyring extends if it was taken after all).
async fn taken_after_all(
    state: &AppState,
    peer_id: &str,
    key: &KeyRef,
    old: &crate::e2e::Keyring,
    err: ApiError,
) -> ApiResult<()> {
    if err.upstream_status.is_none_or(|s| s >= 500)
        && let Ok(hosted) = device::hosted_status(state, peer_id).await
        && hosted.key.as_ref() == Some(key)
    {
        return Ok(());
    }
    save_keyring(state, peer_id, old)?;
    audit(
        state,
        "e2e_rotate",
        Err(err.code),
        Some(peer_id),
        None,
        None,
    )
    .await;
    if err.upstream_status.is_none_or(|s| s >= 500) && err.code != "e2e_key_mismatch" {
        return Err(ApiError::new(
            StatusCode::BAD_GATEWAY,
            "e2e_rotate_unknown",
            format!(
                "It is not known whether the hosted backend took the new key ({}). This \
                 device kept the old one. Keep the recovery code shown now: if `backend-8825 \
                 e2e status` shows a newer account key, `backend-8825 e2e recover` with it \
                 puts the new key here.",
                err.message
            ),
        ));
    }
    Err(err)
}
