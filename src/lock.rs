//! One daemon per data dir: `serve` holds an exclusive lock on `<data_dir>/daemon.lock` for
//! as long as it runs. The operating system releases it when the process ends, however it
//! ends (kill -9 included), so a stale lock never blocks a start.

use std::fs::{File, OpenOptions, TryLockError};
use std::io::Write;
use std::path::{Path, PathBuf};

use crate::keychain::open_lock_file;
use crate::local_api::address::read_record;

/// The lock file's name inside the data dir.
pub const LOCK_FILE: &str = "daemon.lock";

/// Held while the daemon runs; dropping it releases the data dir.
#[derive(Debug)]
pub struct DataDirLock {
    _file: File,
}

#[derive(Debug, thiserror::Error)]
pub enum LockError {
    #[error(
        "another backend-8825 daemon{running} is already running on the data dir {dir}: use \
         that one (`backend-8825 ui` opens it), stop it first, or start this one with another \
         --data-dir"
    )]
    Held { dir: PathBuf, running: String },
    #[error("cannot lock the data dir: cannot {action} {path}")]
    Io {
        action: &'static str,
        path: PathBuf,
        source: std::io::Error,
    },
}

impl DataDirLock {
    /// Takes the data dir's lock, creating the data dir (0700) if needed. Fails at once,
    /// naming the running daemon, when another process holds it.
    pub fn acquire(data_dir: &Path) -> Result<Self, LockError> {
        let path = data_dir.join(LOCK_FILE);
        let io = |action, source| LockError::Io {
            action,
            path: path.clone(),
            source,
        };
        let mut file = open_lock_file(&path).map_err(|e| io("open", e))?;
        match file.try_lock() {
            Ok(()) => {}
            Err(TryLockError::WouldBlock) => {
                return Err(LockError::Held {
                    dir: data_dir.to_path_buf(),
                    running: describe_holder(data_dir),
                });
            }
            Err(TryLockError::Error(e)) => return Err(io("lock", e)),
        }
        // The pid is for people reading the file; the lock itself is what counts.
        file.set_len(0)
            .and_then(|()| writeln!(file, "{}", std::process::id()))
            .map_err(|e| io("write", e))?;
        Ok(Self { _file: file })
    }
}

impl DataDirLock {
    /// The refusal a start would get because another process holds the data dir, if one
    /// does. Creates nothing.
    pub fn holder(data_dir: &Path) -> Option<LockError> {
        let file = OpenOptions::new()
            .read(true)
            .write(true)
            .open(data_dir.join(LOCK_FILE))
            .ok()?;
        match file.try_lock() {
            Err(TryLockError::WouldBlock) => Some(LockError::Held {
                dir: data_dir.to_path_buf(),
                running: describe_holder(data_dir),
            }),
            _ => None,
        }
    }
}

/// " (pid 123, http://127.0.0.1:8825)", from the lock file and the address record, as far
/// as they tell.
fn describe_holder(data_dir: &Path) -> String {
    let pid = std::fs::read_to_string(data_dir.join(LOCK_FILE))
        .ok()
        .and_then(|text| text.trim().parse::<u32>().ok());
    let url = read_record(data_dir)
        .ok()
        .flatten()
        .filter(|record| Some(record.pid) == pid)
        .map(|record| record.url);
    match (pid, url) {
        (Some(pid), Some(url)) => format!(" (pid {pid}, {url})"),
        (Some(pid), None) => format!(" (pid {pid})"),
        _ => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_second_lock_on_one_data_dir_is_refused_until_the_first_is_released() {
        let dir = tempfile::tempdir().unwrap();
        let first = DataDirLock::acquire(dir.path()).unwrap();
        let err = DataDirLock::acquire(dir.path()).unwrap_err();
        let msg = err.to_string();
        assert!(matches!(err, LockError::Held { .. }), "{msg}");
        assert!(
            msg.contains(&format!("pid {}", std::process::id())),
            "{msg}"
        );
        drop(first);
        DataDirLock::acquire(dir.path()).unwrap();
    }
}
