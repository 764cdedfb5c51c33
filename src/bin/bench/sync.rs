//! `sync-latency` and `sync-throughput`: a local daemon paired with a hosted one.

use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use backend_8825::state::AppState;
use backend_8825::store::{KIND_CONVERSATION, KIND_MESSAGE, LOCAL_ACCOUNT, Record, Store};
use backend_8825::sync::sync_peer_now;
use serde_json::json;

use crate::daemons::{DbKind, Pair, PgSchema, call, in_schema};
use crate::floor;
use crate::report::{Row, percentiles, rate};
use backend_8825::sync::SyncAccess;
use backend_8825::telemetry::TelemetryAccess;

/// The batch size of one sync round trip (docs/sync.md): the raw insert uses the same.
const BATCH: usize = 500;

/// How long a timed write may take to cross before the run fails.
const SYNC_LIMIT: Duration = Duration::from_secs(10);

/// Polls `store` every millisecond until the record `id` of `account` is there.
pub async fn wait_for(
    store: &dyn Store,
    account: &str,
    id: &str,
    limit: Duration,
) -> anyhow::Result<()> {
    wait_until(store, account, id, None, limit).await
}

/// [`wait_for`] without its millisecond of slack: the store is asked again at each sync the
/// local daemon finishes (`finished`, subscribed to before the write), and at most a
/// millisecond after the last ask. A write crosses in one sync, so the time measured ends
/// within a fraction of a millisecond of the record arriving, not up to a tick after it.
async fn wait_for_synced(
    store: &dyn Store,
    account: &str,
    id: &str,
    finished: &mut tokio::sync::broadcast::Receiver<backend_8825::sync::SyncFinished>,
    limit: Duration,
) -> anyhow::Result<()> {
    wait_until(store, account, id, Some(finished), limit).await
}

/// Asks `store` for the record every millisecond, and at once at each finished sync when
/// given `finished`, until it is there or `limit` has passed.
async fn wait_until(
    store: &dyn Store,
    account: &str,
    id: &str,
    mut finished: Option<&mut tokio::sync::broadcast::Receiver<backend_8825::sync::SyncFinished>>,
    limit: Duration,
) -> anyhow::Result<()> {
    let deadline = Instant::now() + limit;
    while store.record(account, id).await?.is_none() {
        if Instant::now() > deadline {
            bail!("record {id} did not arrive within {limit:?}");
        }
        let synced = async {
            match finished.as_mut() {
                Some(finished) => drop(finished.recv().await),
                None => std::future::pending().await,
            }
        };
        tokio::select! {
            () = synced => {}
            () = tokio::time::sleep(Duration::from_millis(1)) => {}
        }
    }
    Ok(())
}

pub async fn latency(
    db: DbKind,
    writes: usize,
    pause: Duration,
    e2e: bool,
) -> anyhow::Result<Vec<Row>> {
    in_schema(db, async |pg| latency_on(db, pg, writes, pause, e2e).await).await
}

async fn latency_on(
    db: DbKind,
    pg: Option<&PgSchema>,
    writes: usize,
    pause: Duration,
    e2e: bool,
) -> anyhow::Result<Vec<Row>> {
    let pair = Pair::start(db, pg, true, |_| {}).await?;
    if e2e {
        crate::e2e::enable(&pair).await?;
    }
    let (hosted, local) = (&pair.hosted, &pair.local);
    let conv = call(
        &pair.http,
        "POST",
        &format!("{}/api/conversations", local.url),
        &pair.secret,
        Some(json!({"title": "latency"})),
    )
    .await?;
    let conv = conv["id"]
        .as_str()
        .context("no conversation id")?
        .to_string();
    let store = hosted.state.store.as_ref();
    wait_for(store, &pair.account.id, &conv, Duration::from_secs(10)).await?;
    let mut up = Vec::with_capacity(writes);
    let mut finished = local.state.sync().finished.subscribe();
    // Where the time of each direction goes: every sync each side times, from here on.
    local.state.sync().stats.take_durations();
    hosted.state.sync().stats.take_durations();
    for i in 0..writes {
        if !pause.is_zero() {
            tokio::time::sleep(pause).await;
        }
        while finished.try_recv().is_ok() {}
        let started = Instant::now();
        let id = post(
            &pair.http,
            &local.url,
            &pair.secret,
            &conv,
            &format!("up {i}"),
        )
        .await?;
        wait_for_synced(store, &pair.account.id, &id, &mut finished, SYNC_LIMIT).await?;
        up.push(started.elapsed());
    }
    let (mut up_call, mut up_answer) = (sync_durations(local), sync_durations(hosted));
    if e2e {
        return crate::e2e::latency_rows(db, pg, writes, &mut up).await;
    }
    // The poke socket must be up before hosted → local writes are timed.
    let down_warm = post(&pair.http, &hosted.url, &pair.token, &conv, "warm-up").await?;
    wait_for(
        local.state.store.as_ref(),
        LOCAL_ACCOUNT,
        &down_warm,
        Duration::from_secs(30),
    )
    .await?;

    // Hosted → local, with where the time goes: the write, the poke's arrival at the local
    // daemon, and the sync it sets off (a 20 ms debounce, then one round trip).
    local.state.sync().stats.take_durations();
    hosted.state.sync().stats.take_durations();
    let mut pokes = local.state.telemetry().subscribe_pokes();
    let (mut down, mut written, mut poked) = (Vec::new(), Vec::new(), Vec::new());
    for i in 0..writes {
        while pokes.try_recv().is_ok() {}
        while finished.try_recv().is_ok() {}
        if !pause.is_zero() {
            tokio::time::sleep(pause).await;
        }
        let started = Instant::now();
        let id = post(
            &pair.http,
            &hosted.url,
            &pair.token,
            &conv,
            &format!("down {i}"),
        )
        .await?;
        written.push(started.elapsed());
        if tokio::time::timeout(Duration::from_secs(10), pokes.recv())
            .await
            .is_ok()
        {
            poked.push(started.elapsed());
        }
        let store = local.state.store.as_ref();
        wait_for_synced(store, LOCAL_ACCOUNT, &id, &mut finished, SYNC_LIMIT).await?;
        down.push(started.elapsed());
    }
    let (mut down_call, mut down_answer) = (sync_durations(local), sync_durations(hosted));
    // The floor on each store a direction commits to: the hosted database for local →
    // hosted, the local SQLite for hosted → local (measured once when both are SQLite).
    let mut floor_local = floor::measure(DbKind::Sqlite, None, writes).await?;
    let mut floor_hosted = match db {
        DbKind::Sqlite => floor_local.clone(),
        DbKind::Postgres => floor::measure(db, pg, writes).await?,
    };
    let db_name = db_label(db);
    let mut rows = vec![
        Row::new(
            "sync-latency",
            format!("local → hosted ({db_name}), p50/p95/p99, {writes} writes"),
            percentiles(&mut up),
        )
        .target("p50 ≤ 5 ms, p99 ≤ 20 ms"),
        Row::new(
            "sync-latency",
            format!("hosted ({db_name}) → local via poke, p50/p95/p99, {writes} writes"),
            percentiles(&mut down),
        )
        .target("p50 ≤ 5 ms, p99 ≤ 20 ms"),
        Row::new(
            "sync-latency",
            "  of which: hosted API write answered, p50/p95/p99",
            percentiles(&mut written),
        ),
        Row::new(
            "sync-latency",
            format!(
                "  of which: poke received by local, p50/p95/p99 ({} of {writes})",
                poked.len()
            ),
            percentiles(&mut poked),
        ),
    ];
    for (direction, call, answer) in [
        ("local → hosted", &mut up_call, &mut up_answer),
        ("hosted → local", &mut down_call, &mut down_answer),
    ] {
        rows.push(Row::new(
            "sync-latency",
            format!(
                "  {direction}: the local daemon's syncs (request to answer applied), p50/p95/p99 ({})",
                call.len()
            ),
            percentiles(call),
        ));
        rows.push(Row::new(
            "sync-latency",
            format!(
                "  {direction}: the hosted side's answers (after the signature checks), p50/p95/p99 ({})",
                answer.len()
            ),
            percentiles(answer),
        ));
    }
    if db == DbKind::Postgres {
        rows.push(floor::row(db_name, &mut floor_hosted));
    }
    rows.extend([
        floor::row("SQLite", &mut floor_local),
        floor::ratio_row(
            &format!("local → hosted ({db_name})"),
            db_name,
            &mut up,
            &mut floor_hosted,
        ),
        floor::ratio_row(
            &format!("hosted ({db_name}) → local"),
            "SQLite",
            &mut down,
            &mut floor_local,
        ),
    ]);
    Ok(rows)
}

/// The durations of the syncs a daemon finished since they were last taken (its own calls
/// on a local daemon, its answers on a hosted one).
fn sync_durations(daemon: &crate::daemons::Daemon) -> Vec<Duration> {
    let taken = daemon.state.sync().stats.take_durations();
    taken
        .into_iter()
        .filter(|(_, ok, _)| *ok)
        .map(|(_, _, ms)| Duration::from_secs_f64(ms / 1000.0))
        .collect()
}

pub fn db_label(db: DbKind) -> &'static str {
    match db {
        DbKind::Sqlite => "SQLite",
        DbKind::Postgres => "Postgres",
    }
}

/// Writes a message through the API of the daemon at `base`; returns its id.
pub async fn post(
    http: &reqwest::Client,
    base: &str,
    bearer: &str,
    conv: &str,
    text: &str,
) -> anyhow::Result<String> {
    let url = format!("{base}/api/conversations/{conv}/messages");
    let body = call(
        http,
        "POST",
        &url,
        bearer,
        Some(json!({"role": "user", "content": text})),
    )
    .await?;
    Ok(body["id"].as_str().context("no message id")?.to_string())
}

/// `count` versions written by the daemon of `state`: one conversation and its messages,
/// each about 200 bytes of content.
fn records(state: &AppState, count: usize) -> Vec<Record> {
    let source = state.identity.backend_id.to_string();
    let now = state.clock.now_ms();
    let conv = uuid::Uuid::now_v7().to_string();
    let content = "x".repeat(200);
    (0..count)
        .map(|i| {
            let is_conv = i == 0;
            Record {
                kind: if is_conv {
                    KIND_CONVERSATION
                } else {
                    KIND_MESSAGE
                }
                .to_string(),
                id: if is_conv {
                    conv.clone()
                } else {
                    uuid::Uuid::now_v7().to_string()
                },
                conversation_id: (!is_conv).then(|| conv.clone()),
                title: is_conv.then(|| "throughput".to_string()),
                role: (!is_conv).then(|| "user".to_string()),
                content: (!is_conv).then(|| content.clone()),
                created_at: now,
                updated_at: now,
                deleted: false,
                version: state.sync().hlc.next(state.clock.as_ref()),
                source_backend: source.clone(),
                seq: 0,
                e2e: None,
                origin_peer: None,
            }
        })
        .collect()
}

/// Applies `rows` to `store` under `account` in batches of [`BATCH`]; the time it took.
async fn raw_insert(store: &dyn Store, account: &str, rows: &[Record]) -> anyhow::Result<Duration> {
    let started = Instant::now();
    for batch in rows.chunks(BATCH) {
        store.apply_versions(account, batch, None, None).await?;
    }
    Ok(started.elapsed())
}

async fn analyze(pg: Option<&PgSchema>) -> anyhow::Result<()> {
    match pg {
        Some(pg) => pg.analyze().await,
        None => Ok(()),
    }
}

/// Stands in for autovacuum (on by default, off on the test server) while a timed sync
/// grows the tables: `ANALYZE` every `period`, so that the daemons' cached plans are remade.
fn analyze_every(pg: Option<&PgSchema>, period: Duration) -> tokio::task::JoinHandle<()> {
    let pg = pg.map(PgSchema::handle);
    tokio::spawn(async move {
        let Some(pg) = pg else { return };
        loop {
            tokio::time::sleep(period).await;
            let _ = pg.analyze().await;
        }
    })
}

/// [`raw_insert`] for setting up, with the statistics refreshed every 10 000 rows.
async fn raw_insert_analyzed(
    store: &dyn Store,
    account: &str,
    rows: &[Record],
    pg: Option<&PgSchema>,
) -> anyhow::Result<()> {
    for chunk in rows.chunks(10_000) {
        analyze(pg).await?;
        raw_insert(store, account, chunk).await?;
    }
    Ok(())
}

/// With `refresh_stats` false, no `ANALYZE` runs on Postgres (as with autovacuum off).
pub async fn throughput(
    db: DbKind,
    count: usize,
    refresh_stats: bool,
    e2e: bool,
) -> anyhow::Result<Vec<Row>> {
    in_schema(db, async |pg| {
        throughput_on(db, pg, count, refresh_stats, e2e).await
    })
    .await
}

async fn throughput_on(
    db: DbKind,
    pg: Option<&PgSchema>,
    count: usize,
    refresh_stats: bool,
    e2e: bool,
) -> anyhow::Result<Vec<Row>> {
    // The scheduler stays off: the timed syncs are the only ones.
    let pair = Pair::start(db, pg, false, |_| {}).await?;
    if e2e {
        crate::e2e::enable(&pair).await?;
    }
    // The schema whose statistics are refreshed, if any.
    let stats = pg.filter(|_| refresh_stats);
    let (hosted, local) = (&pair.hosted.state, &pair.local.state);
    let db_name = if e2e {
        format!("{}, end-to-end encrypted", db_label(db))
    } else {
        db_label(db).to_string()
    };
    let mut rows = Vec::new();

    // local → hosted: the rows are in the local feed, then one sync sends them all.
    let up = records(local, count);
    raw_insert(local.store.as_ref(), LOCAL_ACCOUNT, &up).await?;
    let analyzer = analyze_every(stats, Duration::from_secs(5));
    let started = Instant::now();
    let summary = sync_peer_now(local, &pair.peer_id)
        .await
        .map_err(|e| anyhow::anyhow!("{}: {}", e.code, e.message))?;
    let took = started.elapsed();
    analyzer.abort();
    if summary.pushed != count {
        bail!("pushed {} of {count}", summary.pushed);
    }
    analyze(stats).await?;
    let raw = raw_insert(hosted.store.as_ref(), "bench-raw", &up).await?;
    rows.extend(throughput_rows(
        &format!("local → hosted ({db_name})"),
        count,
        took,
        raw,
        summary.round_trips,
    ));

    // hosted → local: the rows are in the account's feed on the hosted side.
    let down = records(hosted, count);
    let mut stored = down.clone();
    if e2e {
        // As a device of the account would have pushed them: sealed.
        crate::e2e::seal(&pair, &mut stored)?;
    }
    raw_insert_analyzed(hosted.store.as_ref(), &pair.account.id, &stored, stats).await?;
    analyze(stats).await?;
    let analyzer = analyze_every(stats, Duration::from_secs(5));
    let started = Instant::now();
    let summary = sync_peer_now(local, &pair.peer_id)
        .await
        .map_err(|e| anyhow::anyhow!("{}: {}", e.code, e.message))?;
    let took = started.elapsed();
    analyzer.abort();
    if summary.pulled != count || summary.unopened != 0 {
        bail!(
            "pulled {} of {count}, {} unopened",
            summary.pulled,
            summary.unopened
        );
    }
    let raw = raw_insert(local.store.as_ref(), "bench-raw", &down).await?;
    rows.extend(throughput_rows(
        &format!("hosted ({db_name}) → local (SQLite)"),
        count,
        took,
        raw,
        summary.round_trips,
    ));
    Ok(rows)
}

fn throughput_rows(
    what: &str,
    count: usize,
    took: Duration,
    raw: Duration,
    trips: usize,
) -> Vec<Row> {
    let (sync, raw) = (rate(count, took), rate(count, raw));
    vec![
        Row::new(
            "sync-throughput",
            format!("{what}: initial sync of {count} messages ({trips} round trips)"),
            format!("{sync:.0} msg/s"),
        ),
        Row::new(
            "sync-throughput",
            format!("{what}: raw apply_versions, batches of {BATCH}"),
            format!("{raw:.0} msg/s"),
        ),
        Row::new(
            "sync-throughput",
            format!("{what}: sync ÷ raw insert"),
            format!("{:.0} %", 100.0 * sync / raw),
        )
        .target("≥ 50 %"),
    ]
}
