//! `backend-8825 service install|uninstall`: run the local daemon at login, as a LaunchAgent
//! on macOS or a systemd user unit on Linux, pointing at the binary that runs the command.

mod launchd;
mod systemd;

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context, bail};

use crate::config::Env;
use crate::keychain::write_private_file;

pub use launchd::{LAUNCH_AGENT_LABEL, launch_agent_plist};
pub use systemd::{SYSTEMD_UNIT_NAME, systemd_unit};

/// What the service runs.
#[derive(Clone, Debug)]
pub struct ServiceSpec {
    pub binary: PathBuf,
    pub data_dir: Option<PathBuf>,
    pub home: PathBuf,
}

impl ServiceSpec {
    /// The daemon's command line.
    pub fn program_arguments(&self) -> Vec<String> {
        let mut args = vec![
            self.binary.display().to_string(),
            "serve".into(),
            "--mode".into(),
            "local".into(),
        ];
        if let Some(dir) = &self.data_dir {
            args.extend(["--data-dir".into(), dir.display().to_string()]);
        }
        args
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Platform {
    MacOs,
    Linux,
}

impl Platform {
    pub fn current() -> anyhow::Result<Self> {
        if cfg!(target_os = "macos") {
            Ok(Self::MacOs)
        } else if cfg!(target_os = "linux") {
            Ok(Self::Linux)
        } else {
            bail!("service install supports macOS (launchd) and Linux (systemd) only")
        }
    }

    /// Where the service file goes.
    pub fn service_file(self, env: &Env, home: &Path) -> PathBuf {
        match self {
            Self::MacOs => home
                .join("Library/LaunchAgents")
                .join(format!("{LAUNCH_AGENT_LABEL}.plist")),
            Self::Linux => {
                let config = env
                    .get("XDG_CONFIG_HOME")
                    .filter(|v| Path::new(v).is_absolute())
                    .map(PathBuf::from)
                    .unwrap_or_else(|| home.join(".config"));
                config.join("systemd/user").join(SYSTEMD_UNIT_NAME)
            }
        }
    }

    pub fn render(self, spec: &ServiceSpec) -> anyhow::Result<String> {
        match self {
            Self::MacOs => launch_agent_plist(spec),
            Self::Linux => Ok(systemd_unit(spec)),
        }
    }
}

/// Writes the service file and, unless `start` is false, loads and starts it.
pub fn install(
    platform: Platform,
    env: &Env,
    spec: &ServiceSpec,
    start: bool,
) -> anyhow::Result<PathBuf> {
    let path = platform.service_file(env, &spec.home);
    let text = platform.render(spec)?;
    if platform == Platform::MacOs {
        let logs = spec.home.join("Library/Logs/backend-8825");
        std::fs::create_dir_all(&logs)
            .with_context(|| format!("cannot create {}", logs.display()))?;
    }
    write_private_file(&path, text.as_bytes())?;
    if start {
        match platform {
            Platform::MacOs => {
                let domain = gui_domain()?;
                // Replace a loaded copy, if any, so a reinstall picks up a new binary path.
                let _ = Command::new("launchctl")
                    .args(["bootout", &domain])
                    .arg(&path)
                    .status();
                run(Command::new("launchctl")
                    .args(["bootstrap", &domain])
                    .arg(&path))?;
            }
            Platform::Linux => {
                run(Command::new("systemctl").args(["--user", "daemon-reload"]))?;
                run(Command::new("systemctl").args([
                    "--user",
                    "enable",
                    "--now",
                    SYSTEMD_UNIT_NAME,
                ]))?;
            }
        }
    }
    Ok(path)
}

/// Stops the service (unless `stop` is false) and removes its file.
/// Returns the removed file, or `None` when there was none.
pub fn uninstall(
    platform: Platform,
    env: &Env,
    home: &Path,
    stop: bool,
) -> anyhow::Result<Option<PathBuf>> {
    let path = platform.service_file(env, home);
    if stop {
        match platform {
            Platform::MacOs => {
                let _ = Command::new("launchctl")
                    .args(["bootout", &gui_domain()?])
                    .arg(&path)
                    .status();
            }
            Platform::Linux => {
                let _ = Command::new("systemctl")
                    .args(["--user", "disable", "--now", SYSTEMD_UNIT_NAME])
                    .status();
            }
        }
    }
    let removed = match std::fs::remove_file(&path) {
        Ok(()) => true,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => false,
        Err(e) => return Err(e).with_context(|| format!("cannot remove {}", path.display())),
    };
    if removed && stop && platform == Platform::Linux {
        let _ = Command::new("systemctl")
            .args(["--user", "daemon-reload"])
            .status();
    }
    Ok(removed.then_some(path))
}

fn gui_domain() -> anyhow::Result<String> {
    let out = Command::new("id")
        .arg("-u")
        .output()
        .context("cannot run id -u")?;
    Ok(format!(
        "gui/{}",
        String::from_utf8_lossy(&out.stdout).trim()
    ))
}

fn run(command: &mut Command) -> anyhow::Result<()> {
    let status = command
        .status()
        .with_context(|| format!("cannot run {command:?}"))?;
    if !status.success() {
        bail!("{command:?} failed ({status})");
    }
    Ok(())
}
