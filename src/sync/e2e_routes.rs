//! End-to-end encryption on a device (docs/e2e.md), through the local API: `POST /e2e/enable`
//! makes the account's key, has the hosted side take it (a compare-and-set), keeps it in the
//! key store, and rewrites every record so it syncs sealed; `POST /e2e/recover` opens the
//! keyring the hosted side keeps with the recovery code; `GET /e2e` says how it stands.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};

use super::SyncAccess;
use super::sealing::key_ref;
use crate::e2e::Keyring;
use crate::e2e::device::{self, delete_keyring, save_keyring};
use crate::e2e::keyring::{open_with_recovery_code, seal_for_recovery};
use crate::e2e::wire::{EnableRequest, KeyRef};
use crate::error::{ApiError, ApiJson, ApiResult};
use crate::security::audit::audit;
use crate::state::AppState;
use crate::store::{LOCAL_ACCOUNT, PEER_ACTIVE, Record, SyncCursor};

/// Characters of a recovery code once normalised (160 bits of Crockford base32).
const RECOVERY_CODE_CHARS: usize = 32;
const CROCKFORD: &str = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

/// How end-to-end encryption stands with one hosted peer, as this device sees it.
#[derive(Debug, Default, Serialize, utoipa::ToSchema)]
pub(crate) struct DeviceE2e {
    pub(crate) peer_id: String,
    pub(crate) account_id: String,
    /// Whether the hosted side says the account is encrypted; `null` when it could not be
    /// asked (`hosted_error` says why).
    pub(crate) enabled: Option<bool>,
    /// The account's key (epoch and public id) as the hosted side holds it.
    pub(crate) account_key: Option<KeyRef>,
    /// The key this device seals with; `null` when it holds none.
    pub(crate) device_key: Option<KeyRef>,
    /// When the account was encrypted (RFC 3339).
    pub(crate) enabled_at: Option<String>,
    /// Since when the account's key is due for a new epoch (a device was revoked): a device
    /// that holds the key rotates it (`POST /e2e/rotate`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) rotation_due: Option<String>,
    /// Pulled versions set aside because they did not open here.
    pub(crate) unopened: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) hosted_error: Option<String>,
    /// Records rewritten to sync sealed (enable only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) rewritten: Option<usize>,
    /// Encryption was on already under this device's key (an enable whose answer was
    /// lost): the records were rewritten; the recovery code is the one made then.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub(crate) already: bool,
    /// The recovery code opened the account's keyring; nothing was changed (`check`).
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub(crate) checked: bool,
}

/// `POST /e2e/enable`. The recovery code is made by the caller (the CLI shows it); this
/// daemon uses it to seal the keyring and never answers it back.
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct EnableInput {
    /// The hosted peer whose account to encrypt [default: the only active peer].
    peer_id: Option<String>,
    /// A new recovery code (32 Crockford base32 characters, dashes and spaces ignored).
    recovery_code: String,
}

/// `POST /e2e/recover`.
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct RecoverInput {
    /// The hosted peer of the account [default: the only active peer].
    peer_id: Option<String>,
    /// The account's recovery code.
    recovery_code: String,
    /// Only check that the code opens the account's keyring; change nothing.
    #[serde(default)]
    check: bool,
}

impl EnableInput {
    /// Encrypts the account of the only active hosted peer, under `recovery_code`.
    pub(crate) fn new(recovery_code: String) -> Self {
        Self {
            peer_id: None,
            recovery_code,
        }
    }
}

impl RecoverInput {
    /// Recovers the key of the only active hosted peer's account (`check`: only checks).
    pub(crate) fn new(recovery_code: String, check: bool) -> Self {
        Self {
            peer_id: None,
            recovery_code,
            check,
        }
    }
}

pub(super) fn check_recovery_code(code: &str) -> ApiResult<()> {
    let canonical = crate::accounts::secrets::normalize_code(code);
    let ok =
        canonical.len() == RECOVERY_CODE_CHARS && canonical.chars().all(|c| CROCKFORD.contains(c));
    if !ok {
        return Err(ApiError::unprocessable(
            "recovery_code must be 32 characters of Crockford base32, as the code was shown \
             (dashes and spaces do not matter)",
        ));
    }
    Ok(())
}

/// The hosted peer named, or the only active one.
pub(super) async fn the_peer(
    state: &AppState,
    named: Option<String>,
) -> ApiResult<(String, String)> {
    let active: Vec<_> = state
        .store
        .peers(None)
        .await?
        .into_iter()
        .filter(|p| p.status == PEER_ACTIVE && p.remote_url.is_some())
        .collect();
    let found = match named {
        Some(id) => active.into_iter().find(|p| p.peer_id == id),
        None if active.len() > 1 => {
            return Err(ApiError::unprocessable(
                "this daemon has several hosted peers: name one with peer_id (`--peer`)",
            ));
        }
        None => active.into_iter().next(),
    };
    let peer = found.ok_or_else(|| {
        ApiError::new(
            StatusCode::NOT_FOUND,
            "unknown_peer",
            "no such active hosted peer: pair first with `backend-8825 pair`",
        )
    })?;
    Ok((peer.peer_id, peer.account_id))
}

/// How it stands with `peer_id`: this device's key, and the hosted side's view if it
/// answers.
pub(super) async fn standing(
    state: &AppState,
    peer_id: &str,
    account_id: &str,
) -> ApiResult<DeviceE2e> {
    let device_key = device::keyring(state, peer_id)?.as_ref().and_then(key_ref);
    let unopened = state
        .store
        .set_aside_for(peer_id)
        .await?
        .iter()
        .filter(|e| super::sealing::UNOPENED_CODES.contains(&e.code.as_str()))
        .count();
    let mut view = DeviceE2e {
        peer_id: peer_id.to_string(),
        account_id: account_id.to_string(),
        device_key,
        unopened,
        ..DeviceE2e::default()
    };
    match device::hosted_status(state, peer_id).await {
        Ok(hosted) => {
            view.enabled = Some(hosted.enabled);
            view.account_key = hosted.key;
            view.enabled_at = hosted.enabled_at;
            view.rotation_due = hosted.rotation_due;
        }
        Err(err) => view.hosted_error = Some(err.message),
    }
    Ok(view)
}

#[utoipa::path(
    get, path = "/e2e", tag = "e2e", security(("local_secret" = []), ("ui_session" = [])),
    responses((status = 200, description = "End-to-end encryption with each active hosted peer: the account's key as the hosted side holds it, this device's key, pulled versions that did not open here", body = Vec<DeviceE2e>))
)]
pub(crate) async fn status(State(state): State<AppState>) -> ApiResult<Json<Vec<DeviceE2e>>> {
    let mut views = Vec::new();
    for peer in state.store.peers(None).await? {
        if peer.status == PEER_ACTIVE && peer.remote_url.is_some() {
            views.push(standing(&state, &peer.peer_id, &peer.account_id).await?);
        }
    }
    Ok(Json(views))
}

#[utoipa::path(
    post, path = "/e2e/enable", tag = "e2e", security(("local_secret" = []), ("ui_session" = [])),
    request_body = EnableInput,
    responses(
        (status = 201, description = "The account is encrypted under a key made here, kept in this device's key store; every record was rewritten to sync sealed", body = DeviceE2e),
        (status = 200, description = "Encrypted already under this device's key (an enable whose answer was lost): finished now (`already`); the recovery code is the one made then", body = DeviceE2e),
        (status = 409, description = "`e2e_already_enabled`: the account (or this device) has a key already; nothing changed", body = crate::error::ErrorBody),
        (status = 422, description = "`invalid_request`: not a recovery code, or several peers and none named", body = crate::error::ErrorBody),
        (status = 502, description = "The hosted backend refused or could not be reached; `e2e_enable_unknown`: its answer to the enable was lost, the key is kept here (enable again to finish)", body = crate::error::ErrorBody),
    )
)]
pub(crate) async fn enable(
    State(state): State<AppState>,
    ApiJson(input): ApiJson<EnableInput>,
) -> ApiResult<(StatusCode, Json<DeviceE2e>)> {
    check_recovery_code(&input.recovery_code)?;
    let (peer_id, account_id) = the_peer(&state, input.peer_id).await?;
    let held = device::keyring(&state, &peer_id)?
        .as_ref()
        .and_then(key_ref);
    let hosted = device::hosted_status(&state, &peer_id).await?;
    match (hosted.enabled, &held) {
        (true, Some(mine))
            if hosted.key.as_ref() == Some(mine) && rewritten(&state, &peer_id).await? =>
        {
            return Err(ApiError::new(
                StatusCode::CONFLICT,
                "e2e_already_enabled",
                "This device holds the account's key already: its conversations are encrypted.",
            ));
        }
        // An enable whose answer was lost, taken after all: finish it (the records go
        // sealed); the recovery code is the one made then, not this one.
        (true, Some(mine)) if hosted.key.as_ref() == Some(mine) => {
            let rewritten = rewrite_sealed(&state, &peer_id).await?;
            let mut view = standing(&state, &peer_id, &account_id).await?;
            view.rewritten = Some(rewritten);
            view.already = true;
            return Ok((StatusCode::OK, Json(view)));
        }
        (true, _) => return Err(crate::e2e::hosted::already_enabled()),
        // A key left by an enable the hosted side never took: nothing was sealed under it.
        (false, Some(_)) => delete_keyring(&state, &peer_id),
        (false, None) => {}
    }
    // Everything the hosted side has first, so that the rewrite below seals it too.
    super::sync_peer_now(&state, &peer_id).await?;
    {
        // No sync with the peer while the key goes in: it would seal for a hosted side that
        // does not take sealed versions yet.
        let lock = state.sync().peer_lock(&peer_id);
        let _held = lock.lock().await;
        let keyring = Keyring::generate();
        let key = key_ref(&keyring).ok_or_else(|| ApiError::bug("no key"))?;
        let recovery = seal_for_recovery(&keyring, &input.recovery_code, &account_id);
        save_keyring(&state, &peer_id, &keyring)?;
        let request = EnableRequest {
            ck_id: key.ck_id.clone(),
            epoch: key.epoch,
            recovery,
        };
        if let Err(err) = device::hosted_enable(&state, &peer_id, &request).await {
            taken_after_all(&state, &peer_id, &key, err).await?;
        }
    }
    tracing::info!(
        peer_id,
        "end-to-end encryption enabled; rewriting every record"
    );
    audit(&state, "e2e_enable", Ok(()), Some(&peer_id), None, None).await;
    let rewritten = rewrite_sealed(&state, &peer_id).await?;
    let mut view = standing(&state, &peer_id, &account_id).await?;
    view.rewritten = Some(rewritten);
    Ok((StatusCode::CREATED, Json(view)))
}

/// An enable the hosted side did not answer with success: `Ok` if it took the key all the
/// same (its answer was lost). A refusal leaves nothing here; when whether it took the key
/// cannot be told, the key stays (the hosted side may have it), and the error says so:
/// `backend-8825 e2e enable` again finishes it, or starts over.
async fn taken_after_all(
    state: &AppState,
    peer_id: &str,
    key: &KeyRef,
    err: ApiError,
) -> ApiResult<()> {
    if err.code == "e2e_already_enabled" || err.upstream_status.is_some_and(|s| s < 500) {
        delete_keyring(state, peer_id);
        return Err(err);
    }
    match device::hosted_status(state, peer_id).await {
        Ok(hosted) if hosted.key.as_ref() == Some(key) => Ok(()),
        Ok(_) => {
            delete_keyring(state, peer_id);
            Err(err)
        }
        Err(_) => Err(ApiError::new(
            StatusCode::BAD_GATEWAY,
            "e2e_enable_unknown",
            format!(
                "It is not known whether the hosted backend took the key ({}). Keep the \
                 recovery code shown now, and run `backend-8825 e2e enable` again once the \
                 hosted backend answers: it finishes the enable, or starts over.",
                err.message
            ),
        )),
    }
}

/// The meta key that says the records were rewritten sealed for a peer's account.
fn rewritten_key(peer_id: &str) -> String {
    format!("e2e_rewritten_{peer_id}")
}

async fn rewritten(state: &AppState, peer_id: &str) -> ApiResult<bool> {
    Ok(state
        .store
        .meta_get(&rewritten_key(peer_id))
        .await?
        .is_some())
}

/// Writes every record again so that each syncs sealed (and notes it), then syncs (a failure
/// of that sync is left to the scheduler: the key is in place).
async fn rewrite_sealed(state: &AppState, peer_id: &str) -> ApiResult<usize> {
    let rewritten = rewrite_all(state).await?;
    let at = state.clock.now_ms().to_string();
    state.store.meta_set(&rewritten_key(peer_id), &at).await?;
    if let Err(err) = super::sync_peer_now(state, peer_id).await {
        tracing::warn!(peer_id, error = %err.message, "the first sealed sync failed");
    }
    Ok(rewritten)
}

/// Writes every record (tombstones too) again, stamped anew, so each syncs sealed and
/// replaces its plaintext copy on the hosted side. Returns how many were written.
async fn rewrite_all(state: &AppState) -> ApiResult<usize> {
    let head = state.store.feed_head(LOCAL_ACCOUNT).await?;
    let mut after = 0;
    let mut written = 0;
    while after < head {
        let page: Vec<Record> = state
            .store
            .feed_page(LOCAL_ACCOUNT, after, 500)
            .await?
            .into_iter()
            .filter(|r| r.seq <= head)
            .collect();
        let Some(last) = page.last() else { break };
        after = last.seq;
        written += super::records::write_all(state, LOCAL_ACCOUNT, page).await?;
    }
    Ok(written)
}

#[utoipa::path(
    post, path = "/e2e/recover", tag = "e2e", security(("local_secret" = []), ("ui_session" = [])),
    request_body = RecoverInput,
    responses(
        (status = 200, description = "The recovery code opened the account's keyring, kept now in this device's key store; everything is synced again and opened (with `check`: opened, nothing changed)", body = DeviceE2e),
        (status = 409, description = "`e2e_not_enabled`: the account is not encrypted", body = crate::error::ErrorBody),
        (status = 422, description = "`recovery_code_wrong`: the code does not open the account's keyring; `invalid_request`: not a recovery code", body = crate::error::ErrorBody),
        (status = 502, description = "The hosted backend refused or could not be reached, or keeps a keyring without the account's current key", body = crate::error::ErrorBody),
    )
)]
pub(crate) async fn recover(
    State(state): State<AppState>,
    ApiJson(input): ApiJson<RecoverInput>,
) -> ApiResult<Json<DeviceE2e>> {
    check_recovery_code(&input.recovery_code)?;
    let (peer_id, account_id) = the_peer(&state, input.peer_id).await?;
    let hosted = device::hosted_status(&state, &peer_id).await?;
    let (Some(key), Some(sealed)) = (hosted.key.filter(|_| hosted.enabled), hosted.recovery) else {
        return Err(ApiError::new(
            StatusCode::CONFLICT,
            "e2e_not_enabled",
            "this account is not end-to-end encrypted: there is no key to recover",
        ));
    };
    let event = if input.check {
        "e2e_recover_check"
    } else {
        "e2e_recover"
    };
    let opened = open_with_recovery_code(&sealed, &input.recovery_code, &account_id);
    let outcome = opened
        .as_ref()
        .map(|_| ())
        .map_err(|_| "recovery_code_wrong");
    audit(&state, event, outcome, Some(&peer_id), None, None).await;
    let keyring = opened.map_err(|_| {
        ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "recovery_code_wrong",
            "this recovery code does not open the account's keyring: check the code you \
                 typed (it is the one shown when encryption was enabled)",
        )
    })?;
    if key_ref(&keyring).as_ref() != Some(&key) {
        return Err(ApiError::new(
            StatusCode::BAD_GATEWAY,
            "e2e_key_mismatch",
            "the keyring the hosted backend keeps does not hold the account's current key",
        ));
    }
    let held_key = device::keyring(&state, &peer_id)?
        .as_ref()
        .and_then(key_ref);
    if input.check {
        let mut view = standing(&state, &peer_id, &account_id).await?;
        view.checked = true;
        return Ok(Json(view));
    }
    // Another key held here (an enable the hosted side did not take) sealed nothing the
    // hosted side kept: the account's key replaces it.
    if held_key.as_ref() != Some(&key) {
        install_keyring(&state, &peer_id, &keyring).await?;
        tracing::info!(
            peer_id,
            "the account's key was recovered; syncing everything again"
        );
    }
    super::sync_peer_now(&state, &peer_id).await?;
    Ok(Json(standing(&state, &peer_id, &account_id).await?))
}

/// Puts the account's keyring on this device (recovered, or transferred from another
/// device) in place of any other key held here, and makes the next sync start over: what was
/// set aside unopened opens now, and what was refused in plaintext goes sealed.
pub(super) async fn install_keyring(
    state: &AppState,
    peer_id: &str,
    keyring: &Keyring,
) -> ApiResult<()> {
    let lock = state.sync().peer_lock(peer_id);
    let _held = lock.lock().await;
    save_keyring(state, peer_id, keyring)?;
    super::set_aside::forget_all(state, peer_id).await?;
    let reset = SyncCursor {
        peer_id: peer_id.to_string(),
        ..SyncCursor::default()
    };
    state
        .store
        .apply_versions(LOCAL_ACCOUNT, &[], None, Some(&reset))
        .await?;
    // Everything of this device is pushed again, sealed: as rewritten as enabling makes it.
    let at = state.clock.now_ms().to_string();
    state.store.meta_set(&rewritten_key(peer_id), &at).await?;
    Ok(())
}
