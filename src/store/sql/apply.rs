//! Writing records: versions applied Last-Write-Wins, each taking the account's next feed
//! `seq`.

use std::collections::HashMap;
use std::collections::hash_map::Entry;

use super::Db;
use super::builder::Builder;
use super::query::{Arg, Query, Tx};
use crate::store::{DatabaseKind, Record, SeenNonce, StoreResult, SyncCursor};

/// Versions applied per statement: 15 parameters each keeps a statement under SQLite's
/// 32 766 and Postgres' 65 535 bound parameters.
pub(crate) const APPLY_CHUNK: usize = 500;

impl Db<'_> {
    /// Applies `versions` (and writes `cursor`) in one transaction; with `nonce`, records it
    /// first in the same transaction, and returns `None` with nothing written if the peer
    /// used it before. A concurrent request with the same nonce waits on the first one's
    /// row, and finds it once that one commits.
    pub(super) async fn apply_versions(
        self,
        account_id: &str,
        versions: &[Record],
        origin_peer: Option<&str>,
        cursor: Option<&SyncCursor>,
        nonce: Option<&SeenNonce>,
    ) -> StoreResult<Option<usize>> {
        let mut tx = self.writer.begin().await?;
        if let Some(seen) = nonce
            && super::peers::record_nonce(seen).execute(&mut tx).await? != 1
        {
            return Ok(None);
        }
        if versions.is_empty() && tx.kind() == DatabaseKind::Postgres {
            // Nothing acknowledged is written: the cursor (bookkeeping that the next sync
            // writes again) and, for a request that only pulls, its nonce. The commit need
            // not wait for the WAL flush. Only a crash of the database server itself can
            // lose it (the last few hundred milliseconds of such commits): the cursor then
            // reads as it was before, and a pull's nonce is forgotten, so that request could
            // be replayed once within its signature's lifetime and would be answered what it
            // was answered then (docs/protocol.md, step 8). A push's nonce is flushed with
            // its versions.
            Query::new("SET LOCAL synchronous_commit TO OFF")
                .execute(&mut tx)
                .await?;
        }
        let applied = apply_in(&mut tx, account_id, versions, origin_peer).await?;
        if let Some(c) = cursor {
            // With `last_success_at`, the sync's success goes in with the cursor, in one
            // statement (the responder's record of it: the last error cleared); without, the
            // outcome stays as it was.
            let sql = if c.last_success_at.is_some() {
                concat!(
                    "INSERT INTO sync_cursors (peer_id, pull_epoch, pull_seq, push_epoch, \
                     push_seq, last_success_at) VALUES ($1, $2, $3, $4, $5, $6) \
                     ON CONFLICT (peer_id) DO UPDATE SET pull_epoch = excluded.pull_epoch, \
                     pull_seq = excluded.pull_seq, push_epoch = excluded.push_epoch, \
                     push_seq = excluded.push_seq, ",
                    super::sync::success_set!()
                )
            } else {
                "INSERT INTO sync_cursors (peer_id, pull_epoch, pull_seq, push_epoch, \
                 push_seq) VALUES ($1, $2, $3, $4, $5) \
                 ON CONFLICT (peer_id) DO UPDATE SET pull_epoch = excluded.pull_epoch, \
                 pull_seq = excluded.pull_seq, push_epoch = excluded.push_epoch, \
                 push_seq = excluded.push_seq"
            };
            let mut upsert = Query::new(sql)
                .bind(&c.peer_id)
                .bind(&c.pull_epoch)
                .bind(c.pull_seq)
                .bind(&c.push_epoch)
                .bind(c.push_seq);
            if let Some(at) = c.last_success_at {
                upsert = upsert.bind(at);
            }
            upsert.execute(&mut tx).await?;
        }
        tx.commit().await?;
        Ok(Some(applied))
    }
}

/// Applies versions Last-Write-Wins. Takes the account's feed counter first (an upsert, which
/// locks its row until commit), so versions get their `seq` in commit order and a reader
/// paging the feed never skips one committed late. The same lock makes the
/// read-decide-write below safe: every write to an account's records goes through here.
///
/// Set-based: one read of the stored versions and one multi-row upsert per chunk of
/// [`APPLY_CHUNK`] versions, however many there are, so the cost per version does not depend
/// on round trips. Both statements are unprepared (not cached): their text changes with the
/// batch size, and Postgres plans each for the table as it is now. A cached generic plan
/// made while `records` was nearly empty stays a sequential scan as the table grows, until
/// the next `ANALYZE`.
async fn apply_in(
    tx: &mut Tx,
    account_id: &str,
    versions: &[Record],
    origin_peer: Option<&str>,
) -> StoreResult<usize> {
    if versions.is_empty() {
        return Ok(0);
    }
    let (mut seq,): (i64,) = Query::new(
        "INSERT INTO feed_counters (account_id, seq) VALUES ($1, 0) \
         ON CONFLICT (account_id) DO UPDATE SET seq = feed_counters.seq \
         RETURNING seq",
    )
    .bind(account_id)
    .fetch_one(&mut *tx)
    .await?;
    let mut applied = 0;
    for chunk in versions.chunks(APPLY_CHUNK) {
        let mut read = Builder::new(
            tx.kind(),
            "SELECT id, version, kind FROM records WHERE account_id = ",
        );
        read.bind(account_id).push(" AND id IN (");
        read.list(chunk.iter().map(|v| Arg::from(&v.id)));
        read.push(")");
        let stored: Vec<(String, String, String)> =
            read.build().persistent(false).fetch_all(&mut *tx).await?;
        let winners = lww_winners(stored, chunk);
        if winners.is_empty() {
            continue;
        }
        let mut write = Builder::new(
            tx.kind(),
            "INSERT INTO records (account_id, id, kind, conversation_id, title, \
             role, content, created_at, updated_at, deleted, version, \
             source_backend, e2e, seq, origin_peer) ",
        );
        write.values(winners.iter().map(|v| {
            seq += 1;
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
                seq.into(),
                origin_peer.into(),
            ]
        }));
        write.push(
            " ON CONFLICT (account_id, id) DO UPDATE SET \
             conversation_id = excluded.conversation_id, title = excluded.title, \
             role = excluded.role, content = excluded.content, \
             created_at = excluded.created_at, updated_at = excluded.updated_at, \
             deleted = excluded.deleted, version = excluded.version, \
             source_backend = excluded.source_backend, e2e = excluded.e2e, \
             seq = excluded.seq, \
             origin_peer = excluded.origin_peer",
        );
        write.build().persistent(false).execute(&mut *tx).await?;
        applied += winners.len();
    }
    if applied > 0 {
        Query::new("UPDATE feed_counters SET seq = $2 WHERE account_id = $1")
            .bind(account_id)
            .bind(seq)
            .execute(&mut *tx)
            .await?;
    }
    Ok(applied)
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
