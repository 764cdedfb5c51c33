//! An in-process daemon on a loopback port, on its own temporary data dir, in-memory keychain
//! and manual clock. It can be stopped and started again on the same data dir, database,
//! keychain, clock and port, as a restart of the real daemon would find them.

use std::net::SocketAddr;
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use backend_8825::app::{Application, build_state_with_clock};
use backend_8825::clock::{Clock, ManualClock};
use backend_8825::config::{Config, Mode};
use backend_8825::keychain::KeychainManager;
use backend_8825::state::AppState;
use chrono::{TimeZone, Utc};
use serde_json::Value;

use super::Db;

type ConfigEdit = Box<dyn FnOnce(&mut Config) + Send>;
type Prepare = Box<dyn FnOnce(&AppState) + Send>;

/// Where every daemon's clock starts: a fixed instant, so that expiries land the same way
/// on every run.
const START: i64 = 1_800_000_000;

/// How a daemon is set up before it starts: see [`Daemon::local`] and [`Daemon::hosted`].
#[must_use = "a daemon starts only with `.start().await`"]
pub struct Builder {
    mode: Mode,
    db: Db,
    automatic_sync: Option<bool>,
    env: Vec<(String, String)>,
    edits: Vec<ConfigEdit>,
    prepare: Option<Prepare>,
}

impl Builder {
    /// The database (SQLite in the data dir unless told otherwise).
    pub fn on(mut self, db: &Db) -> Self {
        self.db = db.clone();
        self
    }

    /// Another instance of the hosted service `first` runs: the same Postgres database and
    /// the same identity key, given as `BACKEND_8825_IDENTITY_KEY` as every instance of a
    /// deployment is given it (the database refuses any other key; docs/modes.md).
    pub fn instance_of(self, first: &Daemon) -> Self {
        let url = first.config.database.url.expose().clone();
        assert!(
            url.starts_with("postgres"),
            "instances share a Postgres database"
        );
        let pem = first.state.identity.key.to_pkcs8_pem();
        self.on(&Db::Postgres(url))
            .env("BACKEND_8825_IDENTITY_KEY", pem.expose())
    }

    /// On: a local daemon syncs after its own writes and when its hosted peer pokes it, and
    /// its hourly tick never comes during a test. Off: it syncs only when the test asks.
    /// Unset, the configuration's default holds (on, every 5 s), as a user would run it.
    pub fn automatic_sync(mut self, on: bool) -> Self {
        self.automatic_sync = Some(on);
        self
    }

    /// A variable of the daemon's environment (which otherwise holds only `HOME`).
    pub fn env(mut self, name: &str, value: &str) -> Self {
        self.env.push((name.to_string(), value.to_string()));
        self
    }

    /// A last word on the configuration; it stays for restarts.
    pub fn config(mut self, edit: impl FnOnce(&mut Config) + Send + 'static) -> Self {
        self.edits.push(Box::new(edit));
        self
    }

    /// Runs on the state once it is built, before it serves (on the first start only: a
    /// restart is a new process, which would not have it).
    pub fn prepare(mut self, hook: impl FnOnce(&AppState) + Send + 'static) -> Self {
        self.prepare = Some(Box::new(hook));
        self
    }

    pub async fn start(self) -> Daemon {
        let dir = tempfile::tempdir().unwrap();
        let mut env = super::env_with_home(dir.path());
        env.extend(self.env);
        let mut config = super::config_with_env(self.mode, dir.path(), &self.db, env);
        if let Some(on) = self.automatic_sync {
            config.sync.automatic = on;
            config.sync.interval = Duration::from_secs(3600);
        }
        for edit in self.edits {
            edit(&mut config);
        }
        let keychain = super::mock_keychain(dir.path());
        let clock = Arc::new(ManualClock::new(Utc.timestamp_opt(START, 0).unwrap()));
        let running = Running::start(&config, &keychain, &clock, self.prepare).await;
        let bearer = running.bearer().await;
        Daemon {
            state: running.state,
            addr: running.addr,
            clock,
            http: super::http_client(),
            bearer,
            config,
            keychain,
            stop: Some(running.stop),
            task: Some(running.task),
            dir,
        }
    }
}

/// One daemon serving on loopback until it is stopped or dropped.
pub struct Daemon {
    pub state: AppState,
    pub addr: SocketAddr,
    pub clock: Arc<ManualClock>,
    pub http: reqwest::Client,
    /// What [`Daemon::call`] sends as `Authorization: Bearer`: a local daemon's API secret,
    /// or on a hosted one the token of the account the test signs in with (none at first).
    pub bearer: String,
    config: Config,
    keychain: KeychainManager,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    task: Option<tokio::task::JoinHandle<std::io::Result<()>>>,
    dir: tempfile::TempDir,
}

impl Daemon {
    pub fn local() -> Builder {
        Self::builder(Mode::Local)
    }

    pub fn hosted() -> Builder {
        Self::builder(Mode::Hosted)
    }

    fn builder(mode: Mode) -> Builder {
        Builder {
            mode,
            db: Db::Sqlite,
            automatic_sync: None,
            env: Vec::new(),
            edits: Vec::new(),
            prepare: None,
        }
    }

    pub fn base(&self) -> String {
        format!("http://{}", self.addr)
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base())
    }

    /// The backend id.
    pub fn id(&self) -> String {
        self.state.identity.backend_id.to_string()
    }

    pub fn dir(&self) -> &Path {
        self.dir.path()
    }

    /// The configuration it runs with (an offline command on its data dir reads it too).
    pub fn config(&self) -> &Config {
        &self.config
    }

    /// Its keychain, shared with an offline command on its data dir.
    pub fn keychain(&self) -> &KeychainManager {
        &self.keychain
    }

    /// Moves this daemon's clock (backwards too).
    pub fn advance(&self, secs: i64) {
        self.clock.advance(chrono::Duration::seconds(secs));
    }

    /// This daemon's time, in Unix seconds.
    pub fn now(&self) -> i64 {
        self.clock.now().timestamp()
    }

    /// A local daemon's API secret: send it as `Authorization: Bearer` to every local route
    /// but the public reads (docs/local-api.md).
    pub async fn local_secret(&self) -> String {
        let secret = backend_8825::local_api::local_secret(&self.state).await;
        secret.expect("the local secret loads").expose().to_string()
    }

    /// A request with [`Daemon::bearer`]; the status and the JSON body (or the text, as a
    /// JSON string, when it is not JSON).
    pub async fn call(&self, method: &str, path: &str, body: Option<Value>) -> (u16, Value) {
        self.call_as(&self.bearer, method, path, body).await
    }

    /// [`Daemon::call`] with another bearer.
    pub async fn call_as(
        &self,
        bearer: &str,
        method: &str,
        path: &str,
        body: Option<Value>,
    ) -> (u16, Value) {
        let method = reqwest::Method::from_bytes(method.as_bytes()).unwrap();
        let mut request = self
            .http
            .request(method, self.url(path))
            .bearer_auth(bearer);
        match body {
            Some(body) => request = request.json(&body),
            // The local API takes writes only as JSON, even without a body.
            None => request = request.header("content-type", "application/json"),
        }
        super::read(request.send().await.unwrap()).await
    }

    pub async fn get(&self, path: &str) -> (u16, Value) {
        self.call("GET", path, None).await
    }

    pub async fn post(&self, path: &str, body: Value) -> (u16, Value) {
        self.call("POST", path, Some(body)).await
    }

    /// Starts the daemon's graceful shutdown, as SIGTERM would (the same path past the
    /// signal: `Application::run_until_stopped`), without waiting for it to end;
    /// [`Daemon::stop`] waits.
    pub fn begin_stop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }

    /// Stops serving (background tasks are aborted, sockets dropped) and waits until the
    /// store is closed.
    pub async fn stop(&mut self) {
        self.begin_stop();
        if let Some(task) = self.task.take() {
            tokio::time::timeout(Duration::from_secs(20), task)
                .await
                .expect("the daemon stops")
                .unwrap()
                .unwrap();
        }
    }

    /// Stops, then serves again on the same data dir, database, keychain, clock and port.
    pub async fn restart(&mut self) {
        self.stop().await;
        let mut config = self.config.clone();
        config.http.port = self.addr.port();
        let running = Running::start(&config, &self.keychain, &self.clock, None).await;
        if config.mode == Mode::Local {
            self.bearer = running.bearer().await;
        }
        self.state = running.state;
        self.addr = running.addr;
        self.stop = Some(running.stop);
        self.task = Some(running.task);
    }
}

impl Drop for Daemon {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}

/// A state being served, and the means to stop it.
struct Running {
    state: AppState,
    addr: SocketAddr,
    stop: tokio::sync::oneshot::Sender<()>,
    task: tokio::task::JoinHandle<std::io::Result<()>>,
}

impl Running {
    async fn start(
        config: &Config,
        keychain: &KeychainManager,
        clock: &Arc<ManualClock>,
        prepare: Option<Prepare>,
    ) -> Self {
        let state = build_state_with_clock(config.clone(), keychain.clone(), clock.clone())
            .await
            .expect("state builds");
        if let Some(prepare) = prepare {
            prepare(&state);
        }
        let app = Application::bind(state.clone()).await.expect("binds");
        let addr = app.local_addr();
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let task = tokio::spawn(app.run_until_stopped(async move {
            let _ = stopped.await;
        }));
        Self {
            state,
            addr,
            stop,
            task,
        }
    }

    /// The local secret on a local daemon; nothing on a hosted one until an account signs in.
    async fn bearer(&self) -> String {
        match self.state.config.mode {
            Mode::Local => {
                let secret = backend_8825::local_api::local_secret(&self.state).await;
                secret.unwrap().expose().to_string()
            }
            Mode::Hosted => String::new(),
        }
    }
}
