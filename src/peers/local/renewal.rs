//! The peers this daemon calls, their current key, and the renewal of their SBT.

use std::time::Duration;

use axum::http::StatusCode;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;

use super::*;
use crate::error::ApiError;
use crate::handshake::httpsig::new_nonce;
use crate::handshake::pair_key::PairKey;
use crate::identity::{BackendId, PublicIdentityKey};
use crate::network::NetworkAccess;
use crate::peers::transcript::{self, RenewRequest as RenewTranscript};
use crate::peers::wire::{HANDSHAKE_VERSION, RenewRequest};
use crate::peers::{PeersAccess, keys};
use crate::security::audit;
use crate::state::AppState;
use crate::store::{PEER_ACTIVE, Peer, PeerKey};

/// The local daemon renews a peer's SBT once less than this is left (the SBT lives 8 h).
pub const RENEW_BEFORE_SECS: i64 = 2 * 3600;
/// How often the renewal task looks for SBTs due.
const RENEW_CHECK_EVERY: Duration = Duration::from_secs(60);

pub(super) fn unknown_peer() -> ApiError {
    ApiError::new(StatusCode::NOT_FOUND, "unknown_peer", "no such peer")
}

/// An active peer this daemon calls, and its URL: `404 unknown_peer` if there is no such
/// peer (or it has no URL), `409 revoked` if it is revoked.
pub async fn active_remote_peer(
    state: &AppState,
    peer_id: &str,
) -> Result<(Peer, String), ApiError> {
    let peer = state.store.peer(peer_id).await?.ok_or_else(unknown_peer)?;
    if peer.status != PEER_ACTIVE {
        return Err(ApiError::new(
            StatusCode::CONFLICT,
            "revoked",
            "the peer is revoked; pair again",
        ));
    }
    let base = peer.remote_url.clone().ok_or_else(unknown_peer)?;
    Ok((peer, base))
}

/// The current pair key of a peer this daemon calls: its row (which holds the SBT) and the
/// key itself, from the key store.
pub async fn current_key(state: &AppState, peer: &Peer) -> Result<(PeerKey, PairKey), ApiError> {
    let key_row = state
        .store
        .peer_key(&peer.peer_id, &peer.kid)
        .await?
        .ok_or_else(|| ApiError::new(StatusCode::CONFLICT, "unknown_kid", "no current pair key"))?;
    let pair_key = keys::load_pair_key(state, &key_row).map_err(|err| {
        tracing::error!(error = %err, "cannot load a pair key");
        ApiError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "key_store_unavailable",
            "the pair key cannot be read from the key store",
        )
    })?;
    Ok((key_row, pair_key))
}

/// Signs a transcript with this backend's identity key: the transcript and the base64url
/// signature.
pub(super) fn sign_transcript(
    state: &AppState,
    transcript: Option<Vec<u8>>,
) -> Result<(Vec<u8>, String), ApiError> {
    let transcript =
        transcript.ok_or_else(|| ApiError::bug("the registration transcript cannot be built"))?;
    let proof = state
        .identity
        .key
        .sign(&transcript)
        .map_err(|e| ApiError::bug(format!("cannot sign the transcript: {e}")))?;
    Ok((transcript, URL_SAFE_NO_PAD.encode(proof)))
}

/// Renews a peer's pair key and SBT with its hosted backend (signed with the identity key).
pub async fn renew_peer(state: &AppState, peer_id: &str) -> Result<Peer, ApiError> {
    let unknown = unknown_peer;
    let (peer, base) = active_remote_peer(state, peer_id).await?;
    let hosted_key = PublicIdentityKey::from_pem(&peer.remote_public_key)
        .map_err(|e| ApiError::bug(format!("the stored hosted key does not parse: {e}")))?;
    let hosted_id: BackendId = peer
        .remote_id
        .parse()
        .map_err(|e| ApiError::bug(format!("stored hosted id: {e}")))?;
    let me = &state.identity;
    let nonce = new_nonce();
    let timestamp = crate::peers::peer_now(state);
    let request_transcript = RenewTranscript {
        peer_id: &peer.peer_id,
        local_id: me.backend_id.as_str(),
        local_key_id: me.key_id().as_str(),
        hosted_id: hosted_id.as_str(),
        hosted_key_id: hosted_key.key_id().as_str(),
        nonce: &nonce,
        timestamp,
    }
    .transcript();
    let (request_transcript, proof) = sign_transcript(state, request_transcript)?;
    let body = RenewRequest {
        v: HANDSHAKE_VERSION,
        local_key_id: me.key_id().clone(),
        nonce,
        timestamp,
        proof,
        // Sent while in their grace, so a hosted end that missed the announcement (this
        // daemon's SBT ran out before it started again) learns the new key here.
        key_changes: me
            .previous_in_grace(state.clock.now_ms())
            .filter_map(|p| serde_json::from_str(&p.key_change).ok())
            .collect(),
    };
    let url = format!("{base}/peers/{}/renew", peer.peer_id);
    let grant = post_for_grant(state, &url, &body, &RENEWAL_RETRY, Some(&peer.peer_id)).await?;
    // A grant for another hosted key: the hosted backend rotated its key. Its identity
    // document shows the statement the pinned key signed for the new one.
    let pinned = hosted_key.clone();
    let hosted_key = match &grant.hosted_key_id {
        id if id == pinned.key_id() => pinned.clone(),
        id => super::key_change::learn_hosted_key(state, &base, &pinned, &hosted_id, id).await?,
    };
    let (pair_key, claims) = accept_grant(
        state,
        &hosted_key,
        &hosted_id,
        &grant,
        &request_transcript,
        transcript::RENEW_RESPONSE,
        Some(&peer.peer_id),
    )?;
    let now_ms = state.clock.now_ms();
    let key_row = PeerKey {
        peer_id: peer.peer_id.clone(),
        kid: grant.kid.to_string(),
        key: None,
        sbt: Some(grant.sbt.clone()),
        created_at: now_ms,
        sbt_expires_at: claims.exp,
        retires_at: None,
    };
    if hosted_key.key_id() != pinned.key_id() {
        let (old, new) = (pinned.key_id().as_str(), hosted_key.key_id().as_str());
        let store = &state.store;
        if !store
            .repin_peer_key(&peer.peer_id, old, new, hosted_key.pem(), now_ms)
            .await?
        {
            return Err(ApiError::new(
                StatusCode::CONFLICT,
                "key_change_conflict",
                "the hosted key pinned for this peer changed meanwhile; renew again",
            ));
        }
        tracing::info!(peer_id = %peer.peer_id, old_key_id = old, new_key_id = new,
            "the hosted backend rotated its identity key; pinned the new one");
    }
    store_key(state, &peer.peer_id, &key_row.kid, &pair_key)?;
    if !state
        .store
        .replace_peer_key(&key_row, now_ms, now_ms)
        .await?
    {
        keys::delete_local(state, &peer.peer_id, &key_row.kid);
        return Err(ApiError::new(
            StatusCode::CONFLICT,
            "revoked",
            "the peer was revoked meanwhile",
        ));
    }
    // This side only signs with the newest key, so the old one can go at once.
    keys::delete_local(state, &peer.peer_id, &peer.kid);
    audit(
        state,
        "renew_peer",
        Ok(()),
        Some(&peer.peer_id),
        Some(&peer.account_id),
        None,
    )
    .await;
    let renewed = state.store.peer(&peer.peer_id).await?.ok_or_else(unknown)?;
    // A telemetry socket refused for its old credentials tries again now.
    state
        .peers()
        .changes
        .send_modify(|n| *n = n.wrapping_add(1));
    Ok(renewed)
}

/// Renews every active peer whose SBT expires within [`RENEW_BEFORE_SECS`] (or already has
/// expired). Returns what was attempted: peer id and outcome.
pub async fn renew_due_peers(state: &AppState) -> Vec<(String, Result<(), String>)> {
    let peers = match state.store.peers(None).await {
        Ok(peers) => peers,
        Err(err) => {
            tracing::warn!(error = %err, "cannot list peers for renewal");
            return Vec::new();
        }
    };
    let now = crate::peers::peer_now(state);
    let mut attempted = Vec::new();
    for peer in peers {
        let due = peer.status == PEER_ACTIVE
            && peer.remote_url.is_some()
            && peer.sbt_expires_at - now < RENEW_BEFORE_SECS;
        // An offline peer is left to the network monitor's probe; it renews at the next
        // check after it is back (or on the first sync, which renews when it must).
        if !due || state.network().is_offline(&peer.peer_id) {
            continue;
        }
        let outcome = match renew_peer(state, &peer.peer_id).await {
            Ok(_) => {
                tracing::info!(peer_id = %peer.peer_id, "renewed the session binding");
                Ok(())
            }
            Err(err) => {
                tracing::warn!(peer_id = %peer.peer_id, code = err.code, error = %err.describe(),
                    "cannot renew the session binding; will retry");
                audit(
                    state,
                    "renew_peer",
                    Err(err.code),
                    Some(&peer.peer_id),
                    None,
                    None,
                )
                .await;
                Err(err.code.to_string())
            }
        };
        attempted.push((peer.peer_id, outcome));
    }
    attempted
}

/// Tells the hosted peers of a new identity key (if the key changed), then runs
/// [`renew_due_peers`] every minute until the task is aborted. Both in one task, so a
/// renewal never races the announcement it depends on.
pub fn spawn_renewal(state: AppState) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        super::announce_key_change(&state).await;
        let mut tick = tokio::time::interval(RENEW_CHECK_EVERY);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tick.tick().await;
            renew_due_peers(&state).await;
        }
    })
}
