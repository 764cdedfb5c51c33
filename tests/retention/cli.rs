//! `backend-8825 retention run [--dry-run]` through the real binary, on a data dir's SQLite
//! database: it says what would go, changes nothing when dry, then deletes it.

use std::process::Output;

use crate::common::binary::command;

fn retention(dir: &std::path::Path, dry_run: bool) -> Output {
    let url = format!("sqlite://{}", dir.join("test.db").display());
    let mut cmd = command(dir);
    cmd.env("BACKEND_8825_KEYCHAIN", "false")
        .args([
            "retention",
            "run",
            "--mode",
            "local",
            "--database-url",
            &url,
        ])
        .arg("--data-dir")
        .arg(dir);
    if dry_run {
        cmd.arg("--dry-run");
    }
    cmd.output().unwrap()
}

fn stdout(out: &Output) -> String {
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).to_string()
}

/// A conversation and a message written in 2020, straight into the database.
async fn old_conversation(dir: &std::path::Path) {
    let url = format!("sqlite://{}", dir.join("test.db").display());
    let mut conn = <sqlx::SqliteConnection as sqlx::Connection>::connect(&url)
        .await
        .unwrap();
    let writer = "0123456789abcdef0123456789abcdef";
    let version = |n: u32| format!("001577836800000-00000{n}-{writer}");
    let conversation = "01900000-0000-7000-8000-000000000001";
    let message = "01900000-0000-7000-8000-000000000002";
    for (seq, (id, kind, conv, title, role, content)) in [
        (conversation, "conversation", None, Some("old"), None, None),
        (
            message,
            "message",
            Some(conversation),
            None,
            Some("user"),
            Some("hi"),
        ),
    ]
    .into_iter()
    .enumerate()
    {
        sqlx::query(
            "INSERT INTO records (account_id, id, kind, conversation_id, title, role, content, \
             created_at, updated_at, deleted, version, source_backend, seq) \
             VALUES ('local', ?, ?, ?, ?, ?, ?, 1577836800000, 1577836800000, 0, ?, ?, ?)",
        )
        .bind(id)
        .bind(kind)
        .bind(conv)
        .bind(title)
        .bind(role)
        .bind(content)
        .bind(version(seq as u32 + 1))
        .bind(writer)
        .bind(seq as i64 + 1)
        .execute(&mut conn)
        .await
        .unwrap();
    }
    sqlx::query("INSERT INTO feed_counters (account_id, seq) VALUES ('local', 2)")
        .execute(&mut conn)
        .await
        .unwrap();
}

#[tokio::test]
async fn the_command_says_what_would_go_then_deletes_it() {
    let dir = tempfile::tempdir().unwrap();
    // The first run creates the database; nothing to delete.
    let text = stdout(&retention(dir.path(), true));
    assert!(text.contains("dry run: nothing was changed"), "{text}");
    assert!(
        text.contains("this daemon: keeps records 90 days, audit entries 90 days"),
        "{text}"
    );
    assert!(
        text.contains("conversations that would be deleted: 0"),
        "{text}"
    );

    old_conversation(dir.path()).await;
    let text = stdout(&retention(dir.path(), true));
    assert!(
        text.contains("conversations that would be deleted: 1"),
        "{text}"
    );
    assert!(text.contains("messages that would be deleted: 1"), "{text}");
    // Still there: a dry run again says the same.
    let again = stdout(&retention(dir.path(), true));
    assert_eq!(again, text);

    let text = stdout(&retention(dir.path(), false));
    assert!(text.contains("conversations deleted: 1"), "{text}");
    assert!(text.contains("messages deleted: 1"), "{text}");
    assert!(
        text.contains("in all, went: 1 conversations, 1 messages"),
        "{text}"
    );
    let text = stdout(&retention(dir.path(), false));
    assert!(text.contains("conversations deleted: 0"), "{text}");
}

#[test]
fn the_command_has_help() {
    let dir = tempfile::tempdir().unwrap();
    let out = command(dir.path())
        .args(["retention", "run", "--help"])
        .output()
        .unwrap();
    let text = stdout(&out);
    for expect in [
        "--dry-run",
        "--database-url",
        "tombstones",
        "docs/privacy.md",
    ] {
        assert!(text.contains(expect), "{expect}: {text}");
    }
}
