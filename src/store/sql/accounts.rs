//! The store's meta values and accounts.

use super::Db;
use super::query::Query;
use crate::store::{Account, StoreError, StoreResult};

impl Db<'_> {
    pub(super) async fn ping(self) -> StoreResult<()> {
        Query::new("SELECT 1").execute(self.pool).await?;
        Ok(())
    }

    pub(super) async fn notify(self, channel: &str, payload: &str) -> StoreResult<()> {
        if self.pool.kind() == crate::store::DatabaseKind::Sqlite {
            return Ok(());
        }
        Query::new("SELECT pg_notify($1, $2)")
            .bind(channel)
            .bind(payload)
            .execute(self.writer)
            .await?;
        Ok(())
    }

    pub(super) async fn meta_get(self, key: &str) -> StoreResult<Option<String>> {
        let row: Option<(String,)> = Query::new("SELECT value FROM meta WHERE key = $1")
            .bind(key)
            .fetch_optional(self.pool)
            .await?;
        Ok(row.map(|(value,)| value))
    }

    pub(super) async fn meta_set(self, key: &str, value: &str) -> StoreResult<()> {
        Query::new(
            "INSERT INTO meta (key, value) VALUES ($1, $2) \
             ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        )
        .bind(key)
        .bind(value)
        .execute(self.writer)
        .await?;
        Ok(())
    }

    pub(super) async fn meta_init(self, key: &str, value: &str) -> StoreResult<String> {
        // `DO UPDATE` (a no-op write) rather than `DO NOTHING` so that `RETURNING` yields the
        // row that won, whichever transaction inserted it.
        let (stored,): (String,) = Query::new(
            "INSERT INTO meta (key, value) VALUES ($1, $2) \
             ON CONFLICT (key) DO UPDATE SET key = excluded.key RETURNING value",
        )
        .bind(key)
        .bind(value)
        .fetch_one(self.writer)
        .await?;
        Ok(stored)
    }

    pub(super) async fn create_account(
        self,
        account: &Account,
        token_hash: &str,
    ) -> StoreResult<()> {
        Query::new(
            "INSERT INTO accounts (id, name, token_hash, created_at) VALUES ($1, $2, $3, $4)",
        )
        .bind(&account.id)
        .bind(&account.name)
        .bind(token_hash)
        .bind(account.created_at)
        .execute(self.writer)
        .await
        .map_err(|e| StoreError::unique(e, "account"))?;
        Ok(())
    }

    pub(super) async fn set_token_hash(
        self,
        account_id: &str,
        token_hash: &str,
    ) -> StoreResult<bool> {
        let updated = Query::new("UPDATE accounts SET token_hash = $2 WHERE id = $1")
            .bind(account_id)
            .bind(token_hash)
            .execute(self.writer)
            .await?;
        Ok(updated == 1)
    }

    pub(super) async fn account_by_name(self, name: &str) -> StoreResult<Option<Account>> {
        let sql = "SELECT id, name, created_at FROM accounts WHERE name = $1";
        Ok(Query::new(sql).bind(name).fetch_optional(self.pool).await?)
    }

    pub(super) async fn account_by_token_hash(
        self,
        token_hash: &str,
    ) -> StoreResult<Option<Account>> {
        let sql = "SELECT id, name, created_at FROM accounts WHERE token_hash = $1";
        Ok(Query::new(sql)
            .bind(token_hash)
            .fetch_optional(self.pool)
            .await?)
    }
}
