//! Each hosted peer syncs on its own. Before, the scheduler synced its peers one after
//! another, so a peer that took its time (a black-holed address answers nothing until the
//! client gives up, 15 s later) held every other peer's sync back.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use backend_8825::telemetry::{TelemetryAccess, TelemetryLimits};
use tokio::io::AsyncReadExt;
use tokio::net::TcpListener;

use crate::common::{Daemon, Db, eventually, hosted_with_account, pair};
use crate::conversations::Conversations;

#[tokio::test]
async fn a_dead_peer_never_delays_a_live_one() {
    let (live, live_token) = hosted_with_account(&Db::Sqlite).await;
    let (mut dead, dead_token) = hosted_with_account(&Db::Sqlite).await;
    let local = Daemon::local().automatic_sync(true).start().await;
    pair(&local, &live, &live_token).await;
    pair(&local, &dead, &dead_token).await;

    // The dead peer's address now takes connections and never answers.
    let address = dead.addr;
    dead.stop().await;
    let hole = TcpListener::bind(address).await.unwrap();
    let requests = Arc::new(Mutex::new(Vec::<String>::new()));
    let seen = requests.clone();
    let _hole = tokio::spawn(async move {
        let mut held = Vec::new();
        loop {
            let (mut socket, _) = hole.accept().await.unwrap();
            let mut head = [0u8; 64];
            let n = socket.read(&mut head).await.unwrap_or(0);
            seen.lock()
                .unwrap()
                .push(String::from_utf8_lossy(&head[..n]).to_string());
            held.push(socket);
        }
    });
    let syncing_dead = || async {
        let requests = requests.lock().unwrap();
        requests.iter().any(|r| r.starts_with("POST /sync/"))
    };
    // A write wakes the scheduler (its tick is an hour in tests): both peers sync.
    local.create_conversation("first").await;
    eventually(
        "a sync hanging on the dead peer",
        Duration::from_secs(10),
        syncing_dead,
    )
    .await;

    // A write now reaches the live peer while that sync hangs.
    local.create_conversation("meanwhile").await;
    eventually(
        "the live peer to get the write",
        Duration::from_secs(10),
        || async { live.titles().await.contains(&"meanwhile".to_string()) },
    )
    .await;
}

/// A peer that comes back is synced as soon as it is reachable, not when its backoff ends.
/// Before, a local daemon whose backoff had grown while the hosted daemon was down waited
/// out the backoff (and then its next tick), although its telemetry socket had reconnected.
#[tokio::test]
async fn a_peer_that_comes_back_syncs_when_its_socket_reconnects() {
    let (mut hosted, token) = hosted_with_account(&Db::Sqlite).await;
    let local = Daemon::local()
        .automatic_sync(true)
        .prepare(|state| {
            let telemetry = state.telemetry();
            telemetry.set_limits(TelemetryLimits {
                reconnect_max: Duration::from_millis(300),
                ..telemetry.limits()
            });
        })
        .start()
        .await;
    pair(&local, &hosted, &token).await;
    hosted.stop().await;
    // Writes while it is down: each wakes the scheduler, each sync fails, the backoff grows.
    for title in ["one", "two", "three"] {
        local.create_conversation(title).await;
    }
    let failing = || async {
        let (_, peers) = local.get("/peers").await;
        peers[0]["sync"]["state"] == "unreachable"
    };
    eventually("the sync to fail", Duration::from_secs(10), failing).await;
    hosted.restart().await;
    eventually(
        "the writes to reach it",
        Duration::from_secs(10),
        || async { hosted.titles().await.len() == 3 },
    )
    .await;
}
