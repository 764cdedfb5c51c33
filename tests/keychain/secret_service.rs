//! A real Secret Service for one test: a private D-Bus session bus and an unlocked
//! gnome-keyring on it, both ended when the value is dropped. Nothing touches the user's
//! own bus or keyring: HOME and the XDG directories are a temporary directory.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// The Secret Service's bus name.
const SECRETS: &str = "org.freedesktop.secrets";
/// The collection gnome-keyring makes for the login keyring.
pub const LOGIN_COLLECTION: &str = "/org/freedesktop/secrets/collection/login";

pub struct SecretService {
    pub home: tempfile::TempDir,
    pub bus: String,
    bus_pid: u32,
    keyring: Child,
}

/// Whether the tools are installed. `scripts/test.sh` installs them and sets
/// `BACKEND_8825_REQUIRE_SECRET_SERVICE=1`, so in the test command a missing tool fails
/// instead of skipping.
pub fn available() -> bool {
    let have = [
        "dbus-daemon",
        "dbus-send",
        "gnome-keyring-daemon",
        "secret-tool",
    ]
    .iter()
    .all(|tool| which(tool));
    if !have && std::env::var("BACKEND_8825_REQUIRE_SECRET_SERVICE").as_deref() == Ok("1") {
        panic!(
            "BACKEND_8825_REQUIRE_SECRET_SERVICE=1 but dbus-daemon, dbus-send, \
             gnome-keyring-daemon or secret-tool is missing (apt-get install dbus gnome-keyring \
             libsecret-tools)"
        );
    }
    if !have {
        eprintln!("skipped: no dbus-daemon / gnome-keyring-daemon / secret-tool here");
    }
    have
}

fn which(tool: &str) -> bool {
    std::env::split_paths(&std::env::var_os("PATH").unwrap_or_default())
        .any(|dir| dir.join(tool).is_file())
}

impl SecretService {
    /// Starts a bus and an unlocked keyring; returns once the Secret Service answers.
    pub fn start() -> Self {
        let home = tempfile::tempdir().unwrap();
        for dir in ["run", "data", "config"] {
            std::fs::create_dir_all(home.path().join(dir)).unwrap();
        }
        set_mode(&home.path().join("run"), 0o700);
        let out = Command::new("dbus-daemon")
            .args(["--session", "--fork", "--print-address=1", "--print-pid=1"])
            .env("HOME", home.path())
            .stdin(Stdio::null())
            .stderr(Stdio::inherit())
            .output()
            .expect("dbus-daemon runs");
        let text = String::from_utf8(out.stdout).unwrap();
        let mut lines = text.lines();
        let bus = lines
            .next()
            .expect("dbus-daemon printed its address")
            .to_string();
        let bus_pid: u32 = lines.next().expect("and its pid").trim().parse().unwrap();
        let mut keyring = Command::new("gnome-keyring-daemon")
            .args(["--foreground", "--unlock", "--components=secrets"])
            .envs(session_env(home.path(), &bus))
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("gnome-keyring-daemon runs");
        // The password of the login keyring it creates; a closed stdin ends the input.
        let mut stdin = keyring.stdin.take().unwrap();
        stdin.write_all(b"test-keyring-password").unwrap();
        drop(stdin);
        let service = Self {
            home,
            bus,
            bus_pid,
            keyring,
        };
        service.wait_for_secrets();
        service
    }

    fn wait_for_secrets(&self) {
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            let out = Command::new("dbus-send")
                .args([
                    "--session",
                    "--print-reply",
                    "--dest=org.freedesktop.DBus",
                    "/org/freedesktop/DBus",
                    "org.freedesktop.DBus.NameHasOwner",
                    &format!("string:{SECRETS}"),
                ])
                .envs(self.env())
                .output()
                .unwrap();
            if String::from_utf8_lossy(&out.stdout).contains("boolean true") {
                return;
            }
            assert!(
                Instant::now() < deadline,
                "the Secret Service did not start"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// The variables a process of this desktop session has.
    pub fn env(&self) -> Vec<(String, String)> {
        session_env(self.home.path(), &self.bus)
    }

    /// `secret-tool search --all service backend-8825`: the account names stored.
    pub fn accounts(&self) -> Vec<String> {
        let out = self.secret_tool(&["search", "--all", "service", "backend-8825"]);
        let mut accounts: Vec<String> = out
            .lines()
            .filter_map(|l| l.strip_prefix("attribute.username = "))
            .map(str::to_string)
            .collect();
        accounts.sort();
        accounts
    }

    /// Locks the login keyring, as a screen lock does (`secret-tool lock` of this version
    /// hangs on a collection path, so the Secret Service's own method is called).
    pub fn lock(&self) {
        let out = Command::new("dbus-send")
            .args([
                "--session",
                "--print-reply",
                &format!("--dest={SECRETS}"),
                "/org/freedesktop/secrets",
                "org.freedesktop.Secret.Service.Lock",
                &format!("array:objpath:{LOGIN_COLLECTION}"),
            ])
            .envs(self.env())
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }

    fn secret_tool(&self, args: &[&str]) -> String {
        let out = Command::new("secret-tool")
            .args(args)
            .envs(self.env())
            .stdin(Stdio::null())
            .output()
            .unwrap();
        let mut text = String::from_utf8_lossy(&out.stdout).into_owned();
        // `search` prints the attributes on stderr in some versions.
        text.push_str(&String::from_utf8_lossy(&out.stderr));
        text
    }
}

fn session_env(home: &Path, bus: &str) -> Vec<(String, String)> {
    let path = |dir: &str| home.join(dir).display().to_string();
    vec![
        ("DBUS_SESSION_BUS_ADDRESS".into(), bus.to_string()),
        ("XDG_RUNTIME_DIR".into(), path("run")),
        ("XDG_DATA_HOME".into(), path("data")),
        ("XDG_CONFIG_HOME".into(), path("config")),
    ]
}

fn set_mode(path: &PathBuf, mode: u32) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).unwrap();
}

impl Drop for SecretService {
    fn drop(&mut self) {
        let _ = self.keyring.kill();
        let _ = self.keyring.wait();
        let _ = Command::new("kill").arg(self.bus_pid.to_string()).status();
    }
}
