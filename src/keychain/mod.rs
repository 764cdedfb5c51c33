//! `KeychainManager`: where the daemon keeps its secrets (the identity key, later the pair
//! keys). The OS keychain when one works — macOS Keychain, the Secret Service on Linux —
//! and otherwise files readable only by the owner, with one warning saying so.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use keyring_core::{CredentialStore, Entry};

use crate::config::APP_NAME;
use crate::secret::Secret;

#[derive(Debug, thiserror::Error)]
pub enum KeychainError {
    #[error("keychain: {0}")]
    Keyring(#[from] keyring_core::Error),
    #[error("cannot {action} {path}")]
    File {
        action: &'static str,
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("secret name {0:?} is not a plain name")]
    BadName(String),
}

/// Where secrets live. Cheap to clone; blocking calls (keychains are synchronous and may
/// prompt), so async callers run them on a blocking thread.
#[derive(Clone)]
pub struct KeychainManager {
    keyring: Option<Arc<CredentialStore>>,
    dir: PathBuf,
}

impl std::fmt::Debug for KeychainManager {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("KeychainManager")
            .field("keychain", &self.keyring.as_ref().map(|s| s.vendor()))
            .field("dir", &self.dir)
            .finish()
    }
}

impl KeychainManager {
    /// Uses the platform keychain if `use_keychain` and one works, else files in `dir`.
    pub fn open(use_keychain: bool, dir: &Path) -> Self {
        let keyring = if use_keychain {
            off_runtime(platform_store)
        } else {
            None
        };
        if use_keychain && keyring.is_none() {
            tracing::warn!(
                dir = %dir.display(),
                "no OS keychain is usable here (no Secret Service / Keychain); secrets are kept \
                 in owner-only (0600) files instead"
            );
        }
        Self {
            keyring,
            dir: dir.to_path_buf(),
        }
    }

    /// Uses the given keychain store (tests pass `keyring_core::mock::Store`), with `dir`
    /// for the secrets that already live in files.
    pub fn with_store(store: Arc<CredentialStore>, dir: &Path) -> Self {
        Self {
            keyring: Some(store),
            dir: dir.to_path_buf(),
        }
    }

    /// Only files in `dir`.
    pub fn files_only(dir: &Path) -> Self {
        Self {
            keyring: None,
            dir: dir.to_path_buf(),
        }
    }

    pub fn uses_keychain(&self) -> bool {
        self.keyring.is_some()
    }

    /// The file a secret named `name` is kept in when it is not in the keychain.
    pub fn file_path(&self, name: &str) -> Result<PathBuf, KeychainError> {
        let plain = !name.is_empty()
            && name
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
        if !plain {
            return Err(KeychainError::BadName(name.to_string()));
        }
        Ok(self.dir.join(format!("{name}.pem")))
    }

    /// Reads a secret: a file that exists wins (it was written when no keychain worked, and
    /// must not be shadowed by a keychain that appeared since), then the keychain.
    pub fn get(&self, name: &str) -> Result<Option<Secret<String>>, KeychainError> {
        if let Some(secret) = read_private_file(&self.file_path(name)?)? {
            return Ok(Some(secret));
        }
        let Some(store) = &self.keyring else {
            return Ok(None);
        };
        match off_runtime(|| Entry::new_in_store(store, APP_NAME, name)?.get_password()) {
            Ok(value) => Ok(Some(Secret::new(value))),
            Err(keyring_core::Error::NoEntry) => Ok(None),
            Err(e) => Err(e.into()),
        }
    }

    /// Stores a secret in the keychain, or in an owner-only file when there is none or it
    /// refuses. Returns a description of where it went (for logs; never the value).
    pub fn set(&self, name: &str, value: &Secret<String>) -> Result<String, KeychainError> {
        if let Some(store) = &self.keyring {
            let stored = off_runtime(|| {
                Entry::new_in_store(store, APP_NAME, name)?.set_password(value.expose())
            });
            match stored {
                Ok(()) => {
                    return Ok(format!(
                        "the OS keychain (service {APP_NAME}, account {name})"
                    ));
                }
                Err(e) => tracing::warn!(
                    error = %e,
                    "the OS keychain refused the secret; keeping it in an owner-only file"
                ),
            }
        }
        let path = self.file_path(name)?;
        write_private_file(&path, value.expose().as_bytes())?;
        Ok(path.display().to_string())
    }

    /// Removes a secret from wherever it is kept.
    pub fn delete(&self, name: &str) -> Result<(), KeychainError> {
        let path = self.file_path(name)?;
        match std::fs::remove_file(&path) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(source) => {
                return Err(KeychainError::File {
                    action: "remove",
                    path,
                    source,
                });
            }
        }
        if let Some(store) = &self.keyring {
            match off_runtime(|| Entry::new_in_store(store, APP_NAME, name)?.delete_credential()) {
                Ok(()) | Err(keyring_core::Error::NoEntry) => {}
                Err(e) => return Err(e.into()),
            }
        }
        Ok(())
    }
}

/// Runs a keychain call on a plain OS thread. Platform keychains are synchronous, and the
/// Linux one drives its own async runtime, which panics on a thread that runs tokio tasks.
fn off_runtime<T: Send>(call: impl FnOnce() -> T + Send) -> T {
    std::thread::scope(|scope| match scope.spawn(call).join() {
        Ok(value) => value,
        Err(panic) => std::panic::resume_unwind(panic),
    })
}

/// Reads a secret file; `None` when it does not exist.
pub fn read_private_file(path: &Path) -> Result<Option<Secret<String>>, KeychainError> {
    match std::fs::read_to_string(path) {
        Ok(text) => Ok(Some(Secret::new(text))),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(source) => Err(KeychainError::File {
            action: "read",
            path: path.into(),
            source,
        }),
    }
}

/// Writes `bytes` to `path` with mode 0600, atomically (a temporary file renamed into
/// place), creating the directory with mode 0700.
pub fn write_private_file(path: &Path, bytes: &[u8]) -> Result<(), KeychainError> {
    let err = |action, source| KeychainError::File {
        action,
        path: path.to_path_buf(),
        source,
    };
    if let Some(dir) = path.parent() {
        let mut builder = std::fs::DirBuilder::new();
        builder.recursive(true);
        #[cfg(unix)]
        std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
        builder
            .create(dir)
            .map_err(|e| err("create the directory of", e))?;
    }
    let tmp = path.with_extension(format!("tmp{}", std::process::id()));
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut file = options.open(&tmp).map_err(|e| err("create", e))?;
    file.write_all(bytes)
        .and_then(|()| file.sync_all())
        .map_err(|e| err("write", e))?;
    std::fs::rename(&tmp, path).map_err(|e| err("write", e))
}

#[cfg(target_os = "macos")]
fn platform_store() -> Option<Arc<CredentialStore>> {
    match apple_native_keyring_store::keychain::Store::new() {
        Ok(store) => Some(store),
        Err(e) => {
            tracing::debug!(error = %e, "macOS keychain unavailable");
            None
        }
    }
}

#[cfg(target_os = "linux")]
fn platform_store() -> Option<Arc<CredentialStore>> {
    // The Secret Service lives on the session bus; a server or a CI container has none.
    let store = zbus_secret_service_keyring_store::Store::new().ok()?;
    // Creating the store does not prove the service answers: probe with a lookup.
    match Entry::new_in_store(&(store.clone() as Arc<CredentialStore>), APP_NAME, "probe")
        .and_then(|e| e.get_password())
    {
        Ok(_) | Err(keyring_core::Error::NoEntry) => Some(store),
        Err(e) => {
            tracing::debug!(error = %e, "Secret Service unavailable");
            None
        }
    }
}

#[cfg(not(any(target_os = "macos", target_os = "linux")))]
fn platform_store() -> Option<Arc<CredentialStore>> {
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keychain_round_trip_and_delete() {
        let dir = tempfile::tempdir().unwrap();
        let k = KeychainManager::with_store(keyring_core::mock::Store::new().unwrap(), dir.path());
        assert!(k.get("identity-x").unwrap().is_none());
        let at = k.set("identity-x", &Secret::new("s3cret".into())).unwrap();
        assert!(at.contains("keychain"), "{at}");
        assert_eq!(k.get("identity-x").unwrap().unwrap().expose(), "s3cret");
        assert!(
            !dir.path().join("identity-x.pem").exists(),
            "nothing written to disk"
        );
        k.delete("identity-x").unwrap();
        assert!(k.get("identity-x").unwrap().is_none());
    }

    #[cfg(unix)]
    #[test]
    fn file_fallback_is_owner_only() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let k = KeychainManager::files_only(&dir.path().join("secrets"));
        k.set("identity-x", &Secret::new("s3cret".into())).unwrap();
        let path = k.file_path("identity-x").unwrap();
        assert_eq!(
            std::fs::metadata(&path).unwrap().permissions().mode() & 0o777,
            0o600
        );
        let parent = std::fs::metadata(path.parent().unwrap()).unwrap();
        assert_eq!(parent.permissions().mode() & 0o777, 0o700);
        assert_eq!(k.get("identity-x").unwrap().unwrap().expose(), "s3cret");
    }

    #[test]
    fn names_cannot_escape_the_directory() {
        let k = KeychainManager::files_only(Path::new("/nonexistent"));
        for bad in ["../x", "a/b", "", "x.pem"] {
            assert!(
                matches!(k.file_path(bad), Err(KeychainError::BadName(_))),
                "{bad}"
            );
        }
    }
}
