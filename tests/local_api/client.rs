//! A client that writes its requests byte for byte and reads the answers off the socket, so
//! that Host, Origin and every other header are exactly what a test says; and a local
//! daemon to send them to.

use backend_8825::local_api::SESSION_COOKIE;
use serde_json::Value;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use crate::common::Daemon;

/// An answer read off the socket.
#[derive(Debug)]
pub struct Raw {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: String,
}

impl Raw {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    pub fn json(&self) -> Value {
        serde_json::from_str(&self.body).unwrap_or_else(|_| panic!("body is not JSON: {self:?}"))
    }

    /// The status and the error code of a JSON error answer.
    pub fn error(&self) -> (u16, String) {
        let body = self.json();
        assert!(
            body["error"]["message"]
                .as_str()
                .is_some_and(|m| !m.is_empty()),
            "{body}"
        );
        (self.status, body["error"]["code"].as_str().unwrap().into())
    }

    /// Every local answer: no CORS header, no framing.
    pub fn assert_hardened(&self) {
        assert!(
            !self
                .headers
                .iter()
                .any(|(n, _)| n.to_ascii_lowercase().starts_with("access-control-")),
            "{self:?}"
        );
        assert_eq!(
            self.header("content-security-policy"),
            Some("frame-ancestors 'none'")
        );
        assert_eq!(self.header("x-frame-options"), Some("DENY"));
    }
}

/// A request written byte for byte, so Host and Origin are exactly what the test says
/// (`host: None` sends no Host header at all).
pub struct Req<'a> {
    pub method: &'a str,
    pub target: &'a str,
    pub host: Option<&'a str>,
    pub headers: Vec<(&'a str, String)>,
    pub body: &'a str,
}

impl<'a> Req<'a> {
    pub fn new(method: &'a str, target: &'a str, host: &'a str) -> Self {
        Self {
            method,
            target,
            host: Some(host),
            headers: Vec::new(),
            body: "",
        }
    }

    pub fn header(mut self, name: &'a str, value: impl Into<String>) -> Self {
        self.headers.push((name, value.into()));
        self
    }

    pub fn bearer(self, secret: &str) -> Self {
        self.header("Authorization", format!("Bearer {secret}"))
    }

    pub fn json(self) -> Self {
        self.header("Content-Type", "application/json")
    }

    pub async fn send(&self, addr: std::net::SocketAddr) -> Raw {
        let mut text = format!("{} {} HTTP/1.1\r\n", self.method, self.target);
        if let Some(host) = self.host {
            text += &format!("Host: {host}\r\n");
        }
        for (name, value) in &self.headers {
            text += &format!("{name}: {value}\r\n");
        }
        text += &format!(
            "Content-Length: {}\r\nConnection: close\r\n\r\n{}",
            self.body.len(),
            self.body
        );
        let mut stream = tokio::net::TcpStream::connect(addr).await.unwrap();
        stream.write_all(text.as_bytes()).await.unwrap();
        let mut answer = String::new();
        stream.read_to_string(&mut answer).await.unwrap();
        let (head, body) = answer.split_once("\r\n\r\n").expect("a whole answer");
        let mut lines = head.lines();
        let status = lines.next().unwrap().split(' ').nth(1).unwrap();
        let headers = lines
            .filter_map(|l| l.split_once(':'))
            .map(|(n, v)| (n.to_string(), v.trim().to_string()))
            .collect();
        Raw {
            status: status.parse().unwrap(),
            headers,
            body: body.to_string(),
        }
    }
}

/// A local daemon, its secret, and the Host its own clients send.
pub struct Local {
    pub daemon: Daemon,
    pub secret: String,
    pub host: String,
}

pub async fn local_daemon() -> Local {
    let daemon = Daemon::local().start().await;
    Local {
        secret: daemon.local_secret().await,
        host: format!("127.0.0.1:{}", daemon.addr.port()),
        daemon,
    }
}

impl Local {
    pub fn req<'a>(&'a self, method: &'a str, target: &'a str) -> Req<'a> {
        Req::new(method, target, &self.host)
    }

    /// `POST /launch-tokens` with the secret: the launch URL's token.
    pub async fn launch_token(&self) -> String {
        let answer = self
            .req("POST", "/launch-tokens")
            .json()
            .bearer(&self.secret);
        let answer = answer.send(self.daemon.addr).await;
        assert_eq!(answer.status, 201, "{answer:?}");
        let url = answer.json()["url"].as_str().unwrap().to_string();
        let prefix = format!("http://{}/launch?token=", self.host);
        url.strip_prefix(&prefix)
            .unwrap_or_else(|| panic!("{url}"))
            .to_string()
    }

    /// Spends a launch token; the session cookie's value on success.
    pub async fn launch(&self, token: &str) -> Result<String, Raw> {
        let target = format!("/launch?token={token}");
        let answer = self.req("GET", &target).send(self.daemon.addr).await;
        answer.assert_hardened();
        if answer.status != 303 {
            return Err(answer);
        }
        assert_eq!(answer.header("location"), Some("/"));
        let cookie = answer.header("set-cookie").unwrap();
        let (pair, attributes) = cookie.split_once("; ").unwrap();
        assert_eq!(attributes, "HttpOnly; SameSite=Strict; Path=/");
        let value = pair.strip_prefix(&format!("{SESSION_COOKIE}=")).unwrap();
        Ok(value.to_string())
    }
}
