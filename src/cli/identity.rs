//! `backend-8825 identity rotate`: a new identity key for a stopped daemon's data dir.

use anyhow::Context;

use crate::clock::Clock;
use crate::config::{Config, Mode};
use crate::identity::{Rotation, rotation};
use crate::keychain::KeychainManager;
use crate::lock::{DataDirLock, LockError};
use crate::store;

/// Rotates the identity key of the data dir `config` names, at `clock`'s time. Refuses
/// while a daemon runs on the data dir: it would go on signing with the old key, and it
/// announces the new key to its peers only when it starts.
pub async fn rotate_identity(
    config: &Config,
    keychain: &KeychainManager,
    clock: &dyn Clock,
) -> anyhow::Result<Rotation> {
    let _lock = DataDirLock::acquire(&config.data_dir).map_err(|err| match err {
        LockError::Held { running, .. } => anyhow::anyhow!(
            "a daemon{running} is running on the data dir {}: stop it before rotating its \
             identity key (it keeps signing with the key it loaded, and tells its peers about \
             a new key when it starts). Nothing was changed",
            config.data_dir.display()
        ),
        other => other.into(),
    })?;
    let db = &config.database;
    let store = store::connect(db.url.expose(), db.max_connections)
        .await
        .with_context(|| format!("cannot open the {} database", db.kind.as_str()))?;
    let rotated = rotation::rotate(config, store.as_ref(), keychain, clock).await;
    store.close().await;
    Ok(rotated?)
}

/// Prints what a rotation did, for people.
pub fn report(rotated: &Rotation, mode: Mode) {
    let until = chrono::DateTime::from_timestamp(rotated.valid_until, 0)
        .map(|t| t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true))
        .unwrap_or_default();
    eprintln!(
        "rotated the identity key of backend {}: the new key is kept in {}",
        rotated.backend_id, rotated.location
    );
    eprintln!("old key_id  {}", rotated.old_key_id);
    eprintln!("new key_id  {}", rotated.new_key_id);
    match mode {
        Mode::Local => eprintln!(
            "the old key vouches for the new one until {until}: start the daemon before then, \
             so it tells its hosted peers (they re-pin without pairing again). After that date \
             a peer that has not heard of the new key must be paired again"
        ),
        Mode::Hosted => eprintln!(
            "the old key vouches for the new one until {until}: each local peer re-pins at its \
             next renewal (within hours while it runs). A local daemon that does not renew \
             before that date must be paired again"
        ),
    }
    println!("{}", rotated.new_key_id);
}
