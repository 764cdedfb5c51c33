//! `telemetry`: events emitted on a local daemon, stored on the hosted one through the
//! outbox, the signed socket and acknowledgements; and, in the same run, the same frames over
//! a bare WebSocket on loopback (no outbox, no signatures, no database): the limit.

use std::collections::HashSet;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use backend_8825::telemetry::{Level, TelemetryEvent, TelemetryLimits, emit};
use futures_util::{SinkExt, StreamExt};
use tokio_tungstenite::tungstenite::Message;

use crate::daemons::{DbKind, Pair, PgSchema, in_schema};
use crate::report::{Row, rate};
use crate::sync::db_label;
use backend_8825::telemetry::TelemetryAccess;

const NAME: &str = "bench.event";

fn event(i: usize) -> TelemetryEvent {
    TelemetryEvent::new(NAME, Level::Info, chrono::Utc::now())
        .with_duration_ms(1.5)
        .with_attribute("i", i)
        .with_attribute("outcome", "ok")
}

/// One run with the default limits (as many emitters as the most in `emitters`), then one
/// with the limits lifted for each count in `emitters`, then the bare WebSocket.
pub async fn run(db: DbKind, events: usize, emitters: &[usize]) -> anyhow::Result<Vec<Row>> {
    let most = emitters.iter().copied().max().unwrap_or(1).max(1);
    let mut plan = vec![(most, false)];
    plan.extend(emitters.iter().map(|n| ((*n).max(1), true)));
    let mut rows = Vec::new();
    let mut rates = Vec::new();
    for (n, lifted) in plan {
        // A fresh schema for each run: each has its own hosted daemon and account.
        let (rate, r) = in_schema(db, async |pg| product(db, pg, events, n, lifted).await).await?;
        rates.push((n, lifted, rate));
        rows.extend(r);
    }
    let bare = bare_websocket(events).await?;
    rows.push(Row::new(
        "telemetry",
        format!("bare WebSocket, the same {events} events in batches of 200"),
        format!("{bare:.0} events/s"),
    ));
    for (n, lifted, rate) in rates {
        let label = if lifted {
            "limits lifted"
        } else {
            "default limits"
        };
        rows.push(Row::new(
            "telemetry",
            format!("product ÷ bare WebSocket ({label}, {n} emitting)"),
            format!("{:.1} %", 100.0 * rate / bare),
        ));
    }
    Ok(rows)
}

/// Emits `events` on the local daemon and waits until the hosted one stored them all. With
/// `lifted`, the hub's frame-rate limit and the client's batch size and window are raised.
async fn product(
    db: DbKind,
    pg: Option<&PgSchema>,
    events: usize,
    emitters: usize,
    lifted: bool,
) -> anyhow::Result<(f64, Vec<Row>)> {
    let cap = (events as i64) * 2;
    let pair = Pair::start(db, pg, false, |c| {
        c.telemetry.outbox_max_items = cap;
        c.telemetry.outbox_max_bytes = cap * 16_384;
    })
    .await?;
    let (local, hosted) = (&pair.local.state, &pair.hosted.state);
    if lifted {
        for state in [local, hosted] {
            let limits = state.telemetry().limits();
            state.telemetry().set_limits(TelemetryLimits {
                max_frames_per_second: 100_000,
                batch_max_events: 500,
                max_in_flight: 16,
                ..limits
            });
        }
    }
    // Reopen the socket so that both ends use these limits: wait until the old one is
    // closed, then until a new one (a higher `connects`) is open.
    let link = |state: &backend_8825::state::AppState| state.telemetry().client.link(&pair.peer_id);
    let opened = link(local).map_or(0, |l| l.connects);
    local.telemetry().client.set_enabled(false);
    let deadline = Instant::now() + Duration::from_secs(15);
    while link(local).is_some_and(|l| l.connected) {
        if Instant::now() > deadline {
            bail!("the telemetry socket did not close");
        }
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    local.telemetry().client.set_enabled(true);
    while !link(local).is_some_and(|l| l.connected && l.connects > opened) {
        if Instant::now() > deadline {
            bail!("the telemetry socket did not open");
        }
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    let before = hosted.telemetry().hub.stats();

    let started = Instant::now();
    let next = Arc::new(AtomicUsize::new(0));
    let mut tasks = Vec::new();
    for _ in 0..emitters {
        let (state, next) = (local.clone(), next.clone());
        tasks.push(tokio::spawn(async move {
            loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                if i >= events {
                    return Ok::<_, anyhow::Error>(());
                }
                emit(&state, event(i)).await?;
            }
        }));
    }
    for t in tasks {
        t.await??;
    }
    let emitted = started.elapsed();
    let deadline = Instant::now() + Duration::from_secs(120);
    loop {
        let s = hosted.telemetry().hub.stats();
        if (s.stored + s.duplicates + s.rejected
            - before.stored
            - before.duplicates
            - before.rejected) as usize
            >= events
        {
            break;
        }
        if Instant::now() > deadline {
            break;
        }
        tokio::time::sleep(Duration::from_millis(2)).await;
    }
    let took = started.elapsed();
    let stats = hosted.telemetry().hub.stats();
    let stored = hosted
        .store
        .telemetry()
        .events(Some(&pair.peer_id), (events * 2) as i64)
        .await?;
    let ours: Vec<_> = stored.iter().filter(|e| e.name == NAME).collect();
    let distinct: HashSet<_> = ours.iter().map(|e| e.event_id.as_str()).collect();
    let label = if lifted {
        "limits lifted: 100 000 frames/s, batches of 500, 16 in flight"
    } else {
        "default limits: 20 frames/s, batches of 200, 4 in flight"
    };
    let db_name = db_label(db);
    let delivered = rate(distinct.len(), took);
    let rows = vec![
        Row::new(
            "telemetry",
            format!("local → hosted ({db_name}), {emitters} emitting at once, {label}"),
            format!("{delivered:.0} events/s"),
        )
        .target(if lifted { "≥ 20 000 events/s" } else { "" }),
        Row::new(
            "telemetry",
            "  emit alone (outbox writes, each emit awaiting its commit)".to_string(),
            format!("{:.0} events/s", rate(events, emitted)),
        ),
        Row::new(
            "telemetry",
            "  delivered / duplicates acked / rows stored twice".to_string(),
            format!(
                "{:.2} % / {} / {}",
                100.0 * distinct.len() as f64 / events as f64,
                stats.duplicates - before.duplicates,
                ours.len() - distinct.len()
            ),
        )
        .target("100 %, 0"),
    ];
    Ok((delivered, rows))
}

/// The same frames over a plain WebSocket whose server parses each and answers an ack.
async fn bare_websocket(events: usize) -> anyhow::Result<f64> {
    let frames: Vec<String> = (0..events)
        .collect::<Vec<_>>()
        .chunks(200)
        .enumerate()
        .map(|(n, chunk)| {
            let list: Vec<serde_json::Value> = chunk
                .iter()
                .map(|i| serde_json::from_str(&event(*i).validate().expect("valid")).expect("json"))
                .collect();
            serde_json::json!({"type": "batch", "batch_id": format!("b-{n}"), "events": list})
                .to_string()
        })
        .collect();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let addr = listener.local_addr()?;
    let server = tokio::spawn(async move {
        let (tcp, _) = listener.accept().await?;
        let mut ws = tokio_tungstenite::accept_async(tcp).await?;
        let mut received = 0usize;
        while let Some(msg) = ws.next().await {
            let Message::Text(text) = msg? else { continue };
            let frame: serde_json::Value = serde_json::from_str(text.as_str())?;
            let n = frame["events"].as_array().map_or(0, Vec::len);
            received += n;
            let ack = serde_json::json!({"type": "ack", "batch_id": frame["batch_id"], "stored": n, "duplicates": 0});
            ws.send(Message::text(ack.to_string())).await?;
            if received >= events {
                break;
            }
        }
        Ok::<_, anyhow::Error>(received)
    });
    let (ws, _) = tokio_tungstenite::connect_async(format!("ws://{addr}/")).await?;
    let (mut tx, mut rx) = ws.split();
    let started = Instant::now();
    let count = frames.len();
    let reader = tokio::spawn(async move {
        let mut acks = 0;
        while acks < count {
            match rx.next().await {
                Some(Ok(Message::Text(_))) => acks += 1,
                Some(Ok(_)) => {}
                _ => break,
            }
        }
        acks
    });
    for f in frames {
        tx.send(Message::text(f)).await?;
    }
    let acks = reader.await?;
    let took = started.elapsed();
    let received = server.await?.context("bare server")?;
    if acks != count || received != events {
        bail!("bare WebSocket: {received} of {events} events, {acks} of {count} acks");
    }
    Ok(rate(events, took))
}
