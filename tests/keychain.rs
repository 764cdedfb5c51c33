//! The daemon against a real OS keychain: a Secret Service (gnome-keyring on a private
//! D-Bus session bus) per test. Every CLI command works with it and keeps every secret in
//! it; a data dir whose key is in the keychain refuses to start without it and changes
//! nothing; a locked keychain is an error, never a secret left in a file. The rules are in
//! docs/identity.md ("Where secrets live").

mod common;
#[path = "keychain/secret_service.rs"]
mod secret_service;

use std::path::Path;
use std::process::Output;

use common::binary::{self, command};
use secret_service::SecretService;

/// Runs the binary with the given environment on top of a clean one.
fn run(home: &Path, args: &[&str], env: &[(String, String)]) -> Output {
    let mut cmd = command(home);
    cmd.args(args).envs(env.iter().map(|(k, v)| (k, v)));
    cmd.output().unwrap()
}

/// Runs the binary and insists on exit 0 and no panic; returns stdout.
fn ok(home: &Path, args: &[&str], env: &[(String, String)]) -> String {
    let out = run(home, args, env);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success(),
        "{args:?} exited {:?}: {stderr}",
        out.status
    );
    assert!(!stderr.contains("panicked"), "{args:?}: {stderr}");
    String::from_utf8(out.stdout).unwrap()
}

/// `serve` of the local data dir `dir`, inside the given session.
fn serve_local(home: &Path, dir: &str, env: &[(String, String)]) -> binary::Served {
    let mut cmd = command(home);
    cmd.args(["serve", "--port", "0", "--data-dir", dir])
        .envs(env.iter().map(|(k, v)| (k, v)));
    binary::spawn_served(cmd)
}

fn key_id(identity_json: &str) -> String {
    let doc: serde_json::Value = serde_json::from_str(identity_json).unwrap();
    doc["key_id"].as_str().unwrap().to_string()
}

/// The `.pem` files in a data dir's secrets folder.
fn secret_files(data: &Path) -> Vec<String> {
    match std::fs::read_dir(data.join("secrets")) {
        Ok(entries) => entries
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect(),
        Err(_) => Vec::new(),
    }
}

#[test]
fn every_command_works_with_a_real_secret_service_and_keeps_every_secret_there() {
    if !secret_service::available() {
        return;
    }
    let ss = SecretService::start();
    let env = ss.env();
    let home = tempfile::tempdir().unwrap();
    let data = home.path().join("local");
    let dir = data.to_str().unwrap();

    let identity = ok(home.path(), &["identity", "--data-dir", dir], &env);
    let token = ok(home.path(), &["token", "--data-dir", dir], &env);
    assert_eq!(token.trim().len(), 43, "the secret alone on stdout");

    let served = serve_local(home.path(), dir, &env);
    let ui = ok(home.path(), &["ui", "--data-dir", dir], &env);
    assert!(ui.starts_with("http://127.0.0.1:"), "{ui}");

    // A hosted daemon (its own data dir; the hosted profile keeps no keychain).
    let hosted_dir = home.path().join("hosted");
    let hosted_db = format!("sqlite://{}/hosted.db", hosted_dir.display());
    let hosted_args = [
        "--data-dir",
        hosted_dir.to_str().unwrap(),
        "--database-url",
        &hosted_db,
    ];
    let hosted = binary::spawn_served({
        let mut cmd = command(home.path());
        cmd.args(["serve", "--mode", "hosted", "--port", "0"])
            .args(hosted_args);
        cmd
    });
    let db_args: Vec<&str> = hosted_args.to_vec();
    ok(
        home.path(),
        &[&["account", "create", "alice"][..], &db_args].concat(),
        &[],
    );
    let code = ok(
        home.path(),
        &[&["pairing-code", "--account", "alice"][..], &db_args].concat(),
        &[],
    );
    let paired = ok(
        home.path(),
        &[
            "pair",
            "--hosted",
            &hosted.base,
            "--code",
            code.trim(),
            "--data-dir",
            dir,
        ],
        &env,
    );
    let peer_id = paired
        .lines()
        .find_map(|l| l.strip_prefix("peer_id"))
        .unwrap()
        .trim()
        .to_string();
    ok(home.path(), &["sync", "--data-dir", dir], &env);

    let status = ok(
        home.path(),
        &["keychain", "status", "--data-dir", dir],
        &env,
    );
    assert!(status.contains("the Secret Service: in use"), "{status}");
    for line in [
        "identity key",
        "local API secret",
        &format!("pair key {peer_id}"),
    ] {
        let row = status
            .lines()
            .find(|l| l.starts_with(line))
            .unwrap_or_else(|| panic!("{status}"));
        assert!(
            row.contains("the Secret Service (service backend-8825"),
            "{row}"
        );
    }
    assert_eq!(
        secret_files(&data),
        Vec::<String>::new(),
        "no secret in a file"
    );
    let accounts = ss.accounts();
    let backend_id = serde_json::from_str::<serde_json::Value>(&identity).unwrap()["backend_id"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(
        accounts.contains(&format!("identity-{backend_id}")),
        "{accounts:?}"
    );
    assert!(
        accounts.contains(&format!("local-api-secret-{backend_id}")),
        "{accounts:?}"
    );
    assert!(
        accounts
            .iter()
            .any(|a| a.starts_with(&format!("pair-{peer_id}-"))),
        "{accounts:?}"
    );

    // SIGTERM: a clean exit, no panic while the keychain store is dropped.
    let (exit, log) = served.terminate();
    assert!(exit.success(), "{exit:?}: {log:?}");
    assert!(!log.iter().any(|l| l.contains("panicked")), "{log:?}");

    // A restart keeps the identity, and sync still works with the stored pair key.
    let served = serve_local(home.path(), dir, &env);
    let again = ok(home.path(), &["identity", "--data-dir", dir], &env);
    assert_eq!(key_id(&again), key_id(&identity));
    ok(home.path(), &["sync", "--data-dir", dir], &env);
    drop(served);
    drop(hosted);
}

#[test]
fn a_data_dir_whose_key_is_in_the_keychain_refuses_to_start_without_it_and_changes_nothing() {
    if !secret_service::available() {
        return;
    }
    let ss = SecretService::start();
    let home = tempfile::tempdir().unwrap();
    let data = home.path().join("local");
    let dir = data.to_str().unwrap();
    let identity = ok(home.path(), &["identity", "--data-dir", dir], &ss.env());
    let before = ss.accounts();

    // No session bus (SSH, cron, a unit outside the desktop session), then the keychain
    // turned off: each refuses, says where the key is and what to do.
    let no_bus: Vec<(String, String)> = Vec::new();
    let off = vec![("BACKEND_8825_KEYCHAIN".to_string(), "false".to_string())];
    for (env, why) in [(&no_bus, "DBUS_SESSION_BUS_ADDRESS"), (&off, "turned off")] {
        for args in [
            &["identity", "--data-dir", dir][..],
            &["serve", "--port", "0", "--data-dir", dir],
        ] {
            let out = run(home.path(), args, env);
            let stderr = String::from_utf8_lossy(&out.stderr);
            assert_eq!(out.status.code(), Some(1), "{args:?}: {stderr}");
            assert!(stderr.contains("already has an identity"), "{stderr}");
            assert!(stderr.contains(why), "{stderr}");
            assert!(stderr.contains("Nothing was changed"), "{stderr}");
            assert!(!stderr.contains("panicked"), "{stderr}");
        }
    }
    assert_eq!(
        secret_files(&data),
        Vec::<String>::new(),
        "no key minted into a file"
    );
    let status = ok(
        home.path(),
        &["keychain", "status", "--data-dir", dir],
        &no_bus,
    );
    assert!(status.contains("keychain          not used"), "{status}");

    // Back in the session: the same identity, and the keychain holds what it held.
    let again = ok(home.path(), &["identity", "--data-dir", dir], &ss.env());
    assert_eq!(key_id(&again), key_id(&identity));
    assert_eq!(ss.accounts(), before);
}

#[test]
fn a_locked_keychain_is_a_clear_error_and_no_secret_lands_in_a_file() {
    if !secret_service::available() {
        return;
    }
    let ss = SecretService::start();
    let env = ss.env();
    let home = tempfile::tempdir().unwrap();
    let data = home.path().join("local");
    let dir = data.to_str().unwrap();
    let fresh = home.path().join("fresh");
    ok(home.path(), &["identity", "--data-dir", dir], &env);
    ss.lock();

    // An existing identity cannot be read, and a new one cannot be stored: both stop with
    // the keychain named and what to do; nothing goes to a file that would win later.
    for target in [dir, fresh.to_str().unwrap()] {
        for args in [
            &["identity", "--data-dir", target][..],
            &["serve", "--port", "0", "--data-dir", target],
        ] {
            let out = run(home.path(), args, &env);
            let stderr = String::from_utf8_lossy(&out.stderr);
            assert_eq!(out.status.code(), Some(1), "{args:?}: {stderr}");
            assert!(stderr.contains("the Secret Service"), "{stderr}");
            assert!(stderr.contains("unlock it"), "{stderr}");
            assert!(!stderr.contains("panicked"), "{stderr}");
        }
    }
    assert_eq!(secret_files(&data), Vec::<String>::new());
    assert_eq!(secret_files(&fresh), Vec::<String>::new());
}

#[test]
fn keychain_migrate_moves_file_secrets_into_a_keychain_that_appeared() {
    if !secret_service::available() {
        return;
    }
    let home = tempfile::tempdir().unwrap();
    let data = home.path().join("local");
    let dir = data.to_str().unwrap();
    // First started where no keychain was reachable: the secrets went to files.
    let identity = ok(home.path(), &["identity", "--data-dir", dir], &[]);
    let token = ok(home.path(), &["token", "--data-dir", dir], &[]);
    assert_eq!(secret_files(&data).len(), 2, "{:?}", secret_files(&data));

    let ss = SecretService::start();
    let env = ss.env();
    // A running daemon holds the data dir: migrate refuses until it stops.
    let served = serve_local(home.path(), dir, &env);
    let out = run(
        home.path(),
        &["keychain", "migrate", "--data-dir", dir],
        &env,
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("stop the daemon"));
    drop(served);

    let moved = ok(
        home.path(),
        &["keychain", "migrate", "--data-dir", dir],
        &env,
    );
    assert_eq!(moved.lines().count(), 2, "{moved}");
    assert_eq!(secret_files(&data), Vec::<String>::new());
    assert_eq!(ss.accounts().len(), 2, "{:?}", ss.accounts());
    let again = ok(home.path(), &["identity", "--data-dir", dir], &env);
    assert_eq!(key_id(&again), key_id(&identity));
    assert_eq!(ok(home.path(), &["token", "--data-dir", dir], &env), token);
}
