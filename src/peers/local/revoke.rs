//! `DELETE /peers/{peer_id}` on the local daemon: revoke a pairing from this end, and tell
//! the hosted end at once with a signed notice, so it refuses the pair key too.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::Method;
use serde::Serialize;

use super::calls::read_body;
use super::client;
use super::renewal::{current_key, unknown_peer};
use crate::error::ApiError;
use crate::peers::{PeerCall, PeerView, revoke_here, signed_request};
use crate::state::AppState;
use crate::store::{PEER_ACTIVE, PEER_REVOKED, Peer};

/// What a revocation did.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Revoked {
    pub peer: PeerView,
    /// The hosted backend took the notice: it refuses the pair key now too.
    pub hosted_notified: bool,
    /// Why it could not be told (`null` when it was): revoke the peer there as well
    /// (`DELETE /peers/{peer_id}` with the account token), or it refuses the key only when
    /// the SBT ends.
    pub hosted_error: Option<String>,
}

/// `DELETE /peers/{peer_id}` (local).
#[utoipa::path(
    delete,
    path = "/peers/{peer_id}",
    tag = "peers",
    security(("local_secret" = []), ("ui_session" = [])),
    params(("peer_id" = String, Path, description = "The pairing to revoke")),
    responses(
        (status = 200, description = "Revoked here; whether the hosted backend was told", body = Revoked),
        (status = 404, description = "`not_found`: no such peer", body = crate::error::ErrorBody),
    )
)]
pub(crate) async fn revoke(
    State(state): State<AppState>,
    Path(peer_id): Path<String>,
) -> Result<Json<Revoked>, ApiError> {
    Ok(Json(revoke_peer(&state, &peer_id).await?))
}

/// Revokes a pairing here and tells the hosted end: what `DELETE /peers/{peer_id}` does, for
/// its handler and for an embedder of the client core.
pub async fn revoke_peer(state: &AppState, peer_id: &str) -> Result<Revoked, ApiError> {
    let mut peer = state.store.peer(peer_id).await?.ok_or_else(unknown_peer)?;
    // Told first: the notice is signed with the pair key this revocation deletes.
    let notice = match peer.status.as_str() {
        PEER_ACTIVE => notify_hosted(state, &peer).await,
        _ => Err("the peer was revoked already".to_string()),
    };
    revoke_here(state, &peer, "revoke_peer").await?;
    peer.status = PEER_REVOKED.to_string();
    Ok(Revoked {
        peer: PeerView::from(&peer),
        hosted_notified: notice.is_ok(),
        hosted_error: notice.err(),
    })
}

/// `POST /peers/{peer_id}/revoke` to the hosted backend, signed with the pair key. A
/// `401 revoked` answer means it knew already.
async fn notify_hosted(state: &AppState, peer: &Peer) -> Result<(), String> {
    let (key_row, pair_key) = current_key(state, peer).await.map_err(|e| e.message)?;
    let base = peer
        .remote_url
        .clone()
        .ok_or("the hosted backend's address is not known")?;
    let call = PeerCall {
        method: Method::POST,
        base_url: &base,
        path_and_query: &format!("/peers/{}/revoke", peer.peer_id),
        body: Vec::new(),
        created: crate::peers::peer_now(state),
    };
    let request = signed_request(client(), call, &key_row, &pair_key)
        .map_err(|e| format!("cannot sign the notice: {e}"))?;
    let response = request.send().await.map_err(|e| {
        format!(
            "the hosted backend at {base} cannot be reached ({})",
            crate::peers::describe_http_error(&e)
        )
    })?;
    let status = response.status();
    let body = read_body(response).await.map_err(|e| e.message)?;
    let code = serde_json::from_slice::<serde_json::Value>(&body)
        .ok()
        .and_then(|v| v["error"]["code"].as_str().map(str::to_string));
    if status.is_success() || code.as_deref() == Some("revoked") {
        return Ok(());
    }
    Err(format!(
        "the hosted backend at {base} refused the notice (HTTP {}{})",
        status.as_u16(),
        code.map(|c| format!(", {c}")).unwrap_or_default()
    ))
}
