//! The keychain's rules on a mock store and on files.

use super::*;

#[test]
fn keychain_round_trip_and_delete() {
    let dir = tempfile::tempdir().unwrap();
    let k = KeychainManager::with_store(keyring_core::mock::Store::new().unwrap(), dir.path());
    assert!(k.get("identity-x").unwrap().is_none());
    let at = k.set("identity-x", &Secret::new("s3cret".into())).unwrap();
    assert!(
        at.contains("service backend-8825, account identity-x"),
        "{at}"
    );
    assert_eq!(k.get("identity-x").unwrap().unwrap().expose(), "s3cret");
    assert!(
        !dir.path().join("identity-x.pem").exists(),
        "nothing written to disk"
    );
    k.delete("identity-x").unwrap();
    assert!(k.get("identity-x").unwrap().is_none());
}

#[cfg(unix)]
#[test]
fn file_fallback_is_owner_only() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let k = KeychainManager::files_only(&dir.path().join("secrets"));
    k.set("identity-x", &Secret::new("s3cret".into())).unwrap();
    let path = k.file_path("identity-x").unwrap();
    assert_eq!(
        std::fs::metadata(&path).unwrap().permissions().mode() & 0o777,
        0o600
    );
    let parent = std::fs::metadata(path.parent().unwrap()).unwrap();
    assert_eq!(parent.permissions().mode() & 0o777, 0o700);
    assert_eq!(k.get("identity-x").unwrap().unwrap().expose(), "s3cret");
}

#[test]
fn names_cannot_escape_the_directory() {
    let k = KeychainManager::files_only(Path::new("/nonexistent"));
    for bad in ["../x", "a/b", "", "x.pem"] {
        assert!(
            matches!(k.file_path(bad), Err(KeychainError::BadName(_))),
            "{bad}"
        );
    }
}
