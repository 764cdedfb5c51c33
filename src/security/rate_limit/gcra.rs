//! GCRA, the generic cell rate algorithm: a sliding limit with one number per client.
//!
//! Each client has a *theoretical arrival time* (TAT): when it would have used up nothing,
//! had it sent its requests evenly spaced `interval` apart. A request is accepted when the
//! TAT is at most `tolerance` ahead of now (`tolerance = interval * (burst - 1)`), and then
//! moves the TAT on by one `interval`. So a quiet client gets `burst` requests at once and
//! one per `interval` after that, measured from each request, never from a window's edge:
//! there is no boundary across which twice the limit passes.
//!
//! Written here rather than taken from a crate because it is this short, runs on the
//! daemon's own clock (tests move a manual one), and sits in a map with a hard bound on
//! its size ([`KeyedLimiter`]), which the crates' keyed limiters do not keep.

use std::collections::{BTreeSet, HashMap};
use std::hash::Hash;
use std::sync::Mutex;

use crate::config::RateLimit;

/// Microseconds: fine enough that a rate that does not divide a minute loses nothing.
type Micros = i64;

/// A rate and a burst, as GCRA counts them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Quota {
    interval: Micros,
    tolerance: Micros,
}

impl Quota {
    /// `None` for a limit that is off.
    pub fn from_limit(limit: RateLimit) -> Option<Self> {
        limit
            .is_on()
            .then(|| Self::every(60_000_000 / i64::from(limit.per_minute), limit.burst))
    }

    /// `per_second` requests a second, up to `burst` at once.
    pub fn per_second(per_second: u32, burst: u32) -> Self {
        Self::every(1_000_000 / i64::from(per_second.max(1)), burst)
    }

    fn every(interval: Micros, burst: u32) -> Self {
        let interval = interval.max(1);
        Self {
            interval,
            tolerance: interval * i64::from(burst.max(1) - 1),
        }
    }

    /// The decision for a client whose TAT is `tat` (`None`: not seen, or forgotten) at
    /// `now`: `Ok(the new TAT)`, or `Err(how long until a request would be accepted)`.
    fn check(&self, tat: Option<Micros>, now: Micros) -> Result<Micros, Micros> {
        // A TAT further ahead than accepted requests can put it means the wall clock was
        // stepped back: the client starts afresh rather than wait out the step.
        let tat = tat
            .filter(|tat| *tat <= now + self.tolerance + self.interval)
            .map_or(now, |tat| tat.max(now));
        let wait = tat - self.tolerance - now;
        if wait > 0 {
            return Err(wait);
        }
        Ok(tat + self.interval)
    }

    /// For a sender that is slowed down rather than refused: the new TAT, and how long to
    /// wait before handling the request.
    fn delay(&self, tat: Micros, now: Micros) -> (Micros, Micros) {
        let tat = tat.max(now);
        (tat + self.interval, (tat - self.tolerance - now).max(0))
    }
}

/// What a limit says of one request.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Decision {
    Accepted,
    /// Refused; `retry_after_secs` is rounded up (at least 1). `tripped` is true for the
    /// first refusal since the client's last accepted request, so that a flood is audited
    /// once, not once per request.
    Refused {
        retry_after_secs: u64,
        tripped: bool,
    },
}

#[derive(Clone, Copy, Debug)]
struct Cell {
    tat: Micros,
    tripped: bool,
}

/// One GCRA cell per key, at most `capacity` keys. Past the capacity, keys whose allowance
/// is whole again are dropped first (forgetting them changes nothing), then the key whose
/// TAT is earliest: the one nearest to a whole allowance, so a flood from many addresses
/// makes the limiter forget those addresses before a client it is holding back.
pub struct KeyedLimiter<K> {
    quota: Quota,
    capacity: usize,
    cells: Mutex<Cells<K>>,
}

struct Cells<K> {
    by_key: HashMap<K, Cell>,
    /// The same cells ordered by TAT, to find the stalest without a scan.
    by_tat: BTreeSet<(Micros, K)>,
}

/// Expired keys dropped by each accepted request, on top of what the capacity forces: the
/// map follows the set of active clients without a sweep that would cost one request a
/// pass over all of it.
const EXPIRED_DROPPED_PER_CHECK: usize = 2;

impl<K: Hash + Ord + Clone> KeyedLimiter<K> {
    pub fn new(quota: Quota, capacity: usize) -> Self {
        Self {
            quota,
            capacity: capacity.max(1),
            cells: Mutex::new(Cells {
                by_key: HashMap::new(),
                by_tat: BTreeSet::new(),
            }),
        }
    }

    /// Counts one request by `key` at `now_ms`. A refusal changes nothing but the key's
    /// "tripped" flag: it costs one lookup and writes nothing new.
    pub fn check(&self, key: &K, now_ms: i64) -> Decision {
        let now = now_ms.saturating_mul(1000);
        let mut cells = self.cells.lock().unwrap_or_else(|e| e.into_inner());
        let cell = cells.by_key.get(key).copied();
        match self.quota.check(cell.map(|c| c.tat), now) {
            Err(wait) => {
                let tripped = cell.is_some_and(|c| !c.tripped);
                if let Some(cell) = cells.by_key.get_mut(key) {
                    cell.tripped = true;
                }
                Decision::Refused {
                    retry_after_secs: (wait as u64).div_ceil(1_000_000).max(1),
                    tripped,
                }
            }
            Ok(tat) => {
                match cell {
                    Some(old) => {
                        cells.by_tat.remove(&(old.tat, key.clone()));
                    }
                    None => cells.make_room(self.capacity, now),
                }
                cells.drop_expired(now, EXPIRED_DROPPED_PER_CHECK);
                let cell = Cell {
                    tat,
                    tripped: false,
                };
                cells.by_key.insert(key.clone(), cell);
                cells.by_tat.insert((tat, key.clone()));
                Decision::Accepted
            }
        }
    }

    /// How many keys are remembered.
    pub fn len(&self) -> usize {
        let cells = self.cells.lock().unwrap_or_else(|e| e.into_inner());
        cells.by_key.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

impl<K: Hash + Ord + Clone> Cells<K> {
    /// Drops up to `most` keys whose TAT has passed: their allowance is whole again.
    fn drop_expired(&mut self, now: Micros, most: usize) {
        for _ in 0..most {
            match self.by_tat.first() {
                Some((tat, _)) if *tat <= now => self.drop_first(),
                _ => return,
            }
        }
    }

    /// Makes room for one more key: the expired first, then the stalest.
    fn make_room(&mut self, capacity: usize, now: Micros) {
        while self.by_key.len() >= capacity {
            self.drop_expired(now, usize::MAX);
            if self.by_key.len() >= capacity {
                self.drop_first();
            }
        }
    }

    fn drop_first(&mut self) {
        if let Some((_, key)) = self.by_tat.pop_first() {
            self.by_key.remove(&key);
        }
    }
}

/// One GCRA cell that delays rather than refuses, on a monotonic clock (a socket's frames,
/// read more slowly when they come too fast).
pub struct Pacer {
    quota: Quota,
    start: tokio::time::Instant,
    tat: Micros,
}

impl Pacer {
    pub fn new(quota: Quota) -> Self {
        Self {
            quota,
            start: tokio::time::Instant::now(),
            tat: 0,
        }
    }

    /// How long to wait before handling the next frame (zero within the allowance).
    pub fn delay(&mut self) -> std::time::Duration {
        let now = self.start.elapsed().as_micros() as Micros;
        let (tat, wait) = self.quota.delay(self.tat, now);
        self.tat = tat;
        std::time::Duration::from_micros(wait as u64)
    }
}

#[cfg(test)]
mod tests;
