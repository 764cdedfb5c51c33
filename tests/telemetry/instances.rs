//! Several hosted instances on one Postgres database: a change accepted by one reaches, at
//! once, a peer whose telemetry socket is on another (the poke crosses through Postgres), and
//! so does a pause of the account. The local daemons' scheduler ticks once an hour in tests,
//! so only the relayed poke can start the sync each check waits for.

use std::time::Duration;

use backend_8825::telemetry::TelemetryAccess;
use serde_json::json;

use crate::common::{self, Daemon, Db, eventually, instances, pair, titles};
use crate::events::Telemetry;

const WAIT: Duration = Duration::from_secs(30);

/// Two instances on one database, a local daemon on each (same account), both sockets open.
async fn spread(db: &Db) -> (Daemon, Daemon, Daemon, Daemon, String) {
    let (hosted, token) = instances(db, 2).await;
    let [one, two]: [Daemon; 2] = hosted.try_into().ok().unwrap();
    let a = Daemon::local().automatic_sync(true).start().await;
    let b = Daemon::local().automatic_sync(true).start().await;
    let peer_a = pair(&a, &one, &token).await;
    let peer_b = pair(&b, &two, &token).await;
    eventually("both sockets", WAIT, || async {
        a.connected(&peer_a) && b.connected(&peer_b)
    })
    .await;
    (one, two, a, b, token)
}

#[tokio::test]
async fn a_write_through_one_instance_reaches_a_peer_on_another_at_once() {
    for db in common::databases().await {
        let Db::Postgres(_) = db else { continue };
        let (one, two, a, b, _) = spread(&db).await;
        // A's write goes to instance one; B, on instance two, is poked through Postgres.
        let (status, _) = a
            .post("/api/conversations", json!({"title": "from a"}))
            .await;
        assert_eq!(status, 201);
        eventually("B to get A's write", WAIT, || async {
            titles(&b).await.contains(&"from a".to_string())
        })
        .await;
        // And the other way, a write made on instance two's API.
        let (status, _) = two
            .post("/api/conversations", json!({"title": "on two"}))
            .await;
        assert_eq!(status, 201);
        eventually("A to get the write made on instance two", WAIT, || async {
            titles(&a).await.contains(&"on two".to_string())
        })
        .await;
        assert_eq!(titles(&one).await.len(), 2);
    }
}

#[tokio::test]
async fn a_pause_made_on_one_instance_reaches_the_peers_on_another() {
    for db in common::databases().await {
        let Db::Postgres(_) = db else { continue };
        let (one, _two, _a, b, token) = spread(&db).await;
        let change = json!({"sync_paused": true});
        let (status, _) = one
            .call_as(&token, "PUT", "/privacy-settings", Some(change))
            .await;
        assert_eq!(status, 200);
        let peer_b = b.state.store.peers(None).await.unwrap()[0].peer_id.clone();
        eventually("B, on instance two, to be told", WAIT, || async {
            b.state.telemetry().client.paused_remotely(&peer_b)
        })
        .await;
        let change = json!({"sync_paused": false});
        one.call_as(&token, "PUT", "/privacy-settings", Some(change))
            .await;
        eventually("B to be told of the resume", WAIT, || async {
            !b.state.telemetry().client.paused_remotely(&peer_b)
        })
        .await;
    }
}

#[tokio::test]
async fn a_listener_that_loses_its_connection_comes_back_and_misses_nothing() {
    for db in common::databases().await {
        let Db::Postgres(_) = db else { continue };
        let (_one, _two, a, b, _) = spread(&db).await;
        // Cut every listening connection of this database (both instances'), as a
        // database restart or a network cut would.
        let url = db.url(std::path::Path::new(""));
        let mut admin = <sqlx::PgConnection as sqlx::Connection>::connect(&url)
            .await
            .unwrap();
        let terminated: Vec<(bool,)> = sqlx::query_as(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity \
             WHERE datname = current_database() AND query LIKE 'LISTEN %backend_8825_relay%'",
        )
        .fetch_all(&mut admin)
        .await
        .unwrap();
        assert!(
            terminated.len() >= 2,
            "both instances listen: {terminated:?}"
        );
        let (status, _) = a
            .post(
                "/api/conversations",
                json!({"title": "while the listener was down"}),
            )
            .await;
        assert_eq!(status, 201);
        eventually("B to get the write all the same", WAIT, || async {
            titles(&b)
                .await
                .contains(&"while the listener was down".to_string())
        })
        .await;
    }
}

/// A revocation made through one instance closes the peer's socket held by another: the
/// other instance's sweep of its sockets (every 5 s, one query for all of them) finds the
/// peer no longer active.
#[tokio::test]
async fn a_revocation_on_one_instance_closes_the_socket_on_another() {
    for db in common::databases().await {
        let Db::Postgres(_) = db else { continue };
        let (one, two, _a, _b, token) = spread(&db).await;
        let on_two = two.state.telemetry().hub.connected();
        assert_eq!(on_two.len(), 1, "B's socket is on instance two");
        let (status, body) = one
            .call_as(&token, "DELETE", &format!("/peers/{}", on_two[0]), None)
            .await;
        assert_eq!(status, 200, "{body}");
        eventually("instance two to close B's socket", WAIT, || async {
            two.state.telemetry().hub.connected().is_empty()
        })
        .await;
        assert_eq!(one.state.telemetry().hub.connected().len(), 1, "A's stays");
    }
}
