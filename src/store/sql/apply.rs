//! Writing records: versions applied Last-Write-Wins, each taking the account's next feed
//! `seq`.

use std::collections::HashMap;
use std::collections::hash_map::Entry;

use super::Db;
use super::builder::Builder;
use super::query::{Arg, Tx};
use crate::store::{DatabaseKind, Record, SeenNonce, StoreResult, SyncCursor};

/// Versions applied per statement: 15 parameters each keeps a statement under SQLite's
/// 32 766 and Postgres' 65 535 bound parameters.
pub(crate) const APPLY_CHUNK: usize = 500;

impl Db<'_> {
    /// Applies `versions` (and writes `cursor`) in one transaction; with `nonce`, records it
    /// first in the same transaction, and returns `None` with nothing written if the peer
    /// used it before. A concurrent request with the same nonce waits on the first one's
    /// row, and finds it once that one commits.
    ///
    /// On Postgres, where each statement is a round trip to the server, the statements are
    /// folded: the nonce goes in with the feed counter's lock, and the last chunk's versions
    /// with the counter's new value and the cursor (data-modifying `WITH` clauses); a sync
    /// that pushes nothing is one statement that commits on its own. SQLite, in process,
    /// runs them one by one.
    pub(super) async fn apply_versions(
        self,
        account_id: &str,
        versions: &[Record],
        origin_peer: Option<&str>,
        cursor: Option<&SyncCursor>,
        nonce: Option<&SeenNonce>,
    ) -> StoreResult<Option<usize>> {
        let kind = self.writer.kind();
        if versions.is_empty() && kind == DatabaseKind::Postgres {
            return Ok(nothing_pushed(self, cursor, nonce).await?.then_some(0));
        }
        let mut tx = self.writer.begin().await?;
        let Some(mut seq) = take_counter(&mut tx, account_id, versions, nonce).await? else {
            return Ok(None);
        };
        let mut applied = 0;
        let chunks: Vec<&[Record]> = versions.chunks(APPLY_CHUNK).collect();
        let mut tail_written = false;
        for (i, chunk) in chunks.iter().enumerate() {
            let winners = lww_winners(stored_of(&mut tx, account_id, chunk).await?, chunk);
            // On Postgres the last chunk's upsert carries the cursor and the counter's new
            // value.
            let fold = i + 1 == chunks.len() && kind == DatabaseKind::Postgres;
            let mut write = Builder::new(kind, "");
            if fold {
                push_folded(
                    &mut write,
                    account_id,
                    &winners,
                    origin_peer,
                    cursor,
                    &mut seq,
                );
                tail_written = true;
            } else if !winners.is_empty() {
                push_upsert(&mut write, account_id, &winners, origin_peer, &mut seq);
            }
            if fold || !winners.is_empty() {
                // A one-version write (the common case: a single edit) is a statement of
                // one shape, worth caching; batches vary in size, and are parsed each time.
                let cached = chunk.len() == 1;
                write.build().persistent(cached).execute(&mut tx).await?;
            }
            applied += winners.len();
        }
        if !tail_written {
            if applied > 0 {
                let mut counter = Builder::new(kind, "");
                push_counter(&mut counter, account_id, seq);
                counter.build().execute(&mut tx).await?;
            }
            if let Some(c) = cursor {
                let mut upsert = Builder::new(kind, "");
                push_cursor(&mut upsert, c, false);
                upsert.build().execute(&mut tx).await?;
            }
        }
        tx.commit().await?;
        Ok(Some(applied))
    }
}

/// A sync that pushed nothing, on Postgres: its nonce and the caller's cursor, in one
/// statement that commits on its own; `false` (nothing written) if the nonce was seen before.
///
/// Nothing acknowledged is written: the cursor (bookkeeping that the next sync writes
/// again) and, for a request that only pulls, its nonce. So the commit does not wait for the
/// WAL flush (`synchronous_commit` off for this transaction only). Only a crash of the
/// database server itself can lose it (the last few hundred milliseconds of such commits):
/// the cursor then reads as it was before, and a pull's nonce is forgotten, so that request
/// could be replayed once within its signature's lifetime and would be answered what it was
/// answered then (docs/protocol.md, step 8). A push's nonce is flushed with its versions.
async fn nothing_pushed(
    db: Db<'_>,
    cursor: Option<&SyncCursor>,
    nonce: Option<&SeenNonce>,
) -> StoreResult<bool> {
    let mut sql = Builder::new(DatabaseKind::Postgres, "WITH ");
    if let Some(seen) = nonce {
        sql.push("nonce AS (");
        push_nonce(&mut sql, seen);
        sql.push(" RETURNING 1), ");
    }
    if let Some(c) = cursor {
        sql.push("cursor AS (");
        // Only with a new nonce: a replay writes nothing.
        push_cursor(&mut sql, c, nonce.is_some());
        sql.push("), ");
    }
    sql.push("taken AS (");
    match nonce {
        Some(_) => sql.push("SELECT count(*) AS n FROM nonce"),
        None => sql.push("SELECT 1::bigint AS n"),
    };
    sql.push(") SELECT set_config('synchronous_commit', 'off', true), n FROM taken");
    let (_, taken): (String, i64) = sql.build().fetch_one(db.writer).await?;
    Ok(taken == 1)
}
/// Records the nonce (if any) and, with versions to apply, takes the account's feed counter:
/// its current value, or `None` if the nonce was seen before. The counter is an upsert that
/// locks its row until commit, so versions get their `seq` in commit order and a reader
/// paging the feed never skips one committed late. The same lock makes the
/// read-decide-write of [`Db::apply_versions`] safe: every write to an account's records
/// goes through it. On Postgres the nonce and the counter are one statement.
async fn take_counter(
    tx: &mut Tx,
    account_id: &str,
    versions: &[Record],
    nonce: Option<&SeenNonce>,
) -> StoreResult<Option<i64>> {
    let kind = tx.kind();
    let mut counter = Builder::new(kind, "");
    match nonce {
        Some(seen) if kind == DatabaseKind::Postgres && !versions.is_empty() => {
            counter.push("WITH nonce AS (");
            push_nonce(&mut counter, seen);
            counter.push(" RETURNING 1) INSERT INTO feed_counters (account_id, seq) SELECT ");
            counter
                .bind(account_id)
                .push(", 0 WHERE EXISTS (SELECT 1 FROM nonce)");
        }
        Some(seen) => {
            let mut insert = Builder::new(kind, "");
            push_nonce(&mut insert, seen);
            if insert.build().execute(&mut *tx).await? != 1 {
                return Ok(None);
            }
            if versions.is_empty() {
                return Ok(Some(0));
            }
            counter.push("INSERT INTO feed_counters (account_id, seq) VALUES (");
            counter.bind(account_id).push(", 0)");
        }
        None if versions.is_empty() => return Ok(Some(0)),
        None => {
            counter.push("INSERT INTO feed_counters (account_id, seq) VALUES (");
            counter.bind(account_id).push(", 0)");
        }
    }
    counter.push(" ON CONFLICT (account_id) DO UPDATE SET seq = feed_counters.seq RETURNING seq");
    let seq: Option<(i64,)> = counter.build().fetch_optional(&mut *tx).await?;
    Ok(seq.map(|(seq,)| seq))
}

/// The stored version and kind of each of `chunk`'s records that exists. Unprepared for
/// batches (their text changes with the batch size, and Postgres plans each for the table as
/// it is now); cached for one version, which the connection's `plan_cache_mode` plans anew
/// each time (`crate::store::postgres`).
async fn stored_of(
    tx: &mut Tx,
    account_id: &str,
    chunk: &[Record],
) -> StoreResult<Vec<(String, String, String)>> {
    let mut read = Builder::new(
        tx.kind(),
        "SELECT id, version, kind FROM records WHERE account_id = ",
    );
    read.bind(account_id).push(" AND id IN (");
    read.list(chunk.iter().map(|v| Arg::from(&v.id)));
    read.push(")");
    Ok(read
        .build()
        .persistent(chunk.len() == 1)
        .fetch_all(&mut *tx)
        .await?)
}

/// `INSERT INTO peer_nonces ...`: one row, or none if the peer used the nonce before.
fn push_nonce<'a>(sql: &mut Builder<'a>, seen: &'a SeenNonce) {
    sql.push("INSERT INTO peer_nonces (peer_id, nonce, seen_at) VALUES (");
    sql.bind(&seen.peer_id).push(", ");
    sql.bind(&seen.nonce).push(", ");
    sql.bind(seen.seen_at);
    sql.push(") ON CONFLICT (peer_id, nonce) DO NOTHING");
}

/// The multi-row upsert of `winners`, each taking the next `seq`.
fn push_upsert<'a>(
    sql: &mut Builder<'a>,
    account_id: &'a str,
    winners: &[&'a Record],
    origin_peer: Option<&'a str>,
    seq: &mut i64,
) {
    sql.push(
        "INSERT INTO records (account_id, id, kind, conversation_id, title, \
         role, content, created_at, updated_at, deleted, version, \
         source_backend, e2e, seq, origin_peer) ",
    );
    sql.values(winners.iter().map(|v| {
        *seq += 1;
        [
            account_id.into(),
            (&v.id).into(),
            (&v.kind).into(),
            (&v.conversation_id).into(),
            (&v.title).into(),
            (&v.role).into(),
            (&v.content).into(),
            v.created_at.into(),
            v.updated_at.into(),
            v.deleted.into(),
            (&v.version).into(),
            (&v.source_backend).into(),
            (&v.e2e).into(),
            (*seq).into(),
            origin_peer.into(),
        ]
    }));
    sql.push(
        " ON CONFLICT (account_id, id) DO UPDATE SET \
         conversation_id = excluded.conversation_id, title = excluded.title, \
         role = excluded.role, content = excluded.content, \
         created_at = excluded.created_at, updated_at = excluded.updated_at, \
         deleted = excluded.deleted, version = excluded.version, \
         source_backend = excluded.source_backend, e2e = excluded.e2e, \
         seq = excluded.seq, \
         origin_peer = excluded.origin_peer",
    );
}

/// `WITH written AS (upsert), cursor AS (upsert) UPDATE feed_counters ...`: the last
/// chunk's versions, the cursor and the counter's new value in one Postgres statement.
fn push_folded<'a>(
    sql: &mut Builder<'a>,
    account_id: &'a str,
    winners: &[&'a Record],
    origin_peer: Option<&'a str>,
    cursor: Option<&'a SyncCursor>,
    seq: &mut i64,
) {
    let mut separator = "WITH ";
    if !winners.is_empty() {
        sql.push(separator).push("written AS (");
        push_upsert(sql, account_id, winners, origin_peer, seq);
        sql.push(")");
        separator = ", ";
    }
    if let Some(c) = cursor {
        sql.push(separator).push("cursor AS (");
        push_cursor(sql, c, false);
        sql.push(")");
    }
    sql.push(" ");
    push_counter(sql, account_id, *seq);
}

/// The counter's new value.
fn push_counter<'a>(sql: &mut Builder<'a>, account_id: &'a str, seq: i64) {
    sql.push("UPDATE feed_counters SET seq = ");
    sql.bind(seq).push(" WHERE account_id = ");
    sql.bind(account_id);
}

/// The cursor's upsert. With `last_success_at`, the sync's success goes in with the cursor
/// (the responder's record of it: the last error cleared); without, the outcome stays as it
/// was. With `if_new_nonce` (inside a statement whose `nonce` clause inserts the nonce), it
/// writes nothing for a nonce seen before.
fn push_cursor<'a>(sql: &mut Builder<'a>, c: &'a SyncCursor, if_new_nonce: bool) {
    let success = c.last_success_at.is_some();
    sql.push("INSERT INTO sync_cursors (peer_id, pull_epoch, pull_seq, push_epoch, push_seq");
    if success {
        sql.push(", last_success_at");
    }
    sql.push(if if_new_nonce {
        ") SELECT "
    } else {
        ") VALUES ("
    });
    sql.bind(&c.peer_id).push(", ");
    sql.bind(&c.pull_epoch).push(", ");
    sql.bind(c.pull_seq).push(", ");
    sql.bind(&c.push_epoch).push(", ");
    sql.bind(c.push_seq);
    if let Some(at) = c.last_success_at {
        sql.push(", ").bind(at);
    }
    sql.push(if if_new_nonce {
        " WHERE EXISTS (SELECT 1 FROM nonce)"
    } else {
        ")"
    });
    sql.push(
        " ON CONFLICT (peer_id) DO UPDATE SET pull_epoch = excluded.pull_epoch, \
         pull_seq = excluded.pull_seq, push_epoch = excluded.push_epoch, \
         push_seq = excluded.push_seq",
    );
    if success {
        sql.push(concat!(", ", super::sync::success_set!()));
    }
}

/// Which of `incoming` replace what is stored (`stored`: id, version, kind), in order: a
/// version wins over the stored one, or over an earlier one of the same id in `incoming`, if
/// it is greater and of the same kind; an id not stored takes its first version's kind. One
/// row per id, so a multi-row upsert never touches a row twice.
pub(crate) fn lww_winners(
    stored: Vec<(String, String, String)>,
    incoming: &[Record],
) -> Vec<&Record> {
    let mut current: HashMap<String, (String, String)> = stored
        .into_iter()
        .map(|(id, version, kind)| (id, (version, kind)))
        .collect();
    let mut winners: Vec<&Record> = Vec::new();
    let mut slot: HashMap<&str, usize> = HashMap::new();
    for v in incoming {
        match current.entry(v.id.clone()) {
            Entry::Occupied(mut e) => {
                let (version, kind) = e.get();
                if *version >= v.version || *kind != v.kind {
                    continue;
                }
                e.insert((v.version.clone(), v.kind.clone()));
            }
            Entry::Vacant(e) => {
                e.insert((v.version.clone(), v.kind.clone()));
            }
        }
        match slot.entry(v.id.as_str()) {
            Entry::Occupied(e) => winners[*e.get()] = v,
            Entry::Vacant(e) => {
                e.insert(winners.len());
                winners.push(v);
            }
        }
    }
    winners
}
