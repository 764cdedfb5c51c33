//! The address record: `<data_dir>/daemon.json`, written by a local daemon once it is bound
//! and removed when it stops, so that CLI commands find the daemon of a data dir.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::keychain::{KeychainError, write_private_file};

/// The record's file name inside the data dir.
pub const RECORD_FILE: &str = "daemon.json";

/// Where a running local daemon listens, and which process it is.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DaemonRecord {
    /// The base URL, e.g. `http://127.0.0.1:8825`.
    pub url: String,
    pub pid: u32,
}

#[derive(Debug, thiserror::Error)]
pub enum RecordError {
    #[error("cannot read {path}")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{path} is not a daemon address record")]
    Parse {
        path: PathBuf,
        source: serde_json::Error,
    },
}

pub fn record_path(data_dir: &Path) -> PathBuf {
    data_dir.join(RECORD_FILE)
}

/// The URL that reaches a daemon bound to `addr` from this machine: the loopback address
/// when it listens on every address, else the address itself. Its host is always one the
/// guard allows.
pub fn local_url(addr: SocketAddr) -> String {
    let ip = match addr.ip() {
        IpAddr::V4(ip) if ip.is_unspecified() => IpAddr::V4(Ipv4Addr::LOCALHOST),
        IpAddr::V6(ip) if ip.is_unspecified() => IpAddr::V6(Ipv6Addr::LOCALHOST),
        ip => ip,
    };
    format!("http://{}", SocketAddr::new(ip, addr.port()))
}

/// The record of the daemon of `data_dir`, or `None` when no daemon has left one.
pub fn read_record(data_dir: &Path) -> Result<Option<DaemonRecord>, RecordError> {
    let path = record_path(data_dir);
    let text = match std::fs::read_to_string(&path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(source) => return Err(RecordError::Read { path, source }),
    };
    serde_json::from_str(&text)
        .map(Some)
        .map_err(|source| RecordError::Parse { path, source })
}

/// A record this process wrote; [`AddressRecord::withdraw`] removes it.
#[derive(Debug)]
pub struct AddressRecord {
    path: PathBuf,
    pid: u32,
}

impl AddressRecord {
    /// Writes the record of this process listening on `addr` (0600, atomically: a reader
    /// never sees half a file).
    pub fn publish(data_dir: &Path, addr: SocketAddr) -> Result<Self, KeychainError> {
        let record = DaemonRecord {
            url: local_url(addr),
            pid: std::process::id(),
        };
        let path = record_path(data_dir);
        let json = serde_json::to_vec(&record).expect("a record serializes");
        write_private_file(&path, &json)?;
        Ok(Self {
            path,
            pid: record.pid,
        })
    }

    /// Removes the record, unless another daemon has replaced it since.
    pub fn withdraw(self) {
        let dir = self.path.parent().unwrap_or(Path::new("."));
        match read_record(dir) {
            Ok(Some(record)) if record.pid == self.pid => {
                if let Err(e) = std::fs::remove_file(&self.path) {
                    tracing::warn!(error = %e, path = %self.path.display(), "cannot remove the address record");
                }
            }
            Ok(_) => {}
            Err(e) => tracing::warn!(error = %e, "cannot check the address record"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::local_api::AllowedHosts;

    #[test]
    fn the_local_url_reaches_the_daemon_through_an_allowed_host() {
        for addr in [
            "127.0.0.1:8825",
            "0.0.0.0:8825",
            "[::]:9000",
            "192.168.1.5:80",
        ] {
            let addr: SocketAddr = addr.parse().unwrap();
            let url = local_url(addr);
            let host = url.strip_prefix("http://").unwrap();
            assert!(
                AllowedHosts::new(addr.ip(), addr.port()).host(host),
                "{url}"
            );
        }
        assert_eq!(
            local_url("0.0.0.0:8825".parse().unwrap()),
            "http://127.0.0.1:8825"
        );
    }

    #[test]
    fn a_record_is_removed_only_by_its_writer() {
        let dir = tempfile::tempdir().unwrap();
        let addr: SocketAddr = "127.0.0.1:8825".parse().unwrap();
        let record = AddressRecord::publish(dir.path(), addr).unwrap();
        let read = read_record(dir.path()).unwrap().unwrap();
        assert_eq!(read.url, "http://127.0.0.1:8825");
        assert_eq!(read.pid, std::process::id());
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let meta = std::fs::metadata(record_path(dir.path())).unwrap();
            assert_eq!(meta.permissions().mode() & 0o777, 0o600);
        }
        record.withdraw();
        assert_eq!(read_record(dir.path()).unwrap(), None);

        let mine = AddressRecord::publish(dir.path(), addr).unwrap();
        let other = DaemonRecord {
            url: "http://127.0.0.1:9".into(),
            pid: std::process::id() + 1,
        };
        std::fs::write(record_path(dir.path()), serde_json::to_vec(&other).unwrap()).unwrap();
        mine.withdraw();
        assert_eq!(read_record(dir.path()).unwrap(), Some(other));
    }
}
