//! The conversation API (the ConversationHub): the same routes on both modes, under the local
//! API rules on a local daemon and under an account token on a hosted one.

use axum::Json;
use axum::extract::rejection::QueryRejection;
use axum::extract::{FromRequestParts, Path, Query, State};
use axum::http::StatusCode;
use axum::http::request::Parts;
use serde::{Deserialize, Serialize};

use super::records::{
    ConversationView, MessageView, ROLES, Tenant, check_content, check_role, check_title,
    new_record, try_write, write,
};
use crate::accounts::AccountAuth;
use crate::config::Mode;
use crate::error::{ApiError, ApiJson, ApiResult};
use crate::state::AppState;
use crate::store::{KIND_CONVERSATION, KIND_MESSAGE, LOCAL_ACCOUNT, Record, RecordQuery};

const DEFAULT_PAGE: i64 = 50;
const MAX_PAGE: i64 = 200;

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
    let limit = params.limit.unwrap_or(DEFAULT_PAGE);
    if !(1..=MAX_PAGE).contains(&limit) {
        return Err(ApiError::bad_request(format!(
            "limit must be 1 to {MAX_PAGE}"
        )));
    }
    if let Some(cursor) = &params.cursor
        && uuid::Uuid::parse_str(cursor).is_err()
    {
        return Err(ApiError::bad_request("cursor is not a record id"));
    }
    Ok((limit, params.cursor))
}

async fn list(
    state: &AppState,
    query: RecordQuery<'_>,
) -> ApiResult<(Vec<Record>, Option<String>)> {
    let limit = query.limit;
    // One more than asked tells whether there is a next page.
    let mut rows = state
        .store
        .list_records(&RecordQuery {
            limit: limit + 1,
            ..query
        })
        .await?;
    let next = if rows.len() as i64 > limit {
        rows.truncate(limit as usize);
        rows.last().map(|r| r.id.clone())
    } else {
        None
    };
    Ok((rows, next))
}

/// How many times an edit is redone after losing a race before it gives up with 409.
const EDIT_ATTEMPTS: usize = 32;

/// Reads a record with `lookup`, changes it with `change`, and writes it stamped past the
/// version it replaces. An edit that loses a race (another edit, or a sync, committed a newer
/// version in between) is done again on the record as it is now: an ordinary race answers
/// with the version that won, never a 5xx.
async fn edit<Fut>(
    state: &AppState,
    tenant: &Tenant,
    lookup: impl Fn() -> Fut,
    change: impl Fn(&mut Record) -> ApiResult<()>,
) -> ApiResult<Record>
where
    Fut: Future<Output = ApiResult<Record>>,
{
    for _ in 0..EDIT_ATTEMPTS {
        let mut record = lookup().await?;
        change(&mut record)?;
        if let Some(stored) = try_write(state, tenant, record).await? {
            return Ok(stored);
        }
    }
    Err(ApiError::new(
        StatusCode::CONFLICT,
        "edit_conflict",
        "the record changed faster than this edit could be applied; try again",
    ))
}

/// The live conversation `id` of the tenant, or 404 (a tombstone, or another account's id).
async fn conversation(state: &AppState, tenant: &Tenant, id: &str) -> ApiResult<Record> {
    let not_found = || ApiError::not_found("no such conversation");
    if uuid::Uuid::parse_str(id).is_err() {
        return Err(not_found());
    }
    match state.store.record(&tenant.0, id).await? {
        Some(r) if r.kind == KIND_CONVERSATION && !r.deleted => Ok(r),
        _ => Err(not_found()),
    }
}

async fn message(state: &AppState, tenant: &Tenant, conv: &str, id: &str) -> ApiResult<Record> {
    let not_found = || ApiError::not_found("no such message");
    conversation(state, tenant, conv).await?;
    if uuid::Uuid::parse_str(id).is_err() {
        return Err(not_found());
    }
    match state.store.record(&tenant.0, id).await? {
        Some(r)
            if r.kind == KIND_MESSAGE
                && !r.deleted
                && r.conversation_id.as_deref() == Some(conv) =>
        {
            Ok(r)
        }
        _ => Err(not_found()),
    }
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
    let (rows, next_cursor) = list(
        &state,
        RecordQuery {
            account_id: &tenant.0,
            kind: KIND_CONVERSATION,
            conversation_id: None,
            cursor: cursor.as_deref(),
            descending: true,
            limit,
        },
    )
    .await?;
    let items = rows.iter().map(ConversationView::from).collect();
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
    let title = input.title.unwrap_or_default();
    check_title(&title).map_err(ApiError::unprocessable)?;
    let mut record = new_record(&state, KIND_CONVERSATION);
    record.title = Some(title);
    let stored = write(&state, &tenant, record).await?;
    Ok((StatusCode::CREATED, Json(ConversationView::from(&stored))))
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
    let record = conversation(&state, &tenant, &id).await?;
    Ok(Json(ConversationView::from(&record)))
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
    if let Some(title) = &input.title {
        check_title(title).map_err(ApiError::unprocessable)?;
    }
    let lookup = || conversation(&state, &tenant, &id);
    let stored = edit(&state, &tenant, lookup, |record| {
        if let Some(title) = &input.title {
            record.title = Some(title.clone());
        }
        Ok(())
    })
    .await?;
    Ok(Json(ConversationView::from(&stored)))
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
    let lookup = || conversation(&state, &tenant, &id);
    edit(&state, &tenant, lookup, |record| {
        record.deleted = true;
        record.title = None;
        Ok(())
    })
    .await?;
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
    conversation(&state, &tenant, &id).await?;
    let (rows, next_cursor) = list(
        &state,
        RecordQuery {
            account_id: &tenant.0,
            kind: KIND_MESSAGE,
            conversation_id: Some(&id),
            cursor: cursor.as_deref(),
            descending: false,
            limit,
        },
    )
    .await?;
    let items = rows.iter().map(MessageView::from).collect();
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
    check_role(&input.role).map_err(ApiError::unprocessable)?;
    check_content(&input.content).map_err(ApiError::unprocessable)?;
    conversation(&state, &tenant, &id).await?;
    let mut record = new_record(&state, KIND_MESSAGE);
    record.conversation_id = Some(id);
    record.role = Some(input.role);
    record.content = Some(input.content);
    let stored = write(&state, &tenant, record).await?;
    Ok((StatusCode::CREATED, Json(MessageView::from(&stored))))
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
    if let Some(role) = &input.role {
        check_role(role).map_err(ApiError::unprocessable)?;
    }
    if let Some(content) = &input.content {
        check_content(content).map_err(ApiError::unprocessable)?;
    }
    let lookup = || message(&state, &tenant, &conv, &id);
    let stored = edit(&state, &tenant, lookup, |record| {
        if let Some(role) = &input.role {
            record.role = Some(role.clone());
        }
        if let Some(content) = &input.content {
            record.content = Some(content.clone());
        }
        Ok(())
    })
    .await?;
    Ok(Json(MessageView::from(&stored)))
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
    let lookup = || message(&state, &tenant, &conv, &id);
    edit(&state, &tenant, lookup, |record| {
        record.deleted = true;
        record.content = None;
        Ok(())
    })
    .await?;
    Ok(StatusCode::NO_CONTENT)
}
