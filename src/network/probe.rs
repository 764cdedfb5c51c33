//! The probe of offline peers: `GET /health` at the peer's URL, the only call made to a peer
//! while it is offline. It backs off from `probe_first` to `probe_max` (the retry strategy's
//! backoff, full jitter), and sleeps while no peer is offline.

use std::collections::HashMap;
use std::sync::OnceLock;
use std::time::Duration;

use tokio::time::Instant;

use super::{NetworkAccess, Outcome, record};
use crate::resilience::Backoff;
use crate::state::AppState;
use crate::store::PEER_ACTIVE;

/// The client of the probe: short timeouts, no redirects, no connection kept for long (a
/// peer that comes back is a new server).
fn client() -> &'static reqwest::Client {
    static CLIENT: OnceLock<reqwest::Client> = OnceLock::new();
    CLIENT.get_or_init(|| {
        let _ = rustls::crypto::ring::default_provider().install_default();
        reqwest::Client::builder()
            .connect_timeout(Duration::from_secs(3))
            .redirect(reqwest::redirect::Policy::none())
            .pool_max_idle_per_host(0)
            .user_agent(concat!("backend-8825/", env!("CARGO_PKG_VERSION")))
            .build()
            .expect("the HTTP client builds")
    })
}

/// Runs until aborted.
pub(super) async fn run(state: AppState) {
    let network = state.network();
    let mut changes = network.subscribe_changes();
    // Per offline peer: failed probes so far, and when the next one is due.
    let mut due: HashMap<String, (u32, Instant)> = HashMap::new();
    loop {
        let offline = network.offline();
        due.retain(|peer_id, _| offline.contains(peer_id));
        let limits = network.limits();
        let backoff = Backoff::new(limits.probe_first, limits.probe_max);
        for peer_id in &offline {
            due.entry(peer_id.clone())
                .or_insert_with(|| (0, Instant::now() + backoff.delay(1)));
        }
        let next = due.values().map(|(_, at)| *at).min();
        tokio::select! {
            changed = changes.changed() => {
                if changed.is_err() {
                    return;
                }
                continue;
            }
            () = sleep_until(next) => {}
        }
        let now = Instant::now();
        let ready: Vec<String> = due
            .iter()
            .filter(|(_, (_, at))| *at <= now)
            .map(|(id, _)| id.clone())
            .collect();
        for peer_id in ready {
            if probe(&state, &peer_id, limits.probe_timeout).await {
                due.remove(&peer_id);
            } else if let Some((failures, at)) = due.get_mut(&peer_id) {
                *failures += 1;
                *at = Instant::now() + backoff.delay(*failures + 1);
            }
        }
    }
}

async fn sleep_until(at: Option<Instant>) {
    match at {
        Some(at) => tokio::time::sleep_until(at).await,
        None => std::future::pending().await,
    }
}

/// One `GET /health`; true if the peer answered (it is then recorded back).
async fn probe(state: &AppState, peer_id: &str, timeout: Duration) -> bool {
    let url = match state.store.peer(peer_id).await {
        Ok(Some(peer)) if peer.status == PEER_ACTIVE && peer.remote_url.is_some() => {
            peer.remote_url.unwrap_or_default()
        }
        // Revoked or deleted meanwhile: nothing to wait for any more.
        Ok(_) => {
            state.network().forget(peer_id);
            return false;
        }
        Err(err) => {
            tracing::warn!(error = %err, "cannot read a peer to probe");
            return false;
        }
    };
    let started = std::time::Instant::now();
    let answer = client()
        .get(format!("{}/health", url.trim_end_matches('/')))
        .timeout(timeout)
        .send()
        .await;
    match answer {
        Ok(response) => {
            let outcome = Outcome::answered(response.status().as_u16(), started.elapsed());
            record(state, peer_id, outcome);
            true
        }
        Err(err) => {
            tracing::debug!(peer_id, error = %err, "the probe found the peer still offline");
            false
        }
    }
}
