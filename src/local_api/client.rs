//! `LocalClient`: how CLI commands call the running local daemon, with the Bearer secret.

use serde::Serialize;
use serde::de::DeserializeOwned;

use super::secret::LocalSecret;

/// A client of one running local daemon.
#[derive(Clone, Debug)]
pub struct LocalClient {
    base: String,
    secret: LocalSecret,
    http: reqwest::Client,
}

/// A one-time launch URL, as `POST /launch-tokens` answers it.
#[derive(Debug, serde::Deserialize)]
pub struct LaunchUrl {
    pub url: String,
    pub expires_at: String,
}

#[derive(Debug, thiserror::Error)]
pub enum ClientError {
    #[error("{0:?} is not an http:// URL of a local daemon")]
    BadUrl(String),
    #[error("no daemon answers at {url}: is `backend-8825 serve` running?")]
    Unreachable { url: String, source: reqwest::Error },
    #[error("the daemon at {url} answered {status} {code}: {message}")]
    Refused {
        url: String,
        status: u16,
        code: String,
        message: String,
    },
    #[error("the daemon at {url} sent an answer this command does not understand")]
    Unexpected { url: String, source: reqwest::Error },
}

impl LocalClient {
    /// A client of the daemon at `base_url` (such as `http://127.0.0.1:8825`).
    pub fn new(base_url: &str, secret: LocalSecret) -> Result<Self, ClientError> {
        let base = base_url.trim_end_matches('/');
        let parsed = reqwest::Url::parse(base).map_err(|_| ClientError::BadUrl(base.into()))?;
        if parsed.scheme() != "http" || parsed.host().is_none() || parsed.path() != "/" {
            return Err(ClientError::BadUrl(base.into()));
        }
        // reqwest is built without a default TLS provider; plain http needs none, but the
        // builder wants one installed. Installing twice is harmless.
        let _ = rustls::crypto::ring::default_provider().install_default();
        let http = reqwest::Client::builder()
            // A proxy from the environment must never see the secret or reroute loopback.
            .no_proxy()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .map_err(|source| ClientError::Unreachable {
                url: base.into(),
                source,
            })?;
        Ok(Self {
            base: base.to_string(),
            secret,
            http,
        })
    }

    pub fn base_url(&self) -> &str {
        &self.base
    }

    /// `GET path`, decoding a JSON answer.
    pub async fn get_json<T: DeserializeOwned>(&self, path: &str) -> Result<T, ClientError> {
        let request = self.http.get(self.url(path));
        self.send(request).await
    }

    /// `POST path` with a JSON body, decoding a JSON answer.
    pub async fn post_json<T: DeserializeOwned>(
        &self,
        path: &str,
        body: &impl Serialize,
    ) -> Result<T, ClientError> {
        let request = self.http.post(self.url(path)).json(body);
        self.send(request).await
    }

    /// `PUT path` with a JSON body, decoding a JSON answer.
    pub async fn put_json<T: DeserializeOwned>(
        &self,
        path: &str,
        body: &impl Serialize,
    ) -> Result<T, ClientError> {
        let request = self.http.put(self.url(path)).json(body);
        self.send(request).await
    }

    /// `DELETE path`, decoding a JSON answer.
    pub async fn delete_json<T: DeserializeOwned>(&self, path: &str) -> Result<T, ClientError> {
        let request = self
            .http
            .delete(self.url(path))
            .header(reqwest::header::CONTENT_TYPE, "application/json");
        self.send(request).await
    }

    /// Asks for a one-time launch URL of the web UI.
    pub async fn launch_url(&self) -> Result<LaunchUrl, ClientError> {
        self.post_json("/launch-tokens", &serde_json::json!({}))
            .await
    }

    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    async fn send<T: DeserializeOwned>(
        &self,
        request: reqwest::RequestBuilder,
    ) -> Result<T, ClientError> {
        let url = self.base.clone();
        let response = request
            .bearer_auth(self.secret.expose())
            .send()
            .await
            .map_err(|source| ClientError::Unreachable {
                url: url.clone(),
                source,
            })?;
        let status = response.status();
        if !status.is_success() {
            let body: serde_json::Value = response.json().await.unwrap_or_default();
            let field = |name: &str| body["error"][name].as_str().unwrap_or("").to_string();
            return Err(ClientError::Refused {
                url,
                status: status.as_u16(),
                code: field("code"),
                message: field("message"),
            });
        }
        response
            .json()
            .await
            .map_err(|source| ClientError::Unexpected { url, source })
    }
}
