//! The SDK's errors as the foreign languages see them: one exception type with a case per
//! kind (`SdkException.NotPaired` in Kotlin, `SdkError.notPaired` in Swift), each with the
//! stable `code` and the `detail` to show the user.

use backend_8825::client::ClientError;

/// Why an operation failed. The field is `detail`, not `message`: Kotlin's exceptions
/// already have a `message` (it holds the same text).
#[derive(Debug, thiserror::Error, uniffi::Error)]
pub enum SdkError {
    #[error("{detail}")]
    InvalidInput { code: String, detail: String },
    #[error("{detail}")]
    NotFound { code: String, detail: String },
    #[error("{detail}")]
    NotPaired { code: String, detail: String },
    #[error("{detail}")]
    Paused { code: String, detail: String },
    #[error("{detail}")]
    Conflict { code: String, detail: String },
    #[error("{detail}")]
    Unreachable { code: String, detail: String },
    #[error("{detail}")]
    Refused { code: String, detail: String },
    #[error("{detail}")]
    KeyStore { code: String, detail: String },
    #[error("{detail}")]
    Storage { code: String, detail: String },
    #[error("{detail}")]
    AlreadyOpen { code: String, detail: String },
    #[error("{detail}")]
    Internal { code: String, detail: String },
}

impl From<ClientError> for SdkError {
    fn from(err: ClientError) -> Self {
        let code = err.code().to_string();
        let detail = err.to_string();
        match err {
            ClientError::InvalidInput { .. } => Self::InvalidInput { code, detail },
            ClientError::NotFound { .. } => Self::NotFound { code, detail },
            ClientError::NotPaired { .. } => Self::NotPaired { code, detail },
            ClientError::Paused { .. } => Self::Paused { code, detail },
            ClientError::Conflict { .. } => Self::Conflict { code, detail },
            ClientError::Unreachable { .. } => Self::Unreachable { code, detail },
            ClientError::Refused { .. } => Self::Refused { code, detail },
            ClientError::KeyStore { .. } => Self::KeyStore { code, detail },
            ClientError::Storage { .. } => Self::Storage { code, detail },
            ClientError::AlreadyOpen { .. } => Self::AlreadyOpen { code, detail },
            ClientError::Internal { .. } => Self::Internal { code, detail },
        }
    }
}

impl SdkError {
    pub(crate) fn invalid(detail: impl Into<String>) -> Self {
        Self::InvalidInput {
            code: "invalid_request".into(),
            detail: detail.into(),
        }
    }
}
