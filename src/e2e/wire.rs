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
    /// Since when a new epoch is due (a device of the account was revoked; RFC 3339);
    /// `null` when none is.
    #[serde(default)]
    pub rotation_due: Option<String>,
}

/// `POST /peers/{peer_id}/e2e/rotate`: the account's next key, from the key it holds now,
/// and the keyring with every epoch sealed under a new recovery code.
#[derive(Debug, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RotateRequest {
    /// The key the account holds now, as the rotating device knows it.
    pub from: KeyRef,
    /// The new key's public id and epoch (one past `from`).
    pub ck_id: String,
    pub epoch: u32,
    /// The keyring, every epoch, sealed under the new recovery code.
    pub recovery: String,
}

impl RotateRequest {
    /// The bounds the types do not say.
    pub fn check(&self) -> Result<(), String> {
        if !is_ck_id(&self.ck_id) || !is_ck_id(&self.from.ck_id) {
            return Err("ck_id must be 32 lowercase hex characters (a key's public id)".into());
        }
        if self.epoch != self.from.epoch.saturating_add(1) {
            return Err("epoch must be one past the current key's".into());
        }
        if !self.recovery.starts_with("k1.") || !is_sealed_text(&self.recovery, MAX_RECOVERY_CHARS)
        {
            return Err("recovery must be a sealed keyring (k1.<nonce>.<ciphertext>)".into());
        }
        Ok(())
    }
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

/// A new device's transfer request as the hosted side shows it to the account's devices
/// (`GET /peers/{peer_id}/e2e/requests`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct TransferView {
    /// The request's id (bound into the transfer key).
    pub id: String,
    /// The hosted side's pairing id of the requesting device.
    pub peer_id: String,
    /// The identity key the requesting device registered when it paired: its id, and the
    /// key in PEM (an approving device wraps `w` to it).
    pub key_id: String,
    pub public_key: String,
    /// `pending`, `approved`, `accepted`, `failed` (too many wrong codes) or `expired`.
    pub state: String,
    /// RFC 3339.
    pub created_at: String,
    pub expires_at: String,
    /// Wrong transfer codes the requesting device may still type.
    pub attempts_left: u32,
    /// Once approved: the approving device's identity key id.
    pub approver_key_id: Option<String>,
    /// Once approved, to the requesting device only: `w` wrapped to its key (base64url).
    pub wrapped: Option<String>,
    /// Once approved, to the requesting device only: the sealed keyring (`k1.…`).
    pub sealed: Option<String>,
}

/// `POST /peers/{peer_id}/e2e/transfers`: an approving device's answer to a request.
#[derive(Debug, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ApproveRequest {
    pub request_id: String,
    /// `w` wrapped to the requesting device's registered key (RSA-OAEP), base64url.
    pub wrapped: String,
    /// The keyring sealed under the transfer key (`k1.<nonce>.<ciphertext>`).
    pub sealed: String,
}

/// `POST /peers/{peer_id}/e2e/transfers/attempt`: whether the requesting device opened
/// its transfer with the code typed.
#[derive(Debug, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AttemptRequest {
    pub request_id: String,
    pub opened: bool,
}

/// Whether `value` is base64url or a sealed keyring of at most `max` characters.
pub fn is_sealed_text(value: &str, max: usize) -> bool {
    !value.is_empty()
        && value.len() <= max
        && value
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b'_'))
}

impl ApproveRequest {
    /// The bounds the types do not say.
    pub fn check(&self) -> Result<(), String> {
        if uuid::Uuid::parse_str(&self.request_id).is_err() {
            return Err("request_id must be a request's id".into());
        }
        if !is_sealed_text(&self.wrapped, 2048) {
            return Err("wrapped must be base64url (a secret wrapped with RSA-OAEP)".into());
        }
        if !self.sealed.starts_with("k1.") || !is_sealed_text(&self.sealed, MAX_RECOVERY_CHARS) {
            return Err(format!(
                "sealed must be a sealed keyring (k1.<nonce>.<ciphertext>, at most \
                 {MAX_RECOVERY_CHARS} characters)"
            ));
        }
        Ok(())
    }
}
