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
}
