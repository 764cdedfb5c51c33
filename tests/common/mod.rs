//! The one test harness: `Daemon` starts an in-process daemon on loopback (local or hosted,
//! on SQLite or on a fresh Postgres schema from `databases()`, on a manual clock); `account`,
//! `pair` and `eventually` do the rest, `binary` runs the real executable, and `proxy` sits
//! between two daemons (holding back, cutting, counting requests). A suite adds
//! `mod common;` and, for each `db` in `common::databases().await`:
//! `let (hosted, token) = hosted_with_account(&db).await;`
//! `let local = Daemon::local().start().await; let peer = pair(&local, &hosted, &token).await;`
#![allow(dead_code)]

pub mod binary;
mod daemon;
mod db_proxy;
mod instances;
mod peers;
pub mod proxy;

use std::future::Future;
use std::path::Path;
use std::time::Duration;

use backend_8825::app::build_state;
use backend_8825::config::{Config, Env, Mode, Overrides};
use backend_8825::keychain::KeychainManager;
use backend_8825::state::AppState;
use serde_json::Value;

// Each suite is its own crate and uses only some of these.
#[allow(unused_imports)]
pub use daemon::{Builder, Daemon};
#[allow(unused_imports)]
pub use db_proxy::DbProxy;
#[allow(unused_imports)]
pub use instances::{instances, instances_with, titles};
#[allow(unused_imports)]
pub use peers::{account, hosted_with_account, pair, pair_via};

/// Which database a test runs on.
#[derive(Clone, Debug)]
pub enum Db {
    Sqlite,
    Postgres(String),
}

impl Db {
    pub fn name(&self) -> &'static str {
        match self {
            Db::Sqlite => "sqlite",
            Db::Postgres(_) => "postgres",
        }
    }

    /// The database URL for a daemon whose data dir is `dir`.
    pub fn url(&self, dir: &Path) -> String {
        match self {
            Db::Sqlite => format!("sqlite://{}", dir.join("test.db").display()),
            Db::Postgres(url) => url.clone(),
        }
    }
}

/// SQLite always; Postgres too when `DATABASE_URL` is set (the test script always sets it,
/// and sets `BACKEND_8825_REQUIRE_POSTGRES=1` so that a missing one fails instead of
/// silently running half the suite).
pub async fn databases() -> Vec<Db> {
    let mut dbs = vec![Db::Sqlite];
    if let Some(url) = fresh_postgres_schema().await {
        dbs.push(Db::Postgres(url));
    }
    dbs
}

/// Another, empty database of the same kind as `db`: for a second hosted daemon that is not
/// an instance of the first (instances on one database share one identity key, see
/// `Builder::instance_of`).
pub async fn another(db: &Db) -> Db {
    match db {
        Db::Sqlite => Db::Sqlite,
        Db::Postgres(_) => Db::Postgres(
            fresh_postgres_schema()
                .await
                .expect("a Postgres database was given"),
        ),
    }
}

/// A URL to a new, empty schema in the `DATABASE_URL` database, or `None` without one.
pub async fn fresh_postgres_schema() -> Option<String> {
    let Ok(base) = std::env::var("DATABASE_URL") else {
        assert!(
            std::env::var("BACKEND_8825_REQUIRE_POSTGRES").is_err(),
            "BACKEND_8825_REQUIRE_POSTGRES is set but DATABASE_URL is not"
        );
        return None;
    };
    let schema = format!("t_{}", uuid::Uuid::new_v4().simple());
    let mut conn = <sqlx::PgConnection as sqlx::Connection>::connect(&base)
        .await
        .expect("DATABASE_URL must point at a running Postgres");
    // The schema name is generated above from a UUID: nothing outside the test shapes it.
    let create = sqlx::AssertSqlSafe(format!("CREATE SCHEMA {schema}"));
    sqlx::query(create).execute(&mut conn).await.unwrap();
    let sep = if base.contains('?') { '&' } else { '?' };
    Some(format!("{base}{sep}options=-csearch_path%3D{schema}"))
}

/// An environment with only `HOME` set, so the machine's own variables never leak in.
pub fn env_with_home(home: &Path) -> Env {
    [("HOME".to_string(), home.display().to_string())]
        .into_iter()
        .collect()
}

/// The configuration of a daemon in `mode` with its data dir in `dir`, on `db`, on a free
/// loopback port.
pub fn config(mode: Mode, dir: &Path, db: &Db) -> Config {
    config_with_env(mode, dir, db, env_with_home(dir))
}

pub fn config_with_env(mode: Mode, dir: &Path, db: &Db, env: Env) -> Config {
    let overrides = Overrides {
        bind: Some([127, 0, 0, 1].into()),
        port: Some(0),
        data_dir: Some(dir.to_path_buf()),
        database_url: Some(db.url(dir)),
        config_file: None,
    };
    Config::load(mode, &overrides, &env).expect("test config is valid")
}

/// An in-memory keychain (keyring-core's mock store), shared by the daemons that should see
/// the same keychain.
pub fn mock_keychain(dir: &Path) -> KeychainManager {
    KeychainManager::with_store(
        keyring_core::mock::Store::new().unwrap(),
        &dir.join("secrets"),
    )
}

/// The state of a daemon, without serving it.
pub async fn state(mode: Mode, dir: &Path, db: &Db) -> AppState {
    build_state(config(mode, dir, db), mock_keychain(dir))
        .await
        .expect("state builds")
}

pub fn http_client() -> reqwest::Client {
    let _ = rustls::crypto::ring::default_provider().install_default();
    reqwest::Client::builder().no_proxy().build().unwrap()
}

/// The status and the JSON body of an answer (or its text, as a JSON string, when it is not
/// JSON).
pub async fn read(response: reqwest::Response) -> (u16, Value) {
    let status = response.status().as_u16();
    let text = response.text().await.unwrap();
    let body = serde_json::from_str(&text).unwrap_or(Value::String(text));
    (status, body)
}

/// The code of a JSON error answer.
pub fn error_code(body: &Value) -> &str {
    body["error"]["code"].as_str().unwrap_or("<no error code>")
}

/// Polls `condition` every 20 ms until it holds; fails the test, naming `what`, if it still
/// does not after `limit`. Waits are on something the test can observe, never a bare sleep.
pub async fn eventually<F, Fut>(what: &str, limit: Duration, mut condition: F)
where
    F: FnMut() -> Fut,
    Fut: Future<Output = bool>,
{
    let deadline = tokio::time::Instant::now() + limit;
    while !condition().await {
        assert!(
            tokio::time::Instant::now() < deadline,
            "timed out after {limit:?} waiting for {what}"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}
