//! Persistence: one [`Store`] trait, a SQLite and a Postgres implementation, migrations run
//! on connect. Queries are checked at run time, so building never needs a database.

mod audit;
mod audit_walk;
mod error;
mod models;
pub mod nodelay;
mod postgres;
mod sql;
mod sqlite;
pub mod telemetry;

use std::collections::HashSet;
use std::sync::Arc;

use async_trait::async_trait;

pub use audit::{
    AuditEntry, AuditQuery, AuditRow, CHECKPOINT_EVENT, ChainScope, Checkpoint, GENESIS_HASH,
    LOCAL_CHAIN, NO_ACCOUNT_CHAIN, Retained, entry_hash,
};
pub use audit_walk::{
    AuditProblem, AuditVerification, ChainReport, ChainWalk, EntryRef, chain_label, time,
};
pub use error::{StoreError, StoreResult};
pub use models::{
    Account, E2eAccount, E2eTransfer, KIND_CONVERSATION, KIND_MESSAGE, LOCAL_ACCOUNT,
    NewPairingCode, PEER_ACTIVE, PEER_REVOKED, Peer, PeerKey, PendingSummary, PreviousIdentityKey,
    Record, RecordQuery, RedeemedCode, Redemption, Registration, SeenNonce, SetAside, SyncCursor,
    SyncFailure,
};
pub use postgres::PostgresStore;
pub use sqlite::SqliteStore;

/// The oldest Postgres the migrations and queries are written for.
pub const MIN_POSTGRES_VERSION_NUM: i32 = 130_000;

/// Meta key of the store's epoch: a random id drawn when the database is created.
pub const META_EPOCH: &str = "epoch";

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DatabaseKind {
    Sqlite,
    Postgres,
}

impl DatabaseKind {
    /// Recognises the URL's scheme. The error names only the scheme, never the URL, which
    /// may carry a password.
    pub fn from_url(url: &str) -> Result<Self, String> {
        if url.starts_with("sqlite:") {
            return Ok(Self::Sqlite);
        }
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            return Ok(Self::Postgres);
        }
        let scheme = match url.split_once(':') {
            Some((scheme, _)) if !scheme.is_empty() && !scheme.contains('/') => {
                format!("scheme {scheme:?}")
            }
            _ => "a URL without a scheme".to_string(),
        };
        Err(format!(
            "unsupported database URL ({scheme}): expected postgres://USER@HOST/DB \
             (or postgresql://) or sqlite:PATH"
        ))
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Sqlite => "sqlite",
            Self::Postgres => "postgres",
        }
    }
}

/// Everything the daemon keeps. Both implementations pass the same contract tests
/// (`tests/store_contract.rs`).
/// What [`Store::feed_window`] read.
/// A store's database connections at one moment.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct PoolUsage {
    pub open: u32,
    pub idle: u32,
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct FeedWindow {
    /// The versions in the window that did not come from the excluded peer.
    pub records: Vec<Record>,
    /// The window's last position (`after_seq` when the window is empty).
    pub last: i64,
    /// The window held `limit` positions: more of the feed may follow.
    pub full: bool,
}

/// The right to run retention, held for the run (see [`Store::retention_lock`]). On Postgres
/// it holds the connection that owns the advisory lock; on SQLite nothing.
#[derive(Debug, Default)]
#[must_use = "the lock is held until `release`"]
pub struct RunLock {
    conn: Option<sqlx::pool::PoolConnection<sqlx::Postgres>>,
}

#[async_trait]
pub trait Store: Send + Sync + 'static {
    fn kind(&self) -> DatabaseKind;

    /// Succeeds when the database answers a query.
    async fn ping(&self) -> StoreResult<()>;

    /// Whether the database is known to be down (Postgres); `None` for a database that does
    /// not go away on its own (SQLite).
    fn database_health(&self) -> Option<Arc<crate::resilience::DatabaseHealth>> {
        None
    }

    /// Whether this instance leads for `name` (several hosted instances may share a
    /// Postgres database: one of them runs the alerts, say). On Postgres, a session advisory
    /// lock (`pg_try_advisory_lock`) held on a connection of its own until the store closes
    /// or the connection breaks; on SQLite, one instance owns the database: always true.
    async fn try_lead(&self, name: &str) -> StoreResult<bool> {
        let _ = name;
        Ok(true)
    }

    /// Connections of the store's pools: open, and of those idle (`GET /metrics`).
    fn pool_usage(&self) -> PoolUsage {
        PoolUsage::default()
    }

    async fn meta_get(&self, key: &str) -> StoreResult<Option<String>>;

    /// Stores `value` under `key` unless a value is there already, and returns the value
    /// that is stored: the first writer wins, under any concurrency.
    async fn meta_init(&self, key: &str, value: &str) -> StoreResult<String>;

    /// Sets a meta value, replacing any.
    async fn meta_set(&self, key: &str, value: &str) -> StoreResult<()>;

    /// An account's privacy settings as stored (a JSON object), if it ever set any.
    async fn privacy_settings(&self, account_id: &str) -> StoreResult<Option<String>>;

    /// Replaces an account's privacy settings.
    async fn put_privacy_settings(
        &self,
        account_id: &str,
        settings: &str,
        now_ms: i64,
    ) -> StoreResult<()>;

    /// Creates an account; [`StoreError::Conflict`] if the name is taken.
    async fn create_account(&self, account: &Account, token_hash: &str) -> StoreResult<()>;

    async fn account_by_name(&self, name: &str) -> StoreResult<Option<Account>>;

    /// Replaces an account's token hash: the old token stops working at once.
    async fn set_token_hash(&self, account_id: &str, token_hash: &str) -> StoreResult<bool>;

    async fn account_by_token_hash(&self, token_hash: &str) -> StoreResult<Option<Account>>;

    async fn create_pairing_code(&self, code: &NewPairingCode) -> StoreResult<()>;

    /// Marks the code used if it is unused and unexpired at `now_ms`. Atomic: of any number
    /// of concurrent redemptions of one code, exactly one gets [`Redemption::Redeemed`].
    async fn redeem_pairing_code(&self, code_hash: &str, now_ms: i64) -> StoreResult<Redemption>;

    /// The hosted side of pairing, in one transaction: redeems the code (as
    /// [`Store::redeem_pairing_code`]), checks the key it may be bound to against
    /// `peer.remote_key_id`, and creates the peer (for the code's account, whatever
    /// `peer.account_id` says) with its first pair key. Anything but
    /// [`Registration::Created`] writes nothing.
    async fn register_peer(
        &self,
        code_hash: &str,
        now_ms: i64,
        peer: &Peer,
        key: &PeerKey,
    ) -> StoreResult<Registration>;

    /// Stores a peer and its first pair key (the local side of pairing).
    async fn insert_peer(&self, peer: &Peer, key: &PeerKey) -> StoreResult<()>;

    async fn peer(&self, peer_id: &str) -> StoreResult<Option<Peer>>;

    /// All peers, or those of one account, oldest first.
    async fn peers(&self, account_id: Option<&str>) -> StoreResult<Vec<Peer>>;

    /// Of `peer_ids`, those that exist and are active: the hosted hub's sweep of its open
    /// sockets, one statement for all of them.
    async fn active_among(&self, peer_ids: &[String]) -> StoreResult<HashSet<String>>;

    async fn peer_key(&self, peer_id: &str, kid: &str) -> StoreResult<Option<PeerKey>>;

    /// Makes `key` the peer's current pair key and lets every earlier key retire at
    /// `retire_old_at` (unix ms). Returns false, writing nothing, if the peer is not active.
    async fn replace_peer_key(
        &self,
        key: &PeerKey,
        retire_old_at: i64,
        now_ms: i64,
    ) -> StoreResult<bool>;

    /// Marks a peer revoked; its keys stop verifying and it cannot renew. False if there is
    /// no such peer.
    async fn revoke_peer(&self, peer_id: &str, now_ms: i64) -> StoreResult<bool>;

    /// Replaces the identity key pinned for a peer, only if `old_key_id` is still the
    /// pinned one. False, writing nothing, if it is not (or the peer is not active).
    async fn repin_peer_key(
        &self,
        peer_id: &str,
        old_key_id: &str,
        new_key_id: &str,
        new_public_key: &str,
        now_ms: i64,
    ) -> StoreResult<bool>;

    /// This backend's earlier identity keys, oldest rotation first.
    async fn previous_identity_keys(&self) -> StoreResult<Vec<PreviousIdentityKey>>;

    /// Records an earlier identity key (a rotation).
    async fn add_previous_identity_key(&self, key: &PreviousIdentityKey) -> StoreResult<()>;

    /// Forgets an earlier identity key (a rotation undone because its key could not be
    /// stored).
    async fn remove_previous_identity_key(&self, key_id: &str) -> StoreResult<()>;

    /// Records a signed request's nonce. False if this peer used it before: a replay.
    async fn record_nonce(&self, peer_id: &str, nonce: &str, seen_at: i64) -> StoreResult<bool>;

    /// Forgets nonces seen before `before` (unix ms); returns how many.
    async fn prune_nonces(&self, before: i64) -> StoreResult<u64>;

    /// Appends an entry at the end of its chain (see `store/audit.rs`): one transaction
    /// that locks the chain's head, so concurrent appends never fork a chain.
    async fn append_audit(&self, entry: &AuditEntry) -> StoreResult<AuditRow>;

    /// The latest `limit` audit entries of every chain, newest first.
    async fn audit_entries(&self, limit: i64) -> StoreResult<Vec<AuditRow>> {
        let query = AuditQuery {
            chain: None,
            before: None,
            limit,
        };
        self.audit_page(&query).await
    }

    /// A page of audit entries, newest first.
    async fn audit_page(&self, query: &AuditQuery<'_>) -> StoreResult<Vec<AuditRow>>;

    /// The chains that have a head.
    async fn audit_chains(&self) -> StoreResult<Vec<String>>;

    /// Walks every chain, in one snapshot of the database, and reports where each does not
    /// hold, and the entries that are in no chain.
    async fn audit_verify(&self) -> StoreResult<AuditVerification>;

    /// Deletes the oldest entries of a chain, those before the first entry written at or
    /// after `cutoff` (at most a page of them), and appends a checkpoint entry (at `now_ms`)
    /// that records the hash of the last one deleted, so that the rest still verifies.
    /// Entries due for deletion that do not verify are kept.
    async fn audit_retain(&self, chain: &str, cutoff: i64, now_ms: i64) -> StoreResult<Retained>;

    /// How many entries [`Store::audit_retain`] would delete from the chain at `cutoff`,
    /// called until it has nothing left (and every entry verifying).
    async fn audit_expired(&self, chain: &str, cutoff: i64) -> StoreResult<i64>;

    /// Chains the entries written before the log was chained, once per database (later
    /// calls chain nothing): each goes to the chain `scope` gives its account. Returns how
    /// many were chained.
    async fn audit_chain_unchained(&self, scope: ChainScope) -> StoreResult<u64>;

    /// The highest record version in the store, to restart the Hybrid Logical Clock above.
    async fn max_version(&self) -> StoreResult<Option<String>>;

    /// Applies versions Last-Write-Wins, in one transaction: a version replaces the stored
    /// one only if its `version` is greater, and then takes the account's next feed `seq`.
    /// `cursor`, when given, is written in the same transaction. Returns how many applied.
    async fn apply_versions(
        &self,
        account_id: &str,
        versions: &[Record],
        origin_peer: Option<&str>,
        cursor: Option<&SyncCursor>,
    ) -> StoreResult<usize>;

    /// [`Store::apply_versions`] for a signed sync request, whose nonce is recorded in the
    /// same transaction (one commit, not two): `None`, with nothing written, when the peer
    /// used the nonce before (a replay).
    async fn apply_sync(
        &self,
        account_id: &str,
        versions: &[Record],
        cursor: Option<&SyncCursor>,
        nonce: &SeenNonce,
    ) -> StoreResult<Option<usize>>;

    /// A record, tombstone or not.
    async fn record(&self, account_id: &str, id: &str) -> StoreResult<Option<Record>>;

    /// A page of live (not deleted) records.
    async fn list_records(&self, query: &RecordQuery<'_>) -> StoreResult<Vec<Record>>;

    /// The next `limit` positions of the account's feed after `after_seq`, and the versions
    /// among them that did not come from `exclude_origin` (in `seq` order, tombstones
    /// included). The versions a peer sent are skipped without being read, but they move
    /// the position: the window's `last` seq and whether it was `full` are returned too.
    async fn feed_window(
        &self,
        account_id: &str,
        after_seq: i64,
        limit: i64,
        exclude_origin: &str,
    ) -> StoreResult<FeedWindow>;

    /// The account's feed after `after_seq`, in `seq` order, tombstones included.
    async fn feed_page(
        &self,
        account_id: &str,
        after_seq: i64,
        limit: i64,
    ) -> StoreResult<Vec<Record>>;

    /// The account's last `seq` (0 for an empty feed).
    async fn feed_head(&self, account_id: &str) -> StoreResult<i64>;

    /// What [`Store::count_pending`] counts, with its size (characters of titles and
    /// contents) and the oldest `updated_at` among them.
    async fn pending_summary(
        &self,
        account_id: &str,
        after_seq: i64,
        exclude_origin: &str,
    ) -> StoreResult<PendingSummary>;

    /// How many versions after `after_seq` did not come from `exclude_origin`.
    async fn count_pending(
        &self,
        account_id: &str,
        after_seq: i64,
        exclude_origin: &str,
    ) -> StoreResult<i64>;

    async fn sync_cursor(&self, peer_id: &str) -> StoreResult<Option<SyncCursor>>;

    /// Records the outcome of a sync with a peer (`failure` is `None` on success).
    async fn record_sync_outcome(
        &self,
        peer_id: &str,
        at: i64,
        failure: Option<&SyncFailure>,
    ) -> StoreResult<()>;

    /// An account's end-to-end encryption state (hosted side), `None` while it is plaintext.
    async fn e2e_account(&self, account_id: &str) -> StoreResult<Option<E2eAccount>>;

    /// Enables end-to-end encryption for an account: a compare-and-set, true only for the
    /// first enable of the account, under any concurrency; a later one writes nothing.
    async fn enable_e2e(&self, account: &E2eAccount) -> StoreResult<bool>;

    /// Notes that a device of an encrypted account was revoked at `at`, so its key is due
    /// for rotation (kept at the first revocation until a rotation).
    async fn mark_e2e_rotation_due(&self, account_id: &str, at: i64) -> StoreResult<()>;

    /// When a rotation of the account's key became due, `None` when none is.
    async fn e2e_rotation_due(&self, account_id: &str) -> StoreResult<Option<i64>>;

    /// Moves an encrypted account to a new key: a compare-and-set from the key it holds
    /// (`from_epoch`, `from_ck_id`); clears a rotation due. False when another key is held.
    async fn rotate_e2e(
        &self,
        from_epoch: i64,
        from_ck_id: &str,
        next: &E2eAccount,
    ) -> StoreResult<bool>;

    /// Resets an account's encryption, deleting its encrypted data: the sealed records, the
    /// transfer requests and the key, at once. `None` if the account was not encrypted.
    async fn reset_e2e(&self, account_id: &str) -> StoreResult<Option<u64>>;

    /// Keeps a new device's transfer request (hosted side), and forgets the account's
    /// requests that expired more than a day before `now`.
    async fn create_e2e_transfer(&self, transfer: &E2eTransfer, now: i64) -> StoreResult<()>;

    /// An account's transfer requests, oldest first.
    async fn e2e_transfers(&self, account_id: &str) -> StoreResult<Vec<E2eTransfer>>;

    /// Records an approval: a compare-and-set, true only if the request was pending, not
    /// expired at `now`, and not the approving peer's own.
    async fn approve_e2e_transfer(&self, approval: &E2eTransfer, now: i64) -> StoreResult<bool>;

    /// The requesting peer opened its transfer (`opened`), or failed to: a failure is
    /// counted, and at `max_attempts` the transfer fails and its sealed keyring is dropped;
    /// an open drops it too. Returns the transfer as it is now.
    async fn e2e_transfer_attempt(
        &self,
        account_id: &str,
        id: &str,
        peer_id: &str,
        opened: bool,
        max_attempts: i64,
    ) -> StoreResult<Option<E2eTransfer>>;

    /// Sets a refused version aside (again: its refusal and retry time are replaced).
    async fn set_aside(&self, entry: &SetAside) -> StoreResult<()>;

    /// The versions set aside for a peer, oldest first.
    async fn set_aside_for(&self, peer_id: &str) -> StoreResult<Vec<SetAside>>;

    /// Forgets a set-aside version (it was taken, or a newer version replaced it).
    async fn forget_set_aside(
        &self,
        peer_id: &str,
        record_id: &str,
        version: &str,
    ) -> StoreResult<()>;

    /// Every account's id (the hosted daemon's accounts), in id order.
    async fn account_ids(&self) -> StoreResult<Vec<String>>;

    /// A page of the account's live conversations past the retention: their version and
    /// the versions of all their messages (tombstones too) sort below `cutoff` (a version
    /// prefix, see `retention.rs`); ids after `after_id`, in id order.
    async fn expired_conversations(
        &self,
        account_id: &str,
        cutoff: &str,
        after_id: &str,
        limit: i64,
    ) -> StoreResult<Vec<Record>>;

    /// A page of the account's live messages whose version sorts below `cutoff` and whose
    /// conversation is not live (a tombstone, or not stored); ids after `after_id`.
    async fn expired_orphan_messages(
        &self,
        account_id: &str,
        cutoff: &str,
        after_id: &str,
        limit: i64,
    ) -> StoreResult<Vec<Record>>;

    /// How many live messages a conversation has.
    async fn live_messages(&self, account_id: &str, conversation_id: &str) -> StoreResult<i64>;

    /// How many of the account's tombstones are at feed positions up to `through_seq` with
    /// a version below `cutoff`.
    async fn purgeable_tombstones(
        &self,
        account_id: &str,
        through_seq: i64,
        cutoff: &str,
    ) -> StoreResult<i64>;

    /// Deletes at most `limit` of the tombstones [`Store::purgeable_tombstones`] counts,
    /// feed order first; returns how many. A tombstone replaced by a newer version in the
    /// meantime stays.
    async fn purge_tombstones(
        &self,
        account_id: &str,
        through_seq: i64,
        cutoff: &str,
        limit: i64,
    ) -> StoreResult<u64>;

    /// The right to run retention: on Postgres a connection-level advisory lock (per schema), `None`
    /// while another instance holds it; on SQLite always granted (one process owns the
    /// file). Release it with [`RunLock::release`].
    async fn retention_lock(&self) -> StoreResult<Option<RunLock>>;

    /// The telemetry outbox and event store, on the same database.
    fn telemetry(&self) -> &dyn telemetry::TelemetryStore;

    /// Sends `payload` on the notification channel `channel` to every connection listening
    /// to it (Postgres `NOTIFY`, delivered when the statement commits). Nothing on SQLite,
    /// whose database one process owns.
    async fn notify(&self, channel: &str, payload: &str) -> StoreResult<()>;

    /// Closes the pool; pending queries finish first.
    async fn close(&self);
}

/// Connects to the database `url` names, runs its migrations, and makes sure the store has
/// an epoch.
pub async fn connect(url: &str, max_connections: u32) -> StoreResult<Arc<dyn Store>> {
    let store: Arc<dyn Store> = match DatabaseKind::from_url(url).map_err(StoreError::Url)? {
        DatabaseKind::Sqlite => Arc::new(SqliteStore::connect(url, max_connections).await?),
        DatabaseKind::Postgres => Arc::new(PostgresStore::connect(url, max_connections).await?),
    };
    epoch(store.as_ref()).await?;
    Ok(store)
}

/// Draws a new epoch for the store, as for a new database: for a database restored from a
/// backup, whose peers hold cursors and acknowledgements the backup knows nothing of.
pub async fn renew_epoch(store: &dyn Store) -> StoreResult<String> {
    let epoch = uuid::Uuid::new_v4().to_string();
    store.meta_set(META_EPOCH, &epoch).await?;
    Ok(epoch)
}

/// The store's epoch (see [`META_EPOCH`]), drawn the first time it is asked for.
///
/// Every sync reads it, so the usual case is a plain read; only a store without one yet
/// takes the write (and its row lock) of [`Store::meta_init`].
pub async fn epoch(store: &dyn Store) -> StoreResult<String> {
    if let Some(epoch) = store.meta_get(META_EPOCH).await? {
        return Ok(epoch);
    }
    store
        .meta_init(META_EPOCH, &uuid::Uuid::new_v4().to_string())
        .await
}
