//! The store's retention queries, on SQLite and Postgres: which records are past a cutoff,
//! which tombstones may go, telemetry by age, the accounts.

use std::collections::BTreeSet;
use std::sync::Arc;

use backend_8825::store::telemetry::StoredEvent;
use backend_8825::store::{self, Account, Record, SetAside, Store};

use crate::common::{self, Db};

const WRITER: &str = "0123456789abcdef0123456789abcdef";
const ACCOUNT: &str = "acc";

async fn open(db: &Db, dir: &std::path::Path) -> Arc<dyn Store> {
    store::connect(&db.url(dir), 5).await.unwrap()
}

fn version(ms: i64) -> String {
    format!("{ms:015}-000000-{WRITER}")
}

fn cutoff(ms: i64) -> String {
    format!("{ms:015}")
}

/// A record of `kind` (a message when `conversation` is given) written at `ms`.
fn record(id: u32, conversation: Option<u32>, ms: i64, deleted: bool) -> Record {
    let is_message = conversation.is_some();
    Record {
        kind: if is_message {
            "message"
        } else {
            "conversation"
        }
        .into(),
        id: uuid_of(id),
        conversation_id: conversation.map(uuid_of),
        title: (!is_message && !deleted).then(|| "t".into()),
        role: is_message.then(|| "user".into()),
        content: (is_message && !deleted).then(|| "c".into()),
        created_at: ms,
        updated_at: ms,
        deleted,
        version: version(ms),
        source_backend: WRITER.into(),
        seq: 0,
        e2e: None,
        origin_peer: None,
    }
}

fn uuid_of(n: u32) -> String {
    format!("01900000-0000-7000-8000-{n:012}")
}

fn ids(records: &[Record]) -> BTreeSet<String> {
    records.iter().map(|r| r.id.clone()).collect()
}

fn set(ns: &[u32]) -> BTreeSet<String> {
    ns.iter().map(|n| uuid_of(*n)).collect()
}

async fn apply(store: &dyn Store, account: &str, records: &[Record]) {
    store
        .apply_versions(account, records, None, None)
        .await
        .unwrap();
}

#[tokio::test]
async fn expired_conversations_are_those_with_nothing_newer_than_the_cutoff() {
    for db in common::databases().await {
        let name = db.name();
        let dir = tempfile::tempdir().unwrap();
        let store = open(&db, dir.path()).await;
        let store = store.as_ref();
        apply(
            store,
            ACCOUNT,
            &[
                // 1: old, with an old message: expired.
                record(1, None, 100, false),
                record(11, Some(1), 150, false),
                // 2: old, but a message deleted at 600 is a newer change: kept.
                record(2, None, 100, false),
                record(21, Some(2), 600, true),
                // 3: already a tombstone: left alone.
                record(3, None, 100, true),
                // 4, 5: old, no messages: expired.
                record(4, None, 499, false),
                record(5, None, 100, false),
                // 6: edited at the cutoff: kept.
                record(6, None, 500, false),
            ],
        )
        .await;
        // Another account's old conversation is not this account's.
        apply(store, "other", &[record(7, None, 100, false)]).await;
        let all = store
            .expired_conversations(ACCOUNT, &cutoff(500), "", 100)
            .await
            .unwrap();
        assert_eq!(ids(&all), set(&[1, 4, 5]), "{name}");
        // Paged in id order.
        let first = store
            .expired_conversations(ACCOUNT, &cutoff(500), "", 2)
            .await
            .unwrap();
        assert_eq!(ids(&first), set(&[1, 4]), "{name}");
        let rest = store
            .expired_conversations(ACCOUNT, &cutoff(500), &first[1].id, 2)
            .await
            .unwrap();
        assert_eq!(ids(&rest), set(&[5]), "{name}");
        assert_eq!(store.live_messages(ACCOUNT, &uuid_of(1)).await.unwrap(), 1);
        assert_eq!(store.live_messages(ACCOUNT, &uuid_of(2)).await.unwrap(), 0);
    }
}

#[tokio::test]
async fn expired_orphan_messages_are_old_live_messages_of_no_live_conversation() {
    for db in common::databases().await {
        let name = db.name();
        let dir = tempfile::tempdir().unwrap();
        let store = open(&db, dir.path()).await;
        let store = store.as_ref();
        apply(
            store,
            ACCOUNT,
            &[
                record(1, None, 100, true),
                record(11, Some(1), 100, false), // of a tombstone: expired
                record(12, Some(1), 700, false), // of a tombstone, young: kept
                record(13, Some(1), 100, true),  // a tombstone itself: left alone
                record(2, None, 100, false),
                record(21, Some(2), 100, false), // of a live conversation: kept
                record(31, Some(3), 100, false), // of no stored conversation: expired
            ],
        )
        .await;
        let found = store
            .expired_orphan_messages(ACCOUNT, &cutoff(500), "", 100)
            .await
            .unwrap();
        assert_eq!(ids(&found), set(&[11, 31]), "{name}");
        let other = store
            .expired_orphan_messages("other", &cutoff(500), "", 100)
            .await
            .unwrap();
        assert!(other.is_empty(), "{name}");
    }
}

#[tokio::test]
async fn tombstones_go_up_to_the_acknowledged_position_unless_young_set_aside_or_replaced() {
    for db in common::databases().await {
        let name = db.name();
        let dir = tempfile::tempdir().unwrap();
        let store = open(&db, dir.path()).await;
        let store = store.as_ref();
        // Feed positions 1 to 6, in this order.
        apply(
            store,
            ACCOUNT,
            &[
                record(1, None, 100, true),  // 1: goes
                record(2, None, 100, true),  // 2: set aside for a peer: stays
                record(3, None, 900, true),  // 3: younger than the cutoff: stays
                record(4, None, 100, false), // 4: live: stays
                record(5, None, 100, true),  // 5: goes
                record(6, None, 100, true),  // 6: past the acknowledged position: stays
            ],
        )
        .await;
        store
            .set_aside(&SetAside {
                peer_id: "peer".into(),
                record_id: uuid_of(2),
                version: version(100),
                code: "clock_offset_exceeded".into(),
                message: "ahead".into(),
                set_at: 1,
                retry_at: Some(2),
            })
            .await
            .unwrap();
        let through = 5;
        let counted = store
            .purgeable_tombstones(ACCOUNT, through, &cutoff(500))
            .await;
        assert_eq!(counted.unwrap(), 2, "{name}");
        // A page at a time, feed order first.
        let purged = store
            .purge_tombstones(ACCOUNT, through, &cutoff(500), 1)
            .await;
        assert_eq!(purged.unwrap(), 1, "{name}");
        assert!(store.record(ACCOUNT, &uuid_of(1)).await.unwrap().is_none());
        // Tombstone 5 is replaced by a newer (live) version before the purge: it stays.
        let mut revived = record(5, None, 200, false);
        revived.title = Some("back".into());
        apply(store, ACCOUNT, &[revived]).await;
        let purged = store
            .purge_tombstones(ACCOUNT, through, &cutoff(500), 100)
            .await;
        assert_eq!(purged.unwrap(), 0, "{name}");
        let left: Vec<u32> = [2, 3, 4, 5, 6].into();
        for n in left {
            let kept = store.record(ACCOUNT, &uuid_of(n)).await.unwrap();
            assert!(kept.is_some(), "{name}: {n}");
        }
        // Another account's acknowledged tombstones are not touched.
        apply(store, "other", &[record(1, None, 100, true)]).await;
        store
            .purge_tombstones(ACCOUNT, 100, &cutoff(500), 100)
            .await
            .unwrap();
        assert!(store.record("other", &uuid_of(1)).await.unwrap().is_some());
    }
}

#[tokio::test]
async fn telemetry_events_go_by_age_oldest_first_a_page_at_a_time() {
    for db in common::databases().await {
        let name = db.name();
        let dir = tempfile::tempdir().unwrap();
        let store = open(&db, dir.path()).await;
        let event = |id: &str, account: &str, ts: i64| StoredEvent {
            event_id: id.into(),
            peer_id: "p".into(),
            account_id: account.into(),
            source_backend: WRITER.into(),
            name: "sync.cycle".into(),
            level: "info".into(),
            ts,
            duration_ms: None,
            attributes: "{}".into(),
            received_at: ts,
        };
        let events = [
            event("a", ACCOUNT, 300),
            event("b", ACCOUNT, 100),
            event("c", ACCOUNT, 200),
            event("d", ACCOUNT, 500),
            event("e", "other", 100),
        ];
        let telemetry = store.telemetry();
        telemetry.store_events(&events).await.unwrap();
        assert_eq!(
            telemetry.count_events_before(ACCOUNT, 500).await.unwrap(),
            3
        );
        assert_eq!(
            telemetry
                .delete_events_before(ACCOUNT, 500, 2)
                .await
                .unwrap(),
            2
        );
        let left: Vec<String> = telemetry
            .events(None, 10)
            .await
            .unwrap()
            .into_iter()
            .map(|e| e.event_id)
            .collect();
        assert_eq!(left, ["e", "a", "d"], "{name}: the two oldest went");
        assert_eq!(
            telemetry
                .delete_events_before(ACCOUNT, 500, 2)
                .await
                .unwrap(),
            1
        );
        assert_eq!(
            telemetry.count_events_before(ACCOUNT, 500).await.unwrap(),
            0
        );
        assert_eq!(
            telemetry.count_events_before("other", 500).await.unwrap(),
            1
        );
    }
}

#[tokio::test]
async fn account_ids_lists_every_account() {
    for db in common::databases().await {
        let dir = tempfile::tempdir().unwrap();
        let store = open(&db, dir.path()).await;
        for (id, name) in [("b-id", "bob"), ("a-id", "alice")] {
            let account = Account {
                id: id.into(),
                name: name.into(),
                created_at: 1,
            };
            store
                .create_account(&account, &format!("hash-{id}"))
                .await
                .unwrap();
        }
        assert_eq!(
            store.account_ids().await.unwrap(),
            ["a-id", "b-id"],
            "{}",
            db.name()
        );
    }
}
