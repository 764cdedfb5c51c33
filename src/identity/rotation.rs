//! Rotating the identity key (docs/protocol.md, "Key rotation"): a new key replaces the old
//! one where it is kept, and the old key signs a key-change statement for its successor, as
//! ACME's keyChange does. A peer that pinned the old key checks the statement with it and
//! re-pins; nobody pairs again. The old public key and its statement are kept for a grace of
//! [`KEY_GRACE_SECS`]; after it the old key vouches for nothing.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::{
    BackendId, BackendIdentity, IdentityError, IdentityKey, KeyError, KeyId, META_BACKEND_ID,
    PublicIdentityKey, key_secret_name,
};
use crate::clock::Clock;
use crate::config::Config;
use crate::keychain::{KeychainManager, write_private_file};
use crate::store::{PreviousIdentityKey, Store};

/// How long the old key is still vouched for after a rotation: seven days.
pub const KEY_GRACE_SECS: i64 = 7 * 24 * 3600;
/// The first line of what the old key signs.
pub const KEY_CHANGE_LABEL: &str = "backend-8825 key-change v1";
pub const KEY_CHANGE_VERSION: u32 = 1;

/// The old key's word for the new one. Every field but `signature` is signed (see
/// [`KeyChange::transcript`]).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct KeyChange {
    /// Always 1.
    pub v: u32,
    pub backend_id: BackendId,
    /// The key that signs this statement.
    pub old_key_id: KeyId,
    pub new_key_id: KeyId,
    /// PEM SubjectPublicKeyInfo of the new key.
    pub new_public_key: String,
    /// Unix seconds.
    pub created_at: i64,
    /// Unix seconds: the end of the grace. No peer takes the statement after it.
    pub valid_until: i64,
    /// RSASSA-PSS (SHA-256) by the old key over the transcript, unpadded base64url.
    pub signature: String,
}

/// Why a key-change statement is refused.
#[derive(Debug, thiserror::Error)]
pub enum KeyChangeError {
    #[error("the key-change statement has version {0}; only 1 is known")]
    Version(u32),
    #[error("the key-change statement is about another backend")]
    OtherBackend,
    #[error("the key-change statement replaces another key than the one pinned for this peer")]
    NotPinned,
    #[error(
        "the key-change statement's grace ended (Unix time {0}): the old key vouches for no new \
         key after it, so pair again"
    )]
    Expired(i64),
    #[error("the key-change statement claims a grace longer than seven days")]
    GraceTooLong,
    #[error("the key-change statement is not signed by the key pinned for this peer")]
    BadSignature,
    #[error("the key-change statement's new key is not usable: {0}")]
    BadNewKey(String),
}

impl KeyChange {
    /// The bytes the old key signs: a label line, then `name=value` lines. Every value is an
    /// id, a hex digest or a number, so none holds a newline.
    pub fn transcript(&self) -> Vec<u8> {
        let pem_digest = hex::encode(Sha256::digest(self.new_public_key.as_bytes()));
        format!(
            "{KEY_CHANGE_LABEL}\nv={}\nbackend_id={}\nold_key_id={}\nnew_key_id={}\n\
             new_public_key_sha256={}\ncreated_at={}\nvalid_until={}",
            self.v,
            self.backend_id,
            self.old_key_id,
            self.new_key_id,
            pem_digest,
            self.created_at,
            self.valid_until
        )
        .into_bytes()
    }

    /// The statement `old` makes for `new`, at `now` (Unix seconds).
    pub fn sign(
        old: &IdentityKey,
        backend_id: &BackendId,
        new: &PublicIdentityKey,
        now: i64,
    ) -> Result<Self, KeyError> {
        let mut statement = Self {
            v: KEY_CHANGE_VERSION,
            backend_id: backend_id.clone(),
            old_key_id: old.key_id().clone(),
            new_key_id: new.key_id().clone(),
            new_public_key: new.pem().to_string(),
            created_at: now,
            valid_until: now + KEY_GRACE_SECS,
            signature: String::new(),
        };
        statement.signature = URL_SAFE_NO_PAD.encode(old.sign(&statement.transcript())?);
        Ok(statement)
    }

    /// Checks the statement against the key pinned for `backend_id`, at `now` (Unix
    /// seconds); the new key if it holds.
    pub fn verify(
        &self,
        pinned: &PublicIdentityKey,
        backend_id: &str,
        now: i64,
    ) -> Result<PublicIdentityKey, KeyChangeError> {
        if self.v != KEY_CHANGE_VERSION {
            return Err(KeyChangeError::Version(self.v));
        }
        if self.backend_id.as_str() != backend_id {
            return Err(KeyChangeError::OtherBackend);
        }
        if &self.old_key_id != pinned.key_id() {
            return Err(KeyChangeError::NotPinned);
        }
        let signature = URL_SAFE_NO_PAD
            .decode(&self.signature)
            .map_err(|_| KeyChangeError::BadSignature)?;
        pinned
            .verify(&self.transcript(), &signature)
            .map_err(|_| KeyChangeError::BadSignature)?;
        // Checked after the signature, so these times are the old key's word.
        if self.valid_until - self.created_at > KEY_GRACE_SECS {
            return Err(KeyChangeError::GraceTooLong);
        }
        if now > self.valid_until {
            return Err(KeyChangeError::Expired(self.valid_until));
        }
        let new = PublicIdentityKey::from_pem(&self.new_public_key)
            .map_err(|e| KeyChangeError::BadNewKey(e.to_string()))?;
        if new.key_id() != &self.new_key_id {
            return Err(KeyChangeError::BadNewKey(
                "its key_id is not the fingerprint of its public key".into(),
            ));
        }
        if new.key_id() == pinned.key_id() {
            return Err(KeyChangeError::BadNewKey("it is the old key".into()));
        }
        Ok(new)
    }
}

/// What a rotation did.
#[derive(Clone, Debug)]
pub struct Rotation {
    pub backend_id: BackendId,
    pub old_key_id: KeyId,
    pub new_key_id: KeyId,
    /// Unix seconds: the end of the old key's grace.
    pub valid_until: i64,
    /// Where the new key is kept.
    pub location: String,
}

/// Replaces this data dir's identity key with a new one, at `clock`'s time. The daemon of
/// the data dir must be stopped (the caller holds its lock): a running one would go on
/// signing with the old key. The old key's statement (and, on a shared Postgres database,
/// the new key id as the service's key) is recorded before the new key is stored, so a
/// failure in between leaves the old key in place and the records are undone.
pub async fn rotate(
    config: &Config,
    store: &dyn Store,
    keychain: &KeychainManager,
    clock: &dyn Clock,
) -> Result<Rotation, IdentityError> {
    if config.identity.key_pem.is_some() {
        return Err(IdentityError::CannotRotate(
            "the identity key comes from BACKEND_8825_IDENTITY_KEY, which this command cannot \
             change: set identity.key_file or use the keychain instead"
                .into(),
        ));
    }
    if store.meta_get(META_BACKEND_ID).await?.is_none() {
        return Err(IdentityError::CannotRotate(format!(
            "the data dir {} has no identity yet: `backend-8825 serve` creates one",
            config.data_dir.display()
        )));
    }
    let current = BackendIdentity::load_or_create(config, store, keychain).await?;
    let new_key = tokio::task::spawn_blocking(IdentityKey::generate)
        .await?
        .map_err(|source| IdentityError::Key {
            origin: "generation".into(),
            source,
        })?;
    let now = clock.now().timestamp();
    let statement = KeyChange::sign(&current.key, &current.backend_id, new_key.public(), now)
        .map_err(|source| IdentityError::Key {
            origin: "the key-change statement".into(),
            source,
        })?;
    let record = PreviousIdentityKey {
        key_id: current.key_id().to_string(),
        public_key: current.key.public().pem().to_string(),
        valid_until: statement.valid_until * 1000,
        key_change: serde_json::to_string(&statement).expect("a statement serializes"),
        rotated_at: clock.now_ms(),
    };
    store.add_previous_identity_key(&record).await?;
    let seen_at = key_seen_at_meta(&statement.new_key_id);
    store
        .meta_init(&seen_at, &record.rotated_at.to_string())
        .await?;
    // Instances on one Postgres database present the key it records: from now on, the new.
    super::service_key::rotated(config, store, &statement.new_key_id).await?;
    let key_file = config.identity.key_file.clone();
    let name = key_secret_name(&current.backend_id);
    let keychain = keychain.clone();
    let pem = new_key.to_pkcs8_pem();
    let stored = tokio::task::spawn_blocking(move || match &key_file {
        Some(path) => {
            write_private_file(path, pem.expose().as_bytes()).map(|()| path.display().to_string())
        }
        None => keychain.set(&name, &pem),
    })
    .await?;
    let location = match stored {
        Ok(location) => location,
        Err(err) => {
            super::service_key::rotated(config, store, &statement.old_key_id).await?;
            store.remove_previous_identity_key(&record.key_id).await?;
            return Err(err.into());
        }
    };
    tracing::info!(old_key_id = %statement.old_key_id, new_key_id = %statement.new_key_id,
        %location, "rotated the identity key");
    Ok(Rotation {
        backend_id: current.backend_id.clone(),
        old_key_id: statement.old_key_id,
        new_key_id: statement.new_key_id,
        valid_until: statement.valid_until,
        location,
    })
}

/// The meta key that records when the identity key `key_id` was first in use: its rotation,
/// or the first start that saw it (for a key from before this record, or one given in the
/// environment).
pub fn key_seen_at_meta(key_id: &KeyId) -> String {
    format!("identity_key_seen_at:{key_id}")
}

/// The age in whole days of a key first in use at `seen_ms`, when it is over `max_days`.
pub fn key_too_old(seen_ms: i64, now_ms: i64, max_days: u32) -> Option<i64> {
    let age_days = (now_ms - seen_ms).div_euclid(24 * 3600 * 1000);
    (age_days > i64::from(max_days)).then_some(age_days)
}

/// Records when the key in use was first seen (if not yet), and warns when it is older than
/// `identity.max_key_age_days`: the age in days when it warned.
pub async fn check_key_age(
    identity: &BackendIdentity,
    config: &Config,
    store: &dyn Store,
    now_ms: i64,
) -> Result<Option<i64>, IdentityError> {
    let meta = key_seen_at_meta(identity.key_id());
    let seen = store.meta_init(&meta, &now_ms.to_string()).await?;
    let Some(max_days) = config.identity.max_key_age_days else {
        return Ok(None);
    };
    let age = key_too_old(seen.parse().unwrap_or(now_ms), now_ms, max_days);
    if let Some(days) = age {
        tracing::warn!(key_id = %identity.key_id(), age_days = days, max_key_age_days = max_days,
            "the identity key is older than identity.max_key_age_days: stop the daemon and run \
             `backend-8825 identity rotate`; its peers follow without pairing again");
    }
    Ok(age)
}

/// One earlier key as `GET /identity` shows it during its grace.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct PreviousKeyView {
    pub key_id: KeyId,
    /// PEM SubjectPublicKeyInfo.
    pub public_key: String,
    /// Unix seconds: the end of its grace.
    pub valid_until: i64,
    /// The statement this key signed for its successor.
    pub key_change: KeyChange,
}

impl PreviousKeyView {
    /// The view of a stored record, `None` if the record does not parse (it is then left
    /// out rather than shown half).
    pub fn from_record(record: &PreviousIdentityKey) -> Option<Self> {
        Some(Self {
            key_id: record.key_id.parse().ok()?,
            public_key: record.public_key.clone(),
            valid_until: record.valid_until.div_euclid(1000),
            key_change: serde_json::from_str(&record.key_change).ok()?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn signed_with_grace(old: &IdentityKey, new: &IdentityKey, grace: i64) -> KeyChange {
        let id: BackendId = "0123456789abcdef0123456789abcdef".parse().unwrap();
        let mut statement = KeyChange::sign(old, &id, new.public(), 1_000).unwrap();
        statement.valid_until = statement.created_at + grace;
        statement.signature = URL_SAFE_NO_PAD.encode(old.sign(&statement.transcript()).unwrap());
        statement
    }

    #[test]
    fn a_statement_holds_only_as_signed_for_its_backend_and_key_within_its_grace() {
        let (old, new, other) = (
            IdentityKey::generate().unwrap(),
            IdentityKey::generate().unwrap(),
            IdentityKey::generate().unwrap(),
        );
        let statement = signed_with_grace(&old, &new, KEY_GRACE_SECS);
        let backend = statement.backend_id.to_string();
        let pinned = old.public();
        let end = statement.valid_until;
        let taken = statement.verify(pinned, &backend, end).unwrap();
        assert_eq!(taken.key_id(), new.key_id());
        assert!(matches!(
            statement.verify(pinned, &backend, end + 1),
            Err(KeyChangeError::Expired(_))
        ));
        assert!(matches!(
            statement.verify(pinned, "ffffffffffffffffffffffffffffffff", end),
            Err(KeyChangeError::OtherBackend)
        ));
        assert!(matches!(
            statement.verify(other.public(), &backend, end),
            Err(KeyChangeError::NotPinned)
        ));

        // Any signed field changed after signing: the signature no longer holds.
        let mut longer = statement.clone();
        longer.valid_until += 3600;
        let mut swapped = statement.clone();
        swapped.new_public_key = other.public().pem().to_string();
        swapped.new_key_id = other.key_id().clone();
        for tampered in [longer, swapped] {
            assert!(matches!(
                tampered.verify(pinned, &backend, end),
                Err(KeyChangeError::BadSignature)
            ));
        }
        // Signed by the pinned key, but for more than the grace.
        let greedy = signed_with_grace(&old, &new, KEY_GRACE_SECS + 1);
        assert!(matches!(
            greedy.verify(pinned, &backend, 2_000),
            Err(KeyChangeError::GraceTooLong)
        ));
        // A new key that is not the one its key_id names.
        let mut mislabelled = signed_with_grace(&old, &new, 60);
        mislabelled.new_key_id = other.key_id().clone();
        mislabelled.signature =
            URL_SAFE_NO_PAD.encode(old.sign(&mislabelled.transcript()).unwrap());
        assert!(matches!(
            mislabelled.verify(pinned, &backend, 1_000),
            Err(KeyChangeError::BadNewKey(_))
        ));
    }
}
