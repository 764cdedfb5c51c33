//! The retry strategy: one implementation for every call this daemon makes to another
//! machine (the sync scheduler, the telemetry client, pairing and renewal, the advisor's model
//! call).
//!
//! - [`Backoff`]: exponential backoff with full jitter and a cap. The `n`-th failure in a row
//!   waits a random time between a tenth of and the whole of `first * 2^(n-1)`, capped at
//!   `max`: the waits grow, stay within bounds, and spread, so peers that failed together do
//!   not come back together.
//! - [`RetryStrategy`]: what to do after a failure. A refusal that can only fail again
//!   (400, 401, 403, 409, 412, 422) is never retried: it is surfaced at once. A `429` or `503`
//!   with `Retry-After` is waited out exactly that long (capped), not less. Anything else
//!   (the transport failed, a `5xx`, a `408`) backs off, up to a number of attempts.
//! - [`RetryBudget`]: retries per peer are a token bucket, so that retries cannot exceed a
//!   fraction of the calls: each call puts a share of a token in, each retry takes a whole
//!   one, and the bucket also refills slowly with time.
//!
//! Everything here is pure: the random draw and the time are passed in (the `*_with`
//! methods), so tests check the behaviour with their own.

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

/// What failed, as the retry strategy needs to know it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Failure {
    /// No answer: refused, reset, timed out, the name did not resolve.
    Transport,
    /// An answer with this HTTP status, and its `Retry-After` if it had one.
    Status {
        status: u16,
        retry_after: Option<Duration>,
    },
}

impl Failure {
    pub fn status(status: u16, retry_after: Option<Duration>) -> Self {
        Self::Status {
            status,
            retry_after,
        }
    }
}

/// Statuses that say the request itself is wrong, or the caller is not allowed: the same
/// request would be refused again, so it is never retried automatically.
pub const NEVER_RETRIED: [u16; 6] = [400, 401, 403, 409, 412, 422];

/// Whether a failure may be retried at all (the strategy then says when).
pub fn retryable(failure: &Failure) -> bool {
    match failure {
        Failure::Transport => true,
        Failure::Status { status, .. } => match status {
            408 | 425 | 429 => true,
            s if NEVER_RETRIED.contains(s) => false,
            400..=499 => false,
            500..=599 => true,
            _ => false,
        },
    }
}

/// What the caller does after a failure.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Decision {
    /// Wait this long, then try again.
    RetryAfter(Duration),
    /// Do not retry: surface the failure.
    GiveUp,
}

/// The retry strategy of one kind of call.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RetryStrategy {
    pub backoff: Backoff,
    /// Attempts in all, the first included; `None` for a background loop that keeps trying.
    pub max_attempts: Option<u32>,
    /// The longest `Retry-After` waited; a longer one waits this long.
    pub max_retry_after: Duration,
    /// Whether only transport failures are retried (a call the user is waiting for, where a
    /// refusal is better shown at once).
    pub transport_only: bool,
}

impl RetryStrategy {
    /// A background loop: every retryable failure again and again, backing off.
    pub const fn background(backoff: Backoff) -> Self {
        Self {
            backoff,
            max_attempts: None,
            max_retry_after: Duration::from_secs(3600),
            transport_only: false,
        }
    }

    /// A call made on the way, retried at most `attempts - 1` times.
    pub const fn bounded(backoff: Backoff, attempts: u32, max_retry_after: Duration) -> Self {
        Self {
            backoff,
            max_attempts: Some(attempts),
            max_retry_after,
            transport_only: false,
        }
    }

    /// Retries only failures of the transport (see [`RetryStrategy::transport_only`]).
    pub const fn transport_only(mut self) -> Self {
        self.transport_only = true;
        self
    }

    /// The decision after the `failures`-th failure in a row (at least one), with `random`
    /// in `[0, 1]` for the jitter.
    pub fn decide_with(&self, failures: u32, failure: &Failure, random: f64) -> Decision {
        if !retryable(failure) || (self.transport_only && *failure != Failure::Transport) {
            return Decision::GiveUp;
        }
        if self.max_attempts.is_some_and(|max| failures >= max) {
            return Decision::GiveUp;
        }
        if let Failure::Status {
            status: 429 | 503,
            retry_after: Some(wait),
        } = failure
        {
            if self.max_attempts.is_some() && *wait > self.max_retry_after {
                // Longer than a caller on the way can wait: surfaced, with its Retry-After.
                return Decision::GiveUp;
            }
            return Decision::RetryAfter((*wait).min(self.max_retry_after));
        }
        Decision::RetryAfter(self.backoff.delay_with(failures, random))
    }

    /// [`RetryStrategy::decide_with`] with a random draw.
    pub fn decide(&self, failures: u32, failure: &Failure) -> Decision {
        self.decide_with(failures, failure, rand::random())
    }
}

/// A token bucket of retries: each call deposits `ratio` of a token, each retry withdraws a
/// whole one, time adds `per_second`, and it never holds more than `cap`. With a ratio of
/// 0.2, retries are at most a fifth of the calls once the bucket's reserve is spent.
#[derive(Clone, Debug, PartialEq)]
pub struct RetryBudget {
    tokens: f64,
    cap: f64,
    ratio: f64,
    per_second: f64,
    at_ms: i64,
}

impl RetryBudget {
    /// A full bucket at `now_ms`.
    pub fn new(cap: f64, ratio: f64, per_second: f64, now_ms: i64) -> Self {
        Self {
            tokens: cap,
            cap,
            ratio,
            per_second,
            at_ms: now_ms,
        }
    }

    fn refill(&mut self, now_ms: i64) {
        let elapsed = (now_ms - self.at_ms).max(0) as f64 / 1000.0;
        self.tokens = (self.tokens + elapsed * self.per_second).min(self.cap);
        self.at_ms = self.at_ms.max(now_ms);
    }

    /// A call is made (its first attempt).
    pub fn on_call(&mut self, now_ms: i64) {
        self.refill(now_ms);
        self.tokens = (self.tokens + self.ratio).min(self.cap);
    }

    /// Takes a token for a retry; false (and nothing taken) when the budget is spent.
    pub fn try_retry(&mut self, now_ms: i64) -> bool {
        self.refill(now_ms);
        if self.tokens >= 1.0 {
            self.tokens -= 1.0;
            true
        } else {
            false
        }
    }

    /// Whole retries left.
    pub fn available(&mut self, now_ms: i64) -> u32 {
        self.refill(now_ms);
        self.tokens.floor() as u32
    }
}

/// One [`RetryBudget`] per key (a peer id, or a service such as the model provider).
pub struct RetryBudgets {
    template: RetryBudget,
    buckets: std::sync::Mutex<std::collections::HashMap<String, RetryBudget>>,
}

impl Default for RetryBudgets {
    /// Ten retries in reserve, a fifth of a retry per call, one more every ten seconds.
    fn default() -> Self {
        Self::new(10.0, 0.2, 0.1)
    }
}

impl RetryBudgets {
    pub fn new(cap: f64, ratio: f64, per_second: f64) -> Self {
        Self {
            template: RetryBudget::new(cap, ratio, per_second, 0),
            buckets: Default::default(),
        }
    }

    fn with<T>(&self, key: &str, now_ms: i64, f: impl FnOnce(&mut RetryBudget) -> T) -> T {
        let mut buckets = self.buckets.lock().expect("retry budgets lock");
        let bucket = buckets
            .entry(key.to_string())
            .or_insert_with(|| RetryBudget {
                at_ms: now_ms,
                ..self.template.clone()
            });
        f(bucket)
    }

    pub fn on_call(&self, key: &str, now_ms: i64) {
        self.with(key, now_ms, |b| b.on_call(now_ms));
    }

    pub fn try_retry(&self, key: &str, now_ms: i64) -> bool {
        self.with(key, now_ms, |b| b.try_retry(now_ms))
    }

    pub fn available(&self, key: &str, now_ms: i64) -> u32 {
        self.with(key, now_ms, |b| b.available(now_ms))
    }
}

/// Runs `attempt` under `strategy`: after a failure that `classify` says may be retried, and
/// while `budget` (a bucket and its key) has a token, waits as the strategy decides and tries
/// again. The last failure is returned as it is. `now_ms` reads the time the budget counts in.
pub async fn retrying<T, E, F, Fut>(
    strategy: &RetryStrategy,
    budget: Option<(&RetryBudgets, &str)>,
    now_ms: impl Fn() -> i64,
    classify: impl Fn(&E) -> Option<Failure>,
    mut attempt: F,
) -> Result<T, E>
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Result<T, E>>,
{
    if let Some((budgets, key)) = budget {
        budgets.on_call(key, now_ms());
    }
    let mut failures = 0;
    loop {
        let err = match attempt().await {
            Ok(value) => return Ok(value),
            Err(err) => err,
        };
        failures += 1;
        let Some(failure) = classify(&err) else {
            return Err(err);
        };
        let Decision::RetryAfter(wait) = strategy.decide(failures, &failure) else {
            return Err(err);
        };
        if let Some((budgets, key)) = budget
            && !budgets.try_retry(key, now_ms())
        {
            return Err(err);
        }
        tokio::time::sleep(wait).await;
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

    const S: RetryStrategy = RetryStrategy::bounded(B, 5, Duration::from_secs(30));

    /// A seeded random source: the same spread on every run.
    fn draws(seed: u64, n: usize) -> Vec<f64> {
        let mut x = seed;
        (0..n)
            .map(|_| {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                (x % 10_000) as f64 / 10_000.0
            })
            .collect()
    }

    #[test]
    fn transport_failures_back_off_longer_each_time_within_the_cap() {
        let strategy = RetryStrategy::background(B);
        let mut last_ceiling = Duration::ZERO;
        for (n, random) in (1..=12).zip(draws(7, 12)) {
            let Decision::RetryAfter(wait) = strategy.decide_with(n, &Failure::Transport, random)
            else {
                panic!("a background loop keeps retrying");
            };
            assert!(wait <= B.max, "{n}: {wait:?}");
            assert!(wait >= B.ceiling(n).mul_f64(0.1), "{n}: {wait:?}");
            let ceiling = strategy.decide_with(n, &Failure::Transport, 1.0);
            let Decision::RetryAfter(ceiling) = ceiling else {
                panic!()
            };
            assert!(ceiling >= last_ceiling, "the longest wait never shrinks");
            last_ceiling = ceiling;
        }
        assert_eq!(last_ceiling, B.max);
        // Many callers failing together come back spread out.
        let waits: std::collections::BTreeSet<Duration> = draws(11, 200)
            .into_iter()
            .map(|r| match strategy.decide_with(5, &Failure::Transport, r) {
                Decision::RetryAfter(w) => w,
                Decision::GiveUp => panic!(),
            })
            .collect();
        assert!(waits.len() > 100, "{}", waits.len());
    }

    #[test]
    fn refusals_that_would_fail_again_are_never_retried() {
        for status in [400, 401, 403, 404, 409, 412, 422] {
            let failure = Failure::status(status, Some(Duration::from_secs(1)));
            assert_eq!(
                S.decide_with(1, &failure, 0.5),
                Decision::GiveUp,
                "{status}"
            );
            let background = RetryStrategy::background(B);
            assert_eq!(
                background.decide_with(1, &failure, 0.5),
                Decision::GiveUp,
                "{status}"
            );
        }
        for status in [408, 429, 500, 502, 503, 504] {
            let failure = Failure::status(status, None);
            assert!(
                matches!(S.decide_with(1, &failure, 0.5), Decision::RetryAfter(_)),
                "{status}"
            );
        }
    }

    #[test]
    fn retry_after_on_429_and_503_is_waited_exactly_and_capped() {
        for status in [429, 503] {
            let asked = Failure::status(status, Some(Duration::from_secs(7)));
            // Whatever the jitter, and however many failures before.
            for random in [0.0, 0.5, 1.0] {
                assert_eq!(
                    S.decide_with(1, &asked, random),
                    Decision::RetryAfter(Duration::from_secs(7))
                );
                assert_eq!(
                    S.decide_with(4, &asked, random),
                    Decision::RetryAfter(Duration::from_secs(7))
                );
            }
            // Longer than a bounded caller waits: surfaced at once, not shortened.
            let long = Failure::status(status, Some(Duration::from_secs(300)));
            assert_eq!(S.decide_with(1, &long, 0.5), Decision::GiveUp);
            // A background loop waits its cap.
            let background = RetryStrategy::background(B);
            let huge = Failure::status(status, Some(Duration::from_secs(86_400)));
            assert_eq!(
                background.decide_with(1, &huge, 0.5),
                Decision::RetryAfter(Duration::from_secs(3600))
            );
        }
    }

    #[test]
    fn a_bounded_call_stops_after_its_attempts_and_transport_only_skips_refusals() {
        let decisions: Vec<bool> = (1..=6)
            .map(|n| S.decide_with(n, &Failure::Transport, 0.5) != Decision::GiveUp)
            .collect();
        assert_eq!(decisions, [true, true, true, true, false, false]);
        let pairing = S.transport_only();
        assert!(matches!(
            pairing.decide_with(1, &Failure::Transport, 0.5),
            Decision::RetryAfter(_)
        ));
        assert_eq!(
            pairing.decide_with(1, &Failure::status(503, None), 0.5),
            Decision::GiveUp
        );
    }

    #[test]
    fn the_budget_runs_out_then_refills_with_calls_and_with_time() {
        let mut budget = RetryBudget::new(3.0, 0.5, 0.1, 0);
        let taken = (0..10).filter(|_| budget.try_retry(0)).count();
        assert_eq!(taken, 3, "the reserve");
        assert!(!budget.try_retry(0), "spent");
        // Two calls buy one retry.
        budget.on_call(0);
        assert!(!budget.try_retry(0));
        budget.on_call(0);
        assert!(budget.try_retry(0));
        assert!(!budget.try_retry(0));
        // Ten seconds buy one more; time never overfills.
        assert!(!budget.try_retry(9_000));
        assert!(budget.try_retry(10_000));
        assert_eq!(budget.available(1_000_000), 3);
        // A clock that goes back takes nothing away and adds nothing.
        assert_eq!(budget.available(0), 3);
    }

    #[test]
    fn retries_stay_a_fraction_of_calls_and_budgets_are_per_key() {
        let budgets = RetryBudgets::new(10.0, 0.2, 0.0);
        let mut retries = 0;
        for _ in 0..1000 {
            budgets.on_call("p1", 0);
            // Every call fails and wants to retry as often as it may.
            while retries < 10_000 && budgets.try_retry("p1", 0) {
                retries += 1;
            }
        }
        assert!(retries <= 10 + 200, "{retries}");
        assert!(retries >= 200, "{retries}");
        assert_eq!(budgets.available("p2", 0), 10, "another peer is untouched");
    }

    #[tokio::test]
    async fn retrying_gives_up_at_once_on_a_refusal_and_retries_the_transport() {
        use std::sync::atomic::{AtomicU32, Ordering};
        let fast = RetryStrategy::bounded(
            Backoff::new(Duration::from_millis(10), Duration::from_millis(40)),
            3,
            Duration::from_secs(1),
        );
        let calls = AtomicU32::new(0);
        let refused: Result<(), Failure> = retrying(
            &fast,
            None,
            || 0,
            |f: &Failure| Some(*f),
            || async {
                calls.fetch_add(1, Ordering::SeqCst);
                Err(Failure::status(403, None))
            },
        )
        .await;
        assert_eq!(refused, Err(Failure::status(403, None)));
        assert_eq!(calls.swap(0, Ordering::SeqCst), 1);
        let down: Result<(), Failure> = retrying(
            &fast,
            None,
            || 0,
            |f: &Failure| Some(*f),
            || async {
                calls.fetch_add(1, Ordering::SeqCst);
                Err(Failure::Transport)
            },
        )
        .await;
        assert_eq!(down, Err(Failure::Transport));
        assert_eq!(calls.swap(0, Ordering::SeqCst), 3, "the attempts in all");
        // An empty budget: no retry at all.
        let budgets = RetryBudgets::new(0.0, 0.0, 0.0);
        let _ = retrying(
            &fast,
            Some((&budgets, "p")),
            || 0,
            |f: &Failure| Some(*f),
            || async {
                calls.fetch_add(1, Ordering::SeqCst);
                Err::<(), _>(Failure::Transport)
            },
        )
        .await;
        assert_eq!(calls.load(Ordering::SeqCst), 1);
    }
}
