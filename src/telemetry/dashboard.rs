//! `GET /dashboard/telemetry`: counts, error rate and duration percentiles per event name and
//! per peer, over recent windows of event time (`ts`).

use std::collections::BTreeMap;

use serde::Serialize;

use crate::error::ApiResult;
use crate::state::AppState;
use crate::store::telemetry::EventSample;

/// The windows the dashboard offers, by name and length in milliseconds.
pub const WINDOWS: [(&str, i64); 3] = [
    ("5m", 5 * 60 * 1000),
    ("1h", 3600 * 1000),
    ("24h", 24 * 3600 * 1000),
];

/// Most events read for one summary; past it the summary covers the newest ones and says so.
pub const MAX_SAMPLES: i64 = 200_000;

pub fn window(name: &str) -> Option<(&'static str, i64)> {
    WINDOWS.iter().copied().find(|(n, _)| *n == name)
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Summary {
    pub account_id: String,
    /// Unix ms, the hosted backend's clock.
    pub now: i64,
    /// True when more events than [`MAX_SAMPLES`] fell in the widest window.
    pub truncated: bool,
    pub windows: Vec<WindowSummary>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct WindowSummary {
    pub window: String,
    pub since: i64,
    #[serde(flatten)]
    pub total: Stats,
    pub by_name: BTreeMap<String, Stats>,
    pub by_peer: BTreeMap<String, Stats>,
}

/// Counts of one group. `error_rate` is errors / count (0 with no events); the percentiles
/// are nearest-rank over the events that carry a duration (`null` when none does).
#[derive(Debug, Default, PartialEq, Serialize, utoipa::ToSchema)]
pub struct Stats {
    pub count: u64,
    pub errors: u64,
    pub error_rate: f64,
    pub p50_ms: Option<f64>,
    pub p95_ms: Option<f64>,
}

pub async fn summarise(
    state: &AppState,
    account_id: &str,
    windows: &[(&'static str, i64)],
) -> ApiResult<Summary> {
    let now = state.clock.now_ms();
    let widest = windows.iter().map(|(_, len)| *len).max().unwrap_or(0);
    let samples = state
        .store
        .telemetry()
        .event_samples(account_id, now - widest, MAX_SAMPLES + 1)
        .await?;
    let truncated = samples.len() as i64 > MAX_SAMPLES;
    let samples = &samples[..samples.len().min(MAX_SAMPLES as usize)];
    let windows = windows
        .iter()
        .map(|(name, len)| {
            let since = now - len;
            let inside: Vec<&EventSample> = samples.iter().filter(|s| s.ts >= since).collect();
            WindowSummary {
                window: name.to_string(),
                since,
                total: stats(&inside),
                by_name: grouped(&inside, |s| &s.name),
                by_peer: grouped(&inside, |s| &s.peer_id),
            }
        })
        .collect();
    Ok(Summary {
        account_id: account_id.to_string(),
        now,
        truncated,
        windows,
    })
}

fn grouped<'a>(
    samples: &[&'a EventSample],
    key: impl Fn(&'a EventSample) -> &'a String,
) -> BTreeMap<String, Stats> {
    let mut groups: BTreeMap<&String, Vec<&EventSample>> = BTreeMap::new();
    for sample in samples {
        groups.entry(key(sample)).or_default().push(sample);
    }
    groups
        .into_iter()
        .map(|(k, group)| (k.clone(), stats(&group)))
        .collect()
}

fn stats(samples: &[&EventSample]) -> Stats {
    let count = samples.len() as u64;
    let errors = samples.iter().filter(|s| s.level == "error").count() as u64;
    let mut durations: Vec<f64> = samples.iter().filter_map(|s| s.duration_ms).collect();
    durations.sort_by(f64::total_cmp);
    Stats {
        count,
        errors,
        error_rate: if count == 0 {
            0.0
        } else {
            errors as f64 / count as f64
        },
        p50_ms: percentile(&durations, 50.0),
        p95_ms: percentile(&durations, 95.0),
    }
}

/// Nearest-rank percentile of sorted values: the smallest value with at least `p`% of the
/// values at or below it.
pub fn percentile(sorted: &[f64], p: f64) -> Option<f64> {
    if sorted.is_empty() {
        return None;
    }
    let rank = ((p / 100.0) * sorted.len() as f64).ceil().max(1.0) as usize;
    Some(sorted[rank.min(sorted.len()) - 1])
}

#[cfg(test)]
mod tests {
    use super::percentile;

    #[test]
    fn nearest_rank() {
        let v: Vec<f64> = (1..=100).map(f64::from).collect();
        assert_eq!(percentile(&v, 50.0), Some(50.0));
        assert_eq!(percentile(&v, 95.0), Some(95.0));
        assert_eq!(percentile(&[7.0], 95.0), Some(7.0));
        assert_eq!(percentile(&[1.0, 2.0, 3.0, 4.0], 50.0), Some(2.0));
        assert_eq!(percentile(&[], 50.0), None);
    }
}
