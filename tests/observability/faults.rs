//! Three injected faults and the alerts they raise: the hosted backend down, this machine's
//! clock off, the pairing revoked (and, for the first, the alert its failed syncs raise). Each alert fires within a minute (the rules run every
//! second here; every 15 s by default), names the cause in its message, and resolves once
//! the fault is fixed. The times from fault to alert are printed (docs/operations.md quotes
//! them).

use std::time::{Duration, Instant};

use backend_8825::sync::sync_peer_now;
use backend_8825::telemetry::TelemetryAccess;

use crate::common::{self, Daemon, Db, eventually};
use crate::{alert, write_conversation};

const MINUTE: Duration = Duration::from_secs(60);

async fn local_daemon() -> Daemon {
    Daemon::local()
        .automatic_sync(false)
        .config(|c| {
            c.alerts.evaluate_interval = Duration::from_secs(1);
            // The test clock stands still: fire at the first evaluation that finds the
            // peer offline.
            c.alerts.offline_secs = 0;
        })
        .start()
        .await
}

async fn hosted_daemon(db: &Db) -> (Daemon, String) {
    let mut hosted = Daemon::hosted()
        .on(db)
        .config(|c| c.alerts.evaluate_interval = Duration::from_secs(1))
        .start()
        .await;
    let token = common::account(&hosted, "alice").await;
    hosted.bearer = token.clone();
    (hosted, token)
}

/// A hosted daemon (with its account's token) and a local one paired with it, synced once:
/// the local daemon's peer id.
async fn paired(db: &Db) -> (Daemon, String, Daemon, String) {
    let (hosted, token) = hosted_daemon(db).await;
    let local = local_daemon().await;
    let peer = common::pair(&local, &hosted, &token).await;
    sync_peer_now(&local.state, &peer).await.unwrap();
    (hosted, token, local, peer)
}

async fn firing(daemon: &Daemon, bearer: &str, rule: &str, subject: &str) -> bool {
    alert(daemon, bearer, rule, subject)
        .await
        .is_some_and(|a| a["state"] == "firing")
}

async fn resolved(daemon: &Daemon, bearer: &str, rule: &str, subject: &str) -> bool {
    alert(daemon, bearer, rule, subject)
        .await
        .is_some_and(|a| a["state"] == "resolved")
}

/// Nothing but the daemon's own calls notices: the telemetry socket's reconnect gets no
/// answer, the network monitor marks the peer offline, and the rule fires after
/// `alerts.offline_secs`; the probe's first answer after the restart resolves it.
#[tokio::test]
async fn the_hosted_backend_down_raises_peer_offline_then_resolves() {
    for db in common::databases().await {
        let name = db.name();
        let (mut hosted, _, local, peer) = paired(&db).await;
        let secret = local.bearer.clone();
        eventually("the socket", MINUTE, || async {
            let telemetry = local.state.telemetry();
            telemetry.client.link(&peer).is_some_and(|l| l.connected)
        })
        .await;

        hosted.stop().await;
        let fault = Instant::now();
        let rule = "peer_offline";
        eventually("the alert", MINUTE, || firing(&local, &secret, rule, &peer)).await;
        println!("{name}: hosted down -> {rule} in {:?}", fault.elapsed());
        let raised = alert(&local, &secret, rule, &peer).await.unwrap();
        let message = raised["message"].as_str().unwrap();
        let url = format!("http://{}", hosted.addr);
        assert!(
            message.contains(&url) && message.contains("cannot be reached"),
            "{name}: the alert names the backend and the cause: {message}"
        );
        assert_eq!(raised["severity"], "critical", "{name}");
        let (_, page) = local.get(&format!("/debug/sync/{peer}")).await;
        assert_eq!(page["network_state"], "offline", "{name}: {page}");
        assert_eq!(page["alerts"][0]["rule"], rule, "{name}: {page}");
        let (_, metrics) = local.get(&format!("/sync/metrics/{peer}")).await;
        assert_eq!(metrics["network_state"], "offline", "{name}: {metrics}");

        hosted.restart().await;
        eventually("the alert to resolve", MINUTE, || {
            resolved(&local, &secret, rule, &peer)
        })
        .await;
        let (_, page) = local.get(&format!("/debug/sync/{peer}")).await;
        assert_eq!(page["network_state"], "online", "{name}: {page}");
    }
}

#[tokio::test]
async fn failed_syncs_against_a_stopped_backend_raise_consecutive_failures_then_resolve() {
    for db in common::databases().await {
        let name = db.name();
        let (mut hosted, _, local, peer) = paired(&db).await;
        let secret = local.bearer.clone();

        hosted.stop().await;
        let fault = Instant::now();
        for _ in 0..3 {
            let err = sync_peer_now(&local.state, &peer).await.unwrap_err();
            assert_eq!(err.code, "peer_unreachable", "{name}");
        }
        let rule = "sync_consecutive_failures";
        eventually("the alert", MINUTE, || firing(&local, &secret, rule, &peer)).await;
        println!("{name}: hosted down -> {rule} in {:?}", fault.elapsed());
        let raised = alert(&local, &secret, rule, &peer).await.unwrap();
        let message = raised["message"].as_str().unwrap();
        assert!(
            message.contains("peer_unreachable") && message.contains("cannot be reached"),
            "{name}: the alert names the cause: {message}"
        );
        assert_eq!(raised["severity"], "critical", "{name}");
        let (_, page) = local.get(&format!("/debug/sync/{peer}")).await;
        assert_eq!(
            page["exchanges"][0]["error_code"], "peer_unreachable",
            "{name}"
        );
        assert_eq!(page["sync_state"], "unreachable", "{name}: {page}");
        assert_eq!(page["network_state"], "offline", "{name}: {page}");
        let alerts = page["alerts"].as_array().unwrap();
        assert!(alerts.iter().any(|a| a["rule"] == rule), "{name}: {page}");

        hosted.restart().await;
        sync_peer_now(&local.state, &peer).await.unwrap();
        eventually("the alert to resolve", MINUTE, || {
            resolved(&local, &secret, rule, &peer)
        })
        .await;
    }
}

#[tokio::test]
async fn a_skewed_clock_raises_clock_skew_then_resolves() {
    for db in common::databases().await {
        let name = db.name();
        let (_hosted, _, local, peer) = paired(&db).await;
        let secret = local.bearer.clone();

        // This machine's clock runs ten minutes ahead: the sync still goes through (signed
        // with the peer's time, learned from its answer), and the alert says why.
        local.advance(600);
        let fault = Instant::now();
        sync_peer_now(&local.state, &peer).await.unwrap();
        let rule = "clock_skew";
        eventually("the alert", MINUTE, || {
            firing(&local, &secret, rule, "daemon")
        })
        .await;
        println!("{name}: clock skew -> {rule} in {:?}", fault.elapsed());
        let raised = alert(&local, &secret, rule, "daemon").await.unwrap();
        let message = raised["message"].as_str().unwrap();
        assert!(
            message.contains("600 s ahead of the hosted backend"),
            "{name}: {message}"
        );
        let (_, page) = local.get(&format!("/debug/sync/{peer}")).await;
        assert_eq!(page["clock_skew_secs"], 600, "{name}: {page}");

        local.advance(-600);
        sync_peer_now(&local.state, &peer).await.unwrap();
        eventually("the alert to resolve", MINUTE, || {
            resolved(&local, &secret, rule, "daemon")
        })
        .await;
    }
}

#[tokio::test]
async fn a_revoked_pairing_raises_peer_revoked_on_both_ends_until_paired_again() {
    for db in common::databases().await {
        let name = db.name();
        let (hosted, token) = hosted_daemon(&db).await;
        let local = local_daemon().await;
        let secret = local.bearer.clone();
        let peer = common::pair(&local, &hosted, &token).await;
        write_conversation(&local, "before").await;
        sync_peer_now(&local.state, &peer).await.unwrap();

        let (status, body) = hosted
            .call_as(&token, "DELETE", &format!("/peers/{peer}"), None)
            .await;
        assert_eq!(status, 200, "{name}: {body}");
        let fault = Instant::now();
        // The local end learns it from the telemetry socket the hosted end closed, or from
        // this sync's refusal; once it has, a sync is refused as revoked.
        let _ = sync_peer_now(&local.state, &peer).await;
        eventually("the local end to mark it revoked", MINUTE, || async {
            let stored = local.state.store.peer(&peer).await.unwrap().unwrap();
            stored.status == "revoked"
        })
        .await;
        let refused = sync_peer_now(&local.state, &peer).await.unwrap_err();
        assert!(
            refused.message.contains("revoked"),
            "{name}: {}",
            refused.message
        );
        let rule = "peer_revoked";
        eventually("the alert", MINUTE, || firing(&local, &secret, rule, &peer)).await;
        println!("{name}: revoked -> {rule} in {:?}", fault.elapsed());
        eventually("the hosted alert", MINUTE, || {
            firing(&hosted, &token, rule, &peer)
        })
        .await;
        let raised = alert(&local, &secret, rule, &peer).await.unwrap();
        let message = raised["message"].as_str().unwrap();
        assert!(message.contains("revoked"), "{name}: {message}");
        let (_, page) = local.get(&format!("/debug/sync/{peer}")).await;
        assert_eq!(page["status"], "revoked", "{name}: {page}");
        assert_eq!(page["exchanges"][0]["status"], "error", "{name}: {page}");
        let shown = page["exchanges"][0]["error_message"].as_str().unwrap();
        assert!(shown.contains("revoked"), "{name}: {shown}");

        // The fix: pair again.
        let again = common::pair(&local, &hosted, &token).await;
        sync_peer_now(&local.state, &again).await.unwrap();
        eventually("the alert to resolve", MINUTE, || {
            resolved(&local, &secret, rule, &peer)
        })
        .await;
        eventually("the hosted alert to resolve", MINUTE, || {
            resolved(&hosted, &token, rule, &peer)
        })
        .await;
    }
}
