//! What the telemetry suite does to the common daemons: emit test events on a local one, and
//! see where they are (its outbox, its socket, the hosted store).

use std::collections::BTreeSet;

use backend_8825::clock::Clock;
use backend_8825::telemetry::{Level, TelemetryAccess, TelemetryEvent, emit};
use chrono::{DateTime, Utc};

use crate::common::{Builder, Daemon};

/// A local daemon without conversation sync: its `sync.cycle` events would mix with the
/// tests' own.
pub fn quiet_local() -> Builder {
    Daemon::local().automatic_sync(false)
}

/// Emits `n` events on `local`; returns their ids.
pub async fn emit_many(local: &Daemon, n: usize) -> BTreeSet<String> {
    let mut ids = BTreeSet::new();
    for i in 0..n {
        let event = TelemetryEvent::new("test.event", Level::Info, local.clock_now())
            .with_duration_ms((i % 100) as f64)
            .with_attribute("i", i);
        ids.insert(event.event_id.to_string());
        emit(&local.state, event).await.unwrap();
    }
    ids
}

pub trait Telemetry {
    fn clock_now(&self) -> DateTime<Utc>;
    /// Whether the local client has a socket open to `peer_id`.
    fn connected(&self, peer_id: &str) -> bool;
    /// The ids and the row count of the stored events the tests emitted (the daemon's own
    /// events, `sync.cycle` and `advisor.ask`, are left out).
    async fn stored_ids(&self, peer_id: &str) -> (BTreeSet<String>, usize);
    /// Events waiting in the local outbox.
    async fn pending(&self) -> i64;
}

impl Telemetry for Daemon {
    fn clock_now(&self) -> DateTime<Utc> {
        self.clock.now()
    }

    fn connected(&self, peer_id: &str) -> bool {
        self.state
            .telemetry()
            .client
            .link(peer_id)
            .is_some_and(|l| l.connected)
    }

    async fn stored_ids(&self, peer_id: &str) -> (BTreeSet<String>, usize) {
        let events: Vec<_> = self
            .state
            .store
            .telemetry()
            .events(Some(peer_id), 1_000_000)
            .await
            .unwrap()
            .into_iter()
            .filter(|e| !e.name.starts_with("sync.") && !e.name.starts_with("advisor."))
            .collect();
        let rows = events.len();
        (events.into_iter().map(|e| e.event_id).collect(), rows)
    }

    async fn pending(&self) -> i64 {
        let status = self.state.store.telemetry().outbox_status().await.unwrap();
        status.pending
    }
}
