//! Statements that run on either database. A [`Query`] holds the SQL text and the values to
//! bind, without naming the database; it is turned into sqlx's query for SQLite or for
//! Postgres only when it runs, on whichever pool, connection or transaction it is given.
//! Rows come back as any type that both drivers can decode ([`Decodable`]).
//!
//! The `match` on the database costs nothing next to the statement it dispatches.

use futures_util::{StreamExt, TryStreamExt};
use sqlx::postgres::{PgArguments, PgRow};
use sqlx::sqlite::{SqliteArguments, SqliteRow};
use sqlx::{
    Executor, FromRow, PgConnection, PgPool, Postgres, Row, SqlSafeStr, SqlStr, Sqlite,
    SqliteConnection, SqlitePool, Transaction,
};

use crate::store::DatabaseKind;

/// A value bound to a statement parameter. These are the types the store binds; each is
/// bound as sqlx binds the Rust type it comes from (`&str` and `&String` alike, and so on).
#[derive(Clone, Copy, Debug)]
pub enum Arg<'a> {
    Text(&'a str),
    OptText(Option<&'a str>),
    Int(i64),
    OptInt(Option<i64>),
    Bool(bool),
    OptFloat(Option<f64>),
    Bytes(Option<&'a [u8]>),
}

impl<'a> From<&'a str> for Arg<'a> {
    fn from(value: &'a str) -> Self {
        Self::Text(value)
    }
}

impl<'a> From<&'a String> for Arg<'a> {
    fn from(value: &'a String) -> Self {
        Self::Text(value)
    }
}

impl<'a> From<Option<&'a str>> for Arg<'a> {
    fn from(value: Option<&'a str>) -> Self {
        Self::OptText(value)
    }
}

impl<'a> From<&'a Option<String>> for Arg<'a> {
    fn from(value: &'a Option<String>) -> Self {
        Self::OptText(value.as_deref())
    }
}

impl From<i64> for Arg<'_> {
    fn from(value: i64) -> Self {
        Self::Int(value)
    }
}

impl From<Option<i64>> for Arg<'_> {
    fn from(value: Option<i64>) -> Self {
        Self::OptInt(value)
    }
}

impl From<bool> for Arg<'_> {
    fn from(value: bool) -> Self {
        Self::Bool(value)
    }
}

impl From<Option<f64>> for Arg<'_> {
    fn from(value: Option<f64>) -> Self {
        Self::OptFloat(value)
    }
}

impl<'a> From<&'a Option<Vec<u8>>> for Arg<'a> {
    fn from(value: &'a Option<Vec<u8>>) -> Self {
        Self::Bytes(value.as_deref())
    }
}

/// A row type both drivers decode: any `FromRow` type of both (the derived row structs,
/// tuples). Implemented for every such type, so a caller names only this bound.
pub trait Decodable:
    for<'r> FromRow<'r, SqliteRow> + for<'r> FromRow<'r, PgRow> + Send + Unpin
{
}

impl<T> Decodable for T where
    T: for<'r> FromRow<'r, SqliteRow> + for<'r> FromRow<'r, PgRow> + Send + Unpin
{
}

/// One pool of either database, borrowed from the store that owns it.
#[derive(Clone, Copy, Debug)]
pub enum Pool<'p> {
    Sqlite(&'p SqlitePool),
    Postgres(&'p PgPool),
}

impl Pool<'_> {
    pub fn kind(self) -> DatabaseKind {
        match self {
            Self::Sqlite(_) => DatabaseKind::Sqlite,
            Self::Postgres(_) => DatabaseKind::Postgres,
        }
    }

    /// Whether every connection the pool may hold is open and in use: a statement that
    /// times out waiting for one then met a busy database, not one that cannot be reached.
    pub fn saturated(self) -> bool {
        let (open, idle) = self.usage();
        let max = match self {
            Self::Sqlite(pool) => pool.options().get_max_connections(),
            Self::Postgres(pool) => pool.options().get_max_connections(),
        };
        idle == 0 && open >= max
    }

    /// Connections open, and of those idle.
    pub fn usage(self) -> (u32, usize) {
        match self {
            Self::Sqlite(pool) => (pool.size(), pool.num_idle()),
            Self::Postgres(pool) => (pool.size(), pool.num_idle()),
        }
    }

    /// Starts a transaction on a connection of this pool.
    pub async fn begin(self) -> Result<Tx, sqlx::Error> {
        Ok(match self {
            Self::Sqlite(pool) => Tx::Sqlite(pool.begin().await?),
            Self::Postgres(pool) => Tx::Postgres(pool.begin().await?),
        })
    }

    pub async fn close(self) {
        match self {
            Self::Sqlite(pool) => pool.close().await,
            Self::Postgres(pool) => pool.close().await,
        }
    }
}

/// A transaction on either database. Dropped without [`Tx::commit`], it rolls back.
pub enum Tx {
    Sqlite(Transaction<'static, Sqlite>),
    Postgres(Transaction<'static, Postgres>),
}

impl Tx {
    pub fn kind(&self) -> DatabaseKind {
        match self {
            Self::Sqlite(_) => DatabaseKind::Sqlite,
            Self::Postgres(_) => DatabaseKind::Postgres,
        }
    }

    pub async fn commit(self) -> Result<(), sqlx::Error> {
        match self {
            Self::Sqlite(tx) => tx.commit().await,
            Self::Postgres(tx) => tx.commit().await,
        }
    }
}

/// Where a statement runs: a pool (which lends it a connection) or a connection, such as the
/// one of a transaction.
pub enum Exec<'c> {
    SqlitePool(&'c SqlitePool),
    Sqlite(&'c mut SqliteConnection),
    PgPool(&'c PgPool),
    Postgres(&'c mut PgConnection),
}

impl<'p> From<Pool<'p>> for Exec<'p> {
    fn from(pool: Pool<'p>) -> Self {
        match pool {
            Pool::Sqlite(pool) => Self::SqlitePool(pool),
            Pool::Postgres(pool) => Self::PgPool(pool),
        }
    }
}

impl<'c> From<&'c mut Tx> for Exec<'c> {
    fn from(tx: &'c mut Tx) -> Self {
        match tx {
            Tx::Sqlite(tx) => Self::Sqlite(tx),
            Tx::Postgres(tx) => Self::Postgres(tx),
        }
    }
}

/// A statement and the values bound to its parameters, in order.
#[must_use = "a query does nothing until it is run"]
pub struct Query<'a> {
    sql: SqlStr,
    args: Vec<Arg<'a>>,
    persistent: bool,
}

impl<'a> Query<'a> {
    /// A statement from SQL text: a literal, or text built at run time and wrapped in
    /// [`AssertSqlSafe`](sqlx::AssertSqlSafe) once it is known to hold no value (values are
    /// bound, never written into the text).
    pub fn new(sql: impl SqlSafeStr) -> Self {
        Self {
            sql: sql.into_sql_str(),
            args: Vec::new(),
            persistent: true,
        }
    }

    pub fn bind(mut self, arg: impl Into<Arg<'a>>) -> Self {
        self.args.push(arg.into());
        self
    }

    /// Whether the connection keeps the prepared statement for the next run (the default) or
    /// closes it after this one, as sqlx's `persistent`.
    pub fn persistent(mut self, value: bool) -> Self {
        self.persistent = value;
        self
    }

    /// Runs the statement; returns how many rows it changed.
    pub async fn execute(self, on: impl Into<Exec<'_>>) -> Result<u64, sqlx::Error> {
        Ok(match on.into() {
            Exec::SqlitePool(pool) => pool.execute(self.sqlite()).await?.rows_affected(),
            Exec::Sqlite(conn) => conn.execute(self.sqlite()).await?.rows_affected(),
            Exec::PgPool(pool) => pool.execute(self.postgres()).await?.rows_affected(),
            Exec::Postgres(conn) => conn.execute(self.postgres()).await?.rows_affected(),
        })
    }

    /// The first row; [`sqlx::Error::RowNotFound`] if there is none.
    pub async fn fetch_one<T: Decodable>(self, on: impl Into<Exec<'_>>) -> Result<T, sqlx::Error> {
        self.fetch_optional(on)
            .await?
            .ok_or(sqlx::Error::RowNotFound)
    }

    pub async fn fetch_optional<T: Decodable>(
        self,
        on: impl Into<Exec<'_>>,
    ) -> Result<Option<T>, sqlx::Error> {
        match on.into() {
            Exec::SqlitePool(pool) => decode(pool.fetch_optional(self.sqlite()).await?),
            Exec::Sqlite(conn) => decode(conn.fetch_optional(self.sqlite()).await?),
            Exec::PgPool(pool) => decode(pool.fetch_optional(self.postgres()).await?),
            Exec::Postgres(conn) => decode(conn.fetch_optional(self.postgres()).await?),
        }
    }

    /// Every row, each decoded as it arrives (a row that does not decode ends the read).
    pub async fn fetch_all<T: Decodable>(
        self,
        on: impl Into<Exec<'_>>,
    ) -> Result<Vec<T>, sqlx::Error> {
        match on.into() {
            Exec::SqlitePool(pool) => decode_all(pool.fetch(self.sqlite())).await,
            Exec::Sqlite(conn) => decode_all(conn.fetch(self.sqlite())).await,
            Exec::PgPool(pool) => decode_all(pool.fetch(self.postgres())).await,
            Exec::Postgres(conn) => decode_all(conn.fetch(self.postgres())).await,
        }
    }

    /// sqlx's query for SQLite. (Its query types differ by database, hence one of these for
    /// each, over one [`bind_all`].)
    fn sqlite(self) -> sqlx::query::Query<'static, Sqlite, SqliteArguments> {
        bind_all(sqlx::query(self.sql).persistent(self.persistent), self.args)
    }

    /// sqlx's query for Postgres.
    fn postgres(self) -> sqlx::query::Query<'static, Postgres, PgArguments> {
        bind_all(sqlx::query(self.sql).persistent(self.persistent), self.args)
    }
}

/// Binds every value of a statement, in order, as sqlx binds the Rust type it came from.
fn bind_all<'a, DB>(
    mut query: sqlx::query::Query<'static, DB, <DB as sqlx::Database>::Arguments>,
    args: Vec<Arg<'a>>,
) -> sqlx::query::Query<'static, DB, <DB as sqlx::Database>::Arguments>
where
    DB: sqlx::Database,
    &'a str: sqlx::Encode<'a, DB> + sqlx::Type<DB>,
    Option<&'a str>: sqlx::Encode<'a, DB> + sqlx::Type<DB>,
    i64: for<'q> sqlx::Encode<'q, DB> + sqlx::Type<DB>,
    Option<i64>: for<'q> sqlx::Encode<'q, DB> + sqlx::Type<DB>,
    bool: for<'q> sqlx::Encode<'q, DB> + sqlx::Type<DB>,
    Option<f64>: for<'q> sqlx::Encode<'q, DB> + sqlx::Type<DB>,
    Option<&'a [u8]>: sqlx::Encode<'a, DB> + sqlx::Type<DB>,
{
    for arg in args {
        query = match arg {
            Arg::Text(v) => query.bind(v),
            Arg::OptText(v) => query.bind(v),
            Arg::Int(v) => query.bind(v),
            Arg::OptInt(v) => query.bind(v),
            Arg::Bool(v) => query.bind(v),
            Arg::OptFloat(v) => query.bind(v),
            Arg::Bytes(v) => query.bind(v),
        };
    }
    query
}

fn decode<R: Row, T>(row: Option<R>) -> Result<Option<T>, sqlx::Error>
where
    T: for<'r> FromRow<'r, R>,
{
    row.map(|row| T::from_row(&row)).transpose()
}

async fn decode_all<R: Row, T>(
    rows: futures_util::stream::BoxStream<'_, Result<R, sqlx::Error>>,
) -> Result<Vec<T>, sqlx::Error>
where
    T: for<'r> FromRow<'r, R>,
{
    rows.map(|row| T::from_row(&row?)).try_collect().await
}
