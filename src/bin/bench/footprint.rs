//! `footprint`: the release binary's size, a local daemon's start-up time with an existing
//! key, and its resident memory once idle.

use std::time::Duration;

use crate::daemons::TempDir;
use crate::proc::{self, Process};
use crate::report::{Row, ms, quantile};

pub async fn run(idle: Duration) -> anyhow::Result<Vec<Row>> {
    let binary = proc::daemon_binary()?;
    let size = std::fs::metadata(&binary)?.len();
    let dir = TempDir::new("footprint")?;
    // The identity key goes to a file in the data dir: there is no keychain here.
    let env = [("BACKEND_8825_KEYCHAIN", "false")];
    let (first, first_start) = Process::start("local", &dir.0, &env).await?;
    drop(first);
    let mut starts = Vec::new();
    let mut last = None;
    for _ in 0..5 {
        // The previous daemon stops before the next starts on the same data dir.
        drop(last.take());
        let (p, took) = Process::start("local", &dir.0, &env).await?;
        starts.push(took);
        last = Some(p);
    }
    let daemon = last.expect("started");
    tokio::time::sleep(idle).await;
    let rss = proc::rss_kib(daemon.pid(), "VmRSS")?;
    Ok(vec![
        Row::new(
            "footprint",
            "release binary size",
            format!("{:.1} MB", size as f64 / 1e6),
        ),
        Row::new(
            "footprint",
            "local start-up, first run (key generated)",
            ms(first_start),
        ),
        Row::new(
            "footprint",
            "local start-up with an existing key (median of 5, to /health)",
            ms(quantile(&mut starts, 0.5)),
        ),
        Row::new(
            "footprint",
            format!("local idle RSS after {} s", idle.as_secs()),
            format!("{:.1} MB", rss as f64 / 1024.0),
        )
        .target("< 30 MB"),
    ])
}
