//! `GET /identity`: the public identity document.

use std::sync::Arc;

use axum::Json;
use axum::extract::State;
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};

use super::{BackendIdentity, IdentityDocument};
use crate::clock::Clock;
use crate::config::Mode;

/// `GET /identity`, for any state that can hand out the identity (the daemon's `AppState`
/// does): identity is infrastructure and does not depend on the state's type.
///
/// Public, no authentication. The hosted profile lets any origin read it (a UI served by a
/// local daemon detects the hosted backend this way); the local profile sends no CORS
/// headers at all.
#[utoipa::path(
    get,
    path = "/identity",
    tag = "meta",
    responses((status = 200, description = "This backend's identity document", body = IdentityDocument))
)]
pub async fn identity(
    State(me): State<Arc<BackendIdentity>>,
    State(clock): State<Arc<dyn Clock>>,
) -> Response {
    let mut response = Json(me.document_at(clock.now_ms())).into_response();
    if me.mode == Mode::Hosted {
        response.headers_mut().insert(
            header::ACCESS_CONTROL_ALLOW_ORIGIN,
            HeaderValue::from_static("*"),
        );
    }
    response
}
