//! The identity key pair: RSA-2048, signatures RSASSA-PSS with SHA-256, key id the SHA-256
//! of the public key's DER SubjectPublicKeyInfo.

use std::fmt;

use rsa::pkcs8::{
    DecodePrivateKey, DecodePublicKey, EncodePrivateKey, EncodePublicKey, LineEnding,
};
use rsa::sha2::{Digest, Sha256};
use rsa::traits::PublicKeyParts;
use rsa::{PrivateKey, PublicKey};

use super::KeyId;
use crate::secret::Secret;

/// Size of newly generated identity keys.
pub const KEY_BITS: usize = 2048;
/// Public keys outside this range are refused when another backend presents them.
pub const MIN_PEER_KEY_BITS: usize = 2048;
pub const MAX_PEER_KEY_BITS: usize = 4096;

#[derive(Debug, thiserror::Error)]
pub enum KeyError {
    #[error("cannot generate an RSA key: {0}")]
    Generate(String),
    #[error("not a PKCS#8 RSA private key in PEM form")]
    BadPrivateKey,
    #[error("not an RSA public key in PEM SubjectPublicKeyInfo form")]
    BadPublicKey,
    #[error(
        "RSA key of {0} bits: only {MIN_PEER_KEY_BITS} to {MAX_PEER_KEY_BITS} bits are accepted"
    )]
    BadSize(usize),
    #[error("signature does not verify")]
    BadSignature,
    #[error("signing failed: {0}")]
    Sign(String),
    #[error("RSA-OAEP encryption failed: {0}")]
    Encrypt(String),
    #[error("RSA-OAEP decryption failed")]
    Decrypt,
}

/// A public key together with the encodings the protocol uses.
#[derive(Clone)]
pub struct PublicIdentityKey {
    key: PublicKey,
    pem: String,
    key_id: KeyId,
}

impl fmt::Debug for PublicIdentityKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PublicIdentityKey")
            .field("key_id", &self.key_id)
            .finish()
    }
}

impl PublicIdentityKey {
    fn from_key(key: PublicKey) -> Result<Self, KeyError> {
        let der = key
            .to_public_key_der()
            .map_err(|_| KeyError::BadPublicKey)?;
        let pem = key
            .to_public_key_pem(LineEnding::LF)
            .map_err(|_| KeyError::BadPublicKey)?;
        let key_id = KeyId::of_spki_der(der.as_bytes());
        Ok(Self { key, pem, key_id })
    }

    /// Parses a PEM SubjectPublicKeyInfo (`-----BEGIN PUBLIC KEY-----`), as published in
    /// another backend's identity document.
    pub fn from_pem(pem: &str) -> Result<Self, KeyError> {
        let key = PublicKey::from_public_key_pem(pem.trim()).map_err(|_| KeyError::BadPublicKey)?;
        let bits = key.size() * 8;
        if !(MIN_PEER_KEY_BITS..=MAX_PEER_KEY_BITS).contains(&bits) {
            return Err(KeyError::BadSize(bits));
        }
        Self::from_key(key)
    }

    pub fn pem(&self) -> &str {
        &self.pem
    }

    pub fn key_id(&self) -> &KeyId {
        &self.key_id
    }

    /// Checks an RSASSA-PSS (SHA-256, MGF1-SHA-256, salt of 32 bytes) signature over `msg`.
    pub fn verify(&self, msg: &[u8], signature: &[u8]) -> Result<(), KeyError> {
        self.key
            .pss_verify::<Sha256>(msg, signature)
            .map_err(|_| KeyError::BadSignature)
    }

    /// Encrypts a short secret (a pair key) to this key with RSAES-OAEP: SHA-256, MGF1 with
    /// SHA-256, empty label.
    pub fn wrap(&self, secret: &[u8]) -> Result<Vec<u8>, KeyError> {
        self.key
            .oaep_encrypt::<Sha256>(secret)
            .map_err(|e| KeyError::Encrypt(e.to_string()))
    }
}

/// The private identity key of this backend. `Debug` shows only the key id.
pub struct IdentityKey {
    private: PrivateKey,
    public: PublicIdentityKey,
}

impl fmt::Debug for IdentityKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("IdentityKey")
            .field("key_id", self.key_id())
            .finish()
    }
}

impl IdentityKey {
    /// Generates a new RSA-2048 key from the operating system's random source.
    pub fn generate() -> Result<Self, KeyError> {
        let private = PrivateKey::new(&mut rand::rng(), KEY_BITS)
            .map_err(|e| KeyError::Generate(e.to_string()))?;
        Self::from_private(private)
    }

    fn from_private(private: PrivateKey) -> Result<Self, KeyError> {
        let public = PublicIdentityKey::from_key(private.to_public_key())?;
        Ok(Self { private, public })
    }

    /// Parses a PKCS#8 PEM private key (`-----BEGIN PRIVATE KEY-----`).
    pub fn from_pkcs8_pem(pem: &str) -> Result<Self, KeyError> {
        let private =
            PrivateKey::from_pkcs8_pem(pem.trim()).map_err(|_| KeyError::BadPrivateKey)?;
        let bits = private.size() * 8;
        if !(MIN_PEER_KEY_BITS..=MAX_PEER_KEY_BITS).contains(&bits) {
            return Err(KeyError::BadSize(bits));
        }
        Self::from_private(private)
    }

    /// The private key as PKCS#8 PEM, for the keychain or a 0600 file.
    pub fn to_pkcs8_pem(&self) -> Secret<String> {
        let pem = self
            .private
            .to_pkcs8_pem(LineEnding::LF)
            .expect("an RSA key generated or parsed by this crate always encodes");
        Secret::new(pem.to_string())
    }

    pub fn public(&self) -> &PublicIdentityKey {
        &self.public
    }

    pub fn key_id(&self) -> &KeyId {
        self.public.key_id()
    }

    /// Signs `msg` with RSASSA-PSS (SHA-256, MGF1-SHA-256, salt of 32 bytes).
    pub fn sign(&self, msg: &[u8]) -> Result<Vec<u8>, KeyError> {
        self.private
            .pss_sign::<Sha256>(msg)
            .map_err(|e| KeyError::Sign(e.to_string()))
    }

    /// Decrypts what [`PublicIdentityKey::wrap`] encrypted to this key. The error says
    /// nothing about why (no padding oracle).
    pub fn unwrap(&self, wrapped: &[u8]) -> Result<Secret<Vec<u8>>, KeyError> {
        self.private
            .oaep_decrypt::<Sha256>(wrapped)
            .map(Secret::new)
            .map_err(|_| KeyError::Decrypt)
    }
}

impl KeyId {
    /// Lowercase hex SHA-256 of a DER SubjectPublicKeyInfo.
    pub fn of_spki_der(der: &[u8]) -> Self {
        Self(hex::encode(Sha256::digest(der)))
    }
}
