//! The client core: a local-profile daemon without its HTTP server, for an app to embed (the
//! mobile SDKs bind it with UniFFI, `sdk/ffi/`). It is the local daemon's own peer side — the
//! same state built by `app::build_state`, the same background work (`app::Background`), and
//! each operation the function the local API's handler calls — so a phone is a peer exactly
//! like a laptop (docs/sdk.md).
//!
//! What it does not have: the listener, the local API's guard and secret, the web UI,
//! `daemon.json`. Secrets go to a key store the app supplies ([`SecretStore`]) or, without
//! one, to the keychain rules of the daemon.

mod conversations;
mod e2e;
mod error;
mod events;
mod ops;

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use crate::app::Background;
use crate::clock::{Clock, SystemClock};
use crate::config::{Config, Env, Mode, Overrides};
use crate::keychain::{KeychainManager, SecretStore};
use crate::lock::DataDirLock;
use crate::state::AppState;
use crate::sync::SyncAccess;

pub use conversations::{ConversationWithMessages, Page};
pub use e2e::{E2eStatus, new_recovery_code};
pub use error::ClientError;
pub use events::{ClientEvent, Events};
pub use ops::{Identity, Paired, PeerStatus, PeerSync, Status};

/// How a client is opened: its data directory, and optionally its key store, its clock and
/// its sync schedule.
#[derive(Clone)]
pub struct ClientOptions {
    data_dir: PathBuf,
    key_store: Option<Arc<dyn SecretStore>>,
    clock: Option<Arc<dyn Clock>>,
    automatic_sync: Option<bool>,
    sync_interval: Option<Duration>,
}

impl ClientOptions {
    /// A client whose database (SQLite) and files live in `data_dir` (created if missing).
    pub fn new(data_dir: impl Into<PathBuf>) -> Self {
        Self {
            data_dir: data_dir.into(),
            key_store: None,
            clock: None,
            automatic_sync: None,
            sync_interval: None,
        }
    }

    /// Keeps the secrets (identity key, pair keys) in the app's key store. Without one, the
    /// daemon's rules hold: the OS keychain if one works, else owner-only files.
    pub fn key_store(mut self, store: Arc<dyn SecretStore>) -> Self {
        self.key_store = Some(store);
        self
    }

    /// Another clock than the system's (tests move a manual clock across expiries).
    pub fn clock(mut self, clock: Arc<dyn Clock>) -> Self {
        self.clock = Some(clock);
        self
    }

    /// Whether, once started, the client syncs on its own (after each write, when the hosted
    /// backend pokes, every interval). Off, it syncs only on `sync_now`. On by default.
    pub fn automatic_sync(mut self, on: bool) -> Self {
        self.automatic_sync = Some(on);
        self
    }

    /// How often the started client syncs without a reason to (5 s by default).
    pub fn sync_interval(mut self, interval: Duration) -> Self {
        self.sync_interval = Some(interval);
        self
    }

    /// The local profile's configuration for the data dir. Nothing is read from the
    /// process's environment: an app's environment is not the user's shell.
    fn config(&self) -> Result<Config, ClientError> {
        let overrides = Overrides {
            data_dir: Some(self.data_dir.clone()),
            ..Overrides::default()
        };
        let mut config = Config::load(Mode::Local, &overrides, &Env::new()).map_err(|e| {
            ClientError::InvalidInput {
                code: "bad_config".into(),
                message: e.to_string(),
            }
        })?;
        if let Some(on) = self.automatic_sync {
            config.sync.automatic = on;
        }
        if let Some(interval) = self.sync_interval {
            config.sync.interval = interval;
        }
        Ok(config)
    }
}

/// An open client. Its operations are async (the FFI layer runs them on a runtime of its
/// own); it may be shared between tasks.
pub struct Client {
    state: AppState,
    events: tokio::sync::broadcast::Sender<ClientEvent>,
    forwarder: tokio::task::JoinHandle<()>,
    background: tokio::sync::Mutex<Option<Background>>,
    /// One client or daemon per data dir, for as long as this one is open.
    _lock: DataDirLock,
}

impl Client {
    /// Opens (creating on first use) the client's data dir: the lock, the database, the
    /// identity. Background work starts only with [`Client::start`].
    pub async fn open(options: ClientOptions) -> Result<Self, ClientError> {
        let config = options.config()?;
        crate::keychain::create_private_dir(&config.data_dir).map_err(|e| {
            ClientError::Storage {
                message: format!("cannot create {}: {e}", config.data_dir.display()),
            }
        })?;
        let lock = DataDirLock::acquire(&config.data_dir).map_err(|e| match e {
            crate::lock::LockError::Io { .. } => ClientError::Storage {
                message: e.to_string(),
            },
            _ => ClientError::AlreadyOpen {
                message: e.to_string(),
            },
        })?;
        let keychain = match &options.key_store {
            Some(store) => KeychainManager::with_secret_store(store.clone(), &config.secrets_dir()),
            None => KeychainManager::open(config.identity.keychain, &config.secrets_dir()),
        };
        let clock = options.clock.clone().unwrap_or(Arc::new(SystemClock));
        let state = crate::app::build_state_with_clock(config, keychain, clock)
            .await
            .map_err(|e| open_failed(&e))?;
        let events = events::channel();
        let forwarder = events::spawn_forwarder(state.clone(), events.clone());
        Ok(Self {
            state,
            events,
            forwarder,
            background: tokio::sync::Mutex::new(None),
            _lock: lock,
        })
    }

    /// The daemon state underneath (for tests and advanced embedders).
    pub fn state(&self) -> &AppState {
        &self.state
    }

    /// Starts the background work of a local daemon: the sync scheduler (when automatic),
    /// the telemetry client, renewal of each pairing, the network monitor. Starting a
    /// started client does nothing.
    pub async fn start(&self) {
        let mut background = self.background.lock().await;
        if background.is_none() {
            *background = Some(Background::spawn(&self.state));
        }
    }

    /// Stops the background work (a sync in flight is cut off; it is safe to cut, and the
    /// next one carries on). Operations still work; nothing syncs on its own.
    pub async fn stop(&self) {
        if let Some(background) = self.background.lock().await.take() {
            background.stop(&self.state).await;
        }
    }

    /// Whether the background work runs.
    pub async fn is_running(&self) -> bool {
        self.background.lock().await.is_some()
    }

    /// Receives what happens from now on (syncs, data changed by other devices, status).
    pub fn subscribe(&self) -> Events {
        Events(self.events.subscribe())
    }

    /// Stops the background work and closes the database; the data dir is free again once
    /// this returns.
    pub async fn close(self) {
        self.stop().await;
        self.forwarder.abort();
        self.state.store.close().await;
    }

    /// Wakes the scheduler as a local write does (it syncs at once when started).
    pub fn wake(&self) {
        self.state.sync().wake.notify_one();
    }
}

impl Drop for Client {
    fn drop(&mut self) {
        self.forwarder.abort();
    }
}

/// An open that failed, by kind: the key store, the database, or else.
fn open_failed(err: &anyhow::Error) -> ClientError {
    let message = format!("{err:#}");
    let is = |wanted: fn(&(dyn std::error::Error + 'static)) -> bool| err.chain().any(wanted);
    let key_store = |e: &(dyn std::error::Error + 'static)| {
        e.is::<crate::keychain::KeychainError>()
            || matches!(
                e.downcast_ref::<crate::identity::IdentityError>(),
                Some(crate::identity::IdentityError::Keychain(_))
            )
    };
    if is(key_store) {
        ClientError::KeyStore { message }
    } else if is(|e| e.is::<crate::store::StoreError>() || e.is::<sqlx::Error>()) {
        ClientError::Storage { message }
    } else {
        tracing::error!(error = %message, "cannot open the client");
        ClientError::Internal { message }
    }
}
