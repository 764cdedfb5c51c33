//! `backend-8825 retention run [--dry-run]`: applies the retention policy once, straight on
//! the database, and says what went (or would go), per kind and account.

use anyhow::Context;
use clap::{Args, Subcommand};

use super::CommonArgs;
use crate::app::build_state;
use crate::config::{Config, Env, Mode, Overrides};
use crate::keychain::KeychainManager;
use crate::retention::{self, Counts, RetentionPolicy, RetentionReport};
use crate::{config, logging};

#[derive(Debug, Subcommand)]
pub enum RetentionAction {
    /// Apply the retention policy now, as the daemon does at start and every hour.
    ///
    /// Conversations whose last change (theirs or a message's) is older than the records
    /// retention are deleted with their messages, as tombstones that sync to every paired
    /// backend; tombstones every active peer has acknowledged, and older than 7 days, are
    /// removed; on the hosted profile, telemetry events older than the telemetry retention;
    /// audit entries older than the audit retention (leaving a checkpoint, so the log still
    /// verifies). Prints what went, per kind and account, with the policy applied.
    ///
    /// A running daemon may share the database. On Postgres one instance runs retention at a
    /// time: if another holds it, this says so and does nothing. See docs/privacy.md.
    Run(RunArgs),
}

#[derive(Debug, Args)]
pub struct RunArgs {
    /// Change nothing: print what a run would delete now.
    #[arg(long)]
    pub dry_run: bool,
    #[command(flatten)]
    pub common: CommonArgs,
}

pub async fn run(action: RetentionAction, env: &Env) -> anyhow::Result<()> {
    let RetentionAction::Run(args) = action;
    let config = load(&args.common, env)?;
    let mode = config.mode;
    let keychain = KeychainManager::open(config.identity.keychain, &config.secrets_dir());
    let state = build_state(config, keychain).await?;
    let report = retention::run(&state, args.dry_run).await;
    state.store.close().await;
    print!("{}", describe(&report, mode));
    if report.failed {
        anyhow::bail!(
            "retention stopped before the end (the reason is logged above); run it again"
        );
    }
    Ok(())
}

/// The configuration the arguments give. Logs go to stderr at `warn`, so stdout carries only
/// the command's output.
fn load(args: &CommonArgs, env: &Env) -> anyhow::Result<Config> {
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
    let config = Config::load(mode, &overrides, env).context("cannot load the configuration")?;
    logging::init(config::LogFormat::Pretty, "warn");
    Ok(config)
}

fn days(days: u32) -> String {
    match days {
        0 => "forever".to_string(),
        1 => "1 day".to_string(),
        n => format!("{n} days"),
    }
}

fn policy(p: &RetentionPolicy, mode: Mode) -> String {
    let telemetry = match mode {
        Mode::Hosted => format!(", telemetry {}", days(p.telemetry_days)),
        Mode::Local => String::new(),
    };
    format!(
        "keeps records {}{telemetry}, audit entries {}",
        days(p.records_days),
        days(p.audit_days)
    )
}

fn counts(c: &Counts, mode: Mode, verb: &str) -> String {
    let mut out = format!(
        "  conversations {verb}: {}\n  messages {verb}: {}\n  \
         tombstones purged (every active peer has them): {}\n",
        c.conversations, c.messages, c.tombstones_purged
    );
    if mode == Mode::Hosted {
        out += &format!("  telemetry events {verb}: {}\n", c.telemetry_events);
    }
    out += &format!("  audit entries {verb}: {}\n", c.audit_entries);
    out
}

/// The report in plain words.
pub fn describe(report: &RetentionReport, mode: Mode) -> String {
    if report.skipped {
        return "retention is running in another instance on this database: nothing done\n"
            .to_string();
    }
    let verb = if report.dry_run {
        "that would be deleted"
    } else {
        "deleted"
    };
    let mut out = String::new();
    if report.dry_run {
        out += "dry run: nothing was changed\n";
    }
    for account in &report.accounts {
        let who = match mode {
            Mode::Local => "this daemon".to_string(),
            Mode::Hosted => format!("account {}", account.account_id),
        };
        out += &format!("{who}: {}\n", policy(&account.policy, mode));
        out += &counts(&account.counts, mode, verb);
    }
    if mode == Mode::Hosted {
        if report.accounts.is_empty() {
            out += "no accounts\n";
        }
        out += &format!(
            "audit entries of no account {verb}: {}\n",
            report.unattributed_audit_entries
        );
    }
    let total = report.total();
    let what = if report.dry_run { "would go" } else { "went" };
    out += &format!(
        "in all, {what}: {} conversations, {} messages, {} tombstones, {} telemetry events, \
         {} audit entries\n",
        total.conversations,
        total.messages,
        total.tombstones_purged,
        total.telemetry_events,
        total.audit_entries
    );
    out
}
