//! `redact`: the PII redactor against its labelled corpus (tests/data/pii/): recall per
//! entity type, the share of PII-free lines changed, and throughput on the whole corpus and
//! on its PII-free lines alone (the path most telemetry and log text takes); and telemetry
//! events per second through what `emit` does before the outbox (redaction, then validation
//! and serialisation), with redaction on and off.

use std::hint::black_box;
use std::time::{Duration, Instant};

use backend_8825::privacy::redact;
use backend_8825::privacy::score::{Labelled, Score, parse_marked};
use backend_8825::telemetry::{Level, TelemetryEvent};

use crate::report::{Row, rate};

const CORPUS: &str = include_str!(concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/tests/data/pii/corpus.jsonl"
));
const TRICKY: &str = include_str!(concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/tests/data/pii/tricky.txt"
));

pub fn run(seconds: u64) -> anyhow::Result<Vec<Row>> {
    let mut lines = Vec::new();
    for (n, line) in CORPUS.lines().enumerate() {
        let l: Labelled = serde_json::from_str(line)
            .map_err(|e| anyhow::anyhow!("corpus line {}: {e}", n + 1))?;
        lines.push(l);
    }
    lines.extend(TRICKY.lines().filter_map(parse_marked));
    let mut score = Score::default();
    for l in &lines {
        score.add(l).map_err(anyhow::Error::msg)?;
    }
    let mut rows = vec![Row::new(
        "redact",
        format!(
            "corpus: {} lines, {} entities, {} PII-free lines",
            lines.len(),
            score.entities(),
            score.clean_lines
        ),
        format!(
            "{:.1} MB",
            lines.iter().map(|l| l.text.len()).sum::<usize>() as f64 / 1e6
        ),
    )];
    for (kind, k) in &score.kinds {
        rows.push(Row::new(
            "redact",
            format!("recall {} ({}/{})", kind.name(), k.redacted, k.entities),
            format!("{:.4}", k.recall()),
        ));
    }
    rows.push(
        Row::new(
            "redact",
            format!("recall, all types ({} entities)", score.entities()),
            format!("{:.4}", score.recall()),
        )
        .target(">= 0.999"),
    );
    rows.push(
        Row::new(
            "redact",
            format!(
                "PII-free lines changed ({}/{})",
                score.false_positives, score.clean_lines
            ),
            format!("{:.2} %", score.false_positive_rate() * 100.0),
        )
        .target("<= 1 %"),
    );
    let all: Vec<&str> = lines.iter().map(|l| l.text.as_str()).collect();
    let clean: Vec<&str> = lines
        .iter()
        .filter(|l| l.entities.is_empty())
        .map(|l| l.text.as_str())
        .collect();
    let window = Duration::from_secs(seconds.max(1));
    for (what, texts) in [("all lines", &all), ("PII-free lines only", &clean)] {
        let (count, bytes, took) = throughput(texts, window);
        rows.push(Row::new(
            "redact",
            format!("throughput, {what}, one core"),
            format!(
                "{:.0} lines/s, {:.1} MB/s",
                rate(count, took),
                bytes as f64 / 1e6 / took.as_secs_f64()
            ),
        ));
    }
    for (what, on) in [("redaction on", true), ("redaction off", false)] {
        let (count, took) = events_through(&all, on, window);
        rows.push(Row::new(
            "redact",
            format!("telemetry events before the outbox, {what}, one core"),
            format!("{:.0} events/s", rate(count, took)),
        ));
    }
    Ok(rows)
}

/// Events with a corpus line among typical attributes, through what `emit` does before the
/// outbox, over and over for about `window`: with `redact`, the redaction first.
fn events_through(texts: &[&str], redact: bool, window: Duration) -> (usize, Duration) {
    let events: Vec<TelemetryEvent> = texts
        .iter()
        .map(|t| {
            TelemetryEvent::new("bench.event", Level::Info, chrono::Utc::now())
                .with_duration_ms(12.5)
                .with_attribute("message", *t)
                .with_attribute("outcome", "ok")
                .with_attribute("peer", "0196f5a0-7c1e-7d33-9d5b-8a1f2e3c4d5e")
                .with_attribute("pushed", 3)
        })
        .collect();
    let mut count = 0;
    let started = Instant::now();
    while started.elapsed() < window {
        for e in &events {
            let mut e = e.clone();
            if redact {
                e.redact_pii();
            }
            black_box(e.validate().ok());
        }
        count += events.len();
    }
    (count, started.elapsed())
}

/// Redacts `texts` over and over for about `window`: lines, bytes, time taken.
fn throughput(texts: &[&str], window: Duration) -> (usize, usize, Duration) {
    let (mut count, mut bytes) = (0, 0);
    let started = Instant::now();
    while started.elapsed() < window {
        for t in texts {
            black_box(redact(black_box(t)));
            bytes += t.len();
        }
        count += texts.len();
    }
    (count, bytes, started.elapsed())
}
