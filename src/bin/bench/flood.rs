//! `flood`: refused anonymous requests against a hosted daemon on Postgres, from one client
//! address and from many (`Fly-Client-IP`), while a paired local daemon writes a message
//! every 100 ms through its API and syncs on its own. Measures what the flood leaves in the
//! database (every table's size, the audit rows) and whether the peer kept syncing.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use backend_8825::accounts::secrets::ACCOUNT_TOKEN_PREFIX;
use backend_8825::identity::IdentityKey;
use serde_json::json;

use crate::daemons::{DbKind, Pair, PgSchema, call, in_schema};
use crate::report::{self, Row, percentiles, rate};
use crate::sim;
use crate::sync::{post, wait_for};

/// The header the hosted daemon takes the client address from, as behind Fly's proxy.
const IP_HEADER: &str = "Fly-Client-IP";
/// The flood's address when it comes from one (TEST-NET-3); the peer syncs from loopback.
const ONE_ADDRESS: &str = "203.0.113.7";
const PEER_WRITE_EVERY: Duration = Duration::from_millis(100);
/// How long after the flood a write made during it may take to reach the hosted side
/// before the peer counts as having stopped syncing.
const GRACE: Duration = Duration::from_secs(10);
/// Signed registrations with wrong codes, replayed in turn (the hosted side keeps no
/// nonce of a refused registration, so an attacker signs a few once).
const WRONG_CODES: usize = 16;
/// The three kinds of refused request, taken in turn.
const KINDS: [&str; 3] = [
    "unsigned POST /sync/{random peer id}",
    "account API with a bad token",
    "POST /register-peer, wrong pairing code",
];

pub async fn run(
    requests: usize,
    addresses: &[usize],
    in_flight: usize,
) -> anyhow::Result<Vec<Row>> {
    let key = Arc::new(tokio::task::spawn_blocking(IdentityKey::generate).await??);
    let (mut rows, mut stalled) = (Vec::new(), Vec::new());
    for &n in addresses {
        let n = n.max(1);
        let label = match n {
            1 => "1 address".to_string(),
            n => format!("{n} addresses"),
        };
        let (r, kept_syncing) = in_schema(DbKind::Postgres, async |pg| {
            let pg = pg.context("the flood runs on Postgres")?;
            flood_on(pg, requests, n, in_flight, &key, &label).await
        })
        .await?;
        rows.extend(r);
        if !kept_syncing {
            stalled.push(label);
        }
    }
    if !stalled.is_empty() {
        report::print_rows(&rows);
        bail!(
            "the paired peer stopped syncing (flood from {})",
            stalled.join(", ")
        );
    }
    Ok(rows)
}

/// The database as the flood found or left it.
struct Snapshot {
    tables: BTreeMap<String, i64>,
    audit_rows: i64,
    /// The sum of `count`: the refusals the rows stand for.
    audit_counted: i64,
    /// Rows that count new sources together (`ip` = `*`).
    many_sources: i64,
}

impl Snapshot {
    async fn take(pg: &PgSchema) -> anyhow::Result<Self> {
        let tables = pg.table_sizes().await?;
        let (audit_rows, audit_counted, many_sources): (i64, i64, i64) = sqlx::query_as(
            "SELECT count(*), coalesce(sum(count), 0)::bigint, \
             count(*) FILTER (WHERE ip = '*') FROM audit_log",
        )
        .fetch_one(&mut pg.connect().await?)
        .await?;
        Ok(Self {
            tables,
            audit_rows,
            audit_counted,
            many_sources,
        })
    }

    fn total(&self) -> i64 {
        self.tables.values().sum()
    }

    fn table(&self, name: &str) -> i64 {
        self.tables.get(name).copied().unwrap_or(0)
    }
}

fn kib(bytes: i64) -> String {
    format!("{:.0} kB", bytes as f64 / 1024.0)
}

/// The writes the peer made and when each reached the hosted store.
#[derive(Default)]
struct PeerLog {
    pending: Vec<(String, Instant)>,
    /// (written at, reached the hosted store at)
    arrived: Vec<(Instant, Instant)>,
    errors: usize,
}

async fn flood_on(
    pg: &PgSchema,
    requests: usize,
    addresses: usize,
    in_flight: usize,
    key: &Arc<IdentityKey>,
    label: &str,
) -> anyhow::Result<(Vec<Row>, bool)> {
    let hosted_ip = |c: &mut backend_8825::config::Config| {
        c.http.client_ip_header = Some(IP_HEADER.into());
    };
    let pair = Pair::start_with(DbKind::Postgres, Some(pg), true, hosted_ip, |_| {}).await?;
    let conv = call(
        &pair.http,
        "POST",
        &format!("{}/api/conversations", pair.local.url),
        &pair.secret,
        Some(json!({"title": "flood"})),
    )
    .await?;
    let conv = conv["id"]
        .as_str()
        .context("no conversation id")?
        .to_string();
    let hosted_store = pair.hosted.state.store.clone();
    wait_for(hosted_store.as_ref(), &pair.account.id, &conv, GRACE).await?;
    let before = Snapshot::take(pg).await?;
    let registrations =
        sim::wrong_code_registrations(&pair.hosted.state.identity, key, WRONG_CODES)?;

    // The peer: a write every 100 ms, and a watch on the hosted store for each.
    let log = Arc::new(Mutex::new(PeerLog::default()));
    let writing = Arc::new(AtomicBool::new(true));
    let watching = Arc::new(AtomicBool::new(true));
    let writer = {
        let (log, writing) = (log.clone(), writing.clone());
        let pair_local = (
            pair.http.clone(),
            pair.local.url.clone(),
            pair.secret.clone(),
        );
        let conv = conv.clone();
        tokio::spawn(async move {
            let (http, url, secret) = pair_local;
            let mut tick = tokio::time::interval(PEER_WRITE_EVERY);
            tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            let mut i = 0;
            while writing.load(Ordering::Relaxed) {
                tick.tick().await;
                let started = Instant::now();
                i += 1;
                match post(
                    &http,
                    &url,
                    &secret,
                    &conv,
                    &format!("during the flood {i}"),
                )
                .await
                {
                    Ok(id) => log.lock().expect("lock").pending.push((id, started)),
                    Err(_) => log.lock().expect("lock").errors += 1,
                }
            }
        })
    };
    let watcher = {
        let (log, watching, account) = (log.clone(), watching.clone(), pair.account.id.clone());
        tokio::spawn(async move {
            while watching.load(Ordering::Relaxed) {
                let pending = log.lock().expect("lock").pending.clone();
                for (id, started) in pending {
                    if let Ok(Some(_)) = hosted_store.record(&account, &id).await {
                        let mut log = log.lock().expect("lock");
                        log.pending.retain(|(p, _)| *p != id);
                        log.arrived.push((started, Instant::now()));
                    }
                }
                tokio::time::sleep(Duration::from_millis(2)).await;
            }
        })
    };

    let load = report::load_average();
    let started = Instant::now();
    let statuses = flood(
        &pair.hosted.url,
        requests,
        addresses,
        in_flight,
        &registrations,
    )
    .await?;
    let took = started.elapsed();
    let flood_end = Instant::now();
    writing.store(false, Ordering::Relaxed);
    writer.await?;
    let deadline = Instant::now() + GRACE;
    while !log.lock().expect("lock").pending.is_empty() && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    watching.store(false, Ordering::Relaxed);
    watcher.await?;
    let after = Snapshot::take(pg).await?;
    // A clean stop writes the counts of the coalescing windows still open.
    let Pair { hosted, local, .. } = pair;
    drop(local);
    let stopped_cleanly = hosted.shut_down(Duration::from_secs(30)).await;
    let stopped = Snapshot::take(pg).await?;

    let log = log.lock().expect("lock");
    let writes = log.arrived.len() + log.pending.len();
    let during: Vec<_> = log.arrived.iter().filter(|(w, _)| *w < flood_end).collect();
    let made_during = during.len() + log.pending.len();
    let reached_during = during.iter().filter(|(_, a)| *a <= flood_end).count();
    let mut latency: Vec<Duration> = during.iter().map(|(w, a)| *a - *w).collect();
    let kept_syncing = log.pending.is_empty() && log.errors == 0 && reached_during > 0;

    let scenario = "flood";
    let mut rows = vec![Row::new(
        scenario,
        format!("{label}: {requests} refused requests, {in_flight} in flight (load {load})"),
        format!(
            "{:.0} req/s ({:.1} s)",
            rate(requests, took),
            took.as_secs_f64()
        ),
    )];
    for (kind, mix) in KINDS.iter().zip(&statuses) {
        rows.push(Row::new(
            scenario,
            format!("  {kind}: statuses"),
            status_mix(mix),
        ));
    }
    rows.push(
        Row::new(
            scenario,
            format!("{label}: database size before → after the flood → after a clean stop"),
            format!(
                "{} → {} → {} (+{})",
                kib(before.total()),
                kib(after.total()),
                kib(stopped.total()),
                kib(stopped.total() - before.total())
            ),
        )
        .target("bounded"),
    );
    rows.push(Row::new(
        scenario,
        "  audit_log size before → after → after stop",
        format!(
            "{} → {} → {}",
            kib(before.table("audit_log")),
            kib(after.table("audit_log")),
            kib(stopped.table("audit_log"))
        ),
    ));
    rows.push(Row::new(
        scenario,
        "  audit rows written (of which ip = *), refusals they count",
        format!(
            "{} ({}), {}",
            stopped.audit_rows - before.audit_rows,
            stopped.many_sources - before.many_sources,
            stopped.audit_counted - before.audit_counted
        ),
    ));
    let grew: Vec<String> = stopped
        .tables
        .iter()
        .filter(|(name, size)| **size != before.table(name))
        .map(|(name, size)| format!("{name} +{}", kib(size - before.table(name))))
        .collect();
    rows.push(Row::new(
        scenario,
        "  tables that grew (before → after stop)",
        grew.join(", "),
    ));
    rows.push(
        Row::new(
            scenario,
            format!("{label}: peer writes during the flood / reached hosted during it / in all"),
            format!(
                "{made_during} / {reached_during} / {} of {writes}{}",
                log.arrived.len(),
                if stopped_cleanly {
                    ""
                } else {
                    " (hosted did not stop cleanly)"
                }
            ),
        )
        .target("all"),
    );
    rows.push(Row::new(
        scenario,
        "  peer write → hosted during the flood, p50/p95/p99",
        percentiles(&mut latency),
    ));
    Ok((rows, kept_syncing))
}

fn status_mix(mix: &BTreeMap<u16, usize>) -> String {
    mix.iter()
        .map(|(status, n)| match status {
            0 => format!("no answer: {n}"),
            s => format!("{s}: {n}"),
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// `requests` refused requests, `in_flight` at a time, the three kinds in turn, from
/// `addresses` client addresses in turn; the statuses answered, per kind (0: no answer).
async fn flood(
    base: &str,
    requests: usize,
    addresses: usize,
    in_flight: usize,
    registrations: &[Vec<u8>],
) -> anyhow::Result<[BTreeMap<u16, usize>; 3]> {
    let http = reqwest::Client::builder()
        .no_proxy()
        .pool_max_idle_per_host(in_flight)
        .timeout(Duration::from_secs(30))
        .build()?;
    let next = Arc::new(AtomicUsize::new(0));
    let registrations = Arc::new(registrations.to_vec());
    let mut workers = Vec::new();
    for _ in 0..in_flight.max(1) {
        let (http, next, registrations) = (http.clone(), next.clone(), registrations.clone());
        let base = base.to_string();
        workers.push(tokio::spawn(async move {
            let mut seen: [BTreeMap<u16, usize>; 3] = Default::default();
            loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                if i >= requests {
                    return seen;
                }
                let ip = match addresses {
                    1 => ONE_ADDRESS.to_string(),
                    n => sim::client_ip(i % n),
                };
                let kind = i % 3;
                let request = match kind {
                    0 => http
                        .post(format!("{base}/sync/{}", uuid::Uuid::new_v4()))
                        .header("content-type", "application/json")
                        .body(r#"{"v":1,"since":null,"changes":[],"limit":500}"#),
                    1 => {
                        let request = match (i / 3) % 3 {
                            0 => http.get(format!("{base}/api/conversations")),
                            1 => http.get(format!("{base}/peers")),
                            _ => http
                                .post(format!("{base}/pairing-codes"))
                                .header("content-type", "application/json")
                                .body("{}"),
                        };
                        // Shaped like a token, so each costs a lookup.
                        let token = uuid::Uuid::new_v4().simple();
                        request.bearer_auth(format!("{ACCOUNT_TOKEN_PREFIX}{token}"))
                    }
                    _ => http
                        .post(format!("{base}/register-peer"))
                        .header("content-type", "application/json")
                        .body(registrations[(i / 3) % registrations.len()].clone()),
                };
                let status = match request.header(IP_HEADER, ip).send().await {
                    Ok(response) => {
                        let status = response.status().as_u16();
                        let _ = response.bytes().await;
                        status
                    }
                    Err(_) => 0,
                };
                *seen[kind].entry(status).or_default() += 1;
            }
        }));
    }
    let mut statuses: [BTreeMap<u16, usize>; 3] = Default::default();
    for worker in workers {
        for (total, seen) in statuses.iter_mut().zip(worker.await?) {
            for (status, n) in seen {
                *total.entry(status).or_default() += n;
            }
        }
    }
    Ok(statuses)
}
