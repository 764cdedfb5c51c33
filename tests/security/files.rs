//! The SQLite database holds every conversation: before, it was created with the process's
//! umask (0644), readable by every user of the machine, inside the owner-only data dir.

use std::os::unix::fs::PermissionsExt;

use serde_json::json;

use crate::common::Daemon;

fn mode(path: &std::path::Path) -> u32 {
    std::fs::metadata(path).unwrap().permissions().mode() & 0o777
}

#[tokio::test]
async fn the_database_files_are_private_to_their_owner() {
    let mut local = Daemon::local().automatic_sync(false).start().await;
    let (status, _) = local
        .post("/api/conversations", json!({"title": "x"}))
        .await;
    assert_eq!(status, 201);
    let db = local.dir().join("test.db");
    for suffix in ["", "-wal", "-shm"] {
        let file = std::path::PathBuf::from(format!("{}{suffix}", db.display()));
        assert!(file.exists(), "{}", file.display());
        assert_eq!(mode(&file), 0o600, "{}", file.display());
    }
    // A file left wider by an older version is taken back at the next start.
    local.stop().await;
    std::fs::set_permissions(&db, std::fs::Permissions::from_mode(0o644)).unwrap();
    local.restart().await;
    assert_eq!(mode(&db), 0o600);
    let (status, list) = local.get("/api/conversations").await;
    assert_eq!(status, 200);
    assert_eq!(
        list["items"].as_array().unwrap().len(),
        1,
        "nothing was lost"
    );
}
