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

/// Whether a peer may still talk to this backend.
pub const PEER_ACTIVE: &str = "active";
pub const PEER_REVOKED: &str = "revoked";

/// A paired backend as this backend sees it: on the hosted side a local backend, on the
/// local side a hosted backend. `kid` and `sbt_expires_at` describe the current pair key.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct Peer {
    pub peer_id: String,
    pub account_id: String,
    /// The other backend's `backend_id`.
    pub remote_id: String,
    /// The other backend's identity `key_id`, pinned at pairing.
    pub remote_key_id: String,
    /// The other backend's public key (PEM), pinned at pairing.
    #[serde(skip)]
    pub remote_public_key: String,
    /// Where the other backend is reached (the local side knows the hosted URL; the hosted
    /// side does not know the local one).
    pub remote_url: Option<String>,
    pub status: String,
    pub kid: String,
    /// Unix seconds.
    pub sbt_expires_at: i64,
    pub created_at: i64,
    pub updated_at: i64,
}

/// One pair key of a peer. The hosted side keeps the key bytes here; the local side keeps
/// them in its key store and leaves `key` empty.
#[derive(Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct PeerKey {
    pub peer_id: String,
    pub kid: String,
    pub key: Option<Vec<u8>>,
    /// The SBT of this key (kept by the local side, which sends it).
    pub sbt: Option<String>,
    pub created_at: i64,
    /// Unix seconds.
    pub sbt_expires_at: i64,
    /// Once the key has been replaced: when it stops being accepted (unix ms).
    pub retires_at: Option<i64>,
}

impl std::fmt::Debug for PeerKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PeerKey")
            .field("peer_id", &self.peer_id)
            .field("kid", &self.kid)
            .field("sbt_expires_at", &self.sbt_expires_at)
            .field("retires_at", &self.retires_at)
            .finish_non_exhaustive()
    }
}

/// The outcome of registering a peer against a pairing code.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Registration {
    /// The code was consumed and the peer created, for this account.
    Created { account_id: String },
    /// The code did not redeem; nothing was written.
    Refused(Redemption),
    /// The code is bound to another local key; nothing was written and the code stays
    /// unused.
    BoundElsewhere,
}

/// The account id under which a local daemon keeps its own conversations.
pub const LOCAL_ACCOUNT: &str = "local";
pub const KIND_CONVERSATION: &str = "conversation";
pub const KIND_MESSAGE: &str = "message";

/// The latest version of a conversation or a message. `version` orders versions (Last-
/// Write-Wins): a Hybrid Logical Clock timestamp and the writing backend's id, fixed width,
/// so that comparing the strings compares `(hlc, backend_id)`.
#[derive(
    Clone, Debug, PartialEq, Eq, Serialize, serde::Deserialize, sqlx::FromRow, utoipa::ToSchema,
)]
pub struct Record {
    pub kind: String,
    pub id: String,
    pub conversation_id: Option<String>,
    pub title: Option<String>,
    pub role: Option<String>,
    pub content: Option<String>,
    pub created_at: i64,
    pub updated_at: i64,
    pub deleted: bool,
    pub version: String,
    pub source_backend: String,
    /// The sealed form of the title or content (or, for a tombstone, of nothing) in an
    /// end-to-end encrypted account (docs/e2e.md): then `title` and `content` are null.
    /// Absent in a plaintext account, and in a device's own store, which keeps plaintext.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[sqlx(default)]
    pub e2e: Option<String>,
    /// Place in this store's feed (not sent: each store numbers its own feed).
    #[serde(skip)]
    pub seq: i64,
    /// The peer this version came from; `None` when written here.
    #[serde(skip)]
    pub origin_peer: Option<String>,
}

/// The versions waiting for a peer (see `Store::pending_summary`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct PendingSummary {
    pub versions: i64,
    /// Characters of their titles and contents: about their size in bytes (more for text
    /// outside ASCII, less than on the wire, which also carries ids and versions).
    pub bytes: i64,
    /// The oldest `updated_at` among them (unix ms), `None` when none waits.
    pub oldest_at: Option<i64>,
}

/// The nonce of a signed request, as the peer that signed it used it: a nonce is taken once
/// per peer (docs/protocol.md).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SeenNonce {
    pub peer_id: String,
    pub nonce: String,
    /// When it was seen (unix ms), for pruning.
    pub seen_at: i64,
}

/// A sync partner's cursors, kept by the side that initiates syncs.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct SyncCursor {
    pub peer_id: String,
    /// The peer's epoch `pull_seq` counts in.
    pub pull_epoch: Option<String>,
    /// Everything of the peer's feed up to here is applied here.
    pub pull_seq: i64,
    /// The peer's epoch when it acknowledged `push_seq`.
    pub push_epoch: Option<String>,
    /// Everything of this feed up to here is applied at the peer.
    pub push_seq: i64,
    pub last_success_at: Option<i64>,
    pub last_error: Option<String>,
    pub last_error_at: Option<i64>,
    /// The code of the last failure (`peer_unreachable`, `peer_refused`, ...).
    pub last_error_code: Option<String>,
    /// The first failed attempt since the last success; `None` while syncs succeed.
    pub failing_since: Option<i64>,
}

/// A version a peer refused, set aside so it does not block the versions behind it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct SetAside {
    pub peer_id: String,
    pub record_id: String,
    pub version: String,
    /// The peer's refusal: its code and message.
    pub code: String,
    pub message: String,
    pub set_at: i64,
    /// When pushing it again could succeed (unix ms); `None`: only a newer version of the
    /// record replaces it.
    pub retry_at: Option<i64>,
}

/// Why a sync with a peer failed: a stable code and one readable sentence.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SyncFailure {
    pub code: &'static str,
    pub message: String,
}

/// Which records a listing returns: a page in id order (ids are UUIDv7, so creation order).
#[derive(Clone, Debug)]
pub struct RecordQuery<'a> {
    pub account_id: &'a str,
    pub kind: &'a str,
    /// Messages of this conversation (for `kind = message`).
    pub conversation_id: Option<&'a str>,
    /// Only ids after this one (ascending) or before it (descending).
    pub cursor: Option<&'a str>,
    pub descending: bool,
    pub limit: i64,
}

/// An encrypted account's state on the hosted side (docs/e2e.md): its current key's public id
/// and epoch, and the keyring sealed under the recovery code.
#[derive(Clone, Debug, PartialEq, Eq, sqlx::FromRow)]
pub struct E2eAccount {
    pub account_id: String,
    pub ck_id: String,
    pub epoch: i64,
    /// The keyring sealed under the recovery code (`k1.…`): the server cannot open it.
    pub recovery: String,
    pub enabled_at: i64,
}

/// A new device's request for an end-to-end encrypted account's keyring (hosted side,
/// docs/e2e.md "Transfer to a new device"): the identity key it registered when it paired,
/// and once a device of the account approved it, what that device uploaded (`w` wrapped to
/// that key, the keyring sealed under a key from `w` and the transfer code).
#[derive(Clone, Debug, PartialEq, Eq, sqlx::FromRow)]
pub struct E2eTransfer {
    pub account_id: String,
    pub id: String,
    pub peer_id: String,
    pub key_id: String,
    pub public_key: String,
    /// `pending`, `approved`, `accepted` or `failed` (too many wrong codes).
    pub state: String,
    pub created_at: i64,
    pub expires_at: i64,
    pub approver_peer: Option<String>,
    pub approver_key_id: Option<String>,
    pub wrapped: Option<String>,
    pub sealed: Option<String>,
    pub attempts: i64,
}

/// An identity key this backend used before its current one, kept public-only through its
/// grace so peers that pinned it can check the key-change statement it signed.
#[derive(Clone, Debug, PartialEq, Eq, sqlx::FromRow)]
pub struct PreviousIdentityKey {
    pub key_id: String,
    /// PEM SubjectPublicKeyInfo.
    pub public_key: String,
    /// Unix ms: the end of its grace.
    pub valid_until: i64,
    /// The key-change statement, as JSON.
    pub key_change: String,
    /// Unix ms.
    pub rotated_at: i64,
}
