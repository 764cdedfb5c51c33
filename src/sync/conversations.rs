//! The conversation API's operations, apart from HTTP: what `api.rs`'s handlers call, and
//! what an embedder of the client core (`crate::client`) calls without a server. Each takes
//! the tenant whose records it reads and writes and answers with the same views and errors
//! the routes answer with.

use axum::http::StatusCode;

use super::records::{
    ConversationView, MessageView, Tenant, check_content, check_role, check_title, new_record,
    try_write, write, write_after,
};
use crate::error::{ApiError, ApiResult};
use crate::state::AppState;
use crate::store::{KIND_CONVERSATION, KIND_MESSAGE, Record, RecordQuery};

/// A page's size when none is asked for, and the most one may hold.
pub const DEFAULT_PAGE: i64 = 50;
pub const MAX_PAGE: i64 = 200;

/// One page of a list, and the cursor of the next (`None` on the last page).
pub type Listed<T> = (Vec<T>, Option<String>);

/// Checks the paging of a list: `limit` 1 to 200 (default 50), `cursor` a record id.
pub fn check_page(limit: Option<i64>, cursor: Option<&str>) -> ApiResult<i64> {
    let limit = limit.unwrap_or(DEFAULT_PAGE);
    if !(1..=MAX_PAGE).contains(&limit) {
        return Err(ApiError::bad_request(format!(
            "limit must be 1 to {MAX_PAGE}"
        )));
    }
    if let Some(cursor) = cursor
        && uuid::Uuid::parse_str(cursor).is_err()
    {
        return Err(ApiError::bad_request("cursor is not a record id"));
    }
    Ok(limit)
}

async fn list(state: &AppState, query: RecordQuery<'_>) -> ApiResult<Listed<Record>> {
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
    change: impl Fn(&mut Record),
) -> ApiResult<Record>
where
    Fut: Future<Output = ApiResult<Record>>,
{
    for _ in 0..EDIT_ATTEMPTS {
        let mut record = lookup().await?;
        change(&mut record);
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

/// A page of the tenant's conversations, newest first (`limit` checked by [`check_page`]).
pub async fn list_conversations(
    state: &AppState,
    tenant: &Tenant,
    limit: i64,
    cursor: Option<&str>,
) -> ApiResult<Listed<ConversationView>> {
    let query = RecordQuery {
        account_id: &tenant.0,
        kind: KIND_CONVERSATION,
        conversation_id: None,
        cursor,
        descending: true,
        limit,
    };
    let (rows, next) = list(state, query).await?;
    Ok((rows.iter().map(ConversationView::from).collect(), next))
}

/// Creates a conversation (an untitled one without `title`).
pub async fn create_conversation(
    state: &AppState,
    tenant: &Tenant,
    title: Option<String>,
) -> ApiResult<ConversationView> {
    let title = title.unwrap_or_default();
    check_title(&title).map_err(ApiError::unprocessable)?;
    let mut record = new_record(state, KIND_CONVERSATION);
    record.title = Some(title);
    let stored = write(state, tenant, record).await?;
    Ok(ConversationView::from(&stored))
}

/// The live conversation `id`, or `not_found`.
pub async fn get_conversation(
    state: &AppState,
    tenant: &Tenant,
    id: &str,
) -> ApiResult<ConversationView> {
    Ok(ConversationView::from(
        &conversation(state, tenant, id).await?,
    ))
}

/// Changes a conversation's title (nothing without `title`).
pub async fn update_conversation(
    state: &AppState,
    tenant: &Tenant,
    id: &str,
    title: Option<String>,
) -> ApiResult<ConversationView> {
    if let Some(title) = &title {
        check_title(title).map_err(ApiError::unprocessable)?;
    }
    let lookup = || conversation(state, tenant, id);
    let stored = edit(state, tenant, lookup, |record| {
        if let Some(title) = &title {
            record.title = Some(title.clone());
        }
    })
    .await?;
    Ok(ConversationView::from(&stored))
}

/// Deletes a conversation: a tombstone that syncs.
pub async fn delete_conversation(state: &AppState, tenant: &Tenant, id: &str) -> ApiResult<()> {
    let lookup = || conversation(state, tenant, id);
    edit(state, tenant, lookup, |record| {
        record.deleted = true;
        record.title = None;
    })
    .await?;
    Ok(())
}

/// A page of a conversation's messages, oldest first.
pub async fn list_messages(
    state: &AppState,
    tenant: &Tenant,
    conv: &str,
    limit: i64,
    cursor: Option<&str>,
) -> ApiResult<Listed<MessageView>> {
    conversation(state, tenant, conv).await?;
    let query = RecordQuery {
        account_id: &tenant.0,
        kind: KIND_MESSAGE,
        conversation_id: Some(conv),
        cursor,
        descending: false,
        limit,
    };
    let (rows, next) = list(state, query).await?;
    Ok((rows.iter().map(MessageView::from).collect(), next))
}

/// Adds a message to a live conversation.
pub async fn create_message(
    state: &AppState,
    tenant: &Tenant,
    conv: &str,
    role: String,
    content: String,
) -> ApiResult<MessageView> {
    check_role(&role).map_err(ApiError::unprocessable)?;
    check_content(&content).map_err(ApiError::unprocessable)?;
    let mut record = new_record(state, KIND_MESSAGE);
    record.conversation_id = Some(conv.to_string());
    record.role = Some(role);
    record.content = Some(content);
    let live = async { conversation(state, tenant, conv).await.map(drop) };
    let stored = write_after(state, tenant, record, live).await?;
    Ok(MessageView::from(&stored))
}

/// Changes a message's role or content (each left as it is when not given).
pub async fn update_message(
    state: &AppState,
    tenant: &Tenant,
    conv: &str,
    id: &str,
    role: Option<String>,
    content: Option<String>,
) -> ApiResult<MessageView> {
    if let Some(role) = &role {
        check_role(role).map_err(ApiError::unprocessable)?;
    }
    if let Some(content) = &content {
        check_content(content).map_err(ApiError::unprocessable)?;
    }
    let lookup = || message(state, tenant, conv, id);
    let stored = edit(state, tenant, lookup, |record| {
        if let Some(role) = &role {
            record.role = Some(role.clone());
        }
        if let Some(content) = &content {
            record.content = Some(content.clone());
        }
    })
    .await?;
    Ok(MessageView::from(&stored))
}

/// Deletes a message: a tombstone that syncs.
pub async fn delete_message(
    state: &AppState,
    tenant: &Tenant,
    conv: &str,
    id: &str,
) -> ApiResult<()> {
    let lookup = || message(state, tenant, conv, id);
    edit(state, tenant, lookup, |record| {
        record.deleted = true;
        record.content = None;
    })
    .await?;
    Ok(())
}
