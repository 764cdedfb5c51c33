//! Configuration: built-in defaults, then the profile file (`config/local.toml` or
//! `config/hosted.toml`, compiled in), then a `--config` file, then environment variables,
//! then command-line flags. Loading reads files and the given environment, and writes nothing.

mod env;
mod layer;
mod rate_limits;

use std::collections::HashMap;
use std::net::IpAddr;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::secret::Secret;
use crate::store::DatabaseKind;

use env::{check_log_filter, env_layer, env_path, llm_config};
pub use env::{env_mode, read_dotenv};
use layer::{DatabaseLayer, HttpLayer, Layer};
pub use rate_limits::{RateLimit, RateLimitsConfig};

const LOCAL_PROFILE: &str = include_str!("../../config/local.toml");
const HOSTED_PROFILE: &str = include_str!("../../config/hosted.toml");

/// The name used for the data dir, the keychain service and the service files.
pub const APP_NAME: &str = "backend-8825";

/// The default bound on how far ahead of this backend's clock a received version may be:
/// the signature window, within which the two clocks must agree anyway.
pub const DEFAULT_MAX_CLOCK_OFFSET_MS: u64 = 300_000;
/// The largest bound accepted (a day): more would let one peer push the clocks far ahead.
pub const MAX_MAX_CLOCK_OFFSET_MS: u64 = 86_400_000;

/// Which profile the daemon runs.
#[derive(
    Clone,
    Copy,
    Debug,
    PartialEq,
    Eq,
    serde::Serialize,
    Deserialize,
    clap::ValueEnum,
    utoipa::ToSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum Mode {
    /// On the user's machine: loopback only, SQLite, OS keychain, web UI.
    Local,
    /// On a server: accounts, many peers, usually Postgres.
    Hosted,
}

impl Mode {
    pub fn as_str(self) -> &'static str {
        match self {
            Mode::Local => "local",
            Mode::Hosted => "hosted",
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LogFormat {
    Pretty,
    Json,
}

/// The complete, validated configuration of one daemon.
#[derive(Clone, Debug)]
pub struct Config {
    pub mode: Mode,
    pub data_dir: PathBuf,
    pub http: HttpConfig,
    pub database: DatabaseConfig,
    pub identity: IdentityConfig,
    pub log: LogConfig,
    pub sync: SyncConfig,
    pub llm: LlmConfig,
    pub telemetry: TelemetryConfig,
    pub rate_limits: RateLimitsConfig,
    pub audit: AuditConfig,
    pub metrics: MetricsConfig,
    pub alerts: AlertsConfig,
}

/// `GET /metrics` (docs/operations.md).
#[derive(Clone, Debug, Default)]
pub struct MetricsConfig {
    /// The bearer token a hosted daemon asks of `GET /metrics`; unset, the route answers
    /// 401 to everyone. (A local daemon asks for its local secret or a UI session instead.)
    pub token: Option<Secret<String>>,
}

/// The alert rules' thresholds and where alerts go (docs/operations.md).
#[derive(Clone, Debug)]
pub struct AlertsConfig {
    /// Where each transition (fired, resolved) is also POSTed as JSON; unset: nowhere.
    pub webhook_url: Option<String>,
    /// How often the rules are evaluated.
    pub evaluate_interval: std::time::Duration,
    /// Fires when the last successful sync with a peer is older than this.
    pub lag_secs: u64,
    /// Fires when the telemetry outbox holds more rows than this.
    pub outbox_depth: i64,
    /// Fires when more than this share of a peer's recent syncs failed (over at least 5).
    pub error_rate_percent: u32,
    /// Fires when this many syncs with a peer failed in a row.
    pub consecutive_failures: u64,
    /// Fires when this clock and a peer's differ by more than this.
    pub clock_skew_secs: u64,
    /// Fires when a peer's SBT expires within this long.
    pub sbt_expiry_secs: u64,
    /// Fires when a peer has been unreachable (the network monitor's `offline`) this long.
    pub offline_secs: u64,
    /// Fires when a previous identity key's grace period ends within this long.
    pub identity_grace_secs: u64,
}

impl Default for AlertsConfig {
    fn default() -> Self {
        Self {
            webhook_url: None,
            evaluate_interval: std::time::Duration::from_secs(15),
            lag_secs: 900,
            outbox_depth: 500,
            error_rate_percent: 50,
            consecutive_failures: 3,
            clock_skew_secs: 60,
            sbt_expiry_secs: 3600,
            offline_secs: 30,
            identity_grace_secs: 86_400,
        }
    }
}

/// The audit log (docs/security.md).
#[derive(Clone, Debug)]
pub struct AuditConfig {
    /// Entries older than this many days are deleted (a checkpoint entry keeps the rest
    /// verifiable); 0 keeps every entry.
    pub retention_days: u32,
    /// Repeats of one refusal from one source within this window are counted, not written
    /// one by one; zero writes every refusal.
    pub coalesce_window: std::time::Duration,
}

/// The longest audit retention accepted, in days (a century; 0 keeps every entry).
pub const MAX_AUDIT_RETENTION_DAYS: u32 = 36_500;
/// The longest coalescing window accepted, in seconds: longer would hold counts in memory,
/// where a crash loses them, for longer.
pub const MAX_AUDIT_COALESCE_WINDOW_SECS: u64 = 3_600;

#[derive(Clone, Debug)]
pub struct TelemetryConfig {
    /// The local outbox's cap in rows; past it the oldest are dropped and counted.
    pub outbox_max_items: i64,
    /// The local outbox's cap in bytes of serialised events.
    pub outbox_max_bytes: i64,
}

/// The language-model provider of the advisor endpoint, from the environment or from a
/// `.env` file in the data dir (the environment wins). Never written to a log.
#[derive(Clone, Debug, Default)]
pub struct LlmConfig {
    /// `echo`, `openai` (any OpenAI-compatible chat-completions endpoint), or unset.
    pub provider: Option<String>,
    pub base_url: Option<String>,
    pub api_key: Option<Secret<String>>,
    pub model: Option<String>,
}

#[derive(Clone, Debug)]
pub struct SyncConfig {
    /// How often a local daemon syncs with each peer when nothing wakes it sooner.
    pub interval: std::time::Duration,
    /// Whether the local daemon syncs on its own (on the interval and after writes); when
    /// off, only `POST /peers/{peer_id}/sync` and `backend-8825 sync` sync.
    pub automatic: bool,
    /// How far ahead of this backend's clock a received version may be stamped, in
    /// milliseconds; a version further ahead is refused (`clock_offset_exceeded`), so no
    /// peer can move the clocks of others by more than this.
    pub max_clock_offset_ms: i64,
}

#[derive(Clone, Debug)]
pub struct HttpConfig {
    pub bind: IpAddr,
    pub port: u16,
    /// Largest request body accepted, in bytes; larger ones get 413.
    pub body_limit_bytes: usize,
    /// A header that carries the client's address, set by a proxy in front of the daemon
    /// (`Fly-Client-IP` on Fly.io). Unset: the TCP peer address. Only set it behind a proxy
    /// that overwrites the header, or clients choose their own address.
    pub client_ip_header: Option<String>,
}

#[derive(Clone, Debug)]
pub struct DatabaseConfig {
    /// May hold a password, so it is a secret.
    pub url: Secret<String>,
    pub kind: DatabaseKind,
    pub max_connections: u32,
}

#[derive(Clone, Debug)]
pub struct IdentityConfig {
    /// Use the OS keychain for the identity key (falls back to `key_file` when none works).
    pub keychain: bool,
    /// The identity key as a PKCS#8 PEM, from the environment (hosted deployments).
    pub key_pem: Option<Secret<String>>,
    /// An explicit file for the key (read, or written on first start). Unset: the key is
    /// kept in the keychain or, without one, in `<data_dir>/secrets/`.
    pub key_file: Option<PathBuf>,
    /// Warn at start when the identity key is older than this many days (unset or 0: off).
    pub max_key_age_days: Option<u32>,
}

#[derive(Clone, Debug)]
pub struct LogConfig {
    pub format: LogFormat,
    /// A `tracing` filter such as `info` or `backend_8825=debug,info`.
    pub filter: String,
}

/// Values given on the command line; each one set wins over every other source.
#[derive(Clone, Debug, Default)]
pub struct Overrides {
    pub bind: Option<IpAddr>,
    pub port: Option<u16>,
    pub data_dir: Option<PathBuf>,
    pub database_url: Option<String>,
    pub config_file: Option<PathBuf>,
}

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("cannot read config file {path}")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("invalid config in {origin}: {message}")]
    Parse { origin: String, message: String },
    #[error("invalid value for {name}: {message}")]
    Env { name: String, message: String },
    #[error("cannot find a data directory: set HOME or XDG_DATA_HOME, or pass --data-dir")]
    NoDataDir,
    #[error(
        "hosted mode needs a database: set DATABASE_URL=postgres://... (or pass --database-url; \
         an explicit sqlite: URL is accepted for a one-user self-host)"
    )]
    NoDatabase,
    #[error("{0}")]
    Database(String),
}

/// The environment as a plain map, so tests can pass their own without touching the process.
pub type Env = HashMap<String, String>;

/// The process environment, for `main`.
pub fn process_env() -> Env {
    std::env::vars().collect()
}

impl Config {
    /// The directory of the owner-only files that hold secrets when no keychain is used.
    pub fn secrets_dir(&self) -> PathBuf {
        self.data_dir.join("secrets")
    }

    /// Builds the configuration of `mode` from every source, in order of precedence.
    pub fn load(mode: Mode, overrides: &Overrides, env: &Env) -> Result<Config, ConfigError> {
        let (profile, origin) = match mode {
            Mode::Local => (LOCAL_PROFILE, "config/local.toml"),
            Mode::Hosted => (HOSTED_PROFILE, "config/hosted.toml"),
        };
        let mut layer = Layer::parse(profile, origin)?;
        let file = overrides
            .config_file
            .clone()
            .or_else(|| env_path(env, "BACKEND_8825_CONFIG"));
        if let Some(path) = file {
            let text = std::fs::read_to_string(&path).map_err(|source| ConfigError::Read {
                path: path.clone(),
                source,
            })?;
            let mut file_layer = Layer::parse(&text, &path.display().to_string())?;
            file_layer.resolve_paths(&path);
            if let Some(filter) = &file_layer.log.filter {
                check_log_filter(filter, &format!("log.filter in {}", path.display()))?;
            }
            layer.merge(file_layer);
        }
        layer.merge(env_layer(mode, env)?);
        layer.merge(Layer {
            data_dir: overrides.data_dir.clone(),
            http: HttpLayer {
                bind: overrides.bind,
                port: overrides.port,
                body_limit_bytes: None,
                client_ip_header: None,
            },
            database: DatabaseLayer {
                url: overrides.database_url.clone(),
                max_connections: None,
            },
            ..Layer::default()
        });
        finish(mode, layer, env)
    }
}

/// The platform's data directory for this application: `~/Library/Application
/// Support/backend-8825` on macOS, `$XDG_DATA_HOME/backend-8825` (or
/// `~/.local/share/backend-8825`) elsewhere.
pub fn default_data_dir(env: &Env) -> Option<PathBuf> {
    let home = env.get("HOME").filter(|h| !h.is_empty()).map(PathBuf::from);
    if cfg!(target_os = "macos") {
        return home.map(|h| h.join("Library/Application Support").join(APP_NAME));
    }
    let xdg = env
        .get("XDG_DATA_HOME")
        .filter(|v| Path::new(v).is_absolute())
        .map(PathBuf::from);
    xdg.or_else(|| home.map(|h| h.join(".local/share")))
        .map(|d| d.join(APP_NAME))
}

fn finish(mode: Mode, layer: Layer, env: &Env) -> Result<Config, ConfigError> {
    let data_dir = match layer.data_dir {
        Some(dir) => dir,
        None => default_data_dir(env).ok_or(ConfigError::NoDataDir)?,
    };
    let data_dir = std::path::absolute(&data_dir).unwrap_or(data_dir);
    let url = match (layer.database.url, mode) {
        (Some(url), _) => url,
        (None, Mode::Local) => format!("sqlite://{}", data_dir.join("backend-8825.db").display()),
        (None, Mode::Hosted) => return Err(ConfigError::NoDatabase),
    };
    if mode == Mode::Local && !url.starts_with("sqlite:") {
        return Err(ConfigError::Database(
            "local mode keeps its data in SQLite: give a sqlite: URL or leave the database \
             URL unset to use the data dir"
                .into(),
        ));
    }
    let kind = DatabaseKind::from_url(&url).map_err(ConfigError::Database)?;
    let key_pem = env
        .get("BACKEND_8825_IDENTITY_KEY")
        .filter(|v| !v.is_empty());
    let llm = llm_config(env, &data_dir);
    Ok(Config {
        mode,
        llm,
        http: HttpConfig {
            bind: layer.http.bind.unwrap_or(IpAddr::from([127, 0, 0, 1])),
            port: layer.http.port.unwrap_or(8825),
            body_limit_bytes: layer.http.body_limit_bytes.unwrap_or(1024 * 1024),
            client_ip_header: layer.http.client_ip_header.filter(|h| !h.is_empty()),
        },
        database: DatabaseConfig {
            url: Secret::new(url),
            kind,
            max_connections: layer.database.max_connections.unwrap_or(10).max(1),
        },
        identity: IdentityConfig {
            keychain: layer.identity.keychain.unwrap_or(mode == Mode::Local),
            key_pem: key_pem.cloned().map(Secret::new),
            // A relative path from the environment is relative to the working directory at
            // start: fixed now, so a later change of directory cannot move it.
            key_file: layer
                .identity
                .key_file
                .map(|p| std::path::absolute(&p).unwrap_or(p)),
            max_key_age_days: layer.identity.max_key_age_days.filter(|days| *days > 0),
        },
        log: LogConfig {
            format: layer.log.format.unwrap_or(LogFormat::Pretty),
            filter: layer.log.filter.unwrap_or_else(|| "info".to_string()),
        },
        sync: SyncConfig {
            interval: std::time::Duration::from_millis(
                layer.sync.interval_ms.unwrap_or(5_000).max(100),
            ),
            automatic: layer.sync.automatic.unwrap_or(true),
            max_clock_offset_ms: layer
                .sync
                .max_clock_offset_ms
                .unwrap_or(DEFAULT_MAX_CLOCK_OFFSET_MS)
                .clamp(1_000, MAX_MAX_CLOCK_OFFSET_MS) as i64,
        },
        telemetry: TelemetryConfig {
            outbox_max_items: layer.telemetry.outbox_max_items.unwrap_or(1_000).max(1),
            outbox_max_bytes: layer
                .telemetry
                .outbox_max_bytes
                .unwrap_or(100 * 1024 * 1024)
                .max(1024),
        },
        rate_limits: layer.rate_limits.finish(),
        audit: AuditConfig {
            retention_days: layer
                .audit
                .retention_days
                .unwrap_or(90)
                .min(MAX_AUDIT_RETENTION_DAYS),
            coalesce_window: std::time::Duration::from_secs(
                layer
                    .audit
                    .coalesce_window_secs
                    .unwrap_or(60)
                    .min(MAX_AUDIT_COALESCE_WINDOW_SECS),
            ),
        },
        metrics: MetricsConfig {
            token: layer
                .metrics
                .token
                .filter(|t| !t.trim().is_empty())
                .map(Secret::new),
        },
        alerts: alerts_config(layer.alerts),
        data_dir,
    })
}

fn alerts_config(layer: layer::AlertsLayer) -> AlertsConfig {
    let default = AlertsConfig::default();
    AlertsConfig {
        webhook_url: layer.webhook_url.filter(|u| !u.trim().is_empty()),
        evaluate_interval: layer
            .evaluate_interval_secs
            .map_or(default.evaluate_interval, |s| {
                std::time::Duration::from_secs(s.max(1))
            }),
        lag_secs: layer.lag_secs.unwrap_or(default.lag_secs).max(1),
        outbox_depth: layer.outbox_depth.unwrap_or(default.outbox_depth).max(1),
        error_rate_percent: layer
            .error_rate_percent
            .unwrap_or(default.error_rate_percent)
            .clamp(1, 100),
        consecutive_failures: layer
            .consecutive_failures
            .unwrap_or(default.consecutive_failures)
            .max(1),
        clock_skew_secs: layer
            .clock_skew_secs
            .unwrap_or(default.clock_skew_secs)
            .max(1),
        sbt_expiry_secs: layer.sbt_expiry_secs.unwrap_or(default.sbt_expiry_secs),
        offline_secs: layer.offline_secs.unwrap_or(default.offline_secs),
        identity_grace_secs: layer
            .identity_grace_secs
            .unwrap_or(default.identity_grace_secs),
    }
}

#[cfg(test)]
mod tests;
