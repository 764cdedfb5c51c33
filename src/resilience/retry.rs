//! The retry strategy: exponential backoff with full jitter and a cap, one implementation for
//! every caller (the sync scheduler, the telemetry client). The `n`-th failure in a row waits
//! a random time between a tenth of and the whole of `first * 2^(n-1)`, capped at `max`: the
//! waits grow, stay within bounds, and spread, so peers that failed together do not come
//! back together. A refusal that says `Retry-After` is waited out at least that long (the
//! callers take the larger of the two).

use std::time::Duration;

/// The smallest share of the ceiling a wait is: never an immediate retry.
const FLOOR: f64 = 0.1;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Backoff {
    /// The ceiling after the first failure.
    pub first: Duration,
    /// The largest wait, however many failures.
    pub max: Duration,
}

impl Backoff {
    pub const fn new(first: Duration, max: Duration) -> Self {
        Self { first, max }
    }

    /// The longest wait after `failures` failures in a row (at least one).
    pub fn ceiling(&self, failures: u32) -> Duration {
        let doublings = failures.saturating_sub(1).min(30);
        self.first
            .saturating_mul(1u32 << doublings.min(31))
            .min(self.max)
    }

    /// The wait after `failures` failures in a row, jittered with `random` in `[0, 1]`
    /// (tests pass their own; [`Backoff::delay`] draws one).
    pub fn delay_with(&self, failures: u32, random: f64) -> Duration {
        let share = FLOOR + (1.0 - FLOOR) * random.clamp(0.0, 1.0);
        self.ceiling(failures).mul_f64(share)
    }

    /// The wait after `failures` failures in a row.
    pub fn delay(&self, failures: u32) -> Duration {
        self.delay_with(failures, rand::random())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const B: Backoff = Backoff::new(Duration::from_secs(1), Duration::from_secs(60));

    #[test]
    fn the_waits_grow_by_doubling_until_the_cap() {
        let ceilings: Vec<u64> = (1..=9).map(|n| B.ceiling(n).as_secs()).collect();
        assert_eq!(ceilings, [1, 2, 4, 8, 16, 32, 60, 60, 60]);
        assert_eq!(B.ceiling(0), B.ceiling(1), "no failure yet waits as one");
        assert_eq!(B.ceiling(u32::MAX), B.max, "no overflow");
    }

    #[test]
    fn each_wait_stays_between_a_tenth_of_its_ceiling_and_the_ceiling() {
        for n in 1..12 {
            let ceiling = B.ceiling(n);
            assert_eq!(B.delay_with(n, 0.0), ceiling.mul_f64(0.1), "{n}");
            assert_eq!(B.delay_with(n, 1.0), ceiling, "{n}");
            let mid = B.delay_with(n, 0.5);
            assert!(mid > ceiling.mul_f64(0.1) && mid < ceiling, "{n}: {mid:?}");
            // Out-of-range randomness is clamped, never a longer or negative wait.
            assert_eq!(B.delay_with(n, 7.0), ceiling);
            assert_eq!(B.delay_with(n, -1.0), ceiling.mul_f64(0.1));
        }
    }

    #[test]
    fn waits_drawn_at_random_spread_over_the_range() {
        let draws: Vec<Duration> = (0..2000).map(|_| B.delay(4)).collect();
        let ceiling = B.ceiling(4);
        assert!(
            draws
                .iter()
                .all(|d| *d >= ceiling.mul_f64(0.1) && *d <= ceiling)
        );
        let low = draws.iter().filter(|d| **d < ceiling.mul_f64(0.4)).count();
        let high = draws.iter().filter(|d| **d > ceiling.mul_f64(0.7)).count();
        // Uniform over [0.1, 1]: a third below 0.4, a third above 0.7.
        assert!(low > 400 && high > 400, "low {low}, high {high}");
        let mut distinct = draws.clone();
        distinct.sort();
        distinct.dedup();
        assert!(distinct.len() > 1000, "the waits spread");
    }
}
