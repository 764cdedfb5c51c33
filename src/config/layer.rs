//! The layers of configuration as TOML files write them (every key optional), and how a
//! higher layer overrides a lower one.

use std::net::IpAddr;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use super::rate_limits::RateLimitsLayer;
use super::{ConfigError, LogFormat};

/// One layer of configuration as it appears in a TOML file; unknown keys are errors, so a
/// misspelt key is reported instead of silently ignored.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct Layer {
    pub(super) data_dir: Option<PathBuf>,
    #[serde(default)]
    pub(super) http: HttpLayer,
    #[serde(default)]
    pub(super) database: DatabaseLayer,
    #[serde(default)]
    pub(super) identity: IdentityLayer,
    #[serde(default)]
    pub(super) log: LogLayer,
    #[serde(default)]
    pub(super) sync: SyncLayer,
    #[serde(default)]
    pub(super) telemetry: TelemetryLayer,
    #[serde(default)]
    pub(super) rate_limits: RateLimitsLayer,
    #[serde(default)]
    pub(super) audit: AuditLayer,
    #[serde(default)]
    pub(super) metrics: MetricsLayer,
    #[serde(default)]
    pub(super) alerts: AlertsLayer,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct MetricsLayer {
    pub(super) token: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct AlertsLayer {
    pub(super) webhook_url: Option<String>,
    pub(super) evaluate_interval_secs: Option<u64>,
    pub(super) lag_secs: Option<u64>,
    pub(super) outbox_depth: Option<i64>,
    pub(super) error_rate_percent: Option<u32>,
    pub(super) consecutive_failures: Option<u64>,
    pub(super) clock_skew_secs: Option<u64>,
    pub(super) sbt_expiry_secs: Option<u64>,
    pub(super) offline_secs: Option<u64>,
    pub(super) identity_grace_secs: Option<u64>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct AuditLayer {
    pub(super) retention_days: Option<u32>,
    pub(super) coalesce_window_secs: Option<u64>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct TelemetryLayer {
    pub(super) outbox_max_items: Option<i64>,
    pub(super) outbox_max_bytes: Option<i64>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct SyncLayer {
    pub(super) interval_ms: Option<u64>,
    pub(super) automatic: Option<bool>,
    pub(super) max_clock_offset_ms: Option<u64>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct HttpLayer {
    pub(super) bind: Option<IpAddr>,
    pub(super) port: Option<u16>,
    pub(super) body_limit_bytes: Option<usize>,
    pub(super) client_ip_header: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct DatabaseLayer {
    pub(super) url: Option<String>,
    pub(super) max_connections: Option<u32>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct IdentityLayer {
    pub(super) keychain: Option<bool>,
    pub(super) key_file: Option<PathBuf>,
    pub(super) max_key_age_days: Option<u32>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct LogLayer {
    pub(super) format: Option<LogFormat>,
    pub(super) filter: Option<String>,
}

impl Layer {
    pub(super) fn parse(text: &str, origin: &str) -> Result<Self, ConfigError> {
        toml::from_str(text).map_err(|e| ConfigError::Parse {
            origin: origin.to_string(),
            message: crate::humanize::toml_error(text, &e),
        })
    }

    /// Makes the relative paths of a config file relative to the file's own directory (as
    /// a reader of the file expects), not to wherever the daemon was started.
    pub(super) fn resolve_paths(&mut self, file: &Path) {
        let base = std::path::absolute(file)
            .ok()
            .and_then(|f| f.parent().map(Path::to_path_buf));
        let Some(base) = base else { return };
        for path in [&mut self.data_dir, &mut self.identity.key_file] {
            if let Some(p) = path.as_mut().filter(|p| p.is_relative()) {
                *p = base.join(&*p);
            }
        }
    }

    /// Overwrites every field of `self` that `top` sets.
    pub(super) fn merge(&mut self, top: Layer) {
        fn set<T>(slot: &mut Option<T>, value: Option<T>) {
            if value.is_some() {
                *slot = value;
            }
        }
        set(&mut self.data_dir, top.data_dir);
        set(&mut self.http.bind, top.http.bind);
        set(&mut self.http.port, top.http.port);
        set(&mut self.http.body_limit_bytes, top.http.body_limit_bytes);
        set(&mut self.http.client_ip_header, top.http.client_ip_header);
        set(&mut self.database.url, top.database.url);
        set(
            &mut self.database.max_connections,
            top.database.max_connections,
        );
        set(&mut self.identity.keychain, top.identity.keychain);
        set(&mut self.identity.key_file, top.identity.key_file);
        set(
            &mut self.identity.max_key_age_days,
            top.identity.max_key_age_days,
        );
        set(&mut self.log.format, top.log.format);
        set(&mut self.log.filter, top.log.filter);
        set(&mut self.sync.interval_ms, top.sync.interval_ms);
        set(&mut self.sync.automatic, top.sync.automatic);
        set(
            &mut self.sync.max_clock_offset_ms,
            top.sync.max_clock_offset_ms,
        );
        set(
            &mut self.telemetry.outbox_max_items,
            top.telemetry.outbox_max_items,
        );
        set(
            &mut self.telemetry.outbox_max_bytes,
            top.telemetry.outbox_max_bytes,
        );
        self.rate_limits.merge(top.rate_limits);
        set(&mut self.metrics.token, top.metrics.token);
        let (alerts, top_alerts) = (&mut self.alerts, top.alerts);
        set(&mut alerts.webhook_url, top_alerts.webhook_url);
        set(
            &mut alerts.evaluate_interval_secs,
            top_alerts.evaluate_interval_secs,
        );
        set(&mut alerts.lag_secs, top_alerts.lag_secs);
        set(&mut alerts.outbox_depth, top_alerts.outbox_depth);
        set(
            &mut alerts.error_rate_percent,
            top_alerts.error_rate_percent,
        );
        set(
            &mut alerts.consecutive_failures,
            top_alerts.consecutive_failures,
        );
        set(&mut alerts.clock_skew_secs, top_alerts.clock_skew_secs);
        set(&mut alerts.sbt_expiry_secs, top_alerts.sbt_expiry_secs);
        set(&mut alerts.offline_secs, top_alerts.offline_secs);
        set(
            &mut alerts.identity_grace_secs,
            top_alerts.identity_grace_secs,
        );
        set(&mut self.audit.retention_days, top.audit.retention_days);
        set(
            &mut self.audit.coalesce_window_secs,
            top.audit.coalesce_window_secs,
        );
    }
}
