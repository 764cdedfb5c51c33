//! `POST /pairing-codes`, and the account-token extractor for account-level routes.

use axum::Json;
use axum::extract::{FromRequestParts, State};
use axum::http::request::Parts;
use axum::http::{StatusCode, header};
use serde::{Deserialize, Serialize};

use crate::error::{ApiError, ApiResult, OptionalJson};
use crate::identity::KeyId;
use crate::state::AppState;
use crate::store::Account;

/// The account whose token came in `Authorization: Bearer <token>`.
pub struct AccountAuth(pub Account);

impl FromRequestParts<AppState> for AccountAuth {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> ApiResult<Self> {
        let unauthorized = || ApiError::unauthorized("a valid account token is required");
        let token = parts
            .headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .ok_or_else(unauthorized)?;
        let account = super::authenticate(state.store.as_ref(), token.trim()).await?;
        account.map(Self).ok_or_else(unauthorized)
    }
}

/// The account whose data a request reaches: on a local daemon its one account (the local
/// API guard has already checked the caller), on the hosted one the account of the token.
pub struct Owner(pub String);

impl FromRequestParts<AppState> for Owner {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> ApiResult<Self> {
        match state.config.mode {
            crate::config::Mode::Local => Ok(Self(crate::store::LOCAL_ACCOUNT.to_string())),
            crate::config::Mode::Hosted => {
                let AccountAuth(account) = AccountAuth::from_request_parts(parts, state).await?;
                Ok(Self(account.id))
            }
        }
    }
}

#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct PairingCodeRequest {
    /// Only the local backend with this identity key may redeem the code.
    local_key_id: Option<KeyId>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub(crate) struct PairingCodeResponse {
    code: String,
    expires_at: String,
}

/// `POST /pairing-codes` (hosted).
#[utoipa::path(
    post,
    path = "/pairing-codes",
    tag = "accounts",
    security(("account_token" = [])),
    request_body(content = Option<PairingCodeRequest>, description = "Empty, or a `local_key_id` the code is bound to"),
    responses((status = 201, description = "A one-time pairing code for this account", body = PairingCodeResponse))
)]
pub(crate) async fn create_pairing_code(
    State(state): State<AppState>,
    AccountAuth(account): AccountAuth,
    body: OptionalJson<PairingCodeRequest>,
) -> ApiResult<(StatusCode, Json<PairingCodeResponse>)> {
    let request = body.0.unwrap_or_default();
    let bound = request.local_key_id.map(String::from);
    let issued =
        super::issue_pairing_code(state.store.as_ref(), state.clock.as_ref(), &account, bound)
            .await?;
    tracing::info!(account_id = %account.id, "pairing code issued");
    let response = PairingCodeResponse {
        code: issued.code.expose().clone(),
        expires_at: issued
            .expires_at
            .to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
    };
    Ok((StatusCode::CREATED, Json(response)))
}
