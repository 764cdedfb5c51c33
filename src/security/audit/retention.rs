//! Retention: entries older than `audit.retention_days` go, chain by chain, oldest first;
//! each deletion appends a checkpoint entry carrying the hash of the last entry deleted, so
//! the rest of the chain still verifies from it. Entries due for deletion that do not verify
//! are kept, and the failure is logged: retention never erases the evidence of an edit.

use std::time::Duration;

use tokio::task::JoinHandle;

use crate::state::AppState;
use crate::store::{AuditProblem, Retained};

/// How often retention runs (and once at start).
const RETENTION_EVERY: Duration = Duration::from_secs(3600);
const DAY_MS: i64 = 86_400_000;

/// What one retention pass did.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RetentionOutcome {
    pub deleted: u64,
    pub checkpoints: u64,
    /// Chains whose old entries were kept because they do not verify.
    pub refused: Vec<AuditProblem>,
}

/// Deletes the entries older than the retention from every chain, at this daemon's time.
pub async fn retention_pass(state: &AppState) -> RetentionOutcome {
    let mut outcome = RetentionOutcome::default();
    let days = state.config.audit.retention_days;
    if days == 0 {
        return outcome;
    }
    let now = state.clock.now_ms();
    let cutoff = now.saturating_sub(i64::from(days) * DAY_MS);
    let chains = match state.store.audit_chains().await {
        Ok(chains) => chains,
        Err(err) => {
            tracing::warn!(error = %err, "cannot list the audit chains; retention waits");
            return outcome;
        }
    };
    for chain in chains {
        // A page of entries per transaction, until none is old enough.
        loop {
            match state.store.audit_retain(&chain, cutoff, now).await {
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
    if outcome.deleted > 0 {
        tracing::info!(
            deleted = outcome.deleted,
            days,
            "audit entries past the retention deleted"
        );
    }
    outcome
}

pub(super) fn spawn(state: AppState) -> JoinHandle<()> {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(RETENTION_EVERY);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tick.tick().await;
            retention_pass(&state).await;
        }
    })
}
