//! The real binary, end to end: a hosted daemon (on Postgres when the suite has one) and a
//! local daemon, each its own process, paired with `backend-8825 pair`.

mod common;

use std::path::Path;
use std::time::Instant;

use common::binary::{self, command};

/// Runs a one-shot command; returns stdout, or panics with stderr.
fn run(home: &Path, args: &[&str], env: &[(&str, &str)]) -> String {
    let mut cmd = command(home);
    cmd.args(args);
    for (k, v) in env {
        cmd.env(k, v);
    }
    let out = cmd.output().unwrap();
    assert!(
        out.status.success(),
        "{args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

#[tokio::test]
async fn two_daemons_pair_with_the_cli_and_list_each_other() {
    let hosted_home = tempfile::tempdir().unwrap();
    let local_home = tempfile::tempdir().unwrap();
    let hosted_dir = hosted_home.path().join("data");
    let local_dir = local_home.path().join("data");
    let hosted_dir = hosted_dir.to_str().unwrap();
    let local_dir = local_dir.to_str().unwrap();
    let database_url = match common::fresh_postgres_schema().await {
        Some(url) => url,
        None => format!("sqlite://{hosted_dir}/hosted.db"),
    };
    let db_env = [("DATABASE_URL", database_url.as_str())];
    let home = hosted_home.path();

    let token = run(
        home,
        &["account", "create", "alice", "--data-dir", hosted_dir],
        &db_env,
    );
    let token = token.trim();
    let code = run(
        home,
        &[
            "pairing-code",
            "--account",
            "alice",
            "--data-dir",
            hosted_dir,
        ],
        &db_env,
    );
    let code = code.trim();

    let hosted_cmd = binary::hosted_serve(home, Path::new(hosted_dir), &database_url);
    let hosted = binary::spawn_served(hosted_cmd);
    let local = binary::serve(local_home.path(), &["--port", "0", "--data-dir", local_dir]);

    let hosted_identity: serde_json::Value =
        reqwest_get(&format!("{}/identity", hosted.base), None).await;
    let hosted_key_id = hosted_identity["key_id"].as_str().unwrap().to_string();

    let started = Instant::now();
    let printed = run(
        local_home.path(),
        &[
            "pair",
            "--hosted",
            &hosted.base,
            "--code",
            code,
            "--data-dir",
            local_dir,
            "--expect-key-id",
            &hosted_key_id,
        ],
        &[],
    );
    eprintln!("paired with the CLI in {:?}", started.elapsed());
    assert!(
        printed.contains(&format!("hosted key_id  {hosted_key_id}")),
        "{printed}"
    );
    let peer_id = printed
        .lines()
        .find_map(|l| l.strip_prefix("peer_id"))
        .unwrap()
        .trim()
        .to_string();

    // Both daemons list each other.
    let hosted_peers: serde_json::Value =
        reqwest_get(&format!("{}/peers", hosted.base), Some(token)).await;
    assert_eq!(hosted_peers[0]["peer_id"], peer_id.as_str());
    let secret = run(local_home.path(), &["token", "--data-dir", local_dir], &[]);
    let local_peers: serde_json::Value =
        reqwest_get(&format!("{}/peers", local.base), Some(secret.trim())).await;
    assert_eq!(local_peers[0]["peer_id"], peer_id.as_str());
    assert_eq!(local_peers[0]["remote"]["key_id"], hosted_key_id.as_str());
    let local_identity: serde_json::Value =
        reqwest_get(&format!("{}/identity", local.base), None).await;
    assert_eq!(
        hosted_peers[0]["remote"]["key_id"],
        local_identity["key_id"]
    );

    // A conversation written on the local daemon reaches the hosted one; `sync` forces it.
    let created = common::http_client()
        .post(format!("{}/api/conversations", local.base))
        .bearer_auth(secret.trim())
        .json(&serde_json::json!({"title": "from the CLI test"}))
        .send()
        .await
        .unwrap();
    assert_eq!(created.status(), 201);
    let synced = run(local_home.path(), &["sync", "--data-dir", local_dir], &[]);
    assert!(
        synced.contains(&peer_id) && synced.contains("pushed"),
        "{synced}"
    );
    let conversations: serde_json::Value =
        reqwest_get(&format!("{}/api/conversations", hosted.base), Some(token)).await;
    assert_eq!(
        conversations["items"][0]["title"], "from the CLI test",
        "{conversations}"
    );

    // Paused here, `sync` says so and succeeds: nothing failed, nothing was meant to cross.
    run(
        local_home.path(),
        &["privacy", "pause", "--data-dir", local_dir],
        &[],
    );
    let paused = run(local_home.path(), &["sync", "--data-dir", local_dir], &[]);
    assert!(
        paused.contains(&format!(
            "{peer_id}  paused: Sync is paused on this backend"
        )),
        "{paused}"
    );
    run(
        local_home.path(),
        &["privacy", "resume", "--data-dir", local_dir],
        &[],
    );
    // Paused by the hosted account: the same, in its words.
    let paused_there = common::http_client()
        .put(format!("{}/privacy-settings", hosted.base))
        .bearer_auth(token)
        .json(&serde_json::json!({"sync_paused": true}))
        .send()
        .await
        .unwrap();
    assert_eq!(paused_there.status(), 200);
    let paused = run(local_home.path(), &["sync", "--data-dir", local_dir], &[]);
    assert!(
        paused.contains(&format!(
            "{peer_id}  paused: Sync is paused for this account on the hosted backend"
        )),
        "{paused}"
    );

    // A spent code fails with its reason, and nothing is added.
    let mut again = command(local_home.path());
    again.args([
        "pair",
        "--hosted",
        &hosted.base,
        "--code",
        code,
        "--data-dir",
        local_dir,
    ]);
    let out = again.output().unwrap();
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("pairing_code_used"), "{stderr}");
    assert!(!stderr.contains(code), "the code is echoed: {stderr}");

    let (status, log) = local.terminate();
    assert!(status.success());
    let (status, hosted_log) = hosted.terminate();
    assert!(status.success());
    for line in log.iter().chain(hosted_log.iter()) {
        assert!(
            !line.contains(code) && !line.contains(token),
            "secret in the log: {line}"
        );
    }
}

async fn reqwest_get(url: &str, bearer: Option<&str>) -> serde_json::Value {
    let mut request = common::http_client().get(url);
    if let Some(bearer) = bearer {
        request = request.bearer_auth(bearer);
    }
    let response = request.send().await.unwrap();
    assert!(
        response.status().is_success(),
        "{url}: {}",
        response.status()
    );
    response.json().await.unwrap()
}

/// The demo's UI link works once; opened again in a browser it gets a page that says how to
/// get a new one, and the command the demo printed for that makes a new link that works.
async fn the_demo_links_keep_working(lines: &[String], home: &Path) {
    let url = |line: &str| {
        line.split_whitespace()
            .find(|w| w.starts_with("http://"))
            .map(String::from)
    };
    let first = lines
        .iter()
        .find(|l| l.contains("/launch?token="))
        .and_then(|l| url(l))
        .unwrap();
    let _ = rustls::crypto::ring::default_provider().install_default();
    let browser = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let open = |link: String| {
        let browser = browser.clone();
        async move {
            let response = browser
                .get(&link)
                .header("accept", "text/html,application/xhtml+xml")
                .send()
                .await
                .unwrap();
            let status = response.status().as_u16();
            let kind = response
                .headers()
                .get("content-type")
                .map(|v| v.to_str().unwrap().to_string())
                .unwrap_or_default();
            (status, kind, response.text().await.unwrap())
        }
    };
    assert_eq!(
        open(first.clone()).await.0,
        303,
        "the link opens the UI once"
    );
    let (status, kind, page) = open(first).await;
    assert_eq!(status, 401);
    assert!(
        kind.starts_with("text/html"),
        "a page, not raw JSON: {kind}"
    );
    assert!(page.contains("expired or was already used"), "{page}");
    assert!(page.contains("backend-8825 ui --data-dir"), "{page}");

    let command_line = lines
        .iter()
        .position(|l| l.contains("for a new link, run:"))
        .map(|at| lines[at + 1].trim().to_string())
        .unwrap();
    let mut words = command_line.split_whitespace();
    let program = words.next().unwrap();
    let out = std::process::Command::new(program)
        .args(words)
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("HOME", home)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{command_line}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let fresh = String::from_utf8(out.stdout).unwrap().trim().to_string();
    assert!(fresh.contains("/launch?token="), "{fresh}");
    assert_eq!(open(fresh).await.0, 303, "the new link opens the UI");
}

#[tokio::test]
async fn the_demo_pairs_two_daemons_shows_a_conversation_and_cleans_up() {
    let home = tempfile::tempdir().unwrap();
    let tmp = home.path().join("tmp");
    std::fs::create_dir(&tmp).unwrap();
    let mut child = command(home.path())
        .arg("demo")
        .env("TMPDIR", &tmp)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let stdout = std::io::BufReader::new(child.stdout.take().unwrap());
    let mut lines = Vec::new();
    for line in std::io::BufRead::lines(stdout).map_while(Result::ok) {
        let done = line.starts_with("Running until Ctrl-C");
        lines.push(line);
        if done {
            break;
        }
    }
    let text = lines.join("\n");
    assert!(text.contains("1. paired in"), "{text}");
    assert!(
        text.contains("[local ] user: Written on the local daemon."),
        "{text}"
    );
    assert!(
        text.contains("[hosted] assistant: And this reply"),
        "{text}"
    );
    assert!(text.contains("/launch?token="), "{text}");
    assert!(
        text.contains("4. a telemetry event emitted on local was stored on hosted"),
        "{text}"
    );
    assert!(
        text.contains("works once, until"),
        "the link's lifetime: {text}"
    );
    let token_line = lines
        .iter()
        .find(|l| l.trim_start().starts_with("account token"))
        .unwrap_or_else(|| panic!("the account token on its own line: {text}"));
    assert!(
        token_line
            .split_whitespace()
            .nth(2)
            .unwrap()
            .starts_with("b8825_at_")
    );
    the_demo_links_keep_working(&lines, home.path()).await;
    assert_eq!(
        std::fs::read_dir(&tmp).unwrap().count(),
        1,
        "the demo works in TMPDIR"
    );
    let pid = child.id().to_string();
    assert!(
        std::process::Command::new("kill")
            .args(["-INT", &pid])
            .status()
            .unwrap()
            .success()
    );
    let status = child.wait().unwrap();
    assert!(status.success(), "{status:?}");
    assert_eq!(
        std::fs::read_dir(&tmp).unwrap().count(),
        0,
        "the demo removes its data"
    );
}
