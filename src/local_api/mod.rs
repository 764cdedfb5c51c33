//! The local daemon's own API and the guard in front of every local route (DESIGN §5).

use axum::Router;

use crate::state::AppState;

/// Routes only the local daemon serves (launch URL, session).
pub fn router() -> Router<AppState> {
    Router::new()
}

/// Wraps every local route in the guard.
pub fn protect(routes: Router<AppState>, _state: AppState) -> Router<AppState> {
    routes
}
