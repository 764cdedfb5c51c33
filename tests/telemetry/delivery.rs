//! Delivery: live, across a hosted outage, across a local crash between send and ack, and
//! through a connection cut at random points. Every check compares the sets of event ids.

use std::time::Duration;

use backend_8825::telemetry::TelemetryLimits;

use crate::common::proxy::Proxy;
use crate::common::{self, Daemon, eventually, hosted_with_account, pair, pair_via};
use crate::events::{Telemetry, emit_many, quiet_local};
use backend_8825::telemetry::TelemetryAccess;

const WAIT: Duration = Duration::from_secs(30);

async fn delivered(hosted: &Daemon, peer_id: &str, n: usize) -> bool {
    hosted.stored_ids(peer_id).await.1 >= n
}

#[tokio::test]
async fn events_emitted_on_local_arrive_on_hosted_while_connected() {
    for db in common::databases().await {
        let (hosted, token) = hosted_with_account(&db).await;
        let local = quiet_local().start().await;
        let peer_id = pair(&local, &hosted, &token).await;
        eventually("the socket", WAIT, || async { local.connected(&peer_id) }).await;

        let ids = emit_many(&local, 25).await;
        let started = std::time::Instant::now();
        eventually("delivery", WAIT, || delivered(&hosted, &peer_id, 25)).await;
        // Events arrive "within a second" while connected.
        assert!(started.elapsed() < Duration::from_secs(1), "{}", db.name());
        let (stored, rows) = hosted.stored_ids(&peer_id).await;
        assert_eq!(stored, ids, "{}", db.name());
        assert_eq!(rows, 25);
        eventually("the outbox to empty", WAIT, || async {
            local.pending().await == 0
        })
        .await;

        // What arrived is what was sent, attributed to the local backend and its account.
        let events = hosted
            .state
            .store
            .telemetry()
            .events(Some(&peer_id), 100)
            .await
            .unwrap();
        let local_id = local.state.identity.backend_id.to_string();
        assert!(
            events
                .iter()
                .all(|e| e.source_backend == local_id && e.name == "test.event")
        );
        let status = local.state.store.telemetry().outbox_status().await.unwrap();
        assert_eq!(
            (status.accepted, status.delivered, status.dropped),
            (25, 25, 0)
        );
    }
}

#[tokio::test]
async fn a_hosted_outage_fills_the_outbox_and_a_restart_drains_it_exactly_once() {
    for db in common::databases().await {
        let (mut hosted, token) = hosted_with_account(&db).await;
        let local = quiet_local()
            .prepare(|s| {
                s.telemetry().set_limits(TelemetryLimits {
                    reconnect_max: Duration::from_millis(500),
                    ..TelemetryLimits::default()
                })
            })
            .start()
            .await;
        let peer_id = pair(&local, &hosted, &token).await;
        let mut ids = emit_many(&local, 10).await;
        eventually("first events", WAIT, || delivered(&hosted, &peer_id, 10)).await;

        hosted.stop().await;
        eventually("the socket to drop", WAIT, || async {
            !local.connected(&peer_id)
        })
        .await;
        ids.extend(emit_many(&local, 40).await);
        assert_eq!(local.pending().await, 40, "{}", db.name());

        hosted.restart().await;
        eventually("the rest", WAIT, || delivered(&hosted, &peer_id, 50)).await;
        eventually("the outbox to empty", WAIT, || async {
            local.pending().await == 0
        })
        .await;
        let (stored, rows) = hosted.stored_ids(&peer_id).await;
        assert_eq!(stored, ids, "{}", db.name());
        assert_eq!(rows, 50, "{}", db.name());
    }
}

#[tokio::test]
async fn a_local_crash_between_send_and_ack_loses_nothing_and_stores_nothing_twice() {
    for db in common::databases().await {
        let (hosted, token) = hosted_with_account(&db).await;
        let proxy = Proxy::start(hosted.addr).await;
        // A window wide enough that all 30 events go out unacknowledged, one per batch (a
        // full batch goes even while others wait for their acks; a partial one would wait).
        let wide = |s: &backend_8825::state::AppState| {
            s.telemetry().set_limits(TelemetryLimits {
                max_in_flight: 64,
                batch_max_events: 1,
                ..TelemetryLimits::default()
            })
        };
        let mut local = quiet_local().prepare(wide).start().await;
        let peer_id = pair_via(&local, &hosted, &token, &proxy.url()).await;
        eventually("the socket", WAIT, || async { local.connected(&peer_id) }).await;

        // The hosted backend stores the events, but its acks never reach the local one.
        proxy.hold_downstream(true);
        let ids = emit_many(&local, 30).await;
        eventually("storage", WAIT, || delivered(&hosted, &peer_id, 30)).await;
        assert_eq!(
            local.pending().await,
            30,
            "unacknowledged events stay in the outbox"
        );

        // Killed before any ack: the outbox still holds all 30, and they are sent again.
        local.stop().await;
        proxy.hold_downstream(false);
        let duplicates_before = hosted.state.telemetry().hub.stats().duplicates;
        local.restart().await;
        eventually("the outbox to empty", WAIT, || async {
            local.pending().await == 0
        })
        .await;
        let (stored, rows) = hosted.stored_ids(&peer_id).await;
        assert_eq!(stored, ids, "{}", db.name());
        assert_eq!(rows, 30, "{}", db.name());
        // The resend really happened, and was recognised.
        let stats = hosted.state.telemetry().hub.stats();
        assert!(stats.duplicates >= duplicates_before + 30, "{stats:?}");
    }
}

/// 10,000 events, through a proxy that cuts every connection after a random
/// 2 KiB to 160 KiB.
#[tokio::test]
async fn a_proxy_cutting_connections_at_random_loses_and_duplicates_nothing() {
    const EVENTS: usize = 10_000;
    for db in common::databases().await {
        let (hosted, token) = hosted_with_account(&db).await;
        let proxy = Proxy::start(hosted.addr).await;
        let local = quiet_local()
            .prepare(|s| {
                s.telemetry().set_limits(TelemetryLimits {
                    outbox_max_items: 2 * EVENTS as i64,
                    batch_max_events: 100,
                    reconnect_base: Duration::from_millis(20),
                    reconnect_max: Duration::from_millis(200),
                    ..TelemetryLimits::default()
                })
            })
            .start()
            .await;
        let peer_id = pair_via(&local, &hosted, &token, &proxy.url()).await;
        proxy.set_chaos(true);

        let ids = emit_many(&local, EVENTS).await;
        eventually("every event", Duration::from_secs(240), || {
            delivered(&hosted, &peer_id, EVENTS)
        })
        .await;
        eventually("the outbox to empty", WAIT, || async {
            local.pending().await == 0
        })
        .await;
        let (stored, rows) = hosted.stored_ids(&peer_id).await;
        assert_eq!(rows, EVENTS, "{}: no duplicate rows", db.name());
        assert_eq!(stored, ids, "{}: every event", db.name());
        let cuts = proxy.cuts.load(std::sync::atomic::Ordering::SeqCst);
        assert!(cuts >= 5, "the proxy cut only {cuts} connections");
        eprintln!(
            "{}: {EVENTS} events through {cuts} cut connections",
            db.name()
        );
    }
}
