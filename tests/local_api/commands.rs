//! The `token` and `ui` commands of the real binary, against a running daemon.

use backend_8825::local_api::SESSION_COOKIE;
use serde_json::Value;

use crate::common::binary::{command, spawn_served};

#[tokio::test]
async fn token_and_ui_open_the_ui_of_the_running_daemon() {
    let home = tempfile::tempdir().unwrap();
    let data = home.path().join("data");
    let data_arg = data.to_str().unwrap();
    let cli = |args: &[&str]| {
        let mut cmd = command(home.path());
        cmd.env("BACKEND_8825_KEYCHAIN", "false").args(args);
        cmd.output().unwrap()
    };
    let stdout = |out: &std::process::Output| {
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let text = String::from_utf8(out.stdout.clone()).unwrap();
        assert_eq!(text.lines().count(), 1, "one line on stdout: {text:?}");
        text.trim().to_string()
    };

    // Before any daemon ran: the secret is created, then the same one is printed again.
    let secret = stdout(&cli(&["token", "--data-dir", data_arg]));
    assert_eq!(secret.len(), 43, "32 bytes in base64url: {secret}");
    assert_eq!(stdout(&cli(&["token", "--data-dir", data_arg])), secret);

    let out = cli(&["ui", "--data-dir", data_arg]);
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("no local daemon is running"), "{stderr}");
    assert!(out.stdout.is_empty());

    let mut daemon = command(home.path());
    daemon.env("BACKEND_8825_KEYCHAIN", "false");
    daemon.args(["serve", "--data-dir", data_arg, "--port", "0"]);
    let served = spawn_served(daemon);
    let record: Value =
        serde_json::from_str(&std::fs::read_to_string(data.join("daemon.json")).unwrap()).unwrap();
    assert_eq!(record["url"], served.base.as_str());
    assert_eq!(record["pid"], served.child.id());
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let meta = std::fs::metadata(data.join("daemon.json")).unwrap();
        assert_eq!(meta.permissions().mode() & 0o777, 0o600);
    }

    let _ = rustls::crypto::ring::default_provider().install_default();
    let client = reqwest::Client::builder()
        .no_proxy()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let session = client
        .get(format!("{}/session", served.base))
        .bearer_auth(&secret)
        .send()
        .await
        .unwrap();
    assert_eq!(session.status(), 200, "the daemon takes the printed secret");

    for args in [
        vec!["ui", "--data-dir", data_arg],
        vec!["ui", "--data-dir", data_arg, "--local", &served.base],
    ] {
        let out = cli(&args);
        let url = stdout(&out);
        assert!(
            url.starts_with(&format!("{}/launch?token=", served.base)),
            "{url}"
        );
        let token = url.split("token=").nth(1).unwrap();
        assert!(!String::from_utf8_lossy(&out.stderr).contains(token));
        let opened = client.get(&url).send().await.unwrap();
        assert_eq!(opened.status(), 303, "{args:?}");
        let cookie = opened.headers()[reqwest::header::SET_COOKIE]
            .to_str()
            .unwrap();
        assert!(
            cookie.starts_with(&format!("{SESSION_COOKIE}=")),
            "{cookie}"
        );
        assert!(cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict"));
        let again = client.get(&url).send().await.unwrap();
        assert_eq!(again.status(), 401, "the URL works once");
    }

    // Another data dir's secret does not open this daemon.
    let other = home.path().join("other");
    let out = cli(&[
        "ui",
        "--data-dir",
        other.to_str().unwrap(),
        "--local",
        &served.base,
    ]);
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("--data-dir"), "{stderr}");

    let base = served.base.clone();
    let (exit, _) = served.terminate();
    assert!(exit.success());
    assert!(!data.join("daemon.json").exists(), "removed on shutdown");
    let out = cli(&["ui", "--data-dir", data_arg, "--local", &base]);
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("no daemon answers"), "{stderr}");
}
