//! The outbox and the event table, on SQLite and Postgres (the store code is shared).

use backend_8825::config::Mode;
use backend_8825::store::telemetry::{OutboxCaps, OutboxItem, StoredEvent};

use crate::common;

const WIDE: OutboxCaps = OutboxCaps {
    max_items: 1_000,
    max_bytes: 100 << 20,
};

fn item<'a>(id: &'a str, payload: &'a str) -> OutboxItem<'a> {
    OutboxItem {
        event_id: id,
        payload,
        created_at: 1,
    }
}

#[tokio::test]
async fn the_outbox_batches_acks_claims_and_caps_on_both_databases() {
    for db in common::databases().await {
        let dir = tempfile::tempdir().unwrap();
        // The local outbox is SQLite in practice; the code is shared, so Postgres too (a
        // hosted-mode state, as local mode refuses a Postgres URL).
        let state = common::state(Mode::Hosted, dir.path(), &db).await;
        let store = state.store.telemetry();
        let name = db.name();
        let peers = vec!["p1".to_string()];

        for i in 0..5 {
            let id = format!("e{i}");
            let outcome = store
                .outbox_push(&peers, &[item(&id, "{}")], WIDE)
                .await
                .unwrap();
            assert_eq!((outcome.inserted, outcome.dropped), (1, 0), "{name}");
        }
        // The same event again is one row still.
        assert_eq!(
            store
                .outbox_push(&peers, &[item("e0", "{}")], WIDE)
                .await
                .unwrap()
                .inserted,
            0
        );

        // Batches: oldest first, after a cursor, bounded by count and by bytes.
        let batch = store.outbox_batch("p1", 0, 3, 1 << 20).await.unwrap();
        let ids: Vec<&str> = batch.iter().map(|r| r.event_id.as_str()).collect();
        assert_eq!(ids, ["e0", "e1", "e2"], "{name}");
        let rest = store
            .outbox_batch("p1", batch[2].seq, 10, 1 << 20)
            .await
            .unwrap();
        assert_eq!(rest.len(), 2);
        assert_eq!(
            store.outbox_batch("p1", 0, 10, 5).await.unwrap().len(),
            2,
            "bytes"
        );
        assert_eq!(
            store.outbox_batch("p1", 0, 10, 1).await.unwrap().len(),
            1,
            "at least one"
        );
        assert!(
            store
                .outbox_batch("p2", 0, 10, 1 << 20)
                .await
                .unwrap()
                .is_empty()
        );

        // An ack removes exactly its batch.
        let acked = store
            .outbox_ack("p1", batch[0].seq, batch[2].seq)
            .await
            .unwrap();
        assert_eq!(acked, 3);
        assert_eq!(
            store
                .outbox_ack("p1", batch[0].seq, batch[2].seq)
                .await
                .unwrap(),
            0
        );
        let status = store.outbox_status().await.unwrap();
        assert_eq!(
            (status.pending, status.accepted, status.delivered),
            (2, 5, 3),
            "{name}"
        );
        assert_eq!(status.pending_bytes, 4);

        // Unassigned rows wait for the first peer that connects.
        store
            .outbox_push(&[], &[item("u1", "{}")], WIDE)
            .await
            .unwrap();
        assert_eq!(store.outbox_claim("p2").await.unwrap(), 1);
        assert_eq!(store.outbox_claim("p3").await.unwrap(), 0);
        let by_peer = store.outbox_pending_by_peer().await.unwrap();
        assert_eq!(by_peer, vec![("p1".into(), 2), ("p2".into(), 1)], "{name}");

        // Caps: the oldest rows go, and are counted.
        let items = OutboxCaps {
            max_items: 4,
            max_bytes: 1 << 20,
        };
        let outcome = store
            .outbox_push(&peers, &[item("n1", "{}")], items)
            .await
            .unwrap();
        assert_eq!(outcome.dropped, 0);
        let outcome = store
            .outbox_push(&peers, &[item("n2", "{}")], items)
            .await
            .unwrap();
        assert_eq!(outcome.dropped, 1, "{name}");
        let bytes = OutboxCaps {
            max_items: 100,
            max_bytes: 10,
        };
        let outcome = store
            .outbox_push(&peers, &[item("big", "0123456789")], bytes)
            .await
            .unwrap();
        assert_eq!(outcome.dropped, 4, "{name}: only the new 10-byte row fits");
        let left = store.outbox_batch("p1", 0, 10, 1 << 20).await.unwrap();
        assert_eq!(left.len(), 1);
        assert_eq!(left[0].event_id, "big");
        assert_eq!(store.outbox_status().await.unwrap().dropped, 5);
    }
}

#[tokio::test]
async fn one_push_writes_many_events_for_every_peer_and_the_caps_follow_acks_and_drops() {
    for db in common::databases().await {
        let dir = tempfile::tempdir().unwrap();
        let state = common::state(Mode::Hosted, dir.path(), &db).await;
        let store = state.store.telemetry();
        let name = db.name();
        let peers = vec!["p1".to_string(), "p2".to_string()];
        // 450 events for two peers: 900 rows, more than one statement's worth.
        let ids: Vec<String> = (0..450).map(|i| format!("m{i:03}")).collect();
        let items: Vec<OutboxItem<'_>> = ids.iter().map(|id| item(id, "{}")).collect();
        let outcome = store.outbox_push(&peers, &items, WIDE).await.unwrap();
        assert_eq!((outcome.inserted, outcome.dropped), (900, 0), "{name}");
        // Again, with one new event: only its two rows are new.
        let mut again = items.clone();
        again.push(item("m450", "{}"));
        let outcome = store.outbox_push(&peers, &again, WIDE).await.unwrap();
        assert_eq!(outcome.inserted, 2, "{name}");
        let p1 = store.outbox_batch("p1", 0, 1_000, 1 << 20).await.unwrap();
        assert_eq!(p1.len(), 451, "{name}");
        assert!(
            p1.windows(2).all(|w| w[0].event_id < w[1].event_id),
            "in order"
        );
        for peer in ["p1", "p2"] {
            let batch = store.outbox_batch(peer, 0, 1_000, 1 << 20).await.unwrap();
            let (first, last) = (batch[0].seq, batch[batch.len() - 1].seq);
            assert_eq!(store.outbox_ack(peer, first, last).await.unwrap(), 451);
        }

        // The caps count what is in the outbox now: acknowledged rows make room.
        let caps = OutboxCaps {
            max_items: 4,
            max_bytes: 40,
        };
        let four: Vec<String> = (0..4).map(|i| format!("c{i}")).collect();
        let items: Vec<OutboxItem<'_>> = four.iter().map(|id| item(id, "0123456789")).collect();
        let outcome = store.outbox_push(&peers[..1], &items, caps).await.unwrap();
        assert_eq!(outcome.dropped, 0, "{name}: exactly at both caps");
        let batch = store.outbox_batch("p1", 0, 2, 1 << 20).await.unwrap();
        assert_eq!(
            store
                .outbox_ack("p1", batch[0].seq, batch[1].seq)
                .await
                .unwrap(),
            2
        );
        let two = [item("c4", "0123456789"), item("c5", "0123456789")];
        let outcome = store.outbox_push(&peers[..1], &two, caps).await.unwrap();
        assert_eq!(outcome.dropped, 0, "{name}: the acked rows made room");
        // Past the caps within one push: the oldest go, the newest stay.
        let three = [
            item("c6", "0123456789"),
            item("c7", "0123456789"),
            item("c8", "0123"),
        ];
        let outcome = store.outbox_push(&peers[..1], &three, caps).await.unwrap();
        assert_eq!(outcome.dropped, 3, "{name}");
        let left: Vec<String> = store
            .outbox_batch("p1", 0, 10, 1 << 20)
            .await
            .unwrap()
            .into_iter()
            .map(|r| r.event_id)
            .collect();
        // c8 (4 bytes), c7, c6, c5 (34 bytes, 4 rows) stay; c2, c3, c4 go.
        assert_eq!(left, ["c5", "c6", "c7", "c8"], "{name}");
        let status = store.outbox_status().await.unwrap();
        assert_eq!((status.pending, status.pending_bytes), (4, 34), "{name}");
        assert_eq!(status.accepted, 900 + 2 + 4 + 2 + 3, "{name}");
        assert_eq!(status.delivered, 902 + 2, "{name}");
        assert_eq!(status.dropped, 3, "{name}");
        // The running size follows the drop too: one ack makes room for one more.
        let first = store.outbox_batch("p1", 0, 1, 1 << 20).await.unwrap();
        store
            .outbox_ack("p1", first[0].seq, first[0].seq)
            .await
            .unwrap();
        let outcome = store
            .outbox_push(&peers[..1], &[item("c9", "0")], caps)
            .await
            .unwrap();
        assert_eq!(outcome.dropped, 0, "{name}");
        let outcome = store
            .outbox_push(&peers[..1], &[item("c10", "0")], caps)
            .await
            .unwrap();
        assert_eq!(outcome.dropped, 1, "{name}");
    }
}

fn stored(id: &str, peer: &str, account: &str) -> StoredEvent {
    StoredEvent {
        event_id: id.into(),
        peer_id: peer.into(),
        account_id: account.into(),
        source_backend: "b".into(),
        name: "n".into(),
        level: "info".into(),
        ts: 10,
        duration_ms: Some(1.5),
        attributes: r#"{"k":1}"#.into(),
        received_at: 20,
    }
}

#[tokio::test]
async fn events_are_stored_once_on_both_databases() {
    for db in common::databases().await {
        let dir = tempfile::tempdir().unwrap();
        let state = common::state(Mode::Hosted, dir.path(), &db).await;
        let store = state.store.telemetry();
        let batch = [stored("a", "p", "acct"), stored("b", "p", "acct")];
        assert_eq!(
            store.store_events(&batch).await.unwrap(),
            2,
            "{}",
            db.name()
        );
        let again = [stored("b", "p", "acct"), stored("c", "q", "acct")];
        assert_eq!(
            store.store_events(&again).await.unwrap(),
            1,
            "{}",
            db.name()
        );
        let all = store.events(None, 10).await.unwrap();
        assert_eq!(all.len(), 3);
        assert_eq!(
            all[0],
            batch[0],
            "{}: a row reads back as written",
            db.name()
        );
        assert_eq!(store.events(Some("q"), 10).await.unwrap().len(), 1);
        assert_eq!(store.event_samples("acct", 0, 10).await.unwrap().len(), 3);
        assert!(
            store
                .event_samples("acct", 11, 10)
                .await
                .unwrap()
                .is_empty()
        );
        assert!(
            store
                .event_samples("other", 0, 10)
                .await
                .unwrap()
                .is_empty()
        );
    }
}
