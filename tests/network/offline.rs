//! A hosted peer stopped and started again: offline after the first failed call, only
//! probes meanwhile, the writes delivered as soon as a probe finds it back.

use std::time::Duration;

use backend_8825::network::{NetworkAccess, NetworkLimits};
use serde_json::Value;

use crate::common::proxy::Proxy;
use crate::common::{self, Daemon, eventually, hosted_with_account, pair_via};
use crate::conversations::Conversations;
use crate::events::Telemetry;

const WAIT: Duration = Duration::from_secs(30);
/// How long the test watches for traffic that must not come: the writes it makes wake the
/// scheduler at once, so a sync they would start starts well within it.
const WATCH: Duration = Duration::from_millis(1500);

/// The `network` object of the only peer in the local `GET /peers`.
async fn network(local: &Daemon) -> Value {
    let (status, peers) = local.get("/peers").await;
    assert_eq!(status, 200, "{peers}");
    peers[0]["network"].clone()
}

/// A time as `GET /peers` writes it.
fn rfc3339(secs: i64) -> String {
    chrono::DateTime::from_timestamp(secs, 0)
        .unwrap()
        .to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

#[tokio::test]
async fn a_stopped_hosted_peer_is_offline_probed_only_and_synced_at_once_when_back() {
    for db in common::databases().await {
        let (mut hosted, token) = hosted_with_account(&db).await;
        let proxy = Proxy::start(hosted.addr).await;
        // Automatic sync, its regular tick an hour away: only writes, pokes and the peer's
        // return start a sync.
        let local = Daemon::local()
            .automatic_sync(true)
            .prepare(|state| {
                state.network().set_limits(NetworkLimits {
                    probe_first: Duration::from_millis(100),
                    probe_max: Duration::from_millis(400),
                    ..NetworkLimits::default()
                })
            })
            .start()
            .await;
        let peer = pair_via(&local, &hosted, &token, &proxy.url()).await;
        local.create_conversation("before").await;
        eventually("the first sync", WAIT, || async {
            hosted.titles().await.contains(&"before".to_string())
        })
        .await;
        eventually("the telemetry socket", WAIT, || async {
            local.connected(&peer)
        })
        .await;
        let before = network(&local).await;
        assert_eq!(before["state"], "online", "{before}");
        assert_eq!(before["pending_versions"], 0, "{before}");
        assert!(before["oldest_pending_at"].is_null(), "{before}");

        hosted.stop().await;
        local.create_conversation("offline 0").await;
        eventually("the peer offline", WAIT, || async {
            network(&local).await["state"] == "offline"
        })
        .await;
        // Whatever was in flight when it went has been counted once a probe is seen.
        eventually("a probe", WAIT, || async {
            proxy
                .lines_since(0)
                .iter()
                .any(|l| l == "GET /health HTTP/1.1")
        })
        .await;
        let mark = proxy.line_count();
        for i in 1..4 {
            local.create_conversation(&format!("offline {i}")).await;
        }
        eventually("more probes", WAIT, || async {
            proxy.lines_since(mark).len() >= 2
        })
        .await;
        let watched = tokio::time::Instant::now() + WATCH;
        eventually("the watch", WATCH * 2, || async {
            tokio::time::Instant::now() >= watched
        })
        .await;
        let seen = proxy.lines_since(mark);
        assert!(
            seen.iter().all(|l| l == "GET /health HTTP/1.1"),
            "{}: only probes while offline: {seen:?}",
            db.name()
        );
        let down = network(&local).await;
        assert_eq!(down["state"], "offline", "{down}");
        assert_eq!(down["since"], rfc3339(local.now()), "{down}");
        assert_eq!(down["pending_versions"], 4, "{}: {down}", db.name());
        assert_eq!(
            down["pending_bytes"],
            "offline 0".len() * 4,
            "{}: the titles' characters: {down}",
            db.name()
        );
        assert_eq!(down["oldest_pending_at"], rfc3339(local.now()), "{down}");
        let outbox = local
            .state
            .store
            .telemetry()
            .outbox_pending_by_peer()
            .await
            .unwrap();
        let waiting = outbox
            .iter()
            .find(|(p, _)| *p == peer)
            .map_or(0, |(_, n)| *n);
        assert_eq!(down["telemetry_outbox"], waiting, "{down}");
        let (_, peers) = local.get("/peers").await;
        assert_eq!(peers[0]["sync"]["pending_outbound"], 4, "kept: {peers}");

        hosted.restart().await;
        eventually("the peer online again", WAIT, || async {
            network(&local).await["state"] == "online"
        })
        .await;
        eventually(
            "the writes made meanwhile on the hosted side",
            WAIT,
            || async {
                let titles = hosted.titles().await;
                (0..4).all(|i| titles.contains(&format!("offline {i}")))
            },
        )
        .await;
        eventually("nothing waiting", WAIT, || async {
            network(&local).await["pending_versions"] == 0
        })
        .await;
        eventually("the telemetry socket again", WAIT, || async {
            local.connected(&peer)
        })
        .await;
    }
}
