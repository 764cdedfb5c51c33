//! `openapi --mode local|hosted`: the OpenAPI document a daemon of that mode serves at
//! `GET /openapi.json`, printed without serving, for tools such as the web UI's type
//! generator (docs/web-ui.md).

use std::path::PathBuf;

use anyhow::Context;
use clap::Args;

use crate::app::build_state;
use crate::config::{Config, Env, LogFormat, Mode, Overrides};
use crate::keychain::KeychainManager;
use crate::{logging, router};

#[derive(Debug, Args)]
pub struct OpenApiArgs {
    /// Whose document: the `local` or the `hosted` daemon's (each mode has its own routes).
    #[arg(long, value_enum)]
    pub mode: Mode,
    /// A TOML config file layered over the profile's defaults, as `serve --config` takes it
    /// (its rate limits appear in the hosted document) [default: $BACKEND_8825_CONFIG].
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
}

/// Prints the document as pretty JSON (keys sorted, so the same binary and configuration
/// always print the same bytes).
pub async fn print(args: &OpenApiArgs, env: &Env) -> anyhow::Result<()> {
    let document = document(args, env).await?;
    println!("{}", serde_json::to_string_pretty(&document)?);
    Ok(())
}

/// The document comes from the router's own function, which needs a daemon's state: this
/// builds a throwaway one in a temporary directory (its own SQLite database and identity,
/// never the OS keychain), so nothing of a real data dir is read or written.
async fn document(args: &OpenApiArgs, env: &Env) -> anyhow::Result<serde_json::Value> {
    let scratch = tempfile::Builder::new()
        .prefix("backend-8825-openapi-")
        .tempdir()
        .context("cannot create a temporary directory")?;
    let database = scratch.path().join("scratch.db");
    let overrides = Overrides {
        data_dir: Some(scratch.path().to_path_buf()),
        database_url: Some(format!("sqlite:{}", database.display())),
        config_file: args.config.clone(),
        ..Overrides::default()
    };
    let mut config = Config::load(args.mode, &overrides, env)?;
    config.identity.keychain = false;
    // The scratch state's warnings (no keychain, a generated hosted key) are about files
    // that are gone when the command ends: errors only.
    logging::init(LogFormat::Pretty, "error");
    let keychain = KeychainManager::open(false, &config.secrets_dir());
    let state = build_state(config, keychain).await?;
    let document = router::document(args.mode, &state);
    state.store.close().await;
    Ok(document)
}
