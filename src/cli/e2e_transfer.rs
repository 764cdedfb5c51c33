//! `backend-8825 e2e request|requests|approve|accept`: adding a device to an encrypted
//! account with a transfer code (docs/e2e.md), through the running daemon's local API.

use serde_json::{Value, json};

use super::*;
use crate::config::Env;
use crate::local_api::ClientError;

fn print_request(t: &Value) {
    let text = |v: &Value| v.as_str().unwrap_or("-").to_string();
    println!(
        "{}  device {}  key {}  {}  expires {}",
        text(&t["request_id"]),
        text(&t["device_peer_id"]),
        text(&t["key_id"]),
        text(&t["state"]),
        text(&t["expires_at"])
    );
}

fn refused(what: &str, err: ClientError) -> anyhow::Error {
    match err {
        ClientError::Refused { code, message, .. } => {
            anyhow::anyhow!("{what} ({code}): {message}")
        }
        e => e.into(),
    }
}

pub(super) async fn request(
    peer: Option<String>,
    daemon: DaemonArgs,
    env: &Env,
) -> anyhow::Result<()> {
    let client = daemon.client(env).await?;
    let body = json!({"peer_id": peer});
    let made: Value = client
        .post_json("/e2e/request", &body)
        .await
        .map_err(|e| refused("not asked", e))?;
    print_request(&made);
    eprintln!(
        "\nasked for the account's key. On a device that holds it, run `backend-8825 e2e \
         approve {}`: it shows a transfer code; type it here with `backend-8825 e2e accept` \
         before the request expires.",
        made["request_id"].as_str().unwrap_or_default()
    );
    Ok(())
}

pub(super) async fn requests(daemon: DaemonArgs, env: &Env) -> anyhow::Result<()> {
    let client = daemon.client(env).await?;
    let waiting: Vec<Value> = client.get_json("/e2e/requests").await?;
    if waiting.is_empty() {
        eprintln!("no device waits for the account's key");
    }
    waiting.iter().for_each(print_request);
    Ok(())
}

pub(super) async fn approve(
    request_id: Option<String>,
    peer: Option<String>,
    daemon: DaemonArgs,
    env: &Env,
) -> anyhow::Result<()> {
    let client = daemon.client(env).await?;
    // Made here and only sent to this machine's daemon, which never answers it back.
    let code = crate::e2e::keyring::new_transfer_code();
    let body = json!({"peer_id": peer, "request_id": request_id, "transfer_code": code.expose()});
    let approved: Value = client
        .post_json("/e2e/approve", &body)
        .await
        .map_err(|e| refused("not approved", e))?;
    print_request(&approved);
    eprintln!(
        "\napproved. Type this transfer code on the new device (`backend-8825 e2e accept`) \
         before the request expires; it is shown only now:"
    );
    println!("{}", code.expose());
    Ok(())
}

pub(super) async fn accept(
    code: Option<String>,
    peer: Option<String>,
    daemon: DaemonArgs,
    env: &Env,
) -> anyhow::Result<()> {
    let code = super::e2e::code_or_prompt(code, "transfer code")?;
    let client = daemon.client(env).await?;
    let body = json!({"peer_id": peer, "transfer_code": code});
    let view: Value = client
        .post_json("/e2e/accept", &body)
        .await
        .map_err(|e| refused("not accepted", e))?;
    eprintln!("the account's key is on this device now; everything was synced again");
    super::e2e::print_view(&view);
    Ok(())
}
