//! A device's side of end-to-end encryption (docs/e2e.md): the account's keyring, kept per
//! hosted peer where the identity key is kept (the OS keychain, or an owner-only file when
//! there is none), never in the database; and the signed calls to the hosted side's
//! encryption routes.

use std::collections::HashMap;
use std::sync::Mutex;

use axum::http::{Method, StatusCode};
use serde::de::DeserializeOwned;

use super::keyring::Keyring;
use super::wire::{EnableRequest, HostedE2e};
use crate::error::{ApiError, ApiResult};
use crate::peers::{PeerCall, active_remote_peer, current_key, signed_request};
use crate::secret::Secret;
use crate::state::AppState;

/// The keyrings once read from the key store (each sync needs its peer's; a keychain read is
/// a round trip to another process). `None`: looked up, and there is none.
#[derive(Default)]
pub struct E2eState {
    keyrings: Mutex<HashMap<String, Option<Keyring>>>,
}

impl std::fmt::Debug for E2eState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("E2eState { .. }")
    }
}

/// The runtime state of end-to-end encryption, a part of the daemon's state.
pub trait E2eAccess {
    fn e2e(&self) -> &E2eState;
}

impl E2eAccess for AppState {
    fn e2e(&self) -> &E2eState {
        self.part()
    }
}

/// The key-store entry of the keyring used with one hosted peer.
pub fn keyring_secret_name(peer_id: &str) -> String {
    format!("e2e-keyring-{peer_id}")
}

fn key_store_error(err: impl std::fmt::Display) -> ApiError {
    tracing::error!(error = %err, "cannot reach the key store for the encryption keyring");
    ApiError::new(
        StatusCode::SERVICE_UNAVAILABLE,
        "key_store_unavailable",
        format!("the encryption keyring cannot be read or stored: {err}"),
    )
}

/// The keyring used with `peer_id`, `None` when this device holds none (the account is
/// plaintext, or this device has not recovered its key yet).
pub fn keyring(state: &AppState, peer_id: &str) -> ApiResult<Option<Keyring>> {
    let cache = &state.e2e().keyrings;
    if let Some(found) = cache.lock().unwrap_or_else(|e| e.into_inner()).get(peer_id) {
        return Ok(found.clone());
    }
    let stored = state
        .keychain
        .get(&keyring_secret_name(peer_id))
        .map_err(key_store_error)?;
    let keyring = match stored {
        Some(json) => Some(
            Keyring::from_secret_json(json.expose())
                .map_err(|_| ApiError::bug("the stored encryption keyring is not a keyring"))?,
        ),
        None => None,
    };
    cache
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .insert(peer_id.to_string(), keyring.clone());
    Ok(keyring)
}

/// Stores the keyring used with `peer_id`.
pub fn save_keyring(state: &AppState, peer_id: &str, keyring: &Keyring) -> ApiResult<()> {
    let json = Secret::new(keyring.to_secret_json().to_string());
    state
        .keychain
        .set(&keyring_secret_name(peer_id), &json)
        .map_err(key_store_error)?;
    state
        .e2e()
        .keyrings
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .insert(peer_id.to_string(), Some(keyring.clone()));
    Ok(())
}

/// Forgets the keyring used with `peer_id` (an enable the hosted side refused).
pub fn delete_keyring(state: &AppState, peer_id: &str) {
    state
        .e2e()
        .keyrings
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .remove(peer_id);
    if let Err(err) = state.keychain.delete(&keyring_secret_name(peer_id)) {
        tracing::warn!(error = %err, peer_id, "cannot delete an encryption keyring");
    }
}

/// The hosted peer's view of the account's encryption.
pub async fn hosted_status(state: &AppState, peer_id: &str) -> ApiResult<HostedE2e> {
    call(state, peer_id, Method::GET, "e2e", Vec::new()).await
}

/// Asks the hosted peer to encrypt the account under this key (a compare-and-set there).
pub async fn hosted_enable(
    state: &AppState,
    peer_id: &str,
    request: &EnableRequest,
) -> ApiResult<HostedE2e> {
    let body = serde_json::to_vec(request).map_err(ApiError::internal)?;
    call(state, peer_id, Method::POST, "e2e/enable", body).await
}

/// The hosted side's refusals of encryption routes that this daemon answers as they came
/// (their messages are written for the user); any other is a `502 peer_refused`.
const PASSED_ON: &[&str] = &[
    "e2e_already_enabled",
    "e2e_not_enabled",
    "e2e_no_request",
    "e2e_transfer_expired",
    "e2e_transfer_not_pending",
    "e2e_key_mismatch",
];

/// One signed call to `/peers/{peer_id}/<route>` of the hosted peer.
pub(crate) async fn call<T: DeserializeOwned>(
    state: &AppState,
    peer_id: &str,
    method: Method,
    route: &str,
    body: Vec<u8>,
) -> ApiResult<T> {
    let (peer, base) = active_remote_peer(state, peer_id).await?;
    let (key_row, pair_key) = current_key(state, &peer).await?;
    let path = format!("/peers/{}/{route}", peer.peer_id);
    let call = PeerCall {
        method,
        base_url: &base,
        path_and_query: &path,
        body,
        created: crate::peers::peer_now(state),
    };
    let unreachable = |e: reqwest::Error| {
        ApiError::new(
            StatusCode::BAD_GATEWAY,
            "peer_unreachable",
            format!(
                "The hosted backend at {base} cannot be reached ({}).",
                crate::peers::describe_http_error(&e)
            ),
        )
    };
    let response = signed_request(crate::peers::http_client(), call, &key_row, &pair_key)
        .map_err(|e| ApiError::bug(format!("cannot sign the request: {e}")))?
        .send()
        .await
        .map_err(unreachable)?;
    crate::peers::learn_skew(state, response.headers());
    let status = response.status();
    let bytes = response.bytes().await.map_err(unreachable)?;
    if status.is_success() {
        return serde_json::from_slice(&bytes).map_err(|_| {
            ApiError::new(
                StatusCode::BAD_GATEWAY,
                "peer_invalid",
                format!("The hosted backend at {base} answered with something unexpected."),
            )
        });
    }
    let body: serde_json::Value = serde_json::from_slice(&bytes).unwrap_or_default();
    let code = body["error"]["code"].as_str().unwrap_or_default();
    if let Some(passed) = PASSED_ON.iter().find(|c| **c == code) {
        let message: String = body["error"]["message"]
            .as_str()
            .unwrap_or_default()
            .chars()
            .take(300)
            .collect();
        let status = if status.is_client_error() {
            status
        } else {
            StatusCode::CONFLICT
        };
        return Err(ApiError::new(status, passed, message));
    }
    let mut err = ApiError::new(
        StatusCode::BAD_GATEWAY,
        "peer_refused",
        format!(
            "The hosted backend at {base} refused the request (HTTP {}{}).",
            status.as_u16(),
            if code.is_empty() {
                String::new()
            } else {
                format!(", {code}")
            }
        ),
    );
    err.upstream_code = (!code.is_empty()).then(|| code.to_string());
    err.upstream_status = Some(status.as_u16());
    Err(err)
}
