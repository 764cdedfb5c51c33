//! The real binary: `e2e request` on a new device, `e2e requests` and `e2e approve` (the
//! transfer code printed once) on the device that enabled, `e2e accept` (the code on
//! standard input) on the new one, after a wrong code; no log line holds the code.

use std::path::Path;

use crate::cli::{HostedCli, ok, paired_local, run};
use crate::common::binary;

#[tokio::test]
async fn request_approve_and_accept_through_the_cli() {
    let hosted_cli = HostedCli::new().await;
    let db = |args: &[&str]| hosted_cli.run(args);
    let (h, hosted_dir, database_url) = (hosted_cli.home(), &hosted_cli.dir, &hosted_cli.url);
    db(&["account", "create", "alice"]);
    let code_a = db(&["pairing-code", "--account", "alice"]);
    let code_b = db(&["pairing-code", "--account", "alice"]);
    let hosted = binary::spawn_served(binary::hosted_serve(h, hosted_dir, database_url));
    let (a_home, a_dir, a, _) = paired_local(&hosted.base, &code_a);
    let (b_home, b_dir, b, _) = paired_local(&hosted.base, &code_b);
    let (a_home, b_home): (&Path, &Path) = (a_home.path(), b_home.path());
    ok(a_home, &["e2e", "enable", "--data-dir", &a_dir], None);

    // The new device is told how to get the key, and asks.
    let status = run(b_home, &["e2e", "status", "--data-dir", &b_dir], None);
    let said = String::from_utf8_lossy(&status.stderr);
    assert!(said.contains("backend-8825 e2e request"), "{said}");
    let asked = ok(b_home, &["e2e", "request", "--data-dir", &b_dir], None);
    let request_id = asked.split_whitespace().next().unwrap().to_string();
    assert!(asked.contains("pending"), "{asked}");
    let listed = ok(a_home, &["e2e", "requests", "--data-dir", &a_dir], None);
    assert!(listed.contains(&request_id), "{listed}");

    let approve = ["e2e", "approve", &request_id, "--data-dir", &a_dir];
    let printed = ok(a_home, &approve, None);
    let code = printed.lines().last().unwrap().trim().to_string();
    assert_eq!(code.len(), 19, "four groups of four: {printed}");

    let wrong = run(
        b_home,
        &["e2e", "accept", "--data-dir", &b_dir],
        Some("0000-0000-0000-0000"),
    );
    assert!(!wrong.status.success());
    assert!(String::from_utf8_lossy(&wrong.stderr).contains("transfer_code_wrong"));
    let accepted = ok(
        b_home,
        &["e2e", "accept", "--data-dir", &b_dir],
        Some(&code),
    );
    assert!(!accepted.contains("device key   none"), "{accepted}");
    assert!(accepted.contains("account      encrypted"), "{accepted}");

    let mut logs = Vec::new();
    for served in [a, b, hosted] {
        let (status, log) = served.terminate();
        assert!(status.success());
        logs.extend(log);
    }
    let compact: String = code.chars().filter(|c| *c != '-').collect();
    for line in &logs {
        assert!(
            !line.contains(&code) && !line.contains(&compact),
            "the code in the log: {line}"
        );
    }
}
