//! The command line: `serve`, `identity`, `migrate`, `service`, and `token` and `ui` for
//! the local API.

use std::net::IpAddr;
use std::path::PathBuf;

mod keychain;

use anyhow::Context;
use clap::{Args, Parser, Subcommand};

use crate::app::{Application, build_state, shutdown_signal};
use crate::clock::SystemClock;
use crate::config::{Config, Env, Mode, Overrides, process_env};
use crate::keychain::KeychainManager;
use crate::local_api::{ClientError, LocalClient, LocalSecret};
use crate::service::{self, Platform, ServiceSpec};
use crate::{accounts, local_api, logging, store};

#[derive(Debug, Parser)]
#[command(
    name = "backend-8825",
    version,
    about = "A local-plus-cloud sync daemon: one binary, a local and a hosted profile.",
    long_about = "A local-plus-cloud sync daemon. The local profile runs on your machine at \
                  127.0.0.1:8825 with SQLite in its data dir and its identity key in the OS \
                  keychain; the hosted profile runs on a server (Fly.io or any host), usually \
                  on Postgres.\n\nQuick start: `backend-8825 serve`, then \
                  `curl http://127.0.0.1:8825/identity`.",
    propagate_version = true
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the daemon until SIGINT or SIGTERM.
    Serve(ServeArgs),
    /// Print this backend's identity document (the JSON of GET /identity) without serving.
    /// Creates the identity on first use, as `serve` would.
    Identity(CommonArgs),
    /// Apply the database migrations and exit (Fly's release command).
    Migrate(CommonArgs),
    /// Manage accounts of the hosted backend.
    Account {
        #[command(subcommand)]
        action: AccountAction,
    },
    /// Issue a single-use pairing code (valid 10 minutes) for an account of the hosted
    /// backend. Prints only the code on stdout: `CODE=$(backend-8825 pairing-code --account me)`.
    PairingCode {
        /// The account's name.
        #[arg(long, value_name = "NAME")]
        account: String,
        #[command(flatten)]
        db: HostedDbArgs,
    },
    /// Print the local API secret alone on stdout (for scripts and curl).
    ///
    /// The local daemon's API needs this secret: `curl -H "Authorization: Bearer
    /// $(backend-8825 token)" http://127.0.0.1:8825/session`. Created on first use, exactly
    /// as `serve` would, and kept in the OS keychain or an owner-only file. Anyone who has it
    /// can use the local API as you. See docs/local-api.md.
    Token(LocalArgs),
    /// Print a one-time URL that opens the web UI of the running local daemon.
    ///
    /// Asks the daemon of the data dir (found through <data dir>/daemon.json, or --local
    /// URL) for a launch URL and prints it alone on stdout: open it in a browser. It works
    /// once, within two minutes, and sets the UI's session cookie. See docs/local-api.md.
    Ui(DaemonArgs),
    /// Pair the running local daemon with a hosted backend.
    ///
    /// Get a code on the hosted side first (`backend-8825 pairing-code --account NAME`, or
    /// POST /pairing-codes). The local daemon of the data dir (found through
    /// <data dir>/daemon.json, or --local URL) fetches and pins the hosted identity,
    /// registers with it, and checks what it grants. Prints the peer and both fingerprints;
    /// compare the hosted one with what the hosted backend shows. See docs/protocol.md.
    Pair(PairArgs),
    /// Try it all on one machine: start a hosted and a local daemon on free loopback ports
    /// (data in a temporary directory, deleted on exit), pair them, write a conversation on
    /// one and read it on the other, and print the UI link. Runs until Ctrl-C.
    Demo,
    /// Sync the running local daemon with its hosted peers now, instead of waiting for the
    /// next tick. Prints what moved, one line per peer.
    Sync(SyncArgs),
    /// Run the local daemon at login: a LaunchAgent on macOS, a systemd user unit on Linux.
    Service {
        #[command(subcommand)]
        action: ServiceAction,
    },
    /// Where this data dir's secrets live (the OS keychain or owner-only files), and moving
    /// them into the keychain. See docs/identity.md.
    Keychain {
        #[command(subcommand)]
        action: KeychainAction,
    },
}

#[derive(Debug, Subcommand)]
pub enum KeychainAction {
    /// Say whether the OS keychain is usable here, and where each secret of the data dir is
    /// now: the identity key, the local API secret, each pair key. Changes nothing.
    Status(LocalArgs),
    /// Move the secrets kept in owner-only files into the OS keychain (each one is written,
    /// read back and compared before its file is removed). Stop the daemon first.
    Migrate(LocalArgs),
}

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
    pub async fn secret(&self, env: &Env) -> anyhow::Result<(Config, LocalSecret)> {
        let config = self.load(env)?;
        let keychain = KeychainManager::open(config.identity.keychain, &config.secrets_dir());
        let state = build_state(config.clone(), keychain).await?;
        let secret = local_api::local_secret(&state).await.cloned();
        state.store.close().await;
        Ok((config, secret?))
    }
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
        // Where the daemon is comes first: without one, nothing is created for nothing.
        let url = match &self.url {
            Some(url) => url.clone(),
            None => {
                let data_dir = self.local.load(env)?.data_dir;
                match local_api::read_record(&data_dir)? {
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
        let (_, secret) = self.local.secret(env).await?;
        Ok(LocalClient::new(&url, secret)?)
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
    async fn open(self, env: &Env) -> anyhow::Result<std::sync::Arc<dyn store::Store>> {
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
    fn load(&self, bind: Option<IpAddr>, port: Option<u16>, env: &Env) -> anyhow::Result<Config> {
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

/// Runs one command.
pub async fn run(cli: Cli) -> anyhow::Result<()> {
    let env = process_env();
    match cli.command {
        Command::Serve(args) => {
            let config = args.common.load(args.bind, args.port, &env)?;
            let app = Application::build(config).await?;
            app.run_until_stopped(shutdown_signal())
                .await
                .context("server failed")?;
        }
        Command::Identity(args) => {
            let config = args.load(None, None, &env)?;
            let keychain = KeychainManager::open(config.identity.keychain, &config.secrets_dir());
            let state = build_state(config, keychain).await?;
            println!(
                "{}",
                serde_json::to_string_pretty(&state.identity.document())?
            );
            state.store.close().await;
        }
        Command::Migrate(args) => {
            let config = args.load(None, None, &env)?;
            let db = &config.database;
            let store = store::connect(db.url.expose(), db.max_connections)
                .await
                .with_context(|| format!("cannot migrate the {} database", db.kind.as_str()))?;
            store.close().await;
            eprintln!("migrations applied to the {} database", db.kind.as_str());
        }
        Command::Account {
            action: AccountAction::Create { name, db },
        } => {
            let store = db.open(&env).await?;
            let created = accounts::create_account(store.as_ref(), &SystemClock, &name).await;
            let (account, token) = created?;
            store.close().await;
            eprintln!(
                "created account {:?} ({}); its token follows, shown only now",
                account.name, account.id
            );
            println!("{}", token.expose());
        }
        Command::PairingCode { account, db } => {
            let store = db.open(&env).await?;
            let account = accounts::account_named(store.as_ref(), &account).await?;
            let issued =
                accounts::issue_pairing_code(store.as_ref(), &SystemClock, &account, None).await?;
            store.close().await;
            eprintln!(
                "pairing code for {:?}, single use, valid until {}",
                account.name,
                issued
                    .expires_at
                    .to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
            );
            println!("{}", issued.code.expose());
        }
        Command::Token(args) => {
            let (_, secret) = args.secret(&env).await?;
            println!("{}", secret.expose());
        }
        Command::Ui(args) => open_ui(args, &env).await?,
        Command::Pair(args) => pair(args, &env).await?,
        Command::Sync(args) => sync_now(args, &env).await?,
        Command::Demo => {
            logging::init(crate::config::LogFormat::Pretty, "error");
            crate::demo::run(&env).await?;
        }
        Command::Service { action } => run_service(action, &env)?,
        Command::Keychain { action } => match action {
            KeychainAction::Status(args) => keychain::status(&args.load(&env)?).await?,
            KeychainAction::Migrate(args) => keychain::migrate(&args.load(&env)?).await?,
        },
    }
    Ok(())
}

async fn pair(args: PairArgs, env: &Env) -> anyhow::Result<()> {
    let client = args.daemon.client(env).await?;
    let body = serde_json::json!({
        "hosted_url": args.hosted,
        "pairing_code": args.code,
        "expected_hosted_key_id": args.expect_key_id,
    });
    let paired: serde_json::Value = match client.post_json("/register-peer", &body).await {
        Ok(paired) => paired,
        Err(ClientError::Refused { code, message, .. }) => {
            anyhow::bail!("pairing failed ({code}): {message}")
        }
        Err(e) => return Err(e.into()),
    };
    let field = |v: &serde_json::Value, k: &str| v[k].as_str().unwrap_or("?").to_string();
    let peer = &paired["peer"];
    eprintln!(
        "paired with {} (SBT valid until {}, renewed automatically)",
        args.hosted,
        field(peer, "sbt_expires_at")
    );
    println!("peer_id        {}", field(peer, "peer_id"));
    println!("account_id     {}", field(peer, "account_id"));
    println!("local backend  {}", field(&paired["local"], "backend_id"));
    println!("local key_id   {}", field(&paired["local"], "key_id"));
    println!("hosted backend {}", field(&paired["hosted"], "backend_id"));
    println!("hosted key_id  {}", field(&paired["hosted"], "key_id"));
    Ok(())
}

async fn sync_now(args: SyncArgs, env: &Env) -> anyhow::Result<()> {
    let client = args.daemon.client(env).await?;
    let peers: Vec<serde_json::Value> = client.get_json("/peers").await?;
    let ids: Vec<String> = match args.peer {
        Some(peer) => vec![peer],
        None => peers
            .iter()
            .filter(|p| p["status"] == "active")
            .filter_map(|p| p["peer_id"].as_str().map(str::to_string))
            .collect(),
    };
    if ids.is_empty() {
        anyhow::bail!("this daemon has no active peer; pair first with `backend-8825 pair`");
    }
    let mut failed = 0;
    for id in ids {
        let path = format!("/peers/{id}/sync");
        match client
            .post_json::<serde_json::Value>(&path, &serde_json::json!({}))
            .await
        {
            Ok(summary) => println!(
                "{id}  pushed {}  pulled {}  round trips {}",
                summary["pushed"], summary["pulled"], summary["round_trips"]
            ),
            Err(ClientError::Refused { code, message, .. }) => {
                failed += 1;
                eprintln!("{id}  failed ({code}): {message}");
            }
            Err(e) => return Err(e.into()),
        }
    }
    if failed > 0 {
        anyhow::bail!("{failed} peer(s) did not sync");
    }
    Ok(())
}

async fn open_ui(args: DaemonArgs, env: &Env) -> anyhow::Result<()> {
    let client = args.client(env).await?;
    let launch = match client.launch_url().await {
        Ok(launch) => launch,
        Err(ClientError::Refused { status: 401, .. }) => anyhow::bail!(
            "the daemon at {} does not take the secret of this data dir: pass the --data-dir \
             it runs with",
            client.base_url()
        ),
        Err(e) => return Err(e.into()),
    };
    eprintln!(
        "open this URL in your browser; it works once, until {}:",
        launch.expires_at
    );
    println!("{}", launch.url);
    Ok(())
}

fn run_service(action: ServiceAction, env: &Env) -> anyhow::Result<()> {
    logging::init(crate::config::LogFormat::Pretty, "warn");
    let platform = Platform::current()?;
    let home = env
        .get("HOME")
        .filter(|h| !h.is_empty())
        .map(PathBuf::from)
        .context("HOME is not set")?;
    match action {
        ServiceAction::Install { data_dir, no_start } => {
            let binary = std::env::current_exe().context("cannot find this binary's path")?;
            let data_dir = data_dir.map(|d| std::path::absolute(&d).unwrap_or(d));
            let spec = ServiceSpec {
                binary,
                data_dir,
                home,
            };
            let path = service::install(platform, env, &spec, !no_start)?;
            eprintln!("wrote {}", path.display());
            if no_start {
                eprintln!("not started (--no-start)");
            }
        }
        ServiceAction::Uninstall { no_stop } => {
            match service::uninstall(platform, env, &home, !no_stop)? {
                Some(path) => eprintln!("removed {}", path.display()),
                None => eprintln!("no service file was installed"),
            }
        }
    }
    Ok(())
}
