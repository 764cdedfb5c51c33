//! The byte strings the identity keys sign during pairing and renewal. Each is a fixed
//! label line followed by `name=value` lines, joined with `\n` (no trailing newline). Every
//! value is an id, a hex digest, base64url or a decimal number, so none can contain a newline
//! and no two field lists encode to the same bytes. See docs/protocol.md, "Handshake".

use sha2::{Digest, Sha256};

pub const REGISTER_REQUEST: &str = "backend-8825 register-peer request v1";
pub const REGISTER_RESPONSE: &str = "backend-8825 register-peer response v1";
pub const RENEW_REQUEST: &str = "backend-8825 renew request v1";
pub const RENEW_RESPONSE: &str = "backend-8825 renew response v1";

/// Builds a transcript. Values are checked to be single-line ASCII; the callers pass only
/// validated ids, digests, base64url and numbers, so a failure is a bug, reported as `None`.
pub fn build(label: &str, fields: &[(&str, &str)]) -> Option<Vec<u8>> {
    let mut out = String::from(label);
    for (name, value) in fields {
        let clean = |s: &str| s.bytes().all(|b| b.is_ascii_graphic());
        if !clean(name) || !clean(value) || name.contains('=') {
            return None;
        }
        out.push('\n');
        out.push_str(name);
        out.push('=');
        out.push_str(value);
    }
    Some(out.into_bytes())
}

/// Lowercase hex SHA-256.
pub fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

/// The fields the local backend signs when it registers (proof of possession).
pub struct RegisterRequest<'a> {
    pub local_id: &'a str,
    pub local_key_id: &'a str,
    pub hosted_id: &'a str,
    pub hosted_key_id: &'a str,
    /// SHA-256 (hex) of the normalised pairing code: the signature never carries the code.
    pub code_hash: &'a str,
    pub nonce: &'a str,
    pub timestamp: i64,
}

impl RegisterRequest<'_> {
    pub fn transcript(&self) -> Option<Vec<u8>> {
        build(
            REGISTER_REQUEST,
            &[
                ("local_id", self.local_id),
                ("local_key_id", self.local_key_id),
                ("hosted_id", self.hosted_id),
                ("hosted_key_id", self.hosted_key_id),
                ("code_hash", self.code_hash),
                ("nonce", self.nonce),
                ("timestamp", &self.timestamp.to_string()),
            ],
        )
    }
}

/// The fields the local backend signs when it renews its pair key.
pub struct RenewRequest<'a> {
    pub peer_id: &'a str,
    pub local_id: &'a str,
    pub local_key_id: &'a str,
    pub hosted_id: &'a str,
    pub hosted_key_id: &'a str,
    pub nonce: &'a str,
    pub timestamp: i64,
}

impl RenewRequest<'_> {
    pub fn transcript(&self) -> Option<Vec<u8>> {
        build(
            RENEW_REQUEST,
            &[
                ("peer_id", self.peer_id),
                ("local_id", self.local_id),
                ("local_key_id", self.local_key_id),
                ("hosted_id", self.hosted_id),
                ("hosted_key_id", self.hosted_key_id),
                ("nonce", self.nonce),
                ("timestamp", &self.timestamp.to_string()),
            ],
        )
    }
}

/// The fields the hosted backend signs in its answer to a registration or renewal. The
/// request transcript's digest ties the answer to the request it answers.
pub struct Grant<'a> {
    pub request_transcript: &'a [u8],
    pub peer_id: &'a str,
    pub kid: &'a str,
    pub account_id: &'a str,
    pub wrapped_key: &'a str,
    pub sbt: &'a str,
}

impl Grant<'_> {
    pub fn transcript(&self, label: &str) -> Option<Vec<u8>> {
        build(
            label,
            &[
                ("request", &sha256_hex(self.request_transcript)),
                ("peer_id", self.peer_id),
                ("kid", self.kid),
                ("account_id", self.account_id),
                ("wrapped_key", self.wrapped_key),
                ("sbt", self.sbt),
            ],
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn transcript_is_label_then_fields_without_trailing_newline() {
        let t = build("label v1", &[("a", "1"), ("b", "x.y")]).unwrap();
        assert_eq!(t, b"label v1\na=1\nb=x.y");
    }

    #[test]
    fn values_that_could_forge_a_line_are_refused() {
        assert!(build("l", &[("a", "1\nb=2")]).is_none());
        assert!(build("l", &[("a", "")]).is_some());
        assert!(build("l", &[("a=b", "1")]).is_none());
        assert!(build("l", &[("a", "sp ace")]).is_none());
    }

    #[test]
    fn register_request_fields_are_in_the_documented_order() {
        let t = RegisterRequest {
            local_id: "L",
            local_key_id: "LK",
            hosted_id: "H",
            hosted_key_id: "HK",
            code_hash: "C",
            nonce: "N",
            timestamp: 1_700_000_000,
        }
        .transcript()
        .unwrap();
        assert_eq!(
            String::from_utf8(t).unwrap(),
            "backend-8825 register-peer request v1\nlocal_id=L\nlocal_key_id=LK\nhosted_id=H\n\
             hosted_key_id=HK\ncode_hash=C\nnonce=N\ntimestamp=1700000000"
        );
    }

    #[test]
    fn grant_binds_the_request_digest() {
        let grant = |req: &[u8]| {
            Grant {
                request_transcript: req,
                peer_id: "p",
                kid: "k",
                account_id: "a",
                wrapped_key: "w",
                sbt: "s",
            }
            .transcript(REGISTER_RESPONSE)
            .unwrap()
        };
        assert_ne!(grant(b"one"), grant(b"two"));
        let text = String::from_utf8(grant(b"one")).unwrap();
        assert!(
            text.contains(&format!("request={}", sha256_hex(b"one"))),
            "{text}"
        );
    }
}
