//! Where the data lives and what configures it: the platform's data dir, database URLs
//! refused with a clear message, configuration mistakes explained.

use crate::common::binary::command;
use crate::run;

#[test]
fn the_default_data_dir_is_the_platform_one() {
    let home = tempfile::tempdir().unwrap();
    let out = run(command(home.path()).arg("identity"));
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let expected = if cfg!(target_os = "macos") {
        home.path().join("Library/Application Support/backend-8825")
    } else {
        home.path().join(".local/share/backend-8825")
    };
    assert!(
        expected.join("backend-8825.db").exists(),
        "database in {}",
        expected.display()
    );
    let xdg = home.path().join("xdg");
    let out = run(command(home.path())
        .env("XDG_DATA_HOME", &xdg)
        .arg("identity"));
    assert!(out.status.success());
    if !cfg!(target_os = "macos") {
        assert!(xdg.join("backend-8825/backend-8825.db").exists());
    }
}

#[test]
fn bad_database_urls_refuse_to_start_with_a_clear_message() {
    let home = tempfile::tempdir().unwrap();
    let cases: &[(&[&str], &str)] = &[
        (
            &[
                "--mode",
                "hosted",
                "--database-url",
                "mysql://root@127.0.0.1/test",
            ],
            "unsupported database URL (scheme \"mysql\")",
        ),
        (
            &[
                "--mode",
                "hosted",
                "--database-url",
                "postgress://u:hunter2@db/x",
            ],
            "unsupported database URL (scheme \"postgress\")",
        ),
        (&["--mode", "hosted"], "hosted mode needs a database"),
        (
            &[
                "--mode",
                "local",
                "--database-url",
                "postgres://u:hunter2@db/x",
            ],
            "local mode keeps its data in SQLite",
        ),
    ];
    for (args, message) in cases {
        let out = run(command(home.path())
            .arg("serve")
            .args(*args)
            .args(["--port", "0"]));
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{args:?}: {stderr}");
        assert!(stderr.contains(message), "{args:?}: {stderr}");
        assert!(
            !stderr.contains("panicked") && !stderr.contains("hunter2"),
            "{stderr}"
        );
    }
    let out = run(command(home.path()).args(["serve", "--mode", "cloud"]));
    assert_eq!(out.status.code(), Some(2), "clap rejects an unknown mode");
    assert!(String::from_utf8_lossy(&out.stderr).contains("possible values: local, hosted"));
}

#[test]
fn configuration_mistakes_are_clear_errors_and_empty_variables_mean_unset() {
    let home = tempfile::tempdir().unwrap();
    let data = home.path().join("data");
    let data_arg = data.to_str().unwrap();
    let identity = |env: &[(&str, &str)], extra: &[&str]| {
        let mut cmd = command(home.path());
        cmd.args(["identity", "--data-dir", data_arg]).args(extra);
        for (k, v) in env {
            cmd.env(k, v);
        }
        run(&mut cmd)
    };
    for (name, value) in [("BACKEND_8825_MODE", ""), ("BACKEND_8825_CONFIG", "")] {
        let out = identity(&[(name, value)], &[]);
        assert!(
            out.status.success(),
            "{name}=: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let out = identity(&[("BACKEND_8825_MODE", "cloud")], &[]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("expected local or hosted, got \"cloud\""),
        "{stderr}"
    );

    let out = identity(&[("BACKEND_8825_LOG", "backend_8825=loud")], &[]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(
        out.status.code(),
        Some(1),
        "an invalid filter is no silent info: {stderr}"
    );
    assert!(stderr.contains("BACKEND_8825_LOG") && stderr.contains("is not a log filter"));

    let file = home.path().join("b.toml");
    std::fs::write(&file, "[http]\nport = \"eighty\"\n").unwrap();
    let out = identity(&[], &["--config", file.to_str().unwrap()]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("line 2 (port)"), "{stderr}");
    assert!(stderr.contains("whole number from 0 to 65535"), "{stderr}");
    assert!(!stderr.contains("u16"), "{stderr}");
}
