//! Seeing how the daemon is doing without a shell on its machine (docs/operations.md):
//! `GET /metrics` in the Prometheus text format, each peer's sync metrics and debug page
//! (`GET /sync/metrics/{peer_id}`, `GET /debug/sync/{peer_id}`), and the alerts
//! (`GET /alerts`).
//!
//! Nothing here is global: each daemon has its own recorder (tests run several daemons in
//! one process). Requests are counted as they pass (`track_request`, an edge layer the router
//! puts on); everything else is read at scrape time from the parts that keep it (sync's
//! statistics, the telemetry outbox and hub, the peers, the store's pool, the alerts), so
//! sync and telemetry never import this module.

pub mod alerts;
mod prometheus;
pub(crate) mod routes;

use crate::state::AppState;

pub use alerts::{Alert, AlertingSystem};
pub use prometheus::{Metrics, track_request};

/// This capability's runtime state, a part of the daemon's state (see `crate::state`).
pub struct Observability {
    pub metrics: Metrics,
    pub alerts: AlertingSystem,
}

impl Observability {
    pub fn new(config: &crate::config::Config) -> Self {
        Self {
            metrics: Metrics::new(),
            alerts: AlertingSystem::new(config),
        }
    }
}

pub trait ObservabilityAccess {
    fn observability(&self) -> &Observability;
}

impl ObservabilityAccess for AppState {
    fn observability(&self) -> &Observability {
        self.part()
    }
}

/// Background tasks: the alert evaluator.
pub fn spawn_background(state: AppState) -> Vec<tokio::task::JoinHandle<()>> {
    vec![alerts::spawn_evaluator(state)]
}
