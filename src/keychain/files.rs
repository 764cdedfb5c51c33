//! Secrets in owner-only files: the fallback where no OS keychain exists (a server, CI, a
//! headless machine), and the address record beside them.

use std::io::Write;
use std::path::Path;

use super::KeychainError;
use crate::secret::Secret;

/// Creates `dir` and its missing parents, readable only by the owner (0700).
pub fn create_private_dir(dir: &Path) -> std::io::Result<()> {
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
    builder.create(dir)
}

/// Opens (creating, 0600, in an owner-only directory) a file that is only ever locked, never
/// truncated by opening it.
pub fn open_lock_file(path: &Path) -> std::io::Result<std::fs::File> {
    if let Some(dir) = path.parent() {
        create_private_dir(dir)?;
    }
    let mut options = std::fs::OpenOptions::new();
    options.read(true).write(true).create(true).truncate(false);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    options.open(path)
}

/// Reads a secret file; `None` when it does not exist.
pub fn read_private_file(path: &Path) -> Result<Option<Secret<String>>, KeychainError> {
    match std::fs::read_to_string(path) {
        Ok(text) => Ok(Some(Secret::new(text))),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(source) => Err(KeychainError::File {
            action: "read",
            path: path.into(),
            source,
        }),
    }
}

/// Writes `bytes` to `path` with mode 0600, atomically (a temporary file renamed into
/// place), creating the directory with mode 0700.
pub fn write_private_file(path: &Path, bytes: &[u8]) -> Result<(), KeychainError> {
    let err = |action, source| KeychainError::File {
        action,
        path: path.to_path_buf(),
        source,
    };
    if let Some(dir) = path.parent() {
        create_private_dir(dir).map_err(|e| err("create the directory of", e))?;
    }
    let tmp = path.with_extension(format!("tmp{}", std::process::id()));
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut file = options.open(&tmp).map_err(|e| err("create", e))?;
    file.write_all(bytes)
        .and_then(|()| file.sync_all())
        .map_err(|e| err("write", e))?;
    std::fs::rename(&tmp, path).map_err(|e| err("write", e))
}
