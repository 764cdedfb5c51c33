//! The two daemons the pairing suite attacks (a hosted one with an account, a local one),
//! and the calls it makes that a plain pairing never does: codes it asks for itself,
//! registrations with any code or URL, each side's list of peers.

use serde_json::{Value, json};

use crate::common::{self, Daemon, Db, hosted_with_account, read};

pub struct Pairing {
    pub hosted: Daemon,
    pub local: Daemon,
    /// The token of the hosted account "alice".
    pub token: String,
    pub http: reqwest::Client,
}

impl Pairing {
    pub async fn start(db: &Db) -> Self {
        let (hosted, token) = hosted_with_account(db).await;
        let local = Daemon::local().start().await;
        Self {
            hosted,
            local,
            token,
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
        let (status, body) = self
            .hosted
            .call_as(token, "POST", "/pairing-codes", body)
            .await;
        assert_eq!(status, 201, "{body}");
        body["code"].as_str().unwrap().to_string()
    }

    pub async fn code(&self) -> String {
        self.code_for(&self.token, None).await
    }

    /// The UI's call: local `POST /register-peer`.
    pub async fn pair_with(&self, hosted_url: &str, code: &str) -> (u16, Value) {
        let body = json!({"hosted_url": hosted_url, "pairing_code": code});
        self.local.post("/register-peer", body).await
    }

    pub async fn pair(&self, code: &str) -> (u16, Value) {
        self.pair_with(&self.hosted.base(), code).await
    }

    /// Pairs and returns the new peer id.
    pub async fn paired(&self) -> String {
        common::pair(&self.local, &self.hosted, &self.token).await
    }

    pub async fn hosted_peers(&self, token: &str) -> Vec<Value> {
        let (status, body) = self.hosted.call_as(token, "GET", "/peers", None).await;
        assert_eq!(status, 200, "{body}");
        body.as_array().unwrap().clone()
    }

    pub async fn local_peers(&self) -> Vec<Value> {
        let (status, body) = self.local.get("/peers").await;
        assert_eq!(status, 200, "{body}");
        body.as_array().unwrap().clone()
    }
}

/// A registration posted straight to the hosted daemon, as no local daemon would send it.
pub async fn post_hosted(h: &Pairing, body: &Value) -> (u16, Value) {
    let response = h
        .http
        .post(h.hosted.url("/register-peer"))
        .json(body)
        .send()
        .await
        .unwrap();
    read(response).await
}
