//! `GET /audit`: a page of the caller's chain, newest first. On the local daemon the local
//! secret or the UI's session reads the daemon's one chain; on the hosted daemon an account's
//! token reads that account's chain, and nothing of another account's.

use axum::Json;
use axum::extract::rejection::QueryRejection;
use axum::extract::{FromRequestParts, Query, State};
use axum::http::request::Parts;
use serde::{Deserialize, Serialize};

use crate::accounts::Owner;
use crate::error::{ApiError, ApiResult};
use crate::state::AppState;
use crate::store::{AuditQuery, AuditRow, LOCAL_CHAIN};

const DEFAULT_PAGE: i64 = 50;
const MAX_PAGE: i64 = 200;

/// The chain the caller may read.
pub(crate) struct AuditScope(String);

impl FromRequestParts<AppState> for AuditScope {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> ApiResult<Self> {
        let Owner(account) = Owner::from_request_parts(parts, state).await?;
        Ok(Self(match state.config.mode {
            crate::config::Mode::Local => LOCAL_CHAIN.to_string(),
            crate::config::Mode::Hosted => account,
        }))
    }
}

/// Paging: `limit` (1 to 200, default 50) and `before`, the `next_before` of the page before.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub(crate) struct AuditParams {
    /// How many entries, 1 to 200 (default 50).
    limit: Option<i64>,
    /// Only entries older than this one: the `next_before` of the previous page.
    before: Option<i64>,
}

/// One entry of the audit log.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub(crate) struct AuditEntryView {
    pub id: i64,
    /// The entry's place in its chain (1, 2, ...).
    pub seq: Option<i64>,
    /// When it happened (for a coalesced refusal, the last repeat), RFC 3339.
    pub at: String,
    /// What happened: `register_peer`, `renew_peer`, `peer_request`, `telemetry_upgrade`,
    /// `pairing_attempt`, `local_api`, `audit_checkpoint`.
    pub event: String,
    /// `ok` or `refused`.
    pub outcome: String,
    /// The refusal's code; for a checkpoint, what retention removed.
    pub detail: Option<String>,
    pub peer_id: Option<String>,
    pub account_id: Option<String>,
    /// The client's address, where there is one; `*` for refusals from several addresses
    /// counted together.
    pub ip: Option<String>,
    /// How many events the entry stands for: more than 1 for the repeats of a refusal
    /// within the coalescing window.
    pub count: i64,
    /// The hash of the entry before it in the chain.
    pub prev_hash: Option<String>,
    /// SHA-256 over the entry's fields and `prev_hash` (docs/security.md).
    pub hash: Option<String>,
}

impl From<AuditRow> for AuditEntryView {
    fn from(row: AuditRow) -> Self {
        let at = chrono::DateTime::from_timestamp_millis(row.at)
            .map(|t| t.to_rfc3339_opts(chrono::SecondsFormat::Millis, true))
            .unwrap_or_default();
        Self {
            id: row.id,
            seq: row.seq,
            at,
            event: row.event,
            outcome: row.outcome,
            detail: row.detail,
            peer_id: row.peer_id,
            account_id: row.account_id,
            ip: row.ip,
            count: row.count,
            prev_hash: row.prev_hash,
            hash: row.hash,
        }
    }
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub(crate) struct AuditPage {
    entries: Vec<AuditEntryView>,
    /// Pass as `before` for the next (older) page; `null` on the last one.
    next_before: Option<i64>,
}

/// `GET /audit`: the caller's audit entries, newest first.
#[utoipa::path(
    get, path = "/audit", tag = "audit", operation_id = "list_audit_entries",
    security(("local_secret" = []), ("ui_session" = []), ("account_token" = [])),
    params(AuditParams),
    responses(
        (status = 200, description = "A page of the caller's audit log, newest first", body = AuditPage),
        (status = 400, description = "`bad_request`: `limit` out of range or `before` not an entry id", body = crate::error::ErrorBody),
    )
)]
pub(crate) async fn list(
    State(state): State<AppState>,
    AuditScope(chain): AuditScope,
    params: Result<Query<AuditParams>, QueryRejection>,
) -> ApiResult<Json<AuditPage>> {
    let Query(params) = params?;
    let limit = params.limit.unwrap_or(DEFAULT_PAGE);
    if !(1..=MAX_PAGE).contains(&limit) {
        return Err(ApiError::bad_request(format!(
            "limit must be 1 to {MAX_PAGE}, got {limit}"
        )));
    }
    if let Some(before) = params.before.filter(|b| *b < 1) {
        return Err(ApiError::bad_request(format!(
            "before must be an entry id (1 or more; the next_before of a page), got {before}"
        )));
    }
    // One more than asked says whether an older page follows.
    let query = AuditQuery {
        chain: Some(&chain),
        before: params.before,
        limit: limit + 1,
    };
    let mut rows = state.store.audit_page(&query).await?;
    let next_before = if rows.len() as i64 > limit {
        rows.truncate(limit as usize);
        rows.last().map(|row| row.id)
    } else {
        None
    };
    let entries = rows.into_iter().map(AuditEntryView::from).collect();
    Ok(Json(AuditPage {
        entries,
        next_before,
    }))
}
