//! Reading a chain back: [`ChainWalk`] takes a chain's entries in order and says where the
//! chain does not hold, naming the entry (its id and time). `backend-8825 audit verify`
//! walks every chain; retention walks the entries it is about to delete.

use chrono::{SecondsFormat, TimeZone, Utc};

use super::audit::{AuditRow, CHECKPOINT_EVENT, Checkpoint, GENESIS_HASH, NO_ACCOUNT_CHAIN};

/// An entry as a problem names it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EntryRef {
    pub id: i64,
    pub seq: Option<i64>,
    pub at: i64,
}

impl EntryRef {
    pub fn of(row: &AuditRow) -> Self {
        Self {
            id: row.id,
            seq: row.seq,
            at: row.at,
        }
    }
}

impl std::fmt::Display for EntryRef {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "entry {} (", self.id)?;
        if let Some(seq) = self.seq {
            write!(f, "place {seq}, ")?;
        }
        write!(f, "written {})", time(self.at))
    }
}

/// A unix-ms time as people read it.
pub fn time(ms: i64) -> String {
    Utc.timestamp_millis_opt(ms).single().map_or_else(
        || format!("{ms} ms"),
        |t| t.to_rfc3339_opts(SecondsFormat::Millis, true),
    )
}

/// A chain's name as people read it.
pub fn chain_label(chain: &str) -> String {
    match chain {
        NO_ACCOUNT_CHAIN => "the chain of entries with no account".to_string(),
        super::LOCAL_CHAIN => "the local chain".to_string(),
        account => format!("the chain of account {account}"),
    }
}

/// One place where the log does not hold.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AuditProblem {
    pub chain: Option<String>,
    pub entry: Option<EntryRef>,
    pub what: String,
}

impl std::fmt::Display for AuditProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match (&self.entry, &self.chain) {
            (Some(entry), Some(chain)) => write!(f, "{entry} in {}: ", chain_label(chain))?,
            (Some(entry), None) => write!(f, "{entry}: ")?,
            (None, Some(chain)) => write!(f, "{}: ", chain_label(chain))?,
            (None, None) => {}
        }
        f.write_str(&self.what)
    }
}

/// What a walk of one chain found.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ChainReport {
    pub chain: String,
    pub entries: u64,
    /// The head row's last place and hash, if the chain has a head.
    pub head: Option<(i64, String)>,
    pub problems: Vec<AuditProblem>,
}

/// Every chain, and the rows that are in none.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct AuditVerification {
    pub chains: Vec<ChainReport>,
    pub unchained: Vec<AuditProblem>,
}

impl AuditVerification {
    pub fn problems(&self) -> impl Iterator<Item = &AuditProblem> {
        self.unchained
            .iter()
            .chain(self.chains.iter().flat_map(|c| &c.problems))
    }
}

/// The last entry a walk has seen.
struct Seen {
    entry: EntryRef,
    seq: i64,
    prev_hash: String,
    hash: String,
}

/// A walk along one chain, entry by entry in `seq` order.
pub struct ChainWalk {
    chain: String,
    first: Option<Seen>,
    last: Option<Seen>,
    checkpoint: Option<Checkpoint>,
    entries: u64,
    problems: Vec<AuditProblem>,
}

impl ChainWalk {
    pub fn new(chain: &str) -> Self {
        Self {
            chain: chain.to_string(),
            first: None,
            last: None,
            checkpoint: None,
            entries: 0,
            problems: Vec::new(),
        }
    }

    pub fn problems(&self) -> &[AuditProblem] {
        &self.problems
    }

    fn problem(&mut self, entry: Option<EntryRef>, what: String) {
        self.problems.push(AuditProblem {
            chain: Some(self.chain.clone()),
            entry,
            what,
        });
    }

    /// Checks one entry: its hash against its fields, its place and `prev_hash` against the
    /// entry before it.
    pub fn push(&mut self, row: &AuditRow) {
        self.entries += 1;
        let entry = EntryRef::of(row);
        let (Some(seq), Some(prev_hash), Some(hash)) = (row.seq, &row.prev_hash, &row.hash) else {
            let what = "it has no place or hash in the chain: it was written outside the daemon";
            return self.problem(Some(entry), what.into());
        };
        let intact = row.hash_matches();
        if !intact {
            let what = "its fields do not match its hash: it was changed after it was written";
            self.problem(Some(entry.clone()), what.into());
        }
        if let Some(last) = self.last.take() {
            if seq != last.seq + 1 {
                let what = format!(
                    "{} comes before it: {} between them deleted",
                    last.entry,
                    missing(last.seq + 1, seq - 1)
                );
                self.problem(Some(entry.clone()), what);
            } else if *prev_hash != last.hash && intact {
                // This entry is intact, so its record of the hash before it is the true one.
                let what = format!(
                    "it was changed after it was written: the entry after it, {}, was chained \
                     to another hash",
                    entry
                );
                self.problem(Some(last.entry.clone()), what);
            }
            if self.first.is_none() {
                self.first = Some(last);
            }
        }
        if row.event == CHECKPOINT_EVENT {
            match row.detail.as_deref().and_then(Checkpoint::parse) {
                Some(checkpoint) => self.checkpoint = Some(checkpoint),
                None => {
                    let what = "it is a checkpoint whose record of the removed entries does not \
                                read";
                    self.problem(Some(entry.clone()), what.into());
                }
            }
        }
        self.last = Some(Seen {
            entry,
            seq,
            prev_hash: prev_hash.clone(),
            hash: hash.clone(),
        });
    }

    /// Checks the chain's two ends, its start against the genesis or the last checkpoint and
    /// its end against the head row, and reports.
    pub fn finish(mut self, head: Option<(i64, String)>) -> ChainReport {
        let first = self.first.take().or_else(|| {
            let last = self.last.as_ref()?;
            Some(Seen {
                entry: last.entry.clone(),
                seq: last.seq,
                prev_hash: last.prev_hash.clone(),
                hash: last.hash.clone(),
            })
        });
        if let Some(first) = first {
            let (expect_seq, expect_prev, after) = match &self.checkpoint {
                Some(c) => (
                    c.through_seq + 1,
                    c.last_hash.clone(),
                    "the last checkpoint",
                ),
                None => (1, GENESIS_HASH.to_string(), "the start of the chain"),
            };
            if first.seq > expect_seq {
                let what = format!(
                    "it is the first entry left, but {after} is followed by place \
                     {expect_seq}: {} deleted",
                    missing(expect_seq, first.seq - 1)
                );
                self.problem(Some(first.entry), what);
            } else if first.seq < expect_seq {
                let what = format!(
                    "{after} says the entries through place {} were removed, yet this one \
                     is still there",
                    expect_seq - 1
                );
                self.problem(Some(first.entry), what);
            } else if first.prev_hash != expect_prev {
                let what = format!("it does not follow {after}: its prev_hash differs");
                self.problem(Some(first.entry), what);
            }
        }
        match (&head, self.last.take()) {
            (None, None) => {}
            (None, Some(last)) => {
                let what = "the chain has no head row: it was deleted".to_string();
                self.problem(Some(last.entry), what);
            }
            (Some((seq, _)), None) if *seq > 0 => {
                let what = format!("no entry is left of the {seq} its head records: deleted");
                self.problem(None, what);
            }
            (Some(_), None) => {}
            (Some((seq, hash)), Some(last)) => {
                if *seq > last.seq {
                    let what = format!(
                        "it is the last entry left, but the chain's head records place {seq}: \
                         {} deleted",
                        missing(last.seq + 1, *seq)
                    );
                    self.problem(Some(last.entry), what);
                } else if *seq < last.seq {
                    let what = format!(
                        "the chain's head records place {seq} only: the head row was changed"
                    );
                    self.problem(Some(last.entry), what);
                } else if *hash != last.hash {
                    let what = "its hash is not the one the chain's head records: it or the \
                                head was changed";
                    self.problem(Some(last.entry), what.into());
                }
            }
        }
        ChainReport {
            chain: self.chain,
            entries: self.entries,
            head,
            problems: self.problems,
        }
    }
}

fn missing(from: i64, through: i64) -> String {
    if from == through {
        format!("the entry at place {from} was")
    } else {
        format!(
            "the {} entries at places {from} to {through} were",
            through - from + 1
        )
    }
}
