//! `backend-8825 audit verify` and `audit list`: the audit log read straight from the
//! database, with or without a daemon running on it.

use std::sync::Arc;

use anyhow::Context;
use clap::{Args, Subcommand};

use super::CommonArgs;
use crate::config::{Config, Env, Overrides};
use crate::store::{self, AuditQuery, AuditRow, Store, chain_label, time};
use crate::{config, logging};

/// The most problems `verify` prints one by one.
const SHOWN_PROBLEMS: usize = 50;

#[derive(Debug, Subcommand)]
pub enum AuditAction {
    /// Check every chain of the audit log: each entry's hash against its fields, each link
    /// to the entry before, each chain's ends. Exits 0 when the log is intact; otherwise
    /// names every entry that was changed, and where entries were deleted, and exits 1.
    Verify(CommonArgs),
    /// Print the latest entries, newest first, one a line.
    List(ListArgs),
}

#[derive(Debug, Args)]
pub struct ListArgs {
    /// How many entries.
    #[arg(long, value_name = "N", default_value_t = 50)]
    pub limit: u32,
    #[command(flatten)]
    pub common: CommonArgs,
}

pub async fn run(action: AuditAction, env: &Env) -> anyhow::Result<()> {
    match action {
        AuditAction::Verify(args) => verify(open(&args, env).await?.as_ref()).await,
        AuditAction::List(args) => {
            if args.limit == 0 {
                anyhow::bail!("--limit must be 1 or more");
            }
            list(open(&args.common, env).await?.as_ref(), args.limit).await
        }
    }
}

/// The store of the configuration the arguments give. Logs go to stderr at `warn`, so
/// stdout carries only the command's output.
async fn open(args: &CommonArgs, env: &Env) -> anyhow::Result<Arc<dyn Store>> {
    let overrides = Overrides {
        data_dir: args.data_dir.clone(),
        database_url: args.database_url.clone(),
        config_file: args.config.clone(),
        ..Overrides::default()
    };
    let mode = match args.mode {
        Some(mode) => mode,
        None => config::env_mode(env)?,
    };
    let config = Config::load(mode, &overrides, env)?;
    logging::init(config::LogFormat::Pretty, "warn");
    let db = &config.database;
    let store = store::connect(db.url.expose(), db.max_connections)
        .await
        .with_context(|| format!("cannot open the {} database", db.kind.as_str()))?;
    Ok(store)
}

async fn verify(store: &dyn Store) -> anyhow::Result<()> {
    let verification = store.audit_verify().await;
    store.close().await;
    let verification = verification.context("cannot read the audit log")?;
    let problems: Vec<_> = verification.problems().collect();
    if problems.is_empty() {
        let entries: u64 = verification.chains.iter().map(|c| c.entries).sum();
        let chains = verification.chains.len();
        let plural = if chains == 1 { "" } else { "s" };
        println!("the audit log verifies: {entries} entries in {chains} chain{plural}");
        for chain in &verification.chains {
            let head = chain.head.as_ref();
            println!(
                "  {}: {} entries, last place {}, head hash {}",
                chain_label(&chain.chain),
                chain.entries,
                head.map_or(0, |(seq, _)| *seq),
                head.map_or("-", |(_, hash)| hash.as_str())
            );
        }
        return Ok(());
    }
    for problem in problems.iter().take(SHOWN_PROBLEMS) {
        eprintln!("  {problem}");
    }
    if problems.len() > SHOWN_PROBLEMS {
        eprintln!("  ... and {} more", problems.len() - SHOWN_PROBLEMS);
    }
    let plural = if problems.len() == 1 { "" } else { "s" };
    anyhow::bail!(
        "the audit log does not verify: {} problem{plural}, listed above. The entries named were \
         changed or deleted in the database after they were written; compare with a backup \
         of the database to see what they held",
        problems.len()
    )
}

async fn list(store: &dyn Store, limit: u32) -> anyhow::Result<()> {
    let query = AuditQuery {
        chain: None,
        before: None,
        limit: i64::from(limit),
    };
    let rows = store.audit_page(&query).await;
    store.close().await;
    let rows = rows.context("cannot read the audit log")?;
    if rows.is_empty() {
        eprintln!("the audit log is empty");
    }
    for row in &rows {
        println!("{}", line(row));
    }
    Ok(())
}

/// One entry on one line: id, time, chain and place, event, outcome, then what is set.
fn line(row: &AuditRow) -> String {
    let mut line = format!(
        "{:>6}  {}  {}#{}  {} {}",
        row.id,
        time(row.at),
        row.chain_id.as_deref().unwrap_or("(no chain)"),
        row.seq.map_or_else(|| "-".to_string(), |s| s.to_string()),
        row.event,
        row.outcome,
    );
    let fields = [
        ("code", row.detail.as_deref()),
        ("peer", row.peer_id.as_deref()),
        ("account", row.account_id.as_deref()),
        ("ip", row.ip.as_deref()),
    ];
    for (name, value) in fields {
        if let Some(value) = value {
            line.push_str(&format!(" {name}={value}"));
        }
    }
    if row.count != 1 {
        line.push_str(&format!(" count={}", row.count));
    }
    line
}
