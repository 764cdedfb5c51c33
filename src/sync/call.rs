//! One signed round trip of `POST /sync/{peer_id}`, the caller's side: the request signed
//! with the pair key (signed again once with the peer's time if the clocks disagree), its
//! outcome reported to the network monitor, and a refusal turned into this daemon's error
//! (docs/sync.md).

use axum::http::{Method, StatusCode};

use super::caller::sync_failed;
use super::engine::{SyncRequest, SyncResponse};
use crate::error::ApiError;
use crate::peers::{PeerCall, current_key, learn_skew, peer_now, signed_request};
use crate::privacy::settings::{REMOTE_PAUSED, remote_paused_message};
use crate::state::AppState;
use crate::store::Peer;
use crate::sync::SyncAccess;

/// One signed round trip.
pub(super) async fn call(
    state: &AppState,
    peer: &Peer,
    base: &str,
    request: &SyncRequest,
) -> Result<SyncResponse, ApiError> {
    let (key_row, pair_key) = current_key(state, peer).await?;
    let body = serde_json::to_vec(request).map_err(ApiError::internal)?;
    let path = format!("/sync/{}", peer.peer_id);
    let mut attempts = 0;
    let response = loop {
        attempts += 1;
        let call = PeerCall {
            method: Method::POST,
            base_url: base,
            path_and_query: &path,
            body: body.clone(),
            created: peer_now(state),
        };
        let started = std::time::Instant::now();
        let sent = signed_request(crate::peers::http_client(), call, &key_row, &pair_key)
            .map_err(|e| ApiError::bug(format!("cannot sign the sync request: {e}")))?
            .send()
            .await;
        // The network monitor learns from every call (docs/sync.md, "Network states").
        crate::network::record_reqwest(state, &peer.peer_id, &sent, started.elapsed());
        let response = sent.map_err(|e| {
            sync_failed(
                "peer_unreachable",
                format!(
                    "The hosted backend at {base} cannot be reached ({}).",
                    crate::peers::describe_http_error(&e)
                ),
            )
        })?;
        // A clock that is off shows as `stale`: learn the peer's time and sign again, once.
        let skewed = learn_skew(state, response.headers());
        if skewed && response.status() == StatusCode::UNAUTHORIZED && attempts == 1 {
            continue;
        }
        break response;
    };
    let status = response.status();
    // A hosted backend that limits this peer says how long to wait; the scheduler waits it.
    let retry_after = response
        .headers()
        .get(reqwest::header::RETRY_AFTER)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<u64>().ok());
    let sent = body.len();
    let bytes = response.bytes().await.map_err(|e| {
        if crate::network::is_unreachable(&e) {
            crate::network::record(state, &peer.peer_id, crate::network::Outcome::Unreachable);
        }
        sync_failed(
            "peer_unreachable",
            format!(
                "The hosted backend at {base} stopped answering mid-reply ({}).",
                crate::peers::describe_http_error(&e)
            ),
        )
    })?;
    state
        .sync()
        .stats
        .add_bytes(&peer.peer_id, sent, bytes.len());
    if !status.is_success() {
        let body = serde_json::from_slice::<serde_json::Value>(&bytes).ok();
        let field = |name: &str| {
            body.as_ref()
                .and_then(|v| v["error"][name].as_str().map(str::to_string))
                .unwrap_or_default()
        };
        let code = field("code");
        if status == reqwest::StatusCode::CONFLICT && code == "sync_paused" {
            // Not a failure: the account's owner paused sync on the hosted side. The
            // scheduler tries again at its interval, or at once when told of the resume.
            let message = remote_paused_message(base);
            let mut err = ApiError::new(StatusCode::CONFLICT, REMOTE_PAUSED, message);
            err.upstream_code = Some(code);
            return Err(err);
        }
        let shown = if code.is_empty() {
            String::new()
        } else {
            format!(", {code}")
        };
        // What the hosted backend said, as one line: its advice (which key to get, what to
        // fix) is the user's next step.
        let said = upstream_message(&field("message"));
        let mut err = sync_failed(
            "peer_refused",
            format!(
                "The hosted backend at {base} refused the sync (HTTP {}{shown}){said}.",
                status.as_u16()
            ),
        );
        err.upstream_code = (!code.is_empty()).then_some(code);
        err.upstream_status = Some(status.as_u16());
        err.retry_after = retry_after;
        return Err(err);
    }
    serde_json::from_slice(&bytes).map_err(|_| {
        sync_failed(
            "sync_invalid",
            format!(
                "The hosted backend at {base} answered with something that is not a sync response."
            ),
        )
    })
}

/// The message of a peer's error answer, as `": <message>"` on one line of at most 300
/// characters (control characters dropped), or nothing when it gave none.
fn upstream_message(message: &str) -> String {
    let line: String = message
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .chars()
        .filter(|c| !c.is_control())
        .take(300)
        .collect();
    let line = line.trim_end_matches('.');
    if line.is_empty() {
        String::new()
    } else {
        format!(": {line}")
    }
}
