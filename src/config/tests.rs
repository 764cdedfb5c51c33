//! The configuration's precedence, defaults and errors.

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
    let llm = super::env::llm_config(&env, dir.path());
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
    let none = super::env::llm_config(&super::Env::new(), &dir.path().join("missing"));
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

#[test]
fn rate_limits_come_from_the_file_then_the_environment() {
    let defaults = Config::load(Mode::Hosted, &Overrides::default(), &hosted_env(&[])).unwrap();
    assert_eq!(defaults.rate_limits, RateLimitsConfig::default());
    assert!(defaults.rate_limits.pairing.is_on());

    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("c.toml");
    let file = "[rate_limits]\npairing_per_minute = 12\npairing_burst = 0\n\
                account_api_per_minute = 0\nmax_tracked = 500\n";
    std::fs::write(&path, file).unwrap();
    let o = Overrides {
        config_file: Some(path),
        ..Overrides::default()
    };
    let e = hosted_env(&[("BACKEND_8825_RATE_LIMITS_SYNC_PER_PEER_BURST", "7")]);
    let limits = Config::load(Mode::Hosted, &o, &e).unwrap().rate_limits;
    // A burst of 0 counts as 1; 0 a minute turns the limit off.
    assert_eq!(
        limits.pairing,
        RateLimit {
            per_minute: 12,
            burst: 1
        }
    );
    assert!(!limits.account_api.is_on());
    assert_eq!(limits.sync_per_peer.burst, 7);
    assert_eq!(limits.max_tracked, 500);
    assert_eq!(limits.peer_requests, defaults.rate_limits.peer_requests);

    let e = hosted_env(&[("BACKEND_8825_RATE_LIMITS_PAIRING_BURST", "lots")]);
    let err = Config::load(Mode::Hosted, &Overrides::default(), &e).unwrap_err();
    let message = err.to_string();
    assert!(
        message.contains("BACKEND_8825_RATE_LIMITS_PAIRING_BURST") && message.contains("lots"),
        "{message}"
    );
}

fn hosted_env(pairs: &[(&str, &str)]) -> Env {
    let mut e = env(&[("HOME", "/h"), ("DATABASE_URL", "postgres://db/x")]);
    e.extend(env(pairs));
    e
}

#[test]
fn the_audit_settings_come_from_the_file_and_the_environment() {
    let c = Config::load(Mode::Local, &Overrides::default(), &env(&[("HOME", "/h")])).unwrap();
    assert_eq!(c.audit.retention_days, 90);
    assert_eq!(c.audit.coalesce_window, std::time::Duration::from_secs(60));
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("c.toml");
    std::fs::write(
        &path,
        "[audit]\nretention_days = 30\ncoalesce_window_secs = 5\n",
    )
    .unwrap();
    let o = Overrides {
        config_file: Some(path),
        ..Overrides::default()
    };
    let c = Config::load(
        Mode::Hosted,
        &o,
        &env(&[("HOME", "/h"), ("DATABASE_URL", "sqlite:x")]),
    );
    let c = c.unwrap();
    assert_eq!(c.audit.retention_days, 30);
    assert_eq!(c.audit.coalesce_window, std::time::Duration::from_secs(5));
    let e = env(&[
        ("HOME", "/h"),
        ("BACKEND_8825_AUDIT_RETENTION_DAYS", "0"),
        ("BACKEND_8825_AUDIT_COALESCE_WINDOW_SECS", "99999"),
    ]);
    let c = Config::load(Mode::Local, &o, &e).unwrap();
    assert_eq!(c.audit.retention_days, 0, "0 keeps every entry");
    assert_eq!(
        c.audit.coalesce_window.as_secs(),
        MAX_AUDIT_COALESCE_WINDOW_SECS
    );
    let e = env(&[
        ("HOME", "/h"),
        ("BACKEND_8825_AUDIT_RETENTION_DAYS", "ninety"),
    ]);
    let err = Config::load(Mode::Local, &Overrides::default(), &e).unwrap_err();
    assert_eq!(
        err.to_string(),
        "invalid value for BACKEND_8825_AUDIT_RETENTION_DAYS: expected a number of days, \
         0 or more, got \"ninety\""
    );
}

#[test]
fn metrics_and_alerts_come_from_the_file_and_the_environment() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("c.toml");
    std::fs::write(
        &file,
        "[metrics]\ntoken = \"from-file\"\n[alerts]\nlag_secs = 60\nwebhook_url = \"http://hook.example/a\"\nerror_rate_percent = 400\n",
    )
    .unwrap();
    let overrides = Overrides {
        config_file: Some(file),
        ..Overrides::default()
    };
    let vars = env(&[
        ("HOME", "/home/u"),
        ("DATABASE_URL", "postgres://db/x"),
        ("BACKEND_8825_METRICS_TOKEN", "from-env"),
        ("BACKEND_8825_ALERTS_CONSECUTIVE_FAILURES", "5"),
        ("BACKEND_8825_ALERTS_OFFLINE_SECS", "0"),
    ]);
    let c = Config::load(Mode::Hosted, &overrides, &vars).unwrap();
    let token = c.metrics.token.as_ref().unwrap();
    assert_eq!(token.expose(), "from-env", "the environment wins");
    assert!(
        !format!("{:?}", c.metrics).contains("from-env"),
        "kept out of Debug"
    );
    assert_eq!(c.alerts.lag_secs, 60);
    assert_eq!(c.alerts.consecutive_failures, 5);
    assert_eq!(
        c.alerts.offline_secs, 0,
        "zero: at the first evaluation offline"
    );
    assert_eq!(c.alerts.error_rate_percent, 100, "clamped");
    assert_eq!(
        c.alerts.webhook_url.as_deref(),
        Some("http://hook.example/a")
    );
    assert_eq!(c.alerts.outbox_depth, AlertsConfig::default().outbox_depth);

    let err = Config::load(
        Mode::Hosted,
        &Overrides::default(),
        &env(&[
            ("HOME", "/home/u"),
            ("DATABASE_URL", "postgres://db/x"),
            ("BACKEND_8825_ALERTS_LAG_SECS", "soon"),
        ]),
    )
    .unwrap_err();
    assert!(
        err.to_string().contains("BACKEND_8825_ALERTS_LAG_SECS"),
        "{err}"
    );
    let none = Config::load(Mode::Local, &Overrides::default(), &env(&[("HOME", "/h")])).unwrap();
    assert!(none.metrics.token.is_none());
}
