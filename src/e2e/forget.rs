//! A device forgets the account's keyring once its pairing is revoked (docs/e2e.md,
//! "Rotation on revocation"): the keyring opens the account's records of the epochs it
//! holds, so a device that left the account, or was made to, keeps it no longer than it
//! keeps the pair key. The daemon's own conversations stay (they are plaintext on the
//! device, as always).

use std::collections::HashSet;

use super::device::{delete_keyring, keyring_secret_name};
use crate::config::Mode;
use crate::peers::PeersAccess;
use crate::state::AppState;
use crate::store::PEER_REVOKED;

/// On a local daemon, a task that deletes the keyring of every revoked pairing: at start (a
/// revocation the daemon learnt before a restart) and at each change of a peer's status.
pub fn spawn_background(state: AppState) -> Vec<tokio::task::JoinHandle<()>> {
    match state.config.mode {
        Mode::Local => vec![tokio::spawn(run(state))],
        Mode::Hosted => Vec::new(),
    }
}

async fn run(state: AppState) {
    let mut changes = state.peers().changes.subscribe();
    // Revoked pairings already looked at: a revocation is final, so each is looked at once.
    let mut done = HashSet::new();
    loop {
        forget_revoked(&state, &mut done).await;
        if changes.changed().await.is_err() {
            return;
        }
    }
}

/// Deletes the keyrings of the revoked pairings not in `done`, and adds them to it.
async fn forget_revoked(state: &AppState, done: &mut HashSet<String>) {
    let peers = match state.store.peers(None).await {
        Ok(peers) => peers,
        Err(err) => {
            tracing::warn!(error = %err, "cannot list the peers whose encryption keys to forget");
            return;
        }
    };
    for peer in peers {
        if peer.status != PEER_REVOKED || done.contains(&peer.peer_id) {
            continue;
        }
        match state.keychain.get(&keyring_secret_name(&peer.peer_id)) {
            Ok(Some(_)) => {
                delete_keyring(state, &peer.peer_id);
                tracing::info!(
                    peer_id = %peer.peer_id,
                    "the pairing was revoked: its end-to-end encryption keyring is deleted"
                );
            }
            Ok(None) => {}
            Err(err) => {
                // Looked at again on the next change.
                tracing::warn!(error = %err, peer_id = %peer.peer_id, "cannot read the key store");
                continue;
            }
        }
        done.insert(peer.peer_id);
    }
}
