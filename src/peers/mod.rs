//! Peers: registering a pairing on both ends, renewing it, and authenticating peer requests.

use axum::Router;

use crate::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
}
