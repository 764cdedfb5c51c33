//! Rows as the store returns them. Times are unix milliseconds.

use serde::Serialize;

/// An account of the hosted backend. Its token is never part of it: only the hash is
/// stored, and it is not read back.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct Account {
    pub id: String,
    pub name: String,
    pub created_at: i64,
}

/// A pairing code as it is issued (its hash, never the code).
#[derive(Clone, Debug)]
pub struct NewPairingCode {
    pub code_hash: String,
    pub account_id: String,
    pub bound_key_id: Option<String>,
    pub created_at: i64,
    pub expires_at: i64,
}

/// What a redeemed pairing code grants.
#[derive(Clone, Debug, PartialEq, Eq, sqlx::FromRow)]
pub struct RedeemedCode {
    pub account_id: String,
    pub bound_key_id: Option<String>,
}

/// The outcome of redeeming a pairing code. Exactly one redemption of a code succeeds.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Redemption {
    Redeemed(RedeemedCode),
    Unknown,
    Expired,
    AlreadyUsed,
}

/// The state of a code that did not redeem, as the classifying query reads it.
#[derive(Debug, sqlx::FromRow)]
pub(super) struct CodeState {
    pub expires_at: i64,
    pub used_at: Option<i64>,
}

impl CodeState {
    pub(super) fn classify(state: Option<CodeState>, now_ms: i64) -> Redemption {
        match state {
            None => Redemption::Unknown,
            Some(s) if s.used_at.is_some() => Redemption::AlreadyUsed,
            Some(s) if s.expires_at <= now_ms => Redemption::Expired,
            // Not used and not expired, yet the update did not match: it expired between
            // the two statements, in which case `now_ms` disagrees only by the race window.
            Some(_) => Redemption::Expired,
        }
    }
}
