//! `GET` and `PUT /privacy-settings`: the local daemon's settings (local secret or UI
//! session), or an account's on the hosted side (its token). docs/privacy.md.

use axum::Json;
use axum::extract::State;

use super::settings::{self, PrivacySettings, PrivacyUpdate};
use crate::accounts::Owner;
use crate::error::{ApiJson, ApiResult};
use crate::state::AppState;

/// `GET /privacy-settings`: the settings in force.
#[utoipa::path(
    get, path = "/privacy-settings", tag = "privacy",
    security(("local_secret" = []), ("ui_session" = []), ("account_token" = [])),
    responses(
        (status = 200, description = "The settings in force (defaults for what was never set)", body = PrivacySettings),
    )
)]
pub(crate) async fn get(
    State(state): State<AppState>,
    Owner(account): Owner,
) -> ApiResult<Json<PrivacySettings>> {
    Ok(Json(settings::settings_of(&state, &account).await?))
}

/// `PUT /privacy-settings`: sets the fields given; the others keep their value. Audited.
#[utoipa::path(
    put, path = "/privacy-settings", tag = "privacy",
    security(("local_secret" = []), ("ui_session" = []), ("account_token" = [])),
    request_body = PrivacyUpdate,
    responses(
        (status = 200, description = "The settings now in force", body = PrivacySettings),
        (status = 422, description = "`invalid_request`: an unknown setting, a value of the wrong type, or a retention out of range", body = crate::error::ErrorBody),
    )
)]
pub(crate) async fn put(
    State(state): State<AppState>,
    Owner(account): Owner,
    ApiJson(update): ApiJson<PrivacyUpdate>,
) -> ApiResult<Json<PrivacySettings>> {
    Ok(Json(settings::update(&state, &account, &update).await?))
}
