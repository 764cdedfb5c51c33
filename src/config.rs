//! Configuration: built-in defaults, then the profile file (`config/local.toml` or
//! `config/hosted.toml`, compiled in), then a `--config` file, then environment variables,
//! then command-line flags. Loading reads files and the given environment, and writes nothing.

use std::collections::HashMap;
use std::net::IpAddr;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::secret::Secret;
use crate::store::DatabaseKind;

const LOCAL_PROFILE: &str = include_str!("../config/local.toml");
const HOSTED_PROFILE: &str = include_str!("../config/hosted.toml");

/// The name used for the data dir, the keychain service and the service files.
pub const APP_NAME: &str = "backend-8825";

/// Which profile the daemon runs.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, Deserialize, clap::ValueEnum)]
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
}

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

fn llm_config(env: &Env, data_dir: &std::path::Path) -> LlmConfig {
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

#[derive(Clone, Debug)]
pub struct SyncConfig {
    /// How often a local daemon syncs with each peer when nothing wakes it sooner.
    pub interval: std::time::Duration,
    /// Whether the local daemon syncs on its own (on the interval and after writes); when
    /// off, only `POST /peers/{peer_id}/sync` and `backend-8825 sync` sync.
    pub automatic: bool,
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

/// One layer of configuration as it appears in a TOML file; unknown keys are errors, so a
/// misspelt key is reported instead of silently ignored.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct Layer {
    data_dir: Option<PathBuf>,
    #[serde(default)]
    http: HttpLayer,
    #[serde(default)]
    database: DatabaseLayer,
    #[serde(default)]
    identity: IdentityLayer,
    #[serde(default)]
    log: LogLayer,
    #[serde(default)]
    sync: SyncLayer,
    #[serde(default)]
    telemetry: TelemetryLayer,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct TelemetryLayer {
    outbox_max_items: Option<i64>,
    outbox_max_bytes: Option<i64>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct SyncLayer {
    interval_ms: Option<u64>,
    automatic: Option<bool>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct HttpLayer {
    bind: Option<IpAddr>,
    port: Option<u16>,
    body_limit_bytes: Option<usize>,
    client_ip_header: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct DatabaseLayer {
    url: Option<String>,
    max_connections: Option<u32>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct IdentityLayer {
    keychain: Option<bool>,
    key_file: Option<PathBuf>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct LogLayer {
    format: Option<LogFormat>,
    filter: Option<String>,
}

impl Layer {
    fn parse(text: &str, origin: &str) -> Result<Self, ConfigError> {
        toml::from_str(text).map_err(|e| ConfigError::Parse {
            origin: origin.to_string(),
            message: crate::humanize::toml_error(text, &e),
        })
    }

    /// Makes the relative paths of a config file relative to the file's own directory (as
    /// a reader of the file expects), not to wherever the daemon was started.
    fn resolve_paths(&mut self, file: &Path) {
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
    fn merge(&mut self, top: Layer) {
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
        set(&mut self.log.format, top.log.format);
        set(&mut self.log.filter, top.log.filter);
        set(&mut self.sync.interval_ms, top.sync.interval_ms);
        set(&mut self.sync.automatic, top.sync.automatic);
        set(
            &mut self.telemetry.outbox_max_items,
            top.telemetry.outbox_max_items,
        );
        set(
            &mut self.telemetry.outbox_max_bytes,
            top.telemetry.outbox_max_bytes,
        );
    }
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

fn env_path(env: &Env, name: &str) -> Option<PathBuf> {
    env.get(name).filter(|v| !v.is_empty()).map(PathBuf::from)
}

fn env_parse<T: std::str::FromStr>(env: &Env, name: &str) -> Result<Option<T>, ConfigError>
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
fn expected_value(name: &str) -> &'static str {
    match name {
        "PORT" | "BACKEND_8825_PORT" => "a port number from 0 to 65535",
        "BACKEND_8825_BIND" => "an IP address such as 127.0.0.1 or 0.0.0.0",
        "BACKEND_8825_KEYCHAIN" | "BACKEND_8825_SYNC_AUTOMATIC" => "true or false",
        "BACKEND_8825_SYNC_INTERVAL_MS" => "a number of milliseconds",
        "BACKEND_8825_BODY_LIMIT_BYTES" | "BACKEND_8825_OUTBOX_MAX_BYTES" => "a number of bytes",
        _ => "a whole number, 0 or more",
    }
}

/// Checks a log filter now, so a typo is an error instead of a silent `info`.
fn check_log_filter(filter: &str, origin: &str) -> Result<(), ConfigError> {
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
fn env_layer(mode: Mode, env: &Env) -> Result<Layer, ConfigError> {
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
        },
        log: LogLayer { format, filter },
        sync: SyncLayer {
            interval_ms: env_parse(env, "BACKEND_8825_SYNC_INTERVAL_MS")?,
            automatic: env_parse(env, "BACKEND_8825_SYNC_AUTOMATIC")?,
        },
        telemetry: TelemetryLayer {
            outbox_max_items: env_parse(env, "BACKEND_8825_OUTBOX_MAX_ITEMS")?,
            outbox_max_bytes: env_parse(env, "BACKEND_8825_OUTBOX_MAX_BYTES")?,
        },
    })
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
        },
        telemetry: TelemetryConfig {
            outbox_max_items: layer.telemetry.outbox_max_items.unwrap_or(1_000).max(1),
            outbox_max_bytes: layer
                .telemetry
                .outbox_max_bytes
                .unwrap_or(100 * 1024 * 1024)
                .max(1024),
        },
        data_dir,
    })
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_llm_provider_comes_from_the_environment_then_the_data_dirs_dotenv() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join(".env"),
            "# provider\nexport LLM_BASE_URL=\"http://dotenv.example/v1\"\nLLM_MODEL='m-from-file'\n\nLLM_API_KEY=sk-file\n",
        )
        .unwrap();
        let mut env = super::Env::new();
        env.insert("LLM_MODEL".into(), "m-from-env".into());
        let llm = super::llm_config(&env, dir.path());
        assert_eq!(llm.base_url.as_deref(), Some("http://dotenv.example/v1"));
        assert_eq!(
            llm.model.as_deref(),
            Some("m-from-env"),
            "the environment wins"
        );
        assert_eq!(
            llm.provider.as_deref(),
            Some("openai"),
            "a base URL implies openai"
        );
        assert_eq!(
            llm.api_key.as_ref().map(|k| k.expose().as_str()),
            Some("sk-file")
        );
        assert!(
            !format!("{llm:?}").contains("sk-file"),
            "the key stays out of Debug"
        );
        let none = super::llm_config(&super::Env::new(), &dir.path().join("missing"));
        assert!(none.provider.is_none() && none.base_url.is_none());
    }

    use super::*;

    fn env(pairs: &[(&str, &str)]) -> Env {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn local_defaults_come_from_the_profile() {
        let c = Config::load(
            Mode::Local,
            &Overrides::default(),
            &env(&[("HOME", "/home/u")]),
        )
        .unwrap();
        assert_eq!(c.http.bind.to_string(), "127.0.0.1");
        assert_eq!(c.http.port, 8825);
        assert!(c.identity.keychain);
        assert_eq!(c.database.kind, DatabaseKind::Sqlite);
        if !cfg!(target_os = "macos") {
            assert_eq!(
                c.data_dir,
                PathBuf::from("/home/u/.local/share/backend-8825")
            );
        }
        assert!(
            c.database
                .url
                .expose()
                .ends_with("backend-8825/backend-8825.db")
        );
    }

    #[test]
    fn hosted_reads_port_and_database_url_and_flags_win() {
        let e = env(&[
            ("PORT", "9000"),
            ("DATABASE_URL", "postgres://db/x"),
            ("HOME", "/h"),
        ]);
        let c = Config::load(Mode::Hosted, &Overrides::default(), &e).unwrap();
        assert_eq!(
            (c.http.bind.to_string(), c.http.port),
            ("0.0.0.0".into(), 9000)
        );
        assert_eq!(c.database.kind, DatabaseKind::Postgres);
        assert_eq!(c.log.format, LogFormat::Json);
        let flags = Overrides {
            port: Some(7000),
            ..Overrides::default()
        };
        assert_eq!(
            Config::load(Mode::Hosted, &flags, &e).unwrap().http.port,
            7000
        );
    }

    #[test]
    fn local_ignores_the_server_conventions() {
        let e = env(&[
            ("PORT", "9000"),
            ("DATABASE_URL", "postgres://db/x"),
            ("HOME", "/h"),
        ]);
        let c = Config::load(Mode::Local, &Overrides::default(), &e).unwrap();
        assert_eq!(c.http.port, 8825);
        assert_eq!(c.database.kind, DatabaseKind::Sqlite);
    }

    #[test]
    fn hosted_without_a_database_is_an_error() {
        let err = Config::load(Mode::Hosted, &Overrides::default(), &env(&[("HOME", "/h")]));
        assert!(matches!(err, Err(ConfigError::NoDatabase)));
    }

    #[test]
    fn wrong_schemes_are_refused_with_a_clear_message() {
        for url in ["mysql://db/x", "postgress://db/x", "db.sqlite", "http://x"] {
            let o = Overrides {
                database_url: Some(url.into()),
                ..Overrides::default()
            };
            let err = Config::load(Mode::Hosted, &o, &env(&[("HOME", "/h")])).unwrap_err();
            assert!(err.to_string().contains("postgres://"), "{url}: {err}");
        }
        let o = Overrides {
            database_url: Some("postgres://db/x".into()),
            ..Overrides::default()
        };
        let err = Config::load(Mode::Local, &o, &env(&[("HOME", "/h")])).unwrap_err();
        assert!(
            err.to_string()
                .contains("local mode keeps its data in SQLite")
        );
    }

    #[test]
    fn a_config_file_overrides_the_profile_and_env_overrides_the_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("c.toml");
        std::fs::write(&path, "[http]\nport = 9100\nbody_limit_bytes = 2048\n").unwrap();
        let o = Overrides {
            config_file: Some(path.clone()),
            ..Overrides::default()
        };
        let c = Config::load(Mode::Local, &o, &env(&[("HOME", "/h")])).unwrap();
        assert_eq!((c.http.port, c.http.body_limit_bytes), (9100, 2048));
        let e = env(&[("HOME", "/h"), ("BACKEND_8825_PORT", "9200")]);
        assert_eq!(Config::load(Mode::Local, &o, &e).unwrap().http.port, 9200);
    }

    #[test]
    fn unknown_keys_and_bad_values_are_reported() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("c.toml");
        std::fs::write(&path, "[http]\nprot = 1\n").unwrap();
        let o = Overrides {
            config_file: Some(path),
            ..Overrides::default()
        };
        let err = Config::load(Mode::Local, &o, &env(&[("HOME", "/h")])).unwrap_err();
        assert!(err.to_string().contains("prot"), "{err}");
        let e = env(&[("HOME", "/h"), ("BACKEND_8825_PORT", "eighty")]);
        let err = Config::load(Mode::Local, &Overrides::default(), &e).unwrap_err();
        assert!(err.to_string().contains("BACKEND_8825_PORT"), "{err}");
    }

    #[test]
    fn debug_output_hides_the_database_url() {
        let o = Overrides {
            database_url: Some("postgres://u:hunter2@db/x".into()),
            ..Overrides::default()
        };
        let c = Config::load(Mode::Hosted, &o, &env(&[("HOME", "/h")])).unwrap();
        assert!(!format!("{c:?}").contains("hunter2"));
    }
}
