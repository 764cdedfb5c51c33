//! The commands that talk to the running local daemon: `pair`, `sync`, `peers`, `privacy`,
//! `ui`.

use super::*;
use crate::config::Env;
use crate::local_api::ClientError;

pub(super) async fn pair(args: PairArgs, env: &Env) -> anyhow::Result<()> {
    let client = args.daemon.client(env).await?;
    let body = serde_json::json!({
        "hosted_url": args.hosted,
        "pairing_code": args.code,
        "expected_hosted_key_id": args.expect_key_id,
    });
    let paired: serde_json::Value = match client.post_json("/register-peer", &body).await {
        Ok(paired) => paired,
        Err(ClientError::Refused { code, message, .. }) => {
            anyhow::bail!("pairing failed ({code}): {message}")
        }
        Err(e) => return Err(e.into()),
    };
    let field = |v: &serde_json::Value, k: &str| v[k].as_str().unwrap_or("?").to_string();
    let peer = &paired["peer"];
    eprintln!(
        "paired with {} (SBT valid until {}, renewed automatically)",
        args.hosted,
        field(peer, "sbt_expires_at")
    );
    println!("peer_id        {}", field(peer, "peer_id"));
    println!("account_id     {}", field(peer, "account_id"));
    println!("local backend  {}", field(&paired["local"], "backend_id"));
    println!("local key_id   {}", field(&paired["local"], "key_id"));
    println!("hosted backend {}", field(&paired["hosted"], "backend_id"));
    println!("hosted key_id  {}", field(&paired["hosted"], "key_id"));
    Ok(())
}

pub(super) async fn sync_now(args: SyncArgs, env: &Env) -> anyhow::Result<()> {
    let client = args.daemon.client(env).await?;
    let peers: Vec<serde_json::Value> = client.get_json("/peers").await?;
    let ids: Vec<String> = match args.peer {
        Some(peer) => vec![peer],
        None => peers
            .iter()
            .filter(|p| p["status"] == "active")
            .filter_map(|p| p["peer_id"].as_str().map(str::to_string))
            .collect(),
    };
    if ids.is_empty() {
        anyhow::bail!("this daemon has no active peer; pair first with `backend-8825 pair`");
    }
    let mut failed = 0;
    for id in ids {
        let path = format!("/peers/{id}/sync");
        match client
            .post_json::<serde_json::Value>(&path, &serde_json::json!({}))
            .await
        {
            Ok(summary) => {
                println!(
                    "{id}  pushed {}  pulled {}  round trips {}",
                    summary["pushed"], summary["pulled"], summary["round_trips"]
                );
                // Refused versions do not fail the sync; say so, with where to look.
                let set_aside = summary["set_aside"].as_u64().unwrap_or(0);
                if set_aside > 0 {
                    eprintln!(
                        "{id}  the peer refused {set_aside} version(s); they are set aside \
                         (the web UI's Status page and GET /peers show why)"
                    );
                }
            }
            // Paused (here, or by the hosted account) is a state the user chose, not a
            // failure: said, and the exit status stays 0.
            Err(ClientError::Refused { code, message, .. })
                if code == "sync_paused" || code == crate::privacy::settings::REMOTE_PAUSED =>
            {
                println!("{id}  paused: {message}");
            }
            Err(ClientError::Refused { code, message, .. }) => {
                failed += 1;
                eprintln!("{id}  failed ({code}): {message}");
            }
            Err(e) => return Err(e.into()),
        }
    }
    if failed > 0 {
        anyhow::bail!("{failed} peer(s) did not sync");
    }
    Ok(())
}

pub(super) async fn open_ui(args: DaemonArgs, env: &Env) -> anyhow::Result<()> {
    let client = args.client(env).await?;
    let launch = match client.launch_url().await {
        Ok(launch) => launch,
        Err(ClientError::Refused { status: 401, .. }) => anyhow::bail!(
            "the daemon at {} does not take the secret of this data dir: pass the --data-dir \
             it runs with",
            client.base_url()
        ),
        Err(e) => return Err(e.into()),
    };
    eprintln!(
        "open this URL in your browser; it works once, until {}:",
        launch.expires_at
    );
    println!("{}", launch.url);
    Ok(())
}

pub(super) async fn peers(action: PeersAction, env: &Env) -> anyhow::Result<()> {
    match action {
        PeersAction::List { daemon } => {
            let client = daemon.client(env).await?;
            let peers: Vec<serde_json::Value> = client.get_json("/peers").await?;
            if peers.is_empty() {
                eprintln!("no peers; pair with `backend-8825 pair`");
            }
            for peer in peers {
                let text = |v: &serde_json::Value| v.as_str().unwrap_or("-").to_string();
                println!(
                    "{}  {}  {}  sync {}",
                    text(&peer["peer_id"]),
                    text(&peer["status"]),
                    peer["remote"]["url"]
                        .as_str()
                        .unwrap_or(peer["remote"]["backend_id"].as_str().unwrap_or("-")),
                    text(&peer["sync"]["state"]),
                );
            }
        }
        PeersAction::Revoke { peer_id, daemon } => {
            let client = daemon.client(env).await?;
            let path = format!("/peers/{peer_id}");
            let revoked: serde_json::Value = match client.delete_json(&path).await {
                Ok(revoked) => revoked,
                Err(ClientError::Refused { code, message, .. }) => {
                    anyhow::bail!("cannot revoke {peer_id} ({code}): {message}")
                }
                Err(e) => return Err(e.into()),
            };
            if revoked["hosted_notified"] == true {
                eprintln!("revoked {peer_id}; the hosted backend refuses its key too");
            } else {
                eprintln!(
                    "revoked {peer_id} here, but the hosted backend was not told: {}. Revoke it \
                     there too (DELETE /peers/{peer_id} with the account token).",
                    revoked["hosted_error"].as_str().unwrap_or("unknown error")
                );
            }
        }
    }
    Ok(())
}

pub(super) async fn privacy(action: PrivacyAction, env: &Env) -> anyhow::Result<()> {
    let (daemon, change) = match action {
        PrivacyAction::Show(daemon) => (daemon, None),
        PrivacyAction::Pause(daemon) => (daemon, Some(serde_json::json!({"sync_paused": true}))),
        PrivacyAction::Resume(daemon) => (daemon, Some(serde_json::json!({"sync_paused": false}))),
        PrivacyAction::Set { settings, daemon } => (daemon, Some(settings_change(&settings)?)),
    };
    let client = daemon.client(env).await?;
    let settings: serde_json::Value = match &change {
        None => client.get_json("/privacy-settings").await?,
        Some(change) => match client.put_json("/privacy-settings", change).await {
            Ok(settings) => settings,
            Err(ClientError::Refused { message, .. }) => anyhow::bail!("not changed: {message}"),
            Err(e) => return Err(e.into()),
        },
    };
    if let Some(object) = settings.as_object() {
        for (name, value) in object {
            println!("{name:<26}{value}");
        }
    }
    Ok(())
}

/// `NAME=VALUE` pairs as the JSON object `PUT /privacy-settings` takes: a value that reads as
/// JSON (`true`, `30`) is sent as such, anything else as text (the daemon then says what it
/// expected).
fn settings_change(pairs: &[String]) -> anyhow::Result<serde_json::Value> {
    let mut change = serde_json::Map::new();
    for pair in pairs {
        let Some((name, value)) = pair.split_once('=') else {
            anyhow::bail!("`{pair}` is not NAME=VALUE (for example retention_days=30)");
        };
        let value = serde_json::from_str(value.trim())
            .unwrap_or_else(|_| serde_json::Value::String(value.to_string()));
        change.insert(name.trim().to_string(), value);
    }
    Ok(serde_json::Value::Object(change))
}
