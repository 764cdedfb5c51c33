//! The outbox and the event table, on SQLite and Postgres (the store code is shared), and
//! the local status route.

use backend_8825::config::Mode;
use backend_8825::store::telemetry::{OutboxCaps, OutboxItem, StoredEvent};
use backend_8825::telemetry::{Level, TelemetryEvent, TelemetryLimits, emit};
use serde_json::Value;

use crate::common::{self, Db};
use crate::harness::Node;

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
                .outbox_push(&peers, &item(&id, "{}"), WIDE)
                .await
                .unwrap();
            assert_eq!((outcome.inserted, outcome.dropped), (1, 0), "{name}");
        }
        // The same event again is one row still.
        assert_eq!(
            store
                .outbox_push(&peers, &item("e0", "{}"), WIDE)
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
            .outbox_push(&[], &item("u1", "{}"), WIDE)
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
            .outbox_push(&peers, &item("n1", "{}"), items)
            .await
            .unwrap();
        assert_eq!(outcome.dropped, 0);
        let outcome = store
            .outbox_push(&peers, &item("n2", "{}"), items)
            .await
            .unwrap();
        assert_eq!(outcome.dropped, 1, "{name}");
        let bytes = OutboxCaps {
            max_items: 100,
            max_bytes: 10,
        };
        let outcome = store
            .outbox_push(&peers, &item("big", "0123456789"), bytes)
            .await
            .unwrap();
        assert_eq!(outcome.dropped, 4, "{name}: only the new 10-byte row fits");
        let left = store.outbox_batch("p1", 0, 10, 1 << 20).await.unwrap();
        assert_eq!(left.len(), 1);
        assert_eq!(left[0].event_id, "big");
        assert_eq!(store.outbox_status().await.unwrap().dropped, 5);
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

#[tokio::test]
async fn emit_validates_caps_and_shows_its_counts_on_the_status_route() {
    let local = Node::start_with(Mode::Local, &Db::Sqlite, |s| {
        s.telemetry.set_limits(TelemetryLimits {
            outbox_max_items: 3,
            ..TelemetryLimits::default()
        })
    })
    .await;
    // Not paired: events wait unassigned.
    let mut ids = Vec::new();
    for i in 0..5 {
        let event =
            TelemetryEvent::new("cap.test", Level::Warn, local.clock_now()).with_attribute("i", i);
        ids.push(event.event_id.to_string());
        emit(&local.state, event).await.unwrap();
    }
    let bad = TelemetryEvent::new("Not Valid", Level::Info, local.clock_now());
    let err = emit(&local.state, bad).await.unwrap_err();
    assert!(err.to_string().contains("name must be"), "{err}");

    let left = local
        .state
        .store
        .telemetry()
        .outbox_batch("", 0, 10, 1 << 20)
        .await
        .unwrap();
    let left: Vec<String> = left.into_iter().map(|r| r.event_id).collect();
    assert_eq!(left, ids[2..], "the two oldest were dropped");

    let secret = backend_8825::local_api::local_secret(&local.state)
        .await
        .unwrap()
        .expose()
        .to_string();
    let http = common::http_client();
    let response = http
        .get(local.url("/telemetry/status"))
        .bearer_auth(&secret)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let body: Value = response.json().await.unwrap();
    let outbox = &body["outbox"];
    assert_eq!(outbox["pending"], 3, "{body}");
    assert_eq!(outbox["dropped"], 2);
    assert_eq!(outbox["accepted"], 5);
    assert_eq!(outbox["max_items"], 3);
    // Local API rules apply: no secret, no status.
    let response = http
        .get(local.url("/telemetry/status"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 401);
}
