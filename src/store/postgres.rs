//! The Postgres store, for the hosted profile: several instances may share one database.

use std::time::Duration;

use sqlx::PgPool;
use sqlx::postgres::PgPoolOptions;

use super::{MIN_POSTGRES_VERSION_NUM, StoreError, StoreResult};

pub struct PostgresStore {
    pool: PgPool,
    /// The same pool: Postgres locks rows, not the database, so writers need no queue.
    writer: PgPool,
}

impl PostgresStore {
    pub async fn connect(url: &str, max_connections: u32) -> StoreResult<Self> {
        let pool = PgPoolOptions::new()
            .max_connections(max_connections)
            .acquire_timeout(Duration::from_secs(10))
            .after_connect(|conn, _| Box::pin(super::nodelay::set_on(conn)))
            .connect(url)
            .await?;
        let (found,): (i32,) = sqlx::query_as("SELECT current_setting('server_version_num')::int")
            .fetch_one(&pool)
            .await?;
        if found < MIN_POSTGRES_VERSION_NUM {
            return Err(StoreError::PostgresTooOld { found });
        }
        sqlx::migrate!("migrations/postgres").run(&pool).await?;
        Ok(Self {
            writer: pool.clone(),
            pool,
        })
    }

    pub fn pool(&self) -> &PgPool {
        &self.pool
    }
}

super::sql::sql_store!(
    PostgresStore,
    sqlx::PgConnection,
    super::DatabaseKind::Postgres
);
super::telemetry::telemetry_store!(PostgresStore, sqlx::PgConnection);
