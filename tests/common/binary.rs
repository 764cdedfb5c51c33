//! Running the real binary: a clean environment, and `serve` processes whose address is
//! read from the line they log once bound.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};

pub const BIN: &str = env!("CARGO_BIN_EXE_backend-8825");

/// The binary with a clean environment: only PATH and a temporary HOME.
pub fn command(home: &Path) -> Command {
    let mut cmd = Command::new(BIN);
    cmd.env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("HOME", home)
        .env("BACKEND_8825_LOG", "info");
    cmd
}

/// `serve --mode hosted` on a free loopback port, with its data dir and database: the
/// command, for the caller to spawn (or to run and watch it refuse).
pub fn hosted_serve(home: &Path, data_dir: &Path, database_url: &str) -> Command {
    let mut cmd = command(home);
    cmd.args([
        "serve",
        "--mode",
        "hosted",
        "--bind",
        "127.0.0.1",
        "--port",
        "0",
    ])
    .arg("--data-dir")
    .arg(data_dir)
    .env("DATABASE_URL", database_url);
    cmd
}

/// A `serve` process and the address it logged.
pub struct Served {
    pub child: Child,
    pub base: String,
    pub log: std::sync::mpsc::Receiver<String>,
}

pub fn serve(home: &Path, args: &[&str]) -> Served {
    let mut cmd = command(home);
    cmd.arg("serve").args(args);
    spawn_served(cmd)
}

/// Spawns a `serve` command and waits for the line that logs the bound address (or fails
/// if the daemon exits first).
pub fn spawn_served(mut cmd: Command) -> Served {
    let mut child = cmd
        .stderr(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()
        .unwrap();
    let stderr = BufReader::new(child.stderr.take().unwrap());
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in stderr.lines().map_while(Result::ok) {
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    let base = loop {
        let Ok(line) = rx.recv_timeout(std::time::Duration::from_secs(60)) else {
            panic!(
                "serve did not log its address; exit: {:?}",
                child.try_wait()
            );
        };
        if let Some(at) = line.find("listening on http://") {
            let rest = &line[at + "listening on ".len()..];
            break rest
                .split(|c: char| c.is_whitespace() || c == '"')
                .next()
                .unwrap()
                .to_string();
        }
    };
    Served {
        child,
        base,
        log: rx,
    }
}

impl Served {
    /// Sends SIGTERM, without waiting for the process to end.
    pub fn sigterm(&self) {
        let pid = self.child.id().to_string();
        assert!(
            Command::new("kill")
                .args(["-TERM", &pid])
                .status()
                .unwrap()
                .success()
        );
    }

    /// SIGTERM, then the exit status and the rest of the log.
    pub fn terminate(mut self) -> (std::process::ExitStatus, Vec<String>) {
        self.sigterm();
        let status = self.child.wait().unwrap();
        (status, self.log.try_iter().collect())
    }
}

impl Drop for Served {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
