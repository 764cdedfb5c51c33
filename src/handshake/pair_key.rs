//! The pair key `K` shared by the two ends of one pairing, its id (`kid`), and the sub-keys
//! derived from it: one for the Session Binding Token, one for signed requests.

use std::fmt;
use std::str::FromStr;

use hkdf::Hkdf;
use rand::Rng;
use serde::{Deserialize, Serialize};
use sha2::Sha256;
use subtle::ConstantTimeEq;

/// Length of a pair key and of each sub-key, in bytes.
pub const PAIR_KEY_LEN: usize = 32;
/// HKDF `info` of the sub-key that MACs Session Binding Tokens.
pub const SBT_KEY_INFO: &[u8] = b"sbt-v1";
/// HKDF `info` of the sub-key that signs peer requests.
pub const REQUEST_KEY_INFO: &[u8] = b"req-v1";

/// The 32 random bytes both ends of a pairing hold. `Debug` never shows them; the bytes are
/// reachable only through [`PairKey::as_bytes`], for wrapping and storing.
#[derive(Clone)]
pub struct PairKey([u8; PAIR_KEY_LEN]);

/// A byte string that cannot be a pair key.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("a pair key must be exactly {PAIR_KEY_LEN} bytes, got {0}")]
pub struct PairKeyLengthError(pub usize);

impl PairKey {
    /// Draws a new key from the operating system-seeded CSPRNG.
    pub fn generate() -> Self {
        let mut bytes = [0u8; PAIR_KEY_LEN];
        rand::rng().fill_bytes(&mut bytes);
        Self(bytes)
    }

    /// A key received from the other end (unwrapped) or read back from storage.
    pub fn from_bytes(bytes: &[u8]) -> Result<Self, PairKeyLengthError> {
        let bytes: [u8; PAIR_KEY_LEN] = bytes
            .try_into()
            .map_err(|_| PairKeyLengthError(bytes.len()))?;
        Ok(Self(bytes))
    }

    /// The raw key. Call sites are easy to audit with a search for `as_bytes`.
    pub fn as_bytes(&self) -> &[u8; PAIR_KEY_LEN] {
        &self.0
    }

    /// `K_sbt = HKDF-SHA256(salt = empty, ikm = K, info = "sbt-v1", L = 32)`.
    pub fn sbt_key(&self) -> [u8; PAIR_KEY_LEN] {
        self.derive(SBT_KEY_INFO)
    }

    /// `K_req = HKDF-SHA256(salt = empty, ikm = K, info = "req-v1", L = 32)`.
    pub fn request_key(&self) -> [u8; PAIR_KEY_LEN] {
        self.derive(REQUEST_KEY_INFO)
    }

    fn derive(&self, info: &[u8]) -> [u8; PAIR_KEY_LEN] {
        let mut out = [0u8; PAIR_KEY_LEN];
        Hkdf::<Sha256>::new(Some(&[]), &self.0)
            .expand(info, &mut out)
            .expect("32 bytes is a valid HKDF-SHA256 output length");
        out
    }
}

impl PartialEq for PairKey {
    fn eq(&self, other: &Self) -> bool {
        self.0.ct_eq(&other.0).into()
    }
}

impl Eq for PairKey {}

impl fmt::Debug for PairKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("PairKey([redacted])")
    }
}

/// Length of a [`Kid`] in hex digits (16 random bytes).
pub const KID_LEN: usize = 32;

/// The id of one pair key: 16 random bytes as 32 lowercase hex digits. A renewal draws a new
/// key and a new `kid`, so a `kid` names exactly one `K`.
#[derive(Clone, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(try_from = "String", into = "String")]
pub struct Kid(String);

impl Kid {
    /// Draws a new random id.
    pub fn generate() -> Self {
        let mut bytes = [0u8; KID_LEN / 2];
        rand::rng().fill_bytes(&mut bytes);
        Self(hex::encode(bytes))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl FromStr for Kid {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, String> {
        let ok = s.len() == KID_LEN
            && s.bytes()
                .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b));
        if ok {
            Ok(Self(s.to_string()))
        } else {
            Err(format!("Kid must be {KID_LEN} lowercase hex digits"))
        }
    }
}

impl TryFrom<String> for Kid {
    type Error = String;

    fn try_from(s: String) -> Result<Self, String> {
        s.parse()
    }
}

impl From<Kid> for String {
    fn from(kid: Kid) -> String {
        kid.0
    }
}

impl fmt::Display for Kid {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Debug for Kid {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Kid({})", self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::handshake::test_vectors as tv;

    #[test]
    fn generated_keys_differ_and_round_trip_through_bytes() {
        let a = PairKey::generate();
        let b = PairKey::generate();
        assert_ne!(a, b);
        assert_eq!(PairKey::from_bytes(a.as_bytes()).unwrap(), a);
    }

    #[test]
    fn from_bytes_takes_exactly_32_bytes() {
        assert_eq!(
            PairKey::from_bytes(&[7; 31]).unwrap_err(),
            PairKeyLengthError(31)
        );
        assert_eq!(
            PairKey::from_bytes(&[7; 33]).unwrap_err(),
            PairKeyLengthError(33)
        );
        assert_eq!(PairKey::from_bytes(&[]).unwrap_err(), PairKeyLengthError(0));
        assert!(PairKey::from_bytes(&[7; 32]).is_ok());
    }

    #[test]
    fn debug_never_shows_the_key() {
        let key = PairKey::from_bytes(&[0xab; 32]).unwrap();
        let shown = format!("{key:?}");
        assert_eq!(shown, "PairKey([redacted])");
        assert!(!shown.to_lowercase().contains("abab"));
    }

    #[test]
    fn sub_keys_match_the_published_vector() {
        let key = PairKey::from_bytes(&hex::decode(tv::PAIR_KEY_HEX).unwrap()).unwrap();
        assert_eq!(hex::encode(key.sbt_key()), tv::SBT_KEY_HEX);
        assert_eq!(hex::encode(key.request_key()), tv::REQUEST_KEY_HEX);
    }

    #[test]
    fn sub_keys_are_separated_from_each_other_and_from_k() {
        let key = PairKey::generate();
        let (sbt, req) = (key.sbt_key(), key.request_key());
        assert_ne!(sbt, req);
        assert_ne!(&sbt, key.as_bytes());
        assert_ne!(&req, key.as_bytes());
        assert_eq!(key.sbt_key(), sbt, "derivation is deterministic");
    }

    #[test]
    fn kid_is_32_lowercase_hex_and_parses_back() {
        let kid = Kid::generate();
        assert_eq!(kid.as_str().len(), KID_LEN);
        assert_eq!(kid.as_str().parse::<Kid>().unwrap(), kid);
        assert_ne!(Kid::generate(), kid);
    }

    #[test]
    fn kid_rejects_anything_else() {
        for bad in [
            "",
            "00112233445566778899aabbccddeef",
            "00112233445566778899aabbccddeeff0",
            "00112233445566778899AABBCCDDEEFF",
            "00112233445566778899aabbccddeefg",
            "0011223344556677/899aabbccddeeff",
        ] {
            assert!(bad.parse::<Kid>().is_err(), "{bad:?} parsed");
        }
    }

    #[test]
    fn kid_serde_validates() {
        let kid: Kid = serde_json::from_str(&format!("\"{}\"", tv::KID)).unwrap();
        assert_eq!(
            serde_json::to_string(&kid).unwrap(),
            format!("\"{}\"", tv::KID)
        );
        assert!(serde_json::from_str::<Kid>("\"not-a-kid\"").is_err());
    }
}
