//! `BackendIdentity`: who this backend is (`backend_id`, its RSA identity key) and the public
//! identity document other backends and the UI read from `GET /identity`.

pub mod backend_id;
mod ids;
mod keys;
pub mod rotation;
pub(crate) mod routes;
mod service_key;

use std::sync::Arc;

use serde::{Deserialize, Serialize};

use crate::config::{APP_NAME, Config, Mode};
use crate::keychain::{
    KeychainError, KeychainManager, open_lock_file, read_private_file, write_private_file,
};
use crate::store::{PreviousIdentityKey, Store, StoreError};

pub use ids::{BackendId, KeyId};
pub use keys::{IdentityKey, KEY_BITS, KeyError, PublicIdentityKey};
pub use rotation::{KEY_GRACE_SECS, KeyChange, KeyChangeError, PreviousKeyView, Rotation};
pub use service_key::META_IDENTITY_KEY_ID;

/// Version of the identity document format.
pub const IDENTITY_VERSION: &str = "1.0";
/// The meta key of the stored backend_id.
pub const META_BACKEND_ID: &str = "backend_id";

/// Capabilities each profile advertises in its identity document.
pub const LOCAL_CAPABILITIES: &[&str] = &["offline", "fast_context", "local_capture"];
pub const HOSTED_CAPABILITIES: &[&str] = &["accounts", "relay", "telemetry_ingest"];

/// The public identity document, exactly as `GET /identity` serves it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct IdentityDocument {
    pub backend_id: BackendId,
    pub backend_type: Mode,
    pub public_key: String,
    pub key_id: KeyId,
    pub capabilities: Vec<String>,
    pub version: String,
    /// Earlier identity keys still in their grace after a rotation, each with the
    /// statement it signed for its successor. Absent when there are none.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub previous_keys: Vec<PreviousKeyView>,
}

/// This backend's identity, loaded once at start-up and shared read-only.
#[derive(Debug)]
pub struct BackendIdentity {
    pub backend_id: BackendId,
    pub mode: Mode,
    pub key: IdentityKey,
    /// The keys this one replaced (`identity rotate`), as stored, oldest first; each is
    /// shown and announced only until its grace ends.
    pub previous: Vec<PreviousIdentityKey>,
}

#[derive(Debug, thiserror::Error)]
pub enum IdentityError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("the stored backend_id is corrupt: {0}")]
    CorruptId(String),
    #[error(transparent)]
    Keychain(#[from] KeychainError),
    #[error("identity key from {origin}")]
    Key { origin: String, source: KeyError },
    #[error("the key storage task failed")]
    Join(#[from] tokio::task::JoinError),
    /// The data dir has an identity whose key cannot be found: starting would mean a new
    /// key under the same backend_id, which breaks every pairing, so the start stops here.
    #[error("{0}")]
    KeyNotHere(String),
    #[error("cannot rotate the identity key: {0}")]
    CannotRotate(String),
    /// A hosted instance whose key is not the one its shared database records: it would
    /// present one `backend_id` with a second key.
    #[error("{0}")]
    NotTheServiceKey(String),
}

impl BackendIdentity {
    pub fn key_id(&self) -> &KeyId {
        self.key.key_id()
    }

    pub fn document(&self) -> IdentityDocument {
        let capabilities = match self.mode {
            Mode::Local => LOCAL_CAPABILITIES,
            Mode::Hosted => HOSTED_CAPABILITIES,
        };
        IdentityDocument {
            backend_id: self.backend_id.clone(),
            backend_type: self.mode,
            public_key: self.key.public().pem().to_string(),
            key_id: self.key.key_id().clone(),
            capabilities: capabilities.iter().map(|c| c.to_string()).collect(),
            version: IDENTITY_VERSION.to_string(),
            previous_keys: Vec::new(),
        }
    }

    /// The document at `now_ms`, with the earlier keys whose grace has not ended.
    pub fn document_at(&self, now_ms: i64) -> IdentityDocument {
        IdentityDocument {
            previous_keys: self
                .previous_in_grace(now_ms)
                .filter_map(PreviousKeyView::from_record)
                .collect(),
            ..self.document()
        }
    }

    /// The earlier keys whose grace has not ended at `now_ms`, oldest rotation first.
    pub fn previous_in_grace(&self, now_ms: i64) -> impl Iterator<Item = &PreviousIdentityKey> {
        self.previous
            .iter()
            .filter(move |p| p.valid_until >= now_ms)
    }

    /// Loads the identity, creating it on first start: the persisted `backend_id` (derived
    /// and stored if absent) and the identity key (generated and stored if absent). A
    /// `backend_id` is stored only once its key is, so a stored one means a key exists
    /// somewhere: if it cannot be found, this fails rather than make another (see
    /// [`IdentityError::KeyNotHere`]). A hosted instance on Postgres also checks its key
    /// against the one its database records for every instance, recording it if none is
    /// (see [`IdentityError::NotTheServiceKey`]).
    pub async fn load_or_create(
        config: &Config,
        store: &dyn Store,
        keychain: &KeychainManager,
    ) -> Result<Arc<Self>, IdentityError> {
        let mut existing = store.meta_get(META_BACKEND_ID).await?;
        // Creating one: one process at a time per data dir (`serve` and a CLI command may
        // both be first), then look again under the lock.
        let _creating = match (&existing, &config.identity.key_pem) {
            (None, None) => {
                let lock = creation_lock(&config.data_dir).await?;
                existing = store.meta_get(META_BACKEND_ID).await?;
                Some(lock)
            }
            _ => None,
        };
        let backend_id = match &existing {
            Some(stored) => stored.parse().map_err(IdentityError::CorruptId)?,
            None => backend_id::derive(backend_id::machine_id().as_deref(), &config.data_dir),
        };
        let key = match find_key(config, keychain, &backend_id).await? {
            Some(key) => key,
            None => {
                if let Some(recorded) = service_key::recorded(config, store).await? {
                    return Err(service_key::no_key(config, &backend_id, &recorded));
                }
                let replacing = existing.is_some();
                if replacing && !replaceable(config, store, keychain).await? {
                    return Err(key_not_here(config, keychain, &backend_id));
                }
                create_key(config, keychain, &backend_id, replacing).await?
            }
        };
        let stored = store
            .meta_init(META_BACKEND_ID, backend_id.as_str())
            .await?;
        if stored != backend_id.as_str() {
            // Another process created this identity at the same moment: use its.
            return Box::pin(Self::load_or_create(config, store, keychain)).await;
        }
        service_key::record_or_check(config, store, &key).await?;
        let previous = store.previous_identity_keys().await?;
        Ok(Arc::new(Self {
            backend_id,
            mode: config.mode,
            key,
            previous,
        }))
    }
}

/// Waits for and takes `<data_dir>/identity.lock`, held while an identity is created.
async fn creation_lock(data_dir: &std::path::Path) -> Result<std::fs::File, IdentityError> {
    let dir = data_dir.to_path_buf();
    let lock = tokio::task::spawn_blocking(move || {
        let file = open_lock_file(&dir.join("identity.lock"))?;
        file.lock()?;
        Ok::<_, std::io::Error>(file)
    })
    .await?;
    lock.map_err(|source| {
        IdentityError::Keychain(KeychainError::File {
            action: "lock the identity of",
            path: data_dir.to_path_buf(),
            source,
        })
    })
}

/// Whether this daemon's key belongs with its data dir (a local daemon, or any daemon on
/// SQLite), so that a data dir with an identity and no reachable key must not start. A
/// hosted daemon on a shared Postgres holds the key of its service instead: the database
/// records which one (`service_key`), and an instance without it makes its own key only
/// while nothing is recorded (with a warning).
fn keeps_key_with_data_dir(config: &Config) -> bool {
    config.mode == Mode::Local || config.database.kind == crate::store::DatabaseKind::Sqlite
}

/// Why the key of an existing identity is not found, and what to do.
fn key_not_here(
    config: &Config,
    keychain: &KeychainManager,
    backend_id: &BackendId,
) -> IdentityError {
    let dir = config.data_dir.display();
    if let Some(path) = &config.identity.key_file {
        return IdentityError::KeyNotHere(format!(
            "the data dir {dir} already has an identity, but its key file {} does not exist. \
             Nothing was changed: a new key would break every pairing",
            path.display()
        ));
    }
    let name = &key_secret_name(backend_id);
    let file = keychain
        .file_path(name)
        .map(|p| p.display().to_string())
        .unwrap_or_default();
    let keychain_name = keychain.keychain_name();
    let what = match keychain.unavailable_reason() {
        Some(_) if config.mode == Mode::Hosted => format!(
            "it is not in {file}. Give the key as BACKEND_8825_IDENTITY_KEY (a PKCS#8 PEM) or \
             point identity.key_file at it"
        ),
        Some(why) => format!(
            "it is not in {file}, and {keychain_name}, where it is kept otherwise, is not \
             used: {why}. Run backend-8825 where the keychain is reachable (inside your \
             desktop session) or turn it back on"
        ),
        None => format!(
            "it is neither in {keychain_name} (service {APP_NAME}, account {name}) nor in \
             {file}. If this data dir was copied from another machine, bring its key too"
        ),
    };
    IdentityError::KeyNotHere(format!(
        "the data dir {dir} already has an identity, but its key is not here: {what}. Nothing \
         was changed: a new key would break every pairing. To start over with a new identity \
         instead, move the data dir away"
    ))
}

/// The keychain entry name of this backend's identity key. It includes the backend id, so
/// two daemons with two data dirs on one machine keep two keys.
pub fn key_secret_name(backend_id: &BackendId) -> String {
    format!("identity-{backend_id}")
}

/// The identity key, if it is where the configuration says: the environment, the key file,
/// or the key store.
async fn find_key(
    config: &Config,
    keychain: &KeychainManager,
    backend_id: &BackendId,
) -> Result<Option<IdentityKey>, IdentityError> {
    if let Some(pem) = &config.identity.key_pem {
        let origin = "BACKEND_8825_IDENTITY_KEY".to_string();
        return IdentityKey::from_pkcs8_pem(pem.expose())
            .map(Some)
            .map_err(|source| IdentityError::Key { origin, source });
    }
    let key_file = config.identity.key_file.clone();
    let keychain = keychain.clone();
    let name = key_secret_name(backend_id);
    tokio::task::spawn_blocking(move || {
        let (pem, origin) = match &key_file {
            Some(path) => (read_private_file(path)?, path.display().to_string()),
            None => (keychain.get(&name)?, format!("secret {name}")),
        };
        pem.map(|pem| {
            IdentityKey::from_pkcs8_pem(pem.expose())
                .map_err(|source| IdentityError::Key { origin, source })
        })
        .transpose()
    })
    .await?
}

/// Whether an identity whose key was not found may get a new one. Never where the key lives
/// with the data dir and might only be out of reach; otherwise only if the key is gone for
/// certain (no file, and a keychain that answers without it, or none by the hosted profile's
/// design) and nothing is paired with the identity: then nothing breaks but the
/// fingerprint, and a first start that stopped between storing the backend_id and its key
/// heals.
async fn replaceable(
    config: &Config,
    store: &dyn Store,
    keychain: &KeychainManager,
) -> Result<bool, IdentityError> {
    if !keeps_key_with_data_dir(config) {
        return Ok(true);
    }
    let certainly_gone = keychain.uses_keychain() || config.mode == Mode::Hosted;
    Ok(certainly_gone && store.peers(None).await?.is_empty())
}

/// Generates an identity key and stores it where the configuration says.
async fn create_key(
    config: &Config,
    keychain: &KeychainManager,
    backend_id: &BackendId,
    replacing: bool,
) -> Result<IdentityKey, IdentityError> {
    let key_file = config.identity.key_file.clone();
    let keychain = keychain.clone();
    let name = key_secret_name(backend_id);
    let mode = config.mode;
    tokio::task::spawn_blocking(move || {
        let key = IdentityKey::generate().map_err(|source| IdentityError::Key {
            origin: "generation".into(),
            source,
        })?;
        let pem = key.to_pkcs8_pem();
        let location = match &key_file {
            Some(path) => {
                write_private_file(path, pem.expose().as_bytes())?;
                path.display().to_string()
            }
            None => keychain.set(&name, &pem)?,
        };
        tracing::info!(key_id = %key.key_id(), %location, "generated a new identity key");
        if replacing {
            tracing::warn!(
                key_id = %key.key_id(),
                "this data dir's identity key was not found and nothing is paired with it: a \
                 new key replaces it, so its fingerprint (key_id) has changed"
            );
        }
        if mode == Mode::Hosted {
            tracing::warn!(
                "a hosted backend generated its own identity key, kept on this instance's disk \
                 only: set BACKEND_8825_IDENTITY_KEY (a PKCS#8 PEM secret) on every instance. \
                 On Postgres the database records this key, and an instance without it (another \
                 one, or this one redeployed on a fresh disk) is refused at start"
            );
        }
        Ok(key)
    })
    .await?
}
