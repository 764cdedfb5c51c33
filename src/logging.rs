//! Log output: readable lines locally, one JSON object per line on hosted. Logs go to
//! stderr so that commands printing a result on stdout stay scriptable.
//!
//! Each line can pass through a redactor before it is written (docs/privacy.md): the daemon
//! installs one with [`set_redactor`] and turns it on or off with [`set_redaction`] as its
//! privacy settings say. This module knows only the function, not what it finds.

use std::borrow::Cow;
use std::io::{IsTerminal, Write};
use std::sync::OnceLock;
use std::sync::atomic::{AtomicBool, Ordering};

use tracing_subscriber::EnvFilter;
use tracing_subscriber::fmt::MakeWriter;

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

/// A function that replaces personal data in a line of text.
pub type Redactor = fn(&str) -> Cow<'_, str>;

static REDACTOR: OnceLock<Redactor> = OnceLock::new();
static REDACTING: AtomicBool = AtomicBool::new(true);

/// Installs the redactor log lines pass through (the first call wins).
pub fn set_redactor(redactor: Redactor) {
    let _ = REDACTOR.set(redactor);
}

/// Turns redaction of log lines on or off (on until told otherwise).
pub fn set_redaction(on: bool) {
    REDACTING.store(on, Ordering::Relaxed);
}

/// Installs the global subscriber. Returns quietly if one is installed already (tests).
pub fn init(format: LogFormat, filter: &str) {
    let builder = tracing_subscriber::fmt()
        .with_env_filter(env_filter(filter))
        .with_writer(Redacting::new(std::io::stderr))
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

/// A writer maker whose writers pass each line through the redactor (the installed one,
/// or one of its own), while redaction is on. The formatter writes each event as one call,
/// so a line is whole.
#[derive(Clone, Copy)]
pub struct Redacting<M> {
    make: M,
    redactor: Option<Redactor>,
}

impl<M> Redacting<M> {
    /// With the redactor [`set_redactor`] installs.
    pub fn new(make: M) -> Self {
        Self {
            make,
            redactor: None,
        }
    }

    /// With `redactor`, whatever is installed.
    pub fn with(make: M, redactor: Redactor) -> Self {
        Self {
            make,
            redactor: Some(redactor),
        }
    }
}

impl<'a, M: MakeWriter<'a>> MakeWriter<'a> for Redacting<M> {
    type Writer = RedactingWriter<M::Writer>;

    fn make_writer(&'a self) -> Self::Writer {
        let redactor = self.redactor.or_else(|| REDACTOR.get().copied());
        RedactingWriter {
            inner: self.make.make_writer(),
            redactor: redactor.filter(|_| REDACTING.load(Ordering::Relaxed)),
        }
    }
}

pub struct RedactingWriter<W> {
    inner: W,
    redactor: Option<Redactor>,
}

impl<W: Write> Write for RedactingWriter<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        match (self.redactor, std::str::from_utf8(buf)) {
            (Some(redact), Ok(text)) => {
                self.inner.write_all(redact(text).as_bytes())?;
                Ok(buf.len())
            }
            _ => self.inner.write(buf),
        }
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.inner.flush()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Clone, Default)]
    struct Lines(std::sync::Arc<std::sync::Mutex<Vec<u8>>>);

    impl Write for Lines {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            self.0.lock().unwrap().extend_from_slice(buf);
            Ok(buf.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    fn stars(text: &str) -> Cow<'_, str> {
        match text.contains("secret") {
            true => Cow::Owned(text.replace("secret", "[X]")),
            false => Cow::Borrowed(text),
        }
    }

    #[test]
    fn lines_pass_through_the_redactor() {
        let lines = Lines::default();
        let writer = lines.clone();
        let subscriber = tracing_subscriber::fmt()
            .with_ansi(false)
            .with_writer(Redacting::with(move || writer.clone(), stars))
            .finish();
        tracing::subscriber::with_default(subscriber, || {
            tracing::info!(who = "a secret", "the secret is out");
        });
        let text = String::from_utf8(lines.0.lock().unwrap().clone()).unwrap();
        assert!(text.contains("the [X] is out"), "{text}");
        assert!(text.contains("who=\"a [X]\""), "{text}");
        assert!(!text.contains("secret"), "{text}");
    }
}
