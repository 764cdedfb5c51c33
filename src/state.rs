//! The state every handler shares: one `AppState` per daemon (tests run several in one
//! process, so nothing here is global).

use std::net::SocketAddr;
use std::ops::Deref;
use std::sync::{Arc, OnceLock};

use crate::clock::Clock;
use crate::config::Config;
use crate::identity::BackendIdentity;
use crate::keychain::KeychainManager;
use crate::local_api::LocalApiState;
use crate::store::Store;

#[derive(Clone)]
pub struct AppState(Arc<AppInner>);

pub struct AppInner {
    pub config: Config,
    pub store: Arc<dyn Store>,
    pub identity: Arc<BackendIdentity>,
    pub keychain: KeychainManager,
    pub clock: Arc<dyn Clock>,
    /// The address the daemon listens on, once it is bound (with `--port 0`, the port the
    /// OS chose). Unset in states that are never served.
    pub bound_addr: OnceLock<SocketAddr>,
    /// The sync engine's clock, scheduler wake-up and per-peer locks.
    pub sync: crate::sync::SyncState,
    /// Pair keys read from the local key store, kept for the next signed call.
    pub pair_keys: crate::peers::PairKeyCache,
    /// The local API's secret and UI sessions (unused in hosted mode).
    pub local_api: LocalApiState,
    /// Telemetry: the hub (hosted), the client's wake-ups and poke subscribers (local).
    pub telemetry: crate::telemetry::Telemetry,
}

impl AppState {
    pub fn new(inner: AppInner) -> Self {
        Self(Arc::new(inner))
    }
}

impl Deref for AppState {
    type Target = AppInner;

    fn deref(&self) -> &AppInner {
        &self.0
    }
}
