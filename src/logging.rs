//! Log output: readable lines locally, one JSON object per line on hosted. Logs go to
//! stderr so that commands printing a result on stdout stay scriptable.

use std::io::IsTerminal;

use tracing_subscriber::EnvFilter;

use crate::config::LogFormat;

/// Postgres notices (`relation "_sqlx_migrations" already exists, skipping` on every start)
/// are the database talking to itself, and the pool's own lines about connections it found
/// broken (a warning for each, dozens when the server restarts) repeat what the daemon says
/// once when the database goes down (`resilience::database`): both hidden unless the filter
/// names sqlx.
const QUIET_THIRD_PARTY: &[&str] = &["sqlx::postgres::notice=warn", "sqlx_core::pool=off"];

/// The filter of the log: `filter` (checked by the configuration; an invalid one falls back
/// to `info`), with the third-party noise above hidden.
pub fn env_filter(filter: &str) -> EnvFilter {
    let mut env_filter = EnvFilter::try_new(filter).unwrap_or_else(|_| EnvFilter::new("info"));
    if !filter.contains("sqlx") {
        for quiet in QUIET_THIRD_PARTY {
            if let Ok(directive) = quiet.parse() {
                env_filter = env_filter.add_directive(directive);
            }
        }
    }
    env_filter
}

/// Installs the global subscriber. Returns quietly if one is installed already (tests).
pub fn init(format: LogFormat, filter: &str) {
    let builder = tracing_subscriber::fmt()
        .with_env_filter(env_filter(filter))
        .with_writer(std::io::stderr)
        .with_ansi(std::io::stderr().is_terminal());
    let _ = match format {
        LogFormat::Pretty => builder.try_init(),
        LogFormat::Json => builder
            .json()
            .flatten_event(true)
            .with_current_span(true)
            .try_init(),
    };
}
