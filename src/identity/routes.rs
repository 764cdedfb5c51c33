//! `GET /identity`: the public identity document.

use axum::extract::State;
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};

use crate::config::Mode;
use crate::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new().route("/identity", get(identity))
}

/// Public, no authentication. The hosted profile lets any origin read it (a UI served by a
/// local daemon detects the hosted backend this way); the local profile sends no CORS
/// headers at all.
async fn identity(State(state): State<AppState>) -> Response {
    let mut response = Json(state.identity.document()).into_response();
    if state.identity.mode == Mode::Hosted {
        response.headers_mut().insert(
            header::ACCESS_CONTROL_ALLOW_ORIGIN,
            HeaderValue::from_static("*"),
        );
    }
    response
}
