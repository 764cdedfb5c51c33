//! The SQLite store: one file in the data dir, WAL mode, foreign keys on.

use std::str::FromStr;
use std::time::Duration;

use async_trait::async_trait;
use sqlx::SqlitePool;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};

use super::models::CodeState;
use super::{
    Account, DatabaseKind, NewPairingCode, RedeemedCode, Redemption, Store, StoreError, StoreResult,
};

pub struct SqliteStore {
    pool: SqlitePool,
}

impl SqliteStore {
    pub async fn connect(url: &str, max_connections: u32) -> StoreResult<Self> {
        let options = SqliteConnectOptions::from_str(url)?
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Normal)
            .foreign_keys(true)
            .busy_timeout(Duration::from_secs(5));
        if let Some(dir) = options
            .get_filename()
            .parent()
            .filter(|d| !d.as_os_str().is_empty())
        {
            create_private_dir(dir)?;
        }
        let pool = SqlitePoolOptions::new()
            .max_connections(max_connections)
            .connect_with(options)
            .await?;
        sqlx::migrate!("migrations/sqlite").run(&pool).await?;
        Ok(Self { pool })
    }

    pub fn pool(&self) -> &SqlitePool {
        &self.pool
    }
}

/// Creates `dir` (and its parents) readable by the owner only: it holds the database and,
/// where no keychain exists, secrets.
pub(crate) fn create_private_dir(dir: &std::path::Path) -> StoreResult<()> {
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
    builder.create(dir).map_err(|source| StoreError::CreateDir {
        path: dir.display().to_string(),
        source,
    })
}

#[async_trait]
impl Store for SqliteStore {
    fn kind(&self) -> DatabaseKind {
        DatabaseKind::Sqlite
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
