//! The command line: `serve`, `identity`, `migrate`, `service`.

use std::net::IpAddr;
use std::path::PathBuf;

use anyhow::Context;
use clap::{Args, Parser, Subcommand};

use crate::app::{Application, build_state, shutdown_signal};
use crate::clock::SystemClock;
use crate::config::{Config, Env, Mode, Overrides, process_env};
use crate::keychain::KeychainManager;
use crate::service::{self, Platform, ServiceSpec};
use crate::{accounts, logging, store};

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
    /// Run the local daemon at login: a LaunchAgent on macOS, a systemd user unit on Linux.
    Service {
        #[command(subcommand)]
        action: ServiceAction,
    },
}

#[derive(Debug, Args)]
pub struct CommonArgs {
    /// Which profile: `local` (your machine) or `hosted` (a server).
    #[arg(long, value_enum, env = "BACKEND_8825_MODE", default_value_t = Mode::Local)]
    pub mode: Mode,
    /// Data directory [default: the platform data dir, e.g. ~/.local/share/backend-8825].
    #[arg(long, value_name = "DIR")]
    pub data_dir: Option<PathBuf>,
    /// Database URL: `sqlite:PATH` or `postgres://...` [local default: SQLite in the data
    /// dir; hosted: $DATABASE_URL].
    #[arg(long, value_name = "URL")]
    pub database_url: Option<String>,
    /// A TOML config file layered over the profile's defaults (see docs/configuration.md).
    #[arg(long, value_name = "FILE", env = "BACKEND_8825_CONFIG")]
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
    /// A TOML config file (see docs/configuration.md).
    #[arg(long, value_name = "FILE", env = "BACKEND_8825_CONFIG")]
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
        let config = Config::load(self.mode, &overrides, env)?;
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
        Command::Service { action } => run_service(action, &env)?,
    }
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
