//! Daemons that can be stopped and started again on the same data dir, database and port,
//! each on its own manual clock, and helpers to pair them and drive the conversation API.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use backend_8825::accounts;
use backend_8825::app::{Application, build_state_with_clock};
use backend_8825::clock::ManualClock;
use backend_8825::config::{Config, Mode};
use backend_8825::keychain::KeychainManager;
use backend_8825::local_api::local_secret;
use backend_8825::state::AppState;
use backend_8825::sync::{SyncSummary, sync_peer_now};
use chrono::{TimeZone, Utc};
use serde_json::{Value, json};

use crate::common::{self, Db};

pub struct Daemon {
    pub state: AppState,
    pub addr: SocketAddr,
    pub clock: Arc<ManualClock>,
    config: Config,
    keychain: KeychainManager,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    task: Option<tokio::task::JoinHandle<std::io::Result<()>>>,
    pub dir: PathBuf,
    _tmp: Option<tempfile::TempDir>,
    pub http: reqwest::Client,
    /// The account token (hosted) or the local secret (local).
    pub bearer: String,
}

impl Daemon {
    pub async fn start(mode: Mode, db: &Db) -> Self {
        Self::start_with(mode, db, false).await
    }

    pub async fn start_with(mode: Mode, db: &Db, automatic: bool) -> Self {
        Self::start_configured(mode, db, automatic, |_| {}).await
    }

    /// [`Daemon::start_with`], with a last word on the configuration.
    pub async fn start_configured(
        mode: Mode,
        db: &Db,
        automatic: bool,
        edit: impl FnOnce(&mut Config),
    ) -> Self {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().to_path_buf();
        let mut config = common::config(mode, &dir, db);
        edit(&mut config);
        // Syncs happen when a test asks for them (one test turns the scheduler on).
        config.sync.automatic = automatic;
        config.sync.interval = Duration::from_secs(3600);
        let keychain = common::mock_keychain(&dir);
        let clock = Arc::new(ManualClock::new(
            Utc.timestamp_opt(1_800_000_000, 0).unwrap(),
        ));
        let mut daemon = Self::serve(config, keychain, clock, dir).await;
        daemon._tmp = Some(tmp);
        daemon
    }

    async fn serve(
        config: Config,
        keychain: KeychainManager,
        clock: Arc<ManualClock>,
        dir: PathBuf,
    ) -> Self {
        let state = build_state_with_clock(config.clone(), keychain.clone(), clock.clone())
            .await
            .expect("state builds");
        let app = Application::bind(state.clone()).await.expect("binds");
        let addr = app.local_addr();
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let task = tokio::spawn(app.run_until_stopped(async move {
            let _ = stopped.await;
        }));
        let bearer = match state.config.mode {
            Mode::Local => local_secret(&state).await.unwrap().expose().to_string(),
            Mode::Hosted => String::new(),
        };
        Self {
            state,
            addr,
            clock,
            config,
            keychain,
            stop: Some(stop),
            task: Some(task),
            dir,
            _tmp: None,
            http: common::http_client(),
            bearer,
        }
    }

    /// Stops serving and waits until the store is closed.
    pub async fn stop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(task) = self.task.take() {
            task.await.unwrap().unwrap();
        }
    }

    /// Stops, then serves again on the same data dir, database, keychain, clock and port.
    pub async fn restart(&mut self) {
        self.stop().await;
        let mut config = self.config.clone();
        config.http.port = self.addr.port();
        let bearer = std::mem::take(&mut self.bearer);
        let tmp = self._tmp.take();
        let next = Self::serve(
            config,
            self.keychain.clone(),
            self.clock.clone(),
            self.dir.clone(),
        )
        .await;
        *self = next;
        self._tmp = tmp;
        if self.state.config.mode == Mode::Hosted {
            self.bearer = bearer;
        }
    }

    pub fn base(&self) -> String {
        format!("http://{}", self.addr)
    }

    pub fn id(&self) -> String {
        self.state.identity.backend_id.to_string()
    }

    pub async fn call(&self, method: &str, path: &str, body: Option<Value>) -> (u16, Value) {
        let method = reqwest::Method::from_bytes(method.as_bytes()).unwrap();
        let mut request = self
            .http
            .request(method, format!("{}{path}", self.base()))
            .bearer_auth(&self.bearer);
        match body {
            Some(body) => request = request.json(&body),
            // The local API takes writes only as JSON, even without a body.
            None => request = request.header("content-type", "application/json"),
        }
        let response = request.send().await.unwrap();
        let status = response.status().as_u16();
        let text = response.text().await.unwrap();
        (
            status,
            serde_json::from_str(&text).unwrap_or(Value::String(text)),
        )
    }

    pub async fn create_conversation(&self, title: &str) -> String {
        let (status, body) = self
            .call("POST", "/api/conversations", Some(json!({"title": title})))
            .await;
        assert_eq!(status, 201, "{body}");
        body["id"].as_str().unwrap().to_string()
    }

    pub async fn post_message(&self, conversation: &str, role: &str, content: &str) -> String {
        let path = format!("/api/conversations/{conversation}/messages");
        let (status, body) = self
            .call(
                "POST",
                &path,
                Some(json!({"role": role, "content": content})),
            )
            .await;
        assert_eq!(status, 201, "{body}");
        body["id"].as_str().unwrap().to_string()
    }

    /// The messages of a conversation: (content, source_backend), oldest first.
    pub async fn messages(&self, conversation: &str) -> Vec<(String, String)> {
        let path = format!("/api/conversations/{conversation}/messages?limit=200");
        let (status, body) = self.call("GET", &path, None).await;
        assert_eq!(status, 200, "{body}");
        body["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|m| {
                (
                    m["content"].as_str().unwrap().to_string(),
                    m["source_backend"].as_str().unwrap().to_string(),
                )
            })
            .collect()
    }

    pub async fn conversation(&self, id: &str) -> (u16, Value) {
        self.call("GET", &format!("/api/conversations/{id}"), None)
            .await
    }

    /// Every conversation title, newest first.
    pub async fn titles(&self) -> Vec<String> {
        let (status, body) = self.call("GET", "/api/conversations?limit=200", None).await;
        assert_eq!(status, 200, "{body}");
        body["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["title"].as_str().unwrap().to_string())
            .collect()
    }
}

impl Drop for Daemon {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}

/// Creates an account on a hosted daemon and makes its token the daemon's bearer.
pub async fn with_account(hosted: &mut Daemon, name: &str) -> String {
    let state = &hosted.state;
    let (account, token) =
        accounts::create_account(state.store.as_ref(), state.clock.as_ref(), name)
            .await
            .unwrap();
    hosted.bearer = token.expose().clone();
    account.id
}

/// Pairs `local` with `hosted` through the local API; returns the peer id.
pub async fn pair(local: &Daemon, hosted: &Daemon) -> String {
    let (status, body) = hosted.call("POST", "/pairing-codes", None).await;
    assert_eq!(status, 201, "{body}");
    let code = body["code"].as_str().unwrap();
    let (status, body) = local
        .call(
            "POST",
            "/register-peer",
            Some(json!({"hosted_url": hosted.base(), "pairing_code": code})),
        )
        .await;
    assert_eq!(status, 201, "{body}");
    body["peer"]["peer_id"].as_str().unwrap().to_string()
}

/// A hosted daemon with an account and one local daemon paired to it.
pub async fn pair_of(db: &Db) -> (Daemon, Daemon, String) {
    pair_with(db, false).await
}

/// [`pair_of`], with the local daemon's scheduler on or off.
pub async fn pair_with(db: &Db, automatic: bool) -> (Daemon, Daemon, String) {
    let mut hosted = Daemon::start(Mode::Hosted, db).await;
    with_account(&mut hosted, "alice").await;
    let local = Daemon::start_with(Mode::Local, &Db::Sqlite, automatic).await;
    let peer = pair(&local, &hosted).await;
    (hosted, local, peer)
}

pub async fn sync(local: &Daemon, peer: &str) -> SyncSummary {
    sync_peer_now(&local.state, peer)
        .await
        .unwrap_or_else(|e| panic!("sync failed: {} {}", e.code, e.message))
}

/// Polls `check` until it holds, for at most `limit`: a wait on an observable condition.
pub async fn eventually<F, Fut>(limit: Duration, mut check: F) -> bool
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    let deadline = tokio::time::Instant::now() + limit;
    loop {
        if check().await {
            return true;
        }
        if tokio::time::Instant::now() >= deadline {
            return false;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}
