//! The Session Binding Token (SBT): a MAC'd statement, valid for 8 hours, of which account,
//! backends, identity keys, peer and pair key one pairing binds together.
//!
//! `token = b64url(claims_json) "." b64url(HMAC-SHA256(K_sbt, "sbt-v1." || b64url(claims_json)))`
//! with unpadded base64url. There is no algorithm field, so there is nothing to negotiate.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use hmac::{Hmac, KeyInit, Mac};
use serde::{Deserialize, Serialize};
use sha2::Sha256;
use uuid::Uuid;

use super::pair_key::{Kid, PairKey};
use crate::identity::{BackendId, KeyId};

/// The only claims version this code issues and accepts.
pub const SBT_VERSION: u32 = 1;
/// How long a freshly issued token is valid.
pub const SBT_LIFETIME_SECS: i64 = 8 * 3600;
/// Longest token accepted; a real one is about 650 bytes.
pub const SBT_MAX_LEN: usize = 4096;
/// How far in the future `iat` may be, to absorb clock skew between the two backends.
pub const SBT_MAX_IAT_SKEW_SECS: i64 = 60;
/// Domain separation prefix of the MAC input.
const MAC_PREFIX: &[u8] = b"sbt-v1.";

type HmacSha256 = Hmac<Sha256>;

/// The claims of a token, serialised as compact JSON in this field order. Unknown fields are
/// refused, so a verifier never silently ignores something the issuer meant.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SbtClaims {
    /// Claims version, always [`SBT_VERSION`].
    pub v: u32,
    /// A random (v4) id of this token.
    pub jti: Uuid,
    pub kid: Kid,
    pub account_id: String,
    pub peer_id: String,
    pub local_id: BackendId,
    pub hosted_id: BackendId,
    pub local_key_id: KeyId,
    pub hosted_key_id: KeyId,
    /// Issued at, unix seconds.
    pub iat: i64,
    /// Expires at, unix seconds; the token is refused from this second on.
    pub exp: i64,
}

/// What a token binds together, without the per-token fields (version, id, times).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SbtBinding {
    pub kid: Kid,
    pub account_id: String,
    pub peer_id: String,
    pub local_id: BackendId,
    pub hosted_id: BackendId,
    pub local_key_id: KeyId,
    pub hosted_key_id: KeyId,
}

impl SbtClaims {
    /// Claims for a new token: a fresh `jti`, issued at `now`, valid for
    /// [`SBT_LIFETIME_SECS`].
    pub fn new(binding: SbtBinding, now: i64) -> Self {
        Self {
            v: SBT_VERSION,
            jti: Uuid::new_v4(),
            kid: binding.kid,
            account_id: binding.account_id,
            peer_id: binding.peer_id,
            local_id: binding.local_id,
            hosted_id: binding.hosted_id,
            local_key_id: binding.local_key_id,
            hosted_key_id: binding.hosted_key_id,
            iat: now,
            exp: now + SBT_LIFETIME_SECS,
        }
    }
}

/// What the verifier expects a token to bind. `peer_id` and `kid` are always checked; the
/// other fields only when set.
#[derive(Clone, Debug)]
pub struct ExpectedBinding<'a> {
    pub peer_id: &'a str,
    pub kid: &'a Kid,
    pub account_id: Option<&'a str>,
    pub local_id: Option<&'a BackendId>,
    pub hosted_id: Option<&'a BackendId>,
    pub local_key_id: Option<&'a KeyId>,
    pub hosted_key_id: Option<&'a KeyId>,
}

impl<'a> ExpectedBinding<'a> {
    /// Expects this peer and pair key, and nothing else in particular.
    pub fn new(peer_id: &'a str, kid: &'a Kid) -> Self {
        Self {
            peer_id,
            kid,
            account_id: None,
            local_id: None,
            hosted_id: None,
            local_key_id: None,
            hosted_key_id: None,
        }
    }

    /// Also expects every field of `binding`.
    pub fn exact(binding: &'a SbtBinding) -> Self {
        Self {
            peer_id: &binding.peer_id,
            kid: &binding.kid,
            account_id: Some(&binding.account_id),
            local_id: Some(&binding.local_id),
            hosted_id: Some(&binding.hosted_id),
            local_key_id: Some(&binding.local_key_id),
            hosted_key_id: Some(&binding.hosted_key_id),
        }
    }

    fn matches(&self, claims: &SbtClaims) -> bool {
        fn optional<T: PartialEq + ?Sized>(expected: Option<&T>, actual: &T) -> bool {
            expected.is_none_or(|e| e == actual)
        }
        self.peer_id == claims.peer_id
            && *self.kid == claims.kid
            && optional(self.account_id, claims.account_id.as_str())
            && optional(self.local_id, &claims.local_id)
            && optional(self.hosted_id, &claims.hosted_id)
            && optional(self.local_key_id, &claims.local_key_id)
            && optional(self.hosted_key_id, &claims.hosted_key_id)
    }
}

/// Why a token was refused. Messages never contain the token or a key.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SbtError {
    #[error("malformed session binding token: {0}")]
    Malformed(&'static str),
    #[error("session binding token MAC does not verify")]
    BadMac,
    #[error("session binding token has expired")]
    Expired,
    #[error("session binding token is for another peer or pair key")]
    WrongBinding,
}

impl SbtError {
    /// The stable `code` of the HTTP error body.
    pub fn code(&self) -> &'static str {
        match self {
            Self::Expired => "sbt_expired",
            Self::Malformed(_) | Self::BadMac | Self::WrongBinding => "sbt_invalid",
        }
    }
}

/// Issues and verifies Session Binding Tokens.
pub struct SessionBindingToken;

impl SessionBindingToken {
    /// Serialises `claims` and MACs them with `K_sbt` of `key`.
    pub fn issue(key: &PairKey, claims: &SbtClaims) -> String {
        let json = serde_json::to_vec(claims).expect("claims have only string and integer fields");
        let payload = URL_SAFE_NO_PAD.encode(json);
        let tag = mac(key, &payload).finalize().into_bytes();
        format!("{payload}.{}", URL_SAFE_NO_PAD.encode(tag))
    }

    /// Checks, in this order: shape and size, the MAC (constant time, before the JSON is
    /// parsed), the claims version, expiry, `iat` not in the future, and the binding.
    pub fn verify(
        token: &str,
        key: &PairKey,
        expected: &ExpectedBinding<'_>,
        now: i64,
    ) -> Result<SbtClaims, SbtError> {
        if token.len() > SBT_MAX_LEN {
            return Err(SbtError::Malformed("longer than the size limit"));
        }
        let mut parts = token.split('.');
        let (Some(payload), Some(tag), None) = (parts.next(), parts.next(), parts.next()) else {
            return Err(SbtError::Malformed(
                "expected exactly two parts separated by '.'",
            ));
        };
        if payload.is_empty() || tag.is_empty() {
            return Err(SbtError::Malformed("empty part"));
        }
        let tag = URL_SAFE_NO_PAD
            .decode(tag)
            .map_err(|_| SbtError::Malformed("MAC is not unpadded base64url"))?;
        mac(key, payload)
            .verify_slice(&tag)
            .map_err(|_| SbtError::BadMac)?;

        let json = URL_SAFE_NO_PAD
            .decode(payload)
            .map_err(|_| SbtError::Malformed("claims are not unpadded base64url"))?;
        let claims: SbtClaims = serde_json::from_slice(&json)
            .map_err(|_| SbtError::Malformed("claims are not the expected JSON object"))?;
        if claims.v != SBT_VERSION {
            return Err(SbtError::Malformed("unsupported claims version"));
        }
        if now >= claims.exp {
            return Err(SbtError::Expired);
        }
        if claims.iat > now.saturating_add(SBT_MAX_IAT_SKEW_SECS) {
            return Err(SbtError::Malformed("issued in the future"));
        }
        if !expected.matches(&claims) {
            return Err(SbtError::WrongBinding);
        }
        Ok(claims)
    }
}

fn mac(key: &PairKey, payload: &str) -> HmacSha256 {
    let mut mac = HmacSha256::new_from_slice(&key.sbt_key()).expect("HMAC takes any key length");
    mac.update(MAC_PREFIX);
    mac.update(payload.as_bytes());
    mac
}

#[cfg(test)]
mod tests;
