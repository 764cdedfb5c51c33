//! `backend-8825 keychain status` and `keychain migrate`: where each secret of a data dir
//! lives now, and moving file secrets into an OS keychain that has become available.

use anyhow::Context;

use crate::config::Config;
use crate::identity::{BackendId, key_secret_name};
use crate::keychain::{KeychainManager, Location};
use crate::lock::DataDirLock;
use crate::{local_api, peers, store};

/// Prints where the keychain stands and where each secret of the data dir is.
pub async fn status(config: &Config) -> anyhow::Result<()> {
    let keychain = KeychainManager::open(config.identity.keychain, &config.secrets_dir());
    let name = keychain.keychain_name();
    println!("data dir          {}", config.data_dir.display());
    match keychain.unavailable_reason() {
        None => println!("keychain          {name}: in use"),
        Some(why) => println!("keychain          not used: {why}"),
    }
    println!("secret files      {}", keychain.dir().display());
    let Some((backend_id, peers)) = read_identity(config).await? else {
        println!("identity          none yet: `backend-8825 serve` creates one");
        return Ok(());
    };
    let mut secrets = vec![
        ("identity key".to_string(), key_secret_name(&backend_id)),
        (
            "local API secret".to_string(),
            local_api::secret_name(&backend_id),
        ),
    ];
    for peer in peers.iter().filter(|p| p.status == store::PEER_ACTIVE) {
        let secret = peers::pair_key_secret_name(&peer.peer_id, &peer.kid);
        secrets.push((format!("pair key {}", peer.peer_id), secret));
        // The account's encryption keyring, only for an account that has one here.
        let keyring = crate::e2e::device::keyring_secret_name(&peer.peer_id);
        if matches!(
            keychain.locate(&keyring),
            Ok(Location::Keychain | Location::File(_))
        ) {
            secrets.push((format!("e2e keyring {}", peer.peer_id), keyring));
        }
    }
    let (explicit_file, width) = (config.identity.key_file.as_ref(), 18);
    for (what, secret) in secrets {
        let place = match (what.as_str(), explicit_file, &config.identity.key_pem) {
            ("identity key", _, Some(_)) => "BACKEND_8825_IDENTITY_KEY".to_string(),
            ("identity key", Some(path), _) => {
                format!("file {} (identity.key_file)", path.display())
            }
            _ => describe(&keychain, &secret)?,
        };
        println!("{what:<width$}{place}");
    }
    Ok(())
}

fn describe(keychain: &KeychainManager, secret: &str) -> anyhow::Result<String> {
    let name = keychain.keychain_name();
    let place = keychain
        .locate(secret)
        .with_context(|| format!("cannot ask {name} about {secret}"))?;
    Ok(match place {
        Location::Keychain => format!("{name} (service backend-8825, account {secret})"),
        Location::File(path) => format!("file {}", path.display()),
        Location::Missing => format!("MISSING (neither in {name} nor in a file)"),
        Location::Unknown => "not in a file; the keychain cannot be asked".to_string(),
    })
}

/// Moves the data dir's file secrets into the OS keychain. The daemon must be stopped: it
/// reads secrets from where they were when it started.
pub async fn migrate(config: &Config) -> anyhow::Result<()> {
    if !config.data_dir.exists() {
        anyhow::bail!(
            "{} does not exist: there is nothing to move",
            config.data_dir.display()
        );
    }
    let _lock = DataDirLock::acquire(&config.data_dir).map_err(|err| match err {
        crate::lock::LockError::Held { running, .. } => anyhow::anyhow!(
            "a daemon{running} is running on this data dir: stop the daemon before moving its \
             secrets (it reads them from where they were when it started)"
        ),
        other => other.into(),
    })?;
    let keychain = KeychainManager::open(true, &config.secrets_dir());
    if let Some(why) = keychain.unavailable_reason() {
        anyhow::bail!(
            "no OS keychain is usable here, so nothing was moved: {why}. Run this inside your \
             desktop session"
        );
    }
    let moved = tokio::task::spawn_blocking(move || keychain.migrate_files()).await??;
    if moved.is_empty() {
        eprintln!("no secret is kept in a file: nothing to move");
    }
    for name in &moved {
        println!("moved {name} into the keychain");
    }
    if !config.identity.keychain && !moved.is_empty() {
        eprintln!(
            "note: this data dir's configuration turns the keychain off (identity.keychain = \
             false); turn it on, or the daemon will not find the moved secrets"
        );
    }
    Ok(())
}

/// The data dir's backend_id and peers, without creating anything: `None` when no daemon
/// has run on it yet.
async fn read_identity(config: &Config) -> anyhow::Result<Option<(BackendId, Vec<store::Peer>)>> {
    if sqlite_path(config.database.url.expose()).is_some_and(|path| !path.exists()) {
        return Ok(None);
    }
    let db = &config.database;
    let store = store::connect(db.url.expose(), db.max_connections)
        .await
        .with_context(|| format!("cannot open the {} database", db.kind.as_str()))?;
    let stored = store.meta_get(crate::identity::META_BACKEND_ID).await?;
    let peers = store.peers(None).await?;
    store.close().await;
    let Some(stored) = stored else {
        return Ok(None);
    };
    let id = stored
        .parse()
        .map_err(|e: String| anyhow::anyhow!("the stored backend_id is corrupt: {e}"))?;
    Ok(Some((id, peers)))
}

/// The file of a `sqlite:` URL.
fn sqlite_path(url: &str) -> Option<std::path::PathBuf> {
    let rest = url
        .strip_prefix("sqlite://")
        .or(url.strip_prefix("sqlite:"))?;
    let path = rest.split('?').next().unwrap_or(rest);
    (!path.is_empty() && path != ":memory:").then(|| path.into())
}
