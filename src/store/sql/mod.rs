//! The queries both stores share. SQLite and Postgres accept the same SQL for everything the
//! daemon does (`$N` parameters, `RETURNING`, `ON CONFLICT`), so each statement is written
//! once, in the files of this module by topic, as a method of [`Db`]: the store's pools,
//! whichever database they are on. [`query`] runs a statement on either database.
//! [`SqliteStore`] and [`PostgresStore`] only connect and hand out their pools
//! ([`SqlPools`]); [`Store`] and [`TelemetryStore`] are implemented here for both.
//!
//! Each store has two handles: `pool` for reads and `writer` for every statement that
//! writes. On Postgres they are the same pool. On SQLite `writer` is a pool of one
//! connection: SQLite allows one writer at a time, and writers queued in the process wait
//! their turn in order, where writers on separate connections would collide on the file
//! lock and sleep in SQLite's busy handler (1, 2, 5, 10 ms ... steps).
//!
//! [`SqliteStore`]: super::SqliteStore
//! [`PostgresStore`]: super::PostgresStore
//! [`TelemetryStore`]: super::telemetry::TelemetryStore

mod accounts;
mod apply;
mod apply_pg;
mod audit;
mod builder;
mod e2e;
mod e2e_transfers;
mod pairing;
mod peers;
mod privacy;
mod query;
mod records;
mod retention;
mod sync;
mod telemetry;

use std::collections::HashSet;
use std::future::Future;
use std::sync::Arc;

use async_trait::async_trait;
use sqlx::{PgPool, SqlitePool};

use self::query::Pool;
use super::telemetry::TelemetryStore;
use super::{
    Account, AuditEntry, AuditQuery, AuditRow, AuditVerification, ChainScope, DatabaseKind,
    E2eAccount, E2eTransfer, FeedWindow, NewPairingCode, Peer, PeerKey, PendingSummary,
    PreviousIdentityKey, Record, RecordQuery, Redemption, Registration, Retained, RunLock,
    SeenNonce, SetAside, Store, StoreError, StoreResult, SyncCursor, SyncFailure,
};
use crate::resilience::DatabaseHealth;

/// A store on a SQL database: the pools its statements run on.
pub trait SqlPools: Send + Sync + 'static {
    fn db(&self) -> Db<'_>;

    /// Whether the database is known to be down, for a database that can go away (Postgres,
    /// on the network); `None` for one that cannot (SQLite, a file of this process).
    fn health(&self) -> Option<&Arc<DatabaseHealth>> {
        None
    }

    /// Where a database shared by several instances keeps the connection that holds this
    /// instance's advisory locks, and the pool to take it from; `None` where one instance
    /// owns the database (SQLite), which always leads.
    fn leader(&self) -> Option<(&LeaderSlot, &PgPool)> {
        None
    }
}

/// A connection of its own, out of the pool, holding advisory locks: a session lock lives
/// as long as its connection, so this one is kept (and dropped, releasing them, with the
/// store or when it breaks).
pub type LeaderSlot = tokio::sync::Mutex<Option<sqlx::PgConnection>>;

/// Whether this instance holds (or now takes) the advisory lock `name`, scoped to the
/// schema: instances on one schema compete, daemons on other schemas of the same database
/// do not.
async fn lead(slot: &LeaderSlot, pool: &PgPool, name: &str) -> StoreResult<bool> {
    let mut held = slot.lock().await;
    if let Some(conn) = held.as_mut() {
        let still = sqlx::query_as::<_, (bool,)>(
            "SELECT pg_try_advisory_lock(hashtext($1), hashtext(current_schema()))",
        )
        .bind(name)
        .fetch_one(&mut *conn)
        .await;
        match still {
            Ok((true,)) => {
                // Taken again on the same session: release the extra hold (locks count).
                sqlx::query("SELECT pg_advisory_unlock(hashtext($1), hashtext(current_schema()))")
                    .bind(name)
                    .execute(&mut *conn)
                    .await?;
                return Ok(true);
            }
            Ok((false,)) => return Ok(false),
            // The connection broke, and its locks with it: take a new one below.
            Err(_) => *held = None,
        }
    }
    let mut conn = pool.acquire().await?.detach();
    let (got,): (bool,) =
        sqlx::query_as("SELECT pg_try_advisory_lock(hashtext($1), hashtext(current_schema()))")
            .bind(name)
            .fetch_one(&mut conn)
            .await?;
    if got {
        *held = Some(conn);
    }
    Ok(got)
}

/// Runs one statement of the store `on`, unless its database is known to be down: then, or
/// if the database goes down while the statement waits, [`StoreError::Down`] at once instead
/// of waiting on the pool for a connection that cannot come. A connection-class failure
/// marks the database down (`crate::resilience::database`).
pub(crate) async fn guarded<S: SqlPools + ?Sized, T>(
    on: &S,
    work: impl Future<Output = StoreResult<T>>,
) -> StoreResult<T> {
    let Some(health) = on.health() else {
        return work.await;
    };
    if !health.is_up() {
        return Err(StoreError::Down);
    }
    let result = tokio::select! {
        biased;
        result = work => result,
        () = health.went_down() => Err(StoreError::Down),
    };
    if let Err(err) = &result
        && !matches!(err, StoreError::Down)
        && err.is_connection_lost()
        && !busy(on, err)
    {
        health.mark_down(&err.to_string());
    }
    result
}

/// A wait for a connection that timed out while every connection of the pool was open and
/// in use: the database is busy (the statement is refused with a 503 and its caller retries),
/// not cut off, so it is not marked down for every other statement. A pool that could not
/// open a connection in time is cut off.
fn busy<S: SqlPools + ?Sized>(on: &S, err: &StoreError) -> bool {
    matches!(err, StoreError::Database(sqlx::Error::PoolTimedOut)) && on.db().pool.saturated()
}

/// The pools of a store, as its statements take them: `pool` for reads, `writer` for
/// everything that writes (see the module documentation).
#[derive(Clone, Copy, Debug)]
pub struct Db<'p> {
    pool: Pool<'p>,
    writer: Pool<'p>,
}

impl<'p> Db<'p> {
    pub fn sqlite(pool: &'p SqlitePool, writer: &'p SqlitePool) -> Self {
        Self {
            pool: Pool::Sqlite(pool),
            writer: Pool::Sqlite(writer),
        }
    }

    /// One pool for both: Postgres locks rows, not the database, so writers need no queue.
    pub fn postgres(pool: &'p PgPool) -> Self {
        Self {
            pool: Pool::Postgres(pool),
            writer: Pool::Postgres(pool),
        }
    }

    /// Closes both pools; pending queries finish first.
    async fn close(self) {
        self.writer.close().await;
        self.pool.close().await;
    }
}

/// Each method forwards to its [`Db`] method, in the file of its topic, through [`guarded`]
/// (refused at once while the database is known to be down).
#[async_trait]
impl<S: SqlPools> Store for S {
    fn kind(&self) -> DatabaseKind {
        self.db().pool.kind()
    }

    async fn ping(&self) -> StoreResult<()> {
        guarded(self, self.db().ping()).await
    }

    fn database_health(&self) -> Option<Arc<DatabaseHealth>> {
        self.health().cloned()
    }

    async fn try_lead(&self, name: &str) -> StoreResult<bool> {
        match self.leader() {
            Some((slot, pool)) => guarded(self, lead(slot, pool, name)).await,
            None => Ok(true),
        }
    }

    fn pool_usage(&self) -> super::PoolUsage {
        let db = self.db();
        let (open, idle) = db.pool.usage();
        let mut usage = super::PoolUsage {
            open,
            idle: idle as u32,
        };
        // SQLite's writer is a pool of its own (Postgres hands out the same pool twice).
        if db.pool.kind() == DatabaseKind::Sqlite {
            let (open, idle) = db.writer.usage();
            usage.open += open;
            usage.idle += idle as u32;
        }
        usage
    }

    async fn active_among(&self, peer_ids: &[String]) -> StoreResult<HashSet<String>> {
        guarded(self, self.db().active_among(peer_ids)).await
    }

    async fn meta_get(&self, key: &str) -> StoreResult<Option<String>> {
        guarded(self, self.db().meta_get(key)).await
    }

    async fn meta_set(&self, key: &str, value: &str) -> StoreResult<()> {
        guarded(self, self.db().meta_set(key, value)).await
    }

    async fn meta_init(&self, key: &str, value: &str) -> StoreResult<String> {
        guarded(self, self.db().meta_init(key, value)).await
    }

    async fn notify(&self, channel: &str, payload: &str) -> StoreResult<()> {
        guarded(self, self.db().notify(channel, payload)).await
    }

    async fn privacy_settings(&self, account_id: &str) -> StoreResult<Option<String>> {
        guarded(self, self.db().privacy_settings(account_id)).await
    }

    async fn put_privacy_settings(
        &self,
        account_id: &str,
        settings: &str,
        now_ms: i64,
    ) -> StoreResult<()> {
        guarded(
            self,
            self.db().put_privacy_settings(account_id, settings, now_ms),
        )
        .await
    }

    async fn create_account(&self, account: &Account, token_hash: &str) -> StoreResult<()> {
        guarded(self, self.db().create_account(account, token_hash)).await
    }

    async fn set_token_hash(&self, account_id: &str, token_hash: &str) -> StoreResult<bool> {
        guarded(self, self.db().set_token_hash(account_id, token_hash)).await
    }

    async fn account_by_name(&self, name: &str) -> StoreResult<Option<Account>> {
        guarded(self, self.db().account_by_name(name)).await
    }

    async fn account_by_token_hash(&self, token_hash: &str) -> StoreResult<Option<Account>> {
        guarded(self, self.db().account_by_token_hash(token_hash)).await
    }

    async fn create_pairing_code(&self, code: &NewPairingCode) -> StoreResult<()> {
        guarded(self, self.db().create_pairing_code(code)).await
    }

    async fn redeem_pairing_code(&self, code_hash: &str, now_ms: i64) -> StoreResult<Redemption> {
        guarded(self, self.db().redeem_pairing_code(code_hash, now_ms)).await
    }

    async fn register_peer(
        &self,
        code_hash: &str,
        now_ms: i64,
        peer: &Peer,
        key: &PeerKey,
    ) -> StoreResult<Registration> {
        guarded(self, self.db().register_peer(code_hash, now_ms, peer, key)).await
    }

    async fn insert_peer(&self, peer: &Peer, key: &PeerKey) -> StoreResult<()> {
        guarded(self, self.db().insert_peer(peer, key)).await
    }

    async fn peer(&self, peer_id: &str) -> StoreResult<Option<Peer>> {
        guarded(self, self.db().peer(peer_id)).await
    }

    async fn peers(&self, account_id: Option<&str>) -> StoreResult<Vec<Peer>> {
        guarded(self, self.db().peers(account_id)).await
    }

    async fn peer_key(&self, peer_id: &str, kid: &str) -> StoreResult<Option<PeerKey>> {
        guarded(self, self.db().peer_key(peer_id, kid)).await
    }

    async fn replace_peer_key(
        &self,
        key: &PeerKey,
        retire_old_at: i64,
        now_ms: i64,
    ) -> StoreResult<bool> {
        guarded(self, self.db().replace_peer_key(key, retire_old_at, now_ms)).await
    }

    async fn revoke_peer(&self, peer_id: &str, now_ms: i64) -> StoreResult<bool> {
        guarded(self, self.db().revoke_peer(peer_id, now_ms)).await
    }

    async fn repin_peer_key(
        &self,
        peer_id: &str,
        old_key_id: &str,
        new_key_id: &str,
        new_public_key: &str,
        now_ms: i64,
    ) -> StoreResult<bool> {
        guarded(
            self,
            self.db()
                .repin_peer_key(peer_id, old_key_id, new_key_id, new_public_key, now_ms),
        )
        .await
    }

    async fn previous_identity_keys(&self) -> StoreResult<Vec<PreviousIdentityKey>> {
        guarded(self, self.db().previous_identity_keys()).await
    }

    async fn add_previous_identity_key(&self, key: &PreviousIdentityKey) -> StoreResult<()> {
        guarded(self, self.db().add_previous_identity_key(key)).await
    }

    async fn remove_previous_identity_key(&self, key_id: &str) -> StoreResult<()> {
        guarded(self, self.db().remove_previous_identity_key(key_id)).await
    }

    async fn record_nonce(&self, peer_id: &str, nonce: &str, seen_at: i64) -> StoreResult<bool> {
        guarded(self, self.db().record_nonce(peer_id, nonce, seen_at)).await
    }

    async fn prune_nonces(&self, before: i64) -> StoreResult<u64> {
        guarded(self, self.db().prune_nonces(before)).await
    }

    async fn append_audit(&self, entry: &AuditEntry) -> StoreResult<AuditRow> {
        guarded(self, self.db().append_audit(entry)).await
    }

    async fn audit_page(&self, query: &AuditQuery<'_>) -> StoreResult<Vec<AuditRow>> {
        guarded(self, self.db().audit_page(query)).await
    }

    async fn audit_chains(&self) -> StoreResult<Vec<String>> {
        guarded(self, self.db().audit_chains()).await
    }

    async fn audit_verify(&self) -> StoreResult<AuditVerification> {
        guarded(self, self.db().audit_verify()).await
    }

    async fn audit_retain(&self, chain: &str, cutoff: i64, now_ms: i64) -> StoreResult<Retained> {
        guarded(self, self.db().audit_retain(chain, cutoff, now_ms)).await
    }

    async fn audit_chain_unchained(&self, scope: ChainScope) -> StoreResult<u64> {
        guarded(self, self.db().audit_chain_unchained(scope)).await
    }

    async fn max_version(&self) -> StoreResult<Option<String>> {
        guarded(self, self.db().max_version()).await
    }

    async fn apply_versions(
        &self,
        account_id: &str,
        versions: &[Record],
        origin_peer: Option<&str>,
        cursor: Option<&SyncCursor>,
    ) -> StoreResult<usize> {
        let applied = self
            .db()
            .apply_versions(account_id, versions, origin_peer, cursor, None);
        Ok(guarded(self, applied)
            .await?
            .expect("applied without a nonce to check"))
    }

    async fn apply_sync(
        &self,
        account_id: &str,
        versions: &[Record],
        cursor: Option<&SyncCursor>,
        nonce: &SeenNonce,
    ) -> StoreResult<Option<usize>> {
        let origin_peer = Some(nonce.peer_id.as_str());
        let applied =
            self.db()
                .apply_versions(account_id, versions, origin_peer, cursor, Some(nonce));
        guarded(self, applied).await
    }

    async fn record(&self, account_id: &str, id: &str) -> StoreResult<Option<Record>> {
        guarded(self, self.db().record(account_id, id)).await
    }

    async fn list_records(&self, query: &RecordQuery<'_>) -> StoreResult<Vec<Record>> {
        guarded(self, self.db().list_records(query)).await
    }

    async fn feed_window(
        &self,
        account_id: &str,
        after_seq: i64,
        limit: i64,
        exclude_origin: &str,
    ) -> StoreResult<FeedWindow> {
        guarded(
            self,
            self.db()
                .feed_window(account_id, after_seq, limit, exclude_origin),
        )
        .await
    }

    async fn feed_page(
        &self,
        account_id: &str,
        after_seq: i64,
        limit: i64,
    ) -> StoreResult<Vec<Record>> {
        guarded(self, self.db().feed_page(account_id, after_seq, limit)).await
    }

    async fn feed_head(&self, account_id: &str) -> StoreResult<i64> {
        guarded(self, self.db().feed_head(account_id)).await
    }

    async fn pending_summary(
        &self,
        account_id: &str,
        after_seq: i64,
        exclude_origin: &str,
    ) -> StoreResult<PendingSummary> {
        guarded(
            self,
            self.db()
                .pending_summary(account_id, after_seq, exclude_origin),
        )
        .await
    }

    async fn count_pending(
        &self,
        account_id: &str,
        after_seq: i64,
        exclude_origin: &str,
    ) -> StoreResult<i64> {
        guarded(
            self,
            self.db()
                .count_pending(account_id, after_seq, exclude_origin),
        )
        .await
    }

    async fn sync_cursor(&self, peer_id: &str) -> StoreResult<Option<SyncCursor>> {
        guarded(self, self.db().sync_cursor(peer_id)).await
    }

    async fn record_sync_outcome(
        &self,
        peer_id: &str,
        at: i64,
        failure: Option<&SyncFailure>,
    ) -> StoreResult<()> {
        guarded(self, self.db().record_sync_outcome(peer_id, at, failure)).await
    }

    async fn e2e_account(&self, account_id: &str) -> StoreResult<Option<E2eAccount>> {
        guarded(self, self.db().e2e_account(account_id)).await
    }

    async fn enable_e2e(&self, account: &E2eAccount) -> StoreResult<bool> {
        guarded(self, self.db().enable_e2e(account)).await
    }

    async fn mark_e2e_rotation_due(&self, account_id: &str, at: i64) -> StoreResult<()> {
        guarded(self, self.db().mark_e2e_rotation_due(account_id, at)).await
    }

    async fn e2e_rotation_due(&self, account_id: &str) -> StoreResult<Option<i64>> {
        guarded(self, self.db().e2e_rotation_due(account_id)).await
    }

    async fn rotate_e2e(
        &self,
        from_epoch: i64,
        from_ck_id: &str,
        next: &E2eAccount,
    ) -> StoreResult<bool> {
        guarded(self, self.db().rotate_e2e(from_epoch, from_ck_id, next)).await
    }

    async fn reset_e2e(&self, account_id: &str) -> StoreResult<Option<u64>> {
        guarded(self, self.db().reset_e2e(account_id)).await
    }

    async fn create_e2e_transfer(&self, transfer: &E2eTransfer, now: i64) -> StoreResult<()> {
        guarded(self, self.db().create_e2e_transfer(transfer, now)).await
    }

    async fn e2e_transfers(&self, account_id: &str) -> StoreResult<Vec<E2eTransfer>> {
        guarded(self, self.db().e2e_transfers(account_id)).await
    }

    async fn approve_e2e_transfer(&self, approval: &E2eTransfer, now: i64) -> StoreResult<bool> {
        guarded(self, self.db().approve_e2e_transfer(approval, now)).await
    }

    async fn e2e_transfer_attempt(
        &self,
        account_id: &str,
        id: &str,
        peer_id: &str,
        opened: bool,
        max_attempts: i64,
    ) -> StoreResult<Option<E2eTransfer>> {
        let db = self.db();
        guarded(
            self,
            db.e2e_transfer_attempt(account_id, id, peer_id, opened, max_attempts),
        )
        .await
    }

    async fn set_aside(&self, entry: &SetAside) -> StoreResult<()> {
        guarded(self, self.db().set_aside(entry)).await
    }

    async fn set_aside_for(&self, peer_id: &str) -> StoreResult<Vec<SetAside>> {
        guarded(self, self.db().set_aside_for(peer_id)).await
    }

    async fn forget_set_aside(
        &self,
        peer_id: &str,
        record_id: &str,
        version: &str,
    ) -> StoreResult<()> {
        guarded(
            self,
            self.db().forget_set_aside(peer_id, record_id, version),
        )
        .await
    }

    async fn audit_expired(&self, chain: &str, cutoff: i64) -> StoreResult<i64> {
        guarded(self, self.db().audit_expired(chain, cutoff)).await
    }

    async fn account_ids(&self) -> StoreResult<Vec<String>> {
        guarded(self, self.db().account_ids()).await
    }

    async fn expired_conversations(
        &self,
        account_id: &str,
        cutoff: &str,
        after_id: &str,
        limit: i64,
    ) -> StoreResult<Vec<Record>> {
        guarded(
            self,
            self.db()
                .expired_conversations(account_id, cutoff, after_id, limit),
        )
        .await
    }

    async fn expired_orphan_messages(
        &self,
        account_id: &str,
        cutoff: &str,
        after_id: &str,
        limit: i64,
    ) -> StoreResult<Vec<Record>> {
        guarded(
            self,
            self.db()
                .expired_orphan_messages(account_id, cutoff, after_id, limit),
        )
        .await
    }

    async fn live_messages(&self, account_id: &str, conversation_id: &str) -> StoreResult<i64> {
        guarded(self, self.db().live_messages(account_id, conversation_id)).await
    }

    async fn purgeable_tombstones(
        &self,
        account_id: &str,
        through_seq: i64,
        cutoff: &str,
    ) -> StoreResult<i64> {
        guarded(
            self,
            self.db()
                .purgeable_tombstones(account_id, through_seq, cutoff),
        )
        .await
    }

    async fn purge_tombstones(
        &self,
        account_id: &str,
        through_seq: i64,
        cutoff: &str,
        limit: i64,
    ) -> StoreResult<u64> {
        guarded(
            self,
            self.db()
                .purge_tombstones(account_id, through_seq, cutoff, limit),
        )
        .await
    }

    async fn retention_lock(&self) -> StoreResult<Option<RunLock>> {
        guarded(self, self.db().retention_lock()).await
    }

    fn telemetry(&self) -> &dyn TelemetryStore {
        self
    }

    async fn close(&self) {
        if let Some((slot, _)) = self.leader() {
            // Releases the advisory locks before returning, for another instance to take:
            // dropping the connection alone leaves them held until the server notices the
            // closed socket, a moment later.
            if let Some(mut conn) = slot.lock().await.take() {
                let _ = sqlx::query("SELECT pg_advisory_unlock_all()")
                    .execute(&mut conn)
                    .await;
                let _ = sqlx::Connection::close(conn).await;
            }
        }
        self.db().close().await;
    }
}
