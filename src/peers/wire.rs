//! The JSON bodies of the handshake, as docs/protocol.md ("Handshake") describes them.

use serde::{Deserialize, Serialize};

use crate::handshake::pair_key::Kid;
use crate::identity::{BackendId, IdentityDocument, KeyId};

/// Version of the handshake bodies.
pub const HANDSHAKE_VERSION: u32 = 1;
/// How far a handshake timestamp may be from the receiver's clock, in seconds.
pub const HANDSHAKE_WINDOW_SECS: i64 = 300;

/// Local → hosted `POST /register-peer`.
#[derive(Debug, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RegisterPeerRequest {
    pub v: u32,
    /// The local backend's identity document, as its `GET /identity` serves it.
    pub identity: IdentityDocument,
    /// The hosted backend the local one fetched and pinned.
    pub hosted_id: BackendId,
    pub hosted_key_id: KeyId,
    pub pairing_code: String,
    pub nonce: String,
    /// Unix seconds.
    pub timestamp: i64,
    /// base64url RSA-PSS signature of the local identity key over the request transcript.
    pub proof: String,
}

/// Local → hosted `POST /peers/{peer_id}/renew`.
#[derive(Debug, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RenewRequest {
    pub v: u32,
    pub local_key_id: KeyId,
    pub nonce: String,
    pub timestamp: i64,
    pub proof: String,
    /// The key-change statements of the local identity key's rotations still in their
    /// grace, oldest first (docs/protocol.md, "Key rotation"): when `local_key_id` is not
    /// the key pinned for the peer, the hosted side follows them from the pinned key to it.
    /// Left out when there are none.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub key_changes: Vec<crate::identity::KeyChange>,
}

/// Hosted → local: the answer to a registration or a renewal.
#[derive(Debug, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Grant {
    pub v: u32,
    pub peer_id: String,
    pub kid: Kid,
    pub account_id: String,
    pub hosted_id: BackendId,
    pub hosted_key_id: KeyId,
    /// base64url RSA-OAEP-SHA256 encryption of the 32-byte pair key to the local key.
    pub wrapped_key: String,
    pub sbt: String,
    /// Unix seconds.
    pub sbt_expires_at: i64,
    /// base64url RSA-PSS signature of the hosted identity key over the grant transcript.
    pub signature: String,
}

/// `GET /peers/{peer_id}/binding`: the binding as the answering side holds it.
#[derive(Debug, Serialize, Deserialize, PartialEq, Eq, utoipa::ToSchema)]
pub struct BindingView {
    pub peer_id: String,
    pub account_id: String,
    pub kid: String,
    pub local_id: String,
    pub local_key_id: String,
    pub hosted_id: String,
    pub hosted_key_id: String,
    pub status: String,
    /// Unix seconds.
    pub sbt_expires_at: i64,
}

/// True for a nonce of 16 to 128 unpadded base64url characters.
pub fn valid_nonce(nonce: &str) -> bool {
    (16..=128).contains(&nonce.len())
        && nonce
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}
