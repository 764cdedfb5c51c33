//! Real daemons on loopback, in this process: a hosted one on Postgres (a fresh schema,
//! dropped afterwards) or SQLite, and local ones on SQLite, each in its own temp dir.

use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::{Context, bail};
use backend_8825::app::Application;
use backend_8825::config::{Config, Env, Mode, Overrides};
use backend_8825::keychain::KeychainManager;
use backend_8825::state::AppState;
use backend_8825::store::Account;
use backend_8825::{accounts, local_api};
use serde_json::{Value, json};

/// Which database the hosted daemon runs on.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum DbKind {
    Sqlite,
    Postgres,
}

/// A directory removed when dropped.
pub struct TempDir(pub PathBuf);

impl TempDir {
    pub fn new(what: &str) -> anyhow::Result<Self> {
        let dir = std::env::temp_dir().join(format!("b8825-bench-{what}-{}", uuid::Uuid::new_v4()));
        std::fs::create_dir_all(&dir)?;
        Ok(Self(dir))
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// A schema of its own in the `DATABASE_URL` database, dropped with everything in it.
pub struct PgSchema {
    base: String,
    name: String,
    pub url: String,
}

pub fn admin_url() -> String {
    std::env::var("DATABASE_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".into())
}

/// Runs `run` with a fresh schema of its own when `db` is Postgres (`None` on SQLite), and
/// drops the schema afterwards, whatever `run` returned.
pub async fn in_schema<T>(
    db: DbKind,
    run: impl AsyncFnOnce(Option<&PgSchema>) -> anyhow::Result<T>,
) -> anyhow::Result<T> {
    let pg = if db == DbKind::Postgres {
        Some(PgSchema::create().await?)
    } else {
        None
    };
    let result = run(pg.as_ref()).await;
    if let Some(pg) = pg {
        pg.drop_now().await;
    }
    result
}

impl PgSchema {
    pub async fn create() -> anyhow::Result<Self> {
        let base = admin_url();
        let name = format!("bench_{}", uuid::Uuid::new_v4().simple());
        let mut conn = <sqlx::PgConnection as sqlx::Connection>::connect(&base)
            .await
            .context("DATABASE_URL (default postgres://postgres@127.0.0.1:5432/postgres) must point at a running Postgres")?;
        // The name is made above from a UUID.
        sqlx::query(sqlx::AssertSqlSafe(format!("CREATE SCHEMA {name}")))
            .execute(&mut conn)
            .await?;
        let sep = if base.contains('?') { '&' } else { '?' };
        let url = format!("{base}{sep}options=-csearch_path%3D{name}");
        Ok(Self { base, name, url })
    }

    pub async fn drop_now(self) {
        if let Ok(mut conn) = <sqlx::PgConnection as sqlx::Connection>::connect(&self.base).await {
            let sql = format!("DROP SCHEMA IF EXISTS {} CASCADE", self.name);
            let _ = sqlx::query(sqlx::AssertSqlSafe(sql))
                .execute(&mut conn)
                .await;
        }
    }

    /// Refreshes the planner's statistics of the tables a bulk load grows. The test server
    /// runs with autovacuum off, and a plan made on an empty table (a sequential scan) stays
    /// cached for the connection: without this, an insert into 100 000 rows slows to ~50/s.
    pub async fn analyze(&self) -> anyhow::Result<()> {
        let mut conn = <sqlx::PgConnection as sqlx::Connection>::connect(&self.url).await?;
        sqlx::query("ANALYZE records, feed_counters, sync_cursors")
            .execute(&mut conn)
            .await?;
        Ok(())
    }

    /// A connection working in this schema.
    pub async fn connect(&self) -> anyhow::Result<sqlx::PgConnection> {
        Ok(<sqlx::PgConnection as sqlx::Connection>::connect(&self.url).await?)
    }

    /// Every table of the schema and its size on disk in bytes, with its indexes and TOAST
    /// (`pg_total_relation_size`).
    pub async fn table_sizes(&self) -> anyhow::Result<std::collections::BTreeMap<String, i64>> {
        let sql = "SELECT c.relname::text, pg_total_relation_size(c.oid)::bigint \
                   FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace \
                   WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p')";
        let rows: Vec<(String, i64)> = sqlx::query_as(sql)
            .fetch_all(&mut self.connect().await?)
            .await?;
        Ok(rows.into_iter().collect())
    }

    /// A copy that does not drop the schema (for a background task).
    pub fn handle(&self) -> Self {
        Self {
            base: self.base.clone(),
            name: self.name.clone(),
            url: self.url.clone(),
        }
    }

    pub async fn server_version() -> String {
        let Ok(mut conn) = <sqlx::PgConnection as sqlx::Connection>::connect(&admin_url()).await
        else {
            return "unreachable".into();
        };
        sqlx::query_scalar::<_, String>("SHOW server_version")
            .fetch_one(&mut conn)
            .await
            .unwrap_or_else(|_| "?".into())
    }
}

pub fn config(mode: Mode, dir: &Path, database_url: String) -> anyhow::Result<Config> {
    let env: Env = [("HOME".to_string(), dir.display().to_string())]
        .into_iter()
        .collect();
    let overrides = Overrides {
        bind: Some([127, 0, 0, 1].into()),
        port: Some(0),
        data_dir: Some(dir.to_path_buf()),
        database_url: Some(database_url),
        config_file: None,
    };
    Ok(Config::load(mode, &overrides, &env)?)
}

/// A daemon serving on loopback until dropped.
pub struct Daemon {
    pub state: AppState,
    pub url: String,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    task: Option<tokio::task::JoinHandle<std::io::Result<()>>>,
    _dir: TempDir,
}

impl Daemon {
    /// Starts a daemon in `mode`; `edit` has the last word on its configuration.
    pub async fn start(
        mode: Mode,
        db: DbKind,
        pg: Option<&PgSchema>,
        edit: impl FnOnce(&mut Config),
    ) -> anyhow::Result<Self> {
        let dir = TempDir::new(if mode == Mode::Local {
            "local"
        } else {
            "hosted"
        })?;
        let url = match (db, pg) {
            (DbKind::Postgres, Some(pg)) => pg.url.clone(),
            (DbKind::Postgres, None) => bail!("a Postgres daemon needs a schema"),
            (DbKind::Sqlite, _) => format!("sqlite://{}", dir.0.join("bench.db").display()),
        };
        let mut config = config(mode, &dir.0, url)?;
        edit(&mut config);
        let keychain = KeychainManager::files_only(&config.secrets_dir());
        let app = Application::build_with_keychain(config, keychain).await?;
        let url = format!("http://{}", app.local_addr());
        let state = app.state().clone();
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let task = tokio::spawn(app.run_until_stopped(async move {
            let _ = stopped.await;
        }));
        Ok(Self {
            state,
            url,
            stop: Some(stop),
            task: Some(task),
            _dir: dir,
        })
    }

    /// Stops the daemon as SIGTERM does (what its audit log holds in memory is written) and
    /// waits, up to `limit`, until it has; false if it had not by then.
    pub async fn shut_down(mut self, limit: Duration) -> bool {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        match self.task.take() {
            Some(task) => matches!(tokio::time::timeout(limit, task).await, Ok(Ok(Ok(())))),
            None => false,
        }
    }
}

impl Drop for Daemon {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}

/// A hosted daemon with an account, and a local daemon paired with it through its API.
pub struct Pair {
    pub hosted: Daemon,
    pub local: Daemon,
    pub account: Account,
    pub token: String,
    pub secret: String,
    pub peer_id: String,
    pub http: reqwest::Client,
}

impl Pair {
    pub async fn start(
        db: DbKind,
        pg: Option<&PgSchema>,
        automatic: bool,
        edit_local: impl FnOnce(&mut Config),
    ) -> anyhow::Result<Self> {
        Self::start_with(db, pg, automatic, |_| {}, edit_local).await
    }

    /// [`Pair::start`], with `edit_hosted` having the last word on the hosted configuration.
    pub async fn start_with(
        db: DbKind,
        pg: Option<&PgSchema>,
        automatic: bool,
        edit_hosted: impl FnOnce(&mut Config),
        edit_local: impl FnOnce(&mut Config),
    ) -> anyhow::Result<Self> {
        let hosted = Daemon::start(Mode::Hosted, db, pg, edit_hosted).await?;
        let local = Daemon::start(Mode::Local, DbKind::Sqlite, None, |c| {
            c.sync.automatic = automatic;
            edit_local(c);
        })
        .await?;
        let hs = &hosted.state;
        let (account, token) =
            accounts::create_account(hs.store.as_ref(), hs.clock.as_ref(), "bench").await?;
        let code =
            accounts::issue_pairing_code(hs.store.as_ref(), hs.clock.as_ref(), &account, None)
                .await?;
        let secret = local_api::local_secret(&local.state)
            .await?
            .expose()
            .to_string();
        let http = reqwest::Client::builder().no_proxy().build()?;
        let body = json!({"hosted_url": hosted.url, "pairing_code": code.code.expose()});
        let paired = call(
            &http,
            "POST",
            &format!("{}/register-peer", local.url),
            &secret,
            Some(body),
        )
        .await?;
        let peer_id = paired["peer"]["peer_id"]
            .as_str()
            .context("no peer id")?
            .to_string();
        Ok(Self {
            hosted,
            local,
            account,
            token: token.expose().clone(),
            secret,
            peer_id,
            http,
        })
    }
}

/// One API call with a bearer token; the answer's JSON, or an error naming the status.
pub async fn call(
    http: &reqwest::Client,
    method: &str,
    url: &str,
    bearer: &str,
    body: Option<Value>,
) -> anyhow::Result<Value> {
    let method = reqwest::Method::from_bytes(method.as_bytes())?;
    let mut request = http.request(method, url).bearer_auth(bearer);
    request = match body {
        Some(body) => request.json(&body),
        None => request.header("content-type", "application/json"),
    };
    let response = request.timeout(Duration::from_secs(30)).send().await?;
    let status = response.status();
    let body: Value = response.json().await.unwrap_or(Value::Null);
    if !status.is_success() {
        bail!("{url} answered {status}: {body}");
    }
    Ok(body)
}
