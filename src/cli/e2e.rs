//! `backend-8825 e2e enable|status|recover|rotate|request|requests|approve|accept`: end-to-end encryption of the running local
//! daemon's account (docs/e2e.md), through its local API.

use std::io::BufRead;

use serde_json::{Value, json};

use super::*;
use crate::config::Env;
use crate::local_api::ClientError;

pub(super) async fn run(action: E2eAction, env: &Env) -> anyhow::Result<()> {
    match action {
        E2eAction::Enable { peer, daemon } => enable(peer, daemon, env).await,
        E2eAction::Status(daemon) => {
            let client = daemon.client(env).await?;
            let views: Vec<Value> = client.get_json("/e2e").await?;
            if views.is_empty() {
                eprintln!("no active hosted peer; pair with `backend-8825 pair`");
            }
            views.iter().for_each(print_view);
            Ok(())
        }
        E2eAction::Recover {
            code,
            check,
            peer,
            daemon,
        } => recover(code, check, peer, daemon, env).await,
        E2eAction::Request { peer, daemon } => {
            super::e2e_transfer::request(peer, daemon, env).await
        }
        E2eAction::Rotate { peer, daemon } => rotate(peer, daemon, env).await,
        E2eAction::Requests(daemon) => super::e2e_transfer::requests(daemon, env).await,
        E2eAction::Approve {
            request_id,
            peer,
            daemon,
        } => super::e2e_transfer::approve(request_id, peer, daemon, env).await,
        E2eAction::Accept { code, peer, daemon } => {
            super::e2e_transfer::accept(code, peer, daemon, env).await
        }
    }
}

pub(super) fn print_view(view: &Value) {
    let text = |v: &Value| v.as_str().unwrap_or("-").to_string();
    let key = |v: &Value| match v["ck_id"].as_str() {
        Some(id) => format!("{id} (epoch {})", v["epoch"]),
        None => "none".to_string(),
    };
    let state = match view["enabled"].as_bool() {
        Some(true) => "encrypted",
        Some(false) => "plaintext",
        None => "unknown",
    };
    println!("peer_id      {}", text(&view["peer_id"]));
    println!("account      {state}");
    println!("account key  {}", key(&view["account_key"]));
    println!("device key   {}", key(&view["device_key"]));
    if view["unopened"].as_u64().unwrap_or(0) > 0 {
        println!(
            "unopened     {} (set aside: did not open here)",
            view["unopened"]
        );
    }
    if view["enabled"] == true && view["device_key"] != view["account_key"] {
        eprintln!(
            "this device does not hold the account's key: `backend-8825 e2e request`, then \
             approve it on a device that holds it; or `backend-8825 e2e recover`"
        );
    }
    if let Some(since) = view["rotation_due"].as_str() {
        eprintln!(
            "a device of the account was revoked ({since}): rotate the key on a device that \
             holds it (`backend-8825 e2e rotate`)"
        );
    }
    if let Some(err) = view["hosted_error"].as_str() {
        eprintln!("the hosted backend was not asked: {err}");
    }
}

async fn enable(peer: Option<String>, daemon: DaemonArgs, env: &Env) -> anyhow::Result<()> {
    let client = daemon.client(env).await?;
    // The code is made here and only sent to this machine's daemon, which seals the key
    // under it and never answers it back: it is shown once, below.
    let code = crate::e2e::keyring::new_recovery_code();
    let body = json!({"peer_id": peer, "recovery_code": code.expose()});
    let view: Value = match client.post_json("/e2e/enable", &body).await {
        Ok(view) => view,
        // The hosted side may hold the keyring sealed under this code: it must not be lost.
        Err(ClientError::Refused {
            code: c, message, ..
        }) if c == "e2e_enable_unknown" => {
            eprintln!("{message}\nThe recovery code follows: keep it.");
            println!("{}", code.expose());
            anyhow::bail!("not finished ({c})")
        }
        Err(ClientError::Refused { code, message, .. }) => {
            anyhow::bail!("not enabled ({code}): {message}")
        }
        Err(e) => return Err(e.into()),
    };
    if view["already"] == true {
        eprintln!(
            "end-to-end encryption was on already under this device's key; {} record(s) \
             rewritten to sync sealed. The recovery code is the one shown when it was enabled.",
            view["rewritten"]
        );
        print_view(&view);
        return Ok(());
    }
    eprintln!(
        "end-to-end encryption is on; {} record(s) rewritten to sync sealed",
        view["rewritten"]
    );
    print_view(&view);
    eprintln!(
        "\nThe recovery code follows, shown only now. Write it down and keep it safe: with it, \
         a new device opens the account's conversations (`backend-8825 e2e recover`); \
         without it and without this device, they cannot be read by anyone."
    );
    println!("{}", code.expose());
    Ok(())
}

async fn recover(
    code: Option<String>,
    check: bool,
    peer: Option<String>,
    daemon: DaemonArgs,
    env: &Env,
) -> anyhow::Result<()> {
    let code = code_or_prompt(code, "recovery code")?;
    let client = daemon.client(env).await?;
    let body = json!({"peer_id": peer, "recovery_code": code, "check": check});
    let view: Value = match client.post_json("/e2e/recover", &body).await {
        Ok(view) => view,
        Err(ClientError::Refused { code, message, .. }) => {
            anyhow::bail!("not recovered ({code}): {message}")
        }
        Err(e) => return Err(e.into()),
    };
    if check {
        eprintln!("the recovery code opens the account's key; nothing was changed");
    } else {
        eprintln!("the account's key is on this device now; everything was synced again");
    }
    print_view(&view);
    Ok(())
}

async fn rotate(peer: Option<String>, daemon: DaemonArgs, env: &Env) -> anyhow::Result<()> {
    let client = daemon.client(env).await?;
    // As for enable: made here, sent only to this machine's daemon, shown once below.
    let code = crate::e2e::keyring::new_recovery_code();
    let body = json!({"peer_id": peer, "recovery_code": code.expose()});
    let view: Value = match client.post_json("/e2e/rotate", &body).await {
        Ok(view) => view,
        Err(ClientError::Refused {
            code: c, message, ..
        }) if c == "e2e_rotate_unknown" => {
            eprintln!("{message}\nThe new recovery code follows: keep it.");
            println!("{}", code.expose());
            anyhow::bail!("not finished ({c})")
        }
        Err(ClientError::Refused { code, message, .. }) => {
            anyhow::bail!("not rotated ({code}): {message}")
        }
        Err(e) => return Err(e.into()),
    };
    eprintln!(
        "the account's key is a new epoch; the account's other devices get it with \
         `backend-8825 e2e request` there and `backend-8825 e2e approve` here"
    );
    print_view(&view);
    eprintln!(
        "\nThe new recovery code follows, shown only now; the old one no longer opens the \
         account's key. Write it down and keep it safe."
    );
    println!("{}", code.expose());
    Ok(())
}

/// The code given on the command line, or else a line read from standard input after
/// `what:` on standard error (kept out of the shell's history and the process list).
pub(super) fn code_or_prompt(code: Option<String>, what: &str) -> anyhow::Result<String> {
    if let Some(code) = code {
        return Ok(code);
    }
    eprintln!("{what}:");
    let mut line = String::new();
    std::io::stdin().lock().read_line(&mut line)?;
    Ok(line.trim().to_string())
}
