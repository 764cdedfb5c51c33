//! The hosted side's transfer requests of new devices (docs/e2e.md, "Transfer to a new
//! device"). An approval is a compare-and-set on a pending, unexpired request; what the server
//! keeps of a transfer (`w` wrapped to the new device's key, the sealed keyring) it cannot
//! open, and it drops it once the transfer is opened or failed.

use super::Db;
use super::query::Query;
use crate::store::{E2eTransfer, StoreResult};

/// How long an expired request is kept, so that its device is told it expired.
const KEEP_EXPIRED_MS: i64 = 24 * 3600 * 1000;

const COLUMNS: &str = "account_id, id, peer_id, key_id, public_key, state, created_at, \
                       expires_at, approver_peer, approver_key_id, wrapped, sealed, attempts";

impl Db<'_> {
    pub(super) async fn create_e2e_transfer(self, t: &E2eTransfer, now: i64) -> StoreResult<()> {
        Query::new("DELETE FROM e2e_transfers WHERE account_id = $1 AND expires_at < $2")
            .bind(&t.account_id)
            .bind(now - KEEP_EXPIRED_MS)
            .execute(self.writer)
            .await?;
        let sql = "INSERT INTO e2e_transfers (account_id, id, peer_id, key_id, public_key, \
                   state, created_at, expires_at, attempts) \
                   VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 0)";
        Query::new(sql)
            .bind(&t.account_id)
            .bind(&t.id)
            .bind(&t.peer_id)
            .bind(&t.key_id)
            .bind(&t.public_key)
            .bind(&t.state)
            .bind(t.created_at)
            .bind(t.expires_at)
            .execute(self.writer)
            .await?;
        Ok(())
    }

    pub(super) async fn e2e_transfers(self, account_id: &str) -> StoreResult<Vec<E2eTransfer>> {
        let sql = format!(
            "SELECT {COLUMNS} FROM e2e_transfers WHERE account_id = $1 ORDER BY created_at, id"
        );
        Ok(Query::new(sqlx::AssertSqlSafe(sql))
            .bind(account_id)
            .fetch_all(self.pool)
            .await?)
    }

    pub(super) async fn approve_e2e_transfer(self, a: &E2eTransfer, now: i64) -> StoreResult<bool> {
        let sql = "UPDATE e2e_transfers SET state = 'approved', approver_peer = $3, \
                   approver_key_id = $4, wrapped = $5, sealed = $6 \
                   WHERE account_id = $1 AND id = $2 AND state = 'pending' \
                   AND expires_at > $7 AND peer_id <> $3";
        let updated = Query::new(sql)
            .bind(&a.account_id)
            .bind(&a.id)
            .bind(a.approver_peer.as_deref())
            .bind(a.approver_key_id.as_deref())
            .bind(a.wrapped.as_deref())
            .bind(a.sealed.as_deref())
            .bind(now)
            .execute(self.writer)
            .await?;
        Ok(updated == 1)
    }

    pub(super) async fn e2e_transfer_attempt(
        self,
        account_id: &str,
        id: &str,
        peer_id: &str,
        opened: bool,
        max_attempts: i64,
    ) -> StoreResult<Option<E2eTransfer>> {
        let sql = if opened {
            "UPDATE e2e_transfers SET state = 'accepted', wrapped = NULL, sealed = NULL \
             WHERE account_id = $1 AND id = $2 AND peer_id = $3 AND state = 'approved'"
        } else {
            "UPDATE e2e_transfers SET attempts = attempts + 1, \
             state = CASE WHEN attempts + 1 >= $4 THEN 'failed' ELSE state END, \
             wrapped = CASE WHEN attempts + 1 >= $4 THEN NULL ELSE wrapped END, \
             sealed = CASE WHEN attempts + 1 >= $4 THEN NULL ELSE sealed END \
             WHERE account_id = $1 AND id = $2 AND peer_id = $3 AND state = 'approved'"
        };
        let query = Query::new(sql).bind(account_id).bind(id).bind(peer_id);
        let query = if opened {
            query
        } else {
            query.bind(max_attempts)
        };
        query.execute(self.writer).await?;
        let sql = format!("SELECT {COLUMNS} FROM e2e_transfers WHERE account_id = $1 AND id = $2");
        Ok(Query::new(sqlx::AssertSqlSafe(sql))
            .bind(account_id)
            .bind(id)
            .fetch_optional(self.pool)
            .await?)
    }
}
