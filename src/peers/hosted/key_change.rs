//! `POST /peers/{peer_id}/key-change` on the hosted side: the local end rotated its identity
//! key and sends the statement its old key signed for the new one (docs/protocol.md, "Key
//! rotation"). The statement is checked with the key pinned for the peer, never with a key
//! the request brings, so only the holder of the pinned key can move the pin.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};

use crate::error::ApiError;
use crate::identity::{KeyChange, KeyId, PublicIdentityKey};
use crate::peers::{SignedPeerRequest, now_secs};
use crate::security::{ClientIp, audit};
use crate::state::AppState;
use crate::store::Peer;

/// What the hosted side pins for the peer after a key change.
#[derive(Debug, Serialize, Deserialize, utoipa::ToSchema)]
pub struct KeyChangeAccepted {
    pub peer_id: String,
    /// The local backend's identity key now pinned.
    pub remote_key_id: KeyId,
    /// False when that key was pinned already (the statement was sent before).
    pub changed: bool,
}

/// `POST /peers/{peer_id}/key-change` (hosted, signed).
#[utoipa::path(
    post,
    path = "/peers/{peer_id}/key-change",
    tag = "peers",
    security(("peer_signature" = [])),
    description = "The local backend rotated its identity key: the body is the key-change \
        statement its old key signed. Checked with the key pinned for this peer; the new key \
        is pinned in its place. Renew right after: the current SBT binds the old key.",
    params(("peer_id" = String, Path, description = "The pairing's id")),
    request_body = KeyChange,
    responses(
        (status = 200, description = "The new key is pinned", body = KeyChangeAccepted),
        (status = 400, description = "`invalid_request`: the body is not a key-change statement", body = crate::error::ErrorBody),
        (status = 409, description = "`key_change_conflict`: the pinned key changed meanwhile", body = crate::error::ErrorBody),
        (status = 422, description = "`key_change_refused`: not signed by the pinned key, about another backend or key, or its grace has ended", body = crate::error::ErrorBody),
    )
)]
pub(crate) async fn key_change(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    signed: SignedPeerRequest,
) -> Result<Json<KeyChangeAccepted>, ApiError> {
    let peer = &signed.peer;
    let statement: KeyChange = serde_json::from_slice(&signed.body)
        .map_err(|_| ApiError::invalid_request("the body is not a key-change statement"))?;
    let outcome = accept_key_change(&state, peer, &statement).await;
    let (id, account) = (Some(peer.peer_id.as_str()), Some(peer.account_id.as_str()));
    let result = outcome.as_ref().map(|_| ()).map_err(|e| e.code);
    audit(&state, "peer_key_change", result, id, account, Some(&ip)).await;
    let changed = outcome?;
    Ok(Json(KeyChangeAccepted {
        peer_id: peer.peer_id.clone(),
        remote_key_id: statement.new_key_id,
        changed,
    }))
}

/// Checks `statement` against the key pinned for `peer` and pins the new key. True if the
/// pin moved, false if the new key was pinned already.
pub(crate) async fn accept_key_change(
    state: &AppState,
    peer: &Peer,
    statement: &KeyChange,
) -> Result<bool, ApiError> {
    if statement.new_key_id.as_str() == peer.remote_key_id
        && statement.backend_id.as_str() == peer.remote_id
    {
        return Ok(false);
    }
    let pinned = PublicIdentityKey::from_pem(&peer.remote_public_key)
        .map_err(|e| ApiError::bug(format!("the stored local key does not parse: {e}")))?;
    let new_key = statement
        .verify(&pinned, &peer.remote_id, now_secs(state))
        .map_err(|err| {
            ApiError::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "key_change_refused",
                err.to_string(),
            )
        })?;
    pin(state, peer.clone(), &pinned, &new_key).await?;
    Ok(true)
}

/// The key at the end of `statements` followed from `pinned` (each statement vouched for by
/// the key before it; a statement about a key already passed is skipped). `pinned` itself
/// when there are none.
pub(super) fn follow(
    state: &AppState,
    peer: &Peer,
    pinned: PublicIdentityKey,
    statements: &[KeyChange],
) -> Result<PublicIdentityKey, ApiError> {
    let now = now_secs(state);
    let mut key = pinned;
    for statement in statements {
        if &statement.old_key_id != key.key_id() {
            continue;
        }
        key = statement
            .verify(&key, &peer.remote_id, now)
            .map_err(|err| {
                ApiError::new(
                    StatusCode::UNAUTHORIZED,
                    "key_change_refused",
                    err.to_string(),
                )
            })?;
    }
    Ok(key)
}

/// Pins `new` for `peer` in place of `pinned` (nothing to do when they are the same key);
/// the peer as it is stored then.
pub(super) async fn pin(
    state: &AppState,
    peer: Peer,
    pinned: &PublicIdentityKey,
    new: &PublicIdentityKey,
) -> Result<Peer, ApiError> {
    if new.key_id() == pinned.key_id() {
        return Ok(peer);
    }
    let now_ms = state.clock.now_ms();
    let (old_id, new_id) = (pinned.key_id().as_str(), new.key_id().as_str());
    if !state
        .store
        .repin_peer_key(&peer.peer_id, old_id, new_id, new.pem(), now_ms)
        .await?
    {
        return Err(ApiError::new(
            StatusCode::CONFLICT,
            "key_change_conflict",
            "the key pinned for this peer changed meanwhile; try again",
        ));
    }
    tracing::info!(peer_id = %peer.peer_id, old_key_id = old_id, new_key_id = new_id,
        "a peer rotated its identity key (told with its renewal)");
    let gone = || ApiError::new(StatusCode::NOT_FOUND, "unknown_peer", "no such peer");
    state.store.peer(&peer.peer_id).await?.ok_or_else(gone)
}
