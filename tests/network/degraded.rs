//! A hosted peer that refuses some calls (its per-peer rate limit: `429` with
//! `Retry-After`) is `degraded`, not offline; a run of good answers makes it `online` again.

use backend_8825::config::RateLimit;
use backend_8825::network::{NetworkAccess, NetworkLimits};
use backend_8825::sync::sync_peer_now;

use crate::common::{self, Daemon, pair};

#[tokio::test]
async fn a_peer_that_refuses_some_calls_is_degraded_then_online_again() {
    for db in common::databases().await {
        // Two syncs back to back, then one a minute: the hosted clock does not move unless
        // the test moves it.
        let mut hosted = Daemon::hosted()
            .on(&db)
            .config(|c| {
                c.rate_limits.sync_per_peer = RateLimit {
                    per_minute: 1,
                    burst: 2,
                }
            })
            .start()
            .await;
        let token = common::account(&hosted, "alice").await;
        hosted.bearer = token.clone();
        let local = Daemon::local().automatic_sync(false).start().await;
        let window = local.state.network().limits().window;
        assert_eq!(window, NetworkLimits::default().window);
        let peer = pair(&local, &hosted, &token).await;
        for _ in 0..2 {
            sync_peer_now(&local.state, &peer).await.unwrap();
        }
        let (_, peers) = local.get("/peers").await;
        assert_eq!(peers[0]["network"]["state"], "online", "{peers}");
        let refused = sync_peer_now(&local.state, &peer).await.unwrap_err();
        assert_eq!(refused.upstream_status, Some(429), "{}", refused.message);
        assert!(refused.retry_after.is_some());
        let (_, peers) = local.get("/peers").await;
        let network = &peers[0]["network"];
        assert_eq!(network["state"], "degraded", "{}: {peers}", db.name());
        assert!(network["since"].is_string(), "{peers}");
        assert!(
            !local.state.network().is_offline(&peer),
            "an answer is not offline"
        );
        // Good answers, a whole window of them, and it is online again.
        for _ in 0..window {
            hosted.advance(60);
            sync_peer_now(&local.state, &peer).await.unwrap();
        }
        let (_, peers) = local.get("/peers").await;
        assert_eq!(peers[0]["network"]["state"], "online", "{peers}");
        hosted.stop().await;
    }
}
