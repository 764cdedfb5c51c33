//! The secrets people handle: account tokens and pairing codes. Both are drawn from the OS
//! random source and stored only as SHA-256 hashes.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use rand::Rng;
use sha2::{Digest, Sha256};

use crate::secret::Secret;

/// Prefix of account tokens, so a leaked one is recognisable (and greppable) as ours.
pub const ACCOUNT_TOKEN_PREFIX: &str = "b8825_at_";
/// Crockford's base32 alphabet: no I, L, O or U, so codes survive being read aloud.
const CROCKFORD: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";
/// Random bytes in a pairing code: 160 bits, above the 128 the protocol requires.
const CODE_BYTES: usize = 20;

/// A new account token: the prefix and 256 random bits.
pub fn new_account_token() -> Secret<String> {
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    Secret::new(format!(
        "{ACCOUNT_TOKEN_PREFIX}{}",
        URL_SAFE_NO_PAD.encode(bytes)
    ))
}

/// A new pairing code: 32 Crockford base32 characters in groups of four,
/// e.g. `7KQ2-M9XD-...`.
pub fn new_pairing_code() -> Secret<String> {
    crockford_code(CODE_BYTES)
}

/// `bytes` random bytes (a multiple of 5) as Crockford base32 characters in groups of four:
/// codes people read and type (pairing, recovery and transfer codes).
pub fn crockford_code(bytes: usize) -> Secret<String> {
    let mut bytes = vec![0u8; bytes];
    rand::rng().fill_bytes(&mut bytes);
    let mut chars = Vec::with_capacity(bytes.len() * 8 / 5);
    let (mut acc, mut bits) = (0u32, 0);
    for byte in bytes {
        acc = (acc << 8) | u32::from(byte);
        bits += 8;
        while bits >= 5 {
            bits -= 5;
            chars.push(CROCKFORD[((acc >> bits) & 31) as usize] as char);
        }
    }
    let groups: Vec<String> = chars.chunks(4).map(|g| g.iter().collect()).collect();
    Secret::new(groups.join("-"))
}

/// The canonical form of a typed code: dashes and spaces dropped, upper case, and the
/// look-alikes Crockford allows mapped (O→0, I and L→1).
pub fn normalize_code(code: &str) -> String {
    code.chars()
        .filter(|c| !matches!(c, '-' | ' '))
        .map(|c| match c.to_ascii_uppercase() {
            'O' => '0',
            'I' | 'L' => '1',
            c => c,
        })
        .collect()
}

/// Hex SHA-256 of a token, as stored.
pub fn hash_token(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// Hex SHA-256 of a pairing code's canonical form, as stored.
pub fn hash_code(code: &str) -> String {
    hash_token(&normalize_code(code))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_long_typeable_and_distinct() {
        let code = new_pairing_code();
        let plain = normalize_code(code.expose());
        assert_eq!(plain.len(), 32, "160 bits in 5-bit characters");
        assert!(plain.bytes().all(|b| CROCKFORD.contains(&b)));
        assert_ne!(code.expose(), new_pairing_code().expose());
    }

    #[test]
    fn a_code_typed_sloppily_hashes_the_same() {
        let code = "7KQ2-M9XD-0000-1111";
        assert_eq!(hash_code(code), hash_code("7kq2 m9xd oooo iLl1"));
        assert_ne!(hash_code(code), hash_code("7KQ2-M9XD-0000-1112"));
    }

    #[test]
    fn tokens_carry_the_prefix_and_256_bits() {
        let token = new_account_token();
        let body = token.expose().strip_prefix(ACCOUNT_TOKEN_PREFIX).unwrap();
        assert_eq!(URL_SAFE_NO_PAD.decode(body).unwrap().len(), 32);
        assert_eq!(hash_token(token.expose()).len(), 64);
    }
}
