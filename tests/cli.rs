//! The real binary, run as a user runs it: serve, restart, refuse bad databases, print the
//! identity, migrate, install the service file, shut down on SIGTERM.

mod common;

use std::process::{Command, Output};

use common::binary::{BIN, command, serve, spawn_served};
use serde_json::Value;

async fn get_json(url: &str) -> (u16, reqwest::header::HeaderMap, Value) {
    let response = common::http_client().get(url).send().await.unwrap();
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    (status, headers, response.json().await.unwrap())
}

fn run(cmd: &mut Command) -> Output {
    cmd.output().unwrap()
}

#[tokio::test]
async fn local_serves_identity_keeps_it_across_restarts_and_stops_on_sigterm() {
    let home = tempfile::tempdir().unwrap();
    let data = home.path().join("data");
    let data_arg = data.to_str().unwrap();
    let first = serve(home.path(), &["--data-dir", data_arg, "--port", "0"]);
    assert!(
        first.base.starts_with("http://127.0.0.1:"),
        "{}",
        first.base
    );
    let (status, _, doc) = get_json(&format!("{}/identity", first.base)).await;
    assert_eq!(status, 200);
    assert_eq!(doc["backend_type"], "local");
    let (status, _, health) = get_json(&format!("{}/health", first.base)).await;
    assert_eq!((status, &health["status"]), (200, &Value::from("ok")));
    let (exit, log) = first.terminate();
    assert!(exit.success(), "clean exit on SIGTERM: {exit:?}");
    assert!(log.iter().any(|l| l.contains("stopped")), "{log:?}");

    let second = serve(home.path(), &["--data-dir", data_arg, "--port", "0"]);
    let (_, _, again) = get_json(&format!("{}/identity", second.base)).await;
    assert_eq!(again, doc, "same data dir, same identity");
    drop(second);

    let out = run(command(home.path()).args(["identity", "--data-dir", data_arg]));
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let printed: Value = serde_json::from_slice(&out.stdout).expect("stdout is only the JSON");
    assert_eq!(printed, doc);

    let other = home.path().join("other");
    let out = run(command(home.path()).args(["identity", "--data-dir", other.to_str().unwrap()]));
    let elsewhere: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_ne!(elsewhere["backend_id"], doc["backend_id"]);
    assert_ne!(elsewhere["key_id"], doc["key_id"]);
}

#[test]
fn the_default_data_dir_is_the_platform_one() {
    let home = tempfile::tempdir().unwrap();
    let out = run(command(home.path()).arg("identity"));
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let expected = if cfg!(target_os = "macos") {
        home.path().join("Library/Application Support/backend-8825")
    } else {
        home.path().join(".local/share/backend-8825")
    };
    assert!(
        expected.join("backend-8825.db").exists(),
        "database in {}",
        expected.display()
    );
    let xdg = home.path().join("xdg");
    let out = run(command(home.path())
        .env("XDG_DATA_HOME", &xdg)
        .arg("identity"));
    assert!(out.status.success());
    if !cfg!(target_os = "macos") {
        assert!(xdg.join("backend-8825/backend-8825.db").exists());
    }
}

#[test]
fn bad_database_urls_refuse_to_start_with_a_clear_message() {
    let home = tempfile::tempdir().unwrap();
    let cases: &[(&[&str], &str)] = &[
        (
            &[
                "--mode",
                "hosted",
                "--database-url",
                "mysql://root@127.0.0.1/test",
            ],
            "unsupported database URL (scheme \"mysql\")",
        ),
        (
            &[
                "--mode",
                "hosted",
                "--database-url",
                "postgress://u:hunter2@db/x",
            ],
            "unsupported database URL (scheme \"postgress\")",
        ),
        (&["--mode", "hosted"], "hosted mode needs a database"),
        (
            &[
                "--mode",
                "local",
                "--database-url",
                "postgres://u:hunter2@db/x",
            ],
            "local mode keeps its data in SQLite",
        ),
    ];
    for (args, message) in cases {
        let out = run(command(home.path())
            .arg("serve")
            .args(*args)
            .args(["--port", "0"]));
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{args:?}: {stderr}");
        assert!(stderr.contains(message), "{args:?}: {stderr}");
        assert!(
            !stderr.contains("panicked") && !stderr.contains("hunter2"),
            "{stderr}"
        );
    }
    let out = run(command(home.path()).args(["serve", "--mode", "cloud"]));
    assert_eq!(out.status.code(), Some(2), "clap rejects an unknown mode");
    assert!(String::from_utf8_lossy(&out.stderr).contains("possible values: local, hosted"));
}

#[tokio::test]
async fn hosted_on_postgres_serves_identity_and_health() {
    let Some(url) = common::fresh_postgres_schema().await else {
        return;
    };
    let home = tempfile::tempdir().unwrap();
    let migrate = run(command(home.path())
        .args(["migrate", "--mode", "hosted"])
        .env("DATABASE_URL", &url));
    assert!(
        migrate.status.success(),
        "{}",
        String::from_utf8_lossy(&migrate.stderr)
    );
    assert!(
        String::from_utf8_lossy(&migrate.stderr)
            .contains("migrations applied to the postgres database")
    );

    // DATABASE_URL and PORT as Fly passes them: the hosted profile reads both.
    let data = home.path().join("data");
    let mut cmd = command(home.path());
    cmd.env("DATABASE_URL", &url).env("PORT", "0").arg("serve");
    cmd.args([
        "--mode",
        "hosted",
        "--bind",
        "127.0.0.1",
        "--data-dir",
        data.to_str().unwrap(),
    ]);
    let hosted = spawn_served(cmd);
    let (status, headers, doc) = get_json(&format!("{}/identity", hosted.base)).await;
    assert_eq!(status, 200);
    assert_eq!(doc["backend_type"], "hosted");
    assert_eq!(headers["access-control-allow-origin"], "*");
    let (status, _, health) = get_json(&format!("{}/health", hosted.base)).await;
    assert_eq!(status, 200);
    assert_eq!(health["mode"], "hosted");
    let (exit, log) = hosted.terminate();
    assert!(exit.success());
    // Hosted logs are JSON lines.
    assert!(
        log.iter().any(|l| serde_json::from_str::<Value>(l).is_ok()),
        "{log:?}"
    );
}

#[cfg(target_os = "linux")]
#[test]
fn service_install_writes_a_systemd_user_unit_for_this_binary() {
    let home = tempfile::tempdir().unwrap();
    let config = home.path().join("cfg");
    let data = home.path().join("my data");
    let out = run(command(home.path()).env("XDG_CONFIG_HOME", &config).args([
        "service",
        "install",
        "--no-start",
        "--data-dir",
        data.to_str().unwrap(),
    ]));
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let unit_path = config.join("systemd/user/backend-8825.service");
    let unit = std::fs::read_to_string(&unit_path).unwrap();
    let exe = std::fs::canonicalize(BIN).unwrap();
    let exec = unit.lines().find(|l| l.starts_with("ExecStart=")).unwrap();
    assert!(exec.contains(&format!("\"{}\"", exe.display())), "{exec}");
    assert!(exec.contains("\"serve\" \"--mode\" \"local\""), "{exec}");
    assert!(
        exec.contains(&format!("\"--data-dir\" \"{}\"", data.display())),
        "{exec}"
    );
    assert!(unit.contains("WantedBy=default.target"));
    let out = run(command(home.path()).env("XDG_CONFIG_HOME", &config).args([
        "service",
        "uninstall",
        "--no-stop",
    ]));
    assert!(out.status.success());
    assert!(!unit_path.exists());
}

#[test]
fn every_command_has_help() {
    let home = tempfile::tempdir().unwrap();
    for (args, expect) in [
        (vec!["--help"], "serve"),
        (vec!["serve", "--help"], "--database-url"),
        (vec!["identity", "--help"], "--data-dir"),
        (vec!["migrate", "--help"], "--database-url"),
        (vec!["service", "install", "--help"], "--no-start"),
        (vec!["token", "--help"], "--data-dir"),
        (vec!["ui", "--help"], "--local <URL>"),
    ] {
        let out = run(command(home.path()).args(&args));
        assert!(out.status.success(), "{args:?}");
        assert!(
            String::from_utf8_lossy(&out.stdout).contains(expect),
            "{args:?}"
        );
    }
}

#[test]
fn cargo_run_resolves_to_the_daemon() {
    // `cargo run -- serve` (the README's first command) needs a default binary: the package
    // has two (the daemon and the bench tool).
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let manifest = concat!(env!("CARGO_MANIFEST_DIR"), "/Cargo.toml");
    let out = run(Command::new(cargo).args([
        "metadata",
        "--format-version",
        "1",
        "--no-deps",
        "--offline",
        "--manifest-path",
        manifest,
    ]));
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let meta: Value = serde_json::from_slice(&out.stdout).unwrap();
    let package = &meta["packages"][0];
    let bins: Vec<&str> = package["targets"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|t| t["kind"][0] == "bin")
        .map(|t| t["name"].as_str().unwrap())
        .collect();
    assert!(bins.len() > 1, "{bins:?}");
    assert_eq!(package["default_run"], "backend-8825");
    let out = run(Command::new(BIN).arg("--version"));
    assert_eq!(
        String::from_utf8_lossy(&out.stdout).trim(),
        "backend-8825 0.1.0"
    );
}

#[test]
fn a_second_daemon_on_one_data_dir_refuses_and_names_the_first() {
    let home = tempfile::tempdir().unwrap();
    let data = home.path().join("data");
    let data_arg = data.to_str().unwrap();
    let first = serve(home.path(), &["--data-dir", data_arg, "--port", "0"]);
    let record = std::fs::read_to_string(data.join("daemon.json")).unwrap();

    let out = run(command(home.path()).args(["serve", "--data-dir", data_arg, "--port", "0"]));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("already running on the data dir"),
        "{stderr}"
    );
    assert!(
        stderr.contains(&format!("pid {}", first.child.id())),
        "{stderr}"
    );
    assert!(stderr.contains(&first.base), "{stderr}");
    // On the first one's port too, the data dir's daemon is named (not just a busy port).
    let port = first.base.rsplit(':').next().unwrap();
    let out = run(command(home.path()).args(["serve", "--data-dir", data_arg, "--port", port]));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("already running on the data dir"),
        "{stderr}"
    );
    assert_eq!(
        std::fs::read_to_string(data.join("daemon.json")).unwrap(),
        record,
        "the running daemon's record is untouched"
    );
    // The CLI still finds the first daemon.
    let out = run(command(home.path()).args(["ui", "--data-dir", data_arg]));
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );

    let (exit, _) = first.terminate();
    assert!(exit.success());
    assert!(!data.join("daemon.json").exists());
    drop(serve(home.path(), &["--data-dir", data_arg, "--port", "0"]));
}

#[test]
fn a_busy_port_says_what_to_do() {
    let home = tempfile::tempdir().unwrap();
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = taken.local_addr().unwrap().port().to_string();
    let out = run(command(home.path()).args(["serve", "--port", &port]));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("already in use"), "{stderr}");
    let line = stderr
        .lines()
        .find(|l| l.contains("cannot listen"))
        .unwrap();
    assert!(line.contains("--port"), "{line}");
    assert!(!line.contains("os error"), "{line}");
    assert!(
        !home.path().join(".local/share/backend-8825").exists(),
        "nothing is created before the port is known to be free"
    );
}

#[test]
fn configuration_mistakes_are_clear_errors_and_empty_variables_mean_unset() {
    let home = tempfile::tempdir().unwrap();
    let data = home.path().join("data");
    let data_arg = data.to_str().unwrap();
    let identity = |env: &[(&str, &str)], extra: &[&str]| {
        let mut cmd = command(home.path());
        cmd.args(["identity", "--data-dir", data_arg]).args(extra);
        for (k, v) in env {
            cmd.env(k, v);
        }
        run(&mut cmd)
    };
    for (name, value) in [("BACKEND_8825_MODE", ""), ("BACKEND_8825_CONFIG", "")] {
        let out = identity(&[(name, value)], &[]);
        assert!(
            out.status.success(),
            "{name}=: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let out = identity(&[("BACKEND_8825_MODE", "cloud")], &[]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("expected local or hosted, got \"cloud\""),
        "{stderr}"
    );

    let out = identity(&[("BACKEND_8825_LOG", "backend_8825=loud")], &[]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(
        out.status.code(),
        Some(1),
        "an invalid filter is no silent info: {stderr}"
    );
    assert!(stderr.contains("BACKEND_8825_LOG") && stderr.contains("is not a log filter"));

    let file = home.path().join("b.toml");
    std::fs::write(&file, "[http]\nport = \"eighty\"\n").unwrap();
    let out = identity(&[], &["--config", file.to_str().unwrap()]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("line 2 (port)"), "{stderr}");
    assert!(stderr.contains("whole number from 0 to 65535"), "{stderr}");
    assert!(!stderr.contains("u16"), "{stderr}");
}

#[test]
fn commands_that_need_the_daemon_say_so_and_create_nothing() {
    let home = tempfile::tempdir().unwrap();
    let data = home.path().join("data");
    let data_arg = data.to_str().unwrap();
    for args in [
        vec!["ui", "--data-dir", data_arg],
        vec!["sync", "--data-dir", data_arg],
    ] {
        let out = run(command(home.path()).args(&args));
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{args:?}: {stderr}");
        assert!(stderr.contains("no local daemon is running"), "{stderr}");
        assert!(
            !stderr.contains("WARN"),
            "no warning before the error: {stderr}"
        );
        assert!(!data.exists(), "{args:?} created the data dir");
    }
}

#[test]
fn two_first_starts_at_once_make_one_identity() {
    for _ in 0..3 {
        let home = tempfile::tempdir().unwrap();
        let data = home.path().join("data");
        let data_arg = data.to_str().unwrap();
        // The database first (two first opens of one SQLite file race on its set-up, a
        // separate matter); the identity is what the two then race to create.
        let migrated = run(command(home.path()).args(["migrate", "--data-dir", data_arg]));
        assert!(migrated.status.success());
        let spawn = || {
            command(home.path())
                .args(["identity", "--data-dir", data_arg])
                .stdout(std::process::Stdio::piped())
                .stderr(std::process::Stdio::null())
                .spawn()
                .unwrap()
        };
        let (a, b) = (spawn(), spawn());
        let docs: Vec<Value> = [a, b]
            .into_iter()
            .map(|child| {
                let out = child.wait_with_output().unwrap();
                assert!(out.status.success());
                serde_json::from_slice(&out.stdout).unwrap()
            })
            .collect();
        assert_eq!(docs[0]["key_id"], docs[1]["key_id"], "one key, not two");
        let again = run(command(home.path()).args(["identity", "--data-dir", data_arg]));
        let again: Value = serde_json::from_slice(&again.stdout).unwrap();
        assert_eq!(
            again["key_id"], docs[0]["key_id"],
            "and it is the stored one"
        );
    }
}
