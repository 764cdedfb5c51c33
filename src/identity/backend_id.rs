//! Deriving `backend_id`: a hash of the machine id and the data dir, computed once on first
//! start and then persisted, so it never changes for the life of the data dir.

use std::path::Path;

use sha2::{Digest, Sha256};

use super::BackendId;

/// A stable id of this machine, or `None` when the platform gives none.
pub fn machine_id() -> Option<String> {
    #[cfg(target_os = "macos")]
    {
        let out = std::process::Command::new("ioreg")
            .args(["-rd1", "-c", "IOPlatformExpertDevice"])
            .output()
            .ok()?;
        let text = String::from_utf8_lossy(&out.stdout);
        let line = text.lines().find(|l| l.contains("IOPlatformUUID"))?;
        line.rsplit('"').nth(1).map(str::to_string)
    }
    #[cfg(not(target_os = "macos"))]
    {
        ["/etc/machine-id", "/var/lib/dbus/machine-id"]
            .iter()
            .filter_map(|p| std::fs::read_to_string(p).ok())
            .map(|s| s.trim().to_string())
            .find(|s| !s.is_empty())
    }
}

/// Derives the id from the machine id and the data dir. Without a machine id, a random
/// value stands in: the result is persisted anyway, so it stays stable.
pub fn derive(machine_id: Option<&str>, data_dir: &Path) -> BackendId {
    let random;
    let machine = match machine_id {
        Some(id) => id,
        None => {
            random = uuid::Uuid::new_v4().to_string();
            &random
        }
    };
    let mut hasher = Sha256::new();
    hasher.update(b"backend-8825 backend_id v1\0");
    hasher.update(machine.as_bytes());
    hasher.update(b"\0");
    hasher.update(data_dir.as_os_str().as_encoded_bytes());
    BackendId(hex::encode(&hasher.finalize()[..16]))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_inputs_same_id_other_dir_other_id() {
        let a = derive(Some("m1"), Path::new("/d/one"));
        assert_eq!(a, derive(Some("m1"), Path::new("/d/one")));
        assert_ne!(a, derive(Some("m1"), Path::new("/d/two")));
        assert_ne!(a, derive(Some("m2"), Path::new("/d/one")));
        assert!(a.as_str().parse::<BackendId>().is_ok());
    }
}
