//! The client core's one error type: what went wrong, by kind, in the user's words. Each
//! kind is what an app branches on (show the message, offer to retry, ask to pair again).

use axum::http::StatusCode;

use crate::error::ApiError;

/// Why an operation of the client core failed. `code` is the stable code the same failure
/// has on the local API (docs/local-api.md), `message` what to tell the user.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ClientError {
    /// The input was refused: an empty pairing code, a title too long, an unknown role.
    #[error("{message}")]
    InvalidInput { code: String, message: String },
    /// No such conversation, message or peer.
    #[error("{message}")]
    NotFound { message: String },
    /// This device is not paired with any hosted backend (pair first).
    #[error("{message}")]
    NotPaired { message: String },
    /// Sync is paused, here or by the hosted account; writes keep accumulating.
    #[error("{message}")]
    Paused { code: String, message: String },
    /// The operation conflicts with the current state: an edit that kept losing races, a
    /// hosted backend whose key is not the one expected.
    #[error("{message}")]
    Conflict { code: String, message: String },
    /// The hosted backend cannot be reached (no network, or it is down): try again later.
    #[error("{message}")]
    Unreachable { code: String, message: String },
    /// The hosted backend answered and refused (a spent pairing code, a revoked pairing).
    #[error("{message}")]
    Refused { code: String, message: String },
    /// The key store (the app's, or the keychain) refused to keep or give a secret.
    #[error("{message}")]
    KeyStore { message: String },
    /// The local database cannot be opened or written.
    #[error("{message}")]
    Storage { message: String },
    /// Another client or daemon already runs on this data directory.
    #[error("{message}")]
    AlreadyOpen { message: String },
    /// A bug or an unexpected failure; the cause was logged.
    #[error("{message}")]
    Internal { message: String },
}

const PAUSED: [&str; 2] = ["sync_paused", crate::privacy::settings::REMOTE_PAUSED];
const UNREACHABLE: [&str; 2] = ["hosted_unreachable", "peer_unreachable"];
/// The hosted backend's refusals that pairing and renewal relay with their own code (as a
/// `422`, or `429`): the hosted side said no, the input was not malformed here.
const HOSTED_REFUSALS: [&str; 10] = [
    "pairing_code_invalid",
    "pairing_code_expired",
    "pairing_code_used",
    "pairing_code_bound",
    "stale",
    "bad_proof",
    "replay",
    "revoked",
    "unknown_peer",
    "rate_limited",
];

impl From<ApiError> for ClientError {
    fn from(err: ApiError) -> Self {
        if err.status.is_server_error() && err.code == "internal" {
            // Logged once, with its cause chain, where it became an answer on the server;
            // here there is no answer, so here.
            tracing::error!(error = %err.describe(), "client operation failed");
        }
        let code = err.code.to_string();
        let message = err.message;
        match (err.status, err.code) {
            (_, c) if PAUSED.contains(&c) => Self::Paused { code, message },
            (_, c) if UNREACHABLE.contains(&c) => Self::Unreachable { code, message },
            (_, c) if HOSTED_REFUSALS.contains(&c) => Self::Refused { code, message },
            (_, "key_store_unavailable") => Self::KeyStore { message },
            (_, "database_unavailable") => Self::Storage { message },
            (StatusCode::NOT_FOUND, _) => Self::NotFound { message },
            (StatusCode::CONFLICT, _) => Self::Conflict { code, message },
            (StatusCode::BAD_GATEWAY | StatusCode::UNAUTHORIZED | StatusCode::FORBIDDEN, _) => {
                Self::Refused { code, message }
            }
            (s, _) if s.is_client_error() => Self::InvalidInput { code, message },
            _ => Self::Internal { message },
        }
    }
}

impl From<crate::store::StoreError> for ClientError {
    fn from(err: crate::store::StoreError) -> Self {
        ApiError::from(err).into()
    }
}

impl ClientError {
    /// The stable code of this error (the local API's code for the same failure).
    pub fn code(&self) -> &str {
        match self {
            Self::InvalidInput { code, .. }
            | Self::Paused { code, .. }
            | Self::Conflict { code, .. }
            | Self::Unreachable { code, .. }
            | Self::Refused { code, .. } => code,
            Self::NotFound { .. } => "not_found",
            Self::NotPaired { .. } => "not_paired",
            Self::KeyStore { .. } => "key_store_unavailable",
            Self::Storage { .. } => "database_unavailable",
            Self::AlreadyOpen { .. } => "already_open",
            Self::Internal { .. } => "internal",
        }
    }

    pub(super) fn not_paired() -> Self {
        Self::NotPaired {
            message: "this device is not paired with a hosted backend: pair it first with a \
                      pairing code"
                .to_string(),
        }
    }
}
