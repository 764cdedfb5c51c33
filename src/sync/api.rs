//! The conversation API (the ConversationHub): the same routes on both modes, under the local
//! API rules on a local daemon and under an account token on a hosted one.

use axum::Json;
use axum::extract::rejection::QueryRejection;
use axum::extract::{FromRequestParts, Path, Query, State};
use axum::http::StatusCode;
use axum::http::request::Parts;
use serde::{Deserialize, Serialize};

use super::conversations as ops;
use super::records::{ConversationView, MessageView, ROLES, Tenant};
use crate::accounts::AccountAuth;
use crate::config::Mode;
use crate::error::{ApiError, ApiJson, ApiResult};
use crate::state::AppState;
use crate::store::LOCAL_ACCOUNT;

impl FromRequestParts<AppState> for Tenant {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> ApiResult<Self> {
        match state.config.mode {
            // The local API guard has already checked the caller.
            Mode::Local => Ok(Self(LOCAL_ACCOUNT.to_string())),
            Mode::Hosted => {
                let AccountAuth(account) = AccountAuth::from_request_parts(parts, state).await?;
                Ok(Self(account.id))
            }
        }
    }
}

/// Paging of a list: `limit` (1 to 200, default 50) and the `cursor` a page answered with.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub(crate) struct PageParams {
    /// How many items, 1 to 200 (default 50).
    limit: Option<i64>,
    /// The `next_cursor` of the previous page.
    cursor: Option<String>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub(crate) struct Page<T> {
    items: Vec<T>,
    /// Pass as `cursor` for the next page; `null` on the last one.
    next_cursor: Option<String>,
}

fn page_params(
    params: Result<Query<PageParams>, QueryRejection>,
) -> ApiResult<(i64, Option<String>)> {
    let Query(params) = params?;
    let limit = ops::check_page(params.limit, params.cursor.as_deref())?;
    Ok((limit, params.cursor))
}

#[utoipa::path(
    get, path = "/api/conversations", tag = "conversations", security(("local_secret" = []), ("ui_session" = []), ("account_token" = [])),
    params(PageParams),
    responses((status = 200, description = "A page of conversations, newest first", body = Page<ConversationView>), (status = 400, description = "`bad_request`: `limit` out of range or `cursor` not a record id", body = crate::error::ErrorBody))
)]
pub(crate) async fn list_conversations(
    State(state): State<AppState>,
    tenant: Tenant,
    params: Result<Query<PageParams>, QueryRejection>,
) -> ApiResult<Json<Page<ConversationView>>> {
    let (limit, cursor) = page_params(params)?;
    let (items, next_cursor) =
        ops::list_conversations(&state, &tenant, limit, cursor.as_deref()).await?;
    Ok(Json(Page { items, next_cursor }))
}

#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct ConversationInput {
    title: Option<String>,
}

#[utoipa::path(
    post, path = "/api/conversations", tag = "conversations", security(("local_secret" = []), ("ui_session" = []), ("account_token" = [])),
    request_body = ConversationInput,
    responses((status = 201, description = "Created", body = ConversationView))
)]
pub(crate) async fn create_conversation(
    State(state): State<AppState>,
    tenant: Tenant,
    ApiJson(input): ApiJson<ConversationInput>,
) -> ApiResult<(StatusCode, Json<ConversationView>)> {
    let created = ops::create_conversation(&state, &tenant, input.title).await?;
    Ok((StatusCode::CREATED, Json(created)))
}

#[utoipa::path(
    get, path = "/api/conversations/{id}", tag = "conversations", security(("local_secret" = []), ("ui_session" = []), ("account_token" = [])),
    params(("id" = String, Path, description = "The conversation's id")),
    responses((status = 200, description = "The conversation", body = ConversationView), (status = 404, description = "`not_found`: no such conversation in this account", body = crate::error::ErrorBody))
)]
pub(crate) async fn get_conversation(
    State(state): State<AppState>,
    tenant: Tenant,
    Path(id): Path<String>,
) -> ApiResult<Json<ConversationView>> {
    Ok(Json(ops::get_conversation(&state, &tenant, &id).await?))
}

#[utoipa::path(
    patch, path = "/api/conversations/{id}", tag = "conversations", security(("local_secret" = []), ("ui_session" = []), ("account_token" = [])),
    params(("id" = String, Path, description = "The conversation's id")), request_body = ConversationInput,
    responses((status = 200, description = "Updated", body = ConversationView),
        (status = 409, description = "`edit_conflict`: the record changed faster than the edit could be applied (32 tries); try again", body = crate::error::ErrorBody), (status = 404, description = "`not_found`: no such conversation in this account", body = crate::error::ErrorBody))
)]
pub(crate) async fn update_conversation(
    State(state): State<AppState>,
    tenant: Tenant,
    Path(id): Path<String>,
    ApiJson(input): ApiJson<ConversationInput>,
) -> ApiResult<Json<ConversationView>> {
    Ok(Json(
        ops::update_conversation(&state, &tenant, &id, input.title).await?,
    ))
}

#[utoipa::path(
    delete, path = "/api/conversations/{id}", tag = "conversations", security(("local_secret" = []), ("ui_session" = []), ("account_token" = [])),
    params(("id" = String, Path, description = "The conversation's id")),
    responses((status = 204, description = "Deleted (a tombstone that syncs)"),
        (status = 409, description = "`edit_conflict`: the record changed faster than the edit could be applied (32 tries); try again", body = crate::error::ErrorBody), (status = 404, description = "`not_found`: no such conversation in this account", body = crate::error::ErrorBody))
)]
pub(crate) async fn delete_conversation(
    State(state): State<AppState>,
    tenant: Tenant,
    Path(id): Path<String>,
) -> ApiResult<StatusCode> {
    ops::delete_conversation(&state, &tenant, &id).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(
    get, path = "/api/conversations/{id}/messages", tag = "conversations", security(("local_secret" = []), ("ui_session" = []), ("account_token" = [])),
    params(("id" = String, Path, description = "The conversation's id"), PageParams),
    responses((status = 200, description = "A page of messages, oldest first", body = Page<MessageView>), (status = 404, description = "`not_found`: no such conversation in this account", body = crate::error::ErrorBody), (status = 400, description = "`bad_request`: `limit` out of range or `cursor` not a record id", body = crate::error::ErrorBody))
)]
pub(crate) async fn list_messages(
    State(state): State<AppState>,
    tenant: Tenant,
    Path(id): Path<String>,
    params: Result<Query<PageParams>, QueryRejection>,
) -> ApiResult<Json<Page<MessageView>>> {
    let (limit, cursor) = page_params(params)?;
    let (items, next_cursor) =
        ops::list_messages(&state, &tenant, &id, limit, cursor.as_deref()).await?;
    Ok(Json(Page { items, next_cursor }))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct MessageInput {
    #[schema(schema_with = role_schema)]
    role: String,
    content: String,
}

/// A message's role as the document states it: one of `ROLES` (`check_role` refuses others).
fn role_schema() -> utoipa::openapi::Object {
    utoipa::openapi::ObjectBuilder::new()
        .schema_type(utoipa::openapi::schema::Type::String)
        .enum_values(Some(ROLES))
        .build()
}

#[utoipa::path(
    post, path = "/api/conversations/{id}/messages", tag = "conversations", security(("local_secret" = []), ("ui_session" = []), ("account_token" = [])),
    params(("id" = String, Path, description = "The conversation's id")), request_body = MessageInput,
    responses((status = 201, description = "Created", body = MessageView), (status = 404, description = "`not_found`: no such conversation in this account", body = crate::error::ErrorBody))
)]
pub(crate) async fn create_message(
    State(state): State<AppState>,
    tenant: Tenant,
    Path(id): Path<String>,
    ApiJson(input): ApiJson<MessageInput>,
) -> ApiResult<(StatusCode, Json<MessageView>)> {
    let created = ops::create_message(&state, &tenant, &id, input.role, input.content).await?;
    Ok((StatusCode::CREATED, Json(created)))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct MessagePatch {
    role: Option<String>,
    content: Option<String>,
}

#[utoipa::path(
    patch, path = "/api/conversations/{id}/messages/{message_id}", tag = "conversations", security(("local_secret" = []), ("ui_session" = []), ("account_token" = [])),
    params(("id" = String, Path, description = "The conversation's id"), ("message_id" = String, Path, description = "The message's id")), request_body = MessagePatch,
    responses((status = 200, description = "Updated", body = MessageView),
        (status = 409, description = "`edit_conflict`: the record changed faster than the edit could be applied (32 tries); try again", body = crate::error::ErrorBody), (status = 404, description = "`not_found`: no such conversation or message in this account", body = crate::error::ErrorBody))
)]
pub(crate) async fn update_message(
    State(state): State<AppState>,
    tenant: Tenant,
    Path((conv, id)): Path<(String, String)>,
    ApiJson(input): ApiJson<MessagePatch>,
) -> ApiResult<Json<MessageView>> {
    let MessagePatch { role, content } = input;
    let updated = ops::update_message(&state, &tenant, &conv, &id, role, content).await?;
    Ok(Json(updated))
}

#[utoipa::path(
    delete, path = "/api/conversations/{id}/messages/{message_id}", tag = "conversations", security(("local_secret" = []), ("ui_session" = []), ("account_token" = [])),
    params(("id" = String, Path, description = "The conversation's id"), ("message_id" = String, Path, description = "The message's id")),
    responses((status = 204, description = "Deleted (a tombstone that syncs)"),
        (status = 409, description = "`edit_conflict`: the record changed faster than the edit could be applied (32 tries); try again", body = crate::error::ErrorBody), (status = 404, description = "`not_found`: no such conversation or message in this account", body = crate::error::ErrorBody))
)]
pub(crate) async fn delete_message(
    State(state): State<AppState>,
    tenant: Tenant,
    Path((conv, id)): Path<(String, String)>,
) -> ApiResult<StatusCode> {
    ops::delete_message(&state, &tenant, &conv, &id).await?;
    Ok(StatusCode::NO_CONTENT)
}
