//! `GET /identity`: the public identity document.

use std::sync::Arc;

use axum::extract::{FromRef, State};
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};

use super::BackendIdentity;
use crate::config::Mode;

/// The identity route, for any state that can hand out the identity (the daemon's
/// `AppState` does): identity is infrastructure and does not depend on the state's type.
pub fn router<S>() -> Router<S>
where
    S: Clone + Send + Sync + 'static,
    Arc<BackendIdentity>: FromRef<S>,
{
    Router::new().route("/identity", get(identity))
}

/// Public, no authentication. The hosted profile lets any origin read it (a UI served by a
/// local daemon detects the hosted backend this way); the local profile sends no CORS
/// headers at all.
async fn identity(State(me): State<Arc<BackendIdentity>>) -> Response {
    let mut response = Json(me.document()).into_response();
    if me.mode == Mode::Hosted {
        response.headers_mut().insert(
            header::ACCESS_CONTROL_ALLOW_ORIGIN,
            HeaderValue::from_static("*"),
        );
    }
    response
}
