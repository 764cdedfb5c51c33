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
    /// On Postgres, where each statement is a round trip to the server, this is one
    /// statement per chunk of versions ([`super::apply_pg`]); SQLite, in process, runs the
    /// steps one by one here.
    pub(super) async fn apply_versions(
        self,
        account_id: &str,
        versions: &[Record],
        origin_peer: Option<&str>,
        cursor: Option<&SyncCursor>,
        nonce: Option<&SeenNonce>,
    ) -> StoreResult<Option<usize>> {
        if self.writer.kind() == DatabaseKind::Postgres {
            let write = super::apply_pg::Write {
                account_id,
                versions,
                origin_peer,
                cursor,
                nonce,
            };
            return write.apply(self.writer).await;
        }
        let mut tx = self.writer.begin().await?;
        let Some(mut seq) = take_counter(&mut tx, account_id, versions, nonce).await? else {
            return Ok(None);
        };
        let mut applied = 0;
        for chunk in versions.chunks(APPLY_CHUNK) {
            let winners = lww_winners(stored_of(&mut tx, account_id, chunk).await?, chunk);
            if winners.is_empty() {
                continue;
            }
            let mut write = Builder::new(tx.kind(), "");
            push_upsert(&mut write, account_id, &winners, origin_peer, |_| {
                seq += 1;
                seq
            });
            write.build().persistent(false).execute(&mut tx).await?;
            applied += winners.len();
        }
        if applied > 0 {
            let mut counter = Builder::new(tx.kind(), "UPDATE feed_counters SET seq = ");
            counter
                .bind(seq)
                .push(" WHERE account_id = ")
                .bind(account_id);
            counter.build().execute(&mut tx).await?;
        }
        if let Some(c) = cursor {
            let mut upsert = Builder::new(tx.kind(), "");
            push_cursor(&mut upsert, c, false);
            upsert.build().execute(&mut tx).await?;
        }
        tx.commit().await?;
        Ok(Some(applied))
    }
}

/// Records the nonce (if any) and, with versions to apply, takes the account's feed counter:
/// its current value, or `None` if the nonce was seen before. The counter is an upsert that
/// locks its row until commit, so versions get their `seq` in commit order and a reader
/// paging the feed never skips one committed late. The same lock makes the
/// read-decide-write of [`Db::apply_versions`] safe: every write to an account's records
/// goes through it.
async fn take_counter(
    tx: &mut Tx,
    account_id: &str,
    versions: &[Record],
    nonce: Option<&SeenNonce>,
) -> StoreResult<Option<i64>> {
    if let Some(seen) = nonce {
        let mut insert = Builder::new(tx.kind(), "");
        push_nonce(&mut insert, seen);
        if insert.build().execute(&mut *tx).await? != 1 {
            return Ok(None);
        }
    }
    if versions.is_empty() {
        return Ok(Some(0));
    }
    let mut counter = Builder::new(
        tx.kind(),
        "INSERT INTO feed_counters (account_id, seq) VALUES (",
    );
    counter
        .bind(account_id)
        .push(", 0) ON CONFLICT (account_id) DO UPDATE SET seq = feed_counters.seq RETURNING seq");
    let (seq,): (i64,) = counter.build().fetch_one(&mut *tx).await?;
    Ok(Some(seq))
}

/// The stored version and kind of each of `chunk`'s records that exists. Unprepared: the
/// text changes with the batch size.
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
    Ok(read.build().persistent(false).fetch_all(&mut *tx).await?)
}

/// `INSERT INTO peer_nonces ...`: one row, or none if the peer used the nonce before.
pub(super) fn push_nonce<'a>(sql: &mut Builder<'a>, seen: &'a SeenNonce) {
    sql.push("INSERT INTO peer_nonces (peer_id, nonce, seen_at) VALUES (");
    sql.bind(&seen.peer_id).push(", ");
    sql.bind(&seen.nonce).push(", ");
    sql.bind(seen.seen_at);
    sql.push(") ON CONFLICT (peer_id, nonce) DO NOTHING");
}

/// The multi-row upsert of `winners`; the `i`th takes `seq(i)`.
fn push_upsert<'a>(
    sql: &mut Builder<'a>,
    account_id: &'a str,
    winners: &[&'a Record],
    origin_peer: Option<&'a str>,
    mut seq: impl FnMut(usize) -> i64,
) {
    sql.push(
        "INSERT INTO records (account_id, id, kind, conversation_id, title, \
         role, content, created_at, updated_at, deleted, version, \
         source_backend, e2e, seq, origin_peer) ",
    );
    sql.values(winners.iter().enumerate().map(|(i, v)| {
        std::iter::once(account_id.into())
            .chain(version_args(v))
            .chain([seq(i).into(), origin_peer.into()])
    }));
    sql.push(" ON CONFLICT (account_id, id) DO UPDATE SET ")
        .push(RECORD_UPDATE);
}

/// A version's own columns, in the order of `records`: id, kind, conversation_id, title,
/// role, content, created_at, updated_at, deleted, version, source_backend, e2e.
pub(super) fn version_args(v: &Record) -> [Arg<'_>; 12] {
    [
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
    ]
}

/// What a version that wins writes over the stored row of its record.
pub(super) const RECORD_UPDATE: &str = "conversation_id = excluded.conversation_id, \
     title = excluded.title, role = excluded.role, content = excluded.content, \
     created_at = excluded.created_at, updated_at = excluded.updated_at, \
     deleted = excluded.deleted, version = excluded.version, \
     source_backend = excluded.source_backend, e2e = excluded.e2e, seq = excluded.seq, \
     origin_peer = excluded.origin_peer";

/// The cursor's upsert. With `last_success_at`, the sync's success goes in with the cursor
/// (the responder's record of it: the last error cleared); without, the outcome stays as it
/// was. With `if_new_nonce` (inside a statement whose `nonce` clause inserts the nonce), it
/// writes nothing for a nonce seen before.
pub(super) fn push_cursor<'a>(sql: &mut Builder<'a>, c: &'a SyncCursor, if_new_nonce: bool) {
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
