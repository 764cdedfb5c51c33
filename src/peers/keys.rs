//! Where pair keys live: the hosted side keeps them in its database (several instances share
//! it); the local side keeps them where it keeps its identity key (the OS keychain, or a
//! 0600 file when there is none), never in its database.

use std::collections::HashMap;
use std::sync::Mutex;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;

use crate::handshake::pair_key::PairKey;
use crate::peers::PeersAccess;
use crate::secret::Secret;
use crate::state::AppState;
use crate::store::PeerKey;

/// The key-store entry of one pair key. Peer ids are UUIDs and kids hex, so the name is
/// always a plain one.
pub fn pair_key_secret_name(peer_id: &str, kid: &str) -> String {
    format!("pair-{peer_id}-{kid}")
}

#[derive(Debug, thiserror::Error)]
pub enum PairKeyStoreError {
    #[error("the pair key is missing from the key store")]
    Missing,
    #[error("the stored pair key is corrupt")]
    Corrupt,
    #[error(transparent)]
    Keychain(#[from] crate::keychain::KeychainError),
}

/// The local side's pair keys once read from the key store: every signed call needs one,
/// and a keychain read is a round trip to another process.
#[derive(Default)]
pub struct PairKeyCache(Mutex<HashMap<String, PairKey>>);

impl PairKeyCache {
    fn get(&self, name: &str) -> Option<PairKey> {
        self.0
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .get(name)
            .cloned()
    }

    fn put(&self, name: String, key: PairKey) {
        self.0
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(name, key);
    }

    fn forget(&self, name: &str) {
        self.0
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .remove(name);
    }
}

/// The pair key of `row`: its bytes if the row holds them, else the local key store's.
pub fn load_pair_key(state: &AppState, row: &PeerKey) -> Result<PairKey, PairKeyStoreError> {
    if let Some(bytes) = &row.key {
        return PairKey::from_bytes(bytes).map_err(|_| PairKeyStoreError::Corrupt);
    }
    let name = pair_key_secret_name(&row.peer_id, &row.kid);
    if let Some(key) = state.pair_keys().get(&name) {
        return Ok(key);
    }
    let encoded = state
        .keychain
        .get(&name)?
        .ok_or(PairKeyStoreError::Missing)?;
    let bytes = URL_SAFE_NO_PAD
        .decode(encoded.expose().trim())
        .map_err(|_| PairKeyStoreError::Corrupt)?;
    let key = PairKey::from_bytes(&bytes).map_err(|_| PairKeyStoreError::Corrupt)?;
    state.pair_keys().put(name, key.clone());
    Ok(key)
}

/// Stores a pair key in the local key store.
pub(super) fn save_local(
    state: &AppState,
    peer_id: &str,
    kid: &str,
    key: &PairKey,
) -> Result<(), PairKeyStoreError> {
    let encoded = Secret::new(URL_SAFE_NO_PAD.encode(key.as_bytes()));
    let name = pair_key_secret_name(peer_id, kid);
    state.keychain.set(&name, &encoded)?;
    state.pair_keys().put(name, key.clone());
    Ok(())
}

/// Removes a pair key from the local key store; a missing one is not an error.
pub(super) fn delete_local(state: &AppState, peer_id: &str, kid: &str) {
    let name = pair_key_secret_name(peer_id, kid);
    state.pair_keys().forget(&name);
    if let Err(err) = state.keychain.delete(&name) {
        tracing::warn!(error = %err, peer_id, "cannot delete a replaced pair key");
    }
}
