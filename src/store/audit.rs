//! The audit log as the store keeps it: entries in hash chains. Each entry has a place in its
//! chain (`seq`), the hash of the entry before it (`prev_hash`) and its own hash, SHA-256
//! over a canonical encoding of its fields and `prev_hash`; each chain's last place and hash
//! are kept in its head row. An entry edited or deleted in the database no longer matches
//! its hash or its neighbours, and [`ChainWalk`](super::ChainWalk) says which. The store
//! computes the hashes inside the transaction that appends, so nothing above it can fork a
//! chain. See docs/security.md.

use serde::Serialize;
use sha2::{Digest, Sha256};

/// The `prev_hash` of a chain's first entry.
pub const GENESIS_HASH: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// The one chain of a local daemon.
pub const LOCAL_CHAIN: &str = "local";
/// The hosted daemon's chain of entries that belong to no account (refused pairings, requests
/// naming no known peer). Account ids are UUIDs, so no account's chain has this name.
pub const NO_ACCOUNT_CHAIN: &str = "hosted";

/// The event of the entry retention writes after deleting the oldest entries of a chain.
pub const CHECKPOINT_EVENT: &str = "audit_checkpoint";

/// Which chain an entry goes to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ChainScope {
    /// Every entry in one chain (the local daemon: one user, one log).
    Single,
    /// One chain per account, and one for entries with no account (the hosted daemon: an
    /// account reads its own chain, and a busy account never waits on another's appends).
    PerAccount,
}

impl ChainScope {
    pub fn chain(self, account_id: Option<&str>) -> String {
        match (self, account_id) {
            (Self::Single, _) => LOCAL_CHAIN.to_string(),
            (Self::PerAccount, Some(account)) => account.to_string(),
            (Self::PerAccount, None) => NO_ACCOUNT_CHAIN.to_string(),
        }
    }
}

/// One entry as it is appended. Never holds a secret: events and refusal codes are fixed
/// words, the rest are ids and an address.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AuditEntry {
    pub chain: String,
    pub at: i64,
    pub event: String,
    /// `ok` or `refused`.
    pub outcome: String,
    pub peer_id: Option<String>,
    pub account_id: Option<String>,
    pub ip: Option<String>,
    /// The refusal's code; for a checkpoint, what it removed ([`Checkpoint`]).
    pub detail: Option<String>,
    /// How many events the entry stands for (more than one for a coalesced refusal).
    pub count: i64,
}

/// An entry as stored. The chain fields are empty only on a row that was never chained
/// (written by hand, or before the chain existed and not yet chained).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct AuditRow {
    pub id: i64,
    pub chain_id: Option<String>,
    pub seq: Option<i64>,
    pub at: i64,
    pub event: String,
    pub outcome: String,
    pub peer_id: Option<String>,
    pub account_id: Option<String>,
    pub ip: Option<String>,
    pub detail: Option<String>,
    pub count: i64,
    pub prev_hash: Option<String>,
    pub hash: Option<String>,
}

impl AuditRow {
    /// The fields the hash covers, as they are stored now.
    pub fn entry(&self) -> AuditEntry {
        AuditEntry {
            chain: self.chain_id.clone().unwrap_or_default(),
            at: self.at,
            event: self.event.clone(),
            outcome: self.outcome.clone(),
            peer_id: self.peer_id.clone(),
            account_id: self.account_id.clone(),
            ip: self.ip.clone(),
            detail: self.detail.clone(),
            count: self.count,
        }
    }

    /// Whether the stored hash is the hash of the stored fields.
    pub fn hash_matches(&self) -> bool {
        match (self.seq, &self.prev_hash, &self.hash) {
            (Some(seq), Some(prev), Some(hash)) => entry_hash(&self.entry(), seq, prev) == *hash,
            _ => false,
        }
    }
}

/// The hash of an entry at place `seq` after the entry whose hash is `prev_hash`: SHA-256,
/// hex, over a fixed label and each field in a fixed order, every text with its length
/// before it and every optional value with a marker of presence, so that no two different
/// entries encode alike (moving text from one field to the next changes the hash).
pub fn entry_hash(entry: &AuditEntry, seq: i64, prev_hash: &str) -> String {
    let mut hasher = Sha256::new();
    hasher.update(b"backend-8825 audit entry v1\0");
    text(&mut hasher, &entry.chain);
    hasher.update(seq.to_be_bytes());
    hasher.update(entry.at.to_be_bytes());
    text(&mut hasher, &entry.event);
    text(&mut hasher, &entry.outcome);
    for value in [&entry.peer_id, &entry.account_id, &entry.ip, &entry.detail] {
        match value {
            None => hasher.update([0]),
            Some(value) => {
                hasher.update([1]);
                text(&mut hasher, value);
            }
        }
    }
    hasher.update(entry.count.to_be_bytes());
    text(&mut hasher, prev_hash);
    hex::encode(hasher.finalize())
}

fn text(hasher: &mut Sha256, value: &str) {
    hasher.update((value.len() as u64).to_be_bytes());
    hasher.update(value.as_bytes());
}

/// What a checkpoint entry records: retention removed the chain's entries up to and
/// including `through_seq`, `deleted` of them, the last of which had the hash `last_hash`.
/// The chain's first remaining entry must follow it: place `through_seq + 1`, `prev_hash`
/// equal to `last_hash`. Kept in the entry's `detail`, so its hash covers it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Checkpoint {
    pub through_seq: i64,
    pub last_hash: String,
    pub deleted: i64,
}

impl Checkpoint {
    pub fn detail(&self) -> String {
        format!(
            "deleted={} through_seq={} last_hash={}",
            self.deleted, self.through_seq, self.last_hash
        )
    }

    pub fn parse(detail: &str) -> Option<Self> {
        let mut fields = detail.split(' ');
        let mut next = |name: &str| fields.next()?.strip_prefix(name)?.strip_prefix('=');
        let deleted = next("deleted")?.parse().ok()?;
        let through_seq = next("through_seq")?.parse().ok()?;
        let last_hash = next("last_hash")?.to_string();
        Some(Self {
            through_seq,
            last_hash,
            deleted,
        })
    }
}

/// What [`Store::audit_retain`](super::Store::audit_retain) did to one chain.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Retained {
    /// Nothing in the chain was old enough.
    Nothing,
    /// The oldest entries went and a checkpoint entry was appended.
    Removed { deleted: u64, checkpoint: AuditRow },
    /// The entries due for removal do not verify: they were kept, as evidence.
    Refused(super::AuditProblem),
}

/// Which entries a page of the audit log holds: one chain's, or every chain's; before an
/// entry id; newest first.
#[derive(Clone, Copy, Debug)]
pub struct AuditQuery<'a> {
    pub chain: Option<&'a str>,
    pub before: Option<i64>,
    pub limit: i64,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry() -> AuditEntry {
        AuditEntry {
            chain: "local".into(),
            at: 1,
            event: "register_peer".into(),
            outcome: "ok".into(),
            peer_id: Some("p".into()),
            account_id: None,
            ip: None,
            detail: None,
            count: 1,
        }
    }

    #[test]
    fn every_field_and_the_link_change_the_hash() {
        let base = entry_hash(&entry(), 1, GENESIS_HASH);
        assert_eq!(base.len(), 64);
        let edits: [fn(&mut AuditEntry); 9] = [
            |e| e.chain = "hosted".into(),
            |e| e.at = 2,
            |e| e.event = "renew_peer".into(),
            |e| e.outcome = "refused".into(),
            |e| e.peer_id = None,
            |e| e.account_id = Some(String::new()),
            |e| e.ip = Some("p".into()),
            |e| e.detail = Some("x".into()),
            |e| e.count = 2,
        ];
        for edit in edits {
            let mut changed = entry();
            edit(&mut changed);
            assert_ne!(entry_hash(&changed, 1, GENESIS_HASH), base, "{changed:?}");
        }
        assert_ne!(entry_hash(&entry(), 2, GENESIS_HASH), base);
        assert_ne!(entry_hash(&entry(), 1, &"1".repeat(64)), base);
        // Text moved from one field to the next is another entry.
        let mut a = entry();
        (a.peer_id, a.ip) = (Some("ab".into()), Some("c".into()));
        let mut b = entry();
        (b.peer_id, b.ip) = (Some("a".into()), Some("bc".into()));
        assert_ne!(
            entry_hash(&a, 1, GENESIS_HASH),
            entry_hash(&b, 1, GENESIS_HASH)
        );
    }

    #[test]
    fn a_checkpoint_reads_back_what_it_wrote() {
        let checkpoint = Checkpoint {
            through_seq: 41,
            last_hash: "ab".repeat(32),
            deleted: 40,
        };
        assert_eq!(Checkpoint::parse(&checkpoint.detail()), Some(checkpoint));
        assert_eq!(
            Checkpoint::parse("deleted=1 through_seq=x last_hash=y"),
            None
        );
        assert_eq!(Checkpoint::parse("bad_signature"), None);
    }
}
