//! What the routes of end-to-end encryption send and answer (docs/e2e.md, docs/sync.md).

use serde::{Deserialize, Serialize};

/// The key an account's envelopes are sealed under: its epoch and public id. A sync
/// request carries the caller's, a sync answer the account's, so that each end notices a
/// second key.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct KeyRef {
    #[schema(minimum = 1)]
    pub epoch: u32,
    /// 32 lowercase hex characters.
    pub ck_id: String,
}

/// An account's encryption as the hosted side holds it (`GET /peers/{peer_id}/e2e`).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct HostedE2e {
    /// Whether the account's conversations are end-to-end encrypted.
    pub enabled: bool,
    /// The current key's epoch and public id; `null` while not enabled.
    pub key: Option<KeyRef>,
    /// The keyring sealed under the recovery code (`k1.…`), which only the code opens;
    /// `null` while not enabled.
    pub recovery: Option<String>,
    /// When it was enabled (RFC 3339); `null` while not enabled.
    pub enabled_at: Option<String>,
}

/// `POST /peers/{peer_id}/e2e/enable`: the key a device made, and its keyring sealed under
/// the recovery code it showed.
#[derive(Debug, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EnableRequest {
    /// The key's public id (32 lowercase hex characters).
    pub ck_id: String,
    /// Its epoch: 1 for a first enable.
    pub epoch: u32,
    /// The keyring sealed under the recovery code (`k1.<nonce>.<ciphertext>`).
    pub recovery: String,
}

/// The longest sealed keyring taken (a few epochs of keys are far smaller).
pub const MAX_RECOVERY_CHARS: usize = 8 * 1024;

/// Whether `ck_id` looks like a key's public id: 32 lowercase hex characters.
pub fn is_ck_id(ck_id: &str) -> bool {
    ck_id.len() == 32
        && ck_id
            .bytes()
            .all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
}

impl EnableRequest {
    /// The bounds the types do not say; each message names the field.
    pub fn check(&self) -> Result<(), String> {
        if !is_ck_id(&self.ck_id) {
            return Err("ck_id must be 32 lowercase hex characters (a key's public id)".into());
        }
        if self.epoch != 1 {
            return Err("epoch must be 1: encryption is enabled with a first key".into());
        }
        let sealed = self.recovery.starts_with("k1.")
            && self.recovery.len() <= MAX_RECOVERY_CHARS
            && self
                .recovery
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b'_'));
        if !sealed {
            return Err(format!(
                "recovery must be a sealed keyring (k1.<nonce>.<ciphertext>, at most \
                 {MAX_RECOVERY_CHARS} characters)"
            ));
        }
        Ok(())
    }
}
