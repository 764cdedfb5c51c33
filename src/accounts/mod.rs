//! Accounts of the hosted backend: a person's account token, and the single-use pairing
//! codes it issues. Tokens and codes are shown once and stored only as hashes.

pub(crate) mod routes;
pub mod secrets;

use chrono::{DateTime, Duration, Utc};

pub use routes::{AccountAuth, Owner};

use crate::clock::Clock;
use crate::secret::Secret;
use crate::store::{Account, NewPairingCode, Redemption, Store, StoreError, StoreResult};

/// How long a pairing code stays redeemable.
pub const PAIRING_CODE_TTL_MINUTES: i64 = 10;

#[derive(Debug, thiserror::Error)]
pub enum AccountError {
    #[error("account names are 1 to 64 characters: lowercase letters, digits, '.', '_' or '-'")]
    BadName,
    #[error("no account named {0:?}")]
    NoSuchAccount(String),
    #[error(transparent)]
    Store(#[from] StoreError),
}

fn valid_name(name: &str) -> bool {
    (1..=64).contains(&name.len())
        && name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"._-".contains(&b))
}

/// Creates an account and returns it with its token (the only time the token exists).
pub async fn create_account(
    store: &dyn Store,
    clock: &dyn Clock,
    name: &str,
) -> Result<(Account, Secret<String>), AccountError> {
    if !valid_name(name) {
        return Err(AccountError::BadName);
    }
    let token = secrets::new_account_token();
    let account = Account {
        id: uuid::Uuid::now_v7().to_string(),
        name: name.to_string(),
        created_at: clock.now_ms(),
    };
    store
        .create_account(&account, &secrets::hash_token(token.expose()))
        .await?;
    Ok((account, token))
}

/// Gives the account `name` a new token (printed once) in place of the old one, which stops
/// working at once.
pub async fn rotate_token(store: &dyn Store, name: &str) -> Result<Secret<String>, AccountError> {
    let account = account_named(store, name).await?;
    let token = secrets::new_account_token();
    store
        .set_token_hash(&account.id, &secrets::hash_token(token.expose()))
        .await?;
    Ok(token)
}

/// Revokes the account's token: none works until `rotate_token` issues a new one. The
/// stored hash becomes the hash of a random value that is never shown.
pub async fn revoke_token(store: &dyn Store, name: &str) -> Result<(), AccountError> {
    let account = account_named(store, name).await?;
    let unknowable = secrets::new_account_token();
    store
        .set_token_hash(&account.id, &secrets::hash_token(unknowable.expose()))
        .await?;
    Ok(())
}

/// The account an account token belongs to, if any.
pub async fn authenticate(store: &dyn Store, token: &str) -> StoreResult<Option<Account>> {
    if !token.starts_with(secrets::ACCOUNT_TOKEN_PREFIX) {
        return Ok(None);
    }
    store
        .account_by_token_hash(&secrets::hash_token(token))
        .await
}

/// A freshly issued pairing code.
#[derive(Debug)]
pub struct IssuedCode {
    pub code: Secret<String>,
    pub expires_at: DateTime<Utc>,
}

/// Issues a single-use pairing code for `account`, optionally bound to the key id of the
/// local backend that may redeem it.
pub async fn issue_pairing_code(
    store: &dyn Store,
    clock: &dyn Clock,
    account: &Account,
    bound_key_id: Option<String>,
) -> StoreResult<IssuedCode> {
    let code = secrets::new_pairing_code();
    let now = clock.now();
    let expires_at = now + Duration::minutes(PAIRING_CODE_TTL_MINUTES);
    let new = NewPairingCode {
        code_hash: secrets::hash_code(code.expose()),
        account_id: account.id.clone(),
        bound_key_id,
        created_at: now.timestamp_millis(),
        expires_at: expires_at.timestamp_millis(),
    };
    store.create_pairing_code(&new).await?;
    Ok(IssuedCode { code, expires_at })
}

/// Redeems a pairing code as typed by a person (dashes, case and look-alikes forgiven).
pub async fn redeem_pairing_code(
    store: &dyn Store,
    clock: &dyn Clock,
    code: &str,
) -> StoreResult<Redemption> {
    store
        .redeem_pairing_code(&secrets::hash_code(code), clock.now_ms())
        .await
}

/// Looks an account up by name, for the command line.
pub async fn account_named(store: &dyn Store, name: &str) -> Result<Account, AccountError> {
    store
        .account_by_name(name)
        .await?
        .ok_or_else(|| AccountError::NoSuchAccount(name.into()))
}
