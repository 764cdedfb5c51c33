//! The socket's front door and its limits, with a bare WebSocket client holding a real
//! peer's credentials: what is refused before 101, and what closes an open socket.

use std::time::Duration;

use backend_8825::telemetry::client::{PokeNotice, UpgradeRequest, upgrade_request};
use backend_8825::telemetry::frames::Poke;
use backend_8825::telemetry::{Level, TelemetryEvent, TelemetryLimits};
use futures_util::{SinkExt, StreamExt};
use serde_json::{Value, json};
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::{self, Message};
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};

use crate::common::{self, Daemon, Db, eventually, hosted_with_account, pair};
use crate::events::{Telemetry, emit_many, quiet_local};
use backend_8825::telemetry::TelemetryAccess;

type Ws = WebSocketStream<MaybeTlsStream<TcpStream>>;
const WAIT: Duration = Duration::from_secs(20);

/// A hosted daemon and a paired local one whose own client stays off, so the test drives
/// the socket itself.
async fn bare(db: &Db) -> (Daemon, String, Daemon, String) {
    let (hosted, token) = hosted_with_account(db).await;
    let local = quiet_local()
        .prepare(|s| s.telemetry().client.set_enabled(false))
        .start()
        .await;
    let peer_id = pair(&local, &hosted, &token).await;
    (hosted, token, local, peer_id)
}

async fn request(local: &Daemon, peer_id: &str) -> UpgradeRequest {
    upgrade_request(&local.state, peer_id).await.unwrap()
}

/// Connects; on refusal, the status and error code of the answer.
async fn open(request: UpgradeRequest) -> Result<Ws, (u16, String)> {
    match tokio_tungstenite::connect_async(request).await {
        Ok((ws, response)) => {
            assert_eq!(response.status(), 101);
            Ok(ws)
        }
        Err(tungstenite::Error::Http(response)) => {
            let body: Value = serde_json::from_slice(response.body().as_deref().unwrap()).unwrap();
            let code = body["error"]["code"].as_str().unwrap().to_string();
            Err((response.status().as_u16(), code))
        }
        Err(other) => panic!("unexpected error: {other}"),
    }
}

/// Reads until the server closes; its close code and reason.
async fn closed(ws: &mut Ws) -> (u16, String) {
    let read = async {
        while let Some(message) = ws.next().await {
            if let Message::Close(frame) = message.expect("a clean close") {
                let frame = frame.expect("a close code");
                return (u16::from(frame.code), frame.reason.to_string());
            }
        }
        panic!("the socket ended without a close frame");
    };
    tokio::time::timeout(WAIT, read)
        .await
        .expect("a close in time")
}

/// The next text frame, as JSON.
async fn next_json(ws: &mut Ws) -> Value {
    let read = async {
        loop {
            match ws.next().await.expect("a frame").expect("no error") {
                Message::Text(text) => return serde_json::from_str(text.as_str()).unwrap(),
                Message::Close(frame) => panic!("closed: {frame:?}"),
                _ => {}
            }
        }
    };
    tokio::time::timeout(WAIT, read)
        .await
        .expect("a frame in time")
}

fn event_json(local: &Daemon, name: &str) -> Value {
    let mut event = TelemetryEvent::new(name, Level::Info, local.clock_now());
    event.source_backend = local.state.identity.backend_id.to_string();
    serde_json::to_value(event).unwrap()
}

#[tokio::test]
async fn upgrades_are_refused_before_101_unless_signed_fresh_and_not_from_a_browser() {
    for db in common::databases().await {
        let (hosted, _, local, peer_id) = bare(&db).await;
        let name = db.name();

        // Signed: accepted. The same request again: a replay.
        let signed = request(&local, &peer_id).await;
        let replay = signed.clone();
        let ws = open(signed).await.expect("a signed upgrade is accepted");
        drop(ws);
        assert_eq!(
            open(replay).await.err(),
            Some((401, "replay".into())),
            "{name}"
        );

        // Unsigned.
        let mut unsigned = request(&local, &peer_id).await;
        for header in [
            "authorization",
            "signature",
            "signature-input",
            "content-digest",
        ] {
            unsigned.headers_mut().remove(header);
        }
        assert_eq!(open(unsigned).await.err(), Some((401, "malformed".into())));

        // A signature that does not verify.
        let mut forged = request(&local, &peer_id).await;
        let mut signature = forged.headers()["signature"].as_bytes().to_vec();
        // `sig1=:` then base64: change the first character of the MAC.
        signature[6] = if signature[6] == b'A' { b'B' } else { b'A' };
        let tampered = String::from_utf8(signature).unwrap();
        forged
            .headers_mut()
            .insert("signature", tampered.parse().unwrap());
        assert_eq!(
            open(forged).await.err(),
            Some((401, "bad_signature".into()))
        );

        // A browser: any Origin, even with a valid signature.
        let mut browser = request(&local, &peer_id).await;
        browser
            .headers_mut()
            .insert("origin", "https://evil.example".parse().unwrap());
        assert_eq!(
            open(browser).await.err(),
            Some((403, "forbidden_origin".into()))
        );

        // Stale: signed 400 s ago by the local clock.
        local.advance(-400);
        let stale = request(&local, &peer_id).await;
        local.advance(400);
        assert_eq!(open(stale).await.err(), Some((401, "stale".into())));

        // Revoked: refused at the door.
        hosted.state.store.revoke_peer(&peer_id, 0).await.unwrap();
        let after = request(&local, &peer_id).await;
        assert_eq!(
            open(after).await.err(),
            Some((401, "revoked".into())),
            "{name}"
        );

        // Every refusal was audited.
        let audit = hosted.state.store.audit_entries(50).await.unwrap();
        assert!(
            audit
                .iter()
                .any(|e| e.detail.as_deref() == Some("forbidden_origin"))
        );
        assert!(
            audit
                .iter()
                .any(|e| e.detail.as_deref() == Some("bad_signature"))
        );
    }
}

#[tokio::test]
async fn an_open_socket_closes_with_1008_when_its_sbt_expires() {
    for db in common::databases().await {
        let (hosted, _, local, peer_id) = bare(&db).await;
        let mut ws = open(request(&local, &peer_id).await).await.unwrap();
        hosted.advance(8 * 3600 + 1);
        backend_8825::telemetry::check_sockets(&hosted.state).await;
        assert_eq!(
            closed(&mut ws).await,
            (1008, "sbt_expired".into()),
            "{}",
            db.name()
        );
    }
}

#[tokio::test]
async fn an_open_socket_closes_with_1008_when_its_peer_is_revoked() {
    for db in common::databases().await {
        let (hosted, _, local, peer_id) = bare(&db).await;
        let mut idle = open(request(&local, &peer_id).await).await.unwrap();
        hosted.state.store.revoke_peer(&peer_id, 0).await.unwrap();
        backend_8825::telemetry::check_sockets(&hosted.state).await;
        assert_eq!(
            closed(&mut idle).await,
            (1008, "revoked".into()),
            "{}",
            db.name()
        );
    }
}

#[tokio::test]
async fn a_batch_from_a_peer_revoked_meanwhile_is_refused_and_not_stored() {
    for db in common::databases().await {
        let (hosted, _, local, peer_id) = bare(&db).await;
        let mut ws = open(request(&local, &peer_id).await).await.unwrap();
        hosted.state.store.revoke_peer(&peer_id, 0).await.unwrap();
        // Before any periodic check, the next batch finds the peer revoked.
        let batch = json!({"type": "batch", "batch_id": "1", "events": [event_json(&local, "x")]});
        ws.send(Message::Text(batch.to_string().into()))
            .await
            .unwrap();
        assert_eq!(
            closed(&mut ws).await,
            (1008, "revoked".into()),
            "{}",
            db.name()
        );
        let (stored, _) = hosted.stored_ids(&peer_id).await;
        assert!(stored.is_empty(), "nothing is stored for a revoked peer");
    }
}

#[tokio::test]
async fn batches_are_acked_with_rejections_and_bad_frames_close_the_socket() {
    let db = Db::Sqlite;
    let (hosted, _, local, peer_id) = bare(&db).await;
    let mut ws = open(request(&local, &peer_id).await).await.unwrap();
    let good = event_json(&local, "good.event");
    let mut foreign = event_json(&local, "foreign.event");
    foreign["source_backend"] = json!("0".repeat(32));
    let batch = json!({"type": "batch", "batch_id": "b1", "events": [
        good, {"event_id": "not-a-uuid"}, foreign, event_json(&local, "Bad Name")
    ]});
    ws.send(Message::Text(batch.to_string().into()))
        .await
        .unwrap();
    let ack = next_json(&mut ws).await;
    assert_eq!(ack["type"], "ack");
    assert_eq!(ack["batch_id"], "b1");
    assert_eq!(
        (ack["stored"].as_u64(), ack["duplicates"].as_u64()),
        (Some(1), Some(0))
    );
    assert_eq!(ack["rejected"].as_array().unwrap().len(), 3, "{ack}");
    // The same batch again: nothing new, the good event is a duplicate.
    ws.send(Message::Text(batch.to_string().into()))
        .await
        .unwrap();
    let ack = next_json(&mut ws).await;
    assert_eq!(
        (ack["stored"].as_u64(), ack["duplicates"].as_u64()),
        (Some(0), Some(1))
    );
    assert_eq!(hosted.stored_ids(&peer_id).await.1, 1);

    ws.send(Message::Text("not json".into())).await.unwrap();
    assert_eq!(closed(&mut ws).await.0, 1007);
    let mut ws = open(request(&local, &peer_id).await).await.unwrap();
    ws.send(Message::Binary(vec![1, 2, 3].into()))
        .await
        .unwrap();
    assert_eq!(closed(&mut ws).await.0, 1003);
}

#[tokio::test]
async fn an_oversized_frame_closes_only_its_own_socket() {
    for db in common::databases().await {
        let (hosted, token, bare_local, bare_peer) = bare(&db).await;
        let local = quiet_local().start().await;
        let peer_id = pair(&local, &hosted, &token).await;
        eventually("the socket", WAIT, || async { local.connected(&peer_id) }).await;

        let mut ws = open(request(&bare_local, &bare_peer).await).await.unwrap();
        let huge = format!(
            r#"{{"type":"batch","batch_id":"x","events":["{}"]}}"#,
            "a".repeat(2 << 20)
        );
        ws.send(Message::Text(huge.into())).await.unwrap();
        assert_eq!(closed(&mut ws).await.0, 1009, "{}", db.name());
        assert_eq!(hosted.state.telemetry().hub.stats().closed_too_big, 1);

        // The other peer's socket never noticed: same socket, still delivering.
        let ids = emit_many(&local, 5).await;
        eventually("delivery", WAIT, || async {
            hosted.stored_ids(&peer_id).await.0 == ids
        })
        .await;
        assert_eq!(
            local
                .state
                .telemetry()
                .client
                .link(&peer_id)
                .unwrap()
                .connects,
            1
        );
        // And the peer whose frame was refused may connect again.
        assert!(open(request(&bare_local, &bare_peer).await).await.is_ok());
    }
}

#[tokio::test]
async fn one_socket_per_peer_the_newest_wins() {
    let (_hosted, _, local, peer_id) = bare(&Db::Sqlite).await;
    let mut first = open(request(&local, &peer_id).await).await.unwrap();
    let mut second = open(request(&local, &peer_id).await).await.unwrap();
    assert_eq!(closed(&mut first).await.0, 4001);
    let batch = json!({"type": "batch", "batch_id": "b", "events": []});
    second
        .send(Message::Text(batch.to_string().into()))
        .await
        .unwrap();
    assert_eq!(next_json(&mut second).await["type"], "ack");
}

/// The hook the sync engine will use: the hosted hub pokes the peers of an account, and the
/// local side hands each poke to its subscribers.
#[tokio::test]
async fn pokes_reach_the_local_subscribers() {
    let (hosted, token) = hosted_with_account(&Db::Sqlite).await;
    let local = quiet_local().start().await;
    let mut pokes = local.state.telemetry().subscribe_pokes();
    let peer_id = pair(&local, &hosted, &token).await;
    eventually("the socket", WAIT, || async {
        hosted.state.telemetry().hub.connected() == vec![peer_id.clone()]
    })
    .await;
    let account_id = hosted
        .state
        .store
        .peer(&peer_id)
        .await
        .unwrap()
        .unwrap()
        .account_id;

    // The peer that made the change is not poked about it.
    let hub = &hosted.state.telemetry().hub;
    let poke = Poke {
        reason: "data".into(),
        at: 1,
    };
    assert_eq!(hub.poke(&account_id, Some(&peer_id), poke.clone()), 0);
    assert_eq!(hub.poke("another-account", None, poke), 0);
    let sent = backend_8825::telemetry::poke_account(&hosted.state, &account_id, None, "data");
    assert_eq!(sent, 1);
    // Opening the socket told the subscribers first (the peer is reachable again).
    let mut notice = tokio::time::timeout(WAIT, pokes.recv())
        .await
        .unwrap()
        .unwrap();
    if notice.reason == "connected" {
        notice = tokio::time::timeout(WAIT, pokes.recv())
            .await
            .unwrap()
            .unwrap();
    }
    assert_eq!(
        notice,
        PokeNotice {
            peer_id: peer_id.clone(),
            reason: "data".into()
        }
    );
    assert!(pokes.try_recv().is_err(), "exactly one poke arrived");
}

/// A frame held back by the pace does not hold back what goes down: a poke sent while the
/// second of two batches waits for its turn arrives before that batch's acknowledgement.
#[tokio::test]
async fn a_poke_is_not_held_up_by_a_frame_waiting_for_its_pace() {
    let (hosted, _token, local, peer_id) = bare(&Db::Sqlite).await;
    hosted.state.telemetry().set_limits(TelemetryLimits {
        max_frames_per_second: 1,
        ..hosted.state.telemetry().limits()
    });
    let mut ws = open(request(&local, &peer_id).await).await.unwrap();
    let batch = |id: &str| {
        let frame = json!({"type": "batch", "batch_id": id, "events": [event_json(&local, "x")]});
        Message::Text(frame.to_string().into())
    };
    ws.send(batch("first")).await.unwrap();
    assert_eq!(next_json(&mut ws).await["batch_id"], "first");
    // The second comes within the same second: it waits for its turn on the hosted side.
    ws.send(batch("second")).await.unwrap();
    eventually("the second batch to be held", WAIT, || async {
        hosted.state.telemetry().hub.stats().throttled == 1
    })
    .await;
    let account = hosted
        .state
        .store
        .peer(&peer_id)
        .await
        .unwrap()
        .unwrap()
        .account_id;
    assert_eq!(
        backend_8825::telemetry::poke_account(&hosted.state, &account, None, "data"),
        1
    );
    let first_down = next_json(&mut ws).await;
    assert_eq!(first_down["type"], "poke", "{first_down}");
    assert_eq!(next_json(&mut ws).await["batch_id"], "second");
}
