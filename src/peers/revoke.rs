//! Revoking a pairing (docs/protocol.md, "Revocation"): at once, without a grace period. The
//! side that revokes marks the peer revoked, so every signed request of it gets
//! `401 revoked` and it cannot renew; a local daemon also drops the pair key from its key
//! store. Whoever keeps something per peer (the telemetry sockets and links) watches
//! [`PeersState::changes`](super::PeersState) and lets go at once.

use super::{PeersAccess, keys};
use crate::config::Mode;
use crate::error::ApiError;
use crate::security::audit;
use crate::state::AppState;
use crate::store::{PEER_REVOKED, Peer};

/// Revokes `peer` on this side; `event` names the cause in the audit trail. False if it was
/// revoked already.
pub async fn revoke_here(state: &AppState, peer: &Peer, event: &str) -> Result<bool, ApiError> {
    let changed = state
        .store
        .revoke_peer(&peer.peer_id, state.clock.now_ms())
        .await?;
    if state.config.mode == Mode::Local {
        keys::delete_local(state, &peer.peer_id, &peer.kid);
    }
    state.peers().changes.send_modify(|n| *n += 1);
    if changed && state.config.mode == Mode::Hosted {
        // A revoked device of an encrypted account holds its key: the key is due for a new
        // epoch (docs/e2e.md, "Rotation on revocation"); a plaintext account has no row.
        let now = state.clock.now_ms();
        state
            .store
            .mark_e2e_rotation_due(&peer.account_id, now)
            .await?;
    }
    if changed {
        let account = Some(peer.account_id.as_str());
        audit(state, event, Ok(()), Some(&peer.peer_id), account, None).await;
        tracing::warn!(peer_id = %peer.peer_id, event, "peer revoked");
    }
    Ok(changed)
}

/// The other end said the pairing is revoked (`401 revoked`, or the telemetry socket closed
/// with it): this side follows, so it stops calling and forgets the pair key.
pub async fn revoked_remotely(state: &AppState, peer_id: &str) {
    let peer = match state.store.peer(peer_id).await {
        Ok(Some(peer)) if peer.status != PEER_REVOKED => peer,
        Ok(_) => return,
        Err(err) => {
            tracing::warn!(error = %err, peer_id, "cannot read a peer the other end revoked");
            return;
        }
    };
    if let Err(err) = revoke_here(state, &peer, "peer_revoked_by_remote").await {
        tracing::warn!(error = %err.describe(), peer_id, "cannot mark a peer revoked");
    }
}
