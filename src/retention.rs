//! Retention: what the daemon deletes because it is old, per account, at the daemon's clock,
//! as the account's privacy settings say ([`policy_for`]).
//!
//! - **Records**: a live conversation whose newest version (its own, or any of its messages')
//!   is older than the policy's `records_days` is deleted with its messages **by tombstone**,
//!   through the sync write path (`sync::records::write_all`), so the deletions are stamped,
//!   enter the change feed and reach every replica. Age is the version's HLC time (its first
//!   15 digits): sync bounds it by the receiver's clock, where a peer's `updated_at` is not
//!   checked.
//! - **Tombstones** are removed from the store once every active peer has acknowledged them
//!   (and they are older than [`TOMBSTONE_MIN_AGE_DAYS`]): such a peer has applied the
//!   tombstone, so nothing older can come back from it.
//! - **Telemetry events** (hosted) older than `telemetry_days`, and **audit entries** older
//!   than `audit_days` (through the audit log's own retention, which leaves checkpoints).
//!
//! [`run`] does it all once (or, dry, counts what would go); [`spawn`] runs it at start and
//! hourly. On Postgres one instance runs at a time (an advisory lock, see
//! [`crate::store::Store::retention_lock`]). docs/privacy.md ("Retention") is the reader's
//! version.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use serde::Serialize;
use tokio::task::JoinHandle;

use crate::config::Mode;
use crate::security::audit::{RetentionOutcome, retain_chain};
use crate::state::AppState;
use crate::store::{
    self, KIND_MESSAGE, LOCAL_ACCOUNT, LOCAL_CHAIN, NO_ACCOUNT_CHAIN, PEER_ACTIVE, Record,
    StoreResult,
};

/// How often retention runs (and once at start).
const RUN_EVERY: Duration = Duration::from_secs(3600);
const DAY_MS: i64 = 86_400_000;
/// Records (or events) read, written or deleted per statement.
const PAGE: i64 = 200;
/// A tombstone younger than this stays, even once every peer has it.
pub const TOMBSTONE_MIN_AGE_DAYS: u32 = 7;

/// What retention keeps, in days; 0 keeps everything of that kind.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct RetentionPolicy {
    pub records_days: u32,
    pub telemetry_days: u32,
    pub audit_days: u32,
}

/// The policy of an account (`LOCAL_ACCOUNT` on the local daemon): its privacy settings
/// (`retention_days`, `telemetry_retention_days`, `audit_retention_days`; their defaults are
/// 90, 30 and `audit.retention_days`). The one place that decides it. Settings that cannot
/// be read keep everything for this run: deleting by a default the user may have changed
/// is not undone.
pub async fn policy_for(state: &AppState, account_id: &str) -> RetentionPolicy {
    match crate::privacy::settings::settings_of(state, account_id).await {
        Ok(settings) => RetentionPolicy {
            records_days: settings.retention_days,
            telemetry_days: settings.telemetry_retention_days,
            audit_days: settings.audit_retention_days,
        },
        Err(err) => {
            tracing::warn!(
                account_id,
                error = %err,
                "cannot read the privacy settings; retention keeps everything of this account \
                 until the next run"
            );
            RetentionPolicy {
                records_days: 0,
                telemetry_days: 0,
                audit_days: 0,
            }
        }
    }
}

/// Retention's part of the daemon's state: the runs of this process.
#[derive(Default)]
pub struct Retention {
    /// Held for a run: one run at a time in this process (the store's lock makes it one
    /// per database across processes on Postgres; a SQLite file has one process).
    running: tokio::sync::Mutex<()>,
    finished: AtomicU64,
}

/// How many runs of this daemon have finished (not counting skipped ones): the run at start
/// is the first.
pub fn runs_finished(state: &AppState) -> u64 {
    state.part::<Retention>().finished.load(Ordering::SeqCst)
}

/// What went (or, dry, would go), per kind.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Counts {
    /// Conversations deleted by tombstone.
    pub conversations: u64,
    /// Messages deleted by tombstone.
    pub messages: u64,
    /// Tombstones removed from the store.
    pub tombstones_purged: u64,
    pub telemetry_events: u64,
    pub audit_entries: u64,
}

impl Counts {
    fn add(&mut self, other: &Counts) {
        self.conversations += other.conversations;
        self.messages += other.messages;
        self.tombstones_purged += other.tombstones_purged;
        self.telemetry_events += other.telemetry_events;
        self.audit_entries += other.audit_entries;
    }

    pub fn is_empty(&self) -> bool {
        *self == Counts::default()
    }
}

/// One account's part of a run.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct AccountReport {
    pub account_id: String,
    pub policy: RetentionPolicy,
    pub counts: Counts,
}

/// What [`run`] did.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct RetentionReport {
    pub dry_run: bool,
    /// Another instance was running retention on this database: this run did nothing.
    pub skipped: bool,
    pub accounts: Vec<AccountReport>,
    /// Audit entries of no account (the hosted daemon's own chain), at
    /// `audit.retention_days`.
    pub unattributed_audit_entries: u64,
    /// A step failed (it is logged); the next run tries again.
    pub failed: bool,
}

impl RetentionReport {
    /// Every account's counts, and the audit entries of no account, together.
    pub fn total(&self) -> Counts {
        let mut total = Counts {
            audit_entries: self.unattributed_audit_entries,
            ..Counts::default()
        };
        self.accounts.iter().for_each(|a| total.add(&a.counts));
        total
    }
}

/// Applies retention once: every account's policy, at the daemon's clock. A dry run changes
/// nothing and counts what a run would remove.
pub async fn run(state: &AppState, dry_run: bool) -> RetentionReport {
    let mut report = RetentionReport {
        dry_run,
        ..RetentionReport::default()
    };
    let part = state.part::<Retention>();
    let Ok(_running) = part.running.try_lock() else {
        tracing::info!("retention skipped: a run is going on in this daemon");
        report.skipped = true;
        return report;
    };
    let lock = match state.store.retention_lock().await {
        Ok(Some(lock)) => lock,
        Ok(None) => {
            tracing::info!("retention skipped: another instance is running it on this database");
            report.skipped = true;
            return report;
        }
        Err(err) => {
            tracing::warn!(error = %err, "cannot take the retention lock; retention waits");
            report.failed = true;
            return report;
        }
    };
    if let Err(err) = run_locked(state, dry_run, &mut report).await {
        tracing::warn!(error = %err, "retention stopped early; the next run goes on");
        report.failed = true;
    }
    lock.release().await;
    part.finished.fetch_add(1, Ordering::SeqCst);
    let total = report.total();
    if !total.is_empty() {
        let what = if dry_run { "would go" } else { "went" };
        tracing::info!(
            conversations = total.conversations,
            messages = total.messages,
            tombstones_purged = total.tombstones_purged,
            telemetry_events = total.telemetry_events,
            audit_entries = total.audit_entries,
            dry_run,
            "retention: what was past its retention {what}"
        );
    }
    report
}

async fn run_locked(
    state: &AppState,
    dry_run: bool,
    report: &mut RetentionReport,
) -> StoreResult<()> {
    let hosted = state.config.mode == Mode::Hosted;
    let accounts = if hosted {
        state.store.account_ids().await?
    } else {
        vec![LOCAL_ACCOUNT.to_string()]
    };
    // The audit log first, as its own retention did at start.
    audit(state, dry_run, &accounts, report).await?;
    for account in accounts {
        let policy = policy_for(state, &account).await;
        let entry = report.accounts.iter().position(|a| a.account_id == account);
        let mut counts = entry.map_or_else(Counts::default, |i| report.accounts[i].counts);
        // One account's failure does not hold back the others'.
        if let Err(err) = account_pass(state, &account, &policy, dry_run, &mut counts).await {
            tracing::warn!(
                account_id = %account,
                error = %err,
                "retention of an account stopped early; the next run goes on"
            );
            report.failed = true;
        }
        let done = AccountReport {
            account_id: account,
            policy,
            counts,
        };
        match entry {
            Some(i) => report.accounts[i] = done,
            None => report.accounts.push(done),
        }
    }
    Ok(())
}

/// Records, tombstones and (hosted) telemetry of one account.
async fn account_pass(
    state: &AppState,
    account: &str,
    policy: &RetentionPolicy,
    dry_run: bool,
    counts: &mut Counts,
) -> StoreResult<()> {
    records(state, account, policy, dry_run, counts).await?;
    purge(state, account, dry_run, counts).await?;
    if state.config.mode == Mode::Hosted {
        telemetry(state, account, policy, dry_run, counts).await?;
    }
    Ok(())
}

/// The prefix every version older than `days` sorts below: versions start with their HLC
/// time in 15 digits, so comparing strings compares times.
fn version_cutoff(state: &AppState, days: u32) -> String {
    let cutoff = state
        .clock
        .now_ms()
        .saturating_sub(i64::from(days) * DAY_MS)
        .max(0);
    format!("{cutoff:015}")
}

fn tombstone(mut record: Record) -> Record {
    record.deleted = true;
    record.title = None;
    record.content = None;
    record
}

async fn write(state: &AppState, account: &str, records: Vec<Record>) -> StoreResult<u64> {
    Ok(crate::sync::records::write_all(state, account, records).await? as u64)
}

/// Conversations past the retention, with their messages; then live messages past it whose
/// conversation is gone (those of the conversations just deleted, or of a run that stopped
/// between the two steps).
async fn records(
    state: &AppState,
    account: &str,
    policy: &RetentionPolicy,
    dry_run: bool,
    counts: &mut Counts,
) -> StoreResult<()> {
    if policy.records_days == 0 {
        return Ok(());
    }
    // In an end-to-end encrypted account only a device can write a tombstone that other
    // devices take (sealed, docs/e2e.md): the devices' own retention deletes old records.
    if state.config.mode == crate::config::Mode::Hosted
        && state.store.e2e_account(account).await?.is_some()
    {
        return Ok(());
    }
    let cutoff = version_cutoff(state, policy.records_days);
    let store = state.store.as_ref();
    let mut after = String::new();
    loop {
        let page = store
            .expired_conversations(account, &cutoff, &after, PAGE)
            .await?;
        let Some(last) = page.last() else { break };
        after = last.id.clone();
        if dry_run {
            counts.conversations += page.len() as u64;
            for conversation in &page {
                counts.messages += store.live_messages(account, &conversation.id).await? as u64;
            }
        } else {
            let tombstones = page.into_iter().map(tombstone).collect();
            counts.conversations += write(state, account, tombstones).await?;
        }
    }
    let mut after = String::new();
    loop {
        let page = store
            .expired_orphan_messages(account, &cutoff, &after, PAGE)
            .await?;
        let Some(last) = page.last() else { break };
        after = last.id.clone();
        debug_assert!(page.iter().all(|m| m.kind == KIND_MESSAGE));
        if dry_run {
            counts.messages += page.len() as u64;
        } else {
            let tombstones = page.into_iter().map(tombstone).collect();
            counts.messages += write(state, account, tombstones).await?;
        }
    }
    Ok(())
}

/// Removes the tombstones every active peer of the account has acknowledged: on the hosted
/// side, the feed position each peer says it has applied (its `since`, stored as
/// `push_seq` against this store's epoch); on the local side, what the hosted peer
/// acknowledged of this daemon's pushes.
async fn purge(
    state: &AppState,
    account: &str,
    dry_run: bool,
    counts: &mut Counts,
) -> StoreResult<()> {
    let store = state.store.as_ref();
    let hosted = state.config.mode == Mode::Hosted;
    let peers = store.peers(hosted.then_some(account)).await?;
    let epoch = store::epoch(store).await?;
    let mut through = store.feed_head(account).await?;
    for peer in peers.iter().filter(|p| p.status == PEER_ACTIVE) {
        let acknowledged = match store.sync_cursor(&peer.peer_id).await? {
            // A position counted in an earlier epoch of this store says nothing of this one.
            Some(c) if hosted && c.push_epoch.as_deref() != Some(epoch.as_str()) => 0,
            Some(c) => c.push_seq,
            None => 0,
        };
        through = through.min(acknowledged);
    }
    if through <= 0 {
        return Ok(());
    }
    let cutoff = version_cutoff(state, TOMBSTONE_MIN_AGE_DAYS);
    if dry_run {
        counts.tombstones_purged += store
            .purgeable_tombstones(account, through, &cutoff)
            .await? as u64;
        return Ok(());
    }
    loop {
        let purged = store
            .purge_tombstones(account, through, &cutoff, PAGE)
            .await?;
        counts.tombstones_purged += purged;
        if purged < PAGE as u64 {
            return Ok(());
        }
    }
}

async fn telemetry(
    state: &AppState,
    account: &str,
    policy: &RetentionPolicy,
    dry_run: bool,
    counts: &mut Counts,
) -> StoreResult<()> {
    if policy.telemetry_days == 0 {
        return Ok(());
    }
    let before = state
        .clock
        .now_ms()
        .saturating_sub(i64::from(policy.telemetry_days) * DAY_MS);
    let events = state.store.telemetry();
    if dry_run {
        counts.telemetry_events += events.count_events_before(account, before).await? as u64;
        return Ok(());
    }
    loop {
        let deleted = events.delete_events_before(account, before, PAGE).await?;
        counts.telemetry_events += deleted;
        if deleted < PAGE as u64 {
            return Ok(());
        }
    }
}

/// The audit log's retention, chain by chain: an account's chain at its policy, the chain of
/// no account (hosted) at `audit.retention_days`, the local daemon's chain at its policy.
async fn audit(
    state: &AppState,
    dry_run: bool,
    accounts: &[String],
    report: &mut RetentionReport,
) -> StoreResult<()> {
    for chain in state.store.audit_chains().await? {
        let account = match chain.as_str() {
            LOCAL_CHAIN if state.config.mode == Mode::Local => Some(LOCAL_ACCOUNT.to_string()),
            NO_ACCOUNT_CHAIN => None,
            other => accounts.iter().find(|a| *a == other).cloned(),
        };
        let policy = match &account {
            Some(account) => policy_for(state, account).await,
            None => RetentionPolicy {
                records_days: 0,
                telemetry_days: 0,
                audit_days: state.config.audit.retention_days,
            },
        };
        let days = policy.audit_days;
        if days == 0 {
            continue;
        }
        let gone = if dry_run {
            let cutoff = crate::security::audit::cutoff(state, days);
            state.store.audit_expired(&chain, cutoff).await? as u64
        } else {
            let mut outcome = RetentionOutcome::default();
            retain_chain(state, &chain, days, &mut outcome).await;
            outcome.deleted
        };
        match account {
            Some(account_id) => {
                let counts = Counts {
                    audit_entries: gone,
                    ..Counts::default()
                };
                report.accounts.push(AccountReport {
                    account_id,
                    policy,
                    counts,
                });
            }
            None => report.unattributed_audit_entries += gone,
        }
    }
    Ok(())
}

/// Runs retention at start, then every hour.
pub fn spawn(state: AppState) -> JoinHandle<()> {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(RUN_EVERY);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tick.tick().await;
            run(&state, false).await;
        }
    })
}
