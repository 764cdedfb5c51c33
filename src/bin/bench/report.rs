//! Figures and their Markdown table.

use std::time::Duration;

/// One line of the results table: what was measured, the figure, and the target it is held
/// to (empty when none is set).
#[derive(Clone, Debug)]
pub struct Row {
    pub scenario: &'static str,
    pub metric: String,
    pub value: String,
    pub target: &'static str,
}

impl Row {
    pub fn new(
        scenario: &'static str,
        metric: impl Into<String>,
        value: impl Into<String>,
    ) -> Self {
        Self {
            scenario,
            metric: metric.into(),
            value: value.into(),
            target: "",
        }
    }

    pub fn target(mut self, target: &'static str) -> Self {
        self.target = target;
        self
    }
}

/// Prints rows as they are measured, so a long run shows progress.
pub fn print_rows(rows: &[Row]) {
    for r in rows {
        eprintln!(
            "  {:<16} {:<48} {:>18}  {}",
            r.scenario, r.metric, r.value, r.target
        );
    }
}

pub fn markdown(rows: &[Row]) -> String {
    let mut out = String::from("| scenario | metric | value | target |\n|---|---|---|---|\n");
    for r in rows {
        out.push_str(&format!(
            "| {} | {} | {} | {} |\n",
            r.scenario, r.metric, r.value, r.target
        ));
    }
    out
}

/// The `q`-quantile (0..=1) of `samples` by nearest rank; sorts them.
pub fn quantile(samples: &mut [Duration], q: f64) -> Duration {
    if samples.is_empty() {
        return Duration::ZERO;
    }
    samples.sort_unstable();
    let rank = ((q * samples.len() as f64).ceil() as usize).clamp(1, samples.len());
    samples[rank - 1]
}

pub fn ms(d: Duration) -> String {
    format!("{:.1} ms", d.as_secs_f64() * 1000.0)
}

/// `p50 / p95 / p99` of `samples`, in milliseconds.
pub fn percentiles(samples: &mut [Duration]) -> String {
    format!(
        "{:.1} / {:.1} / {:.1} ms",
        quantile(samples, 0.50).as_secs_f64() * 1000.0,
        quantile(samples, 0.95).as_secs_f64() * 1000.0,
        quantile(samples, 0.99).as_secs_f64() * 1000.0
    )
}

pub fn rate(count: usize, took: Duration) -> f64 {
    count as f64 / took.as_secs_f64().max(1e-9)
}

/// The load average and the machine, for the record of a run.
pub fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .map(|l| l.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_else(|_| "?".into())
}
