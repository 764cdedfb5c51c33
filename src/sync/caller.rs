//! The caller's side of `POST /sync/{peer_id}`: a local daemon syncing with a hosted peer,
//! round after round while either side has more (docs/sync.md).

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use serde::Serialize;

use super::call::call;
use super::engine::*;
use super::hlc::check_offset;
use super::records::check_version;
use crate::error::ApiError;
use crate::peers::active_remote_peer;
use crate::privacy::PrivacyAccess;
use crate::state::AppState;
use crate::store::{self, LOCAL_ACCOUNT, Record, SyncCursor, SyncFailure};
use crate::sync::SyncAccess;

/// What one sync with a peer did.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct SyncSummary {
    pub peer_id: String,
    pub round_trips: usize,
    pub pushed: usize,
    pub pulled: usize,
    /// The peer's store had another epoch than last time: cursors were reset and everything
    /// was sent again.
    pub epoch_reset: bool,
    /// Versions the peer refused in this sync, now set aside (`GET /peers` counts them all).
    pub set_aside: usize,
    /// Versions pulled in this sync that were not applied, now set aside: their envelope did
    /// not open here (an end-to-end encrypted account, docs/e2e.md), or they were stamped
    /// past the clock offset (`clock_offset_exceeded`).
    pub unopened: usize,
}

pub(super) fn paused() -> ApiError {
    ApiError::new(
        StatusCode::CONFLICT,
        "sync_paused",
        "Sync is paused on this backend. Resume it with the Pause Sync switch of the Status \
         page, `backend-8825 privacy resume`, or PUT /privacy-settings {\"sync_paused\": false}.",
    )
}

pub(super) fn sync_failed(code: &'static str, message: String) -> ApiError {
    ApiError::new(StatusCode::BAD_GATEWAY, code, message)
}

/// Syncs with one hosted peer now, looping while either side has more. At most one sync per
/// peer runs at a time: a second caller waits, then runs its own round (it may have new
/// writes to send).
pub async fn sync_peer_now(state: &AppState, peer_id: &str) -> Result<SyncSummary, ApiError> {
    if super::paused_here(state) {
        return Err(paused());
    }
    let lock = state.sync().peer_lock(peer_id);
    let _guard = lock.lock().await;
    let started = std::time::Instant::now();
    let locked = sync_locked(state, peer_id).await;
    let success_recorded = matches!(locked, Ok((_, true)));
    let outcome = locked.map(|(summary, _)| summary);
    record_exchange(state, peer_id, &outcome, started.elapsed());
    let _ = state.sync().finished.send(super::SyncFinished {
        peer_id: peer_id.to_string(),
        outcome: match &outcome {
            Ok(summary) => Ok(summary.clone()),
            Err(err) => Err(super::SyncFailed {
                code: err.code,
                message: err.message.clone(),
            }),
        },
    });
    // The telemetry event is written by a task of its own: the next sync (of a write made
    // meanwhile) does not wait for it.
    let cycle = cycle_event(state, peer_id, &outcome, started.elapsed());
    let telemetry = state.clone();
    tokio::spawn(async move {
        if let Err(err) = crate::telemetry::emit(&telemetry, cycle).await {
            tracing::warn!(error = %err, "cannot record a sync telemetry event");
        }
    });
    if let Err(err) = &outcome
        && err.upstream_code.as_deref() == Some("revoked")
    {
        // The hosted end revoked the pairing: follow, so the scheduler stops calling.
        crate::peers::revoked_remotely(state, peer_id).await;
    }
    if success_recorded {
        // Written with the last answer's cursor.
        return outcome;
    }
    let now = state.clock.now_ms();
    let failure = outcome.as_ref().err().map(|e| SyncFailure {
        code: e.code,
        message: e.message.clone(),
    });
    if let Err(err) = state
        .store
        .record_sync_outcome(peer_id, now, failure.as_ref())
        .await
    {
        tracing::warn!(error = %err, "cannot record a sync outcome");
    }
    outcome
}

/// Replaces personal data in a version's title and content (docs/privacy.md, "Redaction").
fn redact_content(record: &mut Record) {
    for text in [&mut record.title, &mut record.content]
        .into_iter()
        .flatten()
    {
        if let std::borrow::Cow::Owned(redacted) = crate::privacy::redact(text).text {
            *text = redacted;
        }
    }
}

/// A push page: the versions, the feed position they reach, whether more is waiting.
type PushPage = (Vec<Record>, i64, bool);

/// The rounds of one sync. Two things overlap with each request while it is in flight: the
/// local store applies what the previous answer brought (and advances the cursors with it),
/// and the next push page is read. Each answer is still applied in order, before the next
/// is; the cursor a request carries is the one its predecessor's apply writes, so a crash
/// between the two leaves the stored cursor one page behind, and that page comes again
/// (applying a version twice changes nothing).
/// Returns whether the sync's success was written (with the last answer's cursor).
async fn sync_locked(state: &AppState, peer_id: &str) -> Result<(SyncSummary, bool), ApiError> {
    // What the first request needs, read at once: the peer, this store's epoch, the cursor,
    // and the versions set aside earlier that could now be taken (pushed again, outside the
    // feed).
    let (found, my_epoch, cursor, retries) = tokio::join!(
        active_remote_peer(state, peer_id),
        store::epoch(state.store.as_ref()),
        state.store.sync_cursor(peer_id),
        super::set_aside::due(state, peer_id),
    );
    let (mut peer, base) = found?;
    let (my_epoch, mut retries) = (my_epoch?, retries?);
    let mut renewed = false;
    let mut summary = SyncSummary {
        peer_id: peer.peer_id.clone(),
        ..SyncSummary::default()
    };
    let mut cursor = cursor?.unwrap_or_default();
    cursor.peer_id = peer.peer_id.clone();
    // In an end-to-end encrypted account: what is pushed is sealed, what is pulled opened.
    let keyring = crate::e2e::device::keyring(state, &peer.peer_id)?;
    let mut prefetched: Option<PushPage> = None;
    // The previous answer's versions and the cursor they bring, not yet applied.
    let mut unapplied: Option<(Vec<Record>, SyncCursor)> = None;
    for _ in 0..MAX_ROUNDS {
        // Paused meanwhile: stop before sending more, and leave the last answer unapplied
        // (its versions come again after the resume; its cursors do not move).
        if super::paused_here(state) {
            return Err(paused());
        }
        let (mut changes, push_through, push_more) = match prefetched.take() {
            Some(page) => page,
            None => {
                page_for(
                    state,
                    LOCAL_ACCOUNT,
                    cursor.push_seq,
                    MAX_PAGE,
                    &peer.peer_id,
                )
                .await?
            }
        };
        let room = MAX_PAGE.saturating_sub(changes.len()).min(retries.len());
        let retried: Vec<Record> = retries.drain(..room).collect();
        changes.extend(retried.iter().cloned());
        // Content leaves redacted when the settings say so; the local copy keeps the
        // original (docs/privacy.md).
        if state.privacy().local().redact_synced_content {
            changes.iter_mut().for_each(redact_content);
        }
        if let Some(keyring) = &keyring {
            super::sealing::seal_all(keyring, &mut changes);
        }
        let request = SyncRequest {
            v: SYNC_VERSION,
            epoch: my_epoch.clone(),
            since: cursor.pull_epoch.clone().map(|epoch| Cursor {
                epoch,
                seq: cursor.pull_seq,
            }),
            changes,
            push_through,
            limit: Some(MAX_PAGE),
            e2e: keyring.as_ref().and_then(super::sealing::key_ref),
        };
        let previous = unapplied.take();
        let (answer, applied, next_page) = tokio::join!(
            call(state, &peer, &base, &request),
            apply_answer(state, &peer.peer_id, previous),
            async {
                // Read ahead as if this page will be acknowledged; dropped if it is not.
                match push_more {
                    true => Some(
                        page_for(state, LOCAL_ACCOUNT, push_through, MAX_PAGE, &peer.peer_id).await,
                    ),
                    false => None,
                }
            }
        );
        applied?;
        let mut response = match answer {
            Ok(response) => response,
            // The SBT ran out (a laptop that slept) or the key was replaced: renew with the
            // identity key, then go on with the new pair key.
            Err(err) if err.code == "peer_refused" && needs_renewal(&err) && !renewed => {
                crate::peers::renew_peer(state, &peer.peer_id).await?;
                renewed = true;
                (peer, _) = active_remote_peer(state, peer_id).await?;
                continue;
            }
            Err(err) => return Err(err),
        };
        summary.round_trips += 1;
        // A key here, and an account the hosted side says is plaintext: an enable that did
        // not finish. Nothing is taken or applied until it does (docs/e2e.md).
        if keyring.is_some() && response.e2e.is_none() {
            return Err(ApiError::new(
                StatusCode::CONFLICT,
                "e2e_not_enabled",
                "This device holds an encryption key, but the hosted backend's account is not \
                 encrypted (an enable did not finish, or the account's encryption was reset): \
                 run `backend-8825 e2e enable` to encrypt it under a new key.",
            ));
        }
        if cursor
            .push_epoch
            .as_ref()
            .is_some_and(|e| *e != response.epoch)
        {
            // The peer's store is not the one that acknowledged our versions (wiped or
            // restored): start over in both directions.
            tracing::warn!(peer_id = %peer.peer_id, "the peer's store has a new epoch; syncing everything again");
            cursor = SyncCursor {
                peer_id: peer.peer_id.clone(),
                ..SyncCursor::default()
            };
            state
                .store
                .apply_versions(LOCAL_ACCOUNT, &[], None, Some(&cursor))
                .await?;
            summary.epoch_reset = true;
            continue;
        }
        // Each pulled version passes the rules of docs/sync.md and the responder's bound on
        // clocks, against the peer's clock as this side knows it (the skew learned from its
        // answers): its versions are stamped by its clock. One that does not is not applied
        // and set aside, as one that does not open: it never blocks the versions behind it.
        let now = crate::peers::peer_now(state) * 1000;
        let max_offset = state.config.sync.max_clock_offset_ms;
        let mut refused_here = Vec::new();
        response.changes.retain(|record| {
            let verdict = check_version(record)
                .map_err(|e| ("invalid_request", e))
                .and_then(|()| {
                    check_offset(&record.version, now, max_offset)
                        .map_err(|e| ("clock_offset_exceeded", e))
                });
            match verdict {
                Ok(()) => true,
                Err((code, why)) => {
                    refused_here.push(RefusedVersion::of(
                        record,
                        code,
                        format!("the peer sent {why}"),
                    ));
                    false
                }
            }
        });
        summary.unopened +=
            super::set_aside::note_unopened(state, &peer.peer_id, &refused_here).await?;
        let acked = response.ack.min(push_through).max(cursor.push_seq);
        cursor = SyncCursor {
            peer_id: peer.peer_id.clone(),
            pull_epoch: Some(response.epoch.clone()),
            pull_seq: response.cursor,
            push_epoch: Some(response.epoch.clone()),
            push_seq: acked,
            ..SyncCursor::default()
        };
        // Only refusals of versions this request carried count.
        let refused: Vec<_> = response
            .refused
            .iter()
            .filter(|r| {
                request
                    .changes
                    .iter()
                    .any(|c| c.id == r.id && c.version == r.version)
            })
            .cloned()
            .collect();
        summary.set_aside +=
            super::set_aside::note(state, &peer.peer_id, &retried, &refused).await?;
        summary.pushed += request.changes.len().saturating_sub(refused.len());
        summary.pulled += response.changes.len();
        if let Some(head) = response.head {
            let stats = &state.sync().stats;
            stats.set_behind_peer(&peer.peer_id, head - response.cursor);
        }
        // The page read ahead holds if the peer acknowledged the whole of this one.
        if acked == push_through {
            prefetched = next_page.transpose()?;
        }
        let done = !response.has_more && !push_more;
        // Opened before anything is applied; what does not open is set aside, and the cursor
        // moves past it as past any version (docs/e2e.md).
        let encrypted = response.e2e.is_some();
        let (opened, unopened) =
            super::sealing::open_all(keyring.as_ref(), encrypted, response.changes);
        summary.unopened +=
            super::set_aside::note_unopened(state, &peer.peer_id, &unopened).await?;
        unapplied = Some((opened, cursor.clone()));
        if done {
            break;
        }
    }
    if super::paused_here(state) {
        return Err(paused());
    }
    // The success goes in with the last answer's cursor, in its transaction.
    let recorded = unapplied.as_mut().is_some_and(|(_, cursor)| {
        cursor.last_success_at = Some(state.clock.now_ms());
        true
    });
    apply_answer(state, &peer.peer_id, unapplied).await?;
    Ok((summary, recorded))
}

/// Applies an answer's versions, with the cursor they bring, in one transaction.
async fn apply_answer(
    state: &AppState,
    peer_id: &str,
    answer: Option<(Vec<Record>, SyncCursor)>,
) -> Result<(), ApiError> {
    if let Some((changes, cursor)) = answer {
        state
            .store
            .apply_versions(LOCAL_ACCOUNT, &changes, Some(peer_id), Some(&cursor))
            .await?;
    }
    Ok(())
}

/// Counts the sync in the peer's statistics (`GET /sync/metrics`, `GET /debug/sync`).
fn record_exchange(
    state: &AppState,
    peer_id: &str,
    outcome: &Result<SyncSummary, ApiError>,
    took: std::time::Duration,
) {
    use super::stats::{Direction, Exchange};
    let (pushed, pulled) = outcome
        .as_ref()
        .map_or((0, 0), |s| (s.pushed as u64, s.pulled as u64));
    let error = outcome.as_ref().err();
    state.sync().stats.record(
        peer_id,
        Exchange {
            at: state.clock.now_ms(),
            direction: Direction::Outbound,
            pushed,
            pulled,
            status: if error.is_some() { "error" } else { "ok" },
            error_code: error.map(|e| e.code.to_string()),
            error_message: error.map(|e| e.message.clone()),
            duration_ms: took.as_secs_f64() * 1000.0,
        },
    );
}

/// A `sync.cycle` telemetry event: duration, versions each way, the error code if any.
fn cycle_event(
    state: &AppState,
    peer_id: &str,
    outcome: &Result<SyncSummary, ApiError>,
    took: std::time::Duration,
) -> crate::telemetry::TelemetryEvent {
    use crate::telemetry::{Level, TelemetryEvent};
    let level = if outcome.is_ok() {
        Level::Info
    } else {
        Level::Error
    };
    let event = TelemetryEvent::new("sync.cycle", level, state.clock.now())
        .with_duration_ms(took.as_secs_f64() * 1000.0)
        .with_attribute("peer_id", peer_id);
    match outcome {
        Ok(summary) => event
            .with_attribute("pushed", summary.pushed)
            .with_attribute("pulled", summary.pulled)
            .with_attribute("round_trips", summary.round_trips),
        Err(err) => event.with_attribute("error", err.code),
    }
}

/// The peer refused the request's SBT or pair key: renewing gives new ones.
fn needs_renewal(err: &ApiError) -> bool {
    matches!(
        err.upstream_code.as_deref(),
        Some("sbt_expired" | "unknown_kid")
    )
}

/// `POST /peers/{peer_id}/sync` (local): sync now.
#[utoipa::path(
    post,
    path = "/peers/{peer_id}/sync",
    tag = "sync",
    security(("local_secret" = []), ("ui_session" = [])),
    params(("peer_id" = String, Path, description = "The peer to sync with")),
    responses(
        (status = 200, description = "Synced: what went each way", body = SyncSummary),
        (status = 404, description = "`not_found`: no such active peer", body = crate::error::ErrorBody),
        (status = 409, description = "`sync_paused`: sync is paused here; `remote_paused`: the hosted backend paused the account's sync", body = crate::error::ErrorBody),
        (status = 502, description = "The hosted backend refused or could not be reached; the code says which (`peer_unreachable`, `peer_refused`, `sync_invalid`)", body = crate::error::ErrorBody),
    )
)]
pub(crate) async fn sync_now_route(
    State(state): State<AppState>,
    Path(peer_id): Path<String>,
) -> Result<Json<SyncSummary>, ApiError> {
    Ok(Json(sync_peer_now(&state, &peer_id).await?))
}
