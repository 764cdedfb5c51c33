//! Building the daemon: connect the store, load the identity, assemble the router, bind the
//! listener. `run_until_stopped` serves until the shutdown future completes.

use std::future::{Future, IntoFuture};
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use tokio::net::TcpListener;

use crate::clock::{Clock, SystemClock};
use crate::config::{Config, Mode};
use crate::identity::BackendIdentity;
use crate::keychain::KeychainManager;
use crate::local_api::address::AddressRecord;
use crate::lock::{DataDirLock, LockError};
use crate::security::audit::{AuditLog, AuditTasks};
use crate::state::{AppInner, AppState, Parts};
use crate::sync::SyncAccess;
use crate::{local_api, peers, retention, store, sync, telemetry};

pub use crate::router::{router, with_edge};

/// A daemon that is bound and ready to serve.
pub struct Application {
    listener: TcpListener,
    state: AppState,
    /// One daemon per data dir, for as long as this one runs.
    _lock: Option<DataDirLock>,
}

impl Application {
    /// Builds the daemon of `config`, keeping secrets in the platform keychain (or files).
    pub async fn build(config: Config) -> anyhow::Result<Self> {
        let keychain = KeychainManager::open(config.identity.keychain, &config.secrets_dir());
        Self::build_with_keychain(config, keychain).await
    }

    /// Builds the daemon with a given secret store (tests pass an in-memory keychain).
    pub async fn build_with_keychain(
        config: Config,
        keychain: KeychainManager,
    ) -> anyhow::Result<Self> {
        // The port first: a busy one stops the start before anything is created. Then the
        // lock, before the identity is created: two first starts cannot make two keys.
        let listener = listen(&config).await?;
        let lock = lock_data_dir(&config)?;
        let state = build_state(config, keychain).await?;
        Self::finish(state, listener, lock).await
    }

    /// Binds the listener for a state built elsewhere (tests build it with a manual clock).
    pub async fn bind(state: AppState) -> anyhow::Result<Self> {
        let listener = listen(&state.config).await?;
        let lock = lock_data_dir(&state.config)?;
        Self::finish(state, listener, lock).await
    }

    async fn finish(
        state: AppState,
        listener: TcpListener,
        lock: Option<DataDirLock>,
    ) -> anyhow::Result<Self> {
        let bound = listener
            .local_addr()
            .context("the listener has no address")?;
        let _ = state.bound_addr.set(bound);
        if state.config.mode == Mode::Local {
            // Read (or create) the secret now: a broken keychain stops the start, and the
            // CLI finds the secret in place.
            local_api::local_secret(&state).await?;
        }
        Ok(Self {
            listener,
            state,
            _lock: lock,
        })
    }

    /// The address actually bound (with `--port 0`, the port the OS chose).
    pub fn local_addr(&self) -> SocketAddr {
        self.listener
            .local_addr()
            .expect("a bound listener has an address")
    }

    pub fn state(&self) -> &AppState {
        &self.state
    }

    /// Serves until `shutdown` completes, then finishes the requests in flight (at most
    /// [`DRAIN_LIMIT`]) and stops the background tasks.
    pub async fn run_until_stopped(
        self,
        shutdown: impl Future<Output = ()> + Send + 'static,
    ) -> std::io::Result<()> {
        let addr = self.local_addr();
        let lock = self._lock;
        // Written before the "listening" line, so whoever waits for that line finds it.
        let record = match self.state.config.mode {
            Mode::Local => publish_address(&self.state.config.data_dir, addr),
            Mode::Hosted => None,
        };
        let identity = &self.state.identity;
        tracing::info!(
            %addr,
            mode = identity.mode.as_str(),
            backend_id = %identity.backend_id,
            key_id = %identity.key_id(),
            "listening on http://{addr}"
        );
        let store = self.state.store.clone();
        let state = self.state.clone();
        let background = Background::spawn(&self.state);
        let app = router(self.state).into_make_service_with_connect_info::<SocketAddr>();
        // Small frames (pokes, acks, sync answers) go out at once instead of waiting on the
        // peer's delayed ACK (Nagle): about 20-40 ms off every poke on loopback.
        let listener = axum::serve::ListenerExt::tap_io(self.listener, |stream| {
            let _ = stream.set_nodelay(true);
        });
        // Shutdown, in this order: telemetry sockets close with 1001 (peers reconnect to
        // another instance now, not when this process exits), the listener closes (new
        // connections are refused), idle connections close, and each request in flight
        // finishes and gets its answer (axum's graceful shutdown: hyper ends a connection
        // after its current response). An upgraded WebSocket is no longer a connection of
        // the HTTP server, so it never holds the drain; a request that does not finish holds
        // it at most DRAIN_LIMIT.
        let (started, drain) = tokio::sync::oneshot::channel::<()>();
        let shutdown = {
            let state = state.clone();
            async move {
                shutdown.await;
                telemetry::stopping(&state);
                let _ = started.send(());
            }
        };
        let served = axum::serve(listener, app).with_graceful_shutdown(shutdown);
        let served = tokio::select! {
            served = served.into_future() => served,
            () = drain_limit(drain) => Ok(()),
        };
        background.stop(&state).await;
        // A request still holding a connection past the drain limit would hold the pool's
        // close too.
        if tokio::time::timeout(CLOSE_LIMIT, store.close())
            .await
            .is_err()
        {
            tracing::warn!("the database pool did not close in time: stopping without it");
        }
        if let Some(record) = record {
            record.withdraw();
        }
        // Released last: a daemon started on this data dir now finds no record of ours.
        drop(lock);
        tracing::info!("stopped");
        served
    }
}

/// The background work of a daemon: renewal, the telemetry client or hub, retention, the
/// network monitor, alerts, the audit's writers and, on a local daemon with automatic sync,
/// the sync scheduler. The served daemon and the client core (`crate::client`, no server)
/// both start it here.
pub struct Background {
    tasks: Vec<tokio::task::JoinHandle<()>>,
    audit: AuditTasks,
}

impl Background {
    /// Starts every background task of `state`'s mode.
    pub fn spawn(state: &AppState) -> Self {
        let audit = AuditTasks::spawn(state.clone());
        let mut tasks = peers::spawn_background(state.clone());
        tasks.extend(telemetry::spawn_background(state.clone()));
        tasks.push(retention::spawn(state.clone()));
        tasks.extend(crate::network::spawn_background(state.clone()));
        tasks.extend(crate::observability::spawn_background(state.clone()));
        tasks.extend(crate::e2e::forget::spawn_background(state.clone()));
        if state.config.mode == Mode::Local && state.sync().automatic {
            tasks.push(sync::spawn_scheduler(state.clone()));
        }
        Self { tasks, audit }
    }

    /// Stops the tasks, then writes the audit counts still in memory (after every task that
    /// may refuse something, before the store closes).
    pub async fn stop(self, state: &AppState) {
        for task in self.tasks {
            task.abort();
        }
        self.audit.stop(state).await;
    }
}

/// How long the requests in flight may take once shutdown starts. Past it the daemon stops
/// without them, and still flushes its audit counts and closes its pool before a supervisor
/// gives up on it: Fly's `kill_timeout` (fly.toml) is longer than this and [`CLOSE_LIMIT`].
pub const DRAIN_LIMIT: Duration = Duration::from_secs(20);

/// How long closing the database pool may take once the server has stopped.
pub const CLOSE_LIMIT: Duration = Duration::from_secs(5);

/// Completes [`DRAIN_LIMIT`] after shutdown starts (`started` fires); never if it does not.
async fn drain_limit(started: tokio::sync::oneshot::Receiver<()>) {
    if started.await.is_err() {
        return std::future::pending().await;
    }
    tokio::time::sleep(DRAIN_LIMIT).await;
    tracing::warn!(
        limit_secs = DRAIN_LIMIT.as_secs(),
        "requests still in flight at the drain limit: stopping without them"
    );
}

/// The data dir's lock. A local daemon cannot run without it; a hosted one whose data dir
/// cannot be written (a read-only image with its key in the environment) runs without.
fn lock_data_dir(config: &Config) -> anyhow::Result<Option<DataDirLock>> {
    // A hosted daemon on Postgres with its key in the environment keeps nothing in its data
    // dir: instances may share one (a rolling deploy on one host).
    let stateless = config.mode == Mode::Hosted
        && config.database.kind != store::DatabaseKind::Sqlite
        && config.identity.key_pem.is_some();
    if stateless {
        return Ok(None);
    }
    match DataDirLock::acquire(&config.data_dir) {
        Ok(lock) => Ok(Some(lock)),
        Err(err @ LockError::Io { .. }) if config.mode == Mode::Hosted => {
            tracing::warn!(error = %err, "running without a data dir lock");
            Ok(None)
        }
        Err(err) => Err(err.into()),
    }
}

/// Binds the configured address.
async fn listen(config: &Config) -> anyhow::Result<TcpListener> {
    let http = &config.http;
    if config.mode == Mode::Local && !http.bind.is_loopback() {
        tracing::warn!(
            bind = %http.bind,
            "the local daemon is listening beyond this machine: other hosts can reach it"
        );
    }
    let addr = SocketAddr::new(http.bind, http.port);
    TcpListener::bind(addr)
        .await
        .map_err(|e| cannot_listen(config, addr, e))
}

/// A bind failure in the user's words: a busy port says what to do, and names the daemon
/// of this data dir when that is what holds it.
fn cannot_listen(config: &Config, addr: SocketAddr, err: std::io::Error) -> anyhow::Error {
    if err.kind() == std::io::ErrorKind::AddrInUse
        && let Some(held) = DataDirLock::holder(&config.data_dir)
    {
        return held.into();
    }
    match err.kind() {
        std::io::ErrorKind::AddrInUse => anyhow::anyhow!(
            "cannot listen on {addr}: the port is already in use, by another backend-8825 \
             daemon (with another data dir) or by another program. Stop it, or choose another \
             port with --port N (--port 0 picks a free one)"
        ),
        std::io::ErrorKind::PermissionDenied => anyhow::anyhow!(
            "cannot listen on {addr}: permission denied (ports below 1024 need privileges); \
             choose another port with --port N"
        ),
        std::io::ErrorKind::AddrNotAvailable => anyhow::anyhow!(
            "cannot listen on {addr}: this machine has no such address; use --bind 127.0.0.1"
        ),
        _ => anyhow::Error::new(err).context(format!("cannot listen on {addr}")),
    }
}

/// Writes `<data_dir>/daemon.json`; without it the daemon still serves, but CLI commands
/// need `--local URL` to find it.
fn publish_address(data_dir: &std::path::Path, addr: SocketAddr) -> Option<AddressRecord> {
    match AddressRecord::publish(data_dir, addr) {
        Ok(record) => Some(record),
        Err(e) => {
            tracing::warn!(error = %e, "cannot write the address record");
            None
        }
    }
}

/// Connects the store and loads (or creates) the identity.
pub async fn build_state(config: Config, keychain: KeychainManager) -> anyhow::Result<AppState> {
    build_state_with_clock(config, keychain, Arc::new(SystemClock)).await
}

/// [`build_state`] with a given clock (tests move a manual clock across expiries).
pub async fn build_state_with_clock(
    config: Config,
    keychain: KeychainManager,
    clock: Arc<dyn Clock>,
) -> anyhow::Result<AppState> {
    // Log lines pass through the PII redactor (its privacy settings turn it off on a local
    // daemon).
    crate::logging::set_redactor(crate::privacy::redact_line);
    let db = &config.database;
    let store = store::connect(db.url.expose(), db.max_connections)
        .await
        .with_context(|| format!("cannot open the {} database", db.kind.as_str()))?;
    let identity = BackendIdentity::load_or_create(&config, store.as_ref(), &keychain)
        .await
        .context("cannot load the identity")?;
    let audit = AuditLog::new(&config);
    let chained = store.audit_chain_unchained(audit.scope()).await;
    let chained = chained.context("cannot chain the audit entries written before the chain")?;
    if chained > 0 {
        tracing::info!(chained, "audit entries from before the chain were chained");
    }
    crate::identity::rotation::check_key_age(&identity, &config, store.as_ref(), clock.now_ms())
        .await
        .context("cannot record the identity key's age")?;
    // The clock resumes above the stored versions, so it does not go back across a
    // restart; not past the clock offset (such a version was stored before versions were
    // bounded). The hosted daemon holds many accounts' versions: one account's must not
    // carry another's stamps, so it starts from its own clock (a write there is stamped
    // past the version it replaces in any case), and does not read every account's records
    // for it (a scan of every shard once distributed: docs/modes.md).
    let seen = match config.mode {
        Mode::Local => store
            .max_version()
            .await
            .context("cannot read the highest record version")?,
        Mode::Hosted => None,
    };
    let limit = clock.now_ms() + config.sync.max_clock_offset_ms;
    let hlc = sync::hlc::Hlc::new(&identity.backend_id, seen.as_deref(), limit);
    let mut sync = sync::SyncState::new(hlc, config.sync.interval);
    sync.automatic = config.sync.automatic;
    let telemetry = telemetry::Telemetry::default();
    telemetry.set_limits(telemetry::TelemetryLimits {
        outbox_max_items: config.telemetry.outbox_max_items,
        outbox_max_bytes: config.telemetry.outbox_max_bytes,
        ..telemetry.limits()
    });
    let privacy = crate::privacy::PrivacyState::load(&config, store.as_ref())
        .await
        .context("cannot read the privacy settings")?;
    // Each capability's runtime state, owned by the capability (see state.rs).
    let mut parts = Parts::default();
    parts
        .insert(sync)
        .insert(telemetry)
        .insert(local_api::LocalApiState::default())
        .insert(peers::PeersState::default())
        .insert(crate::e2e::E2eState::default())
        .insert(crate::network::NetworkState::default())
        .insert(privacy)
        .insert(audit)
        .insert(retention::Retention::default())
        .insert(crate::observability::Observability::new(&config));
    Ok(AppState::new(AppInner {
        config,
        store,
        identity,
        keychain,
        clock,
        bound_addr: Default::default(),
        parts,
    }))
}

/// Completes on SIGINT (Ctrl-C) or SIGTERM (what launchd, systemd and Fly send).
pub async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {}
        () = terminate => {}
    }
    tracing::info!("shutting down");
}
