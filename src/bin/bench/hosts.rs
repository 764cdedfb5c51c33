//! The hosted side of `hosted-scale`: one or more `backend-8825 serve --mode hosted`
//! processes on one Postgres schema (docs/modes.md, "Several hosted instances on one
//! Postgres"), and the simulated peers paired with them, spread alternately.

use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::Context;
use backend_8825::accounts;
use backend_8825::clock::SystemClock;
use backend_8825::identity::{IdentityDocument, IdentityKey};
use backend_8825::store::Store;
use futures_util::StreamExt;

use crate::daemons::{PgSchema, TempDir};
use crate::proc::{self, Process};
use crate::sim::{self, CLIENT_IP_HEADER, SimPeer};

/// Pairings in flight at once.
pub const PAIRING: usize = 8;

/// Hosted instances, each a process of its own; stopped when dropped.
pub struct Hosts {
    pub procs: Vec<Process>,
    /// Each instance's `VmRSS` once it answered, before any peer (KiB).
    pub rss_at_start: Vec<u64>,
    _dir: TempDir,
}

impl Hosts {
    /// Starts `count` instances on `pg`, one after another (the first creates the schema's
    /// tables and its `backend_id`), all with one identity key, as every instance of a
    /// deployment must be given (`BACKEND_8825_IDENTITY_KEY_FILE`, a file of this run).
    pub async fn start(pg: &PgSchema, count: usize) -> anyhow::Result<Self> {
        let dir = TempDir::new("scale")?;
        let key = tokio::task::spawn_blocking(IdentityKey::generate).await??;
        let key_file = dir.0.join("identity.pem");
        write_private(&key_file, key.to_pkcs8_pem().expose().as_bytes())?;
        let key_file = key_file.display().to_string();
        let mut procs = Vec::with_capacity(count);
        let mut rss_at_start = Vec::with_capacity(count);
        for i in 0..count {
            let data = dir.0.join(format!("instance-{i}"));
            std::fs::create_dir_all(&data)?;
            // The poke figure writes a few hundred times through one account's API as fast
            // as the answers come, from one address: past the default per-address limit
            // (1200 a minute, 200 at once), which is not what is measured.
            let env = [
                ("BACKEND_8825_CLIENT_IP_HEADER", CLIENT_IP_HEADER),
                ("BACKEND_8825_IDENTITY_KEY_FILE", key_file.as_str()),
                ("BACKEND_8825_RATE_LIMITS_ACCOUNT_API_PER_MINUTE", "600000"),
                ("BACKEND_8825_RATE_LIMITS_ACCOUNT_API_BURST", "10000"),
            ];
            let process = Process::start_hosted(&data, &pg.url, &env).await?;
            rss_at_start.push(proc::rss_kib(process.pid(), "VmRSS")?);
            procs.push(process);
        }
        let hosts = Self {
            procs,
            rss_at_start,
            _dir: dir,
        };
        hosts.check_one_identity().await?;
        Ok(hosts)
    }

    /// Fails unless every instance presents the same `backend_id` and key.
    async fn check_one_identity(&self) -> anyhow::Result<()> {
        let http = reqwest::Client::builder().no_proxy().build()?;
        let mut seen = None;
        for p in &self.procs {
            let doc: IdentityDocument = http
                .get(format!("{}/identity", p.url))
                .send()
                .await?
                .error_for_status()?
                .json()
                .await?;
            let this = (doc.backend_id.to_string(), doc.key_id.to_string());
            if seen.get_or_insert_with(|| this.clone()) != &this {
                anyhow::bail!("the hosted instances present different identities");
            }
        }
        Ok(())
    }

    /// The instance peer `i` is paired with and connects to: alternately.
    pub fn url_for(&self, i: usize) -> &str {
        &self.procs[i % self.procs.len()].url
    }

    /// Each instance's CPU time so far, in seconds.
    pub fn cpu_seconds(&self) -> anyhow::Result<Vec<f64>> {
        self.procs
            .iter()
            .map(|p| proc::cpu_seconds(p.pid()))
            .collect()
    }

    /// Each instance's `field` of `/proc/<pid>/status` (`VmRSS`, `VmHWM`), in KiB.
    pub fn rss_kib(&self, field: &str) -> anyhow::Result<Vec<u64>> {
        self.procs
            .iter()
            .map(|p| proc::rss_kib(p.pid(), field))
            .collect()
    }

    /// Fails unless every instance may open the sockets of its share of `peers`, with room
    /// for its database pool and the rest.
    pub fn check_open_files(&self, peers: usize) -> anyhow::Result<()> {
        let share = peers.div_ceil(self.procs.len()) as u64;
        for p in &self.procs {
            let limit = proc::open_files_limit(p.pid())?;
            if limit < share + 256 {
                anyhow::bail!(
                    "a hosted process may open {limit} files, too few for {share} peers: raise \
                     the hard limit (ulimit -Hn)"
                );
            }
        }
        Ok(())
    }
}

/// Writes `bytes` to a new file readable by the owner only.
fn write_private(path: &std::path::Path, bytes: &[u8]) -> anyhow::Result<()> {
    use std::io::Write;
    let mut open = std::fs::OpenOptions::new();
    open.create_new(true).write(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut open, 0o600);
    open.open(path)?.write_all(bytes)?;
    Ok(())
}

/// A new account (a person and their laptop) with a pairing code; its token.
pub async fn account(store: &dyn Store, name: &str) -> anyhow::Result<(String, String)> {
    let (account, token) = accounts::create_account(store, &SystemClock, name).await?;
    let code = accounts::issue_pairing_code(store, &SystemClock, &account, None).await?;
    Ok((token.expose().clone(), code.code.expose().to_string()))
}

/// Pairs `n` simulated peers, each with an account of its own, peer `i` with the instance
/// [`Hosts::url_for`] gives and the key `keys[i % keys.len()]` (the pool is reused: a key
/// takes far longer to make than a pairing); [`PAIRING`] at a time. Linear in `n`: one
/// account, one code and one handshake per peer. The peers, in order, and the time taken.
pub async fn pair_all(
    store: &dyn Store,
    http: &reqwest::Client,
    hosts: &Hosts,
    keys: &[Arc<IdentityKey>],
    n: usize,
) -> anyhow::Result<(Vec<SimPeer>, Duration)> {
    let started = Instant::now();
    let mut peers: Vec<Option<SimPeer>> = (0..n).map(|_| None).collect();
    let mut pending = futures_util::stream::FuturesUnordered::new();
    for i in 0..n {
        let (_, code) = account(store, &format!("peer-{i}")).await?;
        let (base, key) = (hosts.url_for(i).to_string(), keys[i % keys.len()].clone());
        pending.push(async move {
            let peer = sim::pair(http, &base, key, &code, sim::client_ip(i)).await;
            (i, peer)
        });
        if pending.len() >= PAIRING {
            let (i, peer) = pending.next().await.context("pairing")?;
            peers[i] = Some(peer?);
        }
    }
    while let Some((i, peer)) = pending.next().await {
        peers[i] = Some(peer?);
    }
    let peers = peers.into_iter().map(|p| p.expect("every peer paired"));
    Ok((peers.collect(), started.elapsed()))
}
