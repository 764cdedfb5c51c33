//! Log output: readable lines locally, one JSON object per line on hosted. Logs go to
//! stderr so that commands printing a result on stdout stay scriptable.

use std::io::IsTerminal;

use tracing_subscriber::EnvFilter;

use crate::config::LogFormat;

/// Postgres notices (`relation "_sqlx_migrations" already exists, skipping` on every start)
/// are the database talking to itself: hidden unless the filter names sqlx.
const QUIET_THIRD_PARTY: &str = "sqlx::postgres::notice=warn";

/// Installs the global subscriber. Returns quietly if one is installed already (tests).
/// The configuration checked the filter; an invalid one here falls back to `info`.
pub fn init(format: LogFormat, filter: &str) {
    let mut env_filter = EnvFilter::try_new(filter).unwrap_or_else(|_| EnvFilter::new("info"));
    if !filter.contains("sqlx")
        && let Ok(directive) = QUIET_THIRD_PARTY.parse()
    {
        env_filter = env_filter.add_directive(directive);
    }
    let filter = env_filter;
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
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
