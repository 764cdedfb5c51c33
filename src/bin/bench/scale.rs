//! `hosted-scale`: simulated peers against hosted daemons in processes of their own, on
//! Postgres (src/bin/bench/hosts.rs), some syncing and sending telemetry, the rest idle.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use anyhow::bail;
use backend_8825::identity::IdentityKey;
use futures_util::{SinkExt, StreamExt};
use tokio::sync::Mutex;
use tokio_tungstenite::tungstenite::Message;

use crate::daemons::PgSchema;
use crate::hosts::{self, Hosts};
use crate::pokes;
use crate::proc;
use crate::report::{Row, ms, quantile};
use crate::sim;

/// Latencies and errors the simulated peers collect.
#[derive(Default)]
struct Tally {
    sync: Mutex<Vec<Duration>>,
    acks: Mutex<Vec<Duration>>,
    errors: AtomicU64,
    /// Telemetry sockets open now.
    open: AtomicU64,
    /// Each distinct error (its first 160 characters) and how often it came, over the run.
    causes: std::sync::Mutex<std::collections::BTreeMap<String, u64>>,
}

impl Tally {
    fn error(&self, e: impl std::fmt::Display) {
        self.errors.fetch_add(1, Ordering::Relaxed);
        let cause: String = e.to_string().chars().take(160).collect();
        *self.causes.lock().expect("lock").entry(cause).or_default() += 1;
    }
}

const PERIOD: Duration = Duration::from_secs(5);
const EVENTS_PER_BATCH: usize = 10;

/// What `hosted-scale` runs.
pub struct ScaleOptions {
    /// Numbers of simulated peers, one run each.
    pub sizes: Vec<usize>,
    /// The measured window.
    pub window: Duration,
    /// Hosted processes on one schema; the peers go to them alternately.
    pub instances: usize,
    /// Peers that sync and send telemetry every period; the others keep their socket open.
    pub active: usize,
    /// Writes timed for each poke latency figure.
    pub pokes: usize,
}

pub async fn hosted_scale(opts: &ScaleOptions) -> anyhow::Result<Vec<Row>> {
    let limit = proc::raise_open_files()?;
    let largest = opts.sizes.iter().copied().max().unwrap_or(0);
    if (largest + opts.active.min(largest) + 256) as u64 > limit {
        bail!(
            "this process may open {limit} files, too few for {largest} peers: raise the hard limit (ulimit -Hn)"
        );
    }
    let (keys, _) = sim::keygen(largest.min(200)).await?;
    let mut rows = Vec::new();
    for &n in &opts.sizes {
        let pg = PgSchema::create().await?;
        let result = scale_once(&pg, &keys, n, opts).await;
        pg.drop_now().await;
        rows.extend(result?);
    }
    Ok(rows)
}

async fn scale_once(
    pg: &PgSchema,
    keys: &[Arc<IdentityKey>],
    n: usize,
    opts: &ScaleOptions,
) -> anyhow::Result<Vec<Row>> {
    let hosts = Hosts::start(pg, opts.instances).await?;
    hosts.check_open_files(n + 1)?;
    let store = backend_8825::store::connect(&pg.url, 4).await?;
    let http = reqwest::Client::builder()
        .no_proxy()
        .pool_max_idle_per_host(2048)
        .build()?;
    let (peers, paired_in) = hosts::pair_all(store.as_ref(), &http, &hosts, keys, n).await?;
    let probe = pokes::pair(store.as_ref(), &http, &hosts, keys[0].clone(), n).await?;
    store.close().await;

    let tally = Arc::new(Tally::default());
    let measuring = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let stop = Arc::new(tokio::sync::Notify::new());
    let (opened, mut open) = tokio::sync::mpsc::unbounded_channel();
    let active = opts.active.min(n);
    let idle = n - active;
    let idle_over = Duration::from_millis(2) * idle as u32;
    let mut tasks = Vec::new();
    for (i, peer) in peers.into_iter().enumerate() {
        let (http, base, tally, measuring, stop, opened) = (
            http.clone(),
            hosts.url_for(i).to_string(),
            tally.clone(),
            measuring.clone(),
            stop.clone(),
            opened.clone(),
        );
        // The idle peers' sockets first, spread over 2 ms a socket (each upgrade costs the
        // hosted side a signature check and a few statements), then the active peers,
        // spread evenly over the period.
        let (is_active, offset) = match i < active {
            true => (true, idle_over + PERIOD.mul_f64(i as f64 / active as f64)),
            false => (false, idle_over.mul_f64((i - active) as f64 / idle as f64)),
        };
        tasks.push(tokio::spawn(async move {
            let run = Run {
                http: &http,
                base: &base,
                offset,
                active: is_active,
                tally: &tally,
                measuring: &measuring,
                opened,
            };
            run_peer(peer, run, &stop).await;
        }));
    }
    // Every socket opened (or failed to), then one period for every active peer to make
    // its first round, then the measured window.
    drop(opened);
    while open.recv().await.is_some() {}
    tokio::time::sleep(PERIOD).await;
    let errors_before = tally.errors.load(Ordering::Relaxed);
    tally.sync.lock().await.clear();
    tally.acks.lock().await.clear();
    measuring.store(true, Ordering::Relaxed);
    let cpu_before = hosts.cpu_seconds()?;
    let t0 = Instant::now();
    tokio::time::sleep(opts.window).await;
    let cpu_after = hosts.cpu_seconds()?;
    let wall = t0.elapsed();
    measuring.store(false, Ordering::Relaxed);
    let rss = hosts.rss_kib("VmRSS")?;
    let hwm = hosts.rss_kib("VmHWM")?;
    let errors = tally.errors.load(Ordering::Relaxed) - errors_before;
    let open = tally.open.load(Ordering::Relaxed);
    let label = match (opts.instances, active < n) {
        (1, false) => format!("{n} peers"),
        (1, true) => format!("{n} peers ({active} active)"),
        (k, false) => format!("{n} peers on {k} instances"),
        (k, true) => format!("{n} peers ({active} active) on {k} instances"),
    };
    // The other peers keep going while the pokes are timed.
    let pokes = pokes::measure(&probe, &http, &hosts, opts.pokes, &label).await;
    stop.notify_waiters();
    for t in tasks {
        t.abort();
    }
    let started_rss = hosts.rss_at_start.clone();
    drop(hosts);
    let mut sync = std::mem::take(&mut *tally.sync.lock().await);
    let mut acks = std::mem::take(&mut *tally.acks.lock().await);
    let cpu: Vec<f64> = cpu_after
        .iter()
        .zip(&cpu_before)
        .map(|(a, b)| 100.0 * (a - b) / wall.as_secs_f64())
        .collect();
    let mb = |kib: &[u64]| kib.iter().map(|k| *k as f64 / 1024.0).collect::<Vec<_>>();
    let grown = rss
        .iter()
        .sum::<u64>()
        .saturating_sub(started_rss.iter().sum());
    let mut rows = vec![
        Row::new(
            "hosted-scale",
            format!("{label}: paired ({} at a time)", hosts::PAIRING),
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
            format!("{label}: telemetry sockets open at the window's end"),
            format!("{open} of {n}"),
        )
        .target("all"),
        Row::new(
            "hosted-scale",
            format!("{label}: hosted CPU (of one core)"),
            summed(&cpu, "%"),
        ),
        Row::new(
            "hosted-scale",
            format!("{label}: hosted RSS now / peak"),
            format!("{} / {}", summed(&mb(&rss), ""), summed(&mb(&hwm), "MB")),
        ),
        Row::new(
            "hosted-scale",
            format!("{label}: hosted memory per peer, RSS ÷ {n} / growth since start ÷ {n}"),
            format!(
                "{:.1} / {:.1} KiB",
                rss.iter().sum::<u64>() as f64 / n as f64,
                grown as f64 / n as f64
            ),
        ),
    ];
    match pokes {
        Ok(r) => rows.extend(r),
        Err(e) => rows.push(
            Row::new(
                "hosted-scale",
                format!("{label}: poke latency failed"),
                format!("{e:#}").chars().take(160).collect::<String>(),
            )
            .target("no failure"),
        ),
    }
    let mut causes: Vec<_> = std::mem::take(&mut *tally.causes.lock().expect("lock"))
        .into_iter()
        .collect();
    causes.sort_by_key(|c| std::cmp::Reverse(c.1));
    if !causes.is_empty() {
        let top: Vec<String> = causes
            .iter()
            .take(3)
            .map(|(e, n)| format!("{n} × {e}"))
            .collect();
        rows.push(Row::new(
            "hosted-scale",
            format!("{label}: errors over the whole run, most frequent first"),
            top.join("; "),
        ));
    }
    Ok(rows)
}

/// `values` summed, rounded, with the instances' own in brackets when there are several:
/// `41 % (21 + 20)`.
fn summed(values: &[f64], unit: &str) -> String {
    let total = format!(
        "{:.0}{}{unit}",
        values.iter().sum::<f64>(),
        if unit.is_empty() { "" } else { " " }
    );
    if values.len() < 2 {
        return total;
    }
    let parts: Vec<String> = values.iter().map(|v| format!("{v:.0}")).collect();
    format!("{total} ({})", parts.join(" + "))
}

/// What one simulated peer needs from the run.
struct Run<'a> {
    http: &'a reqwest::Client,
    base: &'a str,
    offset: Duration,
    /// Whether it syncs and sends a batch every period, or only keeps its socket open.
    active: bool,
    tally: &'a Tally,
    measuring: &'a std::sync::atomic::AtomicBool,
    /// Dropped once its socket is open or failed to open.
    opened: tokio::sync::mpsc::UnboundedSender<()>,
}

/// One simulated peer: its telemetry socket open and, if active, a sync and a batch of
/// events every period.
async fn run_peer(mut peer: sim::SimPeer, run: Run<'_>, stop: &tokio::sync::Notify) {
    let Run {
        http,
        base,
        offset,
        active,
        tally,
        measuring,
        opened,
    } = run;
    tokio::time::sleep(offset).await;
    let socket = peer.open_socket(base).await;
    drop(opened);
    let (mut tx, mut rx) = match socket {
        Ok(ws) => ws.split(),
        Err(e) => return tally.error(format!("socket: {e}")),
    };
    tally.open.fetch_add(1, Ordering::Relaxed);
    let sent_at = Arc::new(std::sync::Mutex::new(std::collections::HashMap::<
        String,
        Instant,
    >::new()));
    let acked = Arc::new(std::sync::Mutex::new(Vec::<Duration>::new()));
    let reader = {
        let (sent_at, acked) = (sent_at.clone(), acked.clone());
        async move {
            // Why the socket ended, for the first error row.
            loop {
                let text = match rx.next().await {
                    Some(Ok(Message::Text(text))) => text,
                    Some(Ok(Message::Close(frame))) => {
                        return format!("the telemetry socket closed: {frame:?}");
                    }
                    Some(Ok(_)) => continue,
                    Some(Err(e)) => return format!("the telemetry socket failed: {e}"),
                    None => return "the telemetry socket closed".to_string(),
                };
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
        if !active {
            return std::future::pending().await;
        }
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
        why = reader => {
            tally.open.fetch_sub(1, Ordering::Relaxed);
            tally.error(why);
        }
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
