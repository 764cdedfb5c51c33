//! Where pair keys live: the hosted side keeps them in its database (several instances share
//! it); the local side keeps them where it keeps its identity key (the OS keychain, or a
//! 0600 file when there is none), never in its database.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;

use crate::handshake::pair_key::PairKey;
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
    #[error("key store: {0}")]
    Keychain(#[from] crate::keychain::KeychainError),
}

/// The pair key of `row`: its bytes if the row holds them, else the local key store's.
pub fn load_pair_key(state: &AppState, row: &PeerKey) -> Result<PairKey, PairKeyStoreError> {
    if let Some(bytes) = &row.key {
        return PairKey::from_bytes(bytes).map_err(|_| PairKeyStoreError::Corrupt);
    }
    let name = pair_key_secret_name(&row.peer_id, &row.kid);
    let encoded = state
        .keychain
        .get(&name)?
        .ok_or(PairKeyStoreError::Missing)?;
    let bytes = URL_SAFE_NO_PAD
        .decode(encoded.expose().trim())
        .map_err(|_| PairKeyStoreError::Corrupt)?;
    PairKey::from_bytes(&bytes).map_err(|_| PairKeyStoreError::Corrupt)
}

/// Stores a pair key in the local key store.
pub(super) fn save_local(
    state: &AppState,
    peer_id: &str,
    kid: &str,
    key: &PairKey,
) -> Result<(), PairKeyStoreError> {
    let encoded = Secret::new(URL_SAFE_NO_PAD.encode(key.as_bytes()));
    state
        .keychain
        .set(&pair_key_secret_name(peer_id, kid), &encoded)?;
    Ok(())
}

/// Removes a pair key from the local key store; a missing one is not an error.
pub(super) fn delete_local(state: &AppState, peer_id: &str, kid: &str) {
    if let Err(err) = state.keychain.delete(&pair_key_secret_name(peer_id, kid)) {
        tracing::warn!(error = %err, peer_id, "cannot delete a replaced pair key");
    }
}
