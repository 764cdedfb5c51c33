//! A fixed-window limit per client address, checked before any expensive work (RSA, the
//! database). Kept in memory: each hosted instance limits on its own.

use std::collections::HashMap;
use std::sync::Mutex;

/// Pairing attempts (register-peer calls) allowed per client address per window.
pub const PAIRING_ATTEMPTS_PER_WINDOW: u32 = 30;
pub const WINDOW_MS: i64 = 60_000;
/// Beyond this many tracked addresses, expired windows are swept on the next check.
const SWEEP_AT: usize = 10_000;

#[derive(Debug)]
pub struct RateLimiter {
    limit: u32,
    window_ms: i64,
    windows: Mutex<HashMap<String, (i64, u32)>>,
}

impl RateLimiter {
    pub fn new(limit: u32, window_ms: i64) -> Self {
        Self {
            limit,
            window_ms,
            windows: Mutex::new(HashMap::new()),
        }
    }

    /// Counts an attempt by `client` at `now_ms`. `Err(retry_after_secs)` once the client
    /// has used up its window.
    pub fn check(&self, client: &str, now_ms: i64) -> Result<(), u64> {
        let mut windows = self.windows.lock().unwrap_or_else(|e| e.into_inner());
        if windows.len() >= SWEEP_AT {
            let window_ms = self.window_ms;
            windows.retain(|_, (start, _)| now_ms - *start < window_ms);
        }
        let (start, count) = windows.entry(client.to_string()).or_insert((now_ms, 0));
        if now_ms - *start >= self.window_ms || now_ms < *start {
            *start = now_ms;
            *count = 0;
        }
        if *count >= self.limit {
            let left_ms = (*start + self.window_ms - now_ms).max(1000);
            return Err((left_ms as u64).div_ceil(1000));
        }
        *count += 1;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limit_per_client_and_window() {
        let limiter = RateLimiter::new(3, 60_000);
        for _ in 0..3 {
            limiter.check("10.0.0.1", 1_000).unwrap();
        }
        assert_eq!(limiter.check("10.0.0.1", 2_000), Err(59));
        limiter.check("10.0.0.2", 2_000).unwrap();
        limiter.check("10.0.0.1", 61_000).unwrap();
    }
}
