//! The per-install secret of the local API: 32 random bytes, base64url, created on first
//! use and kept in the keychain (or an owner-only file) under a name that includes the
//! backend id, so two data dirs on one machine have two secrets.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use rand::Rng;
use subtle::ConstantTimeEq;

use crate::identity::BackendId;
use crate::keychain::{KeychainError, KeychainManager};
use crate::local_api::LocalApiAccess;
use crate::secret::Secret;
use crate::state::AppState;

/// The secret that opens the local API. `Debug` never shows it.
#[derive(Clone, Debug)]
pub struct LocalSecret(Secret<String>);

impl LocalSecret {
    /// The value, for an `Authorization: Bearer` header or for printing by `token`.
    pub fn expose(&self) -> &str {
        self.0.expose()
    }

    /// Whether `candidate` is this secret, in time independent of where they differ.
    pub fn matches(&self, candidate: &str) -> bool {
        constant_time_eq(self.expose(), candidate)
    }
}

#[derive(Debug, thiserror::Error)]
pub enum SecretError {
    #[error("cannot read or store the local API secret")]
    Keychain(#[from] KeychainError),
    #[error("the local API secret task failed")]
    Join(#[from] tokio::task::JoinError),
}

/// Compares two strings in time that depends only on their lengths.
pub fn constant_time_eq(a: &str, b: &str) -> bool {
    a.as_bytes().ct_eq(b.as_bytes()).into()
}

/// 32 bytes from the OS random source, base64url without padding (43 characters).
pub fn random_token() -> Secret<String> {
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    Secret::new(URL_SAFE_NO_PAD.encode(bytes))
}

/// The keychain entry name of the local API secret of `backend_id`.
pub fn secret_name(backend_id: &BackendId) -> String {
    format!("local-api-secret-{backend_id}")
}

/// Reads the secret of `backend_id`, creating and storing it if there is none. Blocking
/// (keychains are synchronous); async callers use [`local_secret`] or a blocking thread.
pub fn load_or_create(
    keychain: &KeychainManager,
    backend_id: &BackendId,
) -> Result<LocalSecret, KeychainError> {
    let name = secret_name(backend_id);
    if let Some(stored) = keychain.get(&name)? {
        let trimmed = stored.expose().trim();
        if !trimmed.is_empty() {
            return Ok(LocalSecret(Secret::new(trimmed.to_string())));
        }
    }
    let secret = random_token();
    let location = keychain.set(&name, &secret)?;
    tracing::info!(%location, "created the local API secret");
    Ok(LocalSecret(secret))
}

/// The daemon's secret, read (or created) on first use and then kept in memory.
pub async fn local_secret(state: &AppState) -> Result<&LocalSecret, SecretError> {
    state
        .local_api()
        .secret
        .get_or_try_init(|| async {
            let keychain = state.keychain.clone();
            let backend_id = state.identity.backend_id.clone();
            let loaded =
                tokio::task::spawn_blocking(move || load_or_create(&keychain, &backend_id));
            Ok(loaded.await??)
        })
        .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_secret_is_created_once_and_then_read_back() {
        let dir = tempfile::tempdir().unwrap();
        let keychain = KeychainManager::files_only(dir.path());
        let id: BackendId = "ab".repeat(16).parse().unwrap();
        let first = load_or_create(&keychain, &id).unwrap();
        assert_eq!(URL_SAFE_NO_PAD.decode(first.expose()).unwrap().len(), 32);
        assert_eq!(
            load_or_create(&keychain, &id).unwrap().expose(),
            first.expose()
        );
        let other: BackendId = "cd".repeat(16).parse().unwrap();
        assert_ne!(
            load_or_create(&keychain, &other).unwrap().expose(),
            first.expose()
        );
        assert!(!format!("{first:?}").contains(first.expose()));
    }

    #[test]
    fn matching_needs_the_whole_secret() {
        let secret = LocalSecret(Secret::new("abcdef".into()));
        assert!(secret.matches("abcdef"));
        for wrong in ["", "abcde", "abcdefg", "abcdeF", "Abcdef"] {
            assert!(!secret.matches(wrong), "{wrong}");
        }
    }
}
