//! An account's encryption as its owner sees it on the hosted side (account token), and the
//! way out when no device holds the key and the recovery code is lost: **reset**, which
//! deletes the encrypted data (docs/e2e.md, "Reset").

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};

use super::wire::HostedE2e;
use crate::accounts::AccountAuth;
use crate::error::{ApiError, ApiJson, ApiResult};
use crate::state::AppState;

/// The words a reset must carry, typed by the account's owner: what it does.
pub const RESET_CONFIRMATION: &str = "delete encrypted data";

/// `POST /e2e/reset` (hosted, account token).
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ResetInput {
    /// Exactly `delete encrypted data`: the encrypted conversations cannot be brought back.
    pub confirm: String,
}

/// What a reset did.
#[derive(Debug, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ResetView {
    /// The account's encryption now: off.
    pub e2e: HostedE2e,
    /// How many encrypted records (conversations, messages, tombstones) were deleted.
    pub deleted_records: u64,
}

/// `GET /e2e` (hosted, account token): the account's encryption, without the sealed keyring
/// (its devices fetch that, signed).
#[utoipa::path(
    get,
    path = "/e2e",
    tag = "e2e",
    security(("account_token" = [])),
    responses((status = 200, description = "Whether the account's conversations are end-to-end encrypted, its key's epoch and id, and whether a new epoch is due; `recovery` is always null here", body = HostedE2e))
)]
pub(crate) async fn account_e2e(
    State(state): State<AppState>,
    AccountAuth(account): AccountAuth,
) -> ApiResult<Json<HostedE2e>> {
    let mut view = super::hosted::account_view(&state, &account.id).await?;
    view.recovery = None;
    Ok(Json(view))
}

/// `POST /e2e/reset` (hosted, account token): turns the account's encryption off and
/// deletes everything sealed, for when no device holds the key and the recovery code is
/// lost. Plaintext records stay; a device that still holds the old key can encrypt again
/// (`backend-8825 e2e enable` makes a new key and uploads its own copies sealed).
#[utoipa::path(
    post,
    path = "/e2e/reset",
    tag = "e2e",
    security(("account_token" = [])),
    request_body = ResetInput,
    responses(
        (status = 200, description = "Reset: the encrypted records, the transfer requests and the key are deleted; the account is plaintext", body = ResetView),
        (status = 409, description = "`e2e_not_enabled`: the account is not encrypted; nothing changed", body = crate::error::ErrorBody),
        (status = 422, description = "`confirmation_required`: `confirm` is not `delete encrypted data`; nothing changed", body = crate::error::ErrorBody),
    )
)]
pub(crate) async fn reset_e2e(
    State(state): State<AppState>,
    AccountAuth(account): AccountAuth,
    ApiJson(input): ApiJson<ResetInput>,
) -> ApiResult<Json<ResetView>> {
    if input.confirm.trim() != RESET_CONFIRMATION {
        return Err(ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "confirmation_required",
            format!(
                "A reset deletes every encrypted conversation of this account, and they cannot \
                 be brought back. To go on, send {{\"confirm\": \"{RESET_CONFIRMATION}\"}}."
            ),
        ));
    }
    let deleted = state.store.reset_e2e(&account.id).await?;
    let outcome = match deleted {
        Some(_) => Ok(()),
        None => Err("e2e_not_enabled"),
    };
    crate::security::audit::audit(&state, "e2e_reset", outcome, None, Some(&account.id), None)
        .await;
    let Some(deleted_records) = deleted else {
        return Err(ApiError::new(
            StatusCode::CONFLICT,
            "e2e_not_enabled",
            "this account's conversations are not end-to-end encrypted: there is nothing to reset",
        ));
    };
    tracing::warn!(
        account_id = %account.id,
        deleted_records,
        "end-to-end encryption reset: the account's encrypted records were deleted"
    );
    Ok(Json(ResetView {
        e2e: HostedE2e::default(),
        deleted_records,
    }))
}
