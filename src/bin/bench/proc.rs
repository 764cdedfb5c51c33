//! The release daemon as a separate process, so that its CPU and memory can be read from
//! `/proc`.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context, bail};

/// The `backend-8825` binary next to this one, built first if it is missing.
pub fn daemon_binary() -> anyhow::Result<PathBuf> {
    let exe = std::env::current_exe()?;
    let path = exe.with_file_name("backend-8825");
    if !path.exists() {
        let release = exe
            .parent()
            .and_then(Path::file_name)
            .is_some_and(|d| d == "release");
        let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
        let mut build = Command::new(cargo);
        build.args(["build", "--bin", "backend-8825"]);
        if release {
            build.arg("--release");
        }
        if !build.status()?.success() || !path.exists() {
            bail!("cannot build {}", path.display());
        }
    }
    Ok(path)
}

pub struct Process {
    child: Child,
    pub url: String,
}

fn free_port() -> anyhow::Result<u16> {
    Ok(std::net::TcpListener::bind("127.0.0.1:0")?
        .local_addr()?
        .port())
}

impl Process {
    /// Starts `backend-8825 serve` in `mode` on a free loopback port with its data in `dir`,
    /// and waits until `GET /health` answers; the time that took.
    pub async fn start(
        mode: &str,
        dir: &Path,
        env: &[(&str, &str)],
    ) -> anyhow::Result<(Self, Duration)> {
        Self::start_on(mode, dir, free_port()?, env).await
    }

    /// [`Process::start`] on a given port (to start a daemon again where its peers know it).
    pub async fn start_on(
        mode: &str,
        dir: &Path,
        port: u16,
        env: &[(&str, &str)],
    ) -> anyhow::Result<(Self, Duration)> {
        let mut command = Command::new(daemon_binary()?);
        command
            .args([
                "serve",
                "--mode",
                mode,
                "--bind",
                "127.0.0.1",
                "--port",
                &port.to_string(),
            ])
            .arg("--data-dir")
            .arg(dir)
            .env("HOME", dir)
            .env("BACKEND_8825_LOG", "warn")
            .stdout(Stdio::null())
            .stderr(Stdio::null());
        for (k, v) in env {
            command.env(k, v);
        }
        let started = Instant::now();
        let child = command.spawn().context("cannot start backend-8825")?;
        let process = Self {
            child,
            url: format!("http://127.0.0.1:{port}"),
        };
        let http = reqwest::Client::builder().no_proxy().build()?;
        loop {
            if http
                .get(format!("{}/health", process.url))
                .send()
                .await
                .is_ok_and(|r| r.status().is_success())
            {
                return Ok((process, started.elapsed()));
            }
            if started.elapsed() > Duration::from_secs(60) {
                bail!("backend-8825 serve --mode {mode} did not answer within 60 s");
            }
            tokio::time::sleep(Duration::from_millis(2)).await;
        }
    }

    pub async fn start_hosted(
        dir: &Path,
        database_url: &str,
        env: &[(&str, &str)],
    ) -> anyhow::Result<Self> {
        let mut all = vec![("DATABASE_URL", database_url)];
        all.extend_from_slice(env);
        Ok(Self::start("hosted", dir, &all).await?.0)
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    pub fn port(&self) -> u16 {
        self.url
            .rsplit(':')
            .next()
            .and_then(|p| p.parse().ok())
            .unwrap_or(0)
    }

    /// Kills the process at once (SIGKILL), as a crash would.
    pub fn kill(mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Runs a one-shot `backend-8825` command with `dir` as its data dir and HOME; its stdout,
/// trimmed.
pub fn command(args: &[&str], dir: &Path, env: &[(&str, &str)]) -> anyhow::Result<String> {
    let mut command = Command::new(daemon_binary()?);
    command
        .args(args)
        .arg("--data-dir")
        .arg(dir)
        .env("HOME", dir)
        .env("BACKEND_8825_LOG", "warn");
    for (k, v) in env {
        command.env(k, v);
    }
    let out = command.output().context("cannot run backend-8825")?;
    if !out.status.success() {
        bail!(
            "backend-8825 {} failed: {}",
            args.join(" "),
            String::from_utf8_lossy(&out.stderr)
        );
    }
    Ok(String::from_utf8_lossy(&out.stdout).trim().to_string())
}

impl Drop for Process {
    fn drop(&mut self) {
        // SIGTERM, so the daemon closes its store; SIGKILL if it does not stop in 5 s.
        let pid = self.child.id().to_string();
        let _ = Command::new("kill").args(["-TERM", &pid]).status();
        for _ in 0..100 {
            if matches!(self.child.try_wait(), Ok(Some(_))) {
                return;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// User plus system CPU time of `pid`, in seconds.
pub fn cpu_seconds(pid: u32) -> anyhow::Result<f64> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat"))?;
    // Fields after the command name (which may hold spaces) start at field 3.
    let rest = stat.rsplit_once(')').context("stat")?.1;
    let fields: Vec<&str> = rest.split_whitespace().collect();
    let ticks: f64 = fields[11].parse::<f64>()? + fields[12].parse::<f64>()?;
    Ok(ticks / clock_ticks())
}

fn clock_ticks() -> f64 {
    Command::new("getconf")
        .arg("CLK_TCK")
        .output()
        .ok()
        .and_then(|o| String::from_utf8(o.stdout).ok())
        .and_then(|s| s.trim().parse().ok())
        .unwrap_or(100.0)
}

/// A memory line of `/proc/<pid>/status` (`VmRSS`, `VmHWM`), in KiB.
pub fn rss_kib(pid: u32, field: &str) -> anyhow::Result<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status"))?;
    let line = status
        .lines()
        .find(|l| l.starts_with(field))
        .context("no such field")?;
    Ok(line.split_whitespace().nth(1).context("value")?.parse()?)
}

/// Raises this process's open-files soft limit to its hard limit; the new soft limit.
/// Processes started afterwards (the hosted daemons) inherit it: 10 000 simulated peers
/// hold 10 000 sockets on each side, past the usual soft limit of 1 024.
pub fn raise_open_files() -> anyhow::Result<u64> {
    let mut limit = libc::rlimit {
        rlim_cur: 0,
        rlim_max: 0,
    };
    // SAFETY: both calls only read or write the struct passed, which lives on this stack.
    unsafe {
        if libc::getrlimit(libc::RLIMIT_NOFILE, &mut limit) != 0 {
            return Err(std::io::Error::last_os_error().into());
        }
        if limit.rlim_cur < limit.rlim_max {
            limit.rlim_cur = limit.rlim_max;
            if libc::setrlimit(libc::RLIMIT_NOFILE, &limit) != 0 {
                return Err(std::io::Error::last_os_error().into());
            }
        }
    }
    // `rlim_t` is `u64` here, not on every platform.
    #[allow(clippy::unnecessary_cast)]
    Ok(limit.rlim_cur as u64)
}

/// The open-files soft limit of `pid` (`Max open files` in `/proc/<pid>/limits`).
pub fn open_files_limit(pid: u32) -> anyhow::Result<u64> {
    let limits = std::fs::read_to_string(format!("/proc/{pid}/limits"))?;
    let line = limits
        .lines()
        .find(|l| l.starts_with("Max open files"))
        .context("no open-files limit")?;
    let soft = line["Max open files".len()..]
        .split_whitespace()
        .next()
        .context("no soft limit")?;
    Ok(if soft == "unlimited" {
        u64::MAX
    } else {
        soft.parse()?
    })
}
