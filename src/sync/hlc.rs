//! The Hybrid Logical Clock that stamps every version, and the version strings it makes.
//!
//! A version is `<ms:015>-<counter:06>-<backend_id>`: fixed width, so comparing two version
//! strings compares `(physical ms, counter, backend_id)`, which is the Last-Write-Wins order
//! (docs/sync.md). The clock never goes backwards, and it moves past every version it has seen,
//! so an edit made after seeing another version always wins over it, whatever the wall
//! clocks of the two machines say.

use std::sync::Mutex;

use crate::clock::Clock;
use crate::identity::BackendId;

/// Width of the physical part (milliseconds since 1970, good until the year 33658).
const MS_WIDTH: usize = 15;
/// Width of the logical counter.
const COUNTER_WIDTH: usize = 6;
const COUNTER_MAX: u32 = 999_999;
/// Length of a version string.
pub const VERSION_LEN: usize = MS_WIDTH + 1 + COUNTER_WIDTH + 1 + 32;

/// A parsed version.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Stamp {
    pub ms: i64,
    pub counter: u32,
}

/// Formats a version.
pub fn format_version(stamp: Stamp, backend_id: &str) -> String {
    format!(
        "{:0ms$}-{:0c$}-{backend_id}",
        stamp.ms,
        stamp.counter,
        ms = MS_WIDTH,
        c = COUNTER_WIDTH
    )
}

/// Parses a version: the stamp and the writing backend's id.
pub fn parse_version(version: &str) -> Option<(Stamp, &str)> {
    if version.len() != VERSION_LEN || !version.is_ascii() {
        return None;
    }
    let (ms, rest) = version.split_at(MS_WIDTH);
    let rest = rest.strip_prefix('-')?;
    let (counter, rest) = rest.split_at(COUNTER_WIDTH);
    let backend = rest.strip_prefix('-')?;
    let digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    if !digits(ms) || !digits(counter) || backend.parse::<BackendId>().is_err() {
        return None;
    }
    Some((
        Stamp {
            ms: ms.parse().ok()?,
            counter: counter.parse().ok()?,
        },
        backend,
    ))
}

/// This backend's clock.
#[derive(Debug)]
pub struct Hlc {
    backend_id: String,
    last: Mutex<Stamp>,
}

impl Hlc {
    /// A clock that starts above `seen` (the highest version in the store, if any).
    pub fn new(backend_id: &BackendId, seen: Option<&str>) -> Self {
        let hlc = Self {
            backend_id: backend_id.to_string(),
            last: Mutex::new(Stamp { ms: 0, counter: 0 }),
        };
        if let Some(seen) = seen {
            hlc.observe(seen);
        }
        hlc
    }

    /// The version for a write happening now.
    pub fn next(&self, clock: &dyn Clock) -> String {
        let physical = clock.now_ms();
        let mut last = self.last.lock().unwrap_or_else(|e| e.into_inner());
        *last = if physical > last.ms {
            Stamp {
                ms: physical,
                counter: 0,
            }
        } else if last.counter < COUNTER_MAX {
            Stamp {
                ms: last.ms,
                counter: last.counter + 1,
            }
        } else {
            // A million writes in one millisecond: borrow the next millisecond.
            Stamp {
                ms: last.ms + 1,
                counter: 0,
            }
        };
        format_version(*last, &self.backend_id)
    }

    /// Moves the clock past a version received from elsewhere.
    pub fn observe(&self, version: &str) {
        if let Some((stamp, _)) = parse_version(version) {
            let mut last = self.last.lock().unwrap_or_else(|e| e.into_inner());
            if stamp > *last {
                *last = stamp;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use chrono::{Duration, TimeZone, Utc};

    use super::*;
    use crate::clock::ManualClock;

    fn id(c: char) -> BackendId {
        c.to_string().repeat(32).parse().unwrap()
    }

    #[test]
    fn versions_order_as_their_stamps_then_backend() {
        let a = format_version(Stamp { ms: 5, counter: 0 }, id('a').as_str());
        let b = format_version(Stamp { ms: 5, counter: 0 }, id('b').as_str());
        let later = format_version(Stamp { ms: 5, counter: 1 }, id('a').as_str());
        let much_later = format_version(Stamp { ms: 10, counter: 0 }, id('a').as_str());
        assert!(a < b && b < later && later < much_later);
        assert_eq!(
            parse_version(&later),
            Some((Stamp { ms: 5, counter: 1 }, id('a').as_str()))
        );
        for bad in ["", "x", &later[1..], &later.replace('-', "+")] {
            assert_eq!(parse_version(bad), None, "{bad}");
        }
    }

    #[test]
    fn the_clock_is_monotonic_and_moves_past_what_it_sees() {
        let clock = Arc::new(ManualClock::new(
            Utc.timestamp_opt(1_800_000_000, 0).unwrap(),
        ));
        let hlc = Hlc::new(&id('a'), None);
        let first = hlc.next(clock.as_ref());
        let second = hlc.next(clock.as_ref());
        assert!(second > first, "same millisecond: the counter moves");
        clock.advance(Duration::hours(-1));
        let third = hlc.next(clock.as_ref());
        assert!(third > second, "the wall clock went back; the HLC did not");
        // A version from a machine an hour ahead: the next local write still follows it.
        let ahead = format_version(
            Stamp {
                ms: clock.now_ms() + 7_200_000,
                counter: 3,
            },
            id('f').as_str(),
        );
        hlc.observe(&ahead);
        assert!(hlc.next(clock.as_ref()) > ahead);
        // Restarting above the highest stored version.
        let restarted = Hlc::new(&id('a'), Some(&ahead));
        assert!(restarted.next(clock.as_ref()) > ahead);
    }
}
