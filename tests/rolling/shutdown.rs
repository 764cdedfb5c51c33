//! Stopping a hosted instance gracefully. The in-process daemons stop through
//! `Daemon::begin_stop`, which completes the same shutdown future SIGTERM completes in the
//! binary (`app::shutdown_signal`); the last test sends the binary a real SIGTERM.
//!
//! A request "in flight" is held with `Expect: 100-continue`: hyper answers `100 Continue`
//! when the handler first reads the body, so once that line arrives the request is in the
//! server's hands, and it stays there until the test sends the body.

use std::net::SocketAddr;
use std::path::Path;
use std::time::Duration;

use backend_8825::identity::IdentityKey;
use backend_8825::peers::{PeerCall, load_pair_key, signed_request};
use backend_8825::telemetry::TelemetryAccess;
use serde_json::{Value, json};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use crate::common::binary::{self, command};
use crate::common::proxy::Proxy;
use crate::common::{self, Daemon, Db, account, eventually, hosted_with_account, pair_via};

const WAIT: Duration = Duration::from_secs(10);

/// A request whose head the server has read and whose body it waits for.
struct Held {
    stream: TcpStream,
    body: Vec<u8>,
}

impl Held {
    /// Sends the head of `request` to `addr` with `Expect: 100-continue` and waits for the
    /// `100 Continue`.
    async fn start(addr: SocketAddr, request: reqwest::Request) -> Self {
        let body = request
            .body()
            .and_then(|b| b.as_bytes())
            .unwrap_or_default()
            .to_vec();
        let url = request.url();
        let target = match url.query() {
            Some(query) => format!("{}?{query}", url.path()),
            None => url.path().to_string(),
        };
        let mut head = format!("{} {target} HTTP/1.1\r\nhost: {addr}\r\n", request.method());
        for (name, value) in request.headers() {
            head.push_str(&format!("{name}: {}\r\n", value.to_str().unwrap()));
        }
        head.push_str(&format!(
            "content-length: {}\r\nexpect: 100-continue\r\n\r\n",
            body.len()
        ));
        let mut stream = TcpStream::connect(addr).await.unwrap();
        stream.write_all(head.as_bytes()).await.unwrap();
        let interim = tokio::time::timeout(WAIT, read_head(&mut stream))
            .await
            .expect("the server reads the request");
        assert!(interim.starts_with("HTTP/1.1 100"), "{interim}");
        Self { stream, body }
    }

    /// Sends the body; the status and the JSON body of the answer.
    async fn finish(mut self) -> (u16, Value) {
        self.stream.write_all(&self.body).await.unwrap();
        let answered = async {
            let head = read_head(&mut self.stream).await;
            let status = head.split(' ').nth(1).unwrap().parse::<u16>().unwrap();
            let length = head
                .lines()
                .find_map(|l| {
                    let (name, value) = l.split_once(':')?;
                    name.eq_ignore_ascii_case("content-length")
                        .then(|| value.trim().parse::<usize>().unwrap())
                })
                .expect("a sized answer");
            let mut body = vec![0; length];
            self.stream.read_exact(&mut body).await.unwrap();
            (status, serde_json::from_slice(&body).unwrap())
        };
        tokio::time::timeout(WAIT, answered)
            .await
            .expect("the answer is delivered")
    }
}

/// Reads up to the end of a response head.
async fn read_head(stream: &mut TcpStream) -> String {
    let mut head = Vec::new();
    while !head.ends_with(b"\r\n\r\n") {
        let mut byte = [0u8];
        let n = stream.read(&mut byte).await.unwrap();
        assert_eq!(
            n,
            1,
            "the connection ended: {}",
            String::from_utf8_lossy(&head)
        );
        head.push(byte[0]);
    }
    String::from_utf8(head).unwrap()
}

/// A `POST /sync/{peer}` to `hosted`, signed by `local` as its sync client signs it.
async fn signed_sync(local: &Daemon, hosted: &Daemon, peer: &str) -> reqwest::Request {
    let store = &local.state.store;
    let current = store.peer(peer).await.unwrap().unwrap();
    let row = store.peer_key(peer, &current.kid).await.unwrap().unwrap();
    let key = load_pair_key(&local.state, &row).unwrap();
    let body = json!({"v": 1, "epoch": "x", "since": null, "push_through": 0, "changes": []});
    let call = PeerCall {
        method: reqwest::Method::POST,
        base_url: &hosted.base(),
        path_and_query: &format!("/sync/{peer}"),
        body: serde_json::to_vec(&body).unwrap(),
        created: hosted.now(),
    };
    signed_request(&local.http, call, &row, &key)
        .unwrap()
        .build()
        .unwrap()
}

fn connected(daemon: &Daemon, peer: &str) -> bool {
    let link = daemon.state.telemetry().client.link(peer);
    link.is_some_and(|l| l.connected)
}

async fn titles(daemon: &Daemon) -> Vec<String> {
    let (status, page) = daemon.get("/api/conversations?limit=200").await;
    assert_eq!(status, 200, "{page}");
    let items = page["items"].as_array().unwrap().iter();
    items
        .filter_map(|c| c["title"].as_str().map(str::to_string))
        .collect()
}

/// A local daemon whose telemetry backoff is never shorter than 12 s (a tenth of 120 s): a
/// reconnection within [`WAIT`] is one made without a backoff.
async fn local_without_quick_backoff() -> Daemon {
    Daemon::local()
        .automatic_sync(true)
        .prepare(|state| {
            let telemetry = state.telemetry();
            let mut limits = telemetry.limits();
            limits.reconnect_base = Duration::from_secs(120);
            limits.reconnect_max = Duration::from_secs(120);
            telemetry.set_limits(limits);
        })
        .start()
        .await
}

#[tokio::test]
async fn a_stopping_instance_sends_its_peers_to_the_next_one_at_once() {
    for db in common::databases().await {
        // Several instances share one Postgres database; SQLite has one daemon.
        let Db::Postgres(_) = db else { continue };
        // Every instance of the app is given the same identity key (docs/modes.md).
        let key = IdentityKey::generate().unwrap().to_pkcs8_pem();
        let instance = || {
            let key = key.expose().as_str();
            Daemon::hosted()
                .on(&db)
                .env("BACKEND_8825_IDENTITY_KEY", key)
        };
        let mut one = instance().start().await;
        let token = account(&one, "alice").await;
        one.bearer = token.clone();
        let mut two = instance().start().await;
        two.bearer = token.clone();
        // The local daemon reaches "the app" through a proxy, as it reaches Fly's.
        let proxy = Proxy::start(one.addr).await;
        let local = local_without_quick_backoff().await;
        let peer = pair_via(&local, &one, &token, &proxy.url()).await;
        eventually("the socket on instance one", WAIT, || async {
            connected(&local, &peer) && one.state.telemetry().hub.connected() == [peer.clone()]
        })
        .await;

        // A sync in flight on instance one holds its shutdown open.
        let held = Held::start(one.addr, signed_sync(&local, &one, &peer).await).await;
        // The deploy: new connections go to instance two, and instance one is told to stop.
        proxy.set_target(two.addr);
        one.begin_stop();

        // While instance one still finishes that sync, its socket has closed with 1001 and
        // the local daemon is on instance two: a close at the end of shutdown, or any other
        // close (which backs off at least 12 s here), would not get there within WAIT.
        eventually("the socket to move to instance two", WAIT, || async {
            two.state.telemetry().hub.connected() == [peer.clone()]
        })
        .await;
        let (status, answer) = held.finish().await;
        assert_eq!(status, 200, "{answer}");
        assert!(answer["changes"].is_array(), "{answer}");
        tokio::time::timeout(WAIT, one.stop())
            .await
            .expect("instance one stops once its request is answered");

        // A write made afterwards reaches the hosted side, through instance two.
        let (status, _) = local
            .post("/api/conversations", json!({"title": "after the deploy"}))
            .await;
        assert_eq!(status, 201);
        eventually("the write to reach instance two", WAIT, || async {
            titles(&two).await.contains(&"after the deploy".to_string())
        })
        .await;
    }
}

#[tokio::test]
async fn a_sync_in_flight_when_shutdown_starts_completes_and_sockets_do_not_hold_the_stop() {
    for db in common::databases().await {
        let (mut hosted, token) = hosted_with_account(&db).await;
        let proxy = Proxy::start(hosted.addr).await;
        let local = Daemon::local().automatic_sync(false).start().await;
        let peer = pair_via(&local, &hosted, &token, &proxy.url()).await;
        eventually("the telemetry socket", WAIT, || async {
            connected(&local, &peer)
        })
        .await;
        // The local daemon will not see the close frame: its socket stays open at its end.
        proxy.hold_downstream(true);

        let held = Held::start(hosted.addr, signed_sync(&local, &hosted, &peer).await).await;
        hosted.begin_stop();
        // Shutdown has started: the listener is closed.
        eventually("new connections to be refused", WAIT, || async {
            TcpStream::connect(hosted.addr).await.is_err()
        })
        .await;
        assert!(hosted.state.telemetry().hub.connected().is_empty());
        let (status, answer) = held.finish().await;
        assert_eq!(status, 200, "{}: {answer}", db.name());
        assert!(answer["changes"].is_array(), "{answer}");
        // Well within the drain limit (20 s): the upgraded socket is not waited for.
        tokio::time::timeout(Duration::from_secs(5), hosted.stop())
            .await
            .expect("the daemon stops without waiting for its telemetry socket");
    }
}

#[tokio::test]
async fn sigterm_lets_a_request_in_flight_finish_and_the_binary_exits_cleanly() {
    let home = tempfile::tempdir().unwrap();
    let dir = home.path().join("data");
    let dir = dir.to_str().unwrap();
    let url = match common::fresh_postgres_schema().await {
        Some(url) => url,
        None => format!("sqlite://{dir}/hosted.db"),
    };
    let created = command(home.path())
        .args(["account", "create", "alice", "--data-dir", dir])
        .env("DATABASE_URL", &url)
        .output()
        .unwrap();
    assert!(created.status.success(), "{created:?}");
    let token = String::from_utf8(created.stdout)
        .unwrap()
        .trim()
        .to_string();
    let cmd = binary::hosted_serve(home.path(), Path::new(dir), &url);
    let mut hosted = binary::spawn_served(cmd);
    let addr: SocketAddr = hosted.base.trim_start_matches("http://").parse().unwrap();

    let request = common::http_client()
        .post(format!("{}/api/conversations", hosted.base))
        .bearer_auth(&token)
        .json(&json!({"title": "written across a SIGTERM"}))
        .build()
        .unwrap();
    let held = Held::start(addr, request).await;
    hosted.sigterm();
    let logged = |want: &str| {
        let want = want.to_string();
        move |line: &String| line.contains(&want)
    };
    let mut seen = Vec::new();
    while !seen.iter().any(logged("shutting down")) {
        let line = hosted.log.recv_timeout(WAIT).expect("the signal is logged");
        seen.push(line);
    }
    let (status, body) = held.finish().await;
    assert_eq!(status, 201, "{body}");
    assert_eq!(body["title"], "written across a SIGTERM");
    let exit = hosted.child.wait().unwrap();
    assert!(exit.success(), "a clean exit: {exit:?}");
    seen.extend(hosted.log.try_iter());
    assert!(seen.iter().any(logged("stopped")), "{seen:?}");
}
