//! The `TelemetryClient` of a local backend: one socket to each active hosted peer, batches
//! from the outbox, deletion only on acknowledgement, reconnection with jittered backoff.
//! After any disconnect or restart it sends again everything still in the outbox; the hosted
//! side stores each `event_id` once, so a resend is harmless.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::Duration;

use serde::Serialize;
use tokio::net::TcpStream;
use tokio::sync::{broadcast, watch};
use tokio::task::{AbortHandle, JoinSet};
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::protocol::WebSocketConfig;
use tokio_tungstenite::tungstenite::{self};
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};

use super::frames::close;
use super::uplink::Session;
use crate::handshake::pair_key::PairKey;
use crate::network::{NetworkAccess, Outcome};
use crate::peers::{PeersAccess, RequestTarget, current_key, peer_now, signature_headers};
use crate::resilience::{Backoff, Decision, Failure, RetryStrategy};
use crate::state::AppState;
use crate::store::{PEER_ACTIVE, PeerKey};
use crate::telemetry::TelemetryAccess;

pub(super) type Socket = WebSocketStream<MaybeTlsStream<TcpStream>>;

/// A WebSocket client request (the upgrade), as tokio-tungstenite takes it.
pub type UpgradeRequest = tungstenite::handshake::client::Request;

/// A poke received from a hosted peer: the sync scheduler's cue to sync that peer now.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PokeNotice {
    pub peer_id: String,
    pub reason: String,
}

/// One hosted peer's socket as `GET /telemetry/status` shows it.
#[derive(Clone, Debug, Default, Serialize, utoipa::ToSchema)]
pub struct PeerLink {
    pub peer_id: String,
    pub connected: bool,
    /// Sockets opened since this daemon started.
    pub connects: u64,
    /// Batches sent since this daemon started; those past `acked_batches` are in flight.
    pub sent_batches: u64,
    pub acked_batches: u64,
    pub pokes: u64,
    /// Unix ms of the last acknowledgement.
    pub last_ack_at: Option<i64>,
    /// Why the last attempt or socket ended (an error code, never a secret).
    pub last_error: Option<String>,
    /// Outbox rows waiting for this peer.
    pub pending: i64,
    /// The hosted backend said sync is paused for the account (until it says it resumed,
    /// or the socket closes): no batch and no sync goes to it meanwhile.
    pub paused_remotely: bool,
}

/// The client's shared state: the wake-up that emit sends, poke subscribers, an on/off
/// switch, and each peer's link.
pub struct ClientState {
    pub(super) wake: watch::Sender<u64>,
    pub(super) enabled: watch::Sender<bool>,
    pokes: broadcast::Sender<PokeNotice>,
    links: Mutex<HashMap<String, PeerLink>>,
}

impl Default for ClientState {
    fn default() -> Self {
        Self {
            wake: watch::Sender::new(0),
            enabled: watch::Sender::new(true),
            pokes: broadcast::Sender::new(64),
            links: Mutex::default(),
        }
    }
}

impl ClientState {
    /// Tells the sender that the outbox has something new.
    pub fn wake(&self) {
        self.wake.send_modify(|n| *n = n.wrapping_add(1));
    }

    /// Turns sending on or off. Off closes every socket; events keep going to the outbox.
    pub fn set_enabled(&self, enabled: bool) {
        self.enabled.send_replace(enabled);
    }

    pub fn subscribe_pokes(&self) -> broadcast::Receiver<PokeNotice> {
        self.pokes.subscribe()
    }

    /// Each known peer's link, by peer id.
    pub fn links(&self) -> Vec<PeerLink> {
        let mut links: Vec<PeerLink> = self
            .links
            .lock()
            .expect("links lock")
            .values()
            .cloned()
            .collect();
        links.sort_by(|a, b| a.peer_id.cmp(&b.peer_id));
        links
    }

    /// Whether the hosted peer said, over its open socket, that sync is paused there.
    pub fn paused_remotely(&self, peer_id: &str) -> bool {
        let links = self.links.lock().expect("links lock");
        links.get(peer_id).is_some_and(|l| l.paused_remotely)
    }

    pub fn link(&self, peer_id: &str) -> Option<PeerLink> {
        self.links.lock().expect("links lock").get(peer_id).cloned()
    }

    pub(super) fn update(&self, peer_id: &str, f: impl FnOnce(&mut PeerLink)) {
        let mut links = self.links.lock().expect("links lock");
        let link = links
            .entry(peer_id.to_string())
            .or_insert_with(|| PeerLink {
                peer_id: peer_id.to_string(),
                ..PeerLink::default()
            });
        f(link);
    }

    /// Delivers a poke to the subscribers (the sync scheduler); public so that it can be
    /// exercised without a hosted backend.
    pub fn deliver_poke(&self, notice: PokeNotice) {
        self.update(&notice.peer_id, |l| l.pokes += 1);
        let _ = self.pokes.send(notice);
    }
}

/// Keeps one task per active hosted peer, started and stopped as peers come and go. Aborting
/// this task aborts them all (they live in its `JoinSet`).
pub(super) async fn supervise(state: AppState) {
    let mut tasks = JoinSet::new();
    let mut running: HashMap<String, AbortHandle> = HashMap::new();
    let mut wake = state.telemetry().client.wake.subscribe();
    // A revoked peer's link stops at once.
    let mut peer_changes = state.peers().changes.subscribe();
    let mut tick = tokio::time::interval(Duration::from_secs(2));
    loop {
        while tasks.try_join_next().is_some() {}
        match state.store.peers(None).await {
            Ok(peers) => {
                let wanted: Vec<String> = peers
                    .into_iter()
                    .filter(|p| p.status == PEER_ACTIVE && p.remote_url.is_some())
                    .map(|p| p.peer_id)
                    .collect();
                running.retain(|peer_id, handle| {
                    let keep = wanted.contains(peer_id) && !handle.is_finished();
                    if !keep {
                        handle.abort();
                    }
                    keep
                });
                for peer_id in wanted {
                    if let std::collections::hash_map::Entry::Vacant(slot) =
                        running.entry(peer_id.clone())
                    {
                        slot.insert(tasks.spawn(peer_loop(state.clone(), peer_id)));
                    }
                }
            }
            Err(err) => tracing::warn!(error = %err, "cannot list peers for telemetry"),
        }
        tokio::select! {
            _ = wake.changed() => {}
            _ = peer_changes.changed() => {}
            _ = tick.tick() => {}
        }
    }
}

/// Connects, serves the socket, and reconnects after a jittered backoff, for as long as the
/// supervisor keeps the peer.
async fn peer_loop(state: AppState, peer_id: String) {
    let client = &state.telemetry().client;
    let mut enabled = client.enabled.subscribe();
    let mut failures: u32 = 0;
    // When a socket last ended with 1001 and the next attempt went without a wait.
    let mut went_away: Option<std::time::Instant> = None;
    loop {
        if !wait_until(&mut enabled, true).await {
            return;
        }
        // While the peer is offline only the network monitor's probe calls it; its first
        // answer brings this loop back at once.
        state.network().wait_reachable(&peer_id).await;
        let started = std::time::Instant::now();
        let connected = connect(&state, &peer_id).await;
        let outcome = match &connected {
            Ok(_) => Some(Outcome::answered(101, started.elapsed())),
            Err(Refused {
                failure: Some(Failure::Transport),
                ..
            }) => Some(Outcome::Unreachable),
            Err(Refused {
                failure: Some(Failure::Status { status, .. }),
                ..
            }) => Some(Outcome::answered(*status, started.elapsed())),
            Err(_) => None,
        };
        if let Some(outcome) = outcome {
            crate::network::record(&state, &peer_id, outcome);
        }
        let limits = state.telemetry().limits();
        let strategy =
            RetryStrategy::background(Backoff::new(limits.reconnect_base, limits.reconnect_max));
        match connected {
            Ok(socket) => {
                client.update(&peer_id, |l| {
                    l.connected = true;
                    l.connects += 1;
                    l.last_error = None;
                });
                tracing::info!(peer_id, "telemetry socket open");
                // The peer is reachable again: sync need not wait out its backoff.
                client.deliver_poke(PokeNotice {
                    peer_id: peer_id.clone(),
                    reason: "connected".into(),
                });
                let (acked, why) = Session::new(&state, &peer_id).run(socket).await;
                tracing::info!(peer_id, reason = %why, "telemetry socket closed");
                if why == format!("closed {}: revoked", close::POLICY) {
                    // The hosted end revoked the pairing: follow, and stop here.
                    crate::peers::revoked_remotely(&state, &peer_id).await;
                    return;
                }
                let going_away = why.starts_with(&format!("closed {}:", close::GOING_AWAY));
                client.update(&peer_id, |l| {
                    l.connected = false;
                    l.last_error = Some(why);
                });
                if acked {
                    failures = 0;
                }
                // 1001: the hosted instance is stopping (a rolling deploy); another one
                // answers at the same URL, so reconnect at once, with no backoff. Not twice
                // within GOING_AWAY_SPACING: an instance that keeps saying so is waited out
                // like any other end of a socket.
                if going_away && went_away.is_none_or(|at| at.elapsed() >= GOING_AWAY_SPACING) {
                    went_away = Some(std::time::Instant::now());
                    failures = 0;
                    continue;
                }
            }
            Err(Refused { why, failure }) => {
                tracing::debug!(peer_id, reason = %why, "cannot open the telemetry socket");
                client.update(&peer_id, |l| l.last_error = Some(why));
                failures = failures.saturating_add(1);
                // The retry strategy (`crate::resilience::retry`): a hosted backend that says
                // when to come back (429 or 503 with `Retry-After`: its database is down, say)
                // is taken at its word, as the sync scheduler does: a backoff grown by its
                // refusals would keep the socket, and its pokes, away long after it is back.
                // A refusal that would come again (401, 403, ...) is not retried on the
                // backoff: the next attempt is after the longest backoff, or as soon as the
                // peer's credentials change (a renewal), whichever comes first.
                let failure = failure.unwrap_or(Failure::Transport);
                match strategy.decide(failures, &failure) {
                    Decision::RetryAfter(wait) => tokio::time::sleep(wait).await,
                    Decision::GiveUp => {
                        let mut changes = state.peers().changes.subscribe();
                        tokio::select! {
                            () = tokio::time::sleep(limits.reconnect_max) => {}
                            _ = changes.changed() => {}
                        }
                    }
                }
                continue;
            }
        }
        failures = failures.saturating_add(1);
        tokio::time::sleep(strategy.backoff.delay(failures)).await;
    }
}

/// The shortest time between two reconnections without a wait after a `1001` close.
const GOING_AWAY_SPACING: Duration = Duration::from_secs(5);

/// Waits until the switch is `want`; false if it can no longer change.
pub(super) async fn wait_until(switch: &mut watch::Receiver<bool>, want: bool) -> bool {
    switch.wait_for(|on| *on == want).await.is_ok()
}

/// A store failure on the telemetry path: logged once with its cause, and a short reason
/// for the status page.
pub(super) fn store_failed(err: crate::store::StoreError) -> String {
    tracing::warn!(error = %err, "telemetry: the local database failed");
    "the local database failed".to_string()
}

/// The signed upgrade request for `peer_id`'s telemetry socket, exactly as the client sends
/// it (`GET /telemetry/{peer_id}` at the peer's URL, signed like every peer request). The
/// error is a short reason for the status page, never a header or a key.
pub async fn upgrade_request(state: &AppState, peer_id: &str) -> Result<UpgradeRequest, String> {
    let peer = state
        .store
        .peer(peer_id)
        .await
        .map_err(store_failed)?
        .ok_or("no such peer")?;
    let base = peer.remote_url.as_deref().ok_or("the peer has no URL")?;
    let (key_row, pair_key) = current_key(state, &peer).await.map_err(|e| e.message)?;
    signed_upgrade(base, peer_id, &key_row, &pair_key, peer_now(state))
}

/// The upgrade request to `peer_id`'s telemetry socket at `base`, signed with `key_row` and
/// `pair_key` at `created` (unix seconds).
pub fn signed_upgrade(
    base: &str,
    peer_id: &str,
    key_row: &PeerKey,
    pair_key: &PairKey,
    created: i64,
) -> Result<UpgradeRequest, String> {
    let url = socket_url(base, peer_id)?;
    let mut request = url
        .as_str()
        .into_client_request()
        .map_err(|_| "the peer URL is not valid")?;
    // Sign the authority exactly as the WebSocket client will send it in `Host`.
    let authority = request
        .headers()
        .get("host")
        .and_then(|h| h.to_str().ok())
        .ok_or("the peer URL has no host")?
        .to_string();
    let path = request.uri().path().to_string();
    let query = request
        .uri()
        .query()
        .map(|q| format!("?{q}"))
        .unwrap_or_default();
    let target = RequestTarget {
        method: "GET",
        authority: &authority,
        path: &path,
        query: &query,
    };
    let signed = signature_headers(&target, b"", key_row, pair_key, created)
        .map_err(|e| e.code().to_string())?;
    request.headers_mut().extend(signed);
    Ok(request)
}

/// Why the upgrade failed, for the status page, and how long the hosted backend asked to
/// wait (`Retry-After`), if it did.
struct Refused {
    why: String,
    /// What failed, in the retry strategy's terms (`None`: nothing was sent).
    failure: Option<Failure>,
}

impl From<String> for Refused {
    fn from(why: String) -> Self {
        Self { why, failure: None }
    }
}

/// The longest `Retry-After` waited: a longer one (a confused server) waits this.
const MAX_RETRY_AFTER: Duration = Duration::from_secs(3600);

/// Opens the signed upgrade to `peer_id`'s hosted backend.
async fn connect(state: &AppState, peer_id: &str) -> Result<Socket, Refused> {
    let request = upgrade_request(state, peer_id).await?;
    let config = WebSocketConfig::default()
        .max_message_size(Some(16 << 20))
        .max_frame_size(Some(16 << 20));
    // TCP_NODELAY: a batch frame larger than one segment would otherwise hold its last
    // segment until the hosted side acknowledges the others (a delayed ACK, up to 40 ms).
    let attempt = tokio_tungstenite::connect_async_with_config(request, Some(config), true);
    match tokio::time::timeout(Duration::from_secs(10), attempt).await {
        Err(_) => Err(Refused {
            why: "timed out".into(),
            failure: Some(Failure::Transport),
        }),
        Ok(Ok((socket, _))) => Ok(socket),
        Ok(Err(tungstenite::Error::Http(response))) => {
            let code = response
                .body()
                .as_deref()
                .and_then(|b| serde_json::from_slice::<serde_json::Value>(b).ok())
                .and_then(|v| v["error"]["code"].as_str().map(str::to_string))
                .unwrap_or_default();
            let retry_after = response
                .headers()
                .get(tungstenite::http::header::RETRY_AFTER)
                .and_then(|v| v.to_str().ok())
                .and_then(|v| v.trim().parse::<u64>().ok())
                .map(|secs| Duration::from_secs(secs).min(MAX_RETRY_AFTER));
            Err(Refused {
                why: format!("refused: {} {code}", response.status().as_u16()),
                failure: Some(Failure::status(response.status().as_u16(), retry_after)),
            })
        }
        Ok(Err(err)) => Err(Refused {
            why: format!("cannot connect: {err}"),
            failure: Some(Failure::Transport),
        }),
    }
}

/// `http(s)://host[/prefix]` → `ws(s)://host[/prefix]/telemetry/<peer_id>`.
fn socket_url(base: &str, peer_id: &str) -> Result<String, String> {
    let base = base.trim_end_matches('/');
    let rest = if let Some(rest) = base.strip_prefix("https://") {
        format!("wss://{rest}")
    } else if let Some(rest) = base.strip_prefix("http://") {
        format!("ws://{rest}")
    } else {
        return Err("the peer URL is not http(s)".into());
    };
    Ok(format!("{rest}/telemetry/{peer_id}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn socket_urls_keep_the_prefix_and_switch_the_scheme() {
        assert_eq!(
            socket_url("http://127.0.0.1:9/", "p").unwrap(),
            "ws://127.0.0.1:9/telemetry/p"
        );
        assert_eq!(
            socket_url("https://h.example/api", "p").unwrap(),
            "wss://h.example/api/telemetry/p"
        );
        assert!(socket_url("ftp://h", "p").is_err());
    }
}
