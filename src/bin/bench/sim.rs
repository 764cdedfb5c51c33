//! A simulated local backend: its own identity (an RSA key and a backend id), paired with
//! a hosted backend through the real handshake, then signed `POST /sync` requests and a
//! signed telemetry socket. No database and no daemon of its own, so that a thousand fit on
//! a laptop next to the hosted daemon they load.

use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use backend_8825::accounts::secrets::hash_code;
use backend_8825::clock::SystemClock;
use backend_8825::config::Mode;
use backend_8825::handshake::httpsig;
use backend_8825::handshake::pair_key::PairKey;
use backend_8825::handshake::sbt::{ExpectedBinding, SessionBindingToken};
use backend_8825::identity::{
    BackendId, BackendIdentity, IDENTITY_VERSION, IdentityDocument, IdentityKey,
    LOCAL_CAPABILITIES, PublicIdentityKey,
};
use backend_8825::peers::transcript::{self, RegisterRequest};
use backend_8825::peers::wire::{Grant, HANDSHAKE_VERSION, RegisterPeerRequest};
use backend_8825::peers::{PeerCall, signed_request};
use backend_8825::store::{KIND_CONVERSATION, KIND_MESSAGE, PeerKey, Record};
use backend_8825::sync::hlc::Hlc;
use backend_8825::telemetry::client::signed_upgrade;
use backend_8825::telemetry::{Level, TelemetryEvent};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde_json::{Value, json};
use tokio_tungstenite::tungstenite::Error;
use tokio_tungstenite::tungstenite::http::HeaderValue;

/// A simulated peer's telemetry socket.
pub type Socket =
    tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

/// The header the hosted daemon reads the client address from in these runs
/// (`BACKEND_8825_CLIENT_IP_HEADER`), as behind a proxy: each simulated peer has its own, so
/// the per-address pairing limit (30 a minute) applies per peer, as it would in production.
pub const CLIENT_IP_HEADER: &str = "x-bench-client-ip";

/// Generates `n` identity keys on every core; each key's generation time.
pub async fn keygen(n: usize) -> anyhow::Result<(Vec<Arc<IdentityKey>>, Vec<Duration>)> {
    let threads = std::thread::available_parallelism().map_or(2, |n| n.get());
    let mut tasks = Vec::new();
    for t in 0..threads {
        let share = n / threads + usize::from(t < n % threads);
        tasks.push(tokio::task::spawn_blocking(move || {
            (0..share)
                .map(|_| {
                    let started = Instant::now();
                    IdentityKey::generate().map(|k| (Arc::new(k), started.elapsed()))
                })
                .collect::<Result<Vec<_>, _>>()
        }));
    }
    let (mut keys, mut times) = (Vec::new(), Vec::new());
    for t in tasks {
        for (k, d) in t.await?? {
            keys.push(k);
            times.push(d);
        }
    }
    Ok((keys, times))
}

fn now_secs() -> i64 {
    chrono::Utc::now().timestamp()
}

/// A fake client address, distinct for each `n`.
pub fn client_ip(n: usize) -> String {
    format!("10.{}.{}.{}", (n >> 16) & 255, (n >> 8) & 255, n & 255)
}

/// A paired simulated peer.
pub struct SimPeer {
    pub backend_id: BackendId,
    pub peer_id: String,
    key_row: PeerKey,
    pair_key: PairKey,
    ip: String,
    hlc: Hlc,
    epoch: String,
    since: Option<(String, i64)>,
    pushed: i64,
    conversation: String,
}

/// Pairs a new simulated local backend with the hosted one at `base`, exactly as a local
/// daemon does: fetch and check the hosted identity, sign the registration, check and open
/// the grant (signature, wrapped pair key, SBT).
pub async fn pair(
    http: &reqwest::Client,
    base: &str,
    key: Arc<IdentityKey>,
    code: &str,
    ip: String,
) -> anyhow::Result<SimPeer> {
    let backend_id: BackendId = uuid::Uuid::new_v4()
        .simple()
        .to_string()
        .parse()
        .map_err(anyhow::Error::msg)?;
    let hosted: IdentityDocument = http
        .get(format!("{base}/identity"))
        .send()
        .await?
        .error_for_status()?
        .json()
        .await?;
    let pinned = PublicIdentityKey::from_pem(&hosted.public_key)?;
    if hosted.backend_type != Mode::Hosted || pinned.key_id() != &hosted.key_id {
        bail!("the hosted identity does not check out");
    }
    let nonce = httpsig::new_nonce();
    let timestamp = now_secs();
    let code_hash = hash_code(code);
    let request_transcript = RegisterRequest {
        local_id: backend_id.as_str(),
        local_key_id: key.key_id().as_str(),
        hosted_id: hosted.backend_id.as_str(),
        hosted_key_id: hosted.key_id.as_str(),
        code_hash: &code_hash,
        nonce: &nonce,
        timestamp,
    }
    .transcript()
    .context("transcript")?;
    let proof = URL_SAFE_NO_PAD.encode(key.sign(&request_transcript)?);
    let body = RegisterPeerRequest {
        v: HANDSHAKE_VERSION,
        identity: IdentityDocument {
            backend_id: backend_id.clone(),
            backend_type: Mode::Local,
            public_key: key.public().pem().to_string(),
            key_id: key.key_id().clone(),
            capabilities: LOCAL_CAPABILITIES.iter().map(|c| c.to_string()).collect(),
            version: IDENTITY_VERSION.to_string(),
            previous_keys: Vec::new(),
        },
        hosted_id: hosted.backend_id.clone(),
        hosted_key_id: hosted.key_id.clone(),
        pairing_code: code.to_string(),
        nonce,
        timestamp,
        proof,
    };
    let response = http
        .post(format!("{base}/register-peer"))
        .header(CLIENT_IP_HEADER, &ip)
        .json(&body)
        .send()
        .await?;
    if !response.status().is_success() {
        bail!(
            "register-peer answered {}: {}",
            response.status(),
            response.text().await.unwrap_or_default()
        );
    }
    let grant: Grant = response.json().await?;
    let signed = transcript::Grant {
        request_transcript: &request_transcript,
        peer_id: &grant.peer_id,
        kid: grant.kid.as_str(),
        account_id: &grant.account_id,
        wrapped_key: &grant.wrapped_key,
        sbt: &grant.sbt,
    }
    .transcript(transcript::REGISTER_RESPONSE)
    .context("grant transcript")?;
    pinned.verify(&signed, &URL_SAFE_NO_PAD.decode(&grant.signature)?)?;
    let raw = key.unwrap(&URL_SAFE_NO_PAD.decode(&grant.wrapped_key)?)?;
    let pair_key =
        PairKey::from_bytes(raw.expose()).map_err(|_| anyhow::anyhow!("pair key size"))?;
    let expected = ExpectedBinding {
        peer_id: &grant.peer_id,
        kid: &grant.kid,
        account_id: Some(&grant.account_id),
        local_id: Some(&backend_id),
        hosted_id: Some(&hosted.backend_id),
        local_key_id: Some(key.key_id()),
        hosted_key_id: Some(pinned.key_id()),
    };
    let claims = SessionBindingToken::verify(&grant.sbt, &pair_key, &expected, now_secs())
        .map_err(|e| anyhow::anyhow!("SBT refused: {e}"))?;
    let key_row = PeerKey {
        peer_id: grant.peer_id.clone(),
        kid: grant.kid.to_string(),
        key: None,
        sbt: Some(grant.sbt.clone()),
        created_at: 0,
        sbt_expires_at: claims.exp,
        retires_at: None,
    };
    Ok(SimPeer {
        hlc: Hlc::new(&backend_id, None, i64::MAX),
        backend_id,
        peer_id: grant.peer_id,
        key_row,
        pair_key,
        ip,
        epoch: uuid::Uuid::new_v4().to_string(),
        since: None,
        pushed: 0,
        conversation: uuid::Uuid::now_v7().to_string(),
    })
}

impl SimPeer {
    fn record(&self, kind: &str, id: String) -> Record {
        let now = chrono::Utc::now().timestamp_millis();
        let is_conv = kind == KIND_CONVERSATION;
        Record {
            kind: kind.to_string(),
            id,
            conversation_id: (!is_conv).then(|| self.conversation.clone()),
            title: is_conv.then(|| "scale".to_string()),
            role: (!is_conv).then(|| "user".to_string()),
            content: (!is_conv).then(|| "a message from a simulated peer".to_string()),
            created_at: now,
            updated_at: now,
            deleted: false,
            version: self.hlc.next(&SystemClock),
            source_backend: self.backend_id.to_string(),
            seq: 0,
            e2e: None,
            origin_peer: None,
        }
    }

    /// One sync round trip pushing one new message (the conversation first); its latency.
    pub async fn sync(&mut self, http: &reqwest::Client, base: &str) -> anyhow::Result<Duration> {
        let mut changes = Vec::new();
        if self.pushed == 0 {
            changes.push(self.record(KIND_CONVERSATION, self.conversation.clone()));
        }
        changes.push(self.record(KIND_MESSAGE, uuid::Uuid::now_v7().to_string()));
        let push_through = self.pushed + changes.len() as i64;
        let since = self
            .since
            .as_ref()
            .map(|(e, s)| json!({"epoch": e, "seq": s}));
        let body = json!({"v": 1, "epoch": self.epoch, "since": since, "changes": changes,
            "push_through": push_through, "limit": 500});
        let path = format!("/sync/{}", self.peer_id);
        let call = PeerCall {
            method: reqwest::Method::POST,
            base_url: base,
            path_and_query: &path,
            body: serde_json::to_vec(&body)?,
            created: now_secs(),
        };
        let request = signed_request(http, call, &self.key_row, &self.pair_key)
            .map_err(|e| anyhow::anyhow!("sign: {}", e.code()))?
            .header(CLIENT_IP_HEADER, &self.ip);
        let started = Instant::now();
        let response = request.timeout(Duration::from_secs(30)).send().await?;
        let status = response.status();
        let answer: Value = response.json().await.unwrap_or(Value::Null);
        let took = started.elapsed();
        if !status.is_success() {
            bail!("sync answered {status}: {answer}");
        }
        self.pushed = answer["ack"].as_i64().unwrap_or(push_through);
        if let (Some(e), Some(c)) = (answer["epoch"].as_str(), answer["cursor"].as_i64()) {
            self.since = Some((e.to_string(), c));
        }
        Ok(took)
    }

    /// The signed upgrade request of this peer's telemetry socket.
    pub fn socket_request(
        &self,
        base: &str,
    ) -> anyhow::Result<tokio_tungstenite::tungstenite::handshake::client::Request> {
        let mut request = signed_upgrade(
            base,
            &self.peer_id,
            &self.key_row,
            &self.pair_key,
            now_secs(),
        )
        .map_err(|e| anyhow::anyhow!("the upgrade request: {e}"))?;
        request
            .headers_mut()
            .insert(CLIENT_IP_HEADER, HeaderValue::from_str(&self.ip)?);
        Ok(request)
    }

    /// Opens this peer's telemetry socket at `base`, with `TCP_NODELAY` as the daemon's own
    /// client. A `503` (the hosted database busy, many sockets opening at once) is tried
    /// again after 1, 2, 4 and 8 s, as the daemon's client backs off; other failures at once.
    pub async fn open_socket(&self, base: &str) -> anyhow::Result<Socket> {
        let mut backoff = Duration::from_secs(1);
        loop {
            let request = self.socket_request(base)?;
            match tokio_tungstenite::connect_async_with_config(request, None, true).await {
                Ok((socket, _)) => return Ok(socket),
                Err(Error::Http(r)) if r.status() == 503 && backoff <= Duration::from_secs(8) => {
                    tokio::time::sleep(backoff).await;
                    backoff *= 2;
                }
                Err(e) => return Err(e.into()),
            }
        }
    }

    /// A `batch` frame of `n` events of this peer.
    pub fn batch(&self, batch_id: &str, n: usize) -> String {
        let events: Vec<Value> = (0..n)
            .map(|i| {
                let mut e = TelemetryEvent::new("bench.scale", Level::Info, chrono::Utc::now())
                    .with_attribute("i", i);
                e.source_backend = self.backend_id.to_string();
                serde_json::from_str(&e.validate().expect("a valid event")).expect("json")
            })
            .collect();
        json!({"type": "batch", "batch_id": batch_id, "events": events}).to_string()
    }
}

/// Registrations as a local backend would send them, with a valid proof over codes that
/// were never issued: each is refused `pairing_code_invalid`, after the signature check.
pub fn wrong_code_registrations(
    me: &BackendIdentity,
    key: &IdentityKey,
    n: usize,
) -> anyhow::Result<Vec<Vec<u8>>> {
    let now = chrono::Utc::now().timestamp();
    (0..n)
        .map(|_| {
            let backend_id: BackendId = uuid::Uuid::new_v4()
                .simple()
                .to_string()
                .parse()
                .map_err(anyhow::Error::msg)?;
            let code = format!("WRONG-{}", uuid::Uuid::new_v4().simple());
            let nonce = httpsig::new_nonce();
            let code_hash = hash_code(&code);
            let transcript = RegisterRequest {
                local_id: backend_id.as_str(),
                local_key_id: key.key_id().as_str(),
                hosted_id: me.backend_id.as_str(),
                hosted_key_id: me.key_id().as_str(),
                code_hash: &code_hash,
                nonce: &nonce,
                timestamp: now,
            }
            .transcript()
            .context("transcript")?;
            let proof = URL_SAFE_NO_PAD.encode(key.sign(&transcript)?);
            let body = RegisterPeerRequest {
                v: HANDSHAKE_VERSION,
                identity: IdentityDocument {
                    backend_id,
                    backend_type: Mode::Local,
                    public_key: key.public().pem().to_string(),
                    key_id: key.key_id().clone(),
                    capabilities: LOCAL_CAPABILITIES.iter().map(|c| c.to_string()).collect(),
                    version: IDENTITY_VERSION.to_string(),
                    previous_keys: Vec::new(),
                },
                hosted_id: me.backend_id.clone(),
                hosted_key_id: me.key_id().clone(),
                pairing_code: code,
                nonce,
                timestamp: now,
                proof,
            };
            Ok(serde_json::to_vec(&body)?)
        })
        .collect()
}
