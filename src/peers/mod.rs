//! Peers: registering a pairing on both ends (docs/protocol.md), renewing it, listing peers, and
//! authenticating every request between paired backends (docs/protocol.md).
//!
//! The hosted side ([`hosted`]) answers `POST /register-peer` and `POST /peers/{id}/renew`
//! from local backends; the local side ([`local`]) takes `POST /register-peer` from its UI or
//! CLI and drives the handshake against the hosted backend.

pub(crate) mod hosted;
mod keys;
pub(crate) mod local;
mod revoke;
mod signed;
pub mod transcript;
mod unreachable;
pub mod wire;

use chrono::{DateTime, SecondsFormat, Utc};
use serde::Serialize;

use crate::config::Mode;
use crate::network::{NetworkAccess, NetworkView};
use crate::state::AppState;
use crate::store::Peer;

pub use keys::{PairKeyCache, load_pair_key, pair_key_secret_name};
pub use local::{
    Fingerprint, PairRequest, PairResponse, RENEW_BEFORE_SECS, Revoked, active_remote_peer,
    announce_key_change, client as http_client, current_key, register_peer, renew_due_peers,
    renew_peer, revoke_peer, spawn_renewal,
};
pub use revoke::{revoke_here, revoked_remotely};
pub use signed::{
    PeerCall, RequestTarget, SignedPeerRequest, UnrecordedNonce, audit_replay, replay_error,
    signature_headers, signed_request,
};
pub use unreachable::describe_http_error;

/// How long a replaced pair key keeps verifying, so requests in flight drain.
pub const KEY_OVERLAP_MS: i64 = 5 * 60 * 1000;
/// Signed-request nonces are kept at least twice the signature window.
pub const NONCE_RETENTION_MS: i64 = 2 * 300 * 1000;

/// The daemon's peer-related background tasks: nonce pruning on every daemon, SBT renewal
/// on a local one. The caller aborts them when it stops serving.
pub fn spawn_background(state: AppState) -> Vec<tokio::task::JoinHandle<()>> {
    let mut tasks = vec![spawn_nonce_pruning(state.clone())];
    if state.config.mode == Mode::Local {
        tasks.push(spawn_renewal(state));
    }
    tasks
}

fn spawn_nonce_pruning(state: AppState) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(std::time::Duration::from_secs(60));
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tick.tick().await;
            let before = state.clock.now_ms() - NONCE_RETENTION_MS;
            if let Err(err) = state.store.prune_nonces(before).await {
                tracing::warn!(error = %err, "cannot prune old nonces");
            }
        }
    })
}

/// A peer as `GET /peers` lists it.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct PeerView {
    pub peer_id: String,
    pub account_id: String,
    pub remote: RemoteView,
    pub status: String,
    pub kid: String,
    pub created_at: String,
    pub sbt_expires_at: String,
    /// How sync with this peer stands (the local daemon, which drives sync, fills it in).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sync: Option<SyncStatusView>,
    /// The network state of a hosted peer and what waits for it (the local daemon fills it
    /// in; docs/sync.md, "Network states").
    #[serde(skip_serializing_if = "Option::is_none")]
    pub network: Option<NetworkView>,
}

/// Sync status of one peer, as the side that initiates syncs sees it.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct SyncStatusView {
    pub last_success_at: Option<String>,
    /// Milliseconds since the last successful sync (`null` before the first).
    pub lag_ms: Option<i64>,
    /// Versions written or received here that the peer has not acknowledged yet.
    pub pending_outbound: i64,
    pub last_error: Option<String>,
    pub last_error_at: Option<String>,
    /// The code of the last failure (`peer_unreachable`, `peer_refused`, ...).
    pub last_error_code: Option<String>,
    /// `never_synced`, `ok`, `unreachable` (the peer could not be reached), `failing` (it
    /// answered, with an error), `paused` (Pause Sync is on here: on a local daemon, or for
    /// the account on the hosted side) or `paused_remotely` (the hosted backend paused the
    /// account's sync).
    pub state: &'static str,
    /// The first failed attempt since the last success; `null` while syncs succeed.
    pub failing_since: Option<String>,
    /// Versions the peer refused, set aside so the others still sync (docs/sync.md).
    pub set_aside: i64,
    /// The latest refusal among them: its code and message (`null` when none).
    pub set_aside_reason: Option<String>,
}

/// The state a sync cursor shows, in the words of [`SyncStatusView::state`].
pub fn sync_state(cursor: &crate::store::SyncCursor) -> &'static str {
    // A failure recorded before codes were stored has its code at the start of its text.
    let code = cursor.last_error_code.as_deref().or_else(|| {
        let error = cursor.last_error.as_deref()?;
        Some(error.split_once(':').map_or(error, |(code, _)| code))
    });
    match (code, cursor.last_success_at) {
        (Some("peer_unreachable"), _) => "unreachable",
        (Some("remote_paused"), _) => "paused_remotely",
        (Some(_), _) => "failing",
        (None, Some(_)) => "ok",
        (None, None) => "never_synced",
    }
}

/// `GET /peers`: each peer with how sync with it stands, from the cursor this side keeps
/// for it (the local side, which initiates, records its own syncs; the hosted side records
/// each `/sync` a peer makes, and where that peer's pull stands in its feed).
pub async fn views_with_sync(
    state: &AppState,
    peers: &[Peer],
) -> Result<Vec<PeerView>, crate::store::StoreError> {
    let now = state.clock.now_ms();
    let mut views = Vec::with_capacity(peers.len());
    let outboxes: std::collections::HashMap<String, i64> = match state.config.mode {
        Mode::Local => state
            .store
            .telemetry()
            .outbox_pending_by_peer()
            .await?
            .into_iter()
            .collect(),
        Mode::Hosted => Default::default(),
    };
    // Pause Sync is per account: read once for each account listed, not once per peer.
    let mut paused_accounts: std::collections::HashMap<&str, bool> = Default::default();
    for peer in peers {
        let cursor = state
            .store
            .sync_cursor(&peer.peer_id)
            .await?
            .unwrap_or_default();
        let account = match state.config.mode {
            Mode::Local => crate::store::LOCAL_ACCOUNT,
            Mode::Hosted => peer.account_id.as_str(),
        };
        let waiting = state
            .store
            .pending_summary(account, cursor.push_seq, &peer.peer_id)
            .await?;
        let pending = waiting.versions;
        let set_aside = state.store.set_aside_for(&peer.peer_id).await?;
        let paused = match paused_accounts.get(account) {
            Some(paused) => *paused,
            None => {
                let settings = crate::privacy::settings::settings_of(state, account).await?;
                paused_accounts.insert(account, settings.sync_paused);
                settings.sync_paused
            }
        };
        let mut view = PeerView::from(peer);
        view.sync = Some(SyncStatusView {
            last_success_at: cursor.last_success_at.map(rfc3339_ms),
            lag_ms: cursor.last_success_at.map(|at| (now - at).max(0)),
            pending_outbound: pending,
            last_error: cursor.last_error.clone(),
            last_error_at: cursor.last_error_at.map(rfc3339_ms),
            last_error_code: cursor.last_error_code.clone(),
            state: if paused {
                "paused"
            } else {
                sync_state(&cursor)
            },
            failing_since: cursor.failing_since.map(rfc3339_ms),
            set_aside: set_aside.len() as i64,
            set_aside_reason: set_aside
                .iter()
                .max_by_key(|e| e.set_at)
                .map(|e| format!("{}: {}", e.code, e.message)),
        });
        if state.config.mode == Mode::Local && peer.remote_url.is_some() {
            let (net, since) = state.network().state_of(&peer.peer_id);
            view.network = Some(NetworkView {
                state: net,
                since: since.map(rfc3339_ms),
                pending_versions: waiting.versions,
                pending_bytes: waiting.bytes,
                oldest_pending_at: waiting.oldest_at.map(rfc3339_ms),
                telemetry_outbox: outboxes.get(&peer.peer_id).copied().unwrap_or(0),
            });
        }
        views.push(view);
    }
    Ok(views)
}

/// The other backend of a pairing.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct RemoteView {
    pub backend_id: String,
    pub key_id: String,
    pub url: Option<String>,
}

impl From<&Peer> for PeerView {
    fn from(peer: &Peer) -> Self {
        Self {
            peer_id: peer.peer_id.clone(),
            account_id: peer.account_id.clone(),
            remote: RemoteView {
                backend_id: peer.remote_id.clone(),
                key_id: peer.remote_key_id.clone(),
                url: peer.remote_url.clone(),
            },
            status: peer.status.clone(),
            kid: peer.kid.clone(),
            created_at: rfc3339_ms(peer.created_at),
            sbt_expires_at: rfc3339_ms(peer.sbt_expires_at.saturating_mul(1000)),
            sync: None,
            network: None,
        }
    }
}

pub(crate) fn rfc3339_ms(ms: i64) -> String {
    DateTime::<Utc>::from_timestamp_millis(ms)
        .unwrap_or_default()
        .to_rfc3339_opts(SecondsFormat::Secs, true)
}

/// The peers capability's runtime state, a part of the daemon's state (see `crate::state`).
pub struct PeersState {
    /// Pair keys read from the local key store, kept for the next signed call.
    pub pair_keys: PairKeyCache,
    /// The peer's clock minus this one, in seconds, as last learned (see [`peer_now`]).
    pub skew_secs: std::sync::atomic::AtomicI64,
    /// Bumped when a peer's status changes (a revocation) or its credentials do (a renewal):
    /// whoever holds something per peer (the telemetry sockets, say) watches it and lets go,
    /// or tries again, at once.
    pub changes: tokio::sync::watch::Sender<u64>,
}

impl Default for PeersState {
    fn default() -> Self {
        Self {
            pair_keys: PairKeyCache::default(),
            skew_secs: Default::default(),
            changes: tokio::sync::watch::channel(0).0,
        }
    }
}

pub trait PeersAccess {
    fn peers(&self) -> &PeersState;
    fn pair_keys(&self) -> &PairKeyCache {
        &self.peers().pair_keys
    }
}

impl PeersAccess for AppState {
    fn peers(&self) -> &PeersState {
        self.part()
    }
}

/// The current time in unix seconds, on the state's clock.
pub(crate) fn now_secs(state: &AppState) -> i64 {
    state.clock.now_ms().div_euclid(1000)
}

/// The header every answer carries: the answering daemon's clock, in unix seconds.
pub const TIME_HEADER: &str = "backend-8825-time";
/// A skew below this is left alone (the signature window is 300 s).
const SKEW_IGNORED_SECS: i64 = 30;

/// The time to put in what this daemon signs for its peers (`created`, `timestamp`): its own
/// clock corrected by the skew last learned from a peer's answer, so a laptop whose clock is
/// wrong still signs inside the peer's window. (Ordering never uses this: the HLC does.)
pub fn peer_now(state: &AppState) -> i64 {
    now_secs(state)
        + state
            .peers()
            .skew_secs
            .load(std::sync::atomic::Ordering::Relaxed)
}

/// Learns the skew from a peer's answer. Returns true if it changed noticeably.
pub fn learn_skew(state: &AppState, headers: &reqwest::header::HeaderMap) -> bool {
    let Some(peer_time) = headers
        .get(TIME_HEADER)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<i64>().ok())
    else {
        return false;
    };
    let skew = peer_time - now_secs(state);
    let skew = if skew.abs() < SKEW_IGNORED_SECS {
        0
    } else {
        skew
    };
    let previous = state
        .peers()
        .skew_secs
        .swap(skew, std::sync::atomic::Ordering::Relaxed);
    if (previous - skew).abs() >= SKEW_IGNORED_SECS {
        tracing::warn!(
            skew_secs = skew,
            "this machine's clock differs from the peer's; signing with the peer's time"
        );
        return true;
    }
    false
}

#[cfg(test)]
mod tests {
    use super::sync_state;
    use crate::store::SyncCursor;

    #[test]
    fn the_state_follows_the_last_outcome_and_reads_old_rows_too() {
        let cursor = |code: Option<&str>, error: Option<&str>, success: Option<i64>| SyncCursor {
            last_error_code: code.map(String::from),
            last_error: error.map(String::from),
            last_success_at: success,
            ..SyncCursor::default()
        };
        assert_eq!(sync_state(&cursor(None, None, None)), "never_synced");
        assert_eq!(sync_state(&cursor(None, None, Some(1))), "ok");
        let down = Some("peer_unreachable");
        assert_eq!(sync_state(&cursor(down, Some("x"), Some(1))), "unreachable");
        assert_eq!(
            sync_state(&cursor(Some("peer_refused"), Some("x"), None)),
            "failing"
        );
        // Recorded before the code had a column of its own: `code: message`.
        let old = Some("peer_unreachable: the peer cannot be reached");
        assert_eq!(sync_state(&cursor(None, old, Some(1))), "unreachable");
        assert_eq!(
            sync_state(&cursor(None, Some("sync_invalid: x"), Some(1))),
            "failing"
        );
    }
}
