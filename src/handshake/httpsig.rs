//! Signed requests between paired backends: the HMAC-SHA256 profile of HTTP Message
//! Signatures (RFC 9421) with `Content-Digest` (RFC 9530), keyed with `K_req`.
//!
//! [`verify_request`] checks the signature, its freshness and the body digest. The caller
//! checks the rest: the body size limit, that the keyid's peer is the path's peer and the
//! `kid` is live (inside `key_lookup`), the SBT carried in `Authorization`, and that the
//! returned nonce was not seen before.

use axum::http::HeaderMap;
use base64::Engine;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use hmac::{Hmac, KeyInit, Mac};
use rand::Rng;
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

use super::pair_key::Kid;
use super::sbt::SbtError;
use wire::{
    COMPONENTS_LIST, Components, check_nonce, check_peer_id, parse_byte_sequence,
    parse_signature_input,
};

pub use wire::SignatureParams;

mod wire;

/// The label of our signature in `Signature-Input` and `Signature`.
pub const SIGNATURE_LABEL: &str = "sig1";
/// The `tag` parameter: which application profile a signature belongs to.
pub const SIGNATURE_TAG: &str = "backend-8825-v1";
/// The covered components, in the order they appear in the signature base.
pub const COVERED_COMPONENTS: [&str; 6] = [
    "@method",
    "@authority",
    "@path",
    "@query",
    "content-digest",
    "authorization",
];
/// Allowed distance between `created` and the verifier's clock, either way.
pub const DEFAULT_WINDOW_SECS: u64 = 300;
/// Nonce length bounds, in characters of the base64url alphabet.
pub const NONCE_MIN_LEN: usize = 16;
pub const NONCE_MAX_LEN: usize = 128;

type HmacSha256 = Hmac<Sha256>;

/// Everything a signer covers. `query` is as sent: empty, or starting with `?`.
#[derive(Clone, Copy)]
pub struct SignInput<'a> {
    pub method: &'a str,
    pub authority: &'a str,
    pub path: &'a str,
    pub query: &'a str,
    pub body: &'a [u8],
    /// The whole `Authorization` value, `SBT <token>`.
    pub authorization: &'a str,
    pub peer_id: &'a str,
    pub kid: &'a Kid,
    pub nonce: &'a str,
    pub created: i64,
    pub expires: i64,
}

/// The three headers to add to a signed request.
#[derive(Clone, PartialEq, Eq)]
pub struct SignedHeaders {
    pub content_digest: String,
    pub signature_input: String,
    pub signature: String,
}

impl std::fmt::Debug for SignedHeaders {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SignedHeaders")
            .field("content_digest", &self.content_digest)
            .field("signature_input", &self.signature_input)
            .field("signature", &"[redacted]")
            .finish()
    }
}

/// The signature-related headers of a received request, each absent or present once.
#[derive(Clone, Copy, Default)]
pub struct SignatureHeaders<'a> {
    pub content_digest: Option<&'a str>,
    pub signature_input: Option<&'a str>,
    pub signature: Option<&'a str>,
    pub authorization: Option<&'a str>,
}

impl<'a> SignatureHeaders<'a> {
    /// Reads the four headers; a header given twice or not visible ASCII is malformed.
    pub fn from_header_map(headers: &'a HeaderMap) -> Result<Self, SigError> {
        let one = |name: &'static str| -> Result<Option<&'a str>, SigError> {
            let mut values = headers.get_all(name).iter();
            match (values.next(), values.next()) {
                (None, _) => Ok(None),
                (Some(_), Some(_)) => Err(SigError::Malformed("a signature header appears twice")),
                (Some(value), None) => value
                    .to_str()
                    .map(Some)
                    .map_err(|_| SigError::Malformed("a header is not visible ASCII")),
            }
        };
        Ok(Self {
            content_digest: one("content-digest")?,
            signature_input: one("signature-input")?,
            signature: one("signature")?,
            authorization: one("authorization")?,
        })
    }
}

/// A received request, as the verifier sees it. `query` is as received: empty, or starting
/// with `?`.
pub struct VerifyInput<'a> {
    pub method: &'a str,
    pub authority: &'a str,
    pub path: &'a str,
    pub query: &'a str,
    pub body: &'a [u8],
    pub headers: SignatureHeaders<'a>,
}

/// A signature that verified: the request was signed with this peer's `K_req` for this `kid`.
/// The caller still checks the SBT and that the nonce is new.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VerifiedSignature {
    pub peer_id: String,
    pub kid: Kid,
    pub nonce: String,
    pub created: i64,
    pub expires: i64,
}

/// Why a signed request was refused. Every variant is a 401 at the HTTP edge.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SigError {
    #[error("malformed signed request: {0}")]
    Malformed(&'static str),
    #[error("the signature is outside the allowed time window or has expired")]
    Stale,
    #[error("this nonce was already used")]
    Replay,
    #[error("Content-Digest does not match the body")]
    BadDigest,
    #[error("the signature does not verify")]
    BadSignature,
    #[error("unknown key id")]
    UnknownKid,
    #[error("the peer is revoked")]
    Revoked,
    #[error("the session binding token has expired")]
    SbtExpired,
    #[error("the session binding token is invalid")]
    SbtInvalid,
}

impl SigError {
    /// The stable `code` of the HTTP error body.
    pub fn code(&self) -> &'static str {
        match self {
            Self::Malformed(_) => "malformed",
            Self::Stale => "stale",
            Self::Replay => "replay",
            Self::BadDigest | Self::BadSignature => "bad_signature",
            Self::UnknownKid => "unknown_kid",
            Self::Revoked => "revoked",
            Self::SbtExpired => "sbt_expired",
            Self::SbtInvalid => "sbt_invalid",
        }
    }
}

impl From<SbtError> for SigError {
    fn from(err: SbtError) -> Self {
        match err {
            SbtError::Expired => Self::SbtExpired,
            SbtError::Malformed(_) | SbtError::BadMac | SbtError::WrongBinding => Self::SbtInvalid,
        }
    }
}

/// A fresh nonce: 16 random bytes, unpadded base64url (22 characters).
pub fn new_nonce() -> String {
    let mut bytes = [0u8; 16];
    rand::rng().fill_bytes(&mut bytes);
    URL_SAFE_NO_PAD.encode(bytes)
}

/// The `Content-Digest` value of `body`: `sha-256=:<base64 of SHA-256(body)>:`.
pub fn content_digest(body: &[u8]) -> String {
    format!("sha-256=:{}:", STANDARD.encode(Sha256::digest(body)))
}

/// Signs a request with `K_req`. Fails only on inputs that cannot appear in a valid request
/// (a lowercase method, a nonce or peer id outside the allowed characters, control bytes).
pub fn sign_request(
    input: &SignInput<'_>,
    request_key: &[u8; 32],
) -> Result<SignedHeaders, SigError> {
    check_peer_id(input.peer_id)?;
    check_nonce(input.nonce)?;
    let content_digest = content_digest(input.body);
    let components = Components::new(
        [input.method, input.authority, input.path, input.query],
        &content_digest,
        input.authorization,
    )?;
    let params = format!(
        "{COMPONENTS_LIST};created={};expires={};nonce=\"{}\";keyid=\"{}/{}\";tag=\"{}\"",
        input.created, input.expires, input.nonce, input.peer_id, input.kid, SIGNATURE_TAG
    );
    let tag = hmac(request_key, &components.base(&params))
        .finalize()
        .into_bytes();
    Ok(SignedHeaders {
        content_digest,
        signature_input: format!("{SIGNATURE_LABEL}={params}"),
        signature: format!("{SIGNATURE_LABEL}=:{}:", STANDARD.encode(tag)),
    })
}

/// Verifies a signed request, in this order: headers present and well formed, the key
/// (`key_lookup(peer_id, kid)`, whose errors are returned as they are), freshness
/// (`|now - created| <= window_secs` and `now <= expires`), the body digest, and the HMAC,
/// compared in constant time.
pub fn verify_request(
    input: &VerifyInput<'_>,
    now: i64,
    window_secs: u64,
    key_lookup: impl FnOnce(&str, &Kid) -> Result<[u8; 32], SigError>,
) -> Result<VerifiedSignature, SigError> {
    let h = &input.headers;
    let (Some(digest), Some(sig_input), Some(signature), Some(authorization)) = (
        h.content_digest,
        h.signature_input,
        h.signature,
        h.authorization,
    ) else {
        return Err(SigError::Malformed(
            "Content-Digest, Signature-Input, Signature and Authorization are all required",
        ));
    };
    let parts = [input.method, input.authority, input.path, input.query];
    let components = Components::new(parts, digest, authorization)?;
    let (params, params_text) = parse_signature_input(sig_input)?;
    let signature = parse_byte_sequence(signature, "sig1=:")
        .ok_or(SigError::Malformed("Signature must be sig1=:<base64>:"))?;
    let digest = parse_byte_sequence(components.content_digest, "sha-256=:").ok_or(
        SigError::Malformed("Content-Digest must be sha-256=:<base64>:"),
    )?;

    let key = key_lookup(&params.peer_id, &params.kid)?;
    if now.abs_diff(params.created) > window_secs || params.expires < now {
        return Err(SigError::Stale);
    }
    if !bool::from(digest.ct_eq(Sha256::digest(input.body).as_slice())) {
        return Err(SigError::BadDigest);
    }
    hmac(&key, &components.base(params_text))
        .verify_slice(&signature)
        .map_err(|_| SigError::BadSignature)?;
    let SignatureParams {
        peer_id,
        kid,
        nonce,
        created,
        expires,
    } = params;
    Ok(VerifiedSignature {
        peer_id,
        kid,
        nonce,
        created,
        expires,
    })
}

fn hmac(key: &[u8; 32], base: &str) -> HmacSha256 {
    let mut mac = HmacSha256::new_from_slice(key).expect("HMAC takes any key length");
    mac.update(base.as_bytes());
    mac
}

#[cfg(test)]
mod tests;
