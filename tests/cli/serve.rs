//! `serve`: the identity across restarts, SIGTERM, the hosted profile on Postgres, and a
//! second daemon or a busy port refused with a message that says what to do.

use serde_json::Value;

use crate::common::{
    self,
    binary::{command, serve, spawn_served},
};
use crate::{get_json, run};

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
