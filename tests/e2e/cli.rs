//! The real binary: `backend-8825 e2e enable` on one local daemon prints the recovery code
//! once; `e2e status` says where each device stands; `e2e recover --check` and `e2e recover`
//! (the code on standard input) on a second, fresh device. The key is kept as the identity
//! key is (an owner-only file here, with no OS keychain), and no log line holds a secret.

use std::io::Write;
use std::path::Path;
use std::process::{Output, Stdio};

use crate::common::binary::{self, command};
use crate::common::{self, fresh_postgres_schema};

pub(crate) fn run(home: &Path, args: &[&str], input: Option<&str>) -> Output {
    let mut cmd = command(home);
    cmd.args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = cmd.spawn().unwrap();
    let mut stdin = child.stdin.take().unwrap();
    if let Some(input) = input {
        writeln!(stdin, "{input}").unwrap();
    }
    drop(stdin);
    child.wait_with_output().unwrap()
}

pub(crate) fn ok(home: &Path, args: &[&str], input: Option<&str>) -> String {
    let out = run(home, args, input);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{args:?} failed: {stderr}");
    String::from_utf8(out.stdout).unwrap()
}

/// A local daemon of its own home, paired with `hosted` by the CLI: (home, data dir, the
/// daemon, its API secret).
pub(crate) fn paired_local(
    hosted: &str,
    code: &str,
) -> (tempfile::TempDir, String, binary::Served, String) {
    let home = tempfile::tempdir().unwrap();
    let dir = home.path().join("data").to_str().unwrap().to_string();
    let served = binary::serve(home.path(), &["--port", "0", "--data-dir", &dir]);
    let args = [
        "pair",
        "--hosted",
        hosted,
        "--code",
        code,
        "--data-dir",
        &dir,
    ];
    ok(home.path(), &args, None);
    let secret = ok(home.path(), &["token", "--data-dir", &dir], None);
    (home, dir, served, secret.trim().to_string())
}

#[tokio::test]
async fn enable_status_and_recover_through_the_cli() {
    let hosted_cli = HostedCli::new().await;
    let db = |args: &[&str]| hosted_cli.run(args);
    let (h, hosted_dir, database_url) = (hosted_cli.home(), &hosted_cli.dir, &hosted_cli.url);
    let token = db(&["account", "create", "alice"]);
    let (code_a, code_b) = (
        db(&["pairing-code", "--account", "alice"]),
        db(&["pairing-code", "--account", "alice"]),
    );
    let hosted = binary::spawn_served(binary::hosted_serve(h, hosted_dir, database_url));
    let (a_home, a_dir, a, a_secret) = paired_local(&hosted.base, &code_a);
    let (b_home, b_dir, b, b_secret) = paired_local(&hosted.base, &code_b);
    let http = common::http_client();
    let created = http
        .post(format!("{}/api/conversations", a.base))
        .bearer_auth(&a_secret)
        .json(&serde_json::json!({"title": "kept from the server"}))
        .send()
        .await
        .unwrap();
    assert_eq!(created.status(), 201);

    let printed = ok(
        a_home.path(),
        &["e2e", "enable", "--data-dir", &a_dir],
        None,
    );
    assert!(printed.contains("account      encrypted"), "{printed}");
    let recovery = printed.lines().last().unwrap().trim().to_string();
    assert_eq!(recovery.len(), 39, "groups of four: {printed}");
    let again = run(
        a_home.path(),
        &["e2e", "enable", "--data-dir", &a_dir],
        None,
    );
    assert!(!again.status.success());
    assert!(String::from_utf8_lossy(&again.stderr).contains("e2e_already_enabled"));

    let status = ok(
        b_home.path(),
        &["e2e", "status", "--data-dir", &b_dir],
        None,
    );
    assert!(status.contains("device key   none"), "{status}");
    let check = [
        "e2e",
        "recover",
        "--check",
        "--code",
        &recovery,
        "--data-dir",
        &b_dir,
    ];
    ok(b_home.path(), &check, None);
    let status = ok(
        b_home.path(),
        &["e2e", "status", "--data-dir", &b_dir],
        None,
    );
    assert!(
        status.contains("device key   none"),
        "--check changes nothing: {status}"
    );
    let wrong = run(
        b_home.path(),
        &["e2e", "recover", "--data-dir", &b_dir],
        Some("0000"),
    );
    assert!(!wrong.status.success());
    ok(
        b_home.path(),
        &["e2e", "recover", "--data-dir", &b_dir],
        Some(&recovery),
    );
    let status = ok(
        b_home.path(),
        &["e2e", "status", "--data-dir", &b_dir],
        None,
    );
    assert!(!status.contains("device key   none"), "{status}");

    let listed: serde_json::Value = http
        .get(format!("{}/api/conversations", b.base))
        .bearer_auth(&b_secret)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        listed["items"][0]["title"], "kept from the server",
        "{listed}"
    );
    let on_hosted: serde_json::Value = http
        .get(format!("{}/api/conversations", hosted.base))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(on_hosted["items"][0]["encrypted"], true, "{on_hosted}");

    // The key is kept where the identity key is: an owner-only file, with no OS keychain.
    let secrets = Path::new(&b_dir).join("secrets");
    let keyring = std::fs::read_dir(&secrets)
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| {
            p.file_name()
                .unwrap()
                .to_str()
                .unwrap()
                .starts_with("e2e-keyring-")
        })
        .expect("the keyring's file");
    use std::os::unix::fs::PermissionsExt;
    let mode = std::fs::metadata(&keyring).unwrap().permissions().mode();
    assert_eq!(mode & 0o777, 0o600);
    let stored = std::fs::read_to_string(&keyring).unwrap();
    let listed = ok(
        b_home.path(),
        &["keychain", "status", "--data-dir", &b_dir],
        None,
    );
    let where_ = format!("file {}", keyring.display());
    assert!(
        listed.contains("e2e keyring") && listed.contains(&where_),
        "{listed}"
    );

    let mut logs = Vec::new();
    for served in [a, b, hosted] {
        let (status, log) = served.terminate();
        assert!(status.success());
        logs.extend(log);
    }
    let compact: String = recovery.chars().filter(|c| *c != '-').collect();
    let stored: serde_json::Value = serde_json::from_str(&stored).unwrap();
    let key = stored[0]["key"].as_str().unwrap().to_string();
    assert_eq!(key.len(), 43, "32 bytes in base64url: {stored}");
    for line in &logs {
        for secret in [&recovery, &compact, &key, &token] {
            assert!(
                !line.contains(secret.as_str()),
                "a secret in the log: {line}"
            );
        }
    }
}

/// A hosted daemon's home, data dir and database (a fresh Postgres schema when Postgres is
/// there, else SQLite) for the real binary, and its commands run against them.
pub struct HostedCli {
    home: tempfile::TempDir,
    pub dir: std::path::PathBuf,
    pub url: String,
}

impl HostedCli {
    pub async fn new() -> Self {
        let home = tempfile::tempdir().unwrap();
        let dir = home.path().join("data");
        let url = match fresh_postgres_schema().await {
            Some(url) => url,
            None => format!("sqlite://{}/hosted.db", dir.display()),
        };
        Self { home, dir, url }
    }

    pub fn home(&self) -> &std::path::Path {
        self.home.path()
    }

    /// `backend-8825 <args> --data-dir <dir>` with its `DATABASE_URL`: its standard output,
    /// trimmed; a failure fails the test with its standard error.
    pub fn run(&self, args: &[&str]) -> String {
        let out = command(self.home())
            .args(args)
            .arg("--data-dir")
            .arg(&self.dir)
            .env("DATABASE_URL", &self.url)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap().trim().to_string()
    }
}
