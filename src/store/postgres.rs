//! The Postgres store, for the hosted profile: several instances may share one database.

use std::time::Duration;

use async_trait::async_trait;
use sqlx::PgPool;
use sqlx::postgres::PgPoolOptions;

use super::{DatabaseKind, MIN_POSTGRES_VERSION_NUM, Store, StoreError, StoreResult};

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

    async fn close(&self) {
        self.pool.close().await;
    }
}
