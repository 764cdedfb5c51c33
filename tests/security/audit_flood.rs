//! A flood of refused requests writes a bounded number of audit rows, and the count of every
//! refusal still lands in the chain: when the coalescing window closes, and on a clean stop.

use std::time::Duration;

use futures_util::StreamExt;
use serde_json::json;

use crate::audit::problems;
use crate::common::{self, Daemon, eventually};

/// The rows and the refusals they record, for one event.
async fn recorded(daemon: &Daemon, event: &str) -> (usize, i64) {
    let rows = daemon.state.store.audit_entries(100_000).await.unwrap();
    let rows: Vec<_> = rows.iter().filter(|r| r.event == event).collect();
    (rows.len(), rows.iter().map(|r| r.count).sum())
}

/// `n` unsigned `POST /sync/{x}`, each naming a made-up peer, 32 at a time; every one is
/// refused.
async fn flood(hosted: &Daemon, n: usize) {
    let statuses: Vec<u16> = futures_util::stream::iter(0..n)
        .map(|_| {
            let url = hosted.url(&format!("/sync/{}", uuid::Uuid::new_v4()));
            let request = hosted.http.post(url).json(&json!({"v": 1}));
            async move { request.send().await.unwrap().status().as_u16() }
        })
        .buffer_unordered(32)
        .collect()
        .await;
    assert!(statuses.iter().all(|s| *s == 401), "all refused");
}

#[tokio::test]
async fn a_flood_of_refused_requests_writes_a_bounded_number_of_rows() {
    for db in common::databases().await {
        let name = db.name();
        // The per-address rate limit would answer most of the flood with 429 (and audit one
        // trip): off here, so that every request is a refused signature to coalesce.
        let mut hosted = Daemon::hosted()
            .on(&db)
            .config(|c| c.rate_limits.peer_requests.per_minute = 0)
            .start()
            .await;
        flood(&hosted, 2000).await;
        // The first refusal is written as it happens; the rest are counted in memory.
        let (rows, counted) = recorded(&hosted, "peer_request").await;
        assert_eq!((rows, counted), (1, 1), "{name}");
        let total = hosted.state.store.audit_entries(100_000).await.unwrap();
        assert!(total.len() <= 2, "{name}: {} rows", total.len());

        // When the window closes, one more row carries the count of the rest.
        hosted.advance(61);
        eventually("the window's count", Duration::from_secs(10), || async {
            recorded(&hosted, "peer_request").await == (2, 2000)
        })
        .await;
        let rows = hosted.state.store.audit_entries(2).await.unwrap();
        assert_eq!(rows[0].count, 1999, "{name}");
        assert_eq!(rows[0].detail.as_deref(), Some("malformed"), "{name}");
        assert_eq!(rows[0].ip.as_deref(), Some("127.0.0.1"), "{name}");
        assert_eq!(
            rows[0].peer_id, None,
            "{name}: a made-up peer is not written"
        );

        // A second flood opens a second window; a clean stop writes its count.
        flood(&hosted, 500).await;
        assert_eq!(recorded(&hosted, "peer_request").await, (3, 2001), "{name}");
        hosted.restart().await;
        assert_eq!(recorded(&hosted, "peer_request").await, (4, 2500), "{name}");
        assert!(problems(&hosted).await.is_empty(), "{name}");
    }
}

#[tokio::test]
async fn with_a_zero_window_every_refusal_is_a_row() {
    let hosted = Daemon::hosted()
        .config(|c| c.audit.coalesce_window = Duration::ZERO)
        .start()
        .await;
    flood(&hosted, 20).await;
    assert_eq!(recorded(&hosted, "peer_request").await, (20, 20));
}
