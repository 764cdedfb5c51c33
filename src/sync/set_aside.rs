//! Versions a peer refused: set aside so the versions behind them still sync, counted and
//! shown (`GET /peers`), and pushed again only when they could be taken (docs/sync.md).

use super::engine::RefusedVersion;
use super::hlc::parse_version;
use super::sealing::UNOPENED_CODES;
use crate::error::ApiError;
use crate::state::AppState;
use crate::store::{LOCAL_ACCOUNT, Record, SetAside};

/// The set-aside versions for `peer_id` that could be taken now, as they are stored. One
/// that a newer version of its record has replaced is forgotten: the newer one syncs.
pub async fn due(state: &AppState, peer_id: &str) -> Result<Vec<Record>, ApiError> {
    let now = state.clock.now_ms();
    let mut due = Vec::new();
    for entry in state.store.set_aside_for(peer_id).await? {
        let current = state.store.record(LOCAL_ACCOUNT, &entry.record_id).await?;
        if UNOPENED_CODES.contains(&entry.code.as_str()) {
            // A pulled version that did not open: never pushed; forgotten once a version
            // of its record at least as new is here.
            if current.is_some_and(|r| r.version >= entry.version) {
                state
                    .store
                    .forget_set_aside(peer_id, &entry.record_id, &entry.version)
                    .await?;
            }
            continue;
        }
        match current {
            Some(record) if record.version == entry.version => {
                if entry.retry_at.is_some_and(|at| at <= now) {
                    due.push(record);
                }
            }
            _ => {
                state
                    .store
                    .forget_set_aside(peer_id, &entry.record_id, &entry.version)
                    .await?
            }
        }
    }
    Ok(due)
}

/// Records what the peer refused of a push, and forgets the retried versions it took.
/// Returns how many were set aside.
pub async fn note(
    state: &AppState,
    peer_id: &str,
    retried: &[Record],
    refused: &[RefusedVersion],
) -> Result<usize, ApiError> {
    for record in retried {
        let again = refused
            .iter()
            .any(|r| r.id == record.id && r.version == record.version);
        if !again {
            state
                .store
                .forget_set_aside(peer_id, &record.id, &record.version)
                .await?;
        }
    }
    let now = state.clock.now_ms();
    for refusal in refused {
        tracing::warn!(
            peer_id,
            record_id = %refusal.id,
            code = %refusal.code,
            "the peer refused a version; it is set aside"
        );
        let entry = entry_of(peer_id, refusal, now, retry_at(state, refusal));
        state.store.set_aside(&entry).await?;
    }
    Ok(refused.len())
}

/// Sets aside the pulled versions that did not open here (docs/e2e.md): not applied, logged
/// (the record and why, never a key or a text), counted in `GET /peers`. Returns how many.
pub async fn note_unopened(
    state: &AppState,
    peer_id: &str,
    unopened: &[RefusedVersion],
) -> Result<usize, ApiError> {
    let now = state.clock.now_ms();
    for refusal in unopened {
        tracing::warn!(
            peer_id,
            record_id = %refusal.id,
            version = %refusal.version,
            code = %refusal.code,
            "a pulled version did not open; it is not applied, and is set aside"
        );
        let entry = entry_of(peer_id, refusal, now, None);
        state.store.set_aside(&entry).await?;
    }
    Ok(unopened.len())
}

/// The set-aside entry of a version refused (or unopened) in a sync with `peer_id`.
fn entry_of(
    peer_id: &str,
    refusal: &RefusedVersion,
    set_at: i64,
    retry_at: Option<i64>,
) -> SetAside {
    SetAside {
        peer_id: peer_id.to_string(),
        record_id: refusal.id.clone(),
        version: refusal.version.clone(),
        code: refusal.code.clone(),
        message: refusal.message.clone(),
        set_at,
        retry_at,
    }
}

/// Forgets everything set aside for `peer_id` (a device that recovered the account's key
/// syncs everything again).
pub async fn forget_all(state: &AppState, peer_id: &str) -> Result<(), ApiError> {
    for entry in state.store.set_aside_for(peer_id).await? {
        state
            .store
            .forget_set_aside(peer_id, &entry.record_id, &entry.version)
            .await?;
    }
    Ok(())
}

/// When a refused version could be taken: a version stamped too far ahead, once the peer's
/// clock (as this side knows it) is within the offset of it; any other refusal, never (a
/// newer version of the record replaces it).
fn retry_at(state: &AppState, refusal: &RefusedVersion) -> Option<i64> {
    if refusal.code != "clock_offset_exceeded" {
        return None;
    }
    let (stamp, _) = parse_version(&refusal.version)?;
    let skew_ms = (crate::peers::peer_now(state) * 1000) - state.clock.now_ms();
    Some(stamp.ms - state.config.sync.max_clock_offset_ms - skew_ms)
}
