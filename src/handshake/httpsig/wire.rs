//! The wire format of the profile: component values, the signature base, and strict parsing
//! of `Signature-Input`, `Signature` and `Content-Digest`.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;

use super::{COVERED_COMPONENTS, NONCE_MAX_LEN, NONCE_MIN_LEN, SIGNATURE_TAG, SigError};
use crate::handshake::pair_key::Kid;

const PEER_ID_MAX_LEN: usize = 128;
pub(super) const COMPONENTS_LIST: &str =
    r#"("@method" "@authority" "@path" "@query" "content-digest" "authorization")"#;

/// The parameters of a `sig1` signature, read from `Signature-Input`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SignatureParams {
    pub peer_id: String,
    pub kid: Kid,
    pub nonce: String,
    pub created: i64,
    pub expires: i64,
}

impl SignatureParams {
    /// Parses a `Signature-Input` value strictly, so a caller can look the key up before
    /// calling [`verify_request`](super::verify_request). Nothing in it is authenticated yet.
    pub fn parse(signature_input: &str) -> Result<Self, SigError> {
        parse_signature_input(signature_input).map(|(params, _)| params)
    }
}

/// The component values of one request, validated and canonicalised.
pub(super) struct Components<'a> {
    method: &'a str,
    authority: String,
    path: &'a str,
    query: &'a str,
    pub(super) content_digest: &'a str,
    authorization: &'a str,
}

impl<'a> Components<'a> {
    pub(super) fn new(
        [method, authority, path, query]: [&'a str; 4],
        content_digest: &'a str,
        authorization: &'a str,
    ) -> Result<Self, SigError> {
        use SigError::Malformed;
        if method.is_empty() || !method.bytes().all(|b| b.is_ascii_uppercase()) {
            return Err(Malformed("@method must be an uppercase method name"));
        }
        if authority.is_empty() || !authority.bytes().all(|b| is_uri_char(b, b"/?#")) {
            return Err(Malformed("@authority must be host[:port]"));
        }
        if !path.starts_with('/') || !path.bytes().all(|b| is_uri_char(b, b"?#")) {
            return Err(Malformed(
                "@path must be an absolute path without the query",
            ));
        }
        let query = match query {
            "" => "?",
            q if q.starts_with('?') && q.bytes().all(|b| is_uri_char(b, b"#")) => q,
            _ => return Err(Malformed("@query must be empty or start with '?'")),
        };
        Ok(Self {
            method,
            authority: authority.to_ascii_lowercase(),
            path,
            query,
            content_digest: field_value(content_digest)?,
            authorization: field_value(authorization)?,
        })
    }

    /// The signature base of RFC 9421 section 2.5: one `"name": value` line per component,
    /// then `"@signature-params"`, joined by LF with no trailing LF.
    pub(super) fn base(&self, params: &str) -> String {
        let values = [
            self.method,
            &self.authority,
            self.path,
            self.query,
            self.content_digest,
            self.authorization,
        ];
        let mut base = String::new();
        for (name, value) in COVERED_COMPONENTS.iter().zip(values) {
            base.push_str(&format!("\"{name}\": {value}\n"));
        }
        base.push_str(&format!("\"@signature-params\": {params}"));
        base
    }
}

fn is_uri_char(b: u8, excluded: &[u8]) -> bool {
    b.is_ascii_graphic() && !excluded.contains(&b)
}

/// An HTTP field value with surrounding whitespace removed (RFC 9421 section 2.1). Control
/// bytes are refused, since a line break would let one component forge another's line.
fn field_value(value: &str) -> Result<&str, SigError> {
    let value = value.trim_matches([' ', '\t']);
    if value.bytes().all(|b| b == b' ' || b.is_ascii_graphic()) {
        Ok(value)
    } else {
        Err(SigError::Malformed("a covered header holds control bytes"))
    }
}

pub(super) fn check_peer_id(peer_id: &str) -> Result<(), SigError> {
    let allowed = |b: u8| b.is_ascii_alphanumeric() || b"-._~".contains(&b);
    if (1..=PEER_ID_MAX_LEN).contains(&peer_id.len()) && peer_id.bytes().all(allowed) {
        Ok(())
    } else {
        Err(SigError::Malformed(
            "keyid peer must be 1-128 of A-Z a-z 0-9 - . _ ~",
        ))
    }
}

pub(super) fn check_nonce(nonce: &str) -> Result<(), SigError> {
    let allowed = |b: u8| b.is_ascii_alphanumeric() || b == b'-' || b == b'_';
    if (NONCE_MIN_LEN..=NONCE_MAX_LEN).contains(&nonce.len()) && nonce.bytes().all(allowed) {
        Ok(())
    } else {
        Err(SigError::Malformed(
            "nonce must be 16-128 base64url characters",
        ))
    }
}

/// Parses `sig1=<inner list>` and returns the parameters with the inner list's text, which
/// is the `@signature-params` value. Only the canonical serialisation is accepted, so that
/// text is exactly what the signer serialised.
pub(super) fn parse_signature_input(value: &str) -> Result<(SignatureParams, &str), SigError> {
    use SigError::Malformed;
    let inner = field_value(value)?.strip_prefix("sig1=").ok_or(Malformed(
        "Signature-Input must hold one signature labelled sig1",
    ))?;
    let mut pieces = inner
        .strip_prefix(COMPONENTS_LIST)
        .ok_or(Malformed(
            "covered components must be exactly the profile's list",
        ))?
        .split(';');
    if pieces.next() != Some("") {
        return Err(Malformed("unexpected text after the covered components"));
    }
    let (mut created, mut expires, mut nonce, mut keyid, mut tag) = (None, None, None, None, None);
    for piece in pieces {
        let (name, value) = piece
            .split_once('=')
            .ok_or(Malformed("bad signature parameter"))?;
        let duplicate = match name {
            "created" => created.replace(parse_integer(value)?).is_some(),
            "expires" => expires.replace(parse_integer(value)?).is_some(),
            "nonce" => nonce.replace(parse_string(value)?).is_some(),
            "keyid" => keyid.replace(parse_string(value)?).is_some(),
            "tag" => tag.replace(parse_string(value)?).is_some(),
            _ => return Err(Malformed("unknown signature parameter")),
        };
        if duplicate {
            return Err(Malformed("duplicate signature parameter"));
        }
    }
    let (Some(created), Some(expires), Some(nonce), Some(keyid), Some(tag)) =
        (created, expires, nonce, keyid, tag)
    else {
        return Err(Malformed(
            "created, expires, nonce, keyid and tag are all required",
        ));
    };
    if tag != SIGNATURE_TAG {
        return Err(Malformed("tag is not this profile's"));
    }
    check_nonce(nonce)?;
    let (peer_id, kid) = keyid
        .split_once('/')
        .ok_or(Malformed("keyid must be <peer_id>/<kid>"))?;
    check_peer_id(peer_id)?;
    let kid = kid
        .parse()
        .map_err(|_| Malformed("keyid kid must be 32 lowercase hex"))?;
    let params = SignatureParams {
        peer_id: peer_id.to_string(),
        kid,
        nonce: nonce.to_string(),
        created,
        expires,
    };
    Ok((params, inner))
}

/// An RFC 8941 integer in canonical form, non-negative: at most 15 digits, no leading zero.
fn parse_integer(value: &str) -> Result<i64, SigError> {
    let canonical = !value.is_empty()
        && value.len() <= 15
        && value.bytes().all(|b| b.is_ascii_digit())
        && (value == "0" || !value.starts_with('0'));
    if !canonical {
        return Err(SigError::Malformed("integer parameters must be canonical"));
    }
    value
        .parse()
        .map_err(|_| SigError::Malformed("bad integer"))
}

/// An RFC 8941 string without escapes (no parameter of this profile needs one).
fn parse_string(value: &str) -> Result<&str, SigError> {
    value
        .strip_prefix('"')
        .and_then(|v| v.strip_suffix('"'))
        .filter(|v| {
            v.bytes()
                .all(|b| (b' '..=b'~').contains(&b) && b != b'"' && b != b'\\')
        })
        .ok_or(SigError::Malformed(
            "string parameters must be quoted, without escapes",
        ))
}

/// `<prefix><base64>:` (an RFC 8941 byte sequence after its key), decoded.
pub(super) fn parse_byte_sequence(value: &str, prefix: &str) -> Option<Vec<u8>> {
    let b64 = value
        .trim_matches([' ', '\t'])
        .strip_prefix(prefix)?
        .strip_suffix(':')?;
    STANDARD.decode(b64).ok()
}
