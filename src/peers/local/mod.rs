//! The local side of pairing: `POST /register-peer` from the UI or the CLI drives the
//! handshake against a hosted backend (pair.rs, with the calls it makes in calls.rs);
//! renewal keeps the SBT current (renewal.rs); `GET /peers` lists.

mod calls;
mod key_change;
pub(crate) mod pair;
mod renewal;
pub(crate) mod revoke;

use std::sync::OnceLock;
use std::time::Duration;

use axum::Json;
use axum::extract::{Path, State};
use axum::http::{Method, StatusCode};
use serde::Serialize;

use crate::error::ApiError;
use crate::peers::wire::BindingView;
use crate::peers::{PeerCall, PeerView, signed_request};
use crate::state::AppState;

use calls::*;
pub use key_change::announce_key_change;
use pair::*;
pub use pair::{Fingerprint, PairRequest, PairResponse, register_peer};
use renewal::*;
pub use renewal::{
    RENEW_BEFORE_SECS, active_remote_peer, current_key, renew_due_peers, renew_peer, spawn_renewal,
};
pub use revoke::{Revoked, revoke_peer};

/// The HTTP client for calls to hosted backends.
pub fn client() -> &'static reqwest::Client {
    static CLIENT: OnceLock<reqwest::Client> = OnceLock::new();
    CLIENT.get_or_init(|| {
        let _ = rustls::crypto::ring::default_provider().install_default();
        reqwest::Client::builder()
            .connect_timeout(Duration::from_secs(5))
            .timeout(Duration::from_secs(15))
            .redirect(reqwest::redirect::Policy::none())
            .user_agent(concat!("backend-8825/", env!("CARGO_PKG_VERSION")))
            .build()
            .expect("the HTTP client builds")
    })
}

/// `GET /peers` (local): every peer of this daemon, with how sync with it stands and its
/// network state (docs/sync.md, "Network states").
#[utoipa::path(
    get,
    path = "/peers",
    tag = "peers",
    security(("local_secret" = []), ("ui_session" = [])),
    responses((status = 200, description = "This daemon's peers, how sync with each stands (`sync`) and, for a hosted peer, its network state and what waits for it (`network`: `online`, `degraded` or `offline`, since when, pending versions, their approximate size, the oldest, the telemetry outbox)", body = Vec<PeerView>))
)]
pub(crate) async fn list(State(state): State<AppState>) -> Result<Json<Vec<PeerView>>, ApiError> {
    let peers = state.store.peers(None).await?;
    Ok(Json(crate::peers::views_with_sync(&state, &peers).await?))
}

/// `POST /peers/{peer_id}/renew` (local): renew now rather than wait for the task.
#[utoipa::path(
    post,
    path = "/peers/{peer_id}/renew",
    tag = "peers",
    security(("local_secret" = []), ("ui_session" = [])),
    params(("peer_id" = String, Path, description = "The peer to renew with")),
    responses(
        (status = 200, description = "Renewed", body = PeerView),
        (status = 404, description = "`not_found`: no such peer", body = crate::error::ErrorBody),
        (status = 502, description = "The hosted backend refused or could not be reached; the code says which", body = crate::error::ErrorBody),
    )
)]
pub(crate) async fn renew_now(
    State(state): State<AppState>,
    Path(peer_id): Path<String>,
) -> Result<Json<PeerView>, ApiError> {
    let peer = renew_peer(&state, &peer_id).await?;
    Ok(Json(PeerView::from(&peer)))
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub(crate) struct RemoteBinding {
    local: BindingView,
    hosted: BindingView,
}

/// `GET /peers/{peer_id}/remote-binding` (local): asks the hosted peer, with a signed
/// request, how it sees the binding, next to how this side sees it.
#[utoipa::path(
    get,
    path = "/peers/{peer_id}/remote-binding",
    tag = "peers",
    security(("local_secret" = []), ("ui_session" = [])),
    params(("peer_id" = String, Path, description = "The peer to ask")),
    responses(
        (status = 200, description = "The binding as each side holds it", body = RemoteBinding),
        (status = 404, description = "`not_found`: no such peer", body = crate::error::ErrorBody),
        (status = 502, description = "The hosted backend refused or could not be reached; the code says which", body = crate::error::ErrorBody),
    )
)]
pub(crate) async fn remote_binding(
    State(state): State<AppState>,
    Path(peer_id): Path<String>,
) -> Result<Json<RemoteBinding>, ApiError> {
    let peer = state.store.peer(&peer_id).await?.ok_or_else(unknown_peer)?;
    let (key_row, pair_key) = current_key(&state, &peer).await?;
    let base = peer.remote_url.clone().ok_or_else(unknown_peer)?;
    let path = format!("/peers/{}/binding", peer.peer_id);
    let call = PeerCall {
        method: Method::GET,
        base_url: &base,
        path_and_query: &path,
        body: Vec::new(),
        created: crate::peers::peer_now(&state),
    };
    let request = signed_request(client(), call, &key_row, &pair_key)
        .map_err(|e| ApiError::bug(format!("cannot sign the request: {e}")))?;
    let response = request.send().await.map_err(unreachable)?;
    crate::peers::learn_skew(&state, response.headers());
    let status = response.status();
    let body = read_body(response).await?;
    if !status.is_success() {
        let code = serde_json::from_slice::<serde_json::Value>(&body)
            .ok()
            .and_then(|v| v["error"]["code"].as_str().map(str::to_string))
            .unwrap_or_default();
        return Err(ApiError::new(
            StatusCode::BAD_GATEWAY,
            "peer_refused",
            format!(
                "the hosted backend refused the signed request: HTTP {} {code}",
                status.as_u16()
            ),
        ));
    }
    let hosted: BindingView =
        serde_json::from_slice(&body).map_err(|_| grant_invalid("is not a binding"))?;
    let me = &state.identity;
    let local = BindingView {
        peer_id: peer.peer_id.clone(),
        account_id: peer.account_id.clone(),
        kid: peer.kid.clone(),
        local_id: me.backend_id.to_string(),
        local_key_id: me.key_id().to_string(),
        hosted_id: peer.remote_id.clone(),
        hosted_key_id: peer.remote_key_id.clone(),
        status: peer.status.clone(),
        sbt_expires_at: peer.sbt_expires_at,
    };
    Ok(Json(RemoteBinding { local, hosted }))
}
