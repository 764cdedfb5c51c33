//! A key store supplied by an embedder of the client core: an app keeps the daemon's
//! secrets in its platform's store (the iOS Keychain, the Android Keystore) by implementing
//! [`SecretStore`]. It is adapted here to `keyring_core`'s store type, so `KeychainManager`
//! treats it as it treats an OS keychain: a write it refuses is an error, never a silent
//! fallback to a file.

use std::any::Any;
use std::collections::HashMap;
use std::sync::Arc;

use keyring_core::api::{CredentialApi, CredentialStoreApi};
use keyring_core::{Credential, CredentialStore, Entry, Error, Result};

/// What an embedder implements: secrets by name (a plain name such as `identity-key`; the
/// value is text: a PEM key or a base64 key). An error is the store's own words, passed on
/// to the user.
pub trait SecretStore: Send + Sync {
    /// The secret `name`, or `None` when there is none.
    fn get(&self, name: &str) -> std::result::Result<Option<String>, String>;
    /// Stores `value` under `name`, replacing any secret of that name.
    fn set(&self, name: &str, value: &str) -> std::result::Result<(), String>;
    /// Removes the secret `name`; removing one that does not exist is not an error.
    fn delete(&self, name: &str) -> std::result::Result<(), String>;
}

/// The vendor name the adapted store reports, and what messages call it.
pub(super) const VENDOR: &str = "backend-8825 embedder key store";
pub(super) const NAME: &str = "the app's key store";

/// `store` as a `keyring_core` credential store.
pub(super) fn adapt(store: Arc<dyn SecretStore>) -> Arc<CredentialStore> {
    Arc::new(Adapter(store))
}

struct Adapter(Arc<dyn SecretStore>);

impl CredentialStoreApi for Adapter {
    fn vendor(&self) -> String {
        VENDOR.to_string()
    }

    fn id(&self) -> String {
        VENDOR.to_string()
    }

    fn build(
        &self,
        service: &str,
        user: &str,
        _modifiers: Option<&HashMap<&str, &str>>,
    ) -> Result<Entry> {
        let credential = Named {
            store: self.0.clone(),
            service: service.to_string(),
            name: user.to_string(),
        };
        Ok(Entry::new_with_credential(Arc::new(credential)))
    }

    fn as_any(&self) -> &dyn Any {
        self
    }

    fn debug_fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(VENDOR)
    }
}

/// One secret of the embedder's store.
struct Named {
    store: Arc<dyn SecretStore>,
    service: String,
    name: String,
}

impl std::fmt::Debug for Named {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The name only: never the value.
        f.debug_struct("Named").field("name", &self.name).finish()
    }
}

fn refused(why: String) -> Error {
    Error::NoStorageAccess(why.into())
}

impl CredentialApi for Named {
    fn set_secret(&self, secret: &[u8]) -> Result<()> {
        let text = std::str::from_utf8(secret).map_err(|_| Error::BadEncoding(Vec::new()))?;
        self.store.set(&self.name, text).map_err(refused)
    }

    fn get_secret(&self) -> Result<Vec<u8>> {
        match self.store.get(&self.name).map_err(refused)? {
            Some(value) => Ok(value.into_bytes()),
            None => Err(Error::NoEntry),
        }
    }

    fn delete_credential(&self) -> Result<()> {
        match self.store.get(&self.name).map_err(refused)? {
            Some(_) => self.store.delete(&self.name).map_err(refused),
            None => Err(Error::NoEntry),
        }
    }

    fn get_credential(&self) -> Result<Option<Arc<Credential>>> {
        match self.store.get(&self.name).map_err(refused)? {
            Some(_) => Ok(None),
            None => Err(Error::NoEntry),
        }
    }

    fn get_specifiers(&self) -> Option<(String, String)> {
        Some((self.service.clone(), self.name.clone()))
    }

    fn as_any(&self) -> &dyn Any {
        self
    }
}
