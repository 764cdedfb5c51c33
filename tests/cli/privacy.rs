//! `privacy show|set|pause|resume` against a running local daemon.

use crate::common::binary::{command, serve};
use crate::run;

#[test]
fn privacy_shows_changes_pauses_and_resumes_the_running_daemon() {
    let home = tempfile::tempdir().unwrap();
    let data = home.path().join("data");
    let data_arg = data.to_str().unwrap();
    let daemon = serve(home.path(), &["--data-dir", data_arg, "--port", "0"]);
    let privacy = |args: &[&str]| {
        let out = run(command(home.path())
            .arg("privacy")
            .args(args)
            .args(["--data-dir", data_arg]));
        let stdout = String::from_utf8_lossy(&out.stdout).to_string();
        let stderr = String::from_utf8_lossy(&out.stderr).to_string();
        (out.status.code(), stdout, stderr)
    };
    let line = |stdout: &str, name: &str| {
        stdout
            .lines()
            .find(|l| l.starts_with(name))
            .map(|l| l.split_whitespace().last().unwrap().to_string())
            .unwrap_or_else(|| panic!("no {name} in {stdout}"))
    };

    let (code, stdout, _) = privacy(&["show"]);
    assert_eq!(code, Some(0));
    assert_eq!(line(&stdout, "retention_days"), "90");
    assert_eq!(line(&stdout, "sync_paused"), "false");

    let (code, stdout, _) = privacy(&["set", "retention_days=30", "redact_synced_content=true"]);
    assert_eq!(code, Some(0));
    assert_eq!(line(&stdout, "retention_days"), "30");
    assert_eq!(line(&stdout, "redact_synced_content"), "true");

    let (code, stdout, _) = privacy(&["pause"]);
    assert_eq!(
        (code, line(&stdout, "sync_paused")),
        (Some(0), "true".into())
    );
    let (code, stdout, _) = privacy(&["resume"]);
    assert_eq!(
        (code, line(&stdout, "sync_paused")),
        (Some(0), "false".into())
    );

    // A bad value: the daemon's words, and nothing changed.
    let (code, _, stderr) = privacy(&["set", "retention_days=forever"]);
    assert_eq!(code, Some(1), "{stderr}");
    assert!(stderr.contains("retention_days"), "{stderr}");
    let (code, _, stderr) = privacy(&["set", "retention_days"]);
    assert_eq!(code, Some(1));
    assert!(stderr.contains("NAME=VALUE"), "{stderr}");
    let (_, stdout, _) = privacy(&["show"]);
    assert_eq!(line(&stdout, "retention_days"), "30");
    daemon.terminate();
}

/// The daemon's own log lines pass through the redactor, unless redact_pii is turned off.
#[tokio::test]
async fn log_lines_are_redacted_unless_redact_pii_is_off() {
    let home = tempfile::tempdir().unwrap();
    let data = home.path().join("data");
    let data_arg = data.to_str().unwrap();
    // At debug, each request's line names its path.
    let serve_logging = || {
        let mut cmd = command(home.path());
        cmd.env("BACKEND_8825_LOG", "debug")
            .args(["serve", "--data-dir", data_arg, "--port", "0"]);
        crate::common::binary::spawn_served(cmd)
    };
    let request = |base: &str| {
        let url = format!("{base}/mailto/jane.doe@example.com");
        async move { crate::common::http_client().get(url).send().await.unwrap() }
    };

    let daemon = serve_logging();
    request(&daemon.base).await;
    let (_, lines) = daemon.terminate();
    let log = lines.join("\n");
    assert!(log.contains("/mailto/[EMAIL]"), "{log}");
    assert!(!log.contains("jane.doe@example.com"), "{log}");

    let daemon = serve_logging();
    let out = run(command(home.path()).args([
        "privacy",
        "set",
        "redact_pii=false",
        "--data-dir",
        data_arg,
    ]));
    assert!(out.status.success());
    request(&daemon.base).await;
    let (_, lines) = daemon.terminate();
    assert!(lines.join("\n").contains("/mailto/jane.doe@example.com"));
}
