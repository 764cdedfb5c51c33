//! The other commands: the service file, help for every command, `cargo run`, the commands
//! that need a running daemon, and two first starts at once.

use std::process::Command;

use serde_json::Value;

use crate::common::binary::{BIN, command};
use crate::run;

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
        (vec!["--help"], "audit"),
        (vec!["audit", "--help"], "verify"),
        (vec!["audit", "verify", "--help"], "--database-url"),
        (vec!["audit", "list", "--help"], "--limit <N>"),
        (vec!["retention", "run", "--help"], "--dry-run"),
        (vec!["redact", "--help"], "--jsonl"),
        (vec!["privacy", "--help"], "pause"),
        (vec!["privacy", "set", "--help"], "retention_days"),
        (vec!["--help"], "openapi"),
        (vec!["openapi", "--help"], "--mode <MODE>"),
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
