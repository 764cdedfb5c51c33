//! One identity key for every hosted instance on one Postgres database (docs/modes.md,
//! "Several hosted instances on one Postgres"). The instances share the `backend_id`; if
//! each presented its own key, a peer would see the identity flip with the instance that
//! answers. So the first instance to start records the key id (the public fingerprint,
//! never the key) in `meta`, with the same insert-if-absent as the `backend_id`, and every
//! later start compares its key with it and refuses another. `identity rotate` moves the
//! record to the new key. On SQLite one process owns the file: nothing is recorded.

use super::{BackendId, IdentityError, IdentityKey, KeyId, keeps_key_with_data_dir};
use crate::config::Config;
use crate::store::Store;

/// The meta key of the service's identity key id.
pub const META_IDENTITY_KEY_ID: &str = "identity_key_id";

/// What every refusal ends with: how instances come to share one key, and how to change it
/// on purpose.
const WHAT_TO_DO: &str = "Give every instance the same BACKEND_8825_IDENTITY_KEY secret (the \
    PKCS#8 PEM of the recorded key). To replace the key on purpose, do not swap the secret: \
    run `backend-8825 identity rotate` with the current key in identity.key_file \
    (BACKEND_8825_IDENTITY_KEY_FILE); it records the new key, the old one vouches for it for \
    seven days, and then every instance is given the new key. Nothing was changed";

/// Whether this daemon shares its database, and so its identity, with other instances: a
/// hosted daemon on Postgres.
fn shared(config: &Config) -> bool {
    !keeps_key_with_data_dir(config)
}

/// The key id recorded for this database, if this daemon shares it and one is.
pub(super) async fn recorded(
    config: &Config,
    store: &dyn Store,
) -> Result<Option<KeyId>, IdentityError> {
    if !shared(config) {
        return Ok(None);
    }
    let stored = store.meta_get(META_IDENTITY_KEY_ID).await?;
    stored.map(|s| parse(&s)).transpose()
}

fn parse(stored: &str) -> Result<KeyId, IdentityError> {
    stored
        .parse()
        .map_err(|e| IdentityError::CorruptId(format!("the recorded identity key id: {e}")))
}

/// Records `key` as the service's key if none is yet; refuses it if another is.
pub(super) async fn record_or_check(
    config: &Config,
    store: &dyn Store,
    key: &IdentityKey,
) -> Result<(), IdentityError> {
    if !shared(config) {
        return Ok(());
    }
    let stored = store
        .meta_init(META_IDENTITY_KEY_ID, key.key_id().as_str())
        .await?;
    if stored == key.key_id().as_str() {
        return Ok(());
    }
    let recorded = parse(&stored)?;
    let rotated_out = store
        .previous_identity_keys()
        .await?
        .iter()
        .any(|p| p.key_id == key.key_id().as_str());
    let mine = key.key_id();
    let origin = key_origin(config);
    let why = if rotated_out {
        format!(
            "this instance's identity key {mine} (from {origin}) was replaced by the key \
             {recorded} in a rotation, and the database records {recorded} as the key of every \
             instance"
        )
    } else {
        format!(
            "this database records the identity key {recorded} for every hosted instance on it, \
             and this instance was given another key, {mine} (from {origin}): peers would see \
             the identity change with the instance that answers"
        )
    };
    Err(IdentityError::NotTheServiceKey(format!(
        "{why}. {WHAT_TO_DO}"
    )))
}

/// The refusal of an instance given no key on a database that records one: a key of its own
/// would be a second identity under the same `backend_id`.
pub(super) fn no_key(config: &Config, backend_id: &BackendId, recorded: &KeyId) -> IdentityError {
    let looked = match &config.identity.key_file {
        Some(path) => format!("its identity.key_file {} does not exist", path.display()),
        None => format!(
            "no BACKEND_8825_IDENTITY_KEY, no identity.key_file, none in {}",
            config.secrets_dir().display()
        ),
    };
    IdentityError::NotTheServiceKey(format!(
        "this database records the identity key {recorded} for every hosted instance of backend \
         {backend_id}, and this instance has no key ({looked}): a key of its own would present \
         a second identity. {WHAT_TO_DO}"
    ))
}

/// Moves the record to the key a rotation made (a no-op where nothing is recorded).
pub(super) async fn rotated(
    config: &Config,
    store: &dyn Store,
    new: &KeyId,
) -> Result<(), IdentityError> {
    if shared(config) {
        store.meta_set(META_IDENTITY_KEY_ID, new.as_str()).await?;
    }
    Ok(())
}

/// Where this instance's key came from, for a refusal (never the key).
fn key_origin(config: &Config) -> String {
    match (&config.identity.key_pem, &config.identity.key_file) {
        (Some(_), _) => "BACKEND_8825_IDENTITY_KEY".to_string(),
        (None, Some(path)) => format!("the key file {}", path.display()),
        (None, None) => format!("the key kept in {}", config.secrets_dir().display()),
    }
}
