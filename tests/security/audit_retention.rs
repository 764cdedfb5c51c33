//! Retention on the daemon's manual clock: entries past `audit.retention_days` go, a
//! checkpoint carries the hash of the last one deleted, and the rest still verifies; old
//! entries that do not verify are kept. Entries from before the chain are chained once.

use std::time::Duration;

use backend_8825::retention::runs_finished;
use backend_8825::security::audit::{self, retention_pass};
use backend_8825::store::{CHECKPOINT_EVENT, Checkpoint};

use crate::audit::{chain, problems, raw};
use crate::common::{self, Daemon, account, eventually};

const DAY: i64 = 86_400;

async fn decisions(daemon: &Daemon, n: usize, account: Option<&str>) {
    for i in 0..n {
        let peer = format!("peer-{i}");
        let state = &daemon.state;
        audit::audit(state, "renew_peer", Ok(()), Some(&peer), account, None).await;
    }
}

#[tokio::test]
async fn old_entries_go_and_a_checkpoint_keeps_the_chain_verifiable() {
    for db in common::databases().await {
        let name = db.name();
        let mut hosted = Daemon::hosted().on(&db).start().await;
        // The daemon's own run at start must be done before the clock moves: late, it
        // would take the entries this test's passes count.
        eventually("retention at start", Duration::from_secs(10), || async {
            runs_finished(&hosted.state) >= 1
        })
        .await;
        let token = account(&hosted, "a").await;
        let store = hosted.state.store.clone();
        let account = backend_8825::accounts::authenticate(store.as_ref(), &token).await;
        let account = account.unwrap().unwrap().id;
        decisions(&hosted, 5, Some(&account)).await;
        decisions(&hosted, 3, None).await;
        hosted.advance(30 * DAY);
        decisions(&hosted, 2, Some(&account)).await;
        let before = chain(&hosted, &account).await;

        // Day 89 from the first entries: nothing is old enough.
        hosted.advance(59 * DAY);
        assert_eq!(
            retention_pass(&hosted.state, hosted.state.config.audit.retention_days)
                .await
                .deleted,
            0,
            "{name}"
        );
        // Day 91: the first five of the account and the three of no account go.
        hosted.advance(2 * DAY);
        let outcome = retention_pass(&hosted.state, hosted.state.config.audit.retention_days).await;
        assert_eq!((outcome.deleted, outcome.checkpoints), (8, 2), "{name}");
        assert!(outcome.refused.is_empty(), "{name}");
        assert!(problems(&hosted).await.is_empty(), "{name}");

        let after = chain(&hosted, &account).await;
        assert_eq!(after.len(), 3, "{name}: two kept and the checkpoint");
        assert_eq!(after[..2], before[5..], "{name}");
        let checkpoint = &after[2];
        assert_eq!(checkpoint.event, CHECKPOINT_EVENT);
        let recorded = Checkpoint::parse(checkpoint.detail.as_deref().unwrap()).unwrap();
        assert_eq!(recorded.through_seq, 5);
        assert_eq!(recorded.deleted, 5);
        assert_eq!(Some(recorded.last_hash), before[4].hash, "{name}");
        // The account reads the checkpoint in its log.
        let (_, page) = hosted.call_as(&token, "GET", "/audit", None).await;
        assert_eq!(page["entries"][0]["event"], CHECKPOINT_EVENT, "{name}");
        // The chain of no account is the checkpoint alone, and verifies.
        let rest = chain(&hosted, "hosted").await;
        assert_eq!(rest.len(), 1, "{name}");
        assert_eq!(rest[0].seq, Some(4));

        // A second pass finds nothing more; 91 days on, the two and the checkpoint go, and
        // a new checkpoint follows the old one.
        assert_eq!(
            retention_pass(&hosted.state, hosted.state.config.audit.retention_days)
                .await
                .deleted,
            0,
            "{name}"
        );
        hosted.advance(91 * DAY);
        assert_eq!(
            retention_pass(&hosted.state, hosted.state.config.audit.retention_days)
                .await
                .deleted,
            4,
            "{name}"
        );
        assert!(problems(&hosted).await.is_empty(), "{name}");

        // An old entry edited in the database is not erased: retention keeps the entries
        // and names it; verify names it too.
        decisions(&hosted, 3, Some(&account)).await;
        let rows = chain(&hosted, &account).await;
        let edit = format!(
            "UPDATE audit_log SET peer_id = 'x' WHERE id = {}",
            rows[1].id
        );
        raw(&db, hosted.dir(), &edit).await;
        hosted.advance(91 * DAY);
        let outcome = retention_pass(&hosted.state, hosted.state.config.audit.retention_days).await;
        assert_eq!(outcome.refused.len(), 1, "{name}");
        assert_eq!(outcome.refused[0].entry.as_ref().unwrap().id, rows[1].id);
        assert_eq!(chain(&hosted, &account).await.len(), rows.len(), "{name}");
        assert_eq!(problems(&hosted).await.len(), 1, "{name}");

        // The daemon applies retention when it starts (and every hour): on restart, the
        // chain of no account loses its old checkpoint for a new one.
        let old = chain(&hosted, "hosted").await;
        hosted.advance(91 * DAY);
        hosted.restart().await;
        eventually("retention at start", Duration::from_secs(10), || async {
            chain(&hosted, "hosted").await.first().map(|r| r.id) != old.first().map(|r| r.id)
        })
        .await;
    }
}

#[tokio::test]
async fn entries_written_before_the_chain_are_chained_once() {
    for db in common::databases().await {
        let name = db.name();
        let mut hosted = Daemon::hosted().on(&db).start().await;
        decisions(&hosted, 2, None).await;
        // As the database of an earlier version had them: rows without chain fields, and
        // no record of having chained them.
        for (i, account) in [(1, "NULL"), (2, "'acc-1'"), (3, "NULL")] {
            let at = hosted.now() * 1000 + i;
            let insert = format!(
                "INSERT INTO audit_log (at, event, outcome, account_id, detail) \
                 VALUES ({at}, 'pairing_attempt', 'refused', {account}, 'rate_limited')"
            );
            raw(&db, hosted.dir(), &insert).await;
        }
        raw(
            &db,
            hosted.dir(),
            "DELETE FROM meta WHERE key = 'audit_chained'",
        )
        .await;
        let found = problems(&hosted).await;
        assert_eq!(found.len(), 3, "{name}: {found:?}");
        assert!(
            found[0].what.contains("when it next starts"),
            "{}",
            found[0]
        );

        hosted.restart().await;
        assert!(problems(&hosted).await.is_empty(), "{name}");
        assert_eq!(chain(&hosted, "hosted").await.len(), 4, "{name}");
        assert_eq!(chain(&hosted, "acc-1").await.len(), 1, "{name}");
        // Once only: a row written by hand later stays out of the chain.
        raw(
            &db,
            hosted.dir(),
            "INSERT INTO audit_log (at, event, outcome) VALUES (4, 'register_peer', 'ok')",
        )
        .await;
        hosted.restart().await;
        let found = problems(&hosted).await;
        assert_eq!(found.len(), 1, "{name}: {found:?}");
        assert!(found[0].what.contains("outside the daemon"), "{}", found[0]);
    }
}
