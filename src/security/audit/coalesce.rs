//! Coalescing refusals. The first refusal from a source (same chain, event, code, peer,
//! account, address) is written at once and opens a window; repeats within the window are
//! only counted, in memory; when the window closes (found by the flush task, or by the next
//! repeat after it) one more entry is written with `count` = the repeats, stamped with the
//! last of them. So a flood from one source writes two rows per window, and no refusal goes
//! unrecorded: the first of each window is on disk before the request is answered, and the
//! rest are in the count. A crash loses the counts of the windows still open.
//!
//! The table of open windows is bounded: when it is full, closed windows are written out
//! first; if it is still full of open ones, a new source is counted with every other new
//! source of the same refusal in one window without its peer or account, under the address
//! `*`. That window is one per (event, code), a small fixed set, so a flood from many
//! addresses is bounded too.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::Duration;

use crate::store::{AuditEntry, ChainScope};

/// The address recorded for refusals counted together from several sources.
pub const MANY_SOURCES: &str = "*";

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
struct Source {
    chain: String,
    event: String,
    code: Option<String>,
    peer_id: Option<String>,
    account_id: Option<String>,
    ip: Option<String>,
}

impl Source {
    fn of(entry: &AuditEntry) -> Self {
        Self {
            chain: entry.chain.clone(),
            event: entry.event.clone(),
            code: entry.detail.clone(),
            peer_id: entry.peer_id.clone(),
            account_id: entry.account_id.clone(),
            ip: entry.ip.clone(),
        }
    }
}

struct Window {
    opened_at: i64,
    repeats: i64,
    last_at: i64,
    /// The entry that opened the window, which the summary repeats.
    first: AuditEntry,
}

impl Window {
    /// The entry that records the repeats, if there were any.
    fn summary(&self) -> Option<AuditEntry> {
        (self.repeats > 0).then(|| AuditEntry {
            at: self.last_at,
            count: self.repeats,
            ..self.first.clone()
        })
    }
}

/// What to write after noting a refusal: closed windows' counts first, then the refusal
/// itself if it opened a window.
#[derive(Debug, Default)]
pub(super) struct Noted {
    pub closed: Vec<AuditEntry>,
    pub write: Option<AuditEntry>,
}

pub(super) struct Coalescer {
    window_ms: i64,
    cap: usize,
    scope: ChainScope,
    open: Mutex<HashMap<Source, Window>>,
}

impl Coalescer {
    pub fn new(window: Duration, cap: usize, scope: ChainScope) -> Self {
        Self {
            window_ms: window.as_millis().try_into().unwrap_or(i64::MAX),
            cap,
            scope,
            open: Mutex::new(HashMap::new()),
        }
    }

    fn open(&self) -> std::sync::MutexGuard<'_, HashMap<Source, Window>> {
        // A panic elsewhere while the lock was held leaves counts that are still right.
        self.open.lock().unwrap_or_else(|e| e.into_inner())
    }

    pub fn note(&self, mut entry: AuditEntry, now: i64) -> Noted {
        if self.window_ms == 0 {
            return Noted {
                closed: Vec::new(),
                write: Some(entry),
            };
        }
        let mut open = self.open();
        let mut noted = Noted::default();
        let mut source = Source::of(&entry);
        if !open.contains_key(&source) && open.len() >= self.cap {
            noted.closed = self.close(&mut open, now);
            if open.len() >= self.cap {
                entry = AuditEntry {
                    chain: self.scope.chain(None),
                    peer_id: None,
                    account_id: None,
                    ip: Some(MANY_SOURCES.to_string()),
                    ..entry
                };
                source = Source::of(&entry);
            }
        }
        match open.get_mut(&source) {
            Some(window) if now - window.opened_at < self.window_ms => {
                window.repeats += 1;
                window.last_at = window.last_at.max(now);
            }
            Some(window) => {
                noted.closed.extend(window.summary());
                *window = Window {
                    opened_at: now,
                    repeats: 0,
                    last_at: now,
                    first: entry.clone(),
                };
                noted.write = Some(entry);
            }
            None => {
                let window = Window {
                    opened_at: now,
                    repeats: 0,
                    last_at: now,
                    first: entry.clone(),
                };
                open.insert(source, window);
                noted.write = Some(entry);
            }
        }
        noted
    }

    /// Closes the windows that have run their length; returns their counts to write.
    pub fn close_expired(&self, now: i64) -> Vec<AuditEntry> {
        self.close(&mut self.open(), now)
    }

    fn close(&self, open: &mut HashMap<Source, Window>, now: i64) -> Vec<AuditEntry> {
        let mut closed = Vec::new();
        open.retain(|_, window| {
            let done = now - window.opened_at >= self.window_ms;
            if done {
                closed.extend(window.summary());
            }
            !done
        });
        closed
    }

    /// Closes every window; returns their counts to write.
    pub fn drain(&self) -> Vec<AuditEntry> {
        self.open()
            .drain()
            .filter_map(|(_, window)| window.summary())
            .collect()
    }

    #[cfg(test)]
    fn len(&self) -> usize {
        self.open().len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn refusal(ip: &str, code: &str) -> AuditEntry {
        AuditEntry {
            chain: "hosted".into(),
            at: 0,
            event: "peer_request".into(),
            outcome: "refused".into(),
            peer_id: None,
            account_id: None,
            ip: Some(ip.into()),
            detail: Some(code.into()),
            count: 1,
        }
    }

    fn coalescer(cap: usize) -> Coalescer {
        Coalescer::new(Duration::from_secs(60), cap, ChainScope::PerAccount)
    }

    #[test]
    fn repeats_within_the_window_are_counted_and_written_when_it_closes() {
        let c = coalescer(16);
        let first = c.note(refusal("1.2.3.4", "malformed"), 0);
        assert!(first.write.is_some() && first.closed.is_empty());
        for at in 1..=99 {
            let noted = c.note(refusal("1.2.3.4", "malformed"), at * 100);
            assert!(noted.write.is_none() && noted.closed.is_empty());
        }
        // Another code or address is another source.
        assert!(c.note(refusal("1.2.3.4", "stale"), 10).write.is_some());
        assert!(c.note(refusal("5.6.7.8", "malformed"), 10).write.is_some());
        assert!(c.close_expired(59_999).is_empty());
        let closed = c.close_expired(60_000);
        assert_eq!(closed.len(), 1, "only the window with repeats has a count");
        assert_eq!((closed[0].count, closed[0].at), (99, 9_900));
        assert_eq!(c.len(), 2, "the windows opened later are still open");
        assert!(c.close_expired(60_010).is_empty());
        assert_eq!(c.len(), 0);
    }

    #[test]
    fn a_repeat_after_the_window_writes_the_count_and_opens_another() {
        let c = coalescer(16);
        c.note(refusal("1.2.3.4", "malformed"), 0);
        c.note(refusal("1.2.3.4", "malformed"), 1);
        let noted = c.note(refusal("1.2.3.4", "malformed"), 60_000);
        assert_eq!(noted.closed.len(), 1);
        assert_eq!(noted.closed[0].count, 1);
        assert!(noted.write.is_some());
        let drained = c.drain();
        assert!(drained.is_empty(), "the new window has no repeats yet");
    }

    #[test]
    fn a_full_table_counts_new_sources_together() {
        let c = coalescer(4);
        for i in 0..4 {
            c.note(refusal(&format!("10.0.0.{i}"), "malformed"), 0);
        }
        let mut written = 0;
        for i in 4..1000 {
            let noted = c.note(
                refusal(&format!("10.0.{}.{}", i / 256, i % 256), "malformed"),
                5,
            );
            written += noted.write.iter().count();
            if let Some(entry) = noted.write {
                assert_eq!(entry.ip.as_deref(), Some(MANY_SOURCES));
            }
        }
        assert_eq!(written, 1, "one window for every new source");
        assert_eq!(c.len(), 5);
        let drained = c.drain();
        assert_eq!(drained.iter().map(|e| e.count).sum::<i64>(), 995);
        // Once the windows close, new sources get their own again.
        c.note(refusal("10.0.0.1", "malformed"), 0);
        assert!(c.close_expired(60_000).is_empty());
        assert!(
            c.note(refusal("10.9.9.9", "malformed"), 60_001)
                .write
                .is_some()
        );
    }

    #[test]
    fn a_zero_window_writes_every_refusal() {
        let c = Coalescer::new(Duration::ZERO, 4, ChainScope::Single);
        for at in 0..10 {
            assert!(c.note(refusal("1.2.3.4", "malformed"), at).write.is_some());
        }
        assert!(c.drain().is_empty());
    }
}
