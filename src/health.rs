//! `GET /health`: liveness and database reachability, for Fly's checks and for people.

use std::time::Duration;

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde::Serialize;

use crate::config::Mode;
use crate::state::AppState;

/// How long the database may take to answer before the daemon reports itself unavailable
/// (and, on Postgres, marks the database down). While the database is known to be down the
/// answer is immediate.
const DATABASE_TIMEOUT: Duration = Duration::from_secs(2);

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Health {
    pub status: &'static str,
    pub mode: Mode,
    pub version: &'static str,
    pub database: &'static str,
}

/// `GET /health`.
#[utoipa::path(
    get,
    path = "/health",
    tag = "meta",
    responses(
        (status = 200, description = "Up, and the database answers", body = Health),
        (status = 503, description = "Up, but the database is known to be down, or does not answer within 2 s", body = Health),
    )
)]
pub(crate) async fn health(State(state): State<AppState>) -> (StatusCode, Json<Health>) {
    // The store answers at once while its database is known to be down.
    let reachable = match tokio::time::timeout(DATABASE_TIMEOUT, state.store.ping()).await {
        Ok(answer) => answer.is_ok(),
        Err(_) => {
            if let Some(health) = state.store.database_health() {
                let waited = DATABASE_TIMEOUT.as_secs();
                health.mark_down(&format!("no answer to GET /health within {waited} s"));
            }
            false
        }
    };
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
