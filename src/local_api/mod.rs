//! The local daemon's own API and the guard in front of every local route (docs/local-api.md): a
//! Host allow-list against DNS rebinding, an Origin check on writes and WebSocket upgrades,
//! JSON-only writes, and a per-install secret (a Bearer for the CLI, a launch-URL session
//! cookie plus a CSRF header for the web UI). The rules are in docs/local-api.md.

pub mod address;
pub mod client;
mod guard;
pub(crate) mod routes;
pub mod secret;
pub mod sessions;

use axum::Router;
use axum::middleware;

use crate::state::AppState;

pub use address::{DaemonRecord, local_url, read_record};
pub use client::{ClientError, LaunchUrl, LocalClient};
pub use guard::{AllowedHosts, Caller};
pub use secret::{LocalSecret, local_secret, secret_name};
pub use sessions::SESSION_COOKIE;

/// The local API's runtime state, a part of the daemon's state (see `crate::state`).
pub trait LocalApiAccess {
    fn local_api(&self) -> &LocalApiState;
}

impl LocalApiAccess for AppState {
    fn local_api(&self) -> &LocalApiState {
        self.part()
    }
}

/// What the local API keeps in memory: the secret (read once) and the UI sessions.
#[derive(Default)]
pub struct LocalApiState {
    secret: tokio::sync::OnceCell<LocalSecret>,
    sessions: sessions::Sessions,
}

/// Wraps every local route in the guard. `routes` must already have its fallbacks: a
/// layer only reaches the routes (and fallbacks) that exist when it is applied.
pub fn protect(routes: Router<AppState>, state: AppState) -> Router<AppState> {
    routes.layer(middleware::from_fn_with_state(state, guard::guard))
}
