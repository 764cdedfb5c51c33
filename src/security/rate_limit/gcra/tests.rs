//! The algorithm on its own: sliding, exact at the burst, bounded in memory.

use super::*;

const MINUTE_MS: i64 = 60_000;

fn limiter(per_minute: u32, burst: u32, capacity: usize) -> KeyedLimiter<String> {
    let limit = RateLimit { per_minute, burst };
    KeyedLimiter::new(Quota::from_limit(limit).unwrap(), capacity)
}

/// Requests by `key` at `now_ms` until one is refused: how many were accepted.
fn accepted_until_refused(limiter: &KeyedLimiter<String>, key: &str, now_ms: i64) -> u32 {
    let key = key.to_string();
    let mut accepted = 0;
    while limiter.check(&key, now_ms) == Decision::Accepted {
        accepted += 1;
    }
    accepted
}

#[test]
fn a_quiet_client_gets_its_burst_then_one_request_per_interval() {
    let limiter = limiter(30, 10, 100);
    assert_eq!(accepted_until_refused(&limiter, "a", 1_000), 10);
    // 30 a minute is one every 2 s, counted from the requests, not from a window.
    assert_eq!(accepted_until_refused(&limiter, "a", 2_999), 0);
    assert_eq!(accepted_until_refused(&limiter, "a", 3_000), 1);
    assert_eq!(accepted_until_refused(&limiter, "a", 9_000), 3);
    // Another client has its own allowance.
    assert_eq!(accepted_until_refused(&limiter, "b", 9_000), 10);
}

#[test]
fn no_boundary_lets_twice_the_limit_through() {
    // Any two seconds, wherever they fall, accept at most the burst and one more.
    let limiter = limiter(30, 30, 100);
    for start in [0, 1_000, 57_999, 59_999, 60_000] {
        let key = format!("k{start}");
        let before = accepted_until_refused(&limiter, &key, start);
        let after = accepted_until_refused(&limiter, &key, start + 2_000);
        assert_eq!((before, after), (30, 1), "from {start} ms");
    }
    // Over a whole minute after the burst: the rate, not the burst again.
    let key = "steady".to_string();
    let mut accepted = accepted_until_refused(&limiter, &key, 0);
    for ms in (100..=MINUTE_MS).step_by(100) {
        accepted += accepted_until_refused(&limiter, &key, ms);
    }
    assert_eq!(accepted, 30 + 30);
}

#[test]
fn the_wait_is_rounded_up_to_whole_seconds_and_a_flood_trips_once() {
    let limiter = limiter(6, 1, 100);
    let key = "a".to_string();
    assert_eq!(limiter.check(&key, 0), Decision::Accepted);
    let refused = |retry_after_secs, tripped| Decision::Refused {
        retry_after_secs,
        tripped,
    };
    assert_eq!(limiter.check(&key, 0), refused(10, true));
    assert_eq!(limiter.check(&key, 500), refused(10, false));
    assert_eq!(limiter.check(&key, 9_001), refused(1, false));
    assert_eq!(limiter.check(&key, 10_000), Decision::Accepted);
    assert_eq!(limiter.check(&key, 10_000), refused(10, true));
}

#[test]
fn a_clock_stepped_back_does_not_lock_a_client_out() {
    let limiter = limiter(60, 5, 100);
    let key = "a".to_string();
    assert_eq!(accepted_until_refused(&limiter, &key, 3_600_000), 5);
    // An hour back: the client starts afresh, rather than wait an hour.
    assert_eq!(accepted_until_refused(&limiter, &key, 0), 5);
}

#[test]
fn fifty_thousand_addresses_stay_within_the_capacity_and_keep_a_held_client_held() {
    let capacity = 1_000;
    let limiter = limiter(30, 10, capacity);
    let attacker = "198.51.100.1".to_string();
    assert_eq!(accepted_until_refused(&limiter, &attacker, 0), 10);
    for n in 0..50_000u32 {
        let [_, a, b, c] = n.to_be_bytes();
        let address = format!("10.{a}.{b}.{c}");
        // Each address comes once, a millisecond apart, all within one interval.
        assert_eq!(limiter.check(&address, 1), Decision::Accepted);
        assert!(limiter.len() <= capacity);
    }
    assert_eq!(limiter.len(), capacity);
    // The client that was held back is remembered: the flood made room from the others.
    assert!(matches!(
        limiter.check(&attacker, 2),
        Decision::Refused { .. }
    ));
}

#[test]
fn keys_whose_allowance_is_whole_again_are_dropped_as_requests_come() {
    let limiter = limiter(60, 1, 1_000);
    for n in 0..100 {
        limiter.check(&format!("old{n}"), 0);
    }
    assert_eq!(limiter.len(), 100);
    // A minute later every old key is whole: each new request drops two of them.
    for n in 0..50 {
        limiter.check(&format!("new{n}"), MINUTE_MS);
    }
    assert_eq!(limiter.len(), 50);
}

#[test]
fn a_pacer_delays_past_its_burst_by_the_interval() {
    let quota = Quota::per_second(20, 20);
    let (mut tat, mut waits) = (0, Vec::new());
    for _ in 0..22 {
        let (next, wait) = quota.delay(tat, 0);
        tat = next;
        waits.push(wait);
    }
    assert!(waits[..20].iter().all(|w| *w == 0), "{waits:?}");
    assert_eq!(&waits[20..], &[50_000, 100_000]);
}
