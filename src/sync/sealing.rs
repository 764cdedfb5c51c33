//! End-to-end encryption in sync (docs/e2e.md, docs/sync.md): a device seals the title or
//! content of what it pushes and opens what it pulls *before* it is applied; the hosted side
//! takes, in an encrypted account, only versions sealed under the account's key and epoch.

use axum::http::StatusCode;

use super::engine::RefusedVersion;
use super::records::check_version;
use crate::e2e::envelope::epoch_of;
use crate::e2e::wire::KeyRef;
use crate::e2e::{EnvelopeError, Field, Keyring, open, seal};
use crate::error::ApiError;
use crate::store::{E2eAccount, Record};

/// The longest envelope taken: the largest content (64 KiB), padded, sealed and in base64.
pub const MAX_ENVELOPE_CHARS: usize = 90 * 1024;

/// Codes of pulled versions a device does not apply (set aside, see `set_aside.rs`).
pub const UNOPENED_CODES: [&str; 5] = [
    "e2e_locked",
    "e2e_plaintext",
    "e2e_forged",
    "e2e_unknown_epoch",
    "e2e_malformed",
];

/// The shape of an envelope, as the hosted side can check it without the key.
pub fn check_envelope(envelope: &str) -> Result<(), String> {
    let shaped = envelope.len() <= MAX_ENVELOPE_CHARS
        && envelope.split('.').count() == 4
        && envelope
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b'_'));
    if !shaped || epoch_of(envelope).is_err() {
        return Err(format!(
            "e2e must be an envelope v1.<epoch>.<nonce>.<ciphertext> of at most \
             {MAX_ENVELOPE_CHARS} characters"
        ));
    }
    Ok(())
}

/// The key a device seals under, as its sync requests declare it.
pub fn key_ref(keyring: &Keyring) -> Option<KeyRef> {
    keyring.current().map(|key| KeyRef {
        epoch: key.epoch,
        ck_id: key.key_id(),
    })
}

/// Seals each version's title or content (nothing, for a tombstone) under the keyring's
/// current key, bound to the version's metadata as it is sent.
pub fn seal_all(keyring: &Keyring, changes: &mut [Record]) {
    let Some(key) = keyring.current() else { return };
    for record in changes {
        let field = Field::of(record);
        let title = record.title.take();
        let content = record.content.take();
        let plaintext = match field {
            Field::Title => title.unwrap_or_default(),
            Field::Content => content.unwrap_or_default(),
            Field::Tombstone => String::new(),
        };
        record.e2e = Some(seal(key, record, field, &plaintext));
    }
}

fn unopened(record: &Record, code: &str, message: String) -> RefusedVersion {
    RefusedVersion::of(record, code, message)
}

/// Opens pulled versions with the device's keyring, before any is applied. Returns those
/// that opened, in plaintext as the device keeps them, and those that did not, with why: a
/// sealed version without the key, a plaintext one in an encrypted account, an envelope
/// that does not open for its record (swapped, moved, replayed under a newer version, a
/// forged tombstone), or one of an epoch this device does not hold.
pub fn open_all(
    keyring: Option<&Keyring>,
    encrypted: bool,
    changes: Vec<Record>,
) -> (Vec<Record>, Vec<RefusedVersion>) {
    let mut opened = Vec::with_capacity(changes.len());
    let mut refused = Vec::new();
    for mut record in changes {
        let Some(envelope) = record.e2e.take() else {
            if encrypted || keyring.is_some() {
                let why = "the version is in plaintext, but the account is end-to-end \
                           encrypted: only a sealed version is taken";
                refused.push(unopened(&record, "e2e_plaintext", why.into()));
            } else {
                opened.push(record);
            }
            continue;
        };
        let Some(keyring) = keyring else {
            let why = "the version is sealed under the account's key, which this device does \
                       not hold yet: recover it with `backend-8825 e2e recover`";
            refused.push(unopened(&record, "e2e_locked", why.into()));
            continue;
        };
        let field = Field::of(&record);
        let outcome = open(&keyring.keys, &record, field, &envelope)
            .map_err(|err| {
                let code = match err {
                    EnvelopeError::Forged => "e2e_forged",
                    EnvelopeError::UnknownEpoch(_) => "e2e_unknown_epoch",
                    EnvelopeError::Malformed(_) => "e2e_malformed",
                };
                (code, err.to_string())
            })
            .and_then(|text| place(&mut record, field, text))
            .and_then(|()| check_version(&record).map_err(|e| ("e2e_malformed", e)));
        match outcome {
            Ok(()) => opened.push(record),
            Err((code, message)) => refused.push(unopened(&record, code, message)),
        }
    }
    (opened, refused)
}

/// Puts an opened text where it belongs.
fn place(record: &mut Record, field: Field, text: String) -> Result<(), (&'static str, String)> {
    match field {
        Field::Title => record.title = Some(text),
        Field::Content => record.content = Some(text),
        Field::Tombstone if text.is_empty() => {}
        Field::Tombstone => {
            return Err(("e2e_malformed", "a tombstone's envelope holds text".into()));
        }
    }
    Ok(())
}

/// The hosted side's rule for one pushed version: in an encrypted account, sealed under
/// the account's key (as the request declared it) and epoch; in a plaintext one, not sealed.
pub fn hosted_verdict(
    account: Option<&E2eAccount>,
    declared: Option<&KeyRef>,
    record: &Record,
) -> Result<(), (&'static str, String)> {
    let Some(account) = account else {
        if record.e2e.is_some() {
            return Err((
                "e2e_not_enabled",
                "the version is sealed, but the account is not end-to-end encrypted on the \
                 hosted backend"
                    .into(),
            ));
        }
        return Ok(());
    };
    let Some(envelope) = &record.e2e else {
        return Err((
            "e2e_enabled",
            "this account is end-to-end encrypted: the hosted backend takes a title or \
             content only sealed (in `e2e`), never in plaintext"
                .into(),
        ));
    };
    if declared.is_none_or(|key| key.ck_id != account.ck_id) {
        return Err((
            "e2e_key",
            "the version is not declared sealed under the account's key (the request's \
             `e2e.ck_id`)"
                .into(),
        ));
    }
    let epoch = epoch_of(envelope).map_err(|e| ("invalid_request", e.to_string()))?;
    if i64::from(epoch) != account.epoch {
        return Err((
            "e2e_epoch",
            format!(
                "the version is sealed under epoch {epoch}; the account's current epoch is {}",
                account.epoch
            ),
        ));
    }
    Ok(())
}

/// A caller that seals under another key than the encrypted account's (a second key made
/// for one account, or an old epoch) is refused as a whole: nothing it sends could be taken,
/// and what it would pull it could not open.
pub fn check_declared_key(
    account: Option<&E2eAccount>,
    declared: Option<&KeyRef>,
) -> Result<(), ApiError> {
    let (Some(account), Some(declared)) = (account, declared) else {
        return Ok(());
    };
    if declared.ck_id == account.ck_id && i64::from(declared.epoch) == account.epoch {
        return Ok(());
    }
    Err(ApiError::new(
        StatusCode::CONFLICT,
        "e2e_key_mismatch",
        format!(
            "this account is end-to-end encrypted under another key (epoch {}, ck_id {}) than \
             the one this device seals with: get the account's current key on this device \
             (`backend-8825 e2e request`, then approve it on a device that holds it; or \
             `backend-8825 e2e recover` with the recovery code)",
            account.epoch, account.ck_id
        ),
    ))
}
