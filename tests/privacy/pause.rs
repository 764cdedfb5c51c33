//! Pause Sync on either end stops every sync and telemetry request between the two, counted
//! through a proxy; resume delivers what was written meanwhile, once. The local daemon's
//! scheduler ticks once an hour in tests, so after a resume only the resume itself (or the
//! hosted side's notice of it) can start the sync that delivers.

use std::sync::atomic::Ordering;
use std::time::Duration;

use backend_8825::sync::{SyncAccess, sync_peer_now};
use backend_8825::telemetry::TelemetryAccess;
use serde_json::{Value, json};

use crate::common::proxy::Proxy;
use crate::common::{self, Daemon, Db, eventually, hosted_with_account, pair_via};
use crate::conversations::Conversations;
use crate::events::{Telemetry, emit_many};

const WAIT: Duration = Duration::from_secs(30);
/// How long a test watches for traffic that must not come. The writes it makes wake the
/// scheduler and the telemetry sender at once, so anything they would send is sent well
/// within it.
const WATCH: Duration = Duration::from_millis(1500);

struct Pair {
    hosted: Daemon,
    token: String,
    local: Daemon,
    peer: String,
    proxy: Proxy,
}

impl Pair {
    /// A hosted daemon on `db`, and a local daemon with automatic sync that reaches it only
    /// through a proxy; synced once, the telemetry socket open.
    async fn start(db: &Db) -> Self {
        let (hosted, token) = hosted_with_account(db).await;
        let proxy = Proxy::start(hosted.addr).await;
        let local = Daemon::local().automatic_sync(true).start().await;
        let peer = pair_via(&local, &hosted, &token, &proxy.url()).await;
        local.create_conversation("before the pause").await;
        eventually("the first sync", WAIT, || async {
            hosted
                .titles()
                .await
                .contains(&"before the pause".to_string())
        })
        .await;
        eventually("the telemetry socket", WAIT, || async {
            local.connected(&peer)
        })
        .await;
        Self {
            hosted,
            token,
            local,
            peer,
            proxy,
        }
    }

    fn requests(&self) -> u64 {
        self.proxy.requests.load(Ordering::SeqCst)
    }

    fn batches(&self) -> u64 {
        self.hosted.state.telemetry().hub.stats().batches
    }

    /// Watches the link for a while after the writes made while paused: not one request,
    /// not one telemetry batch, and neither side has the other's write.
    async fn nothing_crossed(&self, (requests, batches): (u64, u64), db: &str) {
        tokio::time::sleep(WATCH).await;
        assert_eq!(self.requests(), requests, "no request crossed ({db})");
        assert_eq!(self.batches(), batches, "no batch crossed ({db})");
        let has = |titles: Vec<String>, title: &str| titles.iter().any(|t| t == title);
        assert!(!has(self.hosted.titles().await, "written while paused"));
        assert!(!has(self.local.titles().await, "hosted while paused"));
    }

    /// Writes on both sides and emits telemetry while paused; returns the event ids.
    async fn write_while_paused(&self) -> std::collections::BTreeSet<String> {
        let id = self.local.create_conversation("written while paused").await;
        self.local.post_message(&id, "user", "one").await;
        self.local.post_message(&id, "assistant", "two").await;
        self.hosted.create_conversation("hosted while paused").await;
        emit_many(&self.local, 5).await
    }

    /// Once resumed: both writes arrived, each once, and the events too.
    async fn delivered(&self, events: &std::collections::BTreeSet<String>) {
        eventually("the local writes on the hosted side", WAIT, || async {
            self.hosted
                .titles()
                .await
                .contains(&"written while paused".to_string())
        })
        .await;
        eventually("the hosted write on the local side", WAIT, || async {
            self.local
                .titles()
                .await
                .contains(&"hosted while paused".to_string())
        })
        .await;
        eventually("the events on the hosted side", WAIT, || async {
            self.hosted
                .stored_ids(&self.peer)
                .await
                .0
                .is_superset(events)
        })
        .await;
        for daemon in [&self.hosted, &self.local] {
            let titles = daemon.titles().await;
            let unique: std::collections::BTreeSet<&String> = titles.iter().collect();
            assert_eq!(unique.len(), titles.len(), "nothing twice: {titles:?}");
        }
        let conv = self.hosted_conversation().await;
        let messages = self.hosted.messages(&conv).await;
        let texts: Vec<&str> = messages.iter().map(|(c, _)| c.as_str()).collect();
        assert_eq!(texts, ["one", "two"]);
        let (ids, rows) = self.hosted.stored_ids(&self.peer).await;
        assert_eq!(ids.len(), rows, "no event stored twice");
    }

    async fn hosted_conversation(&self) -> String {
        let (_, page) = self.hosted.get("/api/conversations?limit=200").await;
        page["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["title"] == "written while paused")
            .and_then(|c| c["id"].as_str())
            .unwrap()
            .to_string()
    }
}

async fn set_paused(daemon: &Daemon, bearer: &str, paused: bool) {
    let change = json!({"sync_paused": paused});
    let (status, body) = daemon
        .call_as(bearer, "PUT", "/privacy-settings", Some(change))
        .await;
    assert_eq!(status, 200, "{body}");
}

async fn peer_state(daemon: &Daemon, bearer: &str) -> Value {
    let (status, peers) = daemon.call_as(bearer, "GET", "/peers", None).await;
    assert_eq!(status, 200, "{peers}");
    peers[0]["sync"]["state"].clone()
}

#[tokio::test]
async fn a_paused_local_daemon_sends_and_takes_nothing_and_sends_it_all_on_resume() {
    for db in common::databases().await {
        let p = Pair::start(&db).await;
        let bearer = p.local.bearer.clone();
        set_paused(&p.local, &bearer, true).await;
        // Closed on both ends: a batch the hosted side was still reading is counted by now.
        eventually("the socket to close", WAIT, || async {
            !p.local.connected(&p.peer)
                && !p.hosted.state.telemetry().hub.connected().contains(&p.peer)
        })
        .await;

        let (requests, batches) = (p.requests(), p.batches());
        let events = p.write_while_paused().await;
        // Local writes are still taken; a sync asked for is refused.
        let (status, body) = p
            .local
            .post(&format!("/peers/{}/sync", p.peer), json!({}))
            .await;
        assert_eq!((status, common::error_code(&body)), (409, "sync_paused"));
        p.nothing_crossed((requests, batches), db.name()).await;
        assert_eq!(peer_state(&p.local, &bearer).await, "paused");

        set_paused(&p.local, &bearer, false).await;
        p.delivered(&events).await;
        eventually("the state to clear", WAIT, || async {
            peer_state(&p.local, &bearer).await == "ok"
        })
        .await;
    }
}

#[tokio::test]
async fn an_account_paused_on_the_hosted_side_gets_no_traffic_and_resume_is_felt_at_once() {
    for db in common::databases().await {
        let p = Pair::start(&db).await;
        let bearer = p.local.bearer.clone();
        set_paused(&p.hosted, &p.token, true).await;
        // Told over the open socket: shown as paused, not as an error.
        eventually("the local daemon to show the pause", WAIT, || async {
            peer_state(&p.local, &bearer).await == "paused_remotely"
        })
        .await;
        assert_eq!(peer_state(&p.hosted, &p.token).await, "paused");
        // A sync that started before the notice came may still be finishing, and a batch
        // sent before it may still be on its way: neither starts after it.
        p.local.state.sync().wait_idle(&p.peer).await;
        eventually("the batches in flight to be acknowledged", WAIT, || async {
            let link = p.local.state.telemetry().client.link(&p.peer).unwrap();
            link.sent_batches == link.acked_batches
        })
        .await;

        let (requests, batches) = (p.requests(), p.batches());
        let events = p.write_while_paused().await;
        p.nothing_crossed((requests, batches), db.name()).await;
        assert!(
            p.local.connected(&p.peer),
            "the socket stays open for the resume"
        );

        // A sync made anyway is refused, and recorded as a pause, not a failure.
        let err = sync_peer_now(&p.local.state, &p.peer).await.unwrap_err();
        assert_eq!(err.code, "remote_paused", "{}", err.message);
        assert!(err.message.contains("paused"), "{}", err.message);
        assert_eq!(peer_state(&p.local, &bearer).await, "paused_remotely");

        set_paused(&p.hosted, &p.token, false).await;
        p.delivered(&events).await;
        eventually("the state to clear", WAIT, || async {
            peer_state(&p.local, &bearer).await == "ok"
        })
        .await;
    }
}

#[tokio::test]
async fn a_peer_that_connects_to_a_paused_account_is_told_at_once() {
    let db = Db::Sqlite;
    let (hosted, token) = hosted_with_account(&db).await;
    set_paused(&hosted, &token, true).await;
    let local = Daemon::local().automatic_sync(true).start().await;
    let peer = pair_via(&local, &hosted, &token, &hosted.base()).await;
    let bearer = local.bearer.clone();
    eventually("the local daemon to show the pause", WAIT, || async {
        peer_state(&local, &bearer).await == "paused_remotely"
    })
    .await;
    assert!(local.state.telemetry().client.paused_remotely(&peer));
}
