//! The Hybrid Logical Clock that stamps every version, and the version strings it makes.
//!
//! A version is `<ms:015>-<counter:06>-<backend_id>`: fixed width, so comparing two version
//! strings compares `(physical ms, counter, backend_id)`, which is the Last-Write-Wins order
//! (docs/sync.md). The clock never goes backwards, and a write to a record is always stamped
//! past the version it replaces, so an edit made after seeing another version wins over it,
//! whatever the wall clocks of the two machines say.
//!
//! A received version may be at most the configured offset ahead of the receiver's clock
//! ([`check_offset`]): further ahead it is refused and moves nothing, so a peer with a wrong
//! (or hostile) clock cannot push stamps past every later edit, nor past the format's 15
//! digits.

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
/// The largest physical part the format holds.
const MS_MAX: i64 = 999_999_999_999_999;

/// Refuses a version stamped more than `max_offset_ms` ahead of `now_ms` (this backend's
/// clock, corrected by what it knows of the sender's). The message says by how much, in
/// the user's words.
pub fn check_offset(version: &str, now_ms: i64, max_offset_ms: i64) -> Result<(), String> {
    let Some((stamp, _)) = parse_version(version) else {
        return Err("version is malformed".into());
    };
    let ahead = stamp.ms.saturating_sub(now_ms);
    if ahead > max_offset_ms {
        return Err(format!(
            "version {version} is stamped {} s ahead of this backend's clock, more than the \
             {} s allowed (sync.max_clock_offset_ms): the clock of the machine that wrote it \
             is wrong",
            ahead / 1000,
            max_offset_ms / 1000
        ));
    }
    Ok(())
}

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
    /// A clock that starts above `seen` (the highest version in the store, if any), so it
    /// does not go back across a restart; unless `seen` is stamped past `limit_ms` (stored
    /// before received versions were bounded), which would carry every later stamp with it.
    pub fn new(backend_id: &BackendId, seen: Option<&str>, limit_ms: i64) -> Self {
        let hlc = Self {
            backend_id: backend_id.to_string(),
            last: Mutex::new(Stamp { ms: 0, counter: 0 }),
        };
        if let Some((stamp, _)) = seen.and_then(parse_version)
            && stamp.ms <= limit_ms
        {
            *hlc.last.lock().unwrap_or_else(|e| e.into_inner()) = stamp;
        }
        hlc
    }

    /// The version for a write that replaces `previous` (the stored version of the record,
    /// if any): the clock's next stamp, or just past `previous` when that is ahead of it.
    /// Only the record's own version is raised, not the clock, so a version received for one
    /// account's record never moves the stamps of another account's writes.
    pub fn next_after(&self, clock: &dyn Clock, previous: Option<&str>) -> String {
        let next = self.next(clock);
        let Some((before, _)) = previous.and_then(parse_version) else {
            return next;
        };
        if next.as_str() > previous.unwrap_or_default() {
            return next;
        }
        let past = if before.counter < COUNTER_MAX {
            Stamp {
                ms: before.ms,
                counter: before.counter + 1,
            }
        } else {
            Stamp {
                ms: (before.ms + 1).min(MS_MAX),
                counter: 0,
            }
        };
        format_version(past, &self.backend_id)
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
                ms: (last.ms + 1).min(MS_MAX),
                counter: 0,
            }
        };
        format_version(*last, &self.backend_id)
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
    fn the_clock_is_monotonic_and_a_write_follows_the_version_it_replaces() {
        let clock = Arc::new(ManualClock::new(
            Utc.timestamp_opt(1_800_000_000, 0).unwrap(),
        ));
        let hlc = Hlc::new(&id('a'), None, i64::MAX);
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
        let edit = hlc.next_after(clock.as_ref(), Some(&ahead));
        assert!(edit > ahead, "an edit of that record follows it");
        assert_eq!(edit.len(), VERSION_LEN);
        // ... without carrying the clock along: another record's write is stamped now.
        let other = hlc.next(clock.as_ref());
        assert!(other < ahead && other > third);
        // Restarting above the highest stored version.
        let restarted = Hlc::new(&id('a'), Some(&ahead), i64::MAX);
        assert!(restarted.next(clock.as_ref()) > ahead);
    }

    #[test]
    fn a_version_past_the_offset_is_refused_and_none_overflows_the_format() {
        let now = 1_800_000_000_000;
        let at = |ms| format_version(Stamp { ms, counter: 0 }, id('b').as_str());
        assert_eq!(check_offset(&at(now + 300_000), now, 300_000), Ok(()));
        let refused = check_offset(&at(now + 300_001), now, 300_000).unwrap_err();
        assert!(
            refused.contains("300 s ahead") && refused.contains("300 s allowed"),
            "{refused}"
        );
        let poison = format_version(
            Stamp {
                ms: MS_MAX,
                counter: COUNTER_MAX,
            },
            id('b').as_str(),
        );
        assert!(check_offset(&poison, now, 300_000).is_err());
        // A store that holds such a version from before the bound: the clock ignores it.
        let clock = ManualClock::new(Utc.timestamp_millis_opt(now).unwrap());
        let hlc = Hlc::new(&id('a'), Some(&poison), now + 300_000);
        let next = hlc.next(&clock);
        assert_eq!(parse_version(&next).unwrap().0.ms, now);
        // Replacing it, or writing at the format's end, never makes a longer string.
        for _ in 0..3 {
            let edit = hlc.next_after(&clock, Some(&poison));
            assert_eq!(edit.len(), VERSION_LEN, "{edit}");
        }
        let full = Hlc::new(&id('a'), Some(&poison), i64::MAX);
        for _ in 0..3 {
            assert_eq!(full.next(&clock).len(), VERSION_LEN);
        }
    }
}
