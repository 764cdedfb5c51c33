//! Two daemons on loopback, each on its own manual clock: a hosted one (SQLite or Postgres)
//! and a local one (SQLite, in-memory keychain), plus an account on the hosted one.

use std::net::SocketAddr;
use std::sync::Arc;

use backend_8825::accounts;
use backend_8825::app::{Application, build_state_with_clock};
use backend_8825::clock::{Clock, ManualClock};
use backend_8825::config::Mode;
use backend_8825::local_api::local_secret;
use backend_8825::state::AppState;
use chrono::{TimeZone, Utc};
use serde_json::{Value, json};

use crate::common::{self, Db};

/// One daemon serving a prebuilt state until dropped.
pub struct Served {
    pub addr: SocketAddr,
    pub state: AppState,
    pub clock: Arc<ManualClock>,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    _dir: tempfile::TempDir,
}

impl Served {
    pub async fn start(mode: Mode, db: &Db) -> Self {
        let dir = tempfile::tempdir().unwrap();
        let clock = Arc::new(ManualClock::new(
            Utc.timestamp_opt(1_800_000_000, 0).unwrap(),
        ));
        let config = common::config(mode, dir.path(), db);
        let state =
            build_state_with_clock(config, common::mock_keychain(dir.path()), clock.clone())
                .await
                .expect("state builds");
        let app = Application::bind(state.clone()).await.expect("binds");
        let addr = app.local_addr();
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        tokio::spawn(app.run_until_stopped(async move {
            let _ = stopped.await;
        }));
        Self {
            addr,
            state,
            clock,
            stop: Some(stop),
            _dir: dir,
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    pub fn base(&self) -> String {
        format!("http://{}", self.addr)
    }

    pub fn advance(&self, secs: i64) {
        self.clock.advance(chrono::Duration::seconds(secs));
    }

    pub fn now(&self) -> i64 {
        self.clock.now().timestamp()
    }
}

impl Drop for Served {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}

pub struct Harness {
    pub hosted: Served,
    pub local: Served,
    pub token: String,
    pub secret: String,
    pub http: reqwest::Client,
}

impl Harness {
    pub async fn start(db: &Db) -> Self {
        let hosted = Served::start(Mode::Hosted, db).await;
        let local = Served::start(Mode::Local, &Db::Sqlite).await;
        let token = create_account(&hosted, "alice").await;
        let secret = local_secret(&local.state)
            .await
            .unwrap()
            .expose()
            .to_string();
        Self {
            hosted,
            local,
            token,
            secret,
            http: common::http_client(),
        }
    }

    /// Moves both clocks together.
    pub fn advance(&self, secs: i64) {
        self.hosted.advance(secs);
        self.local.advance(secs);
    }

    /// A new pairing code of the account whose token is `token`.
    pub async fn code_for(&self, token: &str, body: Option<Value>) -> String {
        let mut request = self
            .http
            .post(self.hosted.url("/pairing-codes"))
            .bearer_auth(token);
        if let Some(body) = body {
            request = request.json(&body);
        }
        let response = request.send().await.unwrap();
        assert_eq!(response.status(), 201);
        let body: Value = response.json().await.unwrap();
        body["code"].as_str().unwrap().to_string()
    }

    pub async fn code(&self) -> String {
        self.code_for(&self.token, None).await
    }

    /// The UI's call: local `POST /register-peer`.
    pub async fn pair_with(&self, hosted_url: &str, code: &str) -> (u16, Value) {
        self.local_post(
            "/register-peer",
            json!({"hosted_url": hosted_url, "pairing_code": code}),
        )
        .await
    }

    pub async fn pair(&self, code: &str) -> (u16, Value) {
        self.pair_with(&self.hosted.base(), code).await
    }

    pub async fn local_post(&self, path: &str, body: Value) -> (u16, Value) {
        let response = self
            .http
            .post(self.local.url(path))
            .bearer_auth(&self.secret)
            .json(&body)
            .send()
            .await
            .unwrap();
        read(response).await
    }

    pub async fn local_get(&self, path: &str) -> (u16, Value) {
        let response = self
            .http
            .get(self.local.url(path))
            .bearer_auth(&self.secret)
            .send()
            .await
            .unwrap();
        read(response).await
    }

    pub async fn hosted_peers(&self, token: &str) -> Vec<Value> {
        let response = self
            .http
            .get(self.hosted.url("/peers"))
            .bearer_auth(token)
            .send()
            .await
            .unwrap();
        let (status, body) = read(response).await;
        assert_eq!(status, 200, "{body}");
        body.as_array().unwrap().clone()
    }

    pub async fn local_peers(&self) -> Vec<Value> {
        let (status, body) = self.local_get("/peers").await;
        assert_eq!(status, 200, "{body}");
        body.as_array().unwrap().clone()
    }

    /// Pairs and returns the new peer id.
    pub async fn paired(&self) -> String {
        let code = self.code().await;
        let (status, body) = self.pair(&code).await;
        assert_eq!(status, 201, "{body}");
        body["peer"]["peer_id"].as_str().unwrap().to_string()
    }
}

pub async fn create_account(hosted: &Served, name: &str) -> String {
    let state = &hosted.state;
    let (_, token) = accounts::create_account(state.store.as_ref(), state.clock.as_ref(), name)
        .await
        .unwrap();
    token.expose().clone()
}

pub async fn read(response: reqwest::Response) -> (u16, Value) {
    let status = response.status().as_u16();
    let text = response.text().await.unwrap();
    let body = serde_json::from_str(&text).unwrap_or(Value::String(text));
    (status, body)
}

pub fn error_code(body: &Value) -> &str {
    body["error"]["code"].as_str().unwrap_or("<no error code>")
}
