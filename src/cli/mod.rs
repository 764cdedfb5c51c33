//! The command line: `serve`, `identity`, `migrate`, `service`, `audit`, `retention`,
//! `token` and `ui` for the local API, `e2e`, `redact`, and `openapi` for tools.

mod args;
mod audit;
mod daemon;
mod e2e;
mod e2e_transfer;
mod identity;
mod install;
mod keychain;
mod openapi;
mod redact;
mod retention;

pub use args::*;
pub use audit::{AuditAction, ListArgs};
use daemon::{open_ui, pair, sync_now};
pub use identity::rotate_identity;
use install::run_service;
pub use openapi::OpenApiArgs;
pub use redact::RedactArgs;
pub use retention::{RetentionAction, RunArgs};

use anyhow::Context;
use clap::{Parser, Subcommand};

use crate::app::{Application, build_state, shutdown_signal};
use crate::clock::SystemClock;
use crate::config::process_env;
use crate::keychain::KeychainManager;
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
    /// Creates the identity on first use, as `serve` would. `identity rotate` replaces the
    /// identity key.
    #[command(args_conflicts_with_subcommands = true)]
    Identity {
        #[command(subcommand)]
        action: Option<IdentityAction>,
        #[command(flatten)]
        args: CommonArgs,
    },
    /// Apply the database migrations and exit (Fly's release command).
    Migrate(CommonArgs),
    /// Give the database a new store epoch, after restoring it from a backup (every daemon
    /// on it stopped): its peers then send and fetch everything again, so nothing the backup
    /// lacks is missed. See docs/operations.md.
    NewEpoch(CommonArgs),
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
    /// next tick. Prints what moved, one line per peer (or why it is paused); exits 1 if a
    /// sync failed.
    Sync(SyncArgs),
    /// The running local daemon's peers: list them, or revoke one (at once; the hosted
    /// backend is told, and refuses the pairing's key too). See docs/security.md.
    Peers {
        #[command(subcommand)]
        action: PeersAction,
    },
    /// The running local daemon's privacy settings: show them, change them, pause or resume
    /// sync. (A hosted account's are changed with its token: PUT /privacy-settings, or the
    /// web UI.) See docs/privacy.md.
    Privacy {
        #[command(subcommand)]
        action: PrivacyAction,
    },
    /// End-to-end encryption of the running local daemon's account: `enable` it (prints the
    /// recovery code once), its `status`; on a new device, `request` the key and `accept` it
    /// with the transfer code an approving device (`requests`, `approve`) shows, or `recover`
    /// it with the recovery code; `rotate` after a revocation. See docs/e2e.md.
    E2e {
        #[command(subcommand)]
        action: E2eAction,
    },
    /// Run the local daemon at login: a LaunchAgent on macOS, a systemd user unit on Linux.
    Service {
        #[command(subcommand)]
        action: ServiceAction,
    },
    /// Check or read the audit log, straight from the database (a daemon may be running on
    /// it). See docs/security.md.
    Audit {
        #[command(subcommand)]
        action: AuditAction,
    },
    /// Apply the retention policy now (the daemon does it at start and hourly): old
    /// conversations, tombstones every peer has, old telemetry and audit entries. `--dry-run`
    /// says what would go. See docs/privacy.md.
    Retention {
        #[command(subcommand)]
        action: RetentionAction,
    },
    /// Where this data dir's secrets live (the OS keychain or owner-only files), and moving
    /// them into the keychain. See docs/identity.md.
    Keychain {
        #[command(subcommand)]
        action: KeychainAction,
    },
    /// Print standard input with personal data replaced: email addresses, phone numbers,
    /// US social security numbers and payment card numbers become [EMAIL], [PHONE], [SSN]
    /// and [CREDIT_CARD]. One output line per input line. See docs/privacy.md.
    Redact(RedactArgs),
    /// Print the OpenAPI 3.1 document that a daemon of `--mode` serves at GET /openapi.json,
    /// without starting one (for tools: the web UI's TypeScript types are generated from it).
    ///
    /// Nothing of a data dir is read or written: the document is built in a temporary
    /// directory, removed before the command exits. It is the same for every daemon of a
    /// mode, except the hosted rate limits it states, which come from the configuration
    /// (defaults, --config or $BACKEND_8825_CONFIG, then the environment), as for `serve`.
    /// Keys are sorted: the same binary and configuration print the same bytes. See
    /// docs/web-ui.md.
    Openapi(OpenApiArgs),
}

#[derive(Debug, Subcommand)]
pub enum IdentityAction {
    /// Replace the identity key with a new one; the daemon of the data dir must be stopped.
    ///
    /// The old key signs a key-change statement for the new one, kept with the old public
    /// key for seven days. A local daemon sends it to each hosted peer when it starts again;
    /// local peers of a hosted daemon find it in its GET /identity at their next renewal.
    /// Each checks it with the key it pinned and re-pins: no pairing again.
    /// Prints the new key_id on stdout. See docs/identity.md.
    Rotate(CommonArgs),
}

#[derive(Debug, Subcommand)]
pub enum KeychainAction {
    /// Say whether the OS keychain is usable here, and where each secret of the data dir is
    /// now: the identity key, the local API secret, each pair key. Changes no secret.
    Status(LocalArgs),
    /// Move the secrets kept in owner-only files into the OS keychain (each one is written,
    /// read back and compared before its file is removed). Stop the daemon first.
    Migrate(LocalArgs),
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
        Command::Identity { action: None, args } => {
            let config = args.load(None, None, &env)?;
            let keychain = KeychainManager::open(config.identity.keychain, &config.secrets_dir());
            let state = build_state(config, keychain).await?;
            let document = state.identity.document_at(state.clock.now_ms());
            println!("{}", serde_json::to_string_pretty(&document)?);
            state.store.close().await;
        }
        Command::Identity {
            action: Some(IdentityAction::Rotate(args)),
            ..
        } => {
            let config = args.load(None, None, &env)?;
            let keychain = KeychainManager::open(config.identity.keychain, &config.secrets_dir());
            let rotated = rotate_identity(&config, &keychain, &SystemClock).await?;
            identity::report(&rotated, config.mode);
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
        Command::NewEpoch(args) => {
            let config = args.load(None, None, &env)?;
            let db = &config.database;
            let store = store::connect(db.url.expose(), db.max_connections)
                .await
                .with_context(|| format!("cannot open the {} database", db.kind.as_str()))?;
            let renewed = store::renew_epoch(store.as_ref()).await;
            store.close().await;
            renewed?;
            eprintln!(
                "the {} database has a new epoch: its peers will send and fetch everything again",
                db.kind.as_str()
            );
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
        Command::Account {
            action: AccountAction::Token { action },
        } => account_token(action, &env).await?,
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
            let secret = args.secret(&env).await?;
            println!("{}", secret.expose());
        }
        Command::Ui(args) => open_ui(args, &env).await?,
        Command::Pair(args) => pair(args, &env).await?,
        Command::Sync(args) => sync_now(args, &env).await?,
        Command::Peers { action } => daemon::peers(action, &env).await?,
        Command::Privacy { action } => daemon::privacy(action, &env).await?,
        Command::E2e { action } => e2e::run(action, &env).await?,
        Command::Demo => {
            logging::init(crate::config::LogFormat::Pretty, "error");
            crate::demo::run(&env).await?;
        }
        Command::Service { action } => run_service(action, &env)?,
        Command::Audit { action } => audit::run(action, &env).await?,
        Command::Retention { action } => retention::run(action, &env).await?,
        Command::Keychain { action } => match action {
            KeychainAction::Status(args) => keychain::status(&args.load(&env)?).await?,
            KeychainAction::Migrate(args) => keychain::migrate(&args.load(&env)?).await?,
        },
        Command::Redact(args) => redact::run(&args)?,
        Command::Openapi(args) => openapi::print(&args, &env).await?,
    }
    Ok(())
}

/// `account token rotate|revoke NAME`.
async fn account_token(action: args::TokenAction, env: &crate::config::Env) -> anyhow::Result<()> {
    match action {
        args::TokenAction::Rotate { name, db } => {
            let store = db.open(env).await?;
            let rotated = accounts::rotate_token(store.as_ref(), &name).await;
            store.close().await;
            let token = rotated?;
            eprintln!(
                "account {name:?} has a new token (the old one no longer works); it follows, \
                 shown only now"
            );
            println!("{}", token.expose());
        }
        args::TokenAction::Revoke { name, db } => {
            let store = db.open(env).await?;
            let revoked = accounts::revoke_token(store.as_ref(), &name).await;
            store.close().await;
            revoked?;
            eprintln!(
                "account {name:?} has no working token now; `backend-8825 account token rotate \
                 {name}` issues a new one"
            );
        }
    }
    Ok(())
}
