//! `GET /health`: liveness and database reachability, for Fly's checks and for people.

use std::time::Duration;

use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::get;
use axum::{Json, Router};
use serde::Serialize;

use crate::config::Mode;
use crate::state::AppState;

/// How long the database may take to answer before the daemon reports itself unavailable.
const DATABASE_TIMEOUT: Duration = Duration::from_secs(2);

#[derive(Debug, Serialize)]
pub struct Health {
    pub status: &'static str,
    pub mode: Mode,
    pub version: &'static str,
    pub database: &'static str,
}

pub fn router() -> Router<AppState> {
    Router::new().route("/health", get(health))
}

async fn health(State(state): State<AppState>) -> (StatusCode, Json<Health>) {
    let reachable = matches!(
        tokio::time::timeout(DATABASE_TIMEOUT, state.store.ping()).await,
        Ok(Ok(()))
    );
    let (code, status, database) = if reachable {
        (StatusCode::OK, "ok", "ok")
    } else {
        (
            StatusCode::SERVICE_UNAVAILABLE,
            "unavailable",
            "unreachable",
        )
    };
    let version = env!("CARGO_PKG_VERSION");
    (
        code,
        Json(Health {
            status,
            mode: state.config.mode,
            version,
            database,
        }),
    )
}
