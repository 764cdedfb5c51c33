//! What the suite compares: each replica's records as its store holds them, tombstones
//! included, and what the writers were told was done.

use std::collections::BTreeMap;

use backend_8825::store::{LOCAL_ACCOUNT, Record};

use crate::common::Daemon;

/// A record as compared across replicas.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Held {
    pub version: String,
    pub deleted: bool,
    pub title: Option<String>,
    pub content: Option<String>,
}

/// Every record of the daemon's account (the local one, or the hosted account `account`),
/// by id.
pub async fn snapshot(daemon: &Daemon, account: Option<&str>) -> BTreeMap<String, Held> {
    let account = account.unwrap_or(LOCAL_ACCOUNT);
    let mut out = BTreeMap::new();
    let mut after = 0;
    loop {
        let page: Vec<Record> = daemon
            .state
            .store
            .feed_page(account, after, 1000)
            .await
            .unwrap();
        let Some(last) = page.last() else { break };
        after = last.seq;
        for r in page {
            out.insert(
                r.id,
                Held {
                    version: r.version,
                    deleted: r.deleted,
                    title: r.title,
                    content: r.content,
                },
            );
        }
    }
    out
}

/// What a writer was told: the state each record it wrote must end in.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Expect {
    Title(String),
    Content(String),
    Deleted,
}

/// Checks a replica against what every writer was told; the first problem, in words.
pub fn check(
    replica: &BTreeMap<String, Held>,
    expected: &BTreeMap<String, Expect>,
) -> Result<(), String> {
    for (id, want) in expected {
        let Some(held) = replica.get(id) else {
            return Err(format!("{id} was acknowledged and is lost"));
        };
        match want {
            Expect::Deleted if !held.deleted => {
                return Err(format!("{id} was deleted and is back: {held:?}"));
            }
            Expect::Title(t) if held.deleted || held.title.as_deref() != Some(t) => {
                return Err(format!("{id} should have the title {t:?}: {held:?}"));
            }
            Expect::Content(c) if held.deleted || held.content.as_deref() != Some(c) => {
                return Err(format!("{id} should say {c:?}: {held:?}"));
            }
            _ => {}
        }
    }
    if let Some(extra) = replica.keys().find(|id| !expected.contains_key(*id)) {
        return Err(format!("{extra} was never written, or is a duplicate"));
    }
    Ok(())
}
