//! Retention: entries older than the retention (`audit.retention_days` unless the
//! retention policy says otherwise) go, chain by chain, oldest first;
//! each deletion appends a checkpoint entry carrying the hash of the last entry deleted, so
//! the rest of the chain still verifies from it. Entries due for deletion that do not verify
//! are kept, and the failure is logged: retention never erases the evidence of an edit.

use crate::state::AppState;
use crate::store::{AuditProblem, Retained};

const DAY_MS: i64 = 86_400_000;

/// What one retention pass did.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RetentionOutcome {
    pub deleted: u64,
    pub checkpoints: u64,
    /// Chains whose old entries were kept because they do not verify.
    pub refused: Vec<AuditProblem>,
}

/// Deletes the entries older than `days` from every chain, at this daemon's time (0 keeps
/// everything). The days come from the caller: the daemon's retention policy
/// (`retention.rs`) decides them, chain by chain, and runs this hourly.
pub async fn retention_pass(state: &AppState, days: u32) -> RetentionOutcome {
    let mut outcome = RetentionOutcome::default();
    if days == 0 {
        return outcome;
    }
    let chains = match state.store.audit_chains().await {
        Ok(chains) => chains,
        Err(err) => {
            tracing::warn!(error = %err, "cannot list the audit chains; retention waits");
            return outcome;
        }
    };
    for chain in chains {
        retain_chain(state, &chain, days, &mut outcome).await;
    }
    if outcome.deleted > 0 {
        tracing::info!(
            deleted = outcome.deleted,
            days,
            "audit entries past the retention deleted"
        );
    }
    outcome
}

/// The cutoff of a retention of `days` at this daemon's time.
pub fn cutoff(state: &AppState, days: u32) -> i64 {
    state
        .clock
        .now_ms()
        .saturating_sub(i64::from(days) * DAY_MS)
}

/// Deletes one chain's entries older than `days` (0 keeps everything), a page per
/// transaction, adding what it did to `outcome`.
pub async fn retain_chain(
    state: &AppState,
    chain: &str,
    days: u32,
    outcome: &mut RetentionOutcome,
) {
    if days == 0 {
        return;
    }
    let now = state.clock.now_ms();
    let cutoff = cutoff(state, days);
    // A page of entries per transaction, until none is old enough.
    loop {
        match state.store.audit_retain(chain, cutoff, now).await {
            Ok(Retained::Nothing) => break,
            Ok(Retained::Removed { deleted, .. }) => {
                outcome.deleted += deleted;
                outcome.checkpoints += 1;
            }
            Ok(Retained::Refused(problem)) => {
                tracing::error!(
                    problem = %problem,
                    "the audit log does not verify: its old entries are kept; run \
                     `backend-8825 audit verify`"
                );
                outcome.refused.push(problem);
                break;
            }
            Err(err) => {
                tracing::warn!(error = %err, "cannot apply the audit retention; it will retry");
                break;
            }
        }
    }
}
