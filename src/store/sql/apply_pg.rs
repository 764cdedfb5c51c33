//! Writing records on Postgres, where each statement is a round trip to the server: a write
//! is one statement (one per chunk of [`APPLY_CHUNK`] versions, in a transaction when there
//! are several), built of `WITH` clauses:
//!
//! 1. `nonce`: the signed request's nonce, inserted unless its peer used it before (then
//!    nothing below is written);
//! 2. `winners`: the versions that win Last-Write-Wins (greater version, same kind) over the
//!    records as the statement's snapshot has them, numbered;
//! 3. `counter`: the account's feed counter moved past them, which locks its row until
//!    commit, so versions take their `seq` in commit order and a reader paging the feed never
//!    skips one committed late;
//! 4. `written`: the winners, each inserted or written over the stored row of its record
//!    only if it still wins against the row as last committed, which `ON CONFLICT` locks;
//! 5. `cursor`: the caller's cursor.
//!
//! The second check matters when another writer of the account committed a newer version
//! of the same record while this statement waited for the counter: its snapshot predates
//! that commit. The version that loses then leaves its `seq` unused, a gap in the feed that
//! readers page over as over the positions of deleted records, and the head is past the last
//! version by as much.

use std::collections::HashMap;
use std::collections::hash_map::Entry;

use super::apply::{APPLY_CHUNK, RECORD_UPDATE, push_cursor, push_nonce, version_args};
use super::builder::Builder;
use super::query::{Exec, Pool, Query};
use crate::store::{DatabaseKind, Record, SeenNonce, StoreResult, SyncCursor};

/// One write: what [`super::Db::apply_versions`] was given.
pub(super) struct Write<'a> {
    pub account_id: &'a str,
    pub versions: &'a [Record],
    pub origin_peer: Option<&'a str>,
    pub cursor: Option<&'a SyncCursor>,
    pub nonce: Option<&'a SeenNonce>,
}

impl<'a> Write<'a> {
    /// Versions applied, or `None` (nothing written) for a nonce seen before.
    pub(super) async fn apply(self, pool: Pool<'_>) -> StoreResult<Option<usize>> {
        if self.versions.is_empty() {
            return Ok(self.nothing_pushed(pool).await?.then_some(0));
        }
        let chunks: Vec<&'a [Record]> = self.versions.chunks(APPLY_CHUNK).collect();
        if let [only] = chunks.as_slice() {
            let (taken, applied) = run(self.statement(only, true, true), pool).await?;
            return Ok(taken.then_some(applied));
        }
        let mut tx = pool.begin().await?;
        let mut total = 0;
        for (i, chunk) in chunks.iter().enumerate() {
            let statement = self.statement(chunk, i == 0, i + 1 == chunks.len());
            let (taken, applied) = run(statement, &mut tx).await?;
            if !taken {
                return Ok(None);
            }
            total += applied;
        }
        tx.commit().await?;
        Ok(Some(total))
    }

    /// The statement that writes `chunk`, with the nonce if `first` and the cursor if
    /// `last`; it answers whether the nonce was new and how many versions won.
    fn statement(&self, chunk: &'a [Record], first: bool, last: bool) -> Query<'a> {
        let incoming = per_kind(chunk);
        let nonce = self.nonce.filter(|_| first);
        let mut sql = Builder::new(DatabaseKind::Postgres, "WITH ");
        if let Some(seen) = nonce {
            sql.push("nonce AS (");
            push_nonce(&mut sql, seen);
            sql.push(" RETURNING 1), ");
        }
        sql.push(
            "incoming (id, kind, conversation_id, title, role, content, created_at, \
             updated_at, deleted, version, source_backend, e2e, nth, rank) AS (",
        );
        sql.values(incoming.iter().zip(1_i64..).map(|((v, rank), nth)| {
            version_args(v)
                .into_iter()
                .chain([nth.into(), (*rank).into()])
        }));
        // The versions that win over the records as the statement's snapshot has them (one
        // per record: of a record not stored, its first version's kind), numbered; the
        // counter moves past them.
        sql.push(
            "), winners AS (SELECT one.*, row_number() OVER (ORDER BY one.nth) AS k \
             FROM (SELECT DISTINCT ON (i.id) i.* FROM incoming i \
             LEFT JOIN LATERAL (SELECT kind, version FROM records \
             WHERE account_id = ",
        );
        // Lateral: each incoming version looks its record up by key (an index scan), where
        // a join may be planned as a scan of the whole table.
        sql.bind(self.account_id).push(
            " AND id = i.id) r ON TRUE WHERE r.kind IS NULL \
             OR (r.kind = i.kind AND r.version < i.version) ORDER BY i.id, i.rank) one), \
             counter AS (INSERT INTO feed_counters (account_id, seq) SELECT ",
        );
        sql.bind(self.account_id)
            .push(", (SELECT count(*) FROM winners)");
        if nonce.is_some() {
            sql.push(" WHERE EXISTS (SELECT 1 FROM nonce)");
        }
        sql.push(
            " ON CONFLICT (account_id) DO UPDATE SET seq = feed_counters.seq + excluded.seq \
             RETURNING seq), \
             written AS (INSERT INTO records (account_id, id, kind, conversation_id, \
             title, role, content, created_at, updated_at, deleted, version, \
             source_backend, e2e, seq, origin_peer) SELECT ",
        );
        sql.bind(self.account_id).push(
            ", w.id, w.kind, w.conversation_id, w.title, w.role, w.content, w.created_at, \
             w.updated_at, w.deleted, w.version, w.source_backend, w.e2e, \
             c.seq - (SELECT count(*) FROM winners) + w.k, ",
        );
        sql.bind(self.origin_peer);
        // Checked again against the row as last committed, which `ON CONFLICT` locks.
        sql.push(" FROM winners w, counter c ON CONFLICT (account_id, id) DO UPDATE SET ")
            .push(RECORD_UPDATE)
            .push(
                " WHERE records.kind = excluded.kind AND records.version < excluded.version \
                 RETURNING 1)",
            );
        if let Some(c) = self.cursor.filter(|_| last) {
            sql.push(", cursor AS (");
            push_cursor(&mut sql, c, nonce.is_some());
            sql.push(")");
        }
        sql.push(" SELECT EXISTS (SELECT 1 FROM counter), (SELECT count(*) FROM written)");
        // A one-version write (a single edit: the common case) has one text, worth caching
        // (the parse is a round trip of its own); batches vary in size and are parsed and
        // planned each time, for the table as it is then (`crate::store::postgres` says how
        // long a cached plan lives).
        sql.build().persistent(chunk.len() == 1)
    }

    /// A sync that pushed nothing: its nonce and the caller's cursor, in one statement that
    /// commits on its own; `false` (nothing written) if the nonce was seen before.
    ///
    /// Nothing acknowledged is written: the cursor (bookkeeping that the next sync writes
    /// again) and, for a request that only pulls, its nonce. So the commit does not wait for
    /// the WAL flush (`synchronous_commit` off for this transaction only). Only a crash of
    /// the database server itself can lose it (the last few hundred milliseconds of such
    /// commits): the cursor then reads as it was before, and a pull's nonce is forgotten, so
    /// that request could be replayed once within its signature's lifetime and would be
    /// answered what it was answered then (docs/protocol.md, step 8). A push's nonce is
    /// flushed with its versions.
    async fn nothing_pushed(&self, pool: Pool<'_>) -> StoreResult<bool> {
        let mut sql = Builder::new(DatabaseKind::Postgres, "WITH ");
        if let Some(seen) = self.nonce {
            sql.push("nonce AS (");
            push_nonce(&mut sql, seen);
            sql.push(" RETURNING 1), ");
        }
        if let Some(c) = self.cursor {
            sql.push("cursor AS (");
            // Only with a new nonce: a replay writes nothing.
            push_cursor(&mut sql, c, self.nonce.is_some());
            sql.push("), ");
        }
        sql.push("unflushed AS (SELECT set_config('synchronous_commit', 'off', true)) ");
        sql.push(match self.nonce {
            Some(_) => "SELECT EXISTS (SELECT 1 FROM nonce) FROM unflushed",
            None => "SELECT TRUE FROM unflushed",
        });
        let (taken,): (bool,) = sql.build().fetch_one(pool).await?;
        Ok(taken)
    }
}

/// Runs a statement of [`Write::statement`]: whether its nonce was new, and how many
/// versions it wrote.
async fn run(statement: Query<'_>, on: impl Into<Exec<'_>>) -> StoreResult<(bool, usize)> {
    let (taken, written): (bool, i64) = statement.fetch_one(on).await?;
    Ok((taken, usize::try_from(written).unwrap_or(0)))
}

/// `chunk` with one version per record and kind, the greatest (a multi-row upsert may not
/// touch a row twice), in the order each first came, each with its rank: 0 for its record's
/// first kind in `chunk`, 1 for any other. Which kind applies depends on the record stored,
/// which the statement reads: so the batch applies as its versions would one at a time.
fn per_kind(chunk: &[Record]) -> Vec<(&Record, i64)> {
    let mut first_kind: HashMap<&str, &str> = HashMap::new();
    let mut slot: HashMap<(&str, &str), usize> = HashMap::new();
    let mut out: Vec<(&Record, i64)> = Vec::new();
    for v in chunk {
        let first = *first_kind.entry(&v.id).or_insert(&v.kind);
        match slot.entry((&v.id, &v.kind)) {
            Entry::Occupied(e) => {
                let (kept, _) = &mut out[*e.get()];
                if v.version > kept.version {
                    *kept = v;
                }
            }
            Entry::Vacant(e) => {
                e.insert(out.len());
                out.push((v, i64::from(first != v.kind)));
            }
        }
    }
    out
}
