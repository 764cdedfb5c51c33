//! The route table: every route of the daemon, the modes that mount it, and (in each
//! handler's `#[utoipa::path]`) its method, path, bodies, answers and credential. The same
//! list builds the axum router and the OpenAPI document served at `GET /openapi.json`, so
//! the two cannot disagree (`tests/routes.rs` checks them against each other and against
//! docs/architecture.md).

mod edge;
pub mod openapi;

use std::sync::Arc;

use axum::routing::get;
use axum::{Extension, Router};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::config::Mode;
use crate::security::{AddressLimit, RateLimits};
use crate::state::AppState;
use crate::{
    accounts, advisor, e2e, health, identity, local_api, observability, peers, privacy, security,
    sync, telemetry, ui,
};

pub use edge::with_edge;
pub use openapi::ApiDocument;

/// Every route of the daemon in `state`'s mode, with the edge layers applied.
pub fn router(state: AppState) -> Router {
    let mode = state.config.mode;
    let (routes, document) = routes(mode, &state).split_for_parts();
    let document = ApiDocument(Arc::new(openapi::finish(document, mode)));
    // The UI's assets are static files under one wildcard; the document lists the route
    // as `/ui/{path}` (OpenAPI has no wildcard).
    let routes = routes.layer(Extension(document));
    let routes = match mode {
        // The guard goes on after the fallbacks, so unknown routes and wrong methods pass
        // through it too.
        Mode::Local => local_api::protect(edge::with_fallbacks(routes), state.clone()),
        Mode::Hosted => edge::with_fallbacks(routes),
    };
    edge::with_edge_layers(routes, state)
}

/// The OpenAPI document of a daemon in `mode` (what `GET /openapi.json` serves).
pub fn document(mode: Mode, state: &AppState) -> serde_json::Value {
    openapi::finish(routes(mode, state).into_openapi(), mode)
}

/// The table. A route is in one of three groups: both modes, local only, hosted only. On
/// the hosted daemon most groups also sit under a rate limit (`security::rate_limit`,
/// docs/security.md): per client address before anything else, and `/sync` per peer once
/// the peer is verified. The local daemon has none: only this machine reaches it, through
/// the guard.
fn routes(mode: Mode, state: &AppState) -> OpenApiRouter<AppState> {
    let both = OpenApiRouter::with_openapi(openapi::base())
        // Public.
        .routes(routes!(health::health))
        .routes(routes!(identity::routes::identity))
        .routes(routes!(ui::index))
        .routes(routes!(openapi::serve));
    let both = with_ui_assets(both);
    // The conversation API: local secret or UI session on local, account token on hosted.
    let conversations = OpenApiRouter::new()
        .routes(routes!(
            sync::api::list_conversations,
            sync::api::create_conversation
        ))
        .routes(routes!(
            sync::api::get_conversation,
            sync::api::update_conversation,
            sync::api::delete_conversation
        ))
        .routes(routes!(sync::api::list_messages, sync::api::create_message))
        .routes(routes!(
            sync::api::update_message,
            sync::api::delete_message
        ))
        // The audit log: the local daemon's chain, or the account's.
        .routes(routes!(security::audit::routes::list))
        // Privacy settings: the local daemon's, or the account's.
        .routes(routes!(privacy::routes::get, privacy::routes::put))
        // Each peer's sync metrics and debug page, and the alerts (docs/operations.md).
        .routes(routes!(observability::routes::sync_metrics))
        .routes(routes!(observability::routes::debug_sync))
        .routes(routes!(observability::routes::alerts));
    // Prometheus: the local guard's credentials, or the hosted operator's metrics token.
    let metrics = OpenApiRouter::new().routes(routes!(observability::routes::metrics));
    // Signed peer requests.
    let sync_responder = OpenApiRouter::new().routes(routes!(sync::engine::respond));
    match mode {
        Mode::Local => both
            .merge(conversations)
            .merge(metrics)
            .merge(sync_responder)
            // Local secret or UI session (the guard of local_api checks them).
            .routes(routes!(peers::local::pair::register))
            .routes(routes!(peers::local::list))
            .routes(routes!(peers::local::renew_now))
            .routes(routes!(peers::local::revoke::revoke))
            .routes(routes!(peers::local::remote_binding))
            .routes(routes!(sync::caller::sync_now_route))
            .routes(routes!(sync::e2e_routes::status))
            .routes(routes!(sync::e2e_routes::enable))
            .routes(routes!(sync::e2e_routes::recover))
            .routes(routes!(sync::e2e_rotate::rotate))
            .routes(routes!(sync::e2e_transfer_routes::request))
            .routes(routes!(sync::e2e_transfer_routes::requests))
            .routes(routes!(sync::e2e_transfer_routes::approve))
            .routes(routes!(sync::e2e_transfer_routes::accept))
            .routes(routes!(telemetry::routes::status))
            .routes(routes!(advisor::ask))
            .routes(routes!(local_api::routes::create_launch_token))
            .routes(routes!(local_api::routes::session))
            // Public: spends a one-time launch token.
            .routes(routes!(local_api::routes::launch)),
        Mode::Hosted => {
            let limits = RateLimits::new(&state.config.rate_limits);
            let per_address = |limit: &Option<AddressLimit>, routes| match limit {
                Some(limit) => openapi::rate_limited(limit.apply(routes, state), &limit.0),
                None => routes,
            };
            let sync_responder = match &limits.sync_per_peer {
                Some(limit) => openapi::rate_limited(limit.apply(sync_responder), &limit.0),
                None => sync_responder,
            };
            both
                // The operator's metrics token; per-address limit, as the account API (a
                // scraper asks every few seconds, far under it).
                .merge(per_address(&limits.account_api, metrics))
                // Signed with the identity key; per-address limit on pairing attempts.
                .merge(per_address(
                    &limits.pairing,
                    OpenApiRouter::new()
                        .routes(routes!(peers::hosted::register::register))
                        .routes(routes!(peers::hosted::renew::renew)),
                ))
                // Signed peer requests; per-address limit, and per peer on `/sync`.
                .merge(per_address(
                    &limits.peer_requests,
                    sync_responder
                        .routes(routes!(peers::hosted::binding))
                        .routes(routes!(peers::hosted::revoke_notice))
                        .routes(routes!(peers::hosted::key_change::key_change))
                        .routes(routes!(e2e::hosted::status))
                        .routes(routes!(e2e::hosted::enable))
                        .routes(routes!(e2e::hosted::rotate))
                        .routes(routes!(
                            e2e::hosted_transfer::request,
                            e2e::hosted_transfer::requests
                        ))
                        .routes(routes!(e2e::hosted_transfer::approve))
                        .routes(routes!(e2e::hosted_transfer::attempt))
                        .routes(routes!(telemetry::routes::upgrade)),
                ))
                // Account token; per-address limit.
                .merge(per_address(
                    &limits.account_api,
                    conversations
                        .routes(routes!(peers::hosted::list))
                        .routes(routes!(peers::hosted::revoke))
                        .routes(routes!(telemetry::routes::dashboard_route))
                        .routes(routes!(accounts::routes::create_pairing_code))
                        .routes(routes!(e2e::reset::account_e2e))
                        .routes(routes!(e2e::reset::reset_e2e)),
                ))
        }
    }
}

/// The web UI's files: one wildcard route, which OpenAPI cannot express, so the document
/// gets the handler's own description under `/ui/{path}`.
fn with_ui_assets(routes: OpenApiRouter<AppState>) -> OpenApiRouter<AppState> {
    use utoipa::Path;
    let mut routes = routes.route("/ui/{*path}", get(ui::asset));
    routes.get_openapi_mut().paths.add_path_operation(
        ui::__path_asset::path(),
        ui::__path_asset::methods(),
        ui::__path_asset::operation(),
    );
    routes
}
