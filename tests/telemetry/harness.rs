//! Daemons that can be stopped and started again on the same data dir, database, keychain,
//! port and manual clock; a hosted and a local one paired through the local API.

use std::collections::BTreeSet;
use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use backend_8825::accounts;
use backend_8825::app::{Application, build_state_with_clock};
use backend_8825::clock::ManualClock;
use backend_8825::config::Mode;
use backend_8825::keychain::KeychainManager;
use backend_8825::local_api::local_secret;
use backend_8825::state::AppState;
use backend_8825::telemetry::{Level, TelemetryEvent, emit};
use chrono::{TimeZone, Utc};
use serde_json::{Value, json};

use crate::common::{self, Db};
use backend_8825::telemetry::TelemetryAccess;

/// Polls `condition` every 20 ms until it holds; panics with `what` after `limit`.
pub async fn eventually<F, Fut>(what: &str, limit: Duration, mut condition: F)
where
    F: FnMut() -> Fut,
    Fut: Future<Output = bool>,
{
    let deadline = tokio::time::Instant::now() + limit;
    while !condition().await {
        assert!(
            tokio::time::Instant::now() < deadline,
            "timed out waiting for {what}"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// One daemon that survives restarts: its data dir, database, keychain, clock and port stay.
pub struct Node {
    pub mode: Mode,
    pub db: Db,
    pub clock: Arc<ManualClock>,
    pub state: AppState,
    pub addr: SocketAddr,
    dir: tempfile::TempDir,
    keychain: KeychainManager,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    task: Option<tokio::task::JoinHandle<std::io::Result<()>>>,
}

impl Node {
    /// Starts a daemon; `prepare` runs on its state before it serves.
    pub async fn start_with(mode: Mode, db: &Db, prepare: impl FnOnce(&AppState)) -> Self {
        let dir = tempfile::tempdir().unwrap();
        let clock = Arc::new(ManualClock::new(
            Utc.timestamp_opt(1_800_000_000, 0).unwrap(),
        ));
        let keychain = common::mock_keychain(dir.path());
        let (state, addr, stop, task) = serve(mode, db, &dir, &keychain, &clock, 0, prepare).await;
        Self {
            mode,
            db: db.clone(),
            clock,
            state,
            addr,
            dir,
            keychain,
            stop: Some(stop),
            task: Some(task),
        }
    }

    pub async fn start(mode: Mode, db: &Db) -> Self {
        Self::start_with(mode, db, |_| {}).await
    }

    /// Stops serving (background tasks are aborted, sockets dropped) and waits for it.
    pub async fn stop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(task) = self.task.take() {
            tokio::time::timeout(Duration::from_secs(20), task)
                .await
                .expect("the daemon stops")
                .unwrap()
                .unwrap();
        }
    }

    /// Starts again on the same port, data dir, database and keychain.
    pub async fn restart_with(&mut self, prepare: impl FnOnce(&AppState)) {
        self.stop().await;
        let (state, addr, stop, task) = serve(
            self.mode,
            &self.db,
            &self.dir,
            &self.keychain,
            &self.clock,
            self.addr.port(),
            prepare,
        )
        .await;
        self.state = state;
        self.addr = addr;
        self.stop = Some(stop);
        self.task = Some(task);
    }

    pub async fn restart(&mut self) {
        self.restart_with(|_| {}).await
    }

    pub fn base(&self) -> String {
        format!("http://{}", self.addr)
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base())
    }

    pub fn advance(&self, secs: i64) {
        self.clock.advance(chrono::Duration::seconds(secs));
    }

    /// Ids of the events this (hosted) daemon stored, and how many rows there are.
    /// The ids and the row count of the stored events the tests emitted (the daemon's own
    /// events, `sync.cycle` and `advisor.ask`, are left out).
    pub async fn stored_ids(&self, peer_id: &str) -> (BTreeSet<String>, usize) {
        let events: Vec<_> = self
            .state
            .store
            .telemetry()
            .events(Some(peer_id), 1_000_000)
            .await
            .unwrap()
            .into_iter()
            .filter(|e| !e.name.starts_with("sync.") && !e.name.starts_with("advisor."))
            .collect();
        let rows = events.len();
        (events.into_iter().map(|e| e.event_id).collect(), rows)
    }

    pub async fn pending(&self) -> i64 {
        let status = self.state.store.telemetry().outbox_status().await.unwrap();
        status.pending
    }
}

impl Drop for Node {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}

type Served = (
    AppState,
    SocketAddr,
    tokio::sync::oneshot::Sender<()>,
    tokio::task::JoinHandle<std::io::Result<()>>,
);

async fn serve(
    mode: Mode,
    db: &Db,
    dir: &tempfile::TempDir,
    keychain: &KeychainManager,
    clock: &Arc<ManualClock>,
    port: u16,
    prepare: impl FnOnce(&AppState),
) -> Served {
    let mut config = common::config(mode, dir.path(), db);
    config.http.port = port;
    // No conversation sync here: its `sync.cycle` events would mix with the tests' own.
    config.sync.automatic = false;
    let state = build_state_with_clock(config, keychain.clone(), clock.clone())
        .await
        .expect("state builds");
    prepare(&state);
    let app = Application::bind(state.clone()).await.expect("binds");
    let addr = app.local_addr();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let task = tokio::spawn(app.run_until_stopped(async move {
        let _ = stopped.await;
    }));
    (state, addr, stop, task)
}

/// A hosted daemon with an account, and the account's token.
pub async fn hosted(db: &Db) -> (Node, String) {
    let node = Node::start(Mode::Hosted, db).await;
    let state = &node.state;
    let (_, token) = accounts::create_account(state.store.as_ref(), state.clock.as_ref(), "alice")
        .await
        .unwrap();
    (node, token.expose().clone())
}

/// Pairs `local` with the hosted backend at `hosted_url` (the hosted daemon itself, or a
/// proxy in front of it) as the UI would; returns the peer id.
pub async fn pair(hosted: &Node, token: &str, local: &Node, hosted_url: &str) -> String {
    let http = common::http_client();
    let response = http
        .post(hosted.url("/pairing-codes"))
        .bearer_auth(token)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 201);
    let code: Value = response.json().await.unwrap();
    let secret = local_secret(&local.state)
        .await
        .unwrap()
        .expose()
        .to_string();
    let response = http
        .post(local.url("/register-peer"))
        .bearer_auth(&secret)
        .json(&json!({"hosted_url": hosted_url, "pairing_code": code["code"]}))
        .send()
        .await
        .unwrap();
    let status = response.status();
    let body: Value = response.json().await.unwrap();
    assert_eq!(status, 201, "{body}");
    body["peer"]["peer_id"].as_str().unwrap().to_string()
}

/// Emits `n` events on `local`; returns their ids.
pub async fn emit_many(local: &Node, n: usize) -> BTreeSet<String> {
    let mut ids = BTreeSet::new();
    for i in 0..n {
        let event = TelemetryEvent::new("test.event", Level::Info, local.clock_now())
            .with_duration_ms((i % 100) as f64)
            .with_attribute("i", i);
        ids.insert(event.event_id.to_string());
        emit(&local.state, event).await.unwrap();
    }
    ids
}

impl Node {
    pub fn clock_now(&self) -> chrono::DateTime<Utc> {
        use backend_8825::clock::Clock;
        self.clock.now()
    }

    /// Whether the local client has a socket open to `peer_id`.
    pub fn connected(&self, peer_id: &str) -> bool {
        self.state
            .telemetry()
            .client
            .link(peer_id)
            .is_some_and(|l| l.connected)
    }
}
