//! Whether the database is known to be down: one small state per store, shared by every
//! request. The first connection-class failure marks it down (one log line); while it is
//! down, requests answer at once instead of waiting on the pool for a connection that cannot
//! come, and a background probe tries a fresh connection every [`PROBE_INTERVAL`], each
//! given [`PROBE_TIMEOUT`]; the first probe that succeeds marks it up again (one log line),
//! and the next request is served as usual. docs/operations.md says what the operator sees.

use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex, Weak};
use std::time::{Duration, Instant};

use tokio::sync::watch;

/// How often a database known to be down is tried again.
pub const PROBE_INTERVAL: Duration = Duration::from_millis(250);

/// How long one probe may take before it counts as a failure.
pub const PROBE_TIMEOUT: Duration = Duration::from_secs(1);

/// One probe: a fresh connection and a trivial query; the error says why it failed.
pub type ProbeFuture = Pin<Box<dyn Future<Output = Result<(), String>> + Send>>;
type Probe = Box<dyn Fn() -> ProbeFuture + Send + Sync>;

pub struct DatabaseHealth {
    /// Which database, for the log lines (`postgres`).
    name: &'static str,
    probe: Probe,
    interval: Duration,
    timeout: Duration,
    /// `true` while the database is up; watchers see each change.
    up: watch::Sender<bool>,
    /// Since when it is down (for the line that says it is back).
    down_since: Mutex<Option<Instant>>,
}

impl DatabaseHealth {
    /// A database that is up, tried again with `probe` while it is down.
    pub fn new<F, Fut>(name: &'static str, probe: F) -> Arc<Self>
    where
        F: Fn() -> Fut + Send + Sync + 'static,
        Fut: Future<Output = Result<(), String>> + Send + 'static,
    {
        Self::with_timing(name, probe, PROBE_INTERVAL, PROBE_TIMEOUT)
    }

    /// [`DatabaseHealth::new`] with another probe interval and timeout.
    pub fn with_timing<F, Fut>(
        name: &'static str,
        probe: F,
        interval: Duration,
        timeout: Duration,
    ) -> Arc<Self>
    where
        F: Fn() -> Fut + Send + Sync + 'static,
        Fut: Future<Output = Result<(), String>> + Send + 'static,
    {
        Arc::new(Self {
            name,
            probe: Box::new(move || Box::pin(probe())),
            interval,
            timeout,
            up: watch::channel(true).0,
            down_since: Mutex::new(None),
        })
    }

    pub fn is_up(&self) -> bool {
        *self.up.borrow()
    }

    /// A receiver of every change (`true`: up again).
    pub fn subscribe(&self) -> watch::Receiver<bool> {
        self.up.subscribe()
    }

    /// Resolves when the database is marked down (at once if it is down now).
    pub async fn went_down(&self) {
        let mut changes = self.up.subscribe();
        let _ = changes.wait_for(|up| !*up).await;
    }

    /// Marks the database down because of `why`. Only the change from up logs, and starts
    /// the probe; returns whether this call made it.
    pub fn mark_down(self: &Arc<Self>, why: &str) -> bool {
        let changed = self.up.send_if_modified(|up| std::mem::replace(up, false));
        if !changed {
            return false;
        }
        *self.down_since.lock().expect("health lock") = Some(Instant::now());
        tracing::warn!(
            database = self.name,
            "the database is unreachable ({why}): requests answer 503 until it is back"
        );
        if let Ok(runtime) = tokio::runtime::Handle::try_current() {
            runtime.spawn(probe_until_up(Arc::downgrade(self)));
        }
        true
    }

    /// Marks the database up. Only the change from down logs; returns whether this call
    /// made it.
    pub fn mark_up(&self) -> bool {
        let changed = self.up.send_if_modified(|up| !std::mem::replace(up, true));
        if !changed {
            return false;
        }
        let since = self.down_since.lock().expect("health lock").take();
        let down_ms = since.map_or(0, |at| at.elapsed().as_millis() as u64);
        tracing::info!(
            database = self.name,
            down_ms,
            "the database is reachable again"
        );
        true
    }

    /// One probe, within the timeout.
    async fn probe_once(&self) -> Result<(), String> {
        match tokio::time::timeout(self.timeout, (self.probe)()).await {
            Ok(result) => result,
            Err(_) => Err(format!("no answer within {} ms", self.timeout.as_millis())),
        }
    }
}

/// Probes until a probe succeeds (then marks the database up) or the store is gone.
async fn probe_until_up(health: Weak<DatabaseHealth>) {
    loop {
        let Some(interval) = health.upgrade().map(|h| h.interval) else {
            return;
        };
        tokio::time::sleep(interval).await;
        let Some(health) = health.upgrade() else {
            return;
        };
        if health.is_up() {
            return;
        }
        match health.probe_once().await {
            Ok(()) => {
                health.mark_up();
                return;
            }
            Err(why) => {
                tracing::debug!(database = health.name, "the database is still down: {why}")
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicBool, AtomicU32, Ordering};

    use super::*;

    /// Log lines at INFO or above, written while the returned guard lives (this thread).
    #[derive(Clone, Default)]
    struct Lines(Arc<Mutex<Vec<u8>>>);

    impl std::io::Write for Lines {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            self.0.lock().unwrap().extend_from_slice(buf);
            Ok(buf.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    impl Lines {
        fn capture(&self) -> tracing::subscriber::DefaultGuard {
            let writer = self.clone();
            let subscriber = tracing_subscriber::fmt()
                .with_max_level(tracing::Level::INFO)
                .with_ansi(false)
                .with_writer(move || writer.clone())
                .finish();
            tracing::subscriber::set_default(subscriber)
        }

        fn text(&self) -> String {
            String::from_utf8(self.0.lock().unwrap().clone()).unwrap()
        }
    }

    /// A database whose answer the test sets, and how often it was probed.
    fn database(reachable: &Arc<AtomicBool>, probes: &Arc<AtomicU32>) -> Arc<DatabaseHealth> {
        let (reachable, probes) = (reachable.clone(), probes.clone());
        DatabaseHealth::with_timing(
            "postgres",
            move || {
                probes.fetch_add(1, Ordering::SeqCst);
                let up = reachable.load(Ordering::SeqCst);
                async move {
                    if up {
                        Ok(())
                    } else {
                        Err("connection refused".to_string())
                    }
                }
            },
            Duration::from_millis(5),
            Duration::from_millis(500),
        )
    }

    // One thread: the probe task runs where the log capture is installed.
    #[tokio::test(flavor = "current_thread")]
    async fn down_once_probed_until_it_answers_then_up_once() {
        let lines = Lines::default();
        let _capture = lines.capture();
        let reachable = Arc::new(AtomicBool::new(false));
        let probes = Arc::new(AtomicU32::new(0));
        let health = database(&reachable, &probes);
        let mut changes = health.subscribe();
        assert!(health.is_up(), "a new database is taken to be up");
        assert_eq!(probes.load(Ordering::SeqCst), 0, "no probe while up");

        assert!(health.mark_down("connection reset by peer"));
        for _ in 0..20 {
            assert!(
                !health.mark_down("connection reset by peer"),
                "down already"
            );
        }
        assert!(!health.is_up());
        health.went_down().await;

        // The probe keeps failing: still down, and tried again.
        changes.changed().await.unwrap();
        assert!(!*changes.borrow_and_update());
        while probes.load(Ordering::SeqCst) < 3 {
            tokio::task::yield_now().await;
            tokio::time::sleep(Duration::from_millis(1)).await;
        }
        assert!(!health.is_up());

        reachable.store(true, Ordering::SeqCst);
        tokio::time::timeout(Duration::from_secs(10), changes.wait_for(|up| *up))
            .await
            .expect("the probe marks it up")
            .unwrap();
        assert!(health.is_up());
        assert!(!health.mark_up(), "up already");
        let probed = probes.load(Ordering::SeqCst);

        let text = lines.text();
        let logged: Vec<&str> = text.lines().collect();
        assert_eq!(logged.len(), 2, "one line down, one up: {logged:?}");
        assert!(
            logged[0].contains("WARN") && logged[0].contains("connection reset by peer"),
            "{logged:?}"
        );
        assert!(
            logged[1].contains("INFO") && logged[1].contains("reachable again"),
            "{logged:?}"
        );

        // Up, nothing probes.
        tokio::task::yield_now().await;
        assert_eq!(probes.load(Ordering::SeqCst), probed);

        // A second outage is a second pair of lines.
        reachable.store(false, Ordering::SeqCst);
        assert!(health.mark_down("connection refused"));
        reachable.store(true, Ordering::SeqCst);
        tokio::time::timeout(Duration::from_secs(10), changes.wait_for(|up| *up))
            .await
            .expect("up again")
            .unwrap();
        assert_eq!(lines.text().lines().count(), 4, "{}", lines.text());
    }

    #[tokio::test(flavor = "current_thread")]
    async fn a_probe_that_hangs_counts_as_a_failure() {
        let health = DatabaseHealth::with_timing(
            "postgres",
            std::future::pending::<Result<(), String>>,
            Duration::from_millis(1),
            Duration::from_millis(20),
        );
        assert_eq!(
            health.probe_once().await,
            Err("no answer within 20 ms".to_string())
        );
    }
}
