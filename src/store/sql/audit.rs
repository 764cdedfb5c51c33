//! The audit log: appends that extend a chain under its head's lock, pages, the walk that
//! verifies every chain, retention, and chaining the entries written before the chain.
//!
//! Every write to a chain starts by locking the chain's head row with an upsert that
//! changes nothing (`ON CONFLICT DO UPDATE SET chain_id = excluded.chain_id`): on Postgres
//! that takes the row's lock until the transaction ends, so concurrent appends to one chain
//! take turns (and a chain's first two appends wait on each other's insert of the row); on
//! SQLite the statement is a write, so the transaction holds the database's one write lock
//! from its first statement (and the process's writes already queue on one connection).

use super::Db;
use super::query::{Query, Tx};
use crate::store::{
    AuditEntry, AuditProblem, AuditQuery, AuditRow, AuditVerification, CHECKPOINT_EVENT,
    ChainScope, ChainWalk, Checkpoint, DatabaseKind, EntryRef, GENESIS_HASH, Retained, StoreResult,
    entry_hash,
};

/// The columns of an [`AuditRow`], in its order.
macro_rules! columns {
    () => {
        "id, chain_id, seq, at, event, outcome, peer_id, account_id, ip, detail, count, \
         prev_hash, hash"
    };
}

/// Rows read at a time by a walk, and the most rows one retention pass deletes in a chain.
pub(crate) const PAGE: i64 = 1000;

/// Meta key set once the entries written before the chain existed have been chained.
const CHAINED_META: &str = "audit_chained";

impl Db<'_> {
    pub(super) async fn append_audit(self, entry: &AuditEntry) -> StoreResult<AuditRow> {
        let mut tx = self.writer.begin().await?;
        let row = append_in(&mut tx, entry).await?;
        tx.commit().await?;
        Ok(row)
    }

    pub(super) async fn audit_page(self, query: &AuditQuery<'_>) -> StoreResult<Vec<AuditRow>> {
        let before = query.before.unwrap_or(i64::MAX);
        let rows = match query.chain {
            Some(chain) => {
                let sql = concat!(
                    "SELECT ",
                    columns!(),
                    " FROM audit_log WHERE chain_id = $1 AND id < $2 ORDER BY id DESC LIMIT $3"
                );
                Query::new(sql).bind(chain).bind(before).bind(query.limit)
            }
            None => {
                let sql = concat!(
                    "SELECT ",
                    columns!(),
                    " FROM audit_log WHERE id < $1 ORDER BY id DESC LIMIT $2"
                );
                Query::new(sql).bind(before).bind(query.limit)
            }
        };
        Ok(rows.fetch_all(self.pool).await?)
    }

    pub(super) async fn audit_chains(self) -> StoreResult<Vec<String>> {
        let rows: Vec<(String,)> = Query::new("SELECT chain_id FROM audit_heads ORDER BY chain_id")
            .fetch_all(self.pool)
            .await?;
        Ok(rows.into_iter().map(|(chain,)| chain).collect())
    }

    pub(super) async fn audit_verify(self) -> StoreResult<AuditVerification> {
        let mut tx = self.pool.begin().await?;
        // One snapshot for the whole walk, so that appends and retention committing meanwhile
        // are seen entirely or not at all. (SQLite's read transaction is one snapshot from
        // its first read.)
        if tx.kind() == DatabaseKind::Postgres {
            Query::new("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
                .execute(&mut tx)
                .await?;
        }
        let chained_before: Option<(String,)> = Query::new("SELECT value FROM meta WHERE key = $1")
            .bind(CHAINED_META)
            .fetch_optional(&mut tx)
            .await?;
        let sql = concat!(
            "SELECT ",
            columns!(),
            " FROM audit_log WHERE chain_id IS NULL OR seq IS NULL ORDER BY id"
        );
        let loose: Vec<AuditRow> = Query::new(sql).fetch_all(&mut tx).await?;
        let why = match chained_before {
            Some(_) => "it is in no chain: it was written outside the daemon",
            None => {
                "it is in no chain yet: it was written before the log was chained; the daemon \
                 chains such entries when it next starts"
            }
        };
        let unchained = loose
            .iter()
            .map(|row| AuditProblem {
                chain: row.chain_id.clone(),
                entry: Some(EntryRef::of(row)),
                what: why.to_string(),
            })
            .collect();
        let chains: Vec<(String,)> = Query::new(
            "SELECT chain_id FROM audit_heads UNION \
             SELECT DISTINCT chain_id FROM audit_log WHERE chain_id IS NOT NULL ORDER BY 1",
        )
        .fetch_all(&mut tx)
        .await?;
        let mut reports = Vec::with_capacity(chains.len());
        for (chain,) in chains {
            let head: Option<(i64, String)> =
                Query::new("SELECT seq, hash FROM audit_heads WHERE chain_id = $1")
                    .bind(&chain)
                    .fetch_optional(&mut tx)
                    .await?;
            let mut walk = ChainWalk::new(&chain);
            let mut after = i64::MIN;
            loop {
                let rows = chain_rows(&mut tx, &chain, after, i64::MAX).await?;
                for row in &rows {
                    walk.push(row);
                }
                match rows.last().and_then(|r| r.seq) {
                    Some(seq) if rows.len() as i64 == PAGE => after = seq,
                    _ => break,
                }
            }
            reports.push(walk.finish(head));
        }
        Ok(AuditVerification {
            chains: reports,
            unchained,
        })
    }

    /// How many entries [`Db::audit_retain`], called until it has nothing left, would
    /// delete from the chain (all of them verifying).
    pub(super) async fn audit_expired(self, chain: &str, cutoff: i64) -> StoreResult<i64> {
        let (count,): (i64,) = Query::new(
            "SELECT COUNT(*) FROM audit_log WHERE chain_id = $1 AND seq < COALESCE(\
             (SELECT MIN(seq) FROM audit_log WHERE chain_id = $1 AND at >= $2), \
             (SELECT seq + 1 FROM audit_heads WHERE chain_id = $1))",
        )
        .bind(chain)
        .bind(cutoff)
        .fetch_one(self.pool)
        .await?;
        Ok(count)
    }

    pub(super) async fn audit_retain(
        self,
        chain: &str,
        cutoff: i64,
        now_ms: i64,
    ) -> StoreResult<Retained> {
        let mut tx = self.writer.begin().await?;
        let (head_seq, _) = lock_head(&mut tx, chain).await?;
        let (first, kept): (Option<i64>, Option<i64>) = Query::new(
            "SELECT MIN(seq), MIN(CASE WHEN at >= $2 THEN seq END) \
             FROM audit_log WHERE chain_id = $1",
        )
        .bind(chain)
        .bind(cutoff)
        .fetch_one(&mut tx)
        .await?;
        let Some(first) = first else {
            return Ok(Retained::Nothing);
        };
        // A prefix of the chain goes, up to the first entry still within retention (an
        // entry stamped out of order waits for the ones before it), a page at a time.
        let through = kept.map_or(head_seq, |kept| kept - 1).min(first + PAGE - 1);
        if through < first {
            return Ok(Retained::Nothing);
        }
        let rows = chain_rows(&mut tx, chain, first - 1, through).await?;
        // Entries that do not verify are evidence: they stay, and the caller says where.
        let mut walk = ChainWalk::new(chain);
        rows.iter().for_each(|row| walk.push(row));
        if let Some(problem) = walk.problems().first() {
            return Ok(Retained::Refused(problem.clone()));
        }
        let Some(last) = rows.last().filter(|row| row.seq == Some(through)) else {
            return Ok(Retained::Refused(AuditProblem {
                chain: Some(chain.to_string()),
                entry: rows.last().map(EntryRef::of),
                what: format!("the entries after it, through place {through}, were deleted"),
            }));
        };
        // The walk found every row's hash present.
        let last_hash = last.hash.clone().unwrap_or_default();
        let deleted = Query::new("DELETE FROM audit_log WHERE chain_id = $1 AND seq <= $2")
            .bind(chain)
            .bind(through)
            .execute(&mut tx)
            .await?;
        let checkpoint = Checkpoint {
            through_seq: through,
            last_hash,
            deleted: deleted as i64,
        };
        let entry = AuditEntry {
            chain: chain.to_string(),
            at: now_ms,
            event: CHECKPOINT_EVENT.to_string(),
            outcome: "ok".to_string(),
            peer_id: None,
            account_id: None,
            ip: None,
            detail: Some(checkpoint.detail()),
            count: 1,
        };
        let checkpoint = append_in(&mut tx, &entry).await?;
        tx.commit().await?;
        Ok(Retained::Removed {
            deleted,
            checkpoint,
        })
    }

    pub(super) async fn audit_chain_unchained(self, scope: ChainScope) -> StoreResult<u64> {
        let mut tx = self.writer.begin().await?;
        // Once per database, by the first daemon to start after the upgrade: a row written
        // outside the daemon later must stay unchained, for verify to find it. A daemon
        // starting at the same moment waits on this insert, then finds the key taken.
        let claimed = Query::new(
            "INSERT INTO meta (key, value) VALUES ($1, 'yes') ON CONFLICT (key) DO NOTHING",
        )
        .bind(CHAINED_META)
        .execute(&mut tx)
        .await?;
        if claimed == 0 {
            return Ok(0);
        }
        let mut chained = 0;
        loop {
            let sql = concat!(
                "SELECT ",
                columns!(),
                " FROM audit_log WHERE chain_id IS NULL ORDER BY id LIMIT $1"
            );
            let rows: Vec<AuditRow> = Query::new(sql).bind(PAGE).fetch_all(&mut tx).await?;
            if rows.is_empty() {
                break;
            }
            for row in rows {
                let entry = AuditEntry {
                    chain: scope.chain(row.account_id.as_deref()),
                    ..row.entry()
                };
                let (seq, prev_hash, hash) = link(&mut tx, &entry).await?;
                Query::new(
                    "UPDATE audit_log SET chain_id = $2, seq = $3, prev_hash = $4, hash = $5 \
                     WHERE id = $1",
                )
                .bind(row.id)
                .bind(&entry.chain)
                .bind(seq)
                .bind(&prev_hash)
                .bind(&hash)
                .execute(&mut tx)
                .await?;
                chained += 1;
            }
        }
        tx.commit().await?;
        Ok(chained)
    }
}

/// Locks the chain's head row (creating it for a new chain) for the rest of the transaction
/// and returns its last place and hash.
async fn lock_head(tx: &mut Tx, chain: &str) -> StoreResult<(i64, String)> {
    Ok(Query::new(
        "INSERT INTO audit_heads (chain_id, seq, hash) VALUES ($1, 0, $2) \
         ON CONFLICT (chain_id) DO UPDATE SET chain_id = excluded.chain_id \
         RETURNING seq, hash",
    )
    .bind(chain)
    .bind(GENESIS_HASH)
    .fetch_one(&mut *tx)
    .await?)
}

/// Takes the next place of the entry's chain: its place, `prev_hash` and hash, with the
/// head moved to it.
async fn link(tx: &mut Tx, entry: &AuditEntry) -> StoreResult<(i64, String, String)> {
    let (last, prev_hash) = lock_head(tx, &entry.chain).await?;
    let seq = last + 1;
    let hash = entry_hash(entry, seq, &prev_hash);
    Query::new("UPDATE audit_heads SET seq = $2, hash = $3 WHERE chain_id = $1")
        .bind(&entry.chain)
        .bind(seq)
        .bind(&hash)
        .execute(&mut *tx)
        .await?;
    Ok((seq, prev_hash, hash))
}

/// Appends an entry at the end of its chain.
async fn append_in(tx: &mut Tx, entry: &AuditEntry) -> StoreResult<AuditRow> {
    let (seq, prev_hash, hash) = link(tx, entry).await?;
    let (id,): (i64,) = Query::new(
        "INSERT INTO audit_log (chain_id, seq, at, event, outcome, peer_id, account_id, ip, \
         detail, count, prev_hash, hash) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING id",
    )
    .bind(&entry.chain)
    .bind(seq)
    .bind(entry.at)
    .bind(&entry.event)
    .bind(&entry.outcome)
    .bind(&entry.peer_id)
    .bind(&entry.account_id)
    .bind(&entry.ip)
    .bind(&entry.detail)
    .bind(entry.count)
    .bind(&prev_hash)
    .bind(&hash)
    .fetch_one(&mut *tx)
    .await?;
    Ok(AuditRow {
        id,
        chain_id: Some(entry.chain.clone()),
        seq: Some(seq),
        at: entry.at,
        event: entry.event.clone(),
        outcome: entry.outcome.clone(),
        peer_id: entry.peer_id.clone(),
        account_id: entry.account_id.clone(),
        ip: entry.ip.clone(),
        detail: entry.detail.clone(),
        count: entry.count,
        prev_hash: Some(prev_hash),
        hash: Some(hash),
    })
}

/// A page of a chain in place order: places after `after`, up to `through`.
async fn chain_rows(
    tx: &mut Tx,
    chain: &str,
    after: i64,
    through: i64,
) -> StoreResult<Vec<AuditRow>> {
    let sql = concat!(
        "SELECT ",
        columns!(),
        " FROM audit_log WHERE chain_id = $1 AND seq > $2 AND seq <= $3 ORDER BY seq LIMIT $4"
    );
    Ok(Query::new(sql)
        .bind(chain)
        .bind(after)
        .bind(through)
        .bind(PAGE)
        .fetch_all(&mut *tx)
        .await?)
}
