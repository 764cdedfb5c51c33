//! Telling the hosted peers that this backend's identity key changed (docs/protocol.md,
//! "Key rotation"): at start, for each earlier key still in its grace, the statement it
//! signed goes to every active hosted peer over the signed channel, then the peer is renewed
//! at once, because its SBT binds the old key and the hosted end stops taking that SBT as
//! soon as it re-pins.

use axum::http::{Method, StatusCode};

use super::calls::{read_body, unreachable};
use super::client;
use super::renewal::{current_key, renew_peer};
use crate::error::ApiError;
use crate::handshake::pair_key::{Kid, PairKey};
use crate::handshake::sbt::{ExpectedBinding, SessionBindingToken};
use crate::identity::{BackendId, IdentityDocument, KeyChange, KeyId, PublicIdentityKey};
use crate::peers::{PeerCall, signed_request};
use crate::state::AppState;
use crate::store::{PEER_ACTIVE, Peer, PeerKey};

/// Announces the key changes still in their grace to every active hosted peer and renews
/// the ones whose pair key predates the newest rotation. One line per peer told: the peer id
/// and the outcome (`Ok(())`, or why it did not work, in words).
pub async fn announce_key_change(state: &AppState) -> Vec<(String, Result<(), String>)> {
    let now_ms = state.clock.now_ms();
    let rotations: Vec<KeyChange> = state
        .identity
        .previous_in_grace(now_ms)
        .filter_map(|p| serde_json::from_str(&p.key_change).ok())
        .collect();
    if rotations.is_empty() {
        return Vec::new();
    }
    let peers = match state.store.peers(None).await {
        Ok(peers) => peers,
        Err(err) => {
            tracing::warn!(error = %err, "cannot list the peers to tell of the new key");
            return Vec::new();
        }
    };
    let mut told = Vec::new();
    for peer in peers {
        if peer.status != PEER_ACTIVE || peer.remote_url.is_none() {
            continue;
        }
        let outcome = announce_to(state, &peer, &rotations).await;
        match &outcome {
            Ok(()) => {
                tracing::info!(peer_id = %peer.peer_id, "told the peer of the new identity key")
            }
            Err(why) => tracing::warn!(peer_id = %peer.peer_id, error = %why,
                "cannot tell the peer of the new identity key; will try again at the next start"),
        }
        told.push((peer.peer_id, outcome));
    }
    told
}

async fn announce_to(state: &AppState, peer: &Peer, rotations: &[KeyChange]) -> Result<(), String> {
    let (key_row, pair_key) = current_key(state, peer).await.map_err(|e| e.message)?;
    if binds_current_key(state, &key_row, &pair_key) {
        // The hosted end issued this SBT for the new key: it has pinned it already.
        return Ok(());
    }
    // Oldest first, each statement vouched for by the key before it. Only the last one's
    // answer counts: an earlier one is refused where the hosted end heard of it before.
    let mut last = Ok(());
    for statement in rotations {
        last = send(state, peer, statement).await;
    }
    match last {
        Ok(()) => {}
        // The hosted end re-pinned before (this daemon stopped before renewing), so it takes
        // this SBT no more; renewing below tells whether the new key is pinned.
        Err(Refusal::Unauthorized) => {}
        Err(Refusal::Other(why)) => return Err(why),
    }
    renew_peer(state, &peer.peer_id)
        .await
        .map(|_| ())
        .map_err(|e| {
            format!(
                "the new key was sent, but renewing failed: {}",
                e.describe()
            )
        })
}

/// Whether the stored SBT is current and binds this daemon's identity key as it is now.
fn binds_current_key(state: &AppState, key_row: &PeerKey, pair_key: &PairKey) -> bool {
    let (Some(sbt), Ok(kid)) = (key_row.sbt.as_deref(), key_row.kid.parse::<Kid>()) else {
        return false;
    };
    let expected = ExpectedBinding {
        local_key_id: Some(state.identity.key_id()),
        ..ExpectedBinding::new(&key_row.peer_id, &kid)
    };
    let now = crate::peers::peer_now(state);
    SessionBindingToken::verify(sbt, pair_key, &expected, now).is_ok()
}

enum Refusal {
    /// `401`: the signed request itself was refused (its SBT binds the old key, or ran out).
    Unauthorized,
    Other(String),
}

/// `POST /peers/{peer_id}/key-change` with one statement, signed with the pair key.
async fn send(state: &AppState, peer: &Peer, statement: &KeyChange) -> Result<(), Refusal> {
    let other = Refusal::Other;
    let (key_row, pair_key) = current_key(state, peer)
        .await
        .map_err(|e| other(e.message))?;
    let base = peer.remote_url.as_deref().unwrap_or_default();
    let body = serde_json::to_vec(statement).expect("a statement serializes");
    let call = PeerCall {
        method: Method::POST,
        base_url: base,
        path_and_query: &format!("/peers/{}/key-change", peer.peer_id),
        body,
        created: crate::peers::peer_now(state),
    };
    let request = signed_request(client(), call, &key_row, &pair_key)
        .map_err(|e| other(format!("cannot sign the statement: {e}")))?;
    let response = request.send().await.map_err(|e| {
        other(format!(
            "the hosted backend at {base} cannot be reached ({})",
            crate::peers::describe_http_error(&e)
        ))
    })?;
    crate::peers::learn_skew(state, response.headers());
    let status = response.status();
    let body = read_body(response).await.map_err(|e| other(e.message))?;
    if status.is_success() {
        return Ok(());
    }
    let error = serde_json::from_slice::<serde_json::Value>(&body).ok();
    let said = |field: &str| {
        error
            .as_ref()
            .and_then(|v| v["error"][field].as_str().map(str::to_string))
            .unwrap_or_default()
    };
    let why = format!(
        "the hosted backend at {base} refused the new key (HTTP {}, {}): {}",
        status.as_u16(),
        said("code"),
        said("message").chars().take(300).collect::<String>()
    );
    Err(match status.as_u16() {
        401 => Refusal::Unauthorized,
        _ => Refusal::Other(why),
    })
}

/// The hosted backend's new identity key, `new_key_id`, if its identity document (at
/// `base`) shows a chain of key-change statements from `pinned` to it, each verified with
/// the key before it. Refused otherwise: nothing is re-pinned on the hosted backend's word
/// alone.
pub(super) async fn learn_hosted_key(
    state: &AppState,
    base: &str,
    pinned: &PublicIdentityKey,
    hosted_id: &BackendId,
    new_key_id: &KeyId,
) -> Result<PublicIdentityKey, ApiError> {
    let refused = |why: String| {
        ApiError::new(
            StatusCode::BAD_GATEWAY,
            "hosted_key_mismatch",
            format!(
                "the hosted backend now uses another identity key ({new_key_id}) and {why}; \
                 pair again if it really changed its key"
            ),
        )
    };
    let response = client()
        .get(format!("{base}/identity"))
        .send()
        .await
        .map_err(unreachable)?;
    let body = read_body(response).await?;
    let document: IdentityDocument = serde_json::from_slice(&body)
        .map_err(|_| refused("its identity document cannot be read".into()))?;
    if &document.backend_id != hosted_id || &document.key_id != new_key_id {
        return Err(refused(
            "its identity document does not show that key".into(),
        ));
    }
    let now = crate::peers::peer_now(state);
    let mut key = pinned.clone();
    for previous in &document.previous_keys {
        let statement = &previous.key_change;
        if &statement.old_key_id != key.key_id() {
            continue;
        }
        key = statement
            .verify(&key, hosted_id.as_str(), now)
            .map_err(|e| refused(e.to_string()))?;
    }
    if key.key_id() != new_key_id {
        return Err(refused(
            "no key-change statement signed by the pinned key vouches for it".into(),
        ));
    }
    Ok(key)
}
