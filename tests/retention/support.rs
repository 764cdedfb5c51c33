//! What the retention suite shares: a run that waits out a run already going (each daemon
//! runs retention when it starts), clocks moved together, and what a replica holds.

use std::collections::BTreeMap;
use std::time::Duration;

use backend_8825::retention::{RetentionReport, run, runs_finished};
use backend_8825::store::{KIND_CONVERSATION, KIND_MESSAGE, LOCAL_ACCOUNT, RecordQuery};

use crate::common::{Daemon, eventually};

pub const DAY: i64 = 86_400;

/// [`run`], once no other run holds the retention lock (a daemon's run at start may).
pub async fn run_now(daemon: &Daemon, dry_run: bool) -> RetentionReport {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
    loop {
        let report = run(&daemon.state, dry_run).await;
        if !report.skipped {
            assert!(!report.failed, "the run failed: {report:?}");
            return report;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "the retention lock stayed taken"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// Waits for the run each daemon makes when it starts, so that it does not come in the
/// middle of a test.
pub async fn settled(daemons: &[&Daemon]) {
    for daemon in daemons {
        eventually(
            "the retention run at start",
            Duration::from_secs(20),
            || async { runs_finished(&daemon.state) >= 1 },
        )
        .await;
    }
}

/// Moves every daemon's clock on together (sync refuses versions from a clock ahead).
pub fn advance(daemons: &[&Daemon], secs: i64) {
    daemons.iter().for_each(|d| d.advance(secs));
}

/// The account a daemon keeps the test's records under: the local daemon's own, or the
/// account of the hosted daemon's bearer.
pub async fn account_of(daemon: &Daemon) -> String {
    if daemon.config().mode == backend_8825::config::Mode::Local {
        return LOCAL_ACCOUNT.to_string();
    }
    let store = daemon.state.store.as_ref();
    let account = backend_8825::accounts::authenticate(store, &daemon.bearer).await;
    account.unwrap().expect("the bearer is an account token").id
}

/// The live records of a replica: id -> version, conversations and messages.
pub async fn live(daemon: &Daemon) -> BTreeMap<String, String> {
    let account = account_of(daemon).await;
    let mut out = BTreeMap::new();
    for kind in [KIND_CONVERSATION, KIND_MESSAGE] {
        let query = RecordQuery {
            account_id: &account,
            kind,
            conversation_id: None,
            cursor: None,
            descending: false,
            limit: 10_000,
        };
        let records = daemon.state.store.list_records(&query).await.unwrap();
        out.extend(records.into_iter().map(|r| (r.id, r.version)));
    }
    out
}

/// Whether the replica holds a tombstone of `id`.
pub async fn is_tombstone(daemon: &Daemon, id: &str) -> bool {
    let account = account_of(daemon).await;
    let record = daemon.state.store.record(&account, id).await.unwrap();
    record.is_some_and(|r| r.deleted)
}

/// Whether the replica holds anything of `id`, tombstone or not.
pub async fn holds(daemon: &Daemon, id: &str) -> bool {
    let account = account_of(daemon).await;
    daemon
        .state
        .store
        .record(&account, id)
        .await
        .unwrap()
        .is_some()
}
