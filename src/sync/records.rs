//! Records as the API shows them, the checks every version passes (written here or received
//! from a peer), and the writes of the conversation API.

use chrono::{DateTime, SecondsFormat, Utc};
use serde::Serialize;

use super::hlc::parse_version;
use crate::error::ApiError;
use crate::state::AppState;
use crate::store::{KIND_CONVERSATION, KIND_MESSAGE, Record, StoreResult};
use crate::sync::SyncAccess;

pub const MAX_TITLE_CHARS: usize = 200;
pub const MAX_CONTENT_BYTES: usize = 64 * 1024;
pub const ROLES: [&str; 3] = ["user", "assistant", "system"];

fn rfc3339(ms: i64) -> String {
    DateTime::<Utc>::from_timestamp_millis(ms)
        .unwrap_or_default()
        .to_rfc3339_opts(SecondsFormat::Millis, true)
}

/// What the hosted side shows instead of a sealed title or content.
pub const LOCKED_NOTICE: &str = "Encrypted: open it on one of your devices";

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ConversationView {
    pub id: String,
    /// `null` when the conversation is end-to-end encrypted (the hosted side cannot read it).
    pub title: Option<String>,
    pub created_at: String,
    pub updated_at: String,
    pub source_backend: String,
    /// Present, `true`, when the title is end-to-end encrypted (docs/e2e.md).
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub encrypted: bool,
    /// What to show instead of the encrypted text.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub notice: Option<&'static str>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct MessageView {
    pub id: String,
    pub conversation_id: String,
    pub role: String,
    /// `null` when the message is end-to-end encrypted (the hosted side cannot read it).
    pub content: Option<String>,
    pub created_at: String,
    pub updated_at: String,
    pub source_backend: String,
    /// Present, `true`, when the content is end-to-end encrypted (docs/e2e.md).
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub encrypted: bool,
    /// What to show instead of the encrypted text.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub notice: Option<&'static str>,
}

impl From<&Record> for ConversationView {
    fn from(r: &Record) -> Self {
        Self {
            id: r.id.clone(),
            title: match r.e2e {
                Some(_) => None,
                None => Some(r.title.clone().unwrap_or_default()),
            },
            created_at: rfc3339(r.created_at),
            updated_at: rfc3339(r.updated_at),
            source_backend: r.source_backend.clone(),
            encrypted: r.e2e.is_some(),
            notice: r.e2e.as_ref().map(|_| LOCKED_NOTICE),
        }
    }
}

impl From<&Record> for MessageView {
    fn from(r: &Record) -> Self {
        Self {
            id: r.id.clone(),
            conversation_id: r.conversation_id.clone().unwrap_or_default(),
            role: r.role.clone().unwrap_or_default(),
            content: match r.e2e {
                Some(_) => None,
                None => Some(r.content.clone().unwrap_or_default()),
            },
            created_at: rfc3339(r.created_at),
            updated_at: rfc3339(r.updated_at),
            source_backend: r.source_backend.clone(),
            encrypted: r.e2e.is_some(),
            notice: r.e2e.as_ref().map(|_| LOCKED_NOTICE),
        }
    }
}

/// The one text rule, the same on both databases: any Unicode character but U+0000 (NUL),
/// which Postgres cannot store. SQLite could, and a version holding one would then be
/// refused by every Postgres peer, forever: it is refused here, at every edge, instead.
pub fn check_text(field: &str, text: &str) -> Result<(), String> {
    if text.contains('\0') {
        return Err(format!(
            "{field} contains a NUL character (U+0000), which cannot be stored: remove it"
        ));
    }
    Ok(())
}

pub fn check_title(title: &str) -> Result<(), String> {
    check_text("title", title)?;
    if title.chars().count() > MAX_TITLE_CHARS {
        return Err(format!("title is longer than {MAX_TITLE_CHARS} characters"));
    }
    Ok(())
}

pub fn check_role(role: &str) -> Result<(), String> {
    if !ROLES.contains(&role) {
        return Err("role must be one of user, assistant, system".into());
    }
    Ok(())
}

pub fn check_content(content: &str) -> Result<(), String> {
    check_text("content", content)?;
    if content.is_empty() {
        return Err("content is empty".into());
    }
    if content.len() > MAX_CONTENT_BYTES {
        return Err(format!("content is longer than {MAX_CONTENT_BYTES} bytes"));
    }
    Ok(())
}

fn check_uuid(id: &str, what: &str) -> Result<(), String> {
    match uuid::Uuid::parse_str(id) {
        Ok(parsed) if parsed.hyphenated().to_string() == id => Ok(()),
        _ => Err(format!("{what} is not a lowercase hyphenated UUID")),
    }
}

/// Checks a version received from a peer: everything a version written here would satisfy.
pub fn check_version(r: &Record) -> Result<(), String> {
    check_uuid(&r.id, "id")?;
    let (_, writer) = parse_version(&r.version).ok_or("version is malformed")?;
    if writer != r.source_backend {
        return Err("version was not written by source_backend".into());
    }
    if r.created_at < 0 || r.updated_at < 0 {
        return Err("times must not be negative".into());
    }
    // A sealed version (docs/e2e.md) carries its title or content only in `e2e`.
    let sealed = r.e2e.is_some();
    if let Some(envelope) = &r.e2e {
        super::sealing::check_envelope(envelope)?;
        if r.title.is_some() || r.content.is_some() {
            return Err("a sealed version has no title or content in plaintext".into());
        }
    }
    match r.kind.as_str() {
        KIND_CONVERSATION => {
            if r.conversation_id.is_some() || r.role.is_some() || r.content.is_some() {
                return Err("a conversation has no conversation_id, role or content".into());
            }
            match (&r.title, r.deleted) {
                (Some(title), false) => check_title(title)?,
                (None, true) => {}
                (None, false) if sealed => {}
                _ => return Err("a conversation has a title, a tombstone none".into()),
            }
        }
        KIND_MESSAGE => {
            check_uuid(
                r.conversation_id
                    .as_deref()
                    .ok_or("a message needs conversation_id")?,
                "conversation_id",
            )?;
            if r.title.is_some() {
                return Err("a message has no title".into());
            }
            check_role(r.role.as_deref().ok_or("a message needs a role")?)?;
            match (&r.content, r.deleted) {
                (Some(content), false) => check_content(content)?,
                (None, true) => {}
                (None, false) if sealed => {}
                _ => return Err("a message has content, a tombstone none".into()),
            }
        }
        _ => return Err("kind must be conversation or message".into()),
    }
    Ok(())
}

/// The account whose records a request reads and writes: the local daemon's own, or the
/// account of the hosted request.
#[derive(Clone, Debug)]
pub struct Tenant(pub String);

/// Writes one version made here: stamps it with the clock and this backend, applies it, and
/// wakes the scheduler (and, on the hosted side, pokes the account's peers). Returns the
/// record as stored. For a new record only: an edit goes through [`try_write`], which can
/// lose a race.
pub async fn write(state: &AppState, tenant: &Tenant, record: Record) -> Result<Record, ApiError> {
    write_after(state, tenant, record, async { Ok(()) }).await
}

/// [`write`] once `check` (that what the record belongs to exists, say) passes; the check
/// and the account's encryption check run at once, and the check's refusal comes first.
pub async fn write_after(
    state: &AppState,
    tenant: &Tenant,
    record: Record,
    check: impl Future<Output = Result<(), ApiError>>,
) -> Result<Record, ApiError> {
    let (checked, encryption) = tokio::join!(check, refuse_if_encrypted(state, &tenant.0));
    checked?;
    encryption?;
    apply_new(state, tenant, record)
        .await?
        .ok_or_else(|| ApiError::bug("a new record's first version did not apply"))
}

/// [`write`], or `None` when a newer version of the record was committed since it was read
/// (another edit, or a sync): the caller reads it again and redoes its change.
pub async fn try_write(
    state: &AppState,
    tenant: &Tenant,
    record: Record,
) -> Result<Option<Record>, ApiError> {
    refuse_if_encrypted(state, &tenant.0).await?;
    apply_new(state, tenant, record).await
}

/// Stamps and applies a version the caller checked; `None` as for [`try_write`].
async fn apply_new(
    state: &AppState,
    tenant: &Tenant,
    mut record: Record,
) -> Result<Option<Record>, ApiError> {
    stamp(state, &mut record);
    let applied = state
        .store
        .apply_versions(&tenant.0, std::slice::from_ref(&record), None, None)
        .await?;
    if applied != 1 {
        // Another version of the record committed after it was read, stamped past this one.
        return Ok(None);
    }
    written(state, &tenant.0);
    Ok(Some(record))
}

/// The hosted side can neither write nor authenticate a title or content in an end-to-end
/// encrypted account (docs/e2e.md): its conversation API refuses every write there.
async fn refuse_if_encrypted(state: &AppState, account_id: &str) -> Result<(), ApiError> {
    if state.config.mode != crate::config::Mode::Hosted
        || crate::e2e::hosted::account_key(state, account_id)
            .await?
            .is_none()
    {
        return Ok(());
    }
    Err(ApiError::new(
        axum::http::StatusCode::CONFLICT,
        "e2e_enabled",
        "This account's conversations are end-to-end encrypted: the hosted backend cannot          write them. Write on one of your devices.",
    ))
}

/// Writes versions made here in one transaction, as [`try_write`] writes one: each stamped
/// past the version it replaces, into the change feed, the scheduler woken and the account's
/// peers poked once. Returns how many applied (a version that lost to one committed since it
/// was read does not). Retention (`retention.rs`) writes its tombstones through here, so that
/// they sync.
pub async fn write_all(
    state: &AppState,
    account_id: &str,
    mut records: Vec<Record>,
) -> StoreResult<usize> {
    if records.is_empty() {
        return Ok(0);
    }
    records.iter_mut().for_each(|record| stamp(state, record));
    let applied = state
        .store
        .apply_versions(account_id, &records, None, None)
        .await?;
    if applied > 0 {
        written(state, account_id);
    }
    Ok(applied)
}

/// Stamps a version made here: past the version it replaces, even one from a machine whose
/// clock is ahead (within the offset that sync accepts), by this backend, now.
fn stamp(state: &AppState, record: &mut Record) {
    let previous = Some(record.version.as_str()).filter(|v| !v.is_empty());
    record.version = state.sync().hlc.next_after(state.clock.as_ref(), previous);
    record.source_backend = state.identity.backend_id.to_string();
    record.updated_at = state.clock.now_ms();
}

/// After a write: the scheduler syncs at once, and on the hosted side the account's local
/// daemons sync at once instead of at their next tick.
fn written(state: &AppState, account_id: &str) {
    state.sync().wake.notify_one();
    if state.config.mode == crate::config::Mode::Hosted {
        crate::telemetry::poke_account(state, account_id, None, "data");
    }
}

/// A new record of `kind`, not yet stamped.
pub fn new_record(state: &AppState, kind: &str) -> Record {
    let now = state.clock.now_ms();
    Record {
        kind: kind.to_string(),
        id: uuid::Uuid::now_v7().to_string(),
        conversation_id: None,
        title: None,
        role: None,
        content: None,
        created_at: now,
        updated_at: now,
        deleted: false,
        version: String::new(),
        source_backend: String::new(),
        seq: 0,
        e2e: None,
        origin_peer: None,
    }
}
