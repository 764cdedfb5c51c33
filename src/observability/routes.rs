//! The routes of observability: `GET /metrics`, `GET /sync/metrics/{peer_id}`,
//! `GET /debug/sync/{peer_id}` and `GET /alerts` (docs/operations.md). On a local daemon the
//! guard asks for the local secret or a UI session; on a hosted one the peer pages and the
//! alerts ask for the token of the peer's account (another account's peer is `404`), and
//! `/metrics` for the operator's `metrics.token`.

use std::collections::BTreeMap;

use axum::extract::{FromRequestParts, Path, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::{Extension, Json};
use serde::Serialize;

use super::ObservabilityAccess;
use super::alerts::Alert;
use crate::accounts::AccountAuth;
use crate::config::Mode;
use crate::error::{ApiError, ApiResult};
use crate::local_api::Caller;
use crate::local_api::secret::constant_time_eq;
use crate::network::{NetState, NetworkAccess};
use crate::peers::{PeersAccess, rfc3339_ms, sync_state};
use crate::state::AppState;
use crate::store::{LOCAL_ACCOUNT, Peer, SyncCursor};
use crate::sync::SyncAccess;
use crate::sync::stats::{Backoff, Exchange, PeerCounters};
use crate::telemetry::{PeerLink, TelemetryAccess, TelemetryEvent};

/// Who reads a peer's pages: the owner of the local daemon, or a hosted account.
pub(crate) enum Viewer {
    Local,
    Account(String),
}

impl FromRequestParts<AppState> for Viewer {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> ApiResult<Self> {
        match state.config.mode {
            Mode::Local => match Caller::from_request_parts(parts, state).await? {
                Caller::Bearer | Caller::Session(_) => Ok(Self::Local),
                // A signed peer request passes the guard on `/sync/...` paths: it is for
                // `POST /sync/{peer_id}` only, never for these pages.
                Caller::Peer | Caller::Public => Err(ApiError::unauthorized("missing credentials")),
            },
            Mode::Hosted => {
                let AccountAuth(account) = AccountAuth::from_request_parts(parts, state).await?;
                Ok(Self::Account(account.id))
            }
        }
    }
}

impl Viewer {
    /// The peer, if this viewer may see it; otherwise the same `404` as for no such peer.
    async fn peer(&self, state: &AppState, peer_id: &str) -> ApiResult<Peer> {
        let peer = state.store.peer(peer_id).await?;
        peer.filter(|p| match self {
            Self::Local => true,
            Self::Account(account) => p.account_id == *account,
        })
        .ok_or_else(|| ApiError::not_found("no such peer"))
    }

    fn sees(&self, alert: &Alert) -> bool {
        match self {
            Self::Local => true,
            Self::Account(account) => alert.account_id.as_deref() == Some(account.as_str()),
        }
    }
}

/// The account whose feed a peer syncs on this side.
fn account_of(state: &AppState, peer: &Peer) -> String {
    match state.config.mode {
        Mode::Local => LOCAL_ACCOUNT.to_string(),
        Mode::Hosted => peer.account_id.clone(),
    }
}

/// `GET /metrics`: Prometheus text format (version 0.0.4).
#[utoipa::path(
    get,
    path = "/metrics",
    tag = "observability",
    description = "The daemon's metrics in the Prometheus text exposition format: requests by \
        route template and status, sync and telemetry counters, the outbox, peers by state, \
        alerts firing, the database pool. No label carries a peer, account or message id. \
        On a hosted daemon the bearer is `metrics.token` from the configuration; with none \
        configured every request is refused (401 `metrics_disabled`). See docs/operations.md.",
    security(("local_secret" = []), ("ui_session" = []), ("metrics_token" = [])),
    responses(
        (status = 200, description = "The metrics", content_type = "text/plain; version=0.0.4", body = String),
    )
)]
pub(crate) async fn metrics(
    State(state): State<AppState>,
    headers: HeaderMap,
    caller: Option<Extension<Caller>>,
) -> ApiResult<Response> {
    match state.config.mode {
        Mode::Local => {
            if !matches!(caller, Some(Extension(Caller::Bearer | Caller::Session(_)))) {
                return Err(ApiError::unauthorized("missing credentials"));
            }
        }
        Mode::Hosted => check_metrics_token(&state, &headers)?,
    }
    let body = super::prometheus::render(&state).await;
    Ok((
        [(
            header::CONTENT_TYPE,
            "text/plain; version=0.0.4; charset=utf-8",
        )],
        body,
    )
        .into_response())
}

fn check_metrics_token(state: &AppState, headers: &HeaderMap) -> ApiResult<()> {
    let Some(expected) = &state.config.metrics.token else {
        return Err(ApiError::new(
            StatusCode::UNAUTHORIZED,
            "metrics_disabled",
            "metrics are off on this backend: set metrics.token (BACKEND_8825_METRICS_TOKEN) \
             and send it as Authorization: Bearer",
        ));
    };
    let given = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(str::trim);
    match given {
        Some(token) if constant_time_eq(token, expected.expose()) => Ok(()),
        Some(_) => Err(ApiError::unauthorized("invalid metrics token")),
        None => Err(ApiError::unauthorized(
            "missing credentials: send the metrics token as Authorization: Bearer",
        )),
    }
}

/// Sync durations over the recent window, in milliseconds.
#[derive(Debug, Default, Serialize, utoipa::ToSchema)]
pub struct Percentiles {
    /// How many syncs the window holds (at most 200).
    pub count: usize,
    pub p50: Option<f64>,
    pub p90: Option<f64>,
    pub p99: Option<f64>,
    pub max: Option<f64>,
}

fn percentiles(mut durations: Vec<f64>) -> Percentiles {
    durations.sort_by(f64::total_cmp);
    let at = |q: f64| -> Option<f64> {
        let last = durations.len().checked_sub(1)?;
        Some(durations[((last as f64) * q).round() as usize])
    };
    Percentiles {
        count: durations.len(),
        p50: at(0.5),
        p90: at(0.9),
        p99: at(0.99),
        max: durations.last().copied(),
    }
}

/// How far behind sync with a peer is.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Lag {
    /// Age in ms of the oldest change of this side's feed the peer has not acknowledged
    /// (`null`: it has them all).
    pub oldest_unacknowledged_ms: Option<i64>,
    /// Ms since this side last caught up with the peer's feed: the last successful sync,
    /// which ends only when the peer has nothing more (`null`: never).
    pub since_caught_up_ms: Option<i64>,
    /// How far the peer is behind this side: versions of this side's feed after the peer's
    /// position in it.
    pub behind_versions: i64,
    /// How far this side is behind the peer's feed, as of the peer's last answer (local:
    /// the hosted backend's feed after this side's pull cursor); `null` before an answer
    /// and on hosted, which is not told the caller's head.
    pub behind_peer_versions: Option<i64>,
}

/// A peer's telemetry outbox (local) and socket.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct TelemetryView {
    /// Events waiting for this peer (local; `0` on hosted, which keeps no outbox).
    pub outbox_depth: i64,
    /// Age in ms of the oldest of them (`null` when none waits).
    pub outbox_oldest_ms: Option<i64>,
    /// Whether the telemetry socket with the peer is open now.
    pub connected: bool,
}

/// `GET /sync/metrics/{peer_id}`.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct SyncMetrics {
    pub peer_id: String,
    /// Counted since this daemon (this instance, on hosted) started.
    pub counters: PeerCounters,
    pub lag: Lag,
    pub duration_ms: Percentiles,
    /// Versions of this side's feed waiting for the peer.
    pub pending_outbound: i64,
    /// Versions the peer refused, set aside (docs/sync.md).
    pub set_aside: i64,
    pub telemetry: TelemetryView,
    /// How sync with the peer stands (`ok`, `unreachable`, `failing`, `never_synced`,
    /// `paused`), as GET /peers says it in `sync.state`.
    pub sync_state: String,
    /// The network monitor's state of the peer (local: `online`, `degraded` or `offline`, as
    /// GET /peers says it in `network.state`; `null` on hosted, which does not call its peers).
    pub network_state: Option<NetState>,
    /// When the peer entered that state (RFC 3339); `null` before any call to it.
    pub network_since: Option<String>,
    /// This clock minus the peer's, in seconds, as learned from its answers (local; `null`
    /// on hosted).
    pub clock_skew_secs: Option<i64>,
}

/// What both pages read from the store about a peer.
struct PeerFacts {
    cursor: SyncCursor,
    feed_head: i64,
    pending: i64,
    oldest_pending_at: Option<i64>,
    set_aside: i64,
    telemetry: TelemetryView,
    link: Option<PeerLink>,
    sync_state: String,
    network_state: Option<NetState>,
    network_since: Option<String>,
    skew: Option<i64>,
}

async fn facts(state: &AppState, peer: &Peer) -> ApiResult<PeerFacts> {
    let account = account_of(state, peer);
    let cursor = state
        .store
        .sync_cursor(&peer.peer_id)
        .await?
        .unwrap_or_default();
    let pending = state
        .store
        .count_pending(&account, cursor.push_seq, &peer.peer_id)
        .await?;
    let oldest = state
        .store
        .feed_window(&account, cursor.push_seq, 1, &peer.peer_id)
        .await?;
    let oldest_pending_at = oldest.records.first().map(|r| r.updated_at);
    let feed_head = state.store.feed_head(&account).await?;
    let set_aside = state.store.set_aside_for(&peer.peer_id).await?.len() as i64;
    let now = state.clock.now_ms();
    let telemetry = state.telemetry();
    let (telemetry_view, link, skew) = match state.config.mode {
        Mode::Local => {
            let link = telemetry.client.link(&peer.peer_id);
            let outbox = state
                .store
                .telemetry()
                .outbox_batch(&peer.peer_id, 0, 1, 1)
                .await?;
            let oldest = outbox
                .first()
                .and_then(|row| serde_json::from_str::<TelemetryEvent>(&row.payload).ok())
                .map(|event| (now - event.ts.timestamp_millis()).max(0));
            let view = TelemetryView {
                outbox_depth: link.as_ref().map_or(0, |l| l.pending),
                outbox_oldest_ms: oldest,
                connected: link.as_ref().is_some_and(|l| l.connected),
            };
            let skew = state
                .peers()
                .skew_secs
                .load(std::sync::atomic::Ordering::Relaxed);
            (view, link, Some(-skew))
        }
        Mode::Hosted => {
            let view = TelemetryView {
                outbox_depth: 0,
                outbox_oldest_ms: None,
                connected: telemetry.hub.connected().contains(&peer.peer_id),
            };
            (view, None, None)
        }
    };
    let mut telemetry_view = telemetry_view;
    if state.config.mode == Mode::Local {
        // The link's count is only as fresh as the sender's last look: ask the store.
        if let Ok(by_peer) = state.store.telemetry().outbox_pending_by_peer().await {
            telemetry_view.outbox_depth = by_peer
                .iter()
                .find(|(p, _)| *p == peer.peer_id)
                .map_or(0, |(_, n)| *n);
        }
    }
    let sync_state = if crate::sync::paused_here(state) {
        "paused".to_string()
    } else {
        sync_state(&cursor).to_string()
    };
    let (network_state, network_since) = if state.config.mode == Mode::Local {
        let (net, since) = state.network().state_of(&peer.peer_id);
        (Some(net), since.map(rfc3339_ms))
    } else {
        (None, None)
    };
    Ok(PeerFacts {
        cursor,
        feed_head,
        pending,
        oldest_pending_at,
        set_aside,
        telemetry: telemetry_view,
        link,
        sync_state,
        network_state,
        network_since,
        skew,
    })
}

#[utoipa::path(
    get,
    path = "/sync/metrics/{peer_id}",
    tag = "observability",
    security(("local_secret" = []), ("ui_session" = []), ("account_token" = [])),
    params(("peer_id" = String, Path, description = "The pairing's id")),
    responses(
        (status = 200, description = "How sync with the peer has gone since this daemon started, and how far behind it is", body = SyncMetrics),
        (status = 404, description = "`not_found`: no such peer (on hosted: in this account)", body = crate::error::ErrorBody),
    )
)]
pub(crate) async fn sync_metrics(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(peer_id): Path<String>,
) -> ApiResult<Json<SyncMetrics>> {
    let peer = viewer.peer(&state, &peer_id).await?;
    let facts = facts(&state, &peer).await?;
    let now = state.clock.now_ms();
    let stats = &state.sync().stats;
    Ok(Json(SyncMetrics {
        counters: stats.counters(&peer.peer_id),
        lag: Lag {
            oldest_unacknowledged_ms: facts.oldest_pending_at.map(|at| (now - at).max(0)),
            since_caught_up_ms: facts.cursor.last_success_at.map(|at| (now - at).max(0)),
            behind_versions: facts.pending,
            behind_peer_versions: stats.behind_peer(&peer.peer_id),
        },
        duration_ms: percentiles(stats.durations(&peer.peer_id)),
        pending_outbound: facts.pending,
        set_aside: facts.set_aside,
        telemetry: facts.telemetry,
        sync_state: facts.sync_state,
        network_state: facts.network_state,
        network_since: facts.network_since,
        clock_skew_secs: facts.skew,
        peer_id: peer.peer_id,
    }))
}

/// Both sides' store epochs and this side's cursors for the peer.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct CursorsView {
    /// This side's store epoch.
    pub local_epoch: String,
    /// The peer's epoch that `pull_seq` counts in, and the one that acknowledged `push_seq`.
    pub pull_epoch: Option<String>,
    pub pull_seq: i64,
    pub push_epoch: Option<String>,
    pub push_seq: i64,
    /// This side's feed position now: `feed_head - push_seq` versions are after the peer's.
    pub feed_head: i64,
    pub last_success_at: Option<String>,
    pub last_error_code: Option<String>,
    pub last_error: Option<String>,
    pub last_error_at: Option<String>,
    pub failing_since: Option<String>,
}

/// The pairing's Session Binding Token: which, and until when. Never the token itself.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct SbtView {
    pub kid: String,
    pub expires_at: String,
    /// Seconds until it ends (negative: ended).
    pub expires_in_secs: i64,
}

/// The hosted daemon's per-peer sync limit (docs/security.md).
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct RateLimitView {
    /// `rate_limits.sync_per_peer_*` on the hosted daemon (`0`: off).
    pub sync_per_peer_per_minute: u32,
    pub sync_per_peer_burst: u32,
    /// Of the exchanges listed, how many were refused as rate limited.
    pub recent_refused_by_limit: usize,
}

/// `GET /debug/sync/{peer_id}`.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct SyncDebug {
    pub peer_id: String,
    pub status: String,
    pub remote_backend_id: String,
    pub remote_url: Option<String>,
    /// As in GET /sync/metrics/{peer_id}.
    pub sync_state: String,
    pub network_state: Option<NetState>,
    pub network_since: Option<String>,
    pub cursors: CursorsView,
    /// The last sync exchanges with the peer, newest first (at most 50).
    pub exchanges: Vec<Exchange>,
    pub counters: PeerCounters,
    pub sbt: SbtView,
    pub rate_limit: RateLimitView,
    /// The telemetry socket: open or not, and (local) the sender's view of it.
    pub telemetry: TelemetryView,
    pub telemetry_link: Option<PeerLink>,
    /// The scheduler's backoff (local): failures in a row and the next attempt.
    pub backoff: Option<Backoff>,
    pub next_attempt_at: Option<String>,
    pub clock_skew_secs: Option<i64>,
    /// The alerts about this peer, firing or lately resolved.
    pub alerts: Vec<Alert>,
}

#[utoipa::path(
    get,
    path = "/debug/sync/{peer_id}",
    tag = "observability",
    security(("local_secret" = []), ("ui_session" = []), ("account_token" = [])),
    params(("peer_id" = String, Path, description = "The pairing's id")),
    responses(
        (status = 200, description = "Everything needed to diagnose sync with the peer; never a secret (no token, no key)", body = SyncDebug),
        (status = 404, description = "`not_found`: no such peer (on hosted: in this account)", body = crate::error::ErrorBody),
    )
)]
pub(crate) async fn debug_sync(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(peer_id): Path<String>,
) -> ApiResult<Json<SyncDebug>> {
    let peer = viewer.peer(&state, &peer_id).await?;
    let facts = facts(&state, &peer).await?;
    let local_epoch = crate::store::epoch(state.store.as_ref()).await?;
    let now = state.clock.now_ms();
    let stats = &state.sync().stats;
    let exchanges = stats.exchanges(&peer.peer_id);
    let recent_refused_by_limit = exchanges
        .iter()
        .filter(|e| {
            e.error_code.as_deref() == Some("rate_limited")
                || e.error_message
                    .as_deref()
                    .is_some_and(|m| m.contains("rate_limited"))
        })
        .count();
    let backoff = stats.backoff(&peer.peer_id);
    let limit = state.config.rate_limits.sync_per_peer;
    let cursor = facts.cursor;
    let alerts = state
        .observability()
        .alerts
        .list()
        .into_iter()
        .filter(|a| a.subject == peer.peer_id)
        .collect();
    Ok(Json(SyncDebug {
        status: peer.status.clone(),
        remote_backend_id: peer.remote_id.clone(),
        remote_url: peer.remote_url.clone(),
        sync_state: facts.sync_state,
        network_state: facts.network_state,
        network_since: facts.network_since,
        cursors: CursorsView {
            local_epoch,
            pull_epoch: cursor.pull_epoch,
            pull_seq: cursor.pull_seq,
            push_epoch: cursor.push_epoch,
            push_seq: cursor.push_seq,
            feed_head: facts.feed_head,
            last_success_at: cursor.last_success_at.map(rfc3339_ms),
            last_error_code: cursor.last_error_code,
            last_error: cursor.last_error,
            last_error_at: cursor.last_error_at.map(rfc3339_ms),
            failing_since: cursor.failing_since.map(rfc3339_ms),
        },
        counters: stats.counters(&peer.peer_id),
        exchanges,
        sbt: SbtView {
            kid: peer.kid.clone(),
            expires_at: rfc3339_ms(peer.sbt_expires_at.saturating_mul(1000)),
            expires_in_secs: peer.sbt_expires_at - now.div_euclid(1000),
        },
        rate_limit: RateLimitView {
            sync_per_peer_per_minute: limit.per_minute,
            sync_per_peer_burst: limit.burst,
            recent_refused_by_limit,
        },
        telemetry: facts.telemetry,
        telemetry_link: facts.link,
        next_attempt_at: backoff.as_ref().map(|b| rfc3339_ms(b.next_attempt_at)),
        backoff,
        clock_skew_secs: facts.skew,
        alerts,
        peer_id: peer.peer_id,
    }))
}

/// `GET /alerts`.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct AlertsView {
    /// Firing first (newest first), then the latest resolved.
    pub alerts: Vec<Alert>,
    /// How many are firing, by rule (every rule listed).
    pub firing: BTreeMap<String, usize>,
}

#[utoipa::path(
    get,
    path = "/alerts",
    tag = "observability",
    security(("local_secret" = []), ("ui_session" = []), ("account_token" = [])),
    responses(
        (status = 200, description = "The alerts firing and lately resolved (on hosted: those about the account's peers). The runbook of each rule is in docs/operations.md.", body = AlertsView),
    )
)]
pub(crate) async fn alerts(
    State(state): State<AppState>,
    viewer: Viewer,
) -> ApiResult<Json<AlertsView>> {
    let alerts: Vec<Alert> = state
        .observability()
        .alerts
        .list()
        .into_iter()
        .filter(|a| viewer.sees(a))
        .collect();
    let mut firing: BTreeMap<String, usize> = super::alerts::RULES
        .iter()
        .map(|r| (r.to_string(), 0))
        .collect();
    for alert in alerts.iter().filter(|a| a.state == "firing") {
        *firing.entry(alert.rule.clone()).or_default() += 1;
    }
    Ok(Json(AlertsView { alerts, firing }))
}

#[cfg(test)]
mod tests {
    use super::percentiles;

    #[test]
    fn percentiles_of_a_window() {
        let p = percentiles((1..=100).map(f64::from).collect());
        assert_eq!(p.count, 100);
        assert_eq!(p.p50, Some(51.0));
        assert_eq!(p.p90, Some(90.0));
        assert_eq!(p.p99, Some(99.0));
        assert_eq!(p.max, Some(100.0));
        let empty = percentiles(Vec::new());
        assert_eq!((empty.count, empty.p50), (0, None));
    }
}
