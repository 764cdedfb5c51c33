//! The Postgres store, for the hosted profile: several instances may share one database.

use std::time::Duration;

use async_trait::async_trait;
use sqlx::PgPool;
use sqlx::postgres::PgPoolOptions;

use super::models::CodeState;
use super::{
    Account, DatabaseKind, MIN_POSTGRES_VERSION_NUM, NewPairingCode, RedeemedCode, Redemption,
    Store, StoreError, StoreResult,
};

pub struct PostgresStore {
    pool: PgPool,
}

impl PostgresStore {
    pub async fn connect(url: &str, max_connections: u32) -> StoreResult<Self> {
        let pool = PgPoolOptions::new()
            .max_connections(max_connections)
            .acquire_timeout(Duration::from_secs(10))
            .connect(url)
            .await?;
        let (found,): (i32,) = sqlx::query_as("SELECT current_setting('server_version_num')::int")
            .fetch_one(&pool)
            .await?;
        if found < MIN_POSTGRES_VERSION_NUM {
            return Err(StoreError::PostgresTooOld { found });
        }
        sqlx::migrate!("migrations/postgres").run(&pool).await?;
        Ok(Self { pool })
    }

    pub fn pool(&self) -> &PgPool {
        &self.pool
    }
}

#[async_trait]
impl Store for PostgresStore {
    fn kind(&self) -> DatabaseKind {
        DatabaseKind::Postgres
    }

    async fn ping(&self) -> StoreResult<()> {
        sqlx::query("SELECT 1").execute(&self.pool).await?;
        Ok(())
    }

    async fn meta_get(&self, key: &str) -> StoreResult<Option<String>> {
        let row: Option<(String,)> = sqlx::query_as("SELECT value FROM meta WHERE key = $1")
            .bind(key)
            .fetch_optional(&self.pool)
            .await?;
        Ok(row.map(|(value,)| value))
    }

    async fn meta_init(&self, key: &str, value: &str) -> StoreResult<String> {
        // `DO UPDATE` (a no-op write) rather than `DO NOTHING` so that `RETURNING` yields the
        // row that won, whichever transaction inserted it.
        let (stored,): (String,) = sqlx::query_as(
            "INSERT INTO meta (key, value) VALUES ($1, $2) \
             ON CONFLICT (key) DO UPDATE SET key = excluded.key RETURNING value",
        )
        .bind(key)
        .bind(value)
        .fetch_one(&self.pool)
        .await?;
        Ok(stored)
    }

    async fn create_account(&self, account: &Account, token_hash: &str) -> StoreResult<()> {
        sqlx::query(
            "INSERT INTO accounts (id, name, token_hash, created_at) VALUES ($1, $2, $3, $4)",
        )
        .bind(&account.id)
        .bind(&account.name)
        .bind(token_hash)
        .bind(account.created_at)
        .execute(&self.pool)
        .await
        .map_err(|e| StoreError::unique(e, "account"))?;
        Ok(())
    }

    async fn account_by_name(&self, name: &str) -> StoreResult<Option<Account>> {
        let sql = "SELECT id, name, created_at FROM accounts WHERE name = $1";
        Ok(sqlx::query_as(sql)
            .bind(name)
            .fetch_optional(&self.pool)
            .await?)
    }

    async fn account_by_token_hash(&self, token_hash: &str) -> StoreResult<Option<Account>> {
        let sql = "SELECT id, name, created_at FROM accounts WHERE token_hash = $1";
        Ok(sqlx::query_as(sql)
            .bind(token_hash)
            .fetch_optional(&self.pool)
            .await?)
    }

    async fn create_pairing_code(&self, code: &NewPairingCode) -> StoreResult<()> {
        sqlx::query(
            "INSERT INTO pairing_codes \
             (code_hash, account_id, bound_key_id, created_at, expires_at) \
             VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(&code.code_hash)
        .bind(&code.account_id)
        .bind(&code.bound_key_id)
        .bind(code.created_at)
        .bind(code.expires_at)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    async fn redeem_pairing_code(&self, code_hash: &str, now_ms: i64) -> StoreResult<Redemption> {
        // One conditional UPDATE: the database lets exactly one concurrent caller match.
        let redeemed: Option<RedeemedCode> = sqlx::query_as(
            "UPDATE pairing_codes SET used_at = $2 \
             WHERE code_hash = $1 AND used_at IS NULL AND expires_at > $2 \
             RETURNING account_id, bound_key_id",
        )
        .bind(code_hash)
        .bind(now_ms)
        .fetch_optional(&self.pool)
        .await?;
        if let Some(code) = redeemed {
            return Ok(Redemption::Redeemed(code));
        }
        let state: Option<CodeState> =
            sqlx::query_as("SELECT expires_at, used_at FROM pairing_codes WHERE code_hash = $1")
                .bind(code_hash)
                .fetch_optional(&self.pool)
                .await?;
        Ok(CodeState::classify(state, now_ms))
    }

    async fn close(&self) {
        self.pool.close().await;
    }
}
