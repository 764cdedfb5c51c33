//! `POST /sync/{peer_id}`: push and pull in one round trip, the responder's side. The
//! caller's side, which a local daemon runs against its hosted peers, is in caller.rs. The
//! wire format is in docs/sync.md.

use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};

use super::caller::paused;
use super::hlc::check_offset;
use super::records::check_version;
use crate::config::Mode;
use crate::e2e::wire::KeyRef;
use crate::error::ApiError;
use crate::peers::{UnrecordedNonce, audit_replay, replay_error};
use crate::state::AppState;
use crate::store::{self, E2eAccount, LOCAL_ACCOUNT, Peer, Record, SyncCursor};
use crate::sync::SyncAccess;
use crate::sync::stats::{Direction, Exchange};

pub const SYNC_VERSION: u32 = 1;
/// Most versions in one direction of one round trip.
pub const MAX_PAGE: usize = 500;
/// A page stops growing past this many bytes of JSON (the body limit is 1 MiB).
pub const MAX_PAGE_BYTES: usize = 512 * 1024;
/// Round trips in one sync before it yields (a sync loops while `has_more`).
pub(super) const MAX_ROUNDS: usize = 10_000;

/// A feed position in a store of the given epoch.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Cursor {
    #[schema(min_length = 1, max_length = 64)]
    pub epoch: String,
    #[schema(minimum = 0)]
    pub seq: i64,
}

/// Caller → responder.
#[derive(Debug, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SyncRequest {
    pub v: u32,
    /// The caller's store epoch.
    #[schema(min_length = 1, max_length = 64)]
    pub epoch: String,
    /// Where the caller's pull stands in the responder's feed; absent for "from the start".
    pub since: Option<Cursor>,
    /// The caller's versions after what the responder acknowledged, in the caller's feed
    /// order.
    pub changes: Vec<Record>,
    /// The caller's feed position that `changes` bring the responder up to.
    #[schema(minimum = 0)]
    pub push_through: i64,
    /// Most versions the caller wants back (at most [`MAX_PAGE`]).
    #[schema(minimum = 1, maximum = 500)]
    pub limit: Option<usize>,
    /// The key the caller seals its versions under, in an end-to-end encrypted account
    /// (docs/e2e.md); absent otherwise.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub e2e: Option<KeyRef>,
}

/// The longest store epoch taken (epochs are UUIDs, 36 characters).
const MAX_EPOCH_LEN: usize = 64;

impl SyncRequest {
    /// The bounds the types alone do not say; each message names the field.
    fn check(&self) -> Result<(), String> {
        let epoch = |field: &str, epoch: &str| {
            let ok = (1..=MAX_EPOCH_LEN).contains(&epoch.len())
                && epoch.bytes().all(|b| b.is_ascii_graphic());
            if ok {
                Ok(())
            } else {
                Err(format!(
                    "{field} must be 1 to {MAX_EPOCH_LEN} printable ASCII characters \
                     (a store epoch)"
                ))
            }
        };
        epoch("epoch", &self.epoch)?;
        if self.push_through < 0 {
            return Err("push_through must not be negative".into());
        }
        if self.limit.is_some_and(|l| !(1..=MAX_PAGE).contains(&l)) {
            return Err(format!("limit must be 1 to {MAX_PAGE}"));
        }
        if let Some(since) = &self.since {
            epoch("since.epoch", &since.epoch)?;
            if since.seq < 0 {
                return Err("since.seq must not be negative".into());
            }
        }
        Ok(())
    }
}

/// Responder → caller.
#[derive(Debug, Serialize, Deserialize, utoipa::ToSchema)]
pub struct SyncResponse {
    pub v: u32,
    /// The responder's store epoch: `cursor` and `ack` count in it.
    pub epoch: String,
    pub changes: Vec<Record>,
    /// The responder's feed position `changes` bring the caller up to.
    pub cursor: i64,
    /// More of the responder's feed is waiting after `cursor`.
    pub has_more: bool,
    /// The responder's feed head (its highest `seq`) when it read the answer: the caller is
    /// `head - cursor` versions behind it. Absent from responders that predate it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub head: Option<i64>,
    /// The caller's `push_through`, now durably applied here: every version of `changes`
    /// but those in `refused`.
    pub ack: i64,
    /// The versions of `changes` this side refused, each with why; absent when none was.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub refused: Vec<RefusedVersion>,
    /// The account's key, when its conversations are end-to-end encrypted (the hosted
    /// side); absent otherwise.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub e2e: Option<KeyRef>,
}

/// A pushed version the responder did not take.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct RefusedVersion {
    pub id: String,
    pub version: String,
    /// `invalid_request` (a rule of docs/sync.md), `clock_offset_exceeded`, `wrong_source`
    /// (a version of another backend, pushed by a peer that does not relay), or, in an end-
    /// to-end encrypted account, `e2e_enabled` (plaintext), `e2e_key` (not declared under
    /// the account's key), `e2e_epoch` (another epoch); `e2e_not_enabled` (sealed, in a
    /// plaintext account).
    pub code: String,
    pub message: String,
}

impl RefusedVersion {
    /// `record`'s version, refused (or not applied) as `code`, with why; its id and version
    /// cut to 64 characters (they come from the other side).
    pub fn of(record: &Record, code: &str, message: String) -> Self {
        Self {
            id: record.id.chars().take(64).collect(),
            version: record.version.chars().take(64).collect(),
            code: code.to_string(),
            message,
        }
    }
}

/// Splits pushed versions into those this side takes and those it refuses, with why.
fn screen(
    state: &AppState,
    peer: &Peer,
    e2e: (Option<&E2eAccount>, Option<&KeyRef>),
    changes: Vec<Record>,
) -> (Vec<Record>, Vec<RefusedVersion>) {
    let now = state.clock.now_ms();
    let max_offset = state.config.sync.max_clock_offset_ms;
    let mut taken = Vec::with_capacity(changes.len());
    let mut refused = Vec::new();
    for record in changes {
        let verdict = check_version(&record)
            .map_err(|e| ("invalid_request", e))
            // Stamped too far ahead of this clock: a peer with a wrong (or hostile) clock
            // cannot stamp versions past every later edit.
            .and_then(|()| {
                check_offset(&record.version, now, max_offset)
                    .map_err(|e| ("clock_offset_exceeded", e))
            })
            // A local daemon writes only its own versions; only the hosted side relays.
            .and_then(|()| {
                let relays = state.config.mode == Mode::Local;
                if relays || record.source_backend == peer.remote_id {
                    Ok(())
                } else {
                    Err((
                        "wrong_source",
                        "source_backend names another backend than the peer that pushed it"
                            .to_string(),
                    ))
                }
            })
            // An encrypted account takes only versions sealed under its key and epoch.
            .and_then(|()| match state.config.mode {
                Mode::Hosted => super::sealing::hosted_verdict(e2e.0, e2e.1, &record),
                Mode::Local => Ok(()),
            });
        match verdict {
            Ok(()) => taken.push(record),
            Err((code, message)) => refused.push(RefusedVersion::of(&record, code, message)),
        }
    }
    (taken, refused)
}

/// The account a peer's versions belong to on this side.
fn account_of(state: &AppState, peer: &Peer) -> String {
    match state.config.mode {
        Mode::Hosted => peer.account_id.clone(),
        Mode::Local => LOCAL_ACCOUNT.to_string(),
    }
}

fn invalid(message: String) -> ApiError {
    ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, "invalid_request", message)
}

/// One page of `account`'s feed after `after`, without the versions that came from
/// `peer_id` (skipped unread, but they move the position): the versions, the position they
/// reach, and whether more is waiting.
pub(super) async fn page_for(
    state: &AppState,
    account: &str,
    after: i64,
    limit: usize,
    peer_id: &str,
) -> Result<(Vec<Record>, i64, bool), ApiError> {
    let window = state
        .store
        .feed_window(account, after, limit as i64, peer_id)
        .await?;
    let mut bytes = 0;
    let mut page = Vec::new();
    for record in window.records {
        let size = json_len(&record);
        if bytes + size > MAX_PAGE_BYTES && !page.is_empty() {
            // Every position before this version is in the page or is the peer's own.
            return Ok((page, record.seq - 1, true));
        }
        bytes += size;
        page.push(record);
    }
    Ok((page, window.last, window.full))
}

/// The length of `value`'s JSON, counted as it is written, without keeping it.
fn json_len(value: &impl serde::Serialize) -> usize {
    struct Count(usize);
    impl std::io::Write for Count {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            self.0 += buf.len();
            Ok(buf.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }
    let mut count = Count(0);
    match serde_json::to_writer(&mut count, value) {
        Ok(()) => count.0,
        Err(_) => 0,
    }
}

/// `POST /sync/{peer_id}` (both modes).
#[utoipa::path(
    post,
    path = "/sync/{peer_id}",
    tag = "sync",
    security(("peer_signature" = [])),
    params(("peer_id" = String, Path, description = "The pairing's id on the responder")),
    request_body = SyncRequest,
    responses(
        (status = 200, description = "Applied; the responder's changes since `since`", body = SyncResponse),
        (status = 409, description = "`sync_paused`: sync is paused on this backend (a local daemon's Pause Sync, or the account's on the hosted side); `e2e_key_mismatch`: the account is end-to-end encrypted under another key or epoch than the request's `e2e` declares", body = crate::error::ErrorBody),
        (status = 413, description = "`payload_too_large`: more than 500 versions, or a body over the limit", body = crate::error::ErrorBody),
        (status = 422, description = "`invalid_request`: not a sync request, an unsupported `v`, or a field out of bounds (a version this side does not take is listed in the answer's `refused` instead)", body = crate::error::ErrorBody),
    )
)]
pub(crate) async fn respond(
    State(state): State<AppState>,
    signed: UnrecordedNonce,
) -> Result<Response, ApiError> {
    let peer_id = signed.request.peer.peer_id.clone();
    let received = signed.request.body.len();
    let started = std::time::Instant::now();
    let outcome = answer(&state, &signed).await.and_then(|(response, taken)| {
        let body = serde_json::to_vec(&response).map_err(ApiError::internal)?;
        Ok((response.changes.len(), taken, body))
    });
    let error = outcome.as_ref().err();
    if let Some(err) = error
        && err.code == replay_error().code
    {
        // Not an exchange with the peer: someone sent one of its requests again.
        audit_replay(&state, &signed).await;
        return Err(outcome.expect_err("an error"));
    }
    let (pushed, pulled) = outcome.as_ref().map_or((0, 0), |(p, t, _)| (*p, *t));
    let stats = &state.sync().stats;
    stats.add_bytes(
        &peer_id,
        outcome.as_ref().map_or(0, |(_, _, body)| body.len()),
        received,
    );
    stats.record(
        &peer_id,
        Exchange {
            at: state.clock.now_ms(),
            direction: Direction::Inbound,
            pushed: pushed as u64,
            pulled: pulled as u64,
            status: if error.is_some() { "error" } else { "ok" },
            error_code: error.map(|e| e.code.to_string()),
            error_message: error.map(|e| e.message.clone()),
            duration_ms: started.elapsed().as_secs_f64() * 1000.0,
        },
    );
    let (_, _, body) = outcome?;
    Ok(([(header::CONTENT_TYPE, "application/json")], body).into_response())
}

/// The answer to one `POST /sync`, and how many of the pushed versions were taken.
async fn answer(
    state: &AppState,
    unrecorded: &UnrecordedNonce,
) -> Result<(SyncResponse, usize), ApiError> {
    let signed = &unrecorded.request;
    let state = state.clone();
    if super::paused_here(&state) {
        return Err(paused());
    }
    let hosted = state.config.mode == Mode::Hosted;
    let peer = &signed.peer;
    let account = account_of(&state, peer);
    // What the answer depends on, read at once rather than one after the other: on the
    // hosted side the account's privacy settings and encryption, and the store's epoch.
    let (paused_there, e2e, epoch) = tokio::join!(
        async {
            if !hosted {
                return Ok(false);
            }
            let settings = crate::privacy::settings::settings_of(&state, &account).await?;
            Ok::<_, ApiError>(settings.sync_paused)
        },
        async {
            match hosted {
                true => crate::e2e::hosted::account_key(&state, &account).await,
                false => Ok(None),
            }
        },
        store::epoch(state.store.as_ref()),
    );
    if paused_there? {
        return Err(ApiError::new(
            StatusCode::CONFLICT,
            "sync_paused",
            "sync is paused for this account on the hosted backend; it is resumed there \
             (PUT /privacy-settings with the account's token, or the Status page)",
        ));
    }
    let request: SyncRequest = crate::error::parse_json(&signed.body)?;
    if request.v != SYNC_VERSION {
        return Err(invalid("unsupported sync version".into()));
    }
    request.check().map_err(invalid)?;
    if request.changes.len() > MAX_PAGE {
        return Err(ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "payload_too_large",
            format!("at most {MAX_PAGE} versions per request"),
        ));
    }
    let (e2e, epoch) = (e2e?, epoch?);
    // A version this side does not take is refused on its own: the others apply, and the
    // caller sets it aside, so one bad version never blocks the ones behind it.
    super::sealing::check_declared_key(e2e.as_ref(), request.e2e.as_ref())?;
    let (changes, refused) = screen(
        &state,
        peer,
        (e2e.as_ref(), request.e2e.as_ref()),
        request.changes,
    );
    let taken = changes.len();
    let after = match &request.since {
        Some(cursor) if cursor.epoch == epoch => cursor.seq.max(0),
        _ => 0,
    };
    // On the hosted side, which never initiates, what it knows of the caller is written with
    // the versions the caller pushed: how far the caller has pulled this feed, so GET /peers
    // can say what it still lacks. (A local daemon keeps its own cursors for the peer.)
    // The sync's success is written with it, in the same transaction.
    let now = state.clock.now_ms();
    let seen = hosted.then(|| SyncCursor {
        peer_id: peer.peer_id.clone(),
        pull_epoch: Some(request.epoch.clone()),
        pull_seq: request.push_through,
        push_epoch: Some(epoch.clone()),
        push_seq: after,
        last_success_at: Some(now),
        ..SyncCursor::default()
    });
    // The request's nonce is recorded in the same transaction: nothing was written before,
    // and a replay writes nothing.
    let applied = state
        .store
        .apply_sync(&account, &changes, seen.as_ref(), &unrecorded.nonce)
        .await?
        .ok_or_else(replay_error)?;
    if applied > 0 && hosted {
        // Relay at once: the account's other peers sync now rather than at their next tick.
        crate::telemetry::poke_account(&state, &account, Some(&peer.peer_id), "data");
    }
    // On hosted the success went in with the cursor above.
    if seen.is_none()
        && let Err(err) = state
            .store
            .record_sync_outcome(&peer.peer_id, now, None)
            .await
    {
        tracing::warn!(error = %err, "cannot record a sync");
    }
    let limit = request.limit.unwrap_or(MAX_PAGE).clamp(1, MAX_PAGE);
    let (changes, cursor, has_more) =
        page_for(&state, &account, after, limit, &peer.peer_id).await?;
    // Read only when the page stops short: otherwise the page reached the head.
    let head = if has_more {
        state.store.feed_head(&account).await?
    } else {
        cursor
    };
    Ok((
        SyncResponse {
            v: SYNC_VERSION,
            epoch,
            changes,
            cursor,
            has_more,
            head: Some(head),
            ack: request.push_through,
            refused,
            e2e: e2e.as_ref().map(crate::e2e::hosted::key_ref),
        },
        taken,
    ))
}

#[cfg(test)]
mod tests {
    use super::json_len;
    use crate::store::Record;

    #[test]
    fn json_len_is_the_length_of_the_json_sent() {
        let record = Record {
            kind: "message".into(),
            id: "0196f5a0-7c1e-7d33-9d5b-8a1f2e3c4d5e".into(),
            conversation_id: Some("0196f5a0-7c1e-7d33-9d5b-000000000001".into()),
            title: None,
            role: Some("user".into()),
            content: Some("quotes \" and \\ backslashes, é, 🦀, \n newlines \u{1}".into()),
            created_at: 1_800_000_000_000,
            updated_at: 1_800_000_000_000,
            deleted: false,
            version: "001800000000000-000000-0123456789abcdef0123456789abcdef".into(),
            source_backend: "0123456789abcdef0123456789abcdef".into(),
            seq: 7,
            e2e: None,
            origin_peer: None,
        };
        assert_eq!(
            json_len(&record),
            serde_json::to_vec(&record).unwrap().len()
        );
    }
}
