//! Poke latency in `hosted-scale`: a write through one hosted instance's account API, timed
//! until the `poke` frame it sets off arrives on the socket of the account's peer. With two
//! instances the peer's socket is on the last one, and writes alternate between the first
//! instance (the poke crosses through Postgres `NOTIFY`, src/telemetry/relay.rs) and the
//! last (the poke goes straight from its hub), under the load of the other peers.

use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use backend_8825::identity::IdentityKey;
use backend_8825::store::Store;
use futures_util::StreamExt;
use serde_json::json;
use tokio::sync::mpsc;
use tokio_tungstenite::tungstenite::Message;

use crate::daemons::call;
use crate::hosts::{self, Hosts};
use crate::report::{Row, ms, quantile};
use crate::sim::{self, SimPeer};
use crate::sync::post;

/// How long a poke may take before the write counts as lost.
const LIMIT: Duration = Duration::from_secs(10);

/// A peer that only listens on its telemetry socket, and its account's token.
pub struct Probe {
    peer: SimPeer,
    token: String,
}

/// Pairs the probe with the last instance, from client address number `ip`.
pub async fn pair(
    store: &dyn Store,
    http: &reqwest::Client,
    hosts: &Hosts,
    key: Arc<IdentityKey>,
    ip: usize,
) -> anyhow::Result<Probe> {
    let (token, code) = hosts::account(store, "poke-probe").await?;
    let base = hosts.procs.last().context("no instance")?.url.as_str();
    let peer = sim::pair(http, base, key, &code, sim::client_ip(ip)).await?;
    Ok(Probe { peer, token })
}

/// `writes` timed writes of each kind (through the first instance and through the last,
/// alternately; only the last when there is one instance); a row for each kind.
pub async fn measure(
    probe: &Probe,
    http: &reqwest::Client,
    hosts: &Hosts,
    writes: usize,
    label: &str,
) -> anyhow::Result<Vec<Row>> {
    let last = hosts.procs.len();
    let home = hosts.procs[last - 1].url.as_str();
    let request = probe.peer.socket_request(home)?;
    let (socket, _) = tokio_tungstenite::connect_async_with_config(request, None, true).await?;
    let (_tx, mut rx) = socket.split();
    let (arrived, mut pokes) = mpsc::unbounded_channel();
    let reader = tokio::spawn(async move {
        while let Some(Ok(message)) = rx.next().await {
            let Message::Text(text) = message else {
                continue;
            };
            let frame: serde_json::Value = serde_json::from_str(text.as_str()).unwrap_or_default();
            if frame["type"] == "poke" && arrived.send(Instant::now()).is_err() {
                return;
            }
        }
    });
    let result = async {
        let conv = call(
            http,
            "POST",
            &format!("{home}/api/conversations"),
            &probe.token,
            Some(json!({"title": "pokes"})),
        )
        .await?;
        let conv = conv["id"]
            .as_str()
            .context("no conversation id")?
            .to_string();
        // The socket is in the hub once a write pokes it.
        let mut ready = false;
        for i in 0..20 {
            post(http, home, &probe.token, &conv, &format!("warm-up {i}")).await?;
            if tokio::time::timeout(Duration::from_millis(500), pokes.recv())
                .await
                .is_ok()
            {
                ready = true;
                break;
            }
        }
        if !ready {
            bail!("the probe's socket never got a poke");
        }
        let mut kinds = vec![(
            format!("poke on one instance (write through instance {last}, socket on it)"),
            home,
            Vec::with_capacity(writes),
        )];
        if last > 1 {
            kinds.insert(
                0,
                (
                    format!("poke across instances (write through instance 1, socket on {last})"),
                    hosts.procs[0].url.as_str(),
                    Vec::with_capacity(writes),
                ),
            );
        }
        let mut lost = 0;
        for i in 0..writes {
            for (_, base, times) in &mut kinds {
                while pokes.try_recv().is_ok() {}
                let started = Instant::now();
                post(http, base, &probe.token, &conv, &format!("poke {i}")).await?;
                match tokio::time::timeout(LIMIT, pokes.recv()).await {
                    Ok(Some(at)) => times.push(at.saturating_duration_since(started)),
                    Ok(None) => bail!("the probe's socket closed"),
                    Err(_) => lost += 1,
                }
            }
        }
        let mut rows: Vec<Row> = kinds
            .into_iter()
            .map(|(what, _, mut times)| {
                Row::new(
                    "hosted-scale",
                    format!("{label}: {what}, p50 / p99 ({} writes)", times.len()),
                    format!(
                        "{} / {}",
                        ms(quantile(&mut times, 0.5)),
                        ms(quantile(&mut times, 0.99))
                    ),
                )
            })
            .collect();
        rows.push(
            Row::new(
                "hosted-scale",
                format!("{label}: writes whose poke did not come within {LIMIT:?}"),
                lost.to_string(),
            )
            .target("0"),
        );
        Ok(rows)
    }
    .await;
    reader.abort();
    result
}
