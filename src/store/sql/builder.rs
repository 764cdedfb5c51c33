//! Statements whose text is built at run time, around many rows of values.

use sqlx::AssertSqlSafe;

use super::query::{Arg, Query};
use crate::store::DatabaseKind;

/// SQL built at run time around many rows of values, for one database: its placeholders are
/// the ones sqlx's `QueryBuilder` writes for it (`?` on SQLite, `$N` on Postgres).
pub struct Builder<'a> {
    kind: DatabaseKind,
    sql: String,
    args: Vec<Arg<'a>>,
}

impl<'a> Builder<'a> {
    pub fn new(kind: DatabaseKind, sql: &str) -> Self {
        Self {
            kind,
            sql: sql.to_string(),
            args: Vec::new(),
        }
    }

    pub fn push(&mut self, sql: &str) -> &mut Self {
        self.sql.push_str(sql);
        self
    }

    /// Binds a value and writes its placeholder.
    pub fn bind(&mut self, arg: impl Into<Arg<'a>>) -> &mut Self {
        self.args.push(arg.into());
        match self.kind {
            DatabaseKind::Sqlite => self.sql.push('?'),
            DatabaseKind::Postgres => {
                self.sql.push('$');
                self.sql.push_str(&self.args.len().to_string());
            }
        }
        self
    }

    /// Binds each value, their placeholders separated by `, `.
    pub fn list(&mut self, args: impl IntoIterator<Item = Arg<'a>>) -> &mut Self {
        for (i, arg) in args.into_iter().enumerate() {
            if i > 0 {
                self.sql.push_str(", ");
            }
            self.bind(arg);
        }
        self
    }

    /// `VALUES (..), (..)`, one tuple of placeholders per row (each row the same columns).
    pub fn values<R: IntoIterator<Item = Arg<'a>>>(
        &mut self,
        rows: impl IntoIterator<Item = R>,
    ) -> &mut Self {
        self.sql.push_str("VALUES ");
        for (i, row) in rows.into_iter().enumerate() {
            if i > 0 {
                self.sql.push_str(", ");
            }
            self.sql.push('(');
            self.list(row);
            self.sql.push(')');
        }
        self
    }

    pub fn build(self) -> Query<'a> {
        // Only fixed text and placeholders went into it; every value is bound.
        let query = Query::new(AssertSqlSafe(self.sql));
        self.args.into_iter().fold(query, Query::bind)
    }
}

#[cfg(test)]
mod tests {
    use sqlx::{Database, Encode, QueryBuilder, Type};

    use super::{Arg, Builder};
    use crate::store::DatabaseKind;

    /// The statement sqlx's own builder writes for the same pushes.
    fn by_sqlx<DB: Database>() -> String
    where
        DB::Arguments: Default,
        &'static str: for<'q> Encode<'q, DB> + Type<DB>,
        i64: for<'q> Encode<'q, DB> + Type<DB>,
    {
        let mut sql = QueryBuilder::<DB>::new("SELECT x FROM t WHERE a = ");
        sql.push_bind("a").push(" AND id IN (");
        let mut ids = sql.separated(", ");
        for id in ["x", "y"] {
            ids.push_bind(id);
        }
        sql.push(") ");
        sql.push_values([(1_i64, "p"), (2, "q")], |mut row, (n, s)| {
            row.push_bind(n).push_bind(s);
        });
        sql.into_string()
    }

    fn by_builder(kind: DatabaseKind) -> String {
        let mut sql = Builder::new(kind, "SELECT x FROM t WHERE a = ");
        sql.bind("a").push(" AND id IN (");
        sql.list(["x", "y"].map(Arg::from));
        sql.push(") ");
        sql.values([(1_i64, "p"), (2, "q")].map(|(n, s)| [Arg::from(n), Arg::from(s)]));
        sql.sql
    }

    #[test]
    fn built_statements_have_the_placeholders_sqlx_writes() {
        assert_eq!(
            by_builder(DatabaseKind::Postgres),
            "SELECT x FROM t WHERE a = $1 AND id IN ($2, $3) VALUES ($4, $5), ($6, $7)"
        );
        assert_eq!(
            by_builder(DatabaseKind::Postgres),
            by_sqlx::<sqlx::Postgres>()
        );
        assert_eq!(
            by_builder(DatabaseKind::Sqlite),
            "SELECT x FROM t WHERE a = ? AND id IN (?, ?) VALUES (?, ?), (?, ?)"
        );
        assert_eq!(by_builder(DatabaseKind::Sqlite), by_sqlx::<sqlx::Sqlite>());
    }
}
