//! `KeychainManager`: where the daemon keeps its secrets (the identity key, the local API
//! secret, the pair keys). The OS keychain when one works — the macOS Keychain, the Secret
//! Service on Linux — and otherwise files readable only by the owner.
//!
//! The rules, each tested (docs/identity.md, "Where secrets live"):
//! - a secret in a file wins over the keychain (it was written when no keychain worked);
//! - a keychain that is present but refuses a write (locked) is an error: nothing falls
//!   back to a file behind the user's back, so secrets never end up split between the two;
//! - with no keychain at all, new secrets go to owner-only files, with one warning;
//! - `backend-8825 keychain migrate` moves file secrets into a keychain that has appeared.
//!
//! An app that embeds the client core supplies its own store instead ([`SecretStore`],
//! `embedded.rs`), which takes the keychain's place under the same rules.

mod embedded;
mod files;
mod platform;

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use keyring_core::{CredentialStore, Entry};

use crate::config::APP_NAME;
use crate::secret::Secret;

pub use embedded::SecretStore;
pub use files::{create_private_dir, open_lock_file, read_private_file, write_private_file};

#[derive(Debug, thiserror::Error)]
pub enum KeychainError {
    /// The keychain answered with an error (`cause` is not a `source`: its text is part of
    /// the message, said once).
    #[error("{keychain} refused access ({cause}). {advice}")]
    Keyring {
        keychain: &'static str,
        cause: keyring_core::Error,
        /// What to do, for this kind of key store ([`KeychainManager::unlock_advice`]).
        advice: &'static str,
    },
    #[error(
        "{keychain} did not store the secret {name} ({cause}). {advice}; nothing was written to disk"
    )]
    Refused {
        keychain: &'static str,
        name: String,
        cause: keyring_core::Error,
        advice: &'static str,
    },
    #[error("cannot {action} {path}")]
    File {
        action: &'static str,
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("secret name {0:?} is not a plain name")]
    BadName(String),
    #[error("no OS keychain is usable here: {0}")]
    NoKeychain(String),
}

/// Where one secret is now.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Location {
    /// In the OS keychain, under service `backend-8825` and this account name.
    Keychain,
    /// In an owner-only file.
    File(PathBuf),
    /// In neither place that can be looked at.
    Missing,
    /// Not in a file, and the keychain cannot be asked.
    Unknown,
}

/// The platform store, dropped off the async runtime: the Linux one drives a runtime of its
/// own, and dropping it on a thread that runs tokio tasks panics ("Cannot start a runtime
/// from within a runtime").
struct Keyring(Option<Arc<CredentialStore>>);

impl Drop for Keyring {
    fn drop(&mut self) {
        if let Some(store) = self.0.take() {
            off_runtime(move || drop(store));
        }
    }
}

impl Keyring {
    fn store(&self) -> &Arc<CredentialStore> {
        self.0
            .as_ref()
            .expect("a keyring holds its store until dropped")
    }

    fn entry(&self, name: &str) -> keyring_core::Result<Entry> {
        Entry::new_in_store(self.store(), APP_NAME, name)
    }
}

/// Where secrets live. Cheap to clone; blocking calls (keychains are synchronous and may
/// prompt), so async callers run them on a blocking thread.
#[derive(Clone)]
pub struct KeychainManager {
    keyring: Option<Arc<Keyring>>,
    /// Why no keychain is used, when none is.
    unavailable: Option<String>,
    dir: PathBuf,
    warned: Arc<AtomicBool>,
}

impl std::fmt::Debug for KeychainManager {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("KeychainManager")
            .field(
                "keychain",
                &self.keyring.as_ref().map(|k| k.store().vendor()),
            )
            .field("unavailable", &self.unavailable)
            .field("dir", &self.dir)
            .finish()
    }
}

impl KeychainManager {
    /// Uses the platform keychain if `use_keychain` and one works, else files in `dir`.
    pub fn open(use_keychain: bool, dir: &Path) -> Self {
        if !use_keychain {
            return Self::without(
                "it is turned off (identity.keychain = false or BACKEND_8825_KEYCHAIN=false)",
                dir,
            );
        }
        match off_runtime(platform::open) {
            Ok(store) => Self::with_store(store, dir),
            Err(why) => {
                tracing::debug!(reason = %why, "no OS keychain");
                Self::without(&why, dir)
            }
        }
    }

    /// Uses the given keychain store (tests pass `keyring_core::mock::Store`), with `dir`
    /// for the secrets that already live in files.
    pub fn with_store(store: Arc<CredentialStore>, dir: &Path) -> Self {
        Self {
            keyring: Some(Arc::new(Keyring(Some(store)))),
            unavailable: None,
            dir: dir.to_path_buf(),
            warned: Arc::default(),
        }
    }

    /// Uses a key store the embedding app supplies (`crate::client`), in the keychain's
    /// place, with `dir` for secrets that already live in files.
    pub fn with_secret_store(store: Arc<dyn SecretStore>, dir: &Path) -> Self {
        Self::with_store(embedded::adapt(store), dir)
    }

    /// Only files in `dir`.
    pub fn files_only(dir: &Path) -> Self {
        Self::without("files were asked for", dir)
    }

    fn without(why: &str, dir: &Path) -> Self {
        Self {
            keyring: None,
            unavailable: Some(why.to_string()),
            dir: dir.to_path_buf(),
            warned: Arc::default(),
        }
    }

    pub fn uses_keychain(&self) -> bool {
        self.keyring.is_some()
    }

    /// Why no keychain is used (`None` when one is).
    pub fn unavailable_reason(&self) -> Option<&str> {
        self.unavailable.as_deref()
    }

    /// The keychain's name for messages ("the Secret Service", "the macOS Keychain").
    pub fn keychain_name(&self) -> &'static str {
        match &self.keyring {
            Some(keyring) if keyring.store().vendor() == embedded::VENDOR => embedded::NAME,
            _ => platform::name(),
        }
    }

    /// The directory of the file secrets.
    pub fn dir(&self) -> &Path {
        &self.dir
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

    fn keyring_error(&self, source: keyring_core::Error) -> KeychainError {
        KeychainError::Keyring {
            keychain: self.keychain_name(),
            cause: source,
            advice: self.unlock_advice(),
        }
    }

    /// What a user can do when the key store refuses: the OS keychain is unlocked by the
    /// desktop session; an app's key store (a phone's Keychain or Keystore) opens once the
    /// device is unlocked.
    fn unlock_advice(&self) -> &'static str {
        match &self.keyring {
            Some(keyring) if keyring.store().vendor() == embedded::VENDOR => {
                "If the device is locked, try again once it is unlocked"
            }
            _ => {
                "If it is locked, unlock it (log in to your desktop session, or open your \
                 keyring app) and try again"
            }
        }
    }

    /// Reads a secret: a file that exists wins (it was written when no keychain worked, and
    /// must not be shadowed by a keychain that appeared since), then the keychain.
    pub fn get(&self, name: &str) -> Result<Option<Secret<String>>, KeychainError> {
        if let Some(secret) = read_private_file(&self.file_path(name)?)? {
            return Ok(Some(secret));
        }
        let Some(keyring) = &self.keyring else {
            return Ok(None);
        };
        match off_runtime(|| keyring.entry(name)?.get_password()) {
            Ok(value) => Ok(Some(Secret::new(value))),
            Err(keyring_core::Error::NoEntry) => Ok(None),
            Err(e) => Err(self.keyring_error(e)),
        }
    }

    /// Stores a secret: in the keychain when there is one (an error if it refuses), else in
    /// an owner-only file. Returns where it went (for logs; never the value).
    pub fn set(&self, name: &str, value: &Secret<String>) -> Result<String, KeychainError> {
        let path = self.file_path(name)?;
        if let Some(keyring) = &self.keyring {
            off_runtime(|| keyring.entry(name)?.set_password(value.expose())).map_err(|cause| {
                KeychainError::Refused {
                    keychain: self.keychain_name(),
                    name: name.to_string(),
                    cause,
                    advice: self.unlock_advice(),
                }
            })?;
            return Ok(format!(
                "{} (service {APP_NAME}, account {name})",
                self.keychain_name()
            ));
        }
        if !self.warned.swap(true, Ordering::Relaxed) {
            tracing::warn!(
                dir = %self.dir.display(),
                "no OS keychain is used ({}); secrets are kept in owner-only (0600) files",
                self.unavailable.as_deref().unwrap_or("none found")
            );
        }
        write_private_file(&path, value.expose().as_bytes())?;
        Ok(path.display().to_string())
    }

    /// Where the secret `name` is now.
    pub fn locate(&self, name: &str) -> Result<Location, KeychainError> {
        let path = self.file_path(name)?;
        if path.exists() {
            return Ok(Location::File(path));
        }
        let Some(keyring) = &self.keyring else {
            return Ok(Location::Unknown);
        };
        match off_runtime(|| keyring.entry(name)?.get_credential()) {
            Ok(_) => Ok(Location::Keychain),
            Err(keyring_core::Error::NoEntry) => Ok(Location::Missing),
            Err(e) => Err(self.keyring_error(e)),
        }
    }

    /// Moves every secret kept in a file into the keychain: each is written, read back and
    /// compared before its file is removed. Returns the names moved.
    pub fn migrate_files(&self) -> Result<Vec<String>, KeychainError> {
        let Some(keyring) = &self.keyring else {
            return Err(KeychainError::NoKeychain(
                self.unavailable.clone().unwrap_or_default(),
            ));
        };
        let mut moved = Vec::new();
        for name in self.file_secret_names()? {
            let path = self.file_path(&name)?;
            let Some(value) = read_private_file(&path)? else {
                continue;
            };
            let refused = |cause| KeychainError::Refused {
                keychain: self.keychain_name(),
                name: name.clone(),
                cause,
                advice: self.unlock_advice(),
            };
            off_runtime(|| keyring.entry(&name)?.set_password(value.expose())).map_err(refused)?;
            let back = off_runtime(|| keyring.entry(&name)?.get_password())
                .map_err(|e| self.keyring_error(e))?;
            if back != *value.expose() {
                return Err(self.keyring_error(keyring_core::Error::Invalid(
                    name.clone(),
                    "the keychain gave back another value than was stored".into(),
                )));
            }
            std::fs::remove_file(&path).map_err(|source| KeychainError::File {
                action: "remove",
                path: path.clone(),
                source,
            })?;
            moved.push(name);
        }
        Ok(moved)
    }

    /// The names of the secrets kept in files, sorted.
    pub fn file_secret_names(&self) -> Result<Vec<String>, KeychainError> {
        let entries = match std::fs::read_dir(&self.dir) {
            Ok(entries) => entries,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
            Err(source) => {
                return Err(KeychainError::File {
                    action: "list",
                    path: self.dir.clone(),
                    source,
                });
            }
        };
        let mut names: Vec<String> = entries
            .filter_map(Result::ok)
            .filter_map(|e| {
                e.file_name()
                    .to_str()?
                    .strip_suffix(".pem")
                    .map(String::from)
            })
            .filter(|name| self.file_path(name).is_ok())
            .collect();
        names.sort();
        Ok(names)
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
        if let Some(keyring) = &self.keyring {
            match off_runtime(|| keyring.entry(name)?.delete_credential()) {
                Ok(()) | Err(keyring_core::Error::NoEntry) => {}
                Err(e) => return Err(self.keyring_error(e)),
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

#[cfg(test)]
mod tests;
