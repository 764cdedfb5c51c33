//! The hosted daemon rides out a Postgres crash (docs/operations.md): while its database is
//! gone every answer is a 2xx, a 4xx or a `503 database_unavailable` with `Retry-After`,
//! never a 500; once the database is known to be down requests answer at once instead of
//! waiting on the pool; the log says "down" once and "back" once; and after the recovery a
//! paired local daemon syncs both ways again at once.
//!
//! The crash is a proxy of the test's own between the hosted daemon and the shared Postgres
//! (`common::DbProxy`), so the server itself keeps running for every other test. SQLite is a
//! file of the daemon's own process and cannot go away like this: the test is Postgres only.

mod common;

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

use backend_8825::config::RateLimit;
use backend_8825::telemetry::TelemetryAccess;
use common::{Daemon, Db, DbProxy, account, eventually, pair};

/// Every log line of this test binary's daemons, as the operator would read them.
#[derive(Clone, Default)]
struct Log(Arc<Mutex<Vec<u8>>>);

impl std::io::Write for Log {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl Log {
    /// Installs the process's subscriber (once) writing here, at the daemon's default level.
    fn capture() -> Self {
        static LOG: OnceLock<Log> = OnceLock::new();
        LOG.get_or_init(|| {
            let log = Log::default();
            let writer = log.clone();
            tracing_subscriber::fmt()
                .with_env_filter(backend_8825::logging::env_filter("info"))
                .with_ansi(false)
                .with_writer(move || writer.clone())
                .init();
            log
        })
        .clone()
    }

    fn lines(&self) -> Vec<String> {
        let text = String::from_utf8_lossy(&self.0.lock().unwrap()).to_string();
        text.lines().map(str::to_string).collect()
    }
}

/// One answer of the load.
#[derive(Debug)]
struct Answer {
    what: String,
    status: u16,
    retry_after: Option<String>,
    body: Value,
}

/// Requests in a loop until `stop`: account API reads and writes on the hosted daemon, and
/// conversation writes on the local one (each wakes its sync with the hosted daemon).
fn load(
    hosted: &Arc<Daemon>,
    local: &Arc<Daemon>,
    stop: &Arc<AtomicBool>,
    answers: &Arc<Mutex<Vec<Answer>>>,
    client: usize,
) -> tokio::task::JoinHandle<()> {
    let (hosted, local) = (hosted.clone(), local.clone());
    let (stop, answers) = (stop.clone(), answers.clone());
    tokio::spawn(async move {
        let mut n = 0;
        while !stop.load(Ordering::SeqCst) {
            n += 1;
            let (daemon, method, path, body) = match n % 3 {
                0 => (&hosted, "GET", "/api/conversations", None),
                1 => (
                    &hosted,
                    "POST",
                    "/api/conversations",
                    Some(json!({"title": format!("hosted {client}.{n}")})),
                ),
                _ => (
                    &local,
                    "POST",
                    "/api/conversations",
                    Some(json!({"title": format!("local {client}.{n}")})),
                ),
            };
            let mut request = daemon
                .http
                .request(method.parse().unwrap(), daemon.url(path))
                .bearer_auth(&daemon.bearer)
                .timeout(Duration::from_secs(30));
            if let Some(body) = body {
                request = request.json(&body);
            }
            let response = request.send().await.expect("the daemon answers");
            let retry_after = response
                .headers()
                .get("retry-after")
                .map(|v| v.to_str().unwrap().to_string());
            let (status, body) = common::read(response).await;
            let answer = Answer {
                what: format!("{method} {path} on {}", daemon.state.config.mode.as_str()),
                status,
                retry_after,
                body,
            };
            answers.lock().unwrap().push(answer);
        }
    })
}

fn count(answers: &Mutex<Vec<Answer>>, status: u16) -> usize {
    let answers = answers.lock().unwrap();
    answers.iter().filter(|a| a.status == status).count()
}

/// Writes a conversation on `daemon`; its id.
async fn create(daemon: &Daemon, title: &str) -> String {
    let (status, body) = daemon
        .post("/api/conversations", json!({ "title": title }))
        .await;
    assert_eq!(status, 201, "{body}");
    body["id"].as_str().unwrap().to_string()
}

/// Whether the conversation `id` is on `daemon`.
async fn has_conversation(daemon: &Daemon, id: &str) -> bool {
    daemon.get(&format!("/api/conversations/{id}")).await.0 == 200
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn the_hosted_daemon_rides_out_a_postgres_crash() {
    let log = Log::capture();
    let Some(database_url) = common::fresh_postgres_schema().await else {
        return;
    };
    let proxy = DbProxy::start(&database_url).await;
    let db = Db::Postgres(proxy.url(&database_url));
    // The load is one client address: no rate limit on it, so that every refusal is the
    // database's.
    let mut hosted = Daemon::hosted()
        .on(&db)
        .config(|c| c.rate_limits.account_api = RateLimit::OFF)
        .start()
        .await;
    let token = account(&hosted, "alice").await;
    hosted.bearer = token.clone();
    let local = Daemon::local().automatic_sync(true).start().await;
    pair(&local, &hosted, &token).await;
    eventually("the telemetry socket", Duration::from_secs(10), || async {
        !hosted.state.telemetry().hub.connected().is_empty()
    })
    .await;
    let health = hosted.state.store.database_health().expect("Postgres");
    let (hosted, local) = (Arc::new(hosted), Arc::new(local));

    let stop = Arc::new(AtomicBool::new(false));
    let answers = Arc::new(Mutex::new(Vec::new()));
    let clients: Vec<_> = (0..4)
        .map(|client| load(&hosted, &local, &stop, &answers, client))
        .collect();
    eventually(
        "answers before the crash",
        Duration::from_secs(20),
        || async { count(&answers, 200) + count(&answers, 201) >= 20 },
    )
    .await;

    proxy.crash();
    eventually(
        "the database marked down",
        Duration::from_secs(10),
        || async { !health.is_up() },
    )
    .await;
    let before = answers.lock().unwrap().len();
    // Requests go on during the outage, and are refused; the peer's syncs and its
    // telemetry socket too. A thousand refusals is an outage of a few seconds here, long
    // enough for backoffs grown by each refusal to have kept the peer away long after.
    eventually(
        "the peer's sync refused",
        Duration::from_secs(10),
        || async {
            let (_, peers) = local.get("/peers").await;
            peers[0]["sync"]["last_error"].to_string().contains("503")
        },
    )
    .await;
    eventually(
        "the telemetry socket refused",
        Duration::from_secs(10),
        || async {
            let (_, status) = local.get("/telemetry/status").await;
            status
                .to_string()
                .contains("refused: 503 database_unavailable")
        },
    )
    .await;
    eventually(
        "503s during the outage",
        Duration::from_secs(30),
        || async { count(&answers, 503) >= 1000 && answers.lock().unwrap().len() > before + 1000 },
    )
    .await;

    // A request during the known outage answers at once: the pool would have waited for
    // its acquire timeout (3 s) for a connection that cannot come. Half of that is far
    // above any machine's noise for an answer that touches no database.
    let started = Instant::now();
    let (status, body) = hosted.get("/api/conversations").await;
    let waited = started.elapsed();
    assert_eq!(status, 503, "{body}");
    assert_eq!(common::error_code(&body), "database_unavailable", "{body}");
    let message = body["error"]["message"].as_str().unwrap();
    assert!(message.contains("database"), "{message}");
    for leak in ["postgres://", "127.0.0.1", "sqlx", "Error", "::"] {
        assert!(!message.contains(leak), "{message}");
    }
    assert!(waited < Duration::from_millis(1500), "{waited:?}");
    let started = Instant::now();
    let (status, body) = hosted.get("/health").await;
    assert_eq!(
        (status, body["database"].as_str()),
        (503, Some("unreachable"))
    );
    assert!(started.elapsed() < Duration::from_millis(1500));
    assert!(
        !health.is_up(),
        "still down: the proxy holds every connection"
    );

    proxy.recover();
    let recovered = Instant::now();
    eventually(
        "the database marked up",
        Duration::from_secs(10),
        || async { health.is_up() },
    )
    .await;
    let (status, body) = hosted.get("/health").await;
    assert_eq!(status, 200, "{body}");
    // The load goes on after the recovery and is served.
    let served = count(&answers, 201);
    eventually(
        "writes served after the recovery",
        Duration::from_secs(10),
        || async { count(&answers, 201) > served + 10 },
    )
    .await;

    // The peer syncs again at once, both ways: its answers during the outage were 503 with
    // `Retry-After: 1`, which it waits, not a backoff grown by each refusal (that would be
    // tens of seconds by now). 5 s is the target (about 2 s) with room for a slow machine.
    let id = create(&local, "after the crash, local").await;
    eventually(
        "the local write on hosted",
        Duration::from_secs(5),
        || async { has_conversation(&hosted, &id).await },
    )
    .await;
    let id = create(&hosted, "after the crash, hosted").await;
    eventually(
        "the hosted write on local",
        Duration::from_secs(5),
        || async { has_conversation(&local, &id).await },
    )
    .await;
    let resumed = recovered.elapsed();

    stop.store(true, Ordering::SeqCst);
    for client in clients {
        client.await.unwrap();
    }

    let answers = answers.lock().unwrap();
    let mut refused = 0;
    for answer in answers.iter() {
        match answer.status {
            200..=499 => {}
            503 => {
                refused += 1;
                assert_eq!(answer.retry_after.as_deref(), Some("1"), "{answer:?}");
                assert_eq!(
                    common::error_code(&answer.body),
                    "database_unavailable",
                    "{answer:?}"
                );
            }
            _ => panic!("{}: {} {}", answer.what, answer.status, answer.body),
        }
    }
    assert!(refused > 0);

    let lines = log.lines();
    let down: Vec<&String> = lines
        .iter()
        .filter(|l| l.contains("the database is unreachable"))
        .collect();
    let up: Vec<&String> = lines
        .iter()
        .filter(|l| l.contains("the database is reachable again"))
        .collect();
    assert_eq!(down.len(), 1, "one line down: {lines:#?}");
    assert_eq!(up.len(), 1, "one line back: {lines:#?}");
    let errors: Vec<&String> = lines.iter().filter(|l| l.contains(" ERROR ")).collect();
    assert!(errors.is_empty(), "{errors:#?}");
    let noise: Vec<&String> = lines
        .iter()
        .filter(|l| l.contains(" WARN ") && l.contains("sqlx"))
        .collect();
    assert!(noise.is_empty(), "{noise:#?}");
    eprintln!(
        "{} answers, {} refused with 503; synced both ways {resumed:?} after the recovery",
        answers.len(),
        refused
    );
}

/// SQLite is a file of the daemon's own process: there is no outage to ride out, no health
/// state, and the same answers as before.
#[tokio::test]
async fn sqlite_has_no_database_health_and_answers_as_before() {
    let (hosted, _token) = common::hosted_with_account(&Db::Sqlite).await;
    assert!(hosted.state.store.database_health().is_none());
    let (status, body) = hosted.get("/health").await;
    assert_eq!(
        (status, body["database"].as_str()),
        (200, Some("ok")),
        "{body}"
    );
    let id = create(&hosted, "on SQLite").await;
    assert!(has_conversation(&hosted, &id).await);
}
