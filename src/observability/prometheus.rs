//! `GET /metrics`: the daemon's metrics in the Prometheus text format. One recorder per
//! daemon (the `metrics` crate's types, rendered by `metrics-exporter-prometheus` without
//! its HTTP listener). Requests are counted as they pass; the rest is read when scraped.
//!
//! Labels only ever carry values from small fixed sets (a route template, a method, a
//! status, an error code, a state): never a peer, an account or a message id.

use std::collections::BTreeMap;
use std::time::Instant;

use axum::extract::{MatchedPath, Request, State};
use axum::http::Method;
use axum::middleware::Next;
use axum::response::Response;
use metrics::{Counter, Gauge, Histogram, Key, Label, Level, Metadata, Recorder, Unit};
use metrics_exporter_prometheus::{
    Matcher, PrometheusBuilder, PrometheusHandle, PrometheusRecorder,
};

use super::ObservabilityAccess;
use crate::config::Mode;
use crate::state::AppState;
use crate::sync::SyncAccess;
use crate::sync::stats::Direction;
use crate::telemetry::TelemetryAccess;

/// Every metric's name starts with this.
pub const PREFIX: &str = "backend_8825_";

/// Latency buckets, in seconds: 1 ms to 10 s.
const BUCKETS: &[f64] = &[
    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0,
];

static META: Metadata<'static> = Metadata::new("backend_8825", Level::INFO, None);

/// The help text of every metric, by name (without the prefix).
const HELP: &[(&str, &str, Option<Unit>)] = &[
    (
        "http_requests_total",
        "HTTP requests answered, by route template, method and status",
        None,
    ),
    (
        "http_request_duration_seconds",
        "Time to answer an HTTP request, by route template and method",
        Some(Unit::Seconds),
    ),
    (
        "sync_attempts_total",
        "Syncs with peers (made here, or answered here), since start",
        None,
    ),
    (
        "sync_succeeded_total",
        "Syncs that succeeded, since start",
        None,
    ),
    (
        "sync_failed_total",
        "Syncs that failed, by error code, since start",
        None,
    ),
    (
        "sync_versions_total",
        "Versions sent (pushed) and taken (pulled), since start",
        None,
    ),
    (
        "sync_bytes_total",
        "Bytes of sync bodies sent (pushed) and received (pulled), since start",
        Some(Unit::Bytes),
    ),
    (
        "sync_duration_seconds",
        "Time of one sync, by direction and outcome",
        Some(Unit::Seconds),
    ),
    (
        "sync_consecutive_failures_max",
        "The longest run of failed syncs with one peer right now",
        None,
    ),
    (
        "telemetry_outbox_depth",
        "Telemetry rows waiting in the outbox (local)",
        None,
    ),
    (
        "telemetry_outbox_bytes",
        "Bytes of telemetry waiting in the outbox (local)",
        Some(Unit::Bytes),
    ),
    (
        "telemetry_outbox_accepted_total",
        "Telemetry rows written to the outbox (local)",
        None,
    ),
    (
        "telemetry_outbox_delivered_total",
        "Telemetry rows acknowledged by the hosted peer (local)",
        None,
    ),
    (
        "telemetry_outbox_dropped_total",
        "Telemetry rows dropped over the outbox's caps (local)",
        None,
    ),
    (
        "telemetry_sockets_connected",
        "Telemetry sockets open now",
        None,
    ),
    (
        "telemetry_events_stored_total",
        "Telemetry events stored (hosted)",
        None,
    ),
    (
        "telemetry_events_rejected_total",
        "Telemetry events refused (hosted)",
        None,
    ),
    (
        "telemetry_batches_total",
        "Telemetry batches received (hosted)",
        None,
    ),
    ("peers", "Pairings, by status", None),
    ("peers_sync", "Active pairings by sync state (local)", None),
    (
        "peers_network",
        "Active pairings by network state: online, degraded, offline (local)",
        None,
    ),
    ("alerts_firing", "Alerts firing now, by rule", None),
    (
        "database_up",
        "1 while the database answers, 0 while it is known to be down",
        None,
    ),
    (
        "database_pool_connections",
        "Database connections open, by state (in_use, idle)",
        None,
    ),
    (
        "database_pool_max_connections",
        "The configured size of the database pool",
        None,
    ),
];

/// A daemon's recorder and the handle that renders it.
pub struct Metrics {
    recorder: PrometheusRecorder,
    handle: PrometheusHandle,
}

impl Default for Metrics {
    fn default() -> Self {
        Self::new()
    }
}

impl Metrics {
    pub fn new() -> Self {
        let recorder = PrometheusBuilder::new()
            .set_buckets_for_metric(Matcher::Suffix("_seconds".into()), BUCKETS)
            .expect("the buckets are not empty")
            .build_recorder();
        for (name, help, unit) in HELP {
            let name = format!("{PREFIX}{name}");
            let help = (*help).into();
            if name.ends_with("_total") {
                recorder.describe_counter(name.into(), *unit, help);
            } else if name.ends_with("_seconds") {
                recorder.describe_histogram(name.into(), *unit, help);
            } else {
                recorder.describe_gauge(name.into(), *unit, help);
            }
        }
        let handle = recorder.handle();
        Self { recorder, handle }
    }

    fn key(name: &str, labels: &[(&'static str, &str)]) -> Key {
        let labels: Vec<Label> = labels
            .iter()
            .map(|(k, v)| Label::new(*k, v.to_string()))
            .collect();
        Key::from_parts(format!("{PREFIX}{name}"), labels)
    }

    fn counter(&self, name: &str, labels: &[(&'static str, &str)]) -> Counter {
        self.recorder
            .register_counter(&Self::key(name, labels), &META)
    }

    fn gauge(&self, name: &str, labels: &[(&'static str, &str)]) -> Gauge {
        self.recorder
            .register_gauge(&Self::key(name, labels), &META)
    }

    fn histogram(&self, name: &str, labels: &[(&'static str, &str)]) -> Histogram {
        self.recorder
            .register_histogram(&Self::key(name, labels), &META)
    }

    /// Counts one answered request (what the edge layer does for each; public for the
    /// micro-benchmark).
    pub fn count_request(&self, method: &str, route: &str, status: u16, seconds: f64) {
        let status = status.to_string();
        self.counter(
            "http_requests_total",
            &[("method", method), ("route", route), ("status", &status)],
        )
        .increment(1);
        self.histogram(
            "http_request_duration_seconds",
            &[("method", method), ("route", route)],
        )
        .record(seconds);
    }

    /// The text exposition, as last gathered.
    fn render(&self) -> String {
        self.handle.run_upkeep();
        self.handle.render()
    }
}

/// The method as a label: the standard ones by name, anything else `other` (a client can
/// send any token as a method).
fn method_label(method: &Method) -> &'static str {
    match *method {
        Method::GET => "GET",
        Method::POST => "POST",
        Method::PUT => "PUT",
        Method::PATCH => "PATCH",
        Method::DELETE => "DELETE",
        Method::HEAD => "HEAD",
        Method::OPTIONS => "OPTIONS",
        _ => "other",
    }
}

/// An edge layer: counts every request by the route template it matched (`unmatched` when
/// none did), its method and its status, and times it.
pub async fn track_request(
    State(state): State<AppState>,
    request: Request,
    next: Next,
) -> Response {
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map_or_else(|| "unmatched".to_string(), |p| p.as_str().to_string());
    let method = method_label(request.method());
    let started = Instant::now();
    let response = next.run(request).await;
    state.observability().metrics.count_request(
        method,
        &route,
        response.status().as_u16(),
        started.elapsed().as_secs_f64(),
    );
    response
}

/// Gathers what is read at scrape time, then renders every metric.
pub(super) async fn render(state: &AppState) -> String {
    let metrics = &state.observability().metrics;
    gather_sync(state, metrics);
    gather_telemetry(state, metrics).await;
    gather_peers(state, metrics).await;
    gather_database(state, metrics);
    for (rule, firing) in state.observability().alerts.firing_by_rule() {
        metrics
            .gauge("alerts_firing", &[("rule", rule)])
            .set(firing as f64);
    }
    metrics.render()
}

fn gather_sync(state: &AppState, metrics: &Metrics) {
    let stats = &state.sync().stats;
    let totals = stats.totals();
    metrics
        .counter("sync_attempts_total", &[])
        .absolute(totals.attempted);
    metrics
        .counter("sync_succeeded_total", &[])
        .absolute(totals.succeeded);
    for (code, n) in &totals.failed_by_code {
        metrics
            .counter("sync_failed_total", &[("code", code)])
            .absolute(*n);
    }
    for (direction, versions, bytes) in [
        ("pushed", totals.versions_pushed, totals.bytes_pushed),
        ("pulled", totals.versions_pulled, totals.bytes_pulled),
    ] {
        metrics
            .counter("sync_versions_total", &[("direction", direction)])
            .absolute(versions);
        metrics
            .counter("sync_bytes_total", &[("direction", direction)])
            .absolute(bytes);
    }
    metrics
        .gauge("sync_consecutive_failures_max", &[])
        .set(totals.consecutive_failures as f64);
    for (direction, ok, ms) in stats.take_durations() {
        let direction = match direction {
            Direction::Outbound => "outbound",
            Direction::Inbound => "inbound",
        };
        let outcome = if ok { "ok" } else { "error" };
        metrics
            .histogram(
                "sync_duration_seconds",
                &[("direction", direction), ("outcome", outcome)],
            )
            .record(ms / 1000.0);
    }
}

async fn gather_telemetry(state: &AppState, metrics: &Metrics) {
    let telemetry = state.telemetry();
    match state.config.mode {
        Mode::Local => {
            match state.store.telemetry().outbox_status().await {
                Ok(outbox) => {
                    metrics
                        .gauge("telemetry_outbox_depth", &[])
                        .set(outbox.pending as f64);
                    metrics
                        .gauge("telemetry_outbox_bytes", &[])
                        .set(outbox.pending_bytes as f64);
                    metrics
                        .counter("telemetry_outbox_accepted_total", &[])
                        .absolute(outbox.accepted.max(0) as u64);
                    metrics
                        .counter("telemetry_outbox_delivered_total", &[])
                        .absolute(outbox.delivered.max(0) as u64);
                    metrics
                        .counter("telemetry_outbox_dropped_total", &[])
                        .absolute(outbox.dropped.max(0) as u64);
                }
                Err(err) => tracing::debug!(error = %err, "metrics: cannot read the outbox"),
            }
            let connected = telemetry
                .client
                .links()
                .iter()
                .filter(|l| l.connected)
                .count();
            metrics
                .gauge("telemetry_sockets_connected", &[])
                .set(connected as f64);
        }
        Mode::Hosted => {
            let hub = telemetry.hub.stats();
            metrics
                .gauge("telemetry_sockets_connected", &[])
                .set(telemetry.hub.connected().len() as f64);
            metrics
                .counter("telemetry_events_stored_total", &[])
                .absolute(hub.stored);
            metrics
                .counter("telemetry_events_rejected_total", &[])
                .absolute(hub.rejected);
            metrics
                .counter("telemetry_batches_total", &[])
                .absolute(hub.batches);
        }
    }
}

/// Every status a pairing can have, and every sync state of GET /peers: each is exported,
/// at zero when no peer has it, so a series does not vanish when its last peer leaves it.
const STATUSES: &[&str] = &["active", "revoked"];
const SYNC_STATES: &[&str] = &[
    "never_synced",
    "ok",
    "unreachable",
    "failing",
    "paused",
    "paused_remotely",
];

async fn gather_peers(state: &AppState, metrics: &Metrics) {
    let peers = match state.store.peers(None).await {
        Ok(peers) => peers,
        Err(err) => {
            tracing::debug!(error = %err, "metrics: cannot list the peers");
            return;
        }
    };
    let mut by_status: BTreeMap<&str, usize> = STATUSES.iter().map(|s| (*s, 0)).collect();
    for peer in &peers {
        *by_status.entry(peer.status.as_str()).or_default() += 1;
    }
    for (status, n) in by_status {
        metrics.gauge("peers", &[("status", status)]).set(n as f64);
    }
    // The sync state needs each peer's cursor: only the local daemon, with its few peers.
    if state.config.mode != Mode::Local {
        return;
    }
    let mut by_state: BTreeMap<&str, usize> = SYNC_STATES.iter().map(|s| (*s, 0)).collect();
    let paused = crate::sync::paused_here(state);
    for peer in peers
        .iter()
        .filter(|p| p.status == crate::store::PEER_ACTIVE)
    {
        let Ok(cursor) = state.store.sync_cursor(&peer.peer_id).await else {
            continue;
        };
        let sync_state = match (paused, cursor) {
            (true, _) => "paused",
            (false, Some(cursor)) => crate::peers::sync_state(&cursor),
            (false, None) => "never_synced",
        };
        *by_state.entry(sync_state).or_default() += 1;
    }
    for (sync_state, n) in by_state {
        metrics
            .gauge("peers_sync", &[("state", sync_state)])
            .set(n as f64);
    }
    // The network monitor's view; a peer it has heard nothing of yet counts as online.
    use crate::network::{NetState, NetworkAccess};
    let mut by_network: BTreeMap<&str, usize> =
        [NetState::Online, NetState::Degraded, NetState::Offline]
            .iter()
            .map(|s| (s.as_str(), 0))
            .collect();
    for peer in peers
        .iter()
        .filter(|p| p.status == crate::store::PEER_ACTIVE)
    {
        let (net, _) = state.network().state_of(&peer.peer_id);
        *by_network.entry(net.as_str()).or_default() += 1;
    }
    for (net, n) in by_network {
        metrics
            .gauge("peers_network", &[("state", net)])
            .set(n as f64);
    }
}

fn gather_database(state: &AppState, metrics: &Metrics) {
    let usage = state.store.pool_usage();
    metrics
        .gauge("database_pool_connections", &[("state", "in_use")])
        .set(usage.open.saturating_sub(usage.idle) as f64);
    metrics
        .gauge("database_pool_connections", &[("state", "idle")])
        .set(usage.idle as f64);
    metrics
        .gauge("database_pool_max_connections", &[])
        .set(state.config.database.max_connections as f64);
    let up = state
        .store
        .database_health()
        .is_none_or(|health| health.is_up());
    metrics
        .gauge("database_up", &[])
        .set(if up { 1.0 } else { 0.0 });
}
