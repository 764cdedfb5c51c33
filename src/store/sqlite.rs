//! The SQLite store: one file in the data dir, WAL mode, foreign keys on, one writing
//! connection and a pool of reading ones.

use std::str::FromStr;
use std::time::Duration;

use sqlx::SqlitePool;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};

use super::sql::{Db, SqlPools};
use super::{StoreError, StoreResult};

pub struct SqliteStore {
    /// Reads: several connections (WAL lets them read while a write runs).
    pool: SqlitePool,
    /// Writes: one connection, so that the process's writers queue instead of colliding on
    /// the database lock.
    writer: SqlitePool,
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
        let file = options.get_filename();
        if file != std::path::Path::new(":memory:") {
            make_private_file(file)?;
        }
        // A connection to a file in this process does not break while idle: no check
        // before each statement (sqlx's default sends one to the connection's thread).
        let writer = SqlitePoolOptions::new()
            .max_connections(1)
            .test_before_acquire(false)
            .connect_with(options.clone())
            .await?;
        sqlx::migrate!("migrations/sqlite").run(&writer).await?;
        let pool = SqlitePoolOptions::new()
            .max_connections(max_connections)
            .test_before_acquire(false)
            .connect_with(options)
            .await?;
        Ok(Self { pool, writer })
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

/// Creates the database file readable by the owner only, before SQLite does (it would use
/// the process's umask, usually 0644), and takes an older, wider file back to 0600. SQLite
/// gives its `-wal` and `-shm` files the database file's mode.
fn make_private_file(path: &std::path::Path) -> StoreResult<()> {
    let failed = |source| StoreError::CreateFile {
        path: path.display().to_string(),
        source,
    };
    let mut open = std::fs::OpenOptions::new();
    open.create(true).append(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut open, 0o600);
    open.open(path).map_err(failed)?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        for suffix in ["", "-wal", "-shm"] {
            let mut name = path.as_os_str().to_owned();
            name.push(suffix);
            let file = std::path::PathBuf::from(name);
            match std::fs::metadata(&file) {
                Ok(meta) if meta.permissions().mode() & 0o077 != 0 => {
                    std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o600))
                        .map_err(failed)?;
                }
                _ => {}
            }
        }
    }
    Ok(())
}

impl SqlPools for SqliteStore {
    fn db(&self) -> Db<'_> {
        Db::sqlite(&self.pool, &self.writer)
    }
}
