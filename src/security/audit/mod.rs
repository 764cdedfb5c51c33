//! The audit trail: one entry per security decision (a pairing, a renewal, a refused
//! signature...), appended to a hash chain in the store (`store/audit.rs`) and logged. Never a
//! secret in it: events and codes are fixed words, the rest ids and addresses.
//!
//! A refusal repeated by one source is coalesced (`coalesce.rs`); entries past the retention
//! go, leaving a checkpoint (`retention.rs`); `GET /audit` reads a chain (`routes.rs`).
//! docs/security.md says what is recorded and what a crash can lose.

mod coalesce;
mod retention;
pub(crate) mod routes;

use std::time::Duration;

use tokio::sync::Notify;
use tokio::task::JoinHandle;

use self::coalesce::Coalescer;
use crate::config::{Config, Mode};
use crate::state::AppState;
use crate::store::{AuditEntry, ChainScope};

pub use retention::{RetentionOutcome, cutoff, retain_chain, retention_pass};

/// How many sources the coalescer follows at once; past it, new sources of one refusal are
/// counted together (see `coalesce.rs`).
const COALESCE_CAP: usize = 1024;
/// How often closed coalescing windows are written out.
const FLUSH_EVERY: Duration = Duration::from_secs(1);

/// The audit log's runtime state: a part of the daemon's state (docs/architecture.md).
pub struct AuditLog {
    scope: ChainScope,
    coalescer: Coalescer,
    stop: Notify,
}

impl AuditLog {
    pub fn new(config: &Config) -> Self {
        let scope = match config.mode {
            Mode::Local => ChainScope::Single,
            Mode::Hosted => ChainScope::PerAccount,
        };
        Self {
            scope,
            coalescer: Coalescer::new(config.audit.coalesce_window, COALESCE_CAP, scope),
            stop: Notify::new(),
        }
    }

    pub fn scope(&self) -> ChainScope {
        self.scope
    }
}

/// The audit log's part of the state.
pub trait AuditAccess {
    fn audit_log(&self) -> &AuditLog;
}

impl AuditAccess for AppState {
    fn audit_log(&self) -> &AuditLog {
        self.part()
    }
}

/// Records one decision. `outcome` is `Ok(())` or the refusal's code. A refusal that repeats
/// one from the same source (event, code, peer, account, address) within the coalescing
/// window is counted instead of written. A failure to write is logged and does not fail the
/// request it describes (its outcome is already decided).
pub async fn audit(
    state: &AppState,
    event: &str,
    outcome: Result<(), &str>,
    peer_id: Option<&str>,
    account_id: Option<&str>,
    ip: Option<&str>,
) {
    let log = state.audit_log();
    let at = state.clock.now_ms();
    let entry = AuditEntry {
        chain: log.scope.chain(account_id),
        at,
        event: event.to_string(),
        outcome: if outcome.is_ok() { "ok" } else { "refused" }.to_string(),
        peer_id: peer_id.map(str::to_string),
        account_id: account_id.map(str::to_string),
        ip: ip.map(str::to_string),
        detail: outcome.err().map(str::to_string),
        count: 1,
    };
    if outcome.is_ok() {
        return write(state, entry).await;
    }
    let noted = log.coalescer.note(entry, at);
    for summary in noted.closed {
        write(state, summary).await;
    }
    if let Some(entry) = noted.write {
        write(state, entry).await;
    }
}

/// A change of a setting, recorded with what changed (`detail`: names and new values, never
/// a secret).
pub async fn audit_change(state: &AppState, event: &str, detail: String, account_id: Option<&str>) {
    let entry = AuditEntry {
        chain: state.audit_log().scope.chain(account_id),
        at: state.clock.now_ms(),
        event: event.to_string(),
        outcome: "ok".to_string(),
        peer_id: None,
        account_id: account_id.map(str::to_string),
        ip: None,
        detail: Some(detail),
        count: 1,
    };
    write(state, entry).await;
}

/// A refusal of a request that named a peer (in its path): the peer, and its account, whose
/// chain the entry joins, are recorded only if that peer exists. An id an outsider made up
/// is not written, and a flood of made-up ids from one address coalesces as one source.
pub async fn audit_peer_refusal(
    state: &AppState,
    event: &str,
    code: &str,
    named_peer: &str,
    ip: Option<&str>,
) {
    let peer = match named_peer {
        "" => None,
        named => state.store.peer(named).await.ok().flatten(),
    };
    let (peer_id, account_id) = match &peer {
        Some(peer) => (Some(peer.peer_id.as_str()), Some(peer.account_id.as_str())),
        None => (None, None),
    };
    audit(state, event, Err(code), peer_id, account_id, ip).await;
}

async fn write(state: &AppState, entry: AuditEntry) {
    if let Err(err) = state.store.append_audit(&entry).await {
        // A database that is down says so once itself (`resilience::database`), not once
        // per request.
        if err.is_connection_lost() {
            tracing::debug!(error = %err, event = %entry.event, "cannot write the audit trail");
        } else {
            tracing::error!(error = %err, event = %entry.event, "cannot write the audit trail");
        }
    }
    tracing::info!(
        event = %entry.event,
        outcome = %entry.outcome,
        code = entry.detail.as_deref(),
        peer_id = entry.peer_id.as_deref(),
        count = entry.count,
        "audit"
    );
}

/// Writes the counts of the coalescing windows that have closed.
pub async fn flush_closed(state: &AppState) {
    let closed = state
        .audit_log()
        .coalescer
        .close_expired(state.clock.now_ms());
    for summary in closed {
        write(state, summary).await;
    }
}

/// Writes every count held in memory, closing every window (at shutdown).
pub async fn flush(state: &AppState) {
    for summary in state.audit_log().coalescer.drain() {
        write(state, summary).await;
    }
}

/// The audit log's background task: the writer of closed coalescing windows. (Retention runs
/// with the daemon's retention job, `retention.rs`.)
pub struct AuditTasks {
    flusher: JoinHandle<()>,
}

impl AuditTasks {
    pub fn spawn(state: AppState) -> Self {
        let flusher = tokio::spawn(async move {
            let mut tick = tokio::time::interval(FLUSH_EVERY);
            tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            loop {
                // Only the waits race the stop, never a write: a count taken out of the
                // coalescer is always written.
                tokio::select! {
                    _ = tick.tick() => {}
                    () = state.audit_log().stop.notified() => break,
                }
                flush_closed(&state).await;
            }
            flush(&state).await;
        });
        Self { flusher }
    }

    /// Stops the task; every count held in memory is written first.
    pub async fn stop(self, state: &AppState) {
        state.audit_log().stop.notify_one();
        if let Err(err) = self.flusher.await {
            tracing::error!(error = %err, "the audit flush task failed");
        }
    }
}
