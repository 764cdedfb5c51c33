//! The audit trail: one entry per security decision (a pairing, a refused signature, a
//! renewal...), appended to a hash chain in the store (`store/audit.rs`) and logged. Never a
//! secret in it.

use crate::config::Mode;
use crate::state::AppState;
use crate::store::{AuditEntry, ChainScope};

/// Which chain the daemon's entries go to: the local daemon keeps one; the hosted daemon one
/// per account and one for entries with no account.
pub fn chain_scope(mode: Mode) -> ChainScope {
    match mode {
        Mode::Local => ChainScope::Single,
        Mode::Hosted => ChainScope::PerAccount,
    }
}

/// One audit entry. A failure to write it is logged and does not fail the request it
/// describes (the request's own outcome is already decided).
/// `outcome` is `Ok(())` or the refusal's error code.
pub async fn audit(
    state: &AppState,
    event: &str,
    outcome: Result<(), &str>,
    peer_id: Option<&str>,
    account_id: Option<&str>,
    ip: Option<&str>,
) {
    let entry = AuditEntry {
        chain: chain_scope(state.config.mode).chain(account_id),
        at: state.clock.now_ms(),
        event: event.to_string(),
        outcome: if outcome.is_ok() { "ok" } else { "refused" }.to_string(),
        peer_id: peer_id.map(str::to_string),
        account_id: account_id.map(str::to_string),
        ip: ip.map(str::to_string),
        detail: outcome.err().map(str::to_string),
        count: 1,
    };
    if let Err(err) = state.store.append_audit(&entry).await {
        tracing::error!(error = %err, event, "cannot write the audit trail");
    }
    tracing::info!(
        event,
        outcome = %entry.outcome,
        code = entry.detail.as_deref(),
        peer_id,
        "audit"
    );
}
