//! The arguments commands share: which data dir, database and config, and how to reach the
//! running daemon.

use std::net::IpAddr;
use std::path::PathBuf;

use anyhow::Context;
use clap::{Args, Subcommand};

use crate::app::build_state;
use crate::config::{Config, Env, Mode, Overrides};
use crate::keychain::KeychainManager;
use crate::local_api::{LocalClient, LocalSecret};
use crate::{local_api, logging, store};

#[derive(Debug, Args)]
pub struct CommonArgs {
    /// Which profile: `local` (your machine) or `hosted` (a server) [default: $BACKEND_8825_MODE,
    /// else local; an empty variable counts as unset].
    #[arg(long, value_enum)]
    pub mode: Option<Mode>,
    /// Data directory [default: the platform data dir, e.g. ~/.local/share/backend-8825].
    #[arg(long, value_name = "DIR")]
    pub data_dir: Option<PathBuf>,
    /// Database URL: `sqlite:PATH` or `postgres://...` [local default: SQLite in the data
    /// dir; hosted: $DATABASE_URL].
    #[arg(long, value_name = "URL")]
    pub database_url: Option<String>,
    /// A TOML config file layered over the profile's defaults (see docs/configuration.md)
    /// [default: $BACKEND_8825_CONFIG].
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct ServeArgs {
    #[command(flatten)]
    pub common: CommonArgs,
    /// Address to listen on [local: 127.0.0.1; hosted: 0.0.0.0].
    #[arg(long, value_name = "ADDR")]
    pub bind: Option<IpAddr>,
    /// Port to listen on; 0 picks a free one and logs it [local: 8825; hosted: $PORT or 8080].
    #[arg(long, value_name = "N")]
    pub port: Option<u16>,
}

/// Which local daemon's data (and so which secret) a command uses.
#[derive(Debug, Args)]
pub struct LocalArgs {
    /// Data directory of the local daemon [default: the platform data dir, e.g.
    /// ~/.local/share/backend-8825].
    #[arg(long, value_name = "DIR")]
    pub data_dir: Option<PathBuf>,
    /// Database URL, if the daemon runs with one other than the data dir's (`sqlite:PATH`).
    #[arg(long, value_name = "URL")]
    pub database_url: Option<String>,
    /// A TOML config file (see docs/configuration.md) [default: $BACKEND_8825_CONFIG].
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
}

impl LocalArgs {
    /// The local profile's configuration. Logs go to stderr at `warn`, so stdout carries
    /// only what the command prints.
    pub fn load(&self, env: &Env) -> anyhow::Result<Config> {
        let overrides = Overrides {
            data_dir: self.data_dir.clone(),
            database_url: self.database_url.clone(),
            config_file: self.config.clone(),
            ..Overrides::default()
        };
        let config = Config::load(Mode::Local, &overrides, env)?;
        logging::init(crate::config::LogFormat::Pretty, "warn");
        Ok(config)
    }

    /// The local API secret of this data dir, created if there is none (as `serve` would).
    pub async fn secret(&self, env: &Env) -> anyhow::Result<LocalSecret> {
        secret_of(self.load(env)?).await
    }
}

/// The local API secret of the data dir of `config`.
async fn secret_of(config: Config) -> anyhow::Result<LocalSecret> {
    let keychain = KeychainManager::open(config.identity.keychain, &config.secrets_dir());
    let state = build_state(config, keychain).await?;
    let secret = local_api::local_secret(&state).await.cloned();
    state.store.close().await;
    Ok(secret?)
}

/// How a command finds the running local daemon: its data dir's address record, or a URL.
#[derive(Debug, Args)]
pub struct PairArgs {
    /// URL of the hosted backend, e.g. https://sync.example.com.
    #[arg(long, value_name = "URL")]
    pub hosted: String,
    /// The pairing code issued by the hosted backend (single use, valid 10 minutes).
    #[arg(long, value_name = "CODE")]
    pub code: String,
    /// Stop unless the hosted backend's identity key has this key_id (its fingerprint, as
    /// `curl URL/identity` shows it).
    #[arg(long, value_name = "KEY_ID")]
    pub expect_key_id: Option<String>,
    #[command(flatten)]
    pub daemon: DaemonArgs,
}

#[derive(Debug, Subcommand)]
pub enum PeersAction {
    /// One line per peer: its id, status, the other backend, and how sync with it stands.
    List {
        #[command(flatten)]
        daemon: DaemonArgs,
    },
    /// Revoke a pairing at once: its key is deleted here, the hosted backend is told and
    /// refuses it too; pairing again needs a new pairing code.
    Revoke {
        /// The pairing's id (`backend-8825 peers list` shows it).
        peer_id: String,
        #[command(flatten)]
        daemon: DaemonArgs,
    },
}

#[derive(Debug, Subcommand)]
pub enum PrivacyAction {
    /// Print the running local daemon's privacy settings, one per line.
    Show(DaemonArgs),
    /// Change settings, e.g. `privacy set retention_days=30 redact_synced_content=true`.
    /// Settings not named keep their value. Each change is audited.
    ///
    /// The settings: sync_paused, telemetry_enabled, redact_pii, redact_synced_content (true
    /// or false); retention_days, telemetry_retention_days, audit_retention_days (days, 0
    /// keeps everything). See docs/privacy.md.
    Set {
        /// NAME=VALUE pairs.
        #[arg(value_name = "NAME=VALUE", required = true)]
        settings: Vec<String>,
        #[command(flatten)]
        daemon: DaemonArgs,
    },
    /// Pause Sync: nothing is sent to or taken from the hosted backends (no sync, no
    /// telemetry) until `privacy resume`; local changes are kept and sent then.
    Pause(DaemonArgs),
    /// Resume sync: what was written while paused is sent at once.
    Resume(DaemonArgs),
}

#[derive(Debug, Args)]
pub struct SyncArgs {
    /// Only this peer [default: every peer].
    #[arg(long, value_name = "PEER_ID")]
    pub peer: Option<String>,
    #[command(flatten)]
    pub daemon: DaemonArgs,
}

#[derive(Debug, Args)]
pub struct DaemonArgs {
    #[command(flatten)]
    pub local: LocalArgs,
    /// URL of the running local daemon, e.g. http://127.0.0.1:8825 [default: the one the
    /// daemon of the data dir wrote to <data dir>/daemon.json].
    #[arg(long = "local", value_name = "URL")]
    pub url: Option<String>,
}

impl DaemonArgs {
    /// A client of the running daemon, holding the Bearer secret of the data dir.
    pub async fn client(&self, env: &Env) -> anyhow::Result<LocalClient> {
        let config = self.local.load(env)?;
        // Where the daemon is comes first: without one, nothing is created for nothing.
        let url = match &self.url {
            Some(url) => url.clone(),
            None => {
                let data_dir = &config.data_dir;
                match local_api::read_record(data_dir)? {
                    // A daemon that dies without cleaning up (kill -9) releases the data
                    // dir's lock but leaves its record: only a held lock means it runs.
                    Some(_) if crate::lock::DataDirLock::holder(data_dir).is_none() => {
                        anyhow::bail!(
                            "no local daemon is running for {} (its {} is left from one \
                             that stopped); start one with `backend-8825 serve`, or pass \
                             --local URL",
                            data_dir.display(),
                            local_api::address::RECORD_FILE
                        )
                    }
                    Some(record) => record.url,
                    None => anyhow::bail!(
                        "no local daemon is running for {} (it has no {}); start one with \
                         `backend-8825 serve`, or pass --local URL",
                        data_dir.display(),
                        local_api::address::RECORD_FILE
                    ),
                }
            }
        };
        Ok(LocalClient::new(&url, secret_of(config).await?)?)
    }
}

#[derive(Debug, Subcommand)]
pub enum AccountAction {
    /// Create an account and print its token, once, alone on stdout (only its hash is kept).
    Create {
        /// Lowercase letters, digits, '.', '_' or '-'; at most 64 characters.
        name: String,
        #[command(flatten)]
        db: HostedDbArgs,
    },
    /// Replace or revoke an account's token.
    Token {
        #[command(subcommand)]
        action: TokenAction,
    },
}

#[derive(Debug, Subcommand)]
pub enum TokenAction {
    /// Give the account a new token, printed once, alone on stdout; the old one stops working
    /// at once.
    Rotate {
        /// The account's name.
        name: String,
        #[command(flatten)]
        db: HostedDbArgs,
    },
    /// Revoke the account's token: no token works for it until `rotate` issues a new one.
    Revoke {
        /// The account's name.
        name: String,
        #[command(flatten)]
        db: HostedDbArgs,
    },
}

/// The hosted backend's database, for commands that act on it directly.
#[derive(Debug, Args)]
pub struct HostedDbArgs {
    /// Database URL [default: $DATABASE_URL].
    #[arg(long, value_name = "URL")]
    pub database_url: Option<String>,
    /// Data directory of the hosted backend [default: $BACKEND_8825_DATA_DIR or the
    /// platform data dir].
    #[arg(long, value_name = "DIR")]
    pub data_dir: Option<PathBuf>,
    /// A TOML config file (see docs/configuration.md) [default: $BACKEND_8825_CONFIG].
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
}

impl HostedDbArgs {
    /// Opens the hosted profile's store. Logs go to stderr at `warn`, so stdout carries only
    /// the secret the command prints.
    pub(super) async fn open(self, env: &Env) -> anyhow::Result<std::sync::Arc<dyn store::Store>> {
        let overrides = Overrides {
            data_dir: self.data_dir,
            database_url: self.database_url,
            config_file: self.config,
            ..Overrides::default()
        };
        let config = Config::load(Mode::Hosted, &overrides, env)?;
        logging::init(crate::config::LogFormat::Pretty, "warn");
        let db = &config.database;
        let store = store::connect(db.url.expose(), db.max_connections)
            .await
            .with_context(|| format!("cannot open the {} database", db.kind.as_str()))?;
        Ok(store)
    }
}

#[derive(Debug, Subcommand)]
pub enum ServiceAction {
    /// Write the service file for this binary and start it.
    Install {
        /// Data directory the service passes to `serve` [default: the platform data dir].
        #[arg(long, value_name = "DIR")]
        data_dir: Option<PathBuf>,
        /// Only write the file; do not load or start the service.
        #[arg(long)]
        no_start: bool,
    },
    /// Stop the service and remove its file.
    Uninstall {
        /// Only remove the file; do not stop the service.
        #[arg(long)]
        no_stop: bool,
    },
}

impl CommonArgs {
    pub(super) fn load(
        &self,
        bind: Option<IpAddr>,
        port: Option<u16>,
        env: &Env,
    ) -> anyhow::Result<Config> {
        let overrides = Overrides {
            bind,
            port,
            data_dir: self.data_dir.clone(),
            database_url: self.database_url.clone(),
            config_file: self.config.clone(),
        };
        let mode = match self.mode {
            Some(mode) => mode,
            None => crate::config::env_mode(env)?,
        };
        let config = Config::load(mode, &overrides, env)?;
        logging::init(config.log.format, &config.log.filter);
        Ok(config)
    }
}

#[derive(Debug, Subcommand)]
pub enum E2eAction {
    /// Encrypt the account's conversations end to end, with a key made on this device.
    ///
    /// The hosted backend takes the key's id once (a second enable, from any device, is
    /// refused) and keeps the key sealed under a recovery code, printed here once: write it
    /// down. Every conversation is then rewritten so that it syncs sealed. See docs/e2e.md.
    Enable {
        /// The hosted peer [default: the only active one].
        #[arg(long, value_name = "PEER_ID")]
        peer: Option<String>,
        #[command(flatten)]
        daemon: DaemonArgs,
    },
    /// Whether the account is encrypted, and whether this device holds its key (if it does
    /// not, it says how to get it: `e2e request`, or `e2e recover`).
    Status(DaemonArgs),
    /// On a new device of an encrypted account: ask for the account's key. A device that
    /// holds it approves the request (`e2e approve`) and shows a transfer code; type it here
    /// with `e2e accept` within 15 minutes.
    Request {
        /// The hosted peer [default: the only active one].
        #[arg(long, value_name = "PEER_ID")]
        peer: Option<String>,
        #[command(flatten)]
        daemon: DaemonArgs,
    },
    /// After a device of the account was revoked: move the account's key to a new epoch,
    /// which the revoked device never gets. Run it on a device that holds the key; it prints
    /// a new recovery code (the old one no longer opens the new key). The account's other
    /// devices then get the new key with `e2e request` / `e2e approve` / `e2e accept`.
    Rotate {
        /// The hosted peer [default: the only active one].
        #[arg(long, value_name = "PEER_ID")]
        peer: Option<String>,
        #[command(flatten)]
        daemon: DaemonArgs,
    },
    /// List the devices waiting for the account's key (see `e2e request`).
    Requests(DaemonArgs),
    /// On a device that holds the key: hand it to a new device that asked for it. Prints a
    /// one-time transfer code (16 characters) to type on the new device (`e2e accept`).
    Approve {
        /// The request [default: the only one waiting].
        request_id: Option<String>,
        /// The hosted peer [default: the only active one].
        #[arg(long, value_name = "PEER_ID")]
        peer: Option<String>,
        #[command(flatten)]
        daemon: DaemonArgs,
    },
    /// On the new device: open the approved transfer with the transfer code shown on the
    /// approving device, keep the key, and sync everything again.
    Accept {
        /// The transfer code [default: read from standard input].
        #[arg(long, value_name = "CODE")]
        code: Option<String>,
        /// The hosted peer [default: the only active one].
        #[arg(long, value_name = "PEER_ID")]
        peer: Option<String>,
        #[command(flatten)]
        daemon: DaemonArgs,
    },
    /// Put the account's key on this device with the recovery code, then sync everything
    /// again; `--check` only checks that the code opens the key, and changes nothing.
    Recover {
        /// The recovery code [default: read from standard input].
        #[arg(long, value_name = "CODE")]
        code: Option<String>,
        /// Only check the code.
        #[arg(long)]
        check: bool,
        /// The hosted peer [default: the only active one].
        #[arg(long, value_name = "PEER_ID")]
        peer: Option<String>,
        #[command(flatten)]
        daemon: DaemonArgs,
    },
}
