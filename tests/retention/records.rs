//! Conversations past the records retention are deleted by tombstone, with their messages,
//! and the deletions reach every replica, whichever side ran retention; nothing younger is
//! touched.

use std::collections::BTreeMap;

use crate::common::{self, Daemon, Db, pair};
use crate::conversations::{self, Conversations, pair_of, sync};
use crate::support::{DAY, advance, is_tombstone, live, run_now, settled};

/// A hosted daemon, two local daemons paired to its account, and what each side wrote:
/// old conversations (91 days old when the test runs retention) and young ones.
struct World {
    hosted: Daemon,
    local: Daemon,
    local2: Daemon,
    peer: String,
    peer2: String,
    /// The ids of old conversations and their messages, which retention deletes.
    old: Vec<String>,
}

impl World {
    async fn new(db: &Db) -> Self {
        let (hosted, local, peer) = pair_of(db).await;
        let local2 = conversations::local().await;
        let peer2 = pair(&local2, &hosted, &hosted.bearer).await;
        settled(&[&hosted, &local, &local2]).await;
        let mut old = Vec::new();
        // Day 0: A on the local daemon with two messages, B on the hosted one with one, and
        // E on the hosted one, which gets a message later and so stays.
        let a = local.create_conversation("A").await;
        old.push(local.post_message(&a, "user", "a1").await);
        old.push(local.post_message(&a, "assistant", "a2").await);
        old.push(a);
        let b = hosted.create_conversation("B").await;
        old.push(hosted.post_message(&b, "user", "b1").await);
        old.push(b);
        let e = hosted.create_conversation("E").await;
        hosted.post_message(&e, "user", "e1").await;
        let world = Self {
            hosted,
            local,
            local2,
            peer,
            peer2,
            old,
        };
        world.converge().await;
        // Day 60: young conversations on each side, and a new message in E from the second
        // local daemon.
        world.advance(60 * DAY);
        let c = world.local.create_conversation("C").await;
        world.local.post_message(&c, "user", "c1").await;
        world.hosted.create_conversation("D").await;
        world.local2.post_message(&e, "user", "e2").await;
        world.converge().await;
        // Day 91: A and B are past the 90 days, C, D and E are not.
        world.advance(31 * DAY);
        world
    }

    fn advance(&self, secs: i64) {
        advance(&[&self.hosted, &self.local, &self.local2], secs);
    }

    /// Syncs until every replica has every version.
    async fn converge(&self) {
        sync(&self.local, &self.peer).await;
        sync(&self.local2, &self.peer2).await;
        sync(&self.local, &self.peer).await;
    }

    fn replicas(&self) -> [(&'static str, &Daemon); 3] {
        [
            ("hosted", &self.hosted),
            ("local", &self.local),
            ("second local", &self.local2),
        ]
    }

    async fn snapshot(&self) -> Vec<BTreeMap<String, String>> {
        let mut out = Vec::new();
        for (_, daemon) in self.replicas() {
            out.push(live(daemon).await);
        }
        out
    }

    /// After retention ran on one side and everything synced: every old record is a
    /// tombstone on every replica, every other one is live with the version it had.
    async fn check(&self, name: &str, before: &[BTreeMap<String, String>]) {
        for ((replica, daemon), before) in self.replicas().into_iter().zip(before) {
            let mut expected = before.clone();
            for id in &self.old {
                assert!(
                    expected.remove(id).is_some(),
                    "{name} {replica}: {id} was live"
                );
                assert!(is_tombstone(daemon, id).await, "{name} {replica}: {id}");
            }
            assert_eq!(live(daemon).await, expected, "{name} {replica}");
            assert_eq!(expected.len(), 6, "{name} {replica}: C, c1, D, E, e1, e2");
            // Nothing past the policy is left for a run here to find.
            let again = run_now(daemon, true).await.total();
            assert_eq!(
                (again.conversations, again.messages),
                (0, 0),
                "{name} {replica}"
            );
        }
    }
}

#[tokio::test]
async fn a_run_on_the_local_daemon_deletes_old_conversations_on_every_replica() {
    for db in common::databases().await {
        let name = db.name();
        let world = World::new(&db).await;
        let before = world.snapshot().await;
        let report = run_now(&world.local, false).await;
        let total = report.total();
        assert_eq!((total.conversations, total.messages), (2, 3), "{name}");
        assert_eq!(report.accounts[0].policy.records_days, 90, "{name}");
        // The tombstones go up to the hosted daemon and down to the other local one.
        world.converge().await;
        world.check(name, &before).await;
    }
}

#[tokio::test]
async fn a_run_on_the_hosted_daemon_deletes_old_conversations_on_every_replica() {
    for db in common::databases().await {
        let name = db.name();
        let world = World::new(&db).await;
        let before = world.snapshot().await;
        let report = run_now(&world.hosted, false).await;
        let total = report.total();
        assert_eq!((total.conversations, total.messages), (2, 3), "{name}");
        world.converge().await;
        world.check(name, &before).await;
    }
}

#[tokio::test]
async fn nothing_younger_than_the_retention_is_touched() {
    for db in common::databases().await {
        let name = db.name();
        let (hosted, local, peer) = pair_of(&db).await;
        settled(&[&hosted, &local]).await;
        let c = local.create_conversation("young").await;
        local.post_message(&c, "user", "hello").await;
        sync(&local, &peer).await;
        // A message at day 60 keeps the conversation: at day 149 it is 89 days old.
        advance(&[&hosted, &local], 60 * DAY);
        local.post_message(&c, "user", "again").await;
        sync(&local, &peer).await;
        advance(&[&hosted, &local], 89 * DAY);
        for daemon in [&hosted, &local] {
            let before = live(daemon).await;
            let total = run_now(daemon, false).await.total();
            // (The audit entries of the pairing, 149 days old, do go.)
            assert_eq!((total.conversations, total.messages), (0, 0), "{name}");
            assert_eq!(live(daemon).await, before, "{name}");
        }
        // Past 90 days for the newest message, the whole conversation goes.
        advance(&[&hosted, &local], 2 * DAY);
        let total = run_now(&local, false).await.total();
        assert_eq!((total.conversations, total.messages), (1, 2), "{name}");
    }
}
