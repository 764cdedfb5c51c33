//! `backend-8825 demo`: a hosted and a local daemon on free loopback ports, in a temporary
//! directory, paired through the real handshake, with a conversation written on one side
//! and read on the other. Runs until Ctrl-C, then removes everything it made.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use serde_json::{Value, json};

use crate::app::{Application, shutdown_signal};
use crate::config::{Config, Env, Mode, Overrides};
use crate::keychain::KeychainManager;
use crate::state::AppState;
use crate::{accounts, local_api};

/// A temporary directory removed when dropped.
struct TempDir(PathBuf);

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn config(mode: Mode, dir: &std::path::Path, env: &Env) -> anyhow::Result<Config> {
    let overrides = Overrides {
        bind: Some([127, 0, 0, 1].into()),
        port: Some(0),
        data_dir: Some(dir.to_path_buf()),
        database_url: Some(format!(
            "sqlite://{}",
            dir.join("backend-8825.db").display()
        )),
        config_file: None,
    };
    Ok(Config::load(mode, &overrides, env)?)
}

/// Starts one daemon; its secrets go to files in the temporary directory, never to the
/// user's keychain.
async fn start(
    config: Config,
    stop: &tokio::sync::watch::Receiver<bool>,
) -> anyhow::Result<(
    AppState,
    String,
    tokio::task::JoinHandle<std::io::Result<()>>,
)> {
    let keychain = KeychainManager::files_only(&config.secrets_dir());
    let app = Application::build_with_keychain(config, keychain).await?;
    let url = format!("http://{}", app.local_addr());
    let state = app.state().clone();
    let mut stop = stop.clone();
    let task = tokio::spawn(app.run_until_stopped(async move {
        let _ = stop.changed().await;
    }));
    Ok((state, url, task))
}

async fn call(
    http: &reqwest::Client,
    method: reqwest::Method,
    url: String,
    bearer: &str,
    body: Value,
) -> anyhow::Result<Value> {
    let response = http
        .request(method, &url)
        .bearer_auth(bearer)
        .json(&body)
        .send()
        .await
        .with_context(|| format!("{url} did not answer"))?;
    let status = response.status();
    let body: Value = response.json().await.unwrap_or(Value::Null);
    if !status.is_success() {
        bail!("{url} answered {status}: {body}");
    }
    Ok(body)
}

/// Polls until the conversation has `count` messages, for at most 10 s.
async fn wait_for_messages(
    http: &reqwest::Client,
    url: &str,
    bearer: &str,
    count: usize,
) -> anyhow::Result<Duration> {
    let started = Instant::now();
    loop {
        let page = call(
            http,
            reqwest::Method::GET,
            url.to_string(),
            bearer,
            json!(null),
        )
        .await;
        if page.is_ok_and(|p| p["items"].as_array().is_some_and(|i| i.len() >= count)) {
            return Ok(started.elapsed());
        }
        if started.elapsed() > Duration::from_secs(10) {
            bail!("the message did not arrive within 10 s");
        }
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
}

/// How to run this binary again from a shell: `backend-8825` when that name on PATH is this
/// binary, else its full path (as after `cargo run`).
fn own_command() -> String {
    let Ok(me) = std::env::current_exe() else {
        return crate::config::APP_NAME.into();
    };
    let me = me.canonicalize().unwrap_or(me);
    let on_path = std::env::var_os("PATH").is_some_and(|path| {
        std::env::split_paths(&path).any(|dir| {
            let candidate = dir.join(crate::config::APP_NAME);
            candidate.canonicalize().is_ok_and(|found| found == me)
        })
    });
    if on_path {
        crate::config::APP_NAME.into()
    } else {
        crate::humanize::shell_word(&me.display().to_string())
    }
}

pub async fn run(env: &Env) -> anyhow::Result<()> {
    let root = std::env::temp_dir().join(format!("backend-8825-demo-{}", uuid::Uuid::new_v4()));
    let _cleanup = TempDir(root.clone());
    let (stop_tx, stop_rx) = tokio::sync::watch::channel(false);

    let (hosted, hosted_url, hosted_task) =
        start(config(Mode::Hosted, &root.join("hosted"), env)?, &stop_rx).await?;
    let (local, local_url, local_task) =
        start(config(Mode::Local, &root.join("local"), env)?, &stop_rx).await?;
    println!("backend-8825 demo: two daemons on this machine, data in a temporary directory\n");
    println!(
        "  hosted  {hosted_url}  backend {}",
        hosted.identity.backend_id
    );
    println!(
        "  local   {local_url}  backend {}\n",
        local.identity.backend_id
    );

    let (account, token) =
        accounts::create_account(hosted.store.as_ref(), hosted.clock.as_ref(), "demo").await?;
    let code =
        accounts::issue_pairing_code(hosted.store.as_ref(), hosted.clock.as_ref(), &account, None)
            .await?;
    let secret = local_api::local_secret(&local).await?.expose().to_string();
    let http = crate::peers::http_client();
    let started = Instant::now();
    let paired = call(
        http,
        reqwest::Method::POST,
        format!("{local_url}/register-peer"),
        &secret,
        json!({"hosted_url": hosted_url, "pairing_code": code.code.expose()}),
    )
    .await?;
    let peer_id = paired["peer"]["peer_id"]
        .as_str()
        .unwrap_or("?")
        .to_string();
    println!(
        "1. paired in {} ms (account \"demo\", peer {peer_id})",
        started.elapsed().as_millis()
    );
    println!(
        "   hosted key_id {}",
        paired["hosted"]["key_id"].as_str().unwrap_or("?")
    );
    println!(
        "   local  key_id {}\n",
        paired["local"]["key_id"].as_str().unwrap_or("?")
    );

    let conversation = call(
        http,
        reqwest::Method::POST,
        format!("{local_url}/api/conversations"),
        &secret,
        json!({"title": "Hello from the laptop"}),
    )
    .await?;
    let id = conversation["id"].as_str().unwrap_or_default().to_string();
    let local_messages = format!("{local_url}/api/conversations/{id}/messages");
    let hosted_messages = format!("{hosted_url}/api/conversations/{id}/messages");
    call(
        http,
        reqwest::Method::POST,
        local_messages.clone(),
        &secret,
        json!({"role": "user", "content": "Written on the local daemon."}),
    )
    .await?;
    let took = wait_for_messages(http, &hosted_messages, token.expose(), 1).await?;
    println!(
        "2. wrote a message on local; readable on hosted after {} ms (pushed on write)",
        took.as_millis()
    );

    call(
        http,
        reqwest::Method::POST,
        hosted_messages.clone(),
        token.expose(),
        json!({"role": "assistant", "content": "And this reply was written on the hosted one."}),
    )
    .await?;
    let took = wait_for_messages(http, &local_messages, &secret, 2).await?;
    println!(
        "3. replied on hosted; readable on local after {} ms (a poke over the telemetry socket)\n",
        took.as_millis()
    );
    let event = crate::telemetry::TelemetryEvent::new(
        "demo.hello",
        crate::telemetry::Level::Info,
        local.clock.now(),
    )
    .with_attribute("step", 4);
    let event_id = event.event_id.to_string();
    let started = Instant::now();
    crate::telemetry::emit(&local, event).await?;
    loop {
        let stored = hosted.store.telemetry().events(None, 1_000).await?;
        if stored.iter().any(|e| e.event_id == event_id) {
            println!(
                "4. a telemetry event emitted on local was stored on hosted after {} ms \
                 ({} events there so far, sync cycles included)\n",
                started.elapsed().as_millis(),
                stored.len()
            );
            break;
        }
        if started.elapsed() > Duration::from_secs(10) {
            bail!("the telemetry event did not arrive within 10 s");
        }
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    let page = call(
        http,
        reqwest::Method::GET,
        local_messages,
        &secret,
        json!(null),
    )
    .await?;
    println!("   the conversation on local, each message with the backend that wrote it:");
    for m in page["items"].as_array().into_iter().flatten() {
        let source = m["source_backend"].as_str().unwrap_or("?");
        let side = if source == hosted.identity.backend_id.as_str() {
            "hosted"
        } else {
            "local"
        };
        println!(
            "   [{side:6}] {}: {}",
            m["role"].as_str().unwrap_or("?"),
            m["content"].as_str().unwrap_or("")
        );
    }

    let launch = call(
        http,
        reqwest::Method::POST,
        format!("{local_url}/launch-tokens"),
        &secret,
        json!({}),
    )
    .await?;
    let ui_command = format!(
        "{} ui --data-dir {}",
        own_command(),
        crate::humanize::shell_word(&root.join("local").display().to_string())
    );
    println!("\nTry it:");
    println!(
        "  UI (one-time link)  {}",
        launch["url"].as_str().unwrap_or("?")
    );
    println!(
        "                      works once, until {} (two minutes); for a new link, run:",
        launch["expires_at"].as_str().unwrap_or("?")
    );
    println!("                      {ui_command}");
    println!("  hosted UI           {hosted_url}/  (sign in with the account token below)");
    println!("  account token       {}", token.expose());
    println!("  local API           curl -H 'Authorization: Bearer {secret}' {local_url}/peers");
    println!(
        "  hosted API          curl -H 'Authorization: Bearer {}' {hosted_url}/api/conversations",
        token.expose()
    );
    println!(
        "  telemetry           curl -H 'Authorization: Bearer {}' {hosted_url}/dashboard/telemetry",
        token.expose()
    );
    println!("  data                {}", root.display());
    println!("\nRunning until Ctrl-C; everything is deleted on exit.");

    shutdown_signal().await;
    let _ = stop_tx.send(true);
    for task in [hosted_task, local_task] {
        task.await.context("a daemon task failed")??;
    }
    Ok(())
}
