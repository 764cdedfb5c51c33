//! The envelope of an end-to-end encrypted field (docs/e2e.md): a conversation's title or a
//! message's content sealed with XChaCha20-Poly1305 under a key derived from the account key
//! of an epoch and the conversation's id, with the record's plaintext metadata bound as
//! associated data, so that a server which holds only envelopes cannot swap them between
//! records or fields, move them to another conversation, replay an old one under a newer
//! version, or forge a tombstone.
//!
//! Wire form: `v1.<epoch>.<nonce>.<ciphertext>`, nonce (24 bytes) and ciphertext (with its
//! 16-byte tag) in unpadded base64url. The plaintext is padded (ISO/IEC 7816-4: a 0x80 byte,
//! then zeros) to a multiple of 256 bytes, so a length says little.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chacha20poly1305::aead::{Aead, Payload};
use chacha20poly1305::{KeyInit, XChaCha20Poly1305, XNonce};
use hkdf::Hkdf;
use sha2::Sha256;
use zeroize::Zeroizing;

use crate::store::Record;

/// The envelope format this code writes and reads.
pub const VERSION: &str = "v1";
/// Plaintext is padded to a multiple of this many bytes.
pub const PAD_TO: usize = 256;
const NONCE_LEN: usize = 24;
const TAG_LEN: usize = 16;
const CONVERSATION_KEY_INFO: &[u8] = b"backend-8825 e2e conv v1";
const KEY_ID_INFO: &[u8] = b"backend-8825 e2e ck-id v1";

/// Which field of a record an envelope holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Field {
    Title,
    Content,
    /// A deleted record's envelope over nothing: the server cannot forge a delete.
    Tombstone,
}

impl Field {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Title => "title",
            Self::Content => "content",
            Self::Tombstone => "tombstone",
        }
    }

    /// The field a record's envelope holds: a tombstone's, else its kind's.
    pub fn of(record: &Record) -> Self {
        match (record.deleted, record.kind.as_str()) {
            (true, _) => Self::Tombstone,
            (false, crate::store::KIND_CONVERSATION) => Self::Title,
            (false, _) => Self::Content,
        }
    }
}

/// Why an envelope does not open. None of them says anything about the key.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum EnvelopeError {
    #[error("not an envelope of this format ({0})")]
    Malformed(&'static str),
    #[error("sealed under epoch {0}, which this device does not hold")]
    UnknownEpoch(u32),
    /// The tag does not verify: another key, or anything bound to it changed (the record's
    /// id, conversation, kind, field, version, deleted flag, source, times or role).
    #[error(
        "the envelope does not open for this record: it was sealed for another record, field or version, or changed"
    )]
    Forged,
}

/// One epoch's account key: 32 random bytes, never stored in the database.
#[derive(Clone)]
pub struct AccountKey {
    pub epoch: u32,
    key: Zeroizing<[u8; 32]>,
}

impl std::fmt::Debug for AccountKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Never the key.
        write!(
            f,
            "AccountKey {{ epoch: {}, ck_id: {} }}",
            self.epoch,
            self.key_id()
        )
    }
}

impl AccountKey {
    pub fn new(epoch: u32, key: [u8; 32]) -> Self {
        Self {
            epoch,
            key: Zeroizing::new(key),
        }
    }

    /// A fresh random key for `epoch`.
    pub fn generate(epoch: u32) -> Self {
        let mut key = [0u8; 32];
        rand::Rng::fill_bytes(&mut rand::rng(), &mut key);
        Self::new(epoch, key)
    }

    pub fn bytes(&self) -> &[u8; 32] {
        &self.key
    }

    /// The key's public id (`ck_id`): the first 16 bytes of HKDF over it, in hex. The hosted
    /// side keeps it, so that a second key for one account is refused.
    pub fn key_id(&self) -> String {
        let mut out = [0u8; 16];
        Hkdf::<Sha256>::new(None, self.key.as_slice())
            .expand(KEY_ID_INFO, &mut out)
            .expect("16 bytes is a valid HKDF output length");
        hex::encode(out)
    }

    /// The key of one conversation: HKDF-SHA256 with the conversation's id as salt.
    fn conversation_key(&self, conversation_id: &str) -> Zeroizing<[u8; 32]> {
        let mut out = Zeroizing::new([0u8; 32]);
        Hkdf::<Sha256>::new(Some(conversation_id.as_bytes()), self.key.as_slice())
            .expand(CONVERSATION_KEY_INFO, out.as_mut_slice())
            .expect("32 bytes is a valid HKDF output length");
        out
    }
}

/// The conversation a record belongs to: its own id for a conversation.
fn conversation_of(record: &Record) -> &str {
    record.conversation_id.as_deref().unwrap_or(&record.id)
}

/// The cipher of the record's conversation under `key`.
fn cipher(key: &AccountKey, record: &Record) -> XChaCha20Poly1305 {
    let conversation_key = key.conversation_key(conversation_of(record));
    XChaCha20Poly1305::new_from_slice(conversation_key.as_slice())
        .expect("a 32-byte key is a valid XChaCha20-Poly1305 key")
}

/// The associated data: the record's plaintext metadata as a transcript, one `name=value`
/// per line (docs/e2e.md).
pub fn associated_data(record: &Record, field: Field, epoch: u32) -> String {
    let or_dash = |v: Option<&str>| v.unwrap_or("-").to_string();
    [
        "backend-8825 e2e record v1".to_string(),
        format!("kind={}", record.kind),
        format!("id={}", record.id),
        format!(
            "conversation_id={}",
            or_dash(record.conversation_id.as_deref())
        ),
        format!("field={}", field.as_str()),
        format!("version={}", record.version),
        format!("source_backend={}", record.source_backend),
        format!("role={}", or_dash(record.role.as_deref())),
        format!("created_at={}", record.created_at),
        format!("updated_at={}", record.updated_at),
        format!("deleted={}", record.deleted),
        format!("epoch={epoch}"),
    ]
    .join("\n")
}

fn pad(plaintext: &[u8]) -> Vec<u8> {
    let len = (plaintext.len() / PAD_TO + 1) * PAD_TO;
    let mut padded = Vec::with_capacity(len);
    padded.extend_from_slice(plaintext);
    padded.push(0x80);
    padded.resize(len, 0);
    padded
}

fn unpad(mut padded: Vec<u8>) -> Result<Vec<u8>, EnvelopeError> {
    let end = padded
        .iter()
        .rposition(|b| *b != 0)
        .filter(|at| padded[*at] == 0x80)
        .ok_or(EnvelopeError::Malformed("padding"))?;
    padded.truncate(end);
    Ok(padded)
}

/// Seals `plaintext` (empty for a tombstone) as `field` of `record`, which must already carry
/// the version, source and times it will be sent with.
pub fn seal(key: &AccountKey, record: &Record, field: Field, plaintext: &str) -> String {
    let mut nonce = [0u8; NONCE_LEN];
    rand::Rng::fill_bytes(&mut rand::rng(), &mut nonce);
    seal_with_nonce(key, record, field, plaintext, nonce)
}

/// [`seal`] with a given nonce: for test vectors only (a nonce must never repeat).
pub fn seal_with_nonce(
    key: &AccountKey,
    record: &Record,
    field: Field,
    plaintext: &str,
    nonce: [u8; NONCE_LEN],
) -> String {
    let cipher = cipher(key, record);
    let aad = associated_data(record, field, key.epoch);
    let padded = Zeroizing::new(pad(plaintext.as_bytes()));
    let sealed = cipher
        .encrypt(
            &XNonce::from(nonce),
            Payload {
                msg: &padded,
                aad: aad.as_bytes(),
            },
        )
        .expect("XChaCha20-Poly1305 encrypts any length the records allow");
    format!(
        "{VERSION}.{}.{}.{}",
        key.epoch,
        URL_SAFE_NO_PAD.encode(nonce),
        URL_SAFE_NO_PAD.encode(sealed)
    )
}

/// The epoch an envelope says it was sealed under, without opening it.
pub fn epoch_of(envelope: &str) -> Result<u32, EnvelopeError> {
    let mut parts = envelope.split('.');
    if parts.next() != Some(VERSION) {
        return Err(EnvelopeError::Malformed("version"));
    }
    parts
        .next()
        .and_then(|e| e.parse().ok())
        .ok_or(EnvelopeError::Malformed("epoch"))
}

/// Opens `field` of `record` from `envelope` with whichever of `keys` has its epoch. Fails
/// unless the envelope was sealed for exactly this record, field and version.
pub fn open(
    keys: &[AccountKey],
    record: &Record,
    field: Field,
    envelope: &str,
) -> Result<String, EnvelopeError> {
    let parts: Vec<&str> = envelope.split('.').collect();
    let [version, epoch, nonce, sealed] = parts[..] else {
        return Err(EnvelopeError::Malformed("parts"));
    };
    if version != VERSION {
        return Err(EnvelopeError::Malformed("version"));
    }
    let epoch: u32 = epoch
        .parse()
        .map_err(|_| EnvelopeError::Malformed("epoch"))?;
    let key = keys
        .iter()
        .find(|k| k.epoch == epoch)
        .ok_or(EnvelopeError::UnknownEpoch(epoch))?;
    let nonce: [u8; NONCE_LEN] = URL_SAFE_NO_PAD
        .decode(nonce)
        .ok()
        .and_then(|n| n.try_into().ok())
        .ok_or(EnvelopeError::Malformed("nonce"))?;
    let sealed = URL_SAFE_NO_PAD
        .decode(sealed)
        .map_err(|_| EnvelopeError::Malformed("ciphertext"))?;
    if sealed.len() < TAG_LEN + PAD_TO {
        return Err(EnvelopeError::Malformed("ciphertext"));
    }
    let cipher = cipher(key, record);
    let aad = associated_data(record, field, epoch);
    let padded = cipher
        .decrypt(
            &XNonce::from(nonce),
            Payload {
                msg: &sealed,
                aad: aad.as_bytes(),
            },
        )
        .map_err(|_| EnvelopeError::Forged)?;
    let plain = unpad(padded)?;
    String::from_utf8(plain).map_err(|_| EnvelopeError::Malformed("text"))
}

#[cfg(test)]
#[path = "envelope_tests.rs"]
mod tests;
