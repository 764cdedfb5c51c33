//! The account's keyring (its keys of every epoch) and the two ways it travels without a
//! device that holds it being present on the other end (docs/e2e.md):
//!
//! - **Recovery**: a recovery code of 160 bits, typed like a pairing code, seals the keyring
//!   into an envelope the hosted side keeps; the code opens it on a fresh device.
//! - **Transfer to a new device**: an approved device draws a secret `w`, wraps it to the new
//!   device's registered RSA key (OAEP, SHA-256), and seals the keyring under a key derived
//!   from `w` and a one-time transfer code of 80 bits the user carries between the screens:
//!   a server that substituted the new device's key gets `w` but not the code; someone who
//!   saw the code lacks `w`.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chacha20poly1305::aead::{Aead, Payload};
use chacha20poly1305::{KeyInit, XChaCha20Poly1305, XNonce};
use hkdf::Hkdf;
use rand::Rng;
use serde::{Deserialize, Serialize};
use sha2::Sha256;
use zeroize::Zeroizing;

use super::envelope::AccountKey;
use crate::accounts::secrets::{crockford_code, normalize_code};
use crate::identity::{IdentityKey, KeyError, PublicIdentityKey};
use crate::secret::Secret;

const RECOVERY_INFO: &[u8] = b"backend-8825 e2e recovery v1";
const TRANSFER_INFO: &[u8] = b"backend-8825 e2e approve v1";
/// Random bytes of a recovery code (160 bits) and of a transfer code (80 bits).
const RECOVERY_BYTES: usize = 20;
const TRANSFER_BYTES: usize = 10;

/// Why a sealed keyring does not open.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum KeyringError {
    #[error("not a sealed keyring of this format")]
    Malformed,
    /// The code (or the device key) is not the one it was sealed for, or it was changed.
    #[error("the code does not open it: check the code you typed")]
    WrongCode,
}

/// Every epoch's key of one account, the newest last.
#[derive(Clone, Debug, Default)]
pub struct Keyring {
    pub keys: Vec<AccountKey>,
}

#[derive(Serialize, Deserialize)]
struct StoredKey {
    epoch: u32,
    key: String,
}

impl Keyring {
    /// A keyring with one fresh key, epoch 1 (what enabling encryption makes).
    pub fn generate() -> Self {
        Self {
            keys: vec![AccountKey::generate(1)],
        }
    }

    /// The key new writes are sealed under.
    pub fn current(&self) -> Option<&AccountKey> {
        self.keys.iter().max_by_key(|k| k.epoch)
    }

    /// Adds a fresh key one epoch past the newest (a rotation); returns it.
    pub fn rotate(&mut self) -> &AccountKey {
        let epoch = self.current().map_or(1, |k| k.epoch + 1);
        self.keys.push(AccountKey::generate(epoch));
        self.keys.last().expect("just pushed")
    }

    /// The keyring as JSON (keys in base64url): a secret, to keep in the keychain only.
    pub fn to_secret_json(&self) -> Zeroizing<String> {
        let stored: Vec<StoredKey> = self
            .keys
            .iter()
            .map(|k| StoredKey {
                epoch: k.epoch,
                key: URL_SAFE_NO_PAD.encode(k.bytes()),
            })
            .collect();
        Zeroizing::new(serde_json::to_string(&stored).expect("keys serialise"))
    }

    pub fn from_secret_json(json: &str) -> Result<Self, KeyringError> {
        let stored: Vec<StoredKey> =
            serde_json::from_str(json).map_err(|_| KeyringError::Malformed)?;
        let keys = stored
            .into_iter()
            .map(|s| {
                let bytes = Zeroizing::new(
                    URL_SAFE_NO_PAD
                        .decode(&s.key)
                        .map_err(|_| KeyringError::Malformed)?,
                );
                let key: [u8; 32] = bytes[..].try_into().map_err(|_| KeyringError::Malformed)?;
                Ok(AccountKey::new(s.epoch, key))
            })
            .collect::<Result<Vec<_>, KeyringError>>()?;
        Ok(Self { keys })
    }
}

/// Seals `keyring` under a 32-byte key, binding `context` (who it is for).
fn seal_under(key: &[u8; 32], context: &str, keyring: &Keyring) -> String {
    let cipher = XChaCha20Poly1305::new_from_slice(key).expect("a 32-byte key");
    let mut nonce = [0u8; 24];
    rand::rng().fill_bytes(&mut nonce);
    let plain = keyring.to_secret_json();
    let sealed = cipher
        .encrypt(
            &XNonce::from(nonce),
            Payload {
                msg: plain.as_bytes(),
                aad: context.as_bytes(),
            },
        )
        .expect("a keyring encrypts");
    format!(
        "k1.{}.{}",
        URL_SAFE_NO_PAD.encode(nonce),
        URL_SAFE_NO_PAD.encode(sealed)
    )
}

fn open_under(key: &[u8; 32], context: &str, sealed: &str) -> Result<Keyring, KeyringError> {
    let parts: Vec<&str> = sealed.split('.').collect();
    let ["k1", nonce, body] = parts[..] else {
        return Err(KeyringError::Malformed);
    };
    let nonce: [u8; 24] = URL_SAFE_NO_PAD
        .decode(nonce)
        .ok()
        .and_then(|n| n.try_into().ok())
        .ok_or(KeyringError::Malformed)?;
    let body = URL_SAFE_NO_PAD
        .decode(body)
        .map_err(|_| KeyringError::Malformed)?;
    let cipher = XChaCha20Poly1305::new_from_slice(key).expect("a 32-byte key");
    let plain = Zeroizing::new(
        cipher
            .decrypt(
                &XNonce::from(nonce),
                Payload {
                    msg: &body,
                    aad: context.as_bytes(),
                },
            )
            .map_err(|_| KeyringError::WrongCode)?,
    );
    let json = std::str::from_utf8(&plain).map_err(|_| KeyringError::Malformed)?;
    Keyring::from_secret_json(json)
}

fn derive(ikm: &[u8], salt: &[u8], info: &[u8]) -> Zeroizing<[u8; 32]> {
    let mut out = Zeroizing::new([0u8; 32]);
    Hkdf::<Sha256>::new(Some(salt), ikm)
        .expand(info, out.as_mut_slice())
        .expect("32 bytes is a valid HKDF output length");
    out
}

/// A new recovery code: 32 Crockford base32 characters in groups of four (160 bits).
pub fn new_recovery_code() -> Secret<String> {
    crockford_code(RECOVERY_BYTES)
}

/// The keyring sealed under a recovery code, for `account_id`: what the hosted side keeps.
pub fn seal_for_recovery(keyring: &Keyring, code: &str, account_id: &str) -> String {
    let key = derive(
        normalize_code(code).as_bytes(),
        account_id.as_bytes(),
        RECOVERY_INFO,
    );
    seal_under(&key, &format!("recovery account={account_id}"), keyring)
}

/// Opens a recovery envelope with the code the user typed (dashes, spaces, case and the
/// look-alikes O/I/L do not matter).
pub fn open_with_recovery_code(
    sealed: &str,
    code: &str,
    account_id: &str,
) -> Result<Keyring, KeyringError> {
    let key = derive(
        normalize_code(code).as_bytes(),
        account_id.as_bytes(),
        RECOVERY_INFO,
    );
    open_under(&key, &format!("recovery account={account_id}"), sealed)
}

/// A new one-time transfer code: 16 Crockford base32 characters in groups of four (80 bits).
pub fn new_transfer_code() -> Secret<String> {
    crockford_code(TRANSFER_BYTES)
}

/// What an approving device uploads for a new one: `w` wrapped to the new device's key, and
/// the keyring sealed under a key from `w` and the transfer code.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Transfer {
    /// `w`, RSA-OAEP (SHA-256) to the new device's identity key, base64url.
    pub wrapped: String,
    /// The keyring, sealed.
    pub sealed: String,
}

/// The transcript both ends derive the transfer key with: the request and both key ids.
fn transfer_context(request_id: &str, new_key_id: &str, approver_key_id: &str) -> String {
    format!("transfer request={request_id} to={new_key_id} from={approver_key_id}")
}

fn transfer_key(w: &[u8], code: &str, request_id: &str, context: &str) -> Zeroizing<[u8; 32]> {
    let mut ikm = Zeroizing::new(w.to_vec());
    ikm.extend_from_slice(normalize_code(code).as_bytes());
    let mut info = TRANSFER_INFO.to_vec();
    info.extend_from_slice(context.as_bytes());
    derive(&ikm, request_id.as_bytes(), &info)
}

/// On the approving device (identity key id `approver_key_id`): the transfer for request
/// `request_id` of the new device whose registered identity key is `new_key`.
pub fn seal_transfer(
    keyring: &Keyring,
    code: &str,
    request_id: &str,
    new_key: &PublicIdentityKey,
    approver_key_id: &str,
) -> Result<Transfer, KeyError> {
    let mut w = Zeroizing::new([0u8; 32]);
    rand::rng().fill_bytes(w.as_mut_slice());
    let wrapped = new_key.wrap(w.as_slice())?;
    let context = transfer_context(request_id, new_key.key_id().as_str(), approver_key_id);
    let key = transfer_key(w.as_slice(), code, request_id, &context);
    Ok(Transfer {
        wrapped: URL_SAFE_NO_PAD.encode(wrapped),
        sealed: seal_under(&key, &context, keyring),
    })
}

/// On the new device: opens a transfer with its identity key and the code the user typed.
pub fn open_transfer(
    transfer: &Transfer,
    code: &str,
    request_id: &str,
    own_key: &IdentityKey,
    approver_key_id: &str,
) -> Result<Keyring, KeyringError> {
    let wrapped = URL_SAFE_NO_PAD
        .decode(&transfer.wrapped)
        .map_err(|_| KeyringError::Malformed)?;
    let w = own_key
        .unwrap(&wrapped)
        .map_err(|_| KeyringError::WrongCode)?;
    let context = transfer_context(request_id, own_key.key_id().as_str(), approver_key_id);
    let key = transfer_key(w.expose(), code, request_id, &context);
    open_under(&key, &context, &transfer.sealed)
}

#[cfg(test)]
#[path = "keyring_tests.rs"]
mod tests;
