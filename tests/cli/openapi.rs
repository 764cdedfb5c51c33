//! `openapi`: it prints the document a running daemon of the mode serves at
//! `GET /openapi.json`, for both modes and under a configuration that changes it (a hosted
//! rate limit), the same bytes every time, and it leaves no file behind.

use std::path::Path;

use serde_json::Value;

use crate::common::binary::{command, hosted_serve, serve, spawn_served};
use crate::{get_json, run};

/// `openapi --mode MODE --config CONFIG` with HOME and TMPDIR in `scratch`: its stdout.
fn printed(scratch: &Path, mode: &str, config: &str) -> Vec<u8> {
    let out = run(command(scratch)
        .env("TMPDIR", scratch)
        .args(["openapi", "--mode", mode, "--config", config]));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "openapi --mode {mode}: {stderr}");
    assert!(stderr.is_empty(), "openapi --mode {mode} said: {stderr}");
    out.stdout
}

#[tokio::test]
async fn openapi_prints_the_document_each_mode_serves() {
    let home = tempfile::tempdir().unwrap();
    let config = home.path().join("limits.toml");
    std::fs::write(&config, "[rate_limits]\npairing_per_minute = 7\n").unwrap();
    let config = config.to_str().unwrap();
    let local_dir = home.path().join("local");
    let local = serve(
        home.path(),
        &[
            "--data-dir",
            local_dir.to_str().unwrap(),
            "--port",
            "0",
            "--config",
            config,
        ],
    );
    let database = format!("sqlite:{}", home.path().join("hosted.db").display());
    let mut hosted = hosted_serve(home.path(), &home.path().join("hosted"), &database);
    hosted.args(["--config", config]);
    let hosted = spawn_served(hosted);

    for (mode, daemon) in [("local", &local), ("hosted", &hosted)] {
        let (status, _, served) = get_json(&format!("{}/openapi.json", daemon.base)).await;
        assert_eq!(status, 200, "{mode}: {served}");
        let scratch = tempfile::tempdir().unwrap();
        let first = printed(scratch.path(), mode, config);
        let document: Value = serde_json::from_slice(&first).expect("stdout is only the JSON");
        assert_eq!(document, served, "{mode}: printed and served differ");
        assert_eq!(
            document["info"]["title"],
            format!("backend-8825 ({mode} daemon)")
        );
        assert_eq!(
            printed(scratch.path(), mode, config),
            first,
            "{mode}: a second run printed other bytes"
        );
        let left: Vec<_> = std::fs::read_dir(scratch.path()).unwrap().collect();
        assert!(left.is_empty(), "{mode}: left behind {left:?}");
    }
    // The configured limit is in both: the hosted document states its rate limits.
    let (_, _, served) = get_json(&format!("{}/openapi.json", hosted.base)).await;
    let register = served["paths"]["/register-peer"]["post"]["responses"]["429"].to_string();
    assert!(register.contains("more than 7 a minute"), "{register}");
}
