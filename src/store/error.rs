//! What can go wrong with the database, said once: sqlx's own messages repeat their cause
//! (`error returned from database: database "x" does not exist`, then the same again as the
//! source), so each variant carries its words and no source chain of sqlx's.

use super::MIN_POSTGRES_VERSION_NUM;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("database error: {}", describe(.0))]
    Database(sqlx::Error),
    #[error("database migration failed")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    #[error(
        "PostgreSQL {found} is too old: backend-8825 needs {MIN_POSTGRES_VERSION_NUM} or newer"
    )]
    PostgresTooOld { found: i32 },
    #[error("cannot create the database directory {path}")]
    CreateDir {
        path: String,
        source: std::io::Error,
    },
    #[error("cannot create the database file {path}, or make it private to its owner")]
    CreateFile {
        path: String,
        source: std::io::Error,
    },
    /// The database server could not be reached or refused the connection.
    #[error("cannot connect to PostgreSQL at {target}: {why}")]
    Connect { target: String, why: String },
    #[error("{0}")]
    Url(String),
    /// A unique value (an account name, ...) exists already.
    #[error("{0} already exists")]
    Conflict(&'static str),
    /// The database is known to be down (`crate::resilience::DatabaseHealth`): the
    /// statement was not tried.
    #[error("the database is down")]
    Down,
}

impl From<sqlx::Error> for StoreError {
    fn from(err: sqlx::Error) -> Self {
        Self::Database(err)
    }
}

impl StoreError {
    /// Whether the database could not be reached (down, restarting, out of connections),
    /// as opposed to a query that failed: the first is worth retrying later.
    pub fn is_unreachable(&self) -> bool {
        if self.is_connection_lost() {
            return true;
        }
        match self {
            Self::Database(sqlx::Error::Database(db)) => is_transient(db.code().as_deref()),
            Self::Database(sqlx::Error::PoolClosed) => true,
            _ => false,
        }
    }

    /// Whether the connection to the database was lost or cannot be made (the server is
    /// down, restarting, or the network between is cut), as opposed to a busy database or a
    /// failed query: this marks the database down until a probe reaches it again.
    pub fn is_connection_lost(&self) -> bool {
        match self {
            Self::Connect { .. } | Self::Down => true,
            Self::Database(sqlx::Error::Database(db)) => db
                .code()
                .is_some_and(|code| code.starts_with("08") || code.starts_with("57P")),
            Self::Database(err) => matches!(
                err,
                sqlx::Error::Io(_) | sqlx::Error::PoolTimedOut | sqlx::Error::Protocol(_)
            ),
            _ => false,
        }
    }

    /// Maps a unique-constraint violation to [`StoreError::Conflict`].
    pub(crate) fn unique(err: sqlx::Error, what: &'static str) -> Self {
        match &err {
            sqlx::Error::Database(db) if db.is_unique_violation() => Self::Conflict(what),
            _ => Self::Database(err),
        }
    }
}

pub type StoreResult<T> = Result<T, StoreError>;

/// Database error codes that mean "try again shortly", not "this query is wrong": Postgres
/// connection exceptions (class 08), insufficient resources (53, e.g. too many clients),
/// shutdown and restart (57P01-57P03), serialization failures and deadlocks (40001,
/// 40P01); SQLite's busy and locked (5, 6, and their extended codes).
fn is_transient(code: Option<&str>) -> bool {
    let Some(code) = code else { return false };
    if code.starts_with("08") || code.starts_with("53") {
        return true;
    }
    if matches!(code, "57P01" | "57P02" | "57P03" | "40001" | "40P01") {
        return true;
    }
    // SQLite reports its result code as a number; the low byte is the primary code.
    code.parse::<u32>().is_ok_and(|n| matches!(n & 0xff, 5 | 6))
}

/// One sentence for a sqlx error: the server's own message for a database error, the
/// operating system's for a socket error.
pub fn describe(err: &sqlx::Error) -> String {
    match err {
        sqlx::Error::Database(db) => db.message().to_string(),
        sqlx::Error::Io(io) => match io.kind() {
            std::io::ErrorKind::ConnectionRefused => "connection refused".into(),
            std::io::ErrorKind::TimedOut => "the connection timed out".into(),
            _ => io.to_string(),
        },
        sqlx::Error::PoolTimedOut => {
            "no database connection became free in time (is the server up and not overloaded?)"
                .into()
        }
        sqlx::Error::PoolClosed => "the daemon is shutting down".into(),
        other => other.to_string(),
    }
}

/// Why a first connection to Postgres failed, with what to do about it.
pub fn describe_connect(err: &sqlx::Error, database: &str) -> String {
    match err {
        sqlx::Error::Database(db) => match db.code().as_deref() {
            // invalid_catalog_name
            Some("3D000") => format!(
                "the database {database:?} does not exist; create it (`createdb {database}`) \
                 or point the URL at one that does"
            ),
            // invalid_password, invalid_authorization_specification
            Some("28P01") | Some("28000") => {
                format!("{}; check the user and password in the URL", db.message())
            }
            _ => db.message().to_string(),
        },
        sqlx::Error::Io(io) if io.kind() == std::io::ErrorKind::ConnectionRefused => {
            "connection refused; is PostgreSQL running and listening there?".into()
        }
        other => describe(other),
    }
}

#[cfg(test)]
mod tests {
    use super::{StoreError, is_transient};

    #[test]
    fn a_lost_connection_marks_the_database_down_a_busy_or_closed_one_does_not() {
        let io = |kind| StoreError::Database(sqlx::Error::Io(std::io::Error::from(kind)));
        for lost in [
            io(std::io::ErrorKind::ConnectionReset),
            io(std::io::ErrorKind::ConnectionRefused),
            io(std::io::ErrorKind::UnexpectedEof),
            StoreError::Database(sqlx::Error::PoolTimedOut),
            StoreError::Database(sqlx::Error::Protocol("unexpected end".into())),
            StoreError::Down,
            StoreError::Connect {
                target: "db:5432".into(),
                why: "connection refused".into(),
            },
        ] {
            assert!(lost.is_connection_lost(), "{lost}");
            assert!(lost.is_unreachable(), "{lost}");
        }
        // The daemon closing its own pool is worth a 503, not a probe.
        let closed = StoreError::Database(sqlx::Error::PoolClosed);
        assert!(closed.is_unreachable() && !closed.is_connection_lost());
        for bug in [
            StoreError::Conflict("account"),
            StoreError::Database(sqlx::Error::RowNotFound),
        ] {
            assert!(!bug.is_unreachable() && !bug.is_connection_lost(), "{bug}");
        }
    }

    #[test]
    fn waiting_helps_for_connection_resource_and_lock_errors_only() {
        for code in [
            "08006", "53300", "57P01", "57P03", "40001", "40P01", "5", "6", "517",
        ] {
            assert!(is_transient(Some(code)), "{code}");
        }
        for code in ["23505", "42P01", "22P02", "19", "2067", "1"] {
            assert!(!is_transient(Some(code)), "{code}");
        }
        assert!(!is_transient(None));
    }
}
