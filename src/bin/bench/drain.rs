//! `drain`: the offline queue. A local and a hosted daemon, each its own release process,
//! paired; the hosted one is killed, the local one takes `writes` messages through its API
//! (16 in flight), the hosted one starts again on the same port and data; timed from then
//! until the local daemon has nothing left to send, with the peak resident memory of both
//! daemons over the drain (sampled every 50 ms) and over their whole life (`VmHWM`).

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use serde_json::{Value, json};

use crate::daemons::{DbKind, PgSchema, TempDir, in_schema};
use crate::proc::{self, Process};
use crate::report::{Row, rate};
use crate::sync::db_label;

const IN_FLIGHT: usize = 16;
const CONVERSATIONS: usize = 100;

pub async fn run(db: DbKind, writes: usize) -> anyhow::Result<Vec<Row>> {
    in_schema(db, async |pg| drain(db, pg, writes).await).await
}

async fn drain(db: DbKind, pg: Option<&PgSchema>, writes: usize) -> anyhow::Result<Vec<Row>> {
    let (hosted_dir, local_dir) = (TempDir::new("drain-hosted")?, TempDir::new("drain-local")?);
    let database_url = match pg {
        Some(pg) => pg.url.clone(),
        None => format!("sqlite:{}", hosted_dir.0.join("hosted.db").display()),
    };
    let keychain = ("BACKEND_8825_KEYCHAIN", "false");
    let hosted_env = [("DATABASE_URL", database_url.as_str()), keychain];
    let hosted = Process::start_on("hosted", &hosted_dir.0, free_port()?, &hosted_env)
        .await?
        .0;
    let local = Process::start("local", &local_dir.0, &[keychain]).await?.0;
    let token = proc::command(&["account", "create", "drain"], &hosted_dir.0, &hosted_env)?;
    let code = proc::command(
        &["pairing-code", "--account", "drain"],
        &hosted_dir.0,
        &hosted_env,
    )?;
    let local_env = [keychain];
    proc::command(
        &[
            "pair",
            "--hosted",
            &hosted.url,
            "--code",
            &code,
            "--local",
            &local.url,
        ],
        &local_dir.0,
        &local_env,
    )?;
    let secret = proc::command(&["token"], &local_dir.0, &local_env)?;
    drop(token);

    // Offline: the hosted daemon dies; the local one takes every write.
    let port = hosted.port();
    hosted.kill();
    let http = reqwest::Client::builder().no_proxy().build()?;
    let api = Api {
        http: http.clone(),
        base: local.url.clone(),
        secret: secret.clone(),
    };
    let mut conversations = Vec::new();
    for i in 0..CONVERSATIONS {
        let body = api
            .post(
                "/api/conversations",
                json!({"title": format!("offline {i}")}),
            )
            .await?;
        conversations.push(body["id"].as_str().context("id")?.to_string());
    }
    let conversations = Arc::new(conversations);
    let next = Arc::new(AtomicUsize::new(0));
    let started = Instant::now();
    let mut tasks = Vec::new();
    for _ in 0..IN_FLIGHT {
        let (api, next, conversations) = (api.clone(), next.clone(), conversations.clone());
        tasks.push(tokio::spawn(async move {
            loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                if i >= writes {
                    return Ok::<_, anyhow::Error>(());
                }
                let conv = &conversations[i % conversations.len()];
                let body =
                    json!({"role": "user", "content": format!("written offline, number {i}")});
                api.post(&format!("/api/conversations/{conv}/messages"), body)
                    .await?;
            }
        }));
    }
    for t in tasks {
        t.await??;
    }
    let wrote = started.elapsed();
    let pending_before = api.pending().await?;

    // Back: the hosted daemon starts again where the local one knows it.
    let hosted = Process::start_on("hosted", &hosted_dir.0, port, &hosted_env)
        .await?
        .0;
    let back = Instant::now();
    let (mut local_peak, mut hosted_peak) = (0u64, 0u64);
    let mut first_progress = None;
    loop {
        local_peak = local_peak.max(proc::rss_kib(local.pid(), "VmRSS")?);
        hosted_peak = hosted_peak.max(proc::rss_kib(hosted.pid(), "VmRSS")?);
        let pending = api.pending().await?;
        if first_progress.is_none() && pending < pending_before {
            first_progress = Some(back.elapsed());
        }
        if pending == 0 {
            break;
        }
        if back.elapsed() > Duration::from_secs(1800) {
            bail!("{pending} versions still waiting after 30 min");
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let drained = back.elapsed();
    let label = db_label(db);
    let mb = |kib: u64| format!("{:.1} MB", kib as f64 / 1024.0);
    Ok(vec![
        Row::new(
            "drain",
            format!("{writes} messages written offline on local ({IN_FLIGHT} in flight)"),
            format!(
                "{:.1} s ({:.0} writes/s)",
                wrote.as_secs_f64(),
                rate(writes, wrote)
            ),
        ),
        Row::new(
            "drain",
            format!("hosted ({label}) back → first versions acknowledged"),
            format!("{:.2} s", first_progress.unwrap_or(drained).as_secs_f64()),
        ),
        Row::new(
            "drain",
            format!("hosted ({label}) back → nothing left to send ({pending_before} versions)"),
            format!(
                "{:.1} s ({:.0} versions/s)",
                drained.as_secs_f64(),
                rate(pending_before as usize, drained)
            ),
        ),
        Row::new(
            "drain",
            "local daemon, peak RSS during the drain",
            mb(local_peak),
        ),
        Row::new(
            "drain",
            "hosted daemon, peak RSS during the drain",
            mb(hosted_peak),
        ),
        Row::new(
            "drain",
            "local daemon, peak RSS over its life (VmHWM)",
            mb(proc::rss_kib(local.pid(), "VmHWM")?),
        ),
        Row::new(
            "drain",
            "hosted daemon, peak RSS since it came back (VmHWM)",
            mb(proc::rss_kib(hosted.pid(), "VmHWM")?),
        ),
    ])
}

fn free_port() -> anyhow::Result<u16> {
    Ok(std::net::TcpListener::bind("127.0.0.1:0")?
        .local_addr()?
        .port())
}

#[derive(Clone)]
struct Api {
    http: reqwest::Client,
    base: String,
    secret: String,
}

impl Api {
    async fn post(&self, path: &str, body: Value) -> anyhow::Result<Value> {
        let response = self
            .http
            .post(format!("{}{path}", self.base))
            .bearer_auth(&self.secret)
            .json(&body)
            .send()
            .await?;
        let status = response.status();
        let body: Value = response.json().await?;
        if !status.is_success() {
            bail!("POST {path}: {status} {body}");
        }
        Ok(body)
    }

    /// Versions the local daemon has not had acknowledged yet, over its peers.
    async fn pending(&self) -> anyhow::Result<i64> {
        let peers: Value = self
            .http
            .get(format!("{}/peers", self.base))
            .bearer_auth(&self.secret)
            .send()
            .await?
            .json()
            .await?;
        let peers = peers.as_array().context("GET /peers")?;
        Ok(peers
            .iter()
            .map(|p| p["sync"]["pending_outbound"].as_i64().unwrap_or(0))
            .sum())
    }
}
