//! The Postgres store, for the hosted profile: several instances may share one database.

use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;

use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::{Connection, PgConnection, PgPool};

use super::sql::{Db, LeaderSlot, SqlPools};
use super::{MIN_POSTGRES_VERSION_NUM, StoreError, StoreResult};
use crate::resilience::DatabaseHealth;

/// How long a statement waits for a free connection. While the server is unreachable the
/// pool keeps trying to open one until this runs out; the first such failure marks the
/// database down, and later statements answer at once (see [`DatabaseHealth`]).
const ACQUIRE_TIMEOUT: Duration = Duration::from_secs(3);

/// A pooled connection idle for longer than this is checked (one round trip) before it is
/// handed out; one used more recently is not. sqlx checks every connection as it comes back
/// to the pool, so a connection in use a moment ago is known to have been alive then; the
/// default, a check on every acquire, cost a round trip to the server for each statement
/// outside a transaction (about a tenth of a millisecond on loopback, more across a network).
/// A connection that broke in between fails its statement, which the store reports as the
/// database being unreachable, and sqlx drops it.
const CHECK_IDLE_AFTER: Duration = Duration::from_secs(1);

/// A connection is closed and replaced after this long. Besides the usual reasons, this
/// bounds how long a cached statement keeps its plan: Postgres may settle on a generic plan
/// after five runs, made from the table's statistics of that moment, and one made while
/// `records` was nearly empty is a sequential scan. `ANALYZE` (autovacuum's, normally within
/// a minute of a table growing) replaces it sooner; this is the bound where it does not run
/// (docs/operations.md).
const MAX_LIFETIME: Duration = Duration::from_secs(30 * 60);

pub struct PostgresStore {
    /// Reads and writes alike (see [`Db::postgres`]).
    pool: PgPool,
    /// Whether the server is known to be down, and the probe that finds it back.
    health: Arc<DatabaseHealth>,
    /// The connection that holds this instance's advisory locks (`Store::try_lead`).
    leader: LeaderSlot,
}

impl PostgresStore {
    pub async fn connect(url: &str, max_connections: u32) -> StoreResult<Self> {
        let options = PgConnectOptions::from_str(url)
            .map_err(|e| StoreError::Url(format!("the Postgres URL is not valid: {e}")))?;
        probe(&options).await?;
        let pool = PgPoolOptions::new()
            .max_connections(max_connections)
            .acquire_timeout(ACQUIRE_TIMEOUT)
            .max_lifetime(MAX_LIFETIME)
            .test_before_acquire(false)
            .before_acquire(|conn, meta| {
                Box::pin(async move {
                    if meta.idle_for > CHECK_IDLE_AFTER {
                        conn.ping().await?;
                    }
                    Ok(true)
                })
            })
            .after_connect(|conn, _| Box::pin(super::nodelay::set_on(conn)))
            .connect_with(options.clone())
            .await?;
        let (found,): (i32,) = sqlx::query_as("SELECT current_setting('server_version_num')::int")
            .fetch_one(&pool)
            .await?;
        if found < MIN_POSTGRES_VERSION_NUM {
            return Err(StoreError::PostgresTooOld { found });
        }
        sqlx::migrate!("migrations/postgres").run(&pool).await?;
        let health = DatabaseHealth::new("postgres", move || reconnect(options.clone()));
        Ok(Self {
            pool,
            health,
            leader: LeaderSlot::default(),
        })
    }

    pub fn pool(&self) -> &PgPool {
        &self.pool
    }
}

/// One plain connection before the pool: a pool retries until its timeout and then says
/// only that it timed out, where this says at once why (refused, no such database, wrong
/// password).
async fn probe(options: &PgConnectOptions) -> StoreResult<()> {
    let target = format!("{}:{}", options.get_host(), options.get_port());
    let database = options.get_database().unwrap_or("postgres").to_string();
    let failed = |why: String| StoreError::Connect {
        target: target.clone(),
        why,
    };
    match tokio::time::timeout(PROBE_TIMEOUT, PgConnection::connect_with(options)).await {
        Ok(Ok(conn)) => {
            let _ = conn.close().await;
            Ok(())
        }
        Ok(Err(err)) => Err(failed(super::error::describe_connect(&err, &database))),
        Err(_) => Err(failed(format!(
            "no answer within {} s; is the host reachable?",
            PROBE_TIMEOUT.as_secs()
        ))),
    }
}

const PROBE_TIMEOUT: Duration = Duration::from_secs(10);

/// The probe of a database known to be down: a fresh connection (not one of the pool, whose
/// connections all broke with the server) and a trivial query. The error is sqlx's words,
/// which never hold the URL.
async fn reconnect(options: PgConnectOptions) -> Result<(), String> {
    let mut conn = PgConnection::connect_with(&options)
        .await
        .map_err(|e| super::error::describe(&e))?;
    let answered = sqlx::query("SELECT 1").execute(&mut conn).await;
    let _ = conn.close().await;
    answered.map(drop).map_err(|e| super::error::describe(&e))
}

impl SqlPools for PostgresStore {
    fn db(&self) -> Db<'_> {
        Db::postgres(&self.pool)
    }

    fn leader(&self) -> Option<(&LeaderSlot, &PgPool)> {
        Some((&self.leader, &self.pool))
    }

    fn health(&self) -> Option<&Arc<DatabaseHealth>> {
        Some(&self.health)
    }
}
