//! The end-to-end load tool: `cargo run --release --bin bench -- <scenario> [--db ...]`.
//! Starts real daemons on loopback (see BENCHMARKS.md for the scenarios and the figures).

mod daemons;
mod drain;
mod e2e;
mod flood;
mod floor;
mod footprint;
mod handshake;
mod hosts;
mod pokes;
mod proc;
mod redact;
mod report;
mod scale;
mod sim;
mod sync;
mod telemetry;

use std::time::{Duration, Instant};

use clap::{Parser, ValueEnum};

use crate::daemons::{DbKind, PgSchema};
use crate::report::Row;

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
enum Scenario {
    SyncLatency,
    SyncThroughput,
    Telemetry,
    Handshake,
    HostedScale,
    Footprint,
    /// The PII redactor against its labelled corpus: recall, false positives, throughput.
    Redact,
    /// Refused anonymous requests against a hosted daemon on Postgres while a paired peer
    /// syncs: what they leave in the database (not part of `all`: it takes minutes).
    Flood,
    /// The offline queue: messages written on a local daemon while its hosted peer is down,
    /// then the time to send them all once it is back, and both daemons' peak memory (not
    /// part of `all`: it takes minutes).
    Drain,
    /// Every scenario (the sync ones on SQLite and on Postgres), then one Markdown table.
    All,
}

/// Benchmarks of backend-8825 against real daemons on loopback. Postgres is reached at
/// `DATABASE_URL` (default postgres://postgres@127.0.0.1:5432/postgres); each run works in a
/// schema of its own and drops it.
#[derive(Debug, Parser)]
struct Args {
    scenario: Scenario,
    /// The hosted daemon's database [default: postgres; `all` runs the sync scenarios on both].
    #[arg(long, value_enum)]
    db: Option<DbKind>,
    /// sync-latency: writes timed in each direction, and signed round trips timed for the
    /// floor on each database.
    #[arg(long, default_value_t = 1000)]
    writes: usize,
    /// sync-latency: milliseconds between one write being readable and the next write.
    #[arg(long, default_value_t = 0)]
    pause_ms: u64,
    /// sync-throughput: messages of the initial sync, in each direction.
    #[arg(long, default_value_t = 100_000)]
    messages: usize,
    /// sync-throughput on Postgres: no `ANALYZE` during the run (by default the bench stands
    /// in for autovacuum, which is off on some servers, with one every 5 s).
    #[arg(long)]
    no_analyze: bool,
    /// sync-latency, sync-throughput: the account end-to-end encrypted (enabled on the
    /// local daemon first). sync-latency then times local → hosted only: the hosted API
    /// refuses writes in an encrypted account.
    #[arg(long)]
    e2e: bool,
    /// telemetry: events emitted in each run.
    #[arg(long, default_value_t = 20_000)]
    events: usize,
    /// telemetry: tasks emitting at once, one run each with the limits lifted (concurrent
    /// emits share outbox transactions); the default-limits run uses the most.
    #[arg(long, value_delimiter = ',', default_values_t = [1, 32, 256])]
    emitters: Vec<usize>,
    /// handshake: pairings.
    #[arg(long, default_value_t = 1000)]
    pairings: usize,
    /// hosted-scale: numbers of simulated peers, one run each (the open-files soft limit is
    /// raised to the hard limit, which must allow a socket per peer and some room).
    #[arg(long, value_delimiter = ',', default_values_t = [100, 1000])]
    peers: Vec<usize>,
    /// hosted-scale: seconds measured once every peer is up.
    #[arg(long, default_value_t = 30)]
    window: u64,
    /// hosted-scale: hosted processes on one Postgres schema, the peers spread over them
    /// alternately (with 2, the poke latency is also timed across instances).
    #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u64).range(1..=16))]
    instances: u64,
    /// hosted-scale: how many of each run's peers sync and send a telemetry batch every 5 s;
    /// the others only keep their telemetry socket open (idle peers: `--peers 10000` is 1000
    /// active and 9000 idle).
    #[arg(long, default_value_t = 1000)]
    active: usize,
    /// hosted-scale: writes on the account API timed until their poke reaches the peer's
    /// socket, for each poke latency figure.
    #[arg(long, default_value_t = 300)]
    pokes: usize,
    /// footprint: seconds the local daemon idles before its RSS is read (not hosted-scale's
    /// idle peers: see --active).
    #[arg(long, default_value_t = 10)]
    idle: u64,
    /// redact: seconds each throughput measurement runs.
    #[arg(long, default_value_t = 5)]
    seconds: u64,
    /// drain: messages written on the local daemon while the hosted one is down.
    #[arg(long, default_value_t = 100_000)]
    offline_writes: usize,
    /// flood: refused requests sent for each address pattern.
    #[arg(long, default_value_t = 100_000)]
    requests: usize,
    /// flood: numbers of client addresses (`Fly-Client-IP`) the requests come from, one run
    /// each.
    #[arg(long, value_delimiter = ',', default_values_t = [1, 10_000])]
    addresses: Vec<usize>,
    /// flood: requests in flight at once.
    #[arg(long, default_value_t = 256)]
    in_flight: usize,
}

async fn run(args: &Args, scenario: Scenario, db: DbKind) -> anyhow::Result<Vec<Row>> {
    match scenario {
        Scenario::SyncLatency => {
            sync::latency(
                db,
                args.writes,
                Duration::from_millis(args.pause_ms),
                args.e2e,
            )
            .await
        }
        Scenario::SyncThroughput => {
            sync::throughput(db, args.messages, !args.no_analyze, args.e2e).await
        }
        Scenario::Telemetry => telemetry::run(db, args.events, &args.emitters).await,
        Scenario::Handshake => handshake::run(db, args.pairings).await,
        Scenario::HostedScale => {
            for n in &args.peers {
                scale::check_size(*n)?;
            }
            let opts = scale::ScaleOptions {
                sizes: args.peers.clone(),
                window: Duration::from_secs(args.window),
                instances: args.instances as usize,
                active: args.active,
                pokes: args.pokes,
            };
            scale::hosted_scale(&opts).await
        }
        Scenario::Footprint => footprint::run(Duration::from_secs(args.idle)).await,
        Scenario::Redact => redact::run(args.seconds),
        Scenario::Flood => flood::run(args.requests, &args.addresses, args.in_flight).await,
        Scenario::Drain => drain::run(db, args.offline_writes).await,
        Scenario::All => unreachable!("expanded by main"),
    }
}

fn machine() -> String {
    let cpu = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|c| {
            c.lines()
                .find(|l| l.starts_with("model name"))
                .map(|l| l.split(':').nth(1).unwrap_or("").trim().to_string())
        })
        .unwrap_or_else(|| "?".into());
    let ram = std::fs::read_to_string("/proc/meminfo")
        .ok()
        .and_then(|m| {
            m.lines()
                .next()
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|k| k.parse::<f64>().ok())
        })
        .map_or("?".into(), |kib| {
            format!("{:.1} GiB", kib / 1024.0 / 1024.0)
        });
    let os = std::fs::read_to_string("/etc/os-release")
        .ok()
        .and_then(|o| {
            o.lines()
                .find(|l| l.starts_with("PRETTY_NAME="))
                .map(|l| l[12..].trim_matches('"').to_string())
        })
        .unwrap_or_else(|| std::env::consts::OS.into());
    let cores = std::thread::available_parallelism().map_or(0, |n| n.get());
    format!("{cores} cores, {cpu}, {ram} RAM, {os}")
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let _ = rustls::crypto::ring::default_provider().install_default();
    let args = Args::parse();
    let plan: Vec<(Scenario, DbKind)> = match args.scenario {
        Scenario::All => {
            let sync_dbs = args
                .db
                .map_or(vec![DbKind::Sqlite, DbKind::Postgres], |d| vec![d]);
            let mut plan = Vec::new();
            for s in [Scenario::SyncLatency, Scenario::SyncThroughput] {
                plan.extend(sync_dbs.iter().map(|d| (s, *d)));
            }
            let db = args.db.unwrap_or(DbKind::Postgres);
            plan.extend(
                [
                    Scenario::Telemetry,
                    Scenario::Handshake,
                    Scenario::HostedScale,
                    Scenario::Footprint,
                    Scenario::Redact,
                ]
                .map(|s| (s, db)),
            );
            plan
        }
        s => vec![(s, args.db.unwrap_or(DbKind::Postgres))],
    };
    eprintln!(
        "machine: {}; PostgreSQL {}",
        machine(),
        PgSchema::server_version().await
    );
    let started = Instant::now();
    let mut rows = Vec::new();
    let mut failed = 0;
    for (scenario, db) in plan {
        let load = report::load_average();
        let t = Instant::now();
        eprintln!("== {scenario:?} on {db:?} (load average {load})");
        let result = run(&args, scenario, db).await;
        match result {
            Ok(r) => {
                report::print_rows(&r);
                rows.extend(r);
            }
            Err(e) => {
                failed += 1;
                eprintln!("  failed: {e:#}");
                rows.push(Row::new(
                    "error",
                    format!("{scenario:?} on {db:?}"),
                    format!("{e:#}"),
                ));
            }
        }
        eprintln!(
            "   took {:.0} s, load average after: {}",
            t.elapsed().as_secs_f64(),
            report::load_average()
        );
    }
    println!("{}", report::markdown(&rows));
    println!(
        "machine: {}; PostgreSQL {}; total {:.0} s",
        machine(),
        PgSchema::server_version().await,
        started.elapsed().as_secs_f64()
    );
    if failed > 0 {
        anyhow::bail!("{failed} scenario(s) failed");
    }
    Ok(())
}
