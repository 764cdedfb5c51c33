//! The floor of `sync-latency`: what any design pays for one change crossing, a bare signed
//! HTTP round trip plus one commit on the database the change lands in. A tiny server in
//! this process verifies the request's signature (the same HMAC-SHA256 signature and body
//! digest as a peer request, `handshake::httpsig`) and inserts one row into a table of its
//! own, committed, then answers; one keep-alive client connection signs and sends, one
//! request after another. Both ends set `TCP_NODELAY`, as the daemon does.

use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::bail;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use backend_8825::handshake::httpsig::{
    self, DEFAULT_WINDOW_SECS, SignInput, SignatureHeaders, VerifyInput,
};
use backend_8825::handshake::pair_key::{Kid, PairKey};
use backend_8825::store::{PostgresStore, SqliteStore};
use serde_json::json;

use crate::daemons::{DbKind, PgSchema, TempDir};
use crate::report::{Row, percentiles, quantile};

const PATH: &str = "/floor";
const TABLE: &str =
    "CREATE TABLE IF NOT EXISTS bench_floor (id TEXT PRIMARY KEY, body TEXT NOT NULL)";
const INSERT: &str = "INSERT INTO bench_floor (id, body) VALUES ($1, $2)";

/// The database the floor commits to, opened as the daemon's store opens it (the same
/// connection options: on SQLite WAL, `synchronous = NORMAL`, foreign keys, busy timeout;
/// on Postgres `TCP_NODELAY`), with one connection, as the store's one SQLite writer.
enum Db {
    /// The store and the temp dir of its file, removed with it.
    Sqlite(SqliteStore, #[allow(dead_code)] TempDir),
    Postgres(PostgresStore),
}

impl Db {
    async fn open(kind: DbKind, pg: Option<&PgSchema>) -> anyhow::Result<Self> {
        let db = match (kind, pg) {
            (DbKind::Postgres, Some(pg)) => {
                Self::Postgres(PostgresStore::connect(&pg.url, 1).await?)
            }
            (DbKind::Postgres, None) => bail!("the Postgres floor needs the run's schema"),
            (DbKind::Sqlite, _) => {
                let dir = TempDir::new("floor")?;
                let url = format!("sqlite://{}", dir.0.join("floor.db").display());
                Self::Sqlite(SqliteStore::connect(&url, 1).await?, dir)
            }
        };
        db.execute(TABLE, None).await?;
        Ok(db)
    }

    async fn execute(&self, sql: &'static str, row: Option<(&str, &str)>) -> anyhow::Result<()> {
        match self {
            Self::Sqlite(store, _) => {
                let mut q = sqlx::query(sql);
                if let Some((id, body)) = row {
                    q = q.bind(id.to_string()).bind(body.to_string());
                }
                q.execute(store.pool()).await?;
            }
            Self::Postgres(store) => {
                let mut q = sqlx::query(sql);
                if let Some((id, body)) = row {
                    q = q.bind(id.to_string()).bind(body.to_string());
                }
                q.execute(store.pool()).await?;
            }
        }
        Ok(())
    }
}

struct Server {
    key: [u8; 32],
    db: Db,
}

/// The one route: verify the signature and the body digest, commit one row, answer.
async fn commit(
    State(server): State<Arc<Server>>,
    headers: HeaderMap,
    body: Bytes,
) -> (StatusCode, &'static str) {
    let Ok(signature) = SignatureHeaders::from_header_map(&headers) else {
        return (StatusCode::UNAUTHORIZED, "malformed");
    };
    let input = VerifyInput {
        method: "POST",
        authority: headers
            .get(header::HOST)
            .and_then(|h| h.to_str().ok())
            .unwrap_or_default(),
        path: PATH,
        query: "",
        body: &body,
        headers: signature,
    };
    let now = chrono::Utc::now().timestamp();
    if httpsig::verify_request(&input, now, DEFAULT_WINDOW_SECS, |_, _| Ok(server.key)).is_err() {
        return (StatusCode::UNAUTHORIZED, "bad signature");
    }
    let Ok(text) = std::str::from_utf8(&body) else {
        return (StatusCode::BAD_REQUEST, "not UTF-8");
    };
    let id = uuid::Uuid::now_v7().to_string();
    match server.db.execute(INSERT, Some((&id, text))).await {
        Ok(()) => (StatusCode::OK, r#"{"ok":true}"#),
        Err(_) => (StatusCode::INTERNAL_SERVER_ERROR, "insert failed"),
    }
}

/// `requests` signed round trips, each committing one row on a database of `kind` (the
/// run's schema on Postgres, a SQLite file of its own in a temp dir); each one's latency.
pub async fn measure(
    kind: DbKind,
    pg: Option<&PgSchema>,
    requests: usize,
) -> anyhow::Result<Vec<Duration>> {
    let pair_key = PairKey::generate();
    let key = pair_key.request_key();
    let server = Arc::new(Server {
        key,
        db: Db::open(kind, pg).await?,
    });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let authority = listener.local_addr()?.to_string();
    let listener = axum::serve::ListenerExt::tap_io(listener, |stream| {
        let _ = stream.set_nodelay(true);
    });
    let app = axum::Router::new()
        .route(PATH, axum::routing::post(commit))
        .with_state(server);
    let task = tokio::spawn(async move { axum::serve(listener, app).await });
    let result = client(&authority, &key, requests).await;
    task.abort();
    result
}

async fn client(authority: &str, key: &[u8; 32], requests: usize) -> anyhow::Result<Vec<Duration>> {
    let http = reqwest::Client::builder()
        .no_proxy()
        .tcp_nodelay(true)
        .pool_max_idle_per_host(1)
        .build()?;
    let (kid, url) = (Kid::generate(), format!("http://{authority}{PATH}"));
    let authorization = "SBT floor";
    let content = "x".repeat(200);
    // One request first, to open the connection; then the timed ones.
    let mut times = Vec::with_capacity(requests);
    for i in 0..=requests {
        let body = json!({"id": uuid::Uuid::now_v7(), "content": content}).to_string();
        let started = Instant::now();
        let created = chrono::Utc::now().timestamp();
        let nonce = httpsig::new_nonce();
        let signed = httpsig::sign_request(
            &SignInput {
                method: "POST",
                authority,
                path: PATH,
                query: "",
                body: body.as_bytes(),
                authorization,
                peer_id: "floor",
                kid: &kid,
                nonce: &nonce,
                created,
                expires: created + 60,
            },
            key,
        )?;
        let response = http
            .post(&url)
            .header(header::AUTHORIZATION, authorization)
            .header("content-digest", signed.content_digest)
            .header("signature-input", signed.signature_input)
            .header("signature", signed.signature)
            .body(body)
            .send()
            .await?;
        let status = response.status();
        response.bytes().await?;
        if !status.is_success() {
            bail!("the floor server answered {status}");
        }
        if i > 0 {
            times.push(started.elapsed());
        }
    }
    Ok(times)
}

/// The floor's row: p50/p95/p99 of its round trips on `db_name`.
pub fn row(db_name: &str, samples: &mut [Duration]) -> Row {
    Row::new(
        "sync-latency",
        format!(
            "floor ({db_name}): signed round trip + one commit, p50/p95/p99, {} requests",
            samples.len()
        ),
        percentiles(samples),
    )
}

/// How many floors a direction's p50 and p99 are: `what` ÷ the floor on `db_name`.
pub fn ratio_row(
    what: &str,
    db_name: &str,
    direction: &mut [Duration],
    floor: &mut [Duration],
) -> Row {
    let mut times = |q: f64| {
        let d = quantile(direction, q).as_secs_f64();
        d / quantile(floor, q).as_secs_f64().max(1e-9)
    };
    Row::new(
        "sync-latency",
        format!("  {what} ÷ floor ({db_name}), p50 / p99"),
        {
            let (p50, p99) = (times(0.5), times(0.99));
            format!("{p50:.1} × / {p99:.1} ×")
        },
    )
}
