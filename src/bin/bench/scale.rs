//! `handshake` (pairings against an in-process hosted daemon) and `hosted-scale` (simulated
//! peers against a hosted daemon in its own process, on Postgres).

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use backend_8825::accounts;
use backend_8825::clock::SystemClock;
use backend_8825::config::Mode;
use backend_8825::identity::IdentityKey;
use futures_util::{SinkExt, StreamExt};
use tokio::sync::Mutex;
use tokio_tungstenite::tungstenite::Message;

use crate::daemons::{Daemon, DbKind, PgSchema, TempDir, in_schema};
use crate::proc::{self, Process};
use crate::report::{Row, ms, quantile};
use crate::sim::{self, CLIENT_IP_HEADER};
use crate::sync::db_label;

pub async fn handshake(db: DbKind, pairings: usize) -> anyhow::Result<Vec<Row>> {
    in_schema(db, async |pg| handshake_on(db, pg, pairings).await).await
}

async fn handshake_on(
    db: DbKind,
    pg: Option<&PgSchema>,
    pairings: usize,
) -> anyhow::Result<Vec<Row>> {
    let hosted = Daemon::start(Mode::Hosted, db, pg, |c| {
        c.http.client_ip_header = Some(CLIENT_IP_HEADER.into());
    })
    .await?;
    let started = Instant::now();
    let (keys, mut keygen) = sim::keygen(pairings).await?;
    let keygen_wall = started.elapsed();
    let store = hosted.state.store.as_ref();
    let (account, _) = accounts::create_account(store, &SystemClock, "bench").await?;
    let http = reqwest::Client::builder().no_proxy().build()?;
    let (mut ok, mut times, mut first_error) = (0, Vec::new(), None);
    for (n, key) in keys.into_iter().enumerate() {
        // Issuing the code is the person's step, before pairing: not timed.
        let code = accounts::issue_pairing_code(store, &SystemClock, &account, None).await?;
        let started = Instant::now();
        match sim::pair(
            &http,
            &hosted.url,
            key,
            code.code.expose(),
            sim::client_ip(n),
        )
        .await
        {
            Ok(_) => {
                ok += 1;
                times.push(started.elapsed());
            }
            Err(e) => {
                first_error.get_or_insert_with(|| e.to_string());
            }
        }
    }
    let db_name = db_label(db);
    let mut rows = vec![
        Row::new(
            "handshake",
            format!("{pairings} pairings against hosted ({db_name}): success"),
            format!(
                "{ok}/{pairings} ({:.1} %)",
                100.0 * ok as f64 / pairings as f64
            ),
        )
        .target("100 %"),
        Row::new(
            "handshake",
            "pairing latency p50 / p99 (key generation excluded)",
            format!(
                "{} / {}",
                ms(quantile(&mut times, 0.5)),
                ms(quantile(&mut times, 0.99))
            ),
        ),
        Row::new(
            "handshake",
            "RSA-2048 key generation p50 / p99 (per key, reported apart)",
            format!(
                "{} / {}",
                ms(quantile(&mut keygen, 0.5)),
                ms(quantile(&mut keygen, 0.99))
            ),
        ),
        Row::new(
            "handshake",
            format!("  {pairings} keys on all cores, wall time"),
            ms(keygen_wall),
        ),
    ];
    if let Some(e) = first_error {
        rows.push(Row::new("handshake", "first failure", e));
    }
    Ok(rows)
}

/// Latencies and errors the simulated peers collect.
#[derive(Default)]
struct Tally {
    sync: Mutex<Vec<Duration>>,
    acks: Mutex<Vec<Duration>>,
    errors: AtomicU64,
    first_error: std::sync::Mutex<Option<String>>,
}

impl Tally {
    fn error(&self, e: impl std::fmt::Display) {
        self.errors.fetch_add(1, Ordering::Relaxed);
        self.first_error
            .lock()
            .expect("lock")
            .get_or_insert_with(|| e.to_string());
    }
}

const PERIOD: Duration = Duration::from_secs(5);
const EVENTS_PER_BATCH: usize = 10;

pub async fn hosted_scale(sizes: &[usize], window: Duration) -> anyhow::Result<Vec<Row>> {
    let pool = sizes.iter().copied().max().unwrap_or(0).min(200);
    let (keys, _) = sim::keygen(pool).await?;
    let mut rows = Vec::new();
    for &n in sizes {
        let pg = PgSchema::create().await?;
        let result = scale_once(&pg, &keys, n, window).await;
        pg.drop_now().await;
        rows.extend(result?);
    }
    Ok(rows)
}

async fn scale_once(
    pg: &PgSchema,
    keys: &[Arc<IdentityKey>],
    n: usize,
    window: Duration,
) -> anyhow::Result<Vec<Row>> {
    let dir = TempDir::new("scale")?;
    let hosted = Process::start_hosted(
        &dir.0,
        &pg.url,
        &[("BACKEND_8825_CLIENT_IP_HEADER", CLIENT_IP_HEADER)],
    )
    .await?;
    let base = hosted.url.clone();
    let store = backend_8825::store::connect(&pg.url, 4).await?;
    let http = reqwest::Client::builder()
        .no_proxy()
        .pool_max_idle_per_host(2048)
        .build()?;

    // Pair: one account per peer (a person and their laptop), 8 pairings at a time.
    let started = Instant::now();
    let mut peers = Vec::with_capacity(n);
    let mut pending = futures_util::stream::FuturesUnordered::new();
    for i in 0..n {
        let (account, _) =
            accounts::create_account(store.as_ref(), &SystemClock, &format!("peer-{i}")).await?;
        let code =
            accounts::issue_pairing_code(store.as_ref(), &SystemClock, &account, None).await?;
        let (http, base, key) = (http.clone(), base.clone(), keys[i % keys.len()].clone());
        pending.push(async move {
            sim::pair(&http, &base, key, code.code.expose(), sim::client_ip(i)).await
        });
        if pending.len() >= 8 {
            peers.push(pending.next().await.context("pairing")??);
        }
    }
    while let Some(p) = pending.next().await {
        peers.push(p?);
    }
    let paired_in = started.elapsed();
    store.close().await;

    let tally = Arc::new(Tally::default());
    let measuring = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let stop = Arc::new(tokio::sync::Notify::new());
    let mut tasks = Vec::new();
    for (i, peer) in peers.into_iter().enumerate() {
        let (http, base, tally, measuring, stop) = (
            http.clone(),
            base.clone(),
            tally.clone(),
            measuring.clone(),
            stop.clone(),
        );
        // Spread the peers evenly over the period.
        let offset = PERIOD.mul_f64(i as f64 / n as f64);
        tasks.push(tokio::spawn(async move {
            run_peer(peer, &http, &base, offset, &tally, &measuring, &stop).await;
        }));
    }
    // One period to open every socket and settle, then the measured window.
    tokio::time::sleep(PERIOD + Duration::from_secs(1)).await;
    let errors_before = tally.errors.load(Ordering::Relaxed);
    tally.sync.lock().await.clear();
    tally.acks.lock().await.clear();
    measuring.store(true, Ordering::Relaxed);
    let cpu_before = proc::cpu_seconds(hosted.pid())?;
    let t0 = Instant::now();
    tokio::time::sleep(window).await;
    let cpu = proc::cpu_seconds(hosted.pid())? - cpu_before;
    let wall = t0.elapsed();
    measuring.store(false, Ordering::Relaxed);
    let rss = proc::rss_kib(hosted.pid(), "VmRSS")?;
    let hwm = proc::rss_kib(hosted.pid(), "VmHWM")?;
    stop.notify_waiters();
    for t in tasks {
        t.abort();
    }
    drop(hosted);
    let errors = tally.errors.load(Ordering::Relaxed) - errors_before;
    let mut sync = std::mem::take(&mut *tally.sync.lock().await);
    let mut acks = std::mem::take(&mut *tally.acks.lock().await);
    let label = format!("{n} peers");
    let mut rows = vec![
        Row::new(
            "hosted-scale",
            format!("{label}: paired (8 at a time)"),
            format!("in {:.1} s", paired_in.as_secs_f64()),
        ),
        Row::new(
            "hosted-scale",
            format!(
                "{label}: sync request p50 / p99 ({} requests in {:.0} s)",
                sync.len(),
                wall.as_secs_f64()
            ),
            format!(
                "{} / {}",
                ms(quantile(&mut sync, 0.5)),
                ms(quantile(&mut sync, 0.99))
            ),
        )
        .target("p99 < 50 ms (1 000 peers)"),
        Row::new(
            "hosted-scale",
            format!(
                "{label}: telemetry batch ack p50 / p99 ({} batches of {EVENTS_PER_BATCH})",
                acks.len()
            ),
            format!(
                "{} / {}",
                ms(quantile(&mut acks, 0.5)),
                ms(quantile(&mut acks, 0.99))
            ),
        ),
        Row::new(
            "hosted-scale",
            format!("{label}: errors"),
            errors.to_string(),
        )
        .target("0"),
        Row::new(
            "hosted-scale",
            format!("{label}: hosted CPU (of one core)"),
            format!("{:.0} %", 100.0 * cpu / wall.as_secs_f64()),
        ),
        Row::new(
            "hosted-scale",
            format!("{label}: hosted RSS now / peak"),
            format!("{:.0} / {:.0} MB", rss as f64 / 1024.0, hwm as f64 / 1024.0),
        ),
    ];
    if let Some(e) = tally.first_error.lock().expect("lock").take() {
        rows.push(Row::new(
            "hosted-scale",
            format!("{label}: first error"),
            e.chars().take(160).collect::<String>(),
        ));
    }
    Ok(rows)
}

/// One simulated peer: its telemetry socket open, a sync and a batch of events every period.
async fn run_peer(
    mut peer: sim::SimPeer,
    http: &reqwest::Client,
    base: &str,
    offset: Duration,
    tally: &Tally,
    measuring: &std::sync::atomic::AtomicBool,
    stop: &tokio::sync::Notify,
) {
    tokio::time::sleep(offset).await;
    let socket = match peer.socket_request(base) {
        // With TCP_NODELAY, as the daemon's own telemetry client connects.
        Ok(request) => tokio_tungstenite::connect_async_with_config(request, None, true)
            .await
            .map_err(anyhow::Error::from),
        Err(e) => Err(e),
    };
    let (mut tx, mut rx) = match socket {
        Ok((ws, _)) => ws.split(),
        Err(e) => return tally.error(format!("socket: {e}")),
    };
    let sent_at = Arc::new(std::sync::Mutex::new(std::collections::HashMap::<
        String,
        Instant,
    >::new()));
    let acked = Arc::new(std::sync::Mutex::new(Vec::<Duration>::new()));
    let reader = {
        let (sent_at, acked) = (sent_at.clone(), acked.clone());
        async move {
            while let Some(Ok(msg)) = rx.next().await {
                let Message::Text(text) = msg else { continue };
                let frame: serde_json::Value =
                    serde_json::from_str(text.as_str()).unwrap_or_default();
                if frame["type"] == "ack"
                    && let Some(at) = frame["batch_id"]
                        .as_str()
                        .and_then(|id| sent_at.lock().expect("lock").remove(id))
                {
                    acked.lock().expect("lock").push(at.elapsed());
                }
            }
        }
    };
    let writer = async {
        let mut ticker = tokio::time::interval(PERIOD);
        for round in 0u64.. {
            ticker.tick().await;
            let id = format!("{}-{round}", peer.peer_id.len());
            sent_at
                .lock()
                .expect("lock")
                .insert(id.clone(), Instant::now());
            if let Err(e) = tx
                .send(Message::text(peer.batch(&id, EVENTS_PER_BATCH)))
                .await
            {
                tally.error(format!("telemetry send: {e}"));
            }
            match peer.sync(http, base).await {
                Ok(d) if measuring.load(Ordering::Relaxed) => tally.sync.lock().await.push(d),
                Ok(_) => {}
                Err(e) => tally.error(e),
            }
            let done = std::mem::take(&mut *acked.lock().expect("lock"));
            if measuring.load(Ordering::Relaxed) {
                tally.acks.lock().await.extend(done);
            }
        }
    };
    tokio::select! {
        _ = reader => tally.error("the telemetry socket closed"),
        _ = writer => {}
        _ = stop.notified() => {}
    }
}

/// Fails unless `n` is a size this scenario supports.
pub fn check_size(n: usize) -> anyhow::Result<()> {
    if n == 0 {
        bail!("a scale run needs at least one peer");
    }
    Ok(())
}
