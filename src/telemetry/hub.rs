//! The hosted side's registry of telemetry sockets: one per peer (a new one replaces the
//! old), and the handle other modules use to poke peers or close their sockets.

use std::collections::{HashMap, HashSet};
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};

use serde::Serialize;
use tokio::sync::mpsc;

use super::frames::{Poke, close};

/// What the hub tells one socket's task.
#[derive(Debug)]
pub(super) enum Control {
    Poke(Poke),
    Close(u16, String),
    /// Check now that the SBT the socket was opened with is unexpired.
    Recheck,
    /// Tell the peer that sync is paused (true) or resumed (false) for its account.
    Paused(bool),
}

struct Entry {
    id: u64,
    account_id: String,
    tx: mpsc::UnboundedSender<Control>,
}

/// Counters of this instance's hub, since it started.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct HubStats {
    pub connections: u64,
    pub replaced: u64,
    pub batches: u64,
    pub stored: u64,
    pub duplicates: u64,
    pub rejected: u64,
    pub throttled: u64,
    pub closed_too_big: u64,
}

#[derive(Default)]
struct Counters {
    connections: AtomicU64,
    replaced: AtomicU64,
    batches: AtomicU64,
    stored: AtomicU64,
    duplicates: AtomicU64,
    rejected: AtomicU64,
    throttled: AtomicU64,
    closed_too_big: AtomicU64,
}

/// The sockets of this instance, by peer, and the peers of each account among them: a poke
/// goes to an account's few sockets without looking at the others.
#[derive(Default)]
struct Sessions {
    by_peer: HashMap<String, Entry>,
    by_account: HashMap<String, HashSet<String>>,
}

impl Sessions {
    /// The sockets of `account_id`'s peers.
    fn of_account<'a>(&'a self, account_id: &str) -> impl Iterator<Item = (&'a str, &'a Entry)> {
        self.by_account
            .get(account_id)
            .into_iter()
            .flatten()
            .filter_map(|peer_id| Some((peer_id.as_str(), self.by_peer.get(peer_id)?)))
    }

    /// Adds a socket; the one it replaces, if any.
    fn insert(&mut self, peer_id: &str, entry: Entry) -> Option<Entry> {
        self.by_account
            .entry(entry.account_id.clone())
            .or_default()
            .insert(peer_id.to_string());
        self.by_peer.insert(peer_id.to_string(), entry)
    }

    fn remove(&mut self, peer_id: &str) {
        let Some(entry) = self.by_peer.remove(peer_id) else {
            return;
        };
        if let Some(peers) = self.by_account.get_mut(&entry.account_id) {
            peers.remove(peer_id);
            if peers.is_empty() {
                self.by_account.remove(&entry.account_id);
            }
        }
    }
}

#[derive(Default)]
pub struct Hub {
    sessions: Mutex<Sessions>,
    next_id: AtomicU64,
    stopping: std::sync::atomic::AtomicBool,
    counters: Counters,
    /// Accounts whose sync is paused, as this instance learnt it (a change made here, or
    /// the settings read when a peer of the account connected): no pokes go to them.
    paused: Mutex<HashSet<String>>,
}

impl Hub {
    /// Sends `poke` to every connected peer of `account_id` except `except_peer`; returns
    /// how many sockets it went to.
    pub fn poke(&self, account_id: &str, except_peer: Option<&str>, poke: Poke) -> usize {
        if self.is_paused(account_id) {
            return 0;
        }
        let sessions = self.sessions.lock().expect("hub lock");
        sessions
            .of_account(account_id)
            .filter(|(peer_id, _)| Some(*peer_id) != except_peer)
            .filter(|(_, e)| e.tx.send(Control::Poke(poke.clone())).is_ok())
            .count()
    }

    /// Sends `poke` to every socket here, but those of paused accounts.
    pub fn poke_everyone(&self, poke: Poke) -> usize {
        let paused = self.paused.lock().expect("hub lock").clone();
        let sessions = self.sessions.lock().expect("hub lock");
        sessions
            .by_peer
            .values()
            .filter(|e| !paused.contains(&e.account_id))
            .filter(|e| e.tx.send(Control::Poke(poke.clone())).is_ok())
            .count()
    }

    /// Sends `poke` to one peer; false if it has no socket here.
    pub fn poke_peer(&self, peer_id: &str, poke: Poke) -> bool {
        let sessions = self.sessions.lock().expect("hub lock");
        sessions
            .by_peer
            .get(peer_id)
            .is_some_and(|e| e.tx.send(Control::Poke(poke)).is_ok())
    }

    /// Records that sync of `account_id` is paused or resumed, and tells its connected peers
    /// (a resume is their cue to sync at once).
    pub fn set_paused(&self, account_id: &str, paused: bool) {
        let mut accounts = self.paused.lock().expect("hub lock");
        if paused {
            accounts.insert(account_id.to_string());
        } else {
            accounts.remove(account_id);
        }
        drop(accounts);
        let sessions = self.sessions.lock().expect("hub lock");
        for (_, entry) in sessions.of_account(account_id) {
            let _ = entry.tx.send(Control::Paused(paused));
        }
    }

    fn is_paused(&self, account_id: &str) -> bool {
        self.paused.lock().expect("hub lock").contains(account_id)
    }

    /// Makes every socket check its SBT's expiry now instead of at its next tick (whether
    /// its peer is still active is the sweep's part: `sweep.rs`).
    pub(super) fn recheck(&self) {
        for entry in self.sessions.lock().expect("hub lock").by_peer.values() {
            let _ = entry.tx.send(Control::Recheck);
        }
    }

    /// Closes a peer's socket with `code`; false if it has none here.
    pub fn disconnect(&self, peer_id: &str, code: u16, reason: &str) -> bool {
        let sessions = self.sessions.lock().expect("hub lock");
        sessions
            .by_peer
            .get(peer_id)
            .is_some_and(|e| e.tx.send(Control::Close(code, reason.into())).is_ok())
    }

    /// The peers with a socket on this instance.
    pub fn connected(&self) -> Vec<String> {
        let mut peers: Vec<String> = self
            .sessions
            .lock()
            .expect("hub lock")
            .by_peer
            .keys()
            .cloned()
            .collect();
        peers.sort();
        peers
    }

    pub fn stats(&self) -> HubStats {
        let c = &self.counters;
        let get = |a: &AtomicU64| a.load(Ordering::Relaxed);
        HubStats {
            connections: get(&c.connections),
            replaced: get(&c.replaced),
            batches: get(&c.batches),
            stored: get(&c.stored),
            duplicates: get(&c.duplicates),
            rejected: get(&c.rejected),
            throttled: get(&c.throttled),
            closed_too_big: get(&c.closed_too_big),
        }
    }

    /// Registers a new socket of `peer_id`, closing the one it replaces. `None` once the
    /// hub is stopping.
    pub(super) fn register(
        &self,
        peer_id: &str,
        account_id: &str,
    ) -> Option<(u64, mpsc::UnboundedReceiver<Control>)> {
        let mut sessions = self.sessions.lock().expect("hub lock");
        if self.stopping.load(Ordering::SeqCst) {
            return None;
        }
        let id = self.next_id.fetch_add(1, Ordering::Relaxed);
        let (tx, rx) = mpsc::unbounded_channel();
        let entry = Entry {
            id,
            account_id: account_id.to_string(),
            tx,
        };
        if let Some(old) = sessions.insert(peer_id, entry) {
            let reason = "replaced by a newer connection".to_string();
            let _ = old.tx.send(Control::Close(close::REPLACED, reason));
            self.counters.replaced.fetch_add(1, Ordering::Relaxed);
        }
        self.counters.connections.fetch_add(1, Ordering::Relaxed);
        Some((id, rx))
    }

    /// Forgets socket `id` of `peer_id`, unless a newer one replaced it already.
    pub(super) fn unregister(&self, peer_id: &str, id: u64) {
        let mut sessions = self.sessions.lock().expect("hub lock");
        if sessions.by_peer.get(peer_id).is_some_and(|e| e.id == id) {
            sessions.remove(peer_id);
        }
    }

    pub(super) fn count_batch(&self, stored: u64, duplicates: u64, rejected: u64) {
        let c = &self.counters;
        c.batches.fetch_add(1, Ordering::Relaxed);
        c.stored.fetch_add(stored, Ordering::Relaxed);
        c.duplicates.fetch_add(duplicates, Ordering::Relaxed);
        c.rejected.fetch_add(rejected, Ordering::Relaxed);
    }

    pub(super) fn count_throttled(&self) {
        self.counters.throttled.fetch_add(1, Ordering::Relaxed);
    }

    pub(super) fn count_too_big(&self) {
        self.counters.closed_too_big.fetch_add(1, Ordering::Relaxed);
    }

    /// Closes every socket with 1001 and refuses new ones; returns how many it closed. The
    /// daemon calls it when shutdown starts (`app::run_until_stopped`): peers reconnect to
    /// another instance at once instead of when this process exits.
    pub fn stop(&self) -> usize {
        let mut sessions = self.sessions.lock().expect("hub lock");
        self.stopping.store(true, Ordering::SeqCst);
        let reason = "the server is stopping";
        sessions.by_account.clear();
        sessions
            .by_peer
            .drain()
            .filter(|(_, entry)| {
                let close = Control::Close(close::GOING_AWAY, reason.to_string());
                entry.tx.send(close).is_ok()
            })
            .count()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn poke() -> Poke {
        Poke {
            reason: "data".into(),
            at: 0,
        }
    }

    fn pokes(rx: &mut mpsc::UnboundedReceiver<Control>) -> usize {
        std::iter::from_fn(|| rx.try_recv().ok())
            .filter(|c| matches!(c, Control::Poke(_)))
            .count()
    }

    #[test]
    fn a_poke_reaches_the_sockets_of_its_account_only_as_they_come_and_go() {
        let hub = Hub::default();
        let (a1, mut rx_a1) = hub.register("a1", "acct-a").unwrap();
        let (_, mut rx_a2) = hub.register("a2", "acct-a").unwrap();
        let (_, mut rx_b1) = hub.register("b1", "acct-b").unwrap();
        assert_eq!(hub.poke("acct-a", Some("a2"), poke()), 1);
        assert_eq!(
            (pokes(&mut rx_a1), pokes(&mut rx_a2), pokes(&mut rx_b1)),
            (1, 0, 0)
        );

        // A newer socket of a1 replaces the old; the old one's late unregister changes
        // nothing, the new one's removes a1 from its account.
        let (a1_new, mut rx_a1_new) = hub.register("a1", "acct-a").unwrap();
        hub.unregister("a1", a1);
        assert_eq!(hub.poke("acct-a", None, poke()), 2);
        assert_eq!(pokes(&mut rx_a1_new), 1);
        hub.unregister("a1", a1_new);
        hub.unregister("a2", 1);
        assert_eq!(hub.poke("acct-a", None, poke()), 0);
        assert_eq!(hub.poke("acct-b", None, poke()), 1);
        assert_eq!(hub.connected(), vec!["b1".to_string()]);
        assert!(
            !hub.sessions
                .lock()
                .unwrap()
                .by_account
                .contains_key("acct-a")
        );
    }
}
