//! The hosted side's record of each end-to-end encrypted account (docs/e2e.md). Enabling is
//! a compare-and-set: the insert of an account that has a row already changes nothing.

use super::Db;
use super::query::Query;
use crate::store::{E2eAccount, StoreResult};

impl Db<'_> {
    pub(super) async fn e2e_account(self, account_id: &str) -> StoreResult<Option<E2eAccount>> {
        let sql = "SELECT account_id, ck_id, epoch, recovery, enabled_at \
                   FROM e2e_accounts WHERE account_id = $1";
        Ok(Query::new(sql)
            .bind(account_id)
            .fetch_optional(self.pool)
            .await?)
    }

    pub(super) async fn enable_e2e(self, e: &E2eAccount) -> StoreResult<bool> {
        let sql = "INSERT INTO e2e_accounts (account_id, ck_id, epoch, recovery, enabled_at) \
                   VALUES ($1, $2, $3, $4, $5) ON CONFLICT (account_id) DO NOTHING";
        let inserted = Query::new(sql)
            .bind(&e.account_id)
            .bind(&e.ck_id)
            .bind(e.epoch)
            .bind(&e.recovery)
            .bind(e.enabled_at)
            .execute(self.writer)
            .await?;
        Ok(inserted == 1)
    }

    pub(super) async fn mark_e2e_rotation_due(self, account_id: &str, at: i64) -> StoreResult<()> {
        let sql = "UPDATE e2e_accounts SET rotation_due = $2 \
                   WHERE account_id = $1 AND rotation_due IS NULL";
        Query::new(sql)
            .bind(account_id)
            .bind(at)
            .execute(self.writer)
            .await?;
        Ok(())
    }

    pub(super) async fn e2e_rotation_due(self, account_id: &str) -> StoreResult<Option<i64>> {
        let sql = "SELECT rotation_due FROM e2e_accounts WHERE account_id = $1";
        let due: Option<(Option<i64>,)> = Query::new(sql)
            .bind(account_id)
            .fetch_optional(self.pool)
            .await?;
        Ok(due.and_then(|d| d.0))
    }

    pub(super) async fn rotate_e2e(
        self,
        from_epoch: i64,
        from_ck_id: &str,
        next: &E2eAccount,
    ) -> StoreResult<bool> {
        let sql = "UPDATE e2e_accounts SET ck_id = $4, epoch = $5, recovery = $6, \
                   rotation_due = NULL \
                   WHERE account_id = $1 AND epoch = $2 AND ck_id = $3";
        let updated = Query::new(sql)
            .bind(&next.account_id)
            .bind(from_epoch)
            .bind(from_ck_id)
            .bind(&next.ck_id)
            .bind(next.epoch)
            .bind(&next.recovery)
            .execute(self.writer)
            .await?;
        Ok(updated == 1)
    }
}

impl Db<'_> {
    /// Ends an account's encryption with its data: its sealed records, its transfer
    /// requests and its key go, in one transaction; plaintext records stay. Returns how many
    /// records were deleted, or `None` if the account was not encrypted (nothing changed).
    pub(super) async fn reset_e2e(self, account_id: &str) -> StoreResult<Option<u64>> {
        let mut tx = self.writer.begin().await?;
        let dropped = Query::new("DELETE FROM e2e_accounts WHERE account_id = $1")
            .bind(account_id)
            .execute(&mut tx)
            .await?;
        if dropped == 0 {
            return Ok(None);
        }
        Query::new("DELETE FROM e2e_transfers WHERE account_id = $1")
            .bind(account_id)
            .execute(&mut tx)
            .await?;
        let records = Query::new("DELETE FROM records WHERE account_id = $1 AND e2e IS NOT NULL")
            .bind(account_id)
            .execute(&mut tx)
            .await?;
        tx.commit().await?;
        Ok(Some(records))
    }
}
