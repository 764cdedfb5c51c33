//! Three hosted instances on one Postgres database with the local daemons of one account
//! spread over them: writes made anywhere reach everyone, once; a signed request is good
//! once on the whole service, not once per instance; the alert evaluation runs on one
//! instance at a time; and an instance that stops in the middle of a sync loses nothing,
//! its local daemon going on through another. On SQLite there is one instance: the
//! sharing is Postgres's only.

use std::time::Duration;

use backend_8825::observability::alerts::PEER_REVOKED_RULE;
use backend_8825::peers::{PeerCall, load_pair_key, signed_request};
use serde_json::json;

use crate::common::proxy::Proxy;
use backend_8825::config::{Config, RateLimit};

use crate::common::{self, Daemon, Db, eventually, instances_with, pair, titles};

const WAIT: Duration = Duration::from_secs(60);

/// The tests read the instances' account API every 20 ms while they wait, faster than its
/// per-address limit allows.
fn unlimited(c: &mut Config) {
    c.rate_limits.account_api = RateLimit::OFF;
}

/// A local daemon that syncs after its writes and every 250 ms, so it converges whether or
/// not a poke reaches it.
async fn local() -> Daemon {
    Daemon::local()
        .config(|c| c.sync.interval = Duration::from_millis(250))
        .start()
        .await
}

/// Creates a conversation titled `title` through `daemon`'s API.
async fn write(daemon: &Daemon, title: &str) {
    let (status, body) = daemon
        .post("/api/conversations", json!({"title": title}))
        .await;
    assert_eq!(status, 201, "{body}");
}

/// Waits until every daemon lists exactly `expected` (sorted), each title once.
async fn converged(daemons: &[&Daemon], expected: &[&str]) {
    let mut expected: Vec<String> = expected.iter().map(|t| t.to_string()).collect();
    expected.sort();
    for (i, daemon) in daemons.iter().enumerate() {
        eventually(&format!("daemon {i} to hold every write"), WAIT, || async {
            titles(daemon).await == expected
        })
        .await;
    }
}

#[tokio::test]
async fn writes_through_every_instance_and_every_local_daemon_converge() {
    for db in common::databases().await {
        let Db::Postgres(_) = db else { continue };
        let (hosted, token) = instances_with(&db, 3, unlimited).await;
        let locals = [local().await, local().await, local().await];
        for (local, instance) in locals.iter().zip(&hosted) {
            pair(local, instance, &token).await;
        }
        let mut expected = Vec::new();
        for (i, (local, instance)) in locals.iter().zip(&hosted).enumerate() {
            let (mine, its) = (format!("from local {i}"), format!("on instance {i}"));
            write(local, &mine).await;
            write(instance, &its).await;
            expected.extend([mine, its]);
        }
        let expected: Vec<&str> = expected.iter().map(String::as_str).collect();
        let everyone: Vec<&Daemon> = locals.iter().chain(&hosted).collect();
        converged(&everyone, &expected).await;
    }
}

#[tokio::test]
async fn a_signed_request_replayed_to_another_instance_is_refused() {
    for db in common::databases().await {
        let Db::Postgres(_) = db else { continue };
        let (hosted, token) = instances_with(&db, 2, unlimited).await;
        // The local daemon knows the service by one URL, a balancer in front of instance 0.
        let balancer = Proxy::start(hosted[0].addr).await;
        let local = Daemon::local().automatic_sync(false).start().await;
        let peer = common::pair_via(&local, &hosted[0], &token, &balancer.url()).await;
        let store = &local.state.store;
        let kid = store.peer(&peer).await.unwrap().unwrap().kid;
        let row = store.peer_key(&peer, &kid).await.unwrap().unwrap();
        let key = load_pair_key(&local.state, &row).unwrap();
        let path = format!("/peers/{peer}/binding");
        let signed = || {
            let call = PeerCall {
                method: reqwest::Method::GET,
                base_url: &balancer.url(),
                path_and_query: &path,
                body: Vec::new(),
                created: hosted[0].now(),
            };
            signed_request(&local.http, call, &row, &key).unwrap()
        };
        let request = signed().build().unwrap();
        let replay = request.try_clone().unwrap();
        let (status, body) = common::read(local.http.execute(request).await.unwrap()).await;
        assert_eq!(status, 200, "instance 0 takes it: {body}");

        // The balancer now sends to instance 1: the same request again is a replay there.
        balancer.move_to(hosted[1].addr);
        // (A new client: the balancer cut the connection the first one would reuse.)
        let client = common::http_client();
        let (status, body) = common::read(client.execute(replay).await.unwrap()).await;
        assert_eq!(
            (status, common::error_code(&body)),
            (401, "replay"),
            "{body}"
        );
        // A request signed anew passes on instance 1: only the nonce was refused.
        let (status, body) =
            common::read(client.execute(signed().build().unwrap()).await.unwrap()).await;
        assert_eq!(status, 200, "{body}");
    }
}

/// The number of audit entries `event` about `subject` under the rule `peer_revoked`.
async fn alert_entries(daemon: &Daemon, event: &str, subject: &str) -> usize {
    let detail = format!("rule={PEER_REVOKED_RULE} subject={subject}");
    let entries = daemon.state.store.audit_entries(1000).await.unwrap();
    let about = |e: &&backend_8825::store::AuditRow| e.detail.as_deref() == Some(&detail);
    entries
        .iter()
        .filter(|e| e.event == event)
        .filter(about)
        .count()
}

/// Every instance ticks its evaluator every 100 ms, and each keeps its own book of what
/// fires: were more than one evaluating, a revoked pairing would be announced (and
/// audited) once per instance. It is announced once, and resolved once.
#[tokio::test]
async fn the_alert_evaluation_runs_on_one_instance_at_a_time() {
    for db in common::databases().await {
        let Db::Postgres(_) = db else { continue };
        let every = |c: &mut Config| {
            unlimited(c);
            c.alerts.evaluate_interval = Duration::from_millis(100);
        };
        let (hosted, token) = instances_with(&db, 3, every).await;
        let mut peers = Vec::new();
        let mut locals = Vec::new();
        // One pairing revoked through each instance, one after the other: while the later
        // ones are made, every instance ticks many times with the first ones firing.
        for instance in &hosted {
            let local = Daemon::local().automatic_sync(false).start().await;
            let peer = pair(&local, instance, &token).await;
            let (status, body) = instance
                .call("DELETE", &format!("/peers/{peer}"), None)
                .await;
            assert_eq!(status, 200, "{body}");
            eventually("the alert to fire", WAIT, || async {
                alert_entries(instance, "alert_fired", &peer).await >= 1
            })
            .await;
            peers.push(peer);
            locals.push(local);
        }
        for peer in &peers {
            assert_eq!(alert_entries(&hosted[0], "alert_fired", peer).await, 1);
        }
        // A week on, the revocations are old news: each alert resolves, once.
        for instance in &hosted {
            instance.advance(7 * 24 * 3600 + 1);
        }
        for peer in &peers {
            eventually("the alert to resolve", WAIT, || async {
                alert_entries(&hosted[0], "alert_resolved", peer).await >= 1
            })
            .await;
        }
        for peer in &peers {
            assert_eq!(alert_entries(&hosted[0], "alert_fired", peer).await, 1);
            assert_eq!(alert_entries(&hosted[0], "alert_resolved", peer).await, 1);
        }
    }
}

/// The local daemon reaches the service through a balancer. Its sync is applied by
/// instance 0, which stops before the answer gets back; the balancer moves to instance 1,
/// and the local daemon sends again what was not acknowledged, and what it wrote meanwhile.
#[tokio::test]
async fn an_instance_stopped_mid_sync_loses_nothing() {
    for db in common::databases().await {
        let Db::Postgres(_) = db else { continue };
        let (mut hosted, token) = instances_with(&db, 3, unlimited).await;
        let balancer = Proxy::start(hosted[0].addr).await;
        let a = local().await;
        common::pair_via(&a, &hosted[0], &token, &balancer.url()).await;
        let b = local().await;
        pair(&b, &hosted[2], &token).await;

        balancer.hold_downstream(true);
        write(&a, "in the sync cut short").await;
        eventually("instance 0 to apply it", WAIT, || async {
            titles(&hosted[0]).await == ["in the sync cut short"]
        })
        .await;
        hosted[0].stop().await;
        write(&a, "while instance 0 is gone").await;
        write(&hosted[1], "on instance 1 meanwhile").await;
        balancer.move_to(hosted[1].addr);
        balancer.hold_downstream(false);

        let expected = [
            "in the sync cut short",
            "while instance 0 is gone",
            "on instance 1 meanwhile",
        ];
        converged(&[&a, &b, &hosted[1], &hosted[2]], &expected).await;
        // Sent twice, the first write was taken once: one feed position per version.
        let store = &hosted[1].state.store;
        let account = store.account_by_name("alice").await.unwrap().unwrap().id;
        assert_eq!(store.feed_head(&account).await.unwrap(), 3);
    }
}
