//! `service install` and `service uninstall`: the daemon at login.

use std::path::PathBuf;

use anyhow::Context;

use super::*;
use crate::config::Env;
use crate::logging;
use crate::service::{self, Platform, ServiceSpec};

pub(super) fn run_service(action: ServiceAction, env: &Env) -> anyhow::Result<()> {
    logging::init(crate::config::LogFormat::Pretty, "warn");
    let platform = Platform::current()?;
    let home = env
        .get("HOME")
        .filter(|h| !h.is_empty())
        .map(PathBuf::from)
        .context("HOME is not set")?;
    match action {
        ServiceAction::Install { data_dir, no_start } => {
            let binary = std::env::current_exe().context("cannot find this binary's path")?;
            let data_dir = data_dir.map(|d| std::path::absolute(&d).unwrap_or(d));
            let spec = ServiceSpec {
                binary,
                data_dir,
                home,
            };
            let path = service::install(platform, env, &spec, !no_start)?;
            eprintln!("wrote {}", path.display());
            if no_start {
                eprintln!("not started (--no-start)");
            }
        }
        ServiceAction::Uninstall { no_stop } => {
            match service::uninstall(platform, env, &home, !no_stop)? {
                Some(path) => eprintln!("removed {}", path.display()),
                None => eprintln!("no service file was installed"),
            }
        }
    }
    Ok(())
}
