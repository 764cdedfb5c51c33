//! The grant that answers a registration or a renewal: a new pair key wrapped to the peer, its
//! SBT, and this backend's signature over the transcript.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;

use crate::error::ApiError;
use crate::handshake::pair_key::{Kid, PairKey};
use crate::handshake::sbt::{SbtBinding, SbtClaims, SessionBindingToken};
use crate::peers::transcript::{self};
use crate::peers::wire::{Grant, HANDSHAKE_VERSION};
use crate::state::AppState;
use crate::store::Peer;

/// A pair key just drawn for a peer, and the request it answers.
pub(super) struct NewKey<'a> {
    pub(super) pair_key: &'a PairKey,
    pub(super) kid: &'a Kid,
    /// `K` encrypted to the peer's identity key.
    pub(super) wrapped: &'a [u8],
    pub(super) request_transcript: &'a [u8],
    /// The grant transcript's label.
    pub(super) label: &'a str,
    pub(super) now: i64,
}

/// Issues the SBT for `peer`'s new pair key and signs the answer.
pub(super) fn grant(state: &AppState, peer: &Peer, new: NewKey<'_>) -> Result<Grant, ApiError> {
    let NewKey {
        pair_key,
        kid,
        wrapped,
        request_transcript,
        label,
        now,
    } = new;
    let me = &state.identity;
    let binding = SbtBinding {
        kid: kid.clone(),
        account_id: peer.account_id.clone(),
        peer_id: peer.peer_id.clone(),
        local_id: peer
            .remote_id
            .parse()
            .map_err(|e| ApiError::bug(format!("stored local id: {e}")))?,
        hosted_id: me.backend_id.clone(),
        local_key_id: peer
            .remote_key_id
            .parse()
            .map_err(|e| ApiError::bug(format!("stored local key id: {e}")))?,
        hosted_key_id: me.key_id().clone(),
    };
    let claims = SbtClaims::new(binding, now);
    let sbt = SessionBindingToken::issue(pair_key, &claims);
    let wrapped_key = URL_SAFE_NO_PAD.encode(wrapped);
    let signed = transcript::Grant {
        request_transcript,
        peer_id: &peer.peer_id,
        kid: kid.as_str(),
        account_id: &peer.account_id,
        wrapped_key: &wrapped_key,
        sbt: &sbt,
    }
    .transcript(label)
    .ok_or_else(|| ApiError::bug("the grant transcript cannot be built"))?;
    let signature = me
        .key
        .sign(&signed)
        .map_err(|e| ApiError::bug(format!("cannot sign the grant: {e}")))?;
    Ok(Grant {
        v: HANDSHAKE_VERSION,
        peer_id: peer.peer_id.clone(),
        kid: kid.clone(),
        account_id: peer.account_id.clone(),
        hosted_id: me.backend_id.clone(),
        hosted_key_id: me.key_id().clone(),
        wrapped_key,
        sbt,
        sbt_expires_at: claims.exp,
        signature: URL_SAFE_NO_PAD.encode(signature),
    })
}
