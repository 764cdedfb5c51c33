//! The environment's layer: `BACKEND_8825_*` variables (and, on hosted, the platform's
//! `PORT` and `DATABASE_URL`), the advisor's `LLM_*` variables and the data dir's `.env`.

use std::path::PathBuf;

use super::layer::{
    AlertsLayer, AuditLayer, DatabaseLayer, HttpLayer, IdentityLayer, Layer, LogLayer,
    MetricsLayer, SyncLayer, TelemetryLayer,
};
use super::rate_limits::RateLimitsLayer;
use super::{ConfigError, Env, LlmConfig, LogFormat, Mode};
use crate::secret::Secret;

/// Reads `KEY=VALUE` lines (blank lines and `#` comments skipped, `export ` and matching
/// quotes allowed) from a `.env` file; a missing or unreadable file is empty.
pub fn read_dotenv(path: &std::path::Path) -> Env {
    let Ok(text) = std::fs::read_to_string(path) else {
        return Env::new();
    };
    text.lines()
        .filter_map(|line| {
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') {
                return None;
            }
            let line = line.strip_prefix("export ").unwrap_or(line);
            let (key, value) = line.split_once('=')?;
            let value = value.trim();
            let unquoted = [('"', '"'), ('\'', '\'')]
                .iter()
                .find_map(|(a, b)| value.strip_prefix(*a)?.strip_suffix(*b))
                .unwrap_or(value);
            Some((key.trim().to_string(), unquoted.to_string()))
        })
        .collect()
}

pub(super) fn llm_config(env: &Env, data_dir: &std::path::Path) -> LlmConfig {
    let dotenv = read_dotenv(&data_dir.join(".env"));
    let get = |name: &str| {
        env.get(name)
            .or_else(|| dotenv.get(name))
            .map(|v| v.trim().to_string())
            .filter(|v| !v.is_empty())
    };
    let base_url = get("LLM_BASE_URL");
    let provider = get("LLM_PROVIDER").or_else(|| base_url.as_ref().map(|_| "openai".into()));
    LlmConfig {
        provider,
        base_url,
        api_key: get("LLM_API_KEY").map(Secret::new),
        model: get("LLM_MODEL"),
    }
}

/// The profile `BACKEND_8825_MODE` names; unset or empty means local, like every other
/// variable, where empty means unset.
pub fn env_mode(env: &Env) -> Result<Mode, ConfigError> {
    match env.get("BACKEND_8825_MODE").map(|v| v.trim()) {
        None | Some("") => Ok(Mode::Local),
        Some(v) if v.eq_ignore_ascii_case("local") => Ok(Mode::Local),
        Some(v) if v.eq_ignore_ascii_case("hosted") => Ok(Mode::Hosted),
        Some(other) => Err(ConfigError::Env {
            name: "BACKEND_8825_MODE".into(),
            message: format!("expected local or hosted, got {other:?}"),
        }),
    }
}

pub(super) fn env_path(env: &Env, name: &str) -> Option<PathBuf> {
    env.get(name).filter(|v| !v.is_empty()).map(PathBuf::from)
}

pub(super) fn env_parse<T: std::str::FromStr>(
    env: &Env,
    name: &str,
) -> Result<Option<T>, ConfigError>
where
    T::Err: std::fmt::Display,
{
    match env.get(name).filter(|v| !v.is_empty()) {
        None => Ok(None),
        Some(raw) => raw.parse().map(Some).map_err(|_: T::Err| ConfigError::Env {
            name: name.to_string(),
            message: format!("expected {}, got {raw:?}", expected_value(name)),
        }),
    }
}

/// What an environment variable holds, in the words of its error message.
pub(super) fn expected_value(name: &str) -> &'static str {
    match name {
        "PORT" | "BACKEND_8825_PORT" => "a port number from 0 to 65535",
        "BACKEND_8825_BIND" => "an IP address such as 127.0.0.1 or 0.0.0.0",
        "BACKEND_8825_KEYCHAIN" | "BACKEND_8825_SYNC_AUTOMATIC" => "true or false",
        "BACKEND_8825_SYNC_INTERVAL_MS" => "a number of milliseconds",
        "BACKEND_8825_BODY_LIMIT_BYTES" | "BACKEND_8825_OUTBOX_MAX_BYTES" => "a number of bytes",
        "BACKEND_8825_AUDIT_RETENTION_DAYS" => "a number of days, 0 or more",
        "BACKEND_8825_AUDIT_COALESCE_WINDOW_SECS" => "a number of seconds, 0 or more",
        _ => "a whole number, 0 or more",
    }
}

/// Checks a log filter now, so a typo is an error instead of a silent `info`.
pub(super) fn check_log_filter(filter: &str, origin: &str) -> Result<(), ConfigError> {
    tracing_subscriber::EnvFilter::try_new(filter)
        .map(drop)
        .map_err(|e| ConfigError::Env {
            name: origin.to_string(),
            message: format!(
                "{filter:?} is not a log filter ({e}); write a level (error, warn, info, debug, \
                 trace) or directives such as \"backend_8825=debug,info\""
            ),
        })
}

/// The layer the environment gives. `PORT` and `DATABASE_URL` are the platform conventions
/// of a server, so only the hosted profile reads them; a developer's shell that exports them
/// for something else does not redirect the local daemon.
pub(super) fn env_layer(mode: Mode, env: &Env) -> Result<Layer, ConfigError> {
    let mut port = env_parse::<u16>(env, "BACKEND_8825_PORT")?;
    let mut url = env
        .get("BACKEND_8825_DATABASE_URL")
        .filter(|v| !v.is_empty())
        .cloned();
    if mode == Mode::Hosted {
        port = port.or(env_parse::<u16>(env, "PORT")?);
        url = url.or_else(|| env.get("DATABASE_URL").filter(|v| !v.is_empty()).cloned());
    }
    let format = match env.get("BACKEND_8825_LOG_FORMAT").map(String::as_str) {
        None | Some("") => None,
        Some("pretty") => Some(LogFormat::Pretty),
        Some("json") => Some(LogFormat::Json),
        Some(other) => {
            return Err(ConfigError::Env {
                name: "BACKEND_8825_LOG_FORMAT".into(),
                message: format!("expected pretty or json, got {other:?}"),
            });
        }
    };
    let filter = ["BACKEND_8825_LOG", "RUST_LOG"]
        .iter()
        .find_map(|name| Some((*name, env.get(*name).filter(|v| !v.is_empty())?)));
    if let Some((name, filter)) = filter {
        check_log_filter(filter, name)?;
    }
    let filter = filter.map(|(_, f)| f.clone());
    Ok(Layer {
        data_dir: env_path(env, "BACKEND_8825_DATA_DIR"),
        http: HttpLayer {
            bind: env_parse(env, "BACKEND_8825_BIND")?,
            port,
            body_limit_bytes: env_parse(env, "BACKEND_8825_BODY_LIMIT_BYTES")?,
            client_ip_header: env
                .get("BACKEND_8825_CLIENT_IP_HEADER")
                .filter(|v| !v.is_empty())
                .cloned(),
        },
        database: DatabaseLayer {
            url,
            max_connections: env_parse(env, "BACKEND_8825_DATABASE_MAX_CONNECTIONS")?,
        },
        identity: IdentityLayer {
            keychain: env_parse(env, "BACKEND_8825_KEYCHAIN")?,
            key_file: env_path(env, "BACKEND_8825_IDENTITY_KEY_FILE"),
            max_key_age_days: env_parse(env, "BACKEND_8825_IDENTITY_MAX_KEY_AGE_DAYS")?,
        },
        log: LogLayer { format, filter },
        sync: SyncLayer {
            interval_ms: env_parse(env, "BACKEND_8825_SYNC_INTERVAL_MS")?,
            automatic: env_parse(env, "BACKEND_8825_SYNC_AUTOMATIC")?,
            max_clock_offset_ms: env_parse(env, "BACKEND_8825_SYNC_MAX_CLOCK_OFFSET_MS")?,
        },
        telemetry: TelemetryLayer {
            outbox_max_items: env_parse(env, "BACKEND_8825_OUTBOX_MAX_ITEMS")?,
            outbox_max_bytes: env_parse(env, "BACKEND_8825_OUTBOX_MAX_BYTES")?,
        },
        rate_limits: RateLimitsLayer::from_env(env)?,
        audit: AuditLayer {
            retention_days: env_parse(env, "BACKEND_8825_AUDIT_RETENTION_DAYS")?,
            coalesce_window_secs: env_parse(env, "BACKEND_8825_AUDIT_COALESCE_WINDOW_SECS")?,
        },
        metrics: MetricsLayer {
            token: env
                .get("BACKEND_8825_METRICS_TOKEN")
                .filter(|v| !v.is_empty())
                .cloned(),
        },
        alerts: AlertsLayer {
            webhook_url: env
                .get("BACKEND_8825_ALERTS_WEBHOOK_URL")
                .filter(|v| !v.is_empty())
                .cloned(),
            evaluate_interval_secs: env_parse(env, "BACKEND_8825_ALERTS_EVALUATE_INTERVAL_SECS")?,
            lag_secs: env_parse(env, "BACKEND_8825_ALERTS_LAG_SECS")?,
            outbox_depth: env_parse(env, "BACKEND_8825_ALERTS_OUTBOX_DEPTH")?,
            error_rate_percent: env_parse(env, "BACKEND_8825_ALERTS_ERROR_RATE_PERCENT")?,
            consecutive_failures: env_parse(env, "BACKEND_8825_ALERTS_CONSECUTIVE_FAILURES")?,
            clock_skew_secs: env_parse(env, "BACKEND_8825_ALERTS_CLOCK_SKEW_SECS")?,
            sbt_expiry_secs: env_parse(env, "BACKEND_8825_ALERTS_SBT_EXPIRY_SECS")?,
            offline_secs: env_parse(env, "BACKEND_8825_ALERTS_OFFLINE_SECS")?,
            identity_grace_secs: env_parse(env, "BACKEND_8825_ALERTS_IDENTITY_GRACE_SECS")?,
        },
    })
}
