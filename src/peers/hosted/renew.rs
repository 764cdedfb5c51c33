//! `POST /peers/{peer_id}/renew` on the hosted side.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

use super::key_change;
use super::*;
use crate::error::{ApiError, ApiJson};
use crate::handshake::pair_key::{Kid, PairKey};
use crate::handshake::sbt::SBT_LIFETIME_SECS;
use crate::identity::PublicIdentityKey;
use crate::peers::transcript::{self, RenewRequest as RenewTranscript};
use crate::peers::wire::{Grant, HANDSHAKE_VERSION, RenewRequest, valid_nonce};
use crate::peers::{KEY_OVERLAP_MS, now_secs};
use crate::security::{ClientIp, audit, audit_peer_refusal};
use crate::state::AppState;
use crate::store::{PEER_ACTIVE, PeerKey};

/// `POST /peers/{peer_id}/renew` (hosted): signed with the local identity key, not the SBT,
/// so a peer whose SBT expired while its machine slept renews without pairing again.
#[utoipa::path(
    post,
    path = "/peers/{peer_id}/renew",
    tag = "peers",
    description = "Renews the pair key and SBT. No header credential: the body carries a proof \
        signed with the local backend's identity key (docs/protocol.md).",
    params(("peer_id" = String, Path, description = "The pairing's id")),
    request_body = RenewRequest,
    responses(
        (status = 200, description = "Renewed: a new grant", body = Grant),
        (status = 404, description = "`unknown_peer`: no such pairing", body = crate::error::ErrorBody),
        (status = 401, description = "`bad_proof`, `stale`, `replay` or `revoked`: the proof signed with the identity key does not hold", body = crate::error::ErrorBody),
    )
)]
pub(crate) async fn renew(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    Path(peer_id): Path<String>,
    body: Result<ApiJson<RenewRequest>, ApiError>,
) -> Response {
    let outcome = match body {
        Ok(ApiJson(request)) => renew_checked(&state, &peer_id, request).await,
        Err(err) => Err(ApiError::new(err.status(), err.code(), err.to_string())),
    };
    let peer = Some(peer_id.as_str()).filter(|p| p.len() <= 128);
    match outcome {
        Ok(grant) => {
            let account = Some(grant.account_id.as_str());
            audit(&state, "renew_peer", Ok(()), peer, account, Some(&ip)).await;
            Json(grant).into_response()
        }
        Err(err) => {
            let named = peer.unwrap_or_default();
            audit_peer_refusal(&state, "renew_peer", err.code, named, Some(&ip)).await;
            err.into_response()
        }
    }
}

pub(super) async fn renew_checked(
    state: &AppState,
    peer_id: &str,
    request: RenewRequest,
) -> Result<Grant, ApiError> {
    if request.v != HANDSHAKE_VERSION {
        return Err(ApiError::invalid_request("unsupported handshake version"));
    }
    if !valid_nonce(&request.nonce) {
        return Err(ApiError::invalid_request(
            "nonce must be 16 to 128 base64url characters",
        ));
    }
    let unknown = || refuse(StatusCode::NOT_FOUND, "unknown_peer", "no such peer");
    let peer = state.store.peer(peer_id).await?.ok_or_else(unknown)?;
    if peer.status != PEER_ACTIVE {
        return Err(refuse(
            StatusCode::UNAUTHORIZED,
            "revoked",
            "the peer is revoked; pair again",
        ));
    }
    let pinned = PublicIdentityKey::from_pem(&peer.remote_public_key)
        .map_err(|e| ApiError::bug(format!("the stored local key does not parse: {e}")))?;
    // A rotated local key is taken only as the end of the pinned key's chain of statements;
    // it is pinned below, once the proof made with it holds.
    let local_key = key_change::follow(state, &peer, pinned.clone(), &request.key_changes)?;
    if &request.local_key_id != local_key.key_id() {
        return Err(refuse(
            StatusCode::UNAUTHORIZED,
            "bad_proof",
            "local_key_id is not the identity key this peer paired with",
        ));
    }
    check_fresh(state, request.timestamp)?;
    let me = &state.identity;
    let proof = decode_b64(&request.proof, "proof")?;
    // The local end signs the hosted key it pinned: this one, or during its grace the one
    // it replaced (the local end learns the new key from this renewal's grant).
    let hosted_key_ids = std::iter::once(me.key_id().to_string()).chain(
        me.previous_in_grace(state.clock.now_ms())
            .map(|p| p.key_id.clone()),
    );
    let mut request_transcript = None;
    for hosted_key_id in hosted_key_ids {
        let transcript = RenewTranscript {
            peer_id: &peer.peer_id,
            local_id: &peer.remote_id,
            local_key_id: local_key.key_id().as_str(),
            hosted_id: me.backend_id.as_str(),
            hosted_key_id: &hosted_key_id,
            nonce: &request.nonce,
            timestamp: request.timestamp,
        }
        .transcript()
        .ok_or_else(|| ApiError::bug("the transcript cannot be built"))?;
        if local_key.verify(&transcript, &proof).is_ok() {
            request_transcript = Some(transcript);
            break;
        }
    }
    let request_transcript = request_transcript.ok_or_else(|| {
        refuse(
            StatusCode::UNAUTHORIZED,
            "bad_proof",
            "the proof does not verify with the peer's identity key",
        )
    })?;
    // A renewal request is good for one use: its nonce shares the signed requests' table.
    let now_ms = state.clock.now_ms();
    if !state
        .store
        .record_nonce(&peer.peer_id, &request.nonce, now_ms)
        .await?
    {
        return Err(refuse(
            StatusCode::UNAUTHORIZED,
            "replay",
            "this renewal request was already used",
        ));
    }

    let peer = key_change::pin(state, peer, &pinned, &local_key).await?;

    let pair_key = PairKey::generate();
    let kid = Kid::generate();
    let wrapped = local_key
        .wrap(pair_key.as_bytes())
        .map_err(|e| ApiError::bug(format!("cannot wrap the pair key: {e}")))?;
    let now = now_secs(state);
    let sbt_expires_at = now + SBT_LIFETIME_SECS;
    let key_row = PeerKey {
        peer_id: peer.peer_id.clone(),
        kid: kid.to_string(),
        key: Some(pair_key.as_bytes().to_vec()),
        sbt: None,
        created_at: now_ms,
        sbt_expires_at,
        retires_at: None,
    };
    if !state
        .store
        .replace_peer_key(&key_row, now_ms + KEY_OVERLAP_MS, now_ms)
        .await?
    {
        return Err(refuse(
            StatusCode::UNAUTHORIZED,
            "revoked",
            "the peer is revoked; pair again",
        ));
    }
    grant(
        state,
        &peer,
        NewKey {
            pair_key: &pair_key,
            kid: &kid,
            wrapped: &wrapped,
            request_transcript: &request_transcript,
            label: transcript::RENEW_RESPONSE,
            now,
        },
    )
}
