//! The deployment files: the keys that matter in fly.toml, the Dockerfile and the
//! LaunchAgent. No container engine runs the image here, so its file is checked as text.

use std::path::{Path, PathBuf};

use backend_8825::service::{ServiceSpec, launch_agent_plist, systemd_unit};

fn repo(path: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(path)
}

fn read(path: &str) -> String {
    std::fs::read_to_string(repo(path)).unwrap_or_else(|e| panic!("{path}: {e}"))
}

#[test]
fn fly_toml_runs_hosted_on_8080_with_health_check_and_release_migration() {
    let fly: toml::Table = toml::from_str(&read("fly.toml")).expect("fly.toml parses");
    let service = fly["http_service"].as_table().expect("[http_service]");
    assert_eq!(service["internal_port"].as_integer(), Some(8080));
    let checks = service["checks"]
        .as_array()
        .expect("[[http_service.checks]]");
    assert!(
        checks
            .iter()
            .any(|c| c.get("path").and_then(|p| p.as_str()) == Some("/health"))
    );
    assert_eq!(
        fly["deploy"]["release_command"].as_str(),
        Some("backend-8825 migrate")
    );
    let env = fly["env"].as_table().expect("[env]");
    assert_eq!(env["BACKEND_8825_MODE"].as_str(), Some("hosted"));
    assert_eq!(env.get("PORT").and_then(|p| p.as_str()), Some("8080"));
    for secret in ["DATABASE_URL", "BACKEND_8825_IDENTITY_KEY"] {
        assert!(
            !env.contains_key(secret),
            "{secret} is a secret, never committed in [env]"
        );
    }
    assert!(!read("fly.toml").contains("PRIVATE KEY"));
}

#[test]
fn fly_toml_deploys_one_machine_at_a_time_and_waits_for_the_drain() {
    let fly: toml::Table = toml::from_str(&read("fly.toml")).expect("fly.toml parses");
    assert_eq!(fly["kill_signal"].as_str(), Some("SIGTERM"));
    // Fly kills the Machine after kill_timeout: the daemon's drain and its pool's close
    // (src/app.rs) fit within it, with room to spare.
    let kill_timeout = fly["kill_timeout"]
        .as_integer()
        .expect("kill_timeout in seconds");
    let stopping = backend_8825::app::DRAIN_LIMIT + backend_8825::app::CLOSE_LIMIT;
    assert!(
        kill_timeout as u64 > stopping.as_secs(),
        "kill_timeout {kill_timeout} s does not cover the drain and close ({stopping:?})"
    );
    let deploy = fly["deploy"].as_table().expect("[deploy]");
    assert_eq!(deploy["strategy"].as_str(), Some("rolling"));
    assert_eq!(deploy["max_unavailable"].as_integer(), Some(1));
    // Each paired daemon holds a WebSocket: connections, with limits well above Fly's
    // defaults (soft 20, hard 25).
    let concurrency = fly["http_service"]["concurrency"]
        .as_table()
        .expect("[http_service.concurrency]");
    assert_eq!(concurrency["type"].as_str(), Some("connections"));
    let soft = concurrency["soft_limit"].as_integer().unwrap();
    let hard = concurrency["hard_limit"].as_integer().unwrap();
    assert!(100 <= soft && soft < hard, "soft {soft}, hard {hard}");
}

/// Every path the build reads, as paths relative to the repository: the manifest, the
/// sources, the build script, each file `include_str!`/`include_bytes!` embeds, the
/// migrations `sqlx::migrate!` embeds and the bench targets the manifest declares.
fn build_inputs() -> Vec<String> {
    let mut inputs: Vec<String> = ["Cargo.toml", "Cargo.lock", "src/main.rs", "src/lib.rs"]
        .map(String::from)
        .to_vec();
    inputs.push("migrations/sqlite".into());
    inputs.push("migrations/postgres".into());
    if repo("build.rs").exists() {
        inputs.push("build.rs".into());
    }
    let manifest: toml::Table = toml::from_str(&read("Cargo.toml")).unwrap();
    for bench in manifest
        .get("bench")
        .and_then(|b| b.as_array())
        .into_iter()
        .flatten()
    {
        let name = bench["name"].as_str().unwrap();
        inputs.push(format!("benches/{name}.rs"));
    }
    let mut dirs = vec![repo("src")];
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                dirs.push(path);
                continue;
            }
            let text = std::fs::read_to_string(&path).unwrap_or_default();
            for chunk in text.split("include_").skip(1) {
                let Some(rest) = chunk
                    .strip_prefix("str!(")
                    .or_else(|| chunk.strip_prefix("bytes!("))
                else {
                    continue;
                };
                // The first string literal: a path relative to the file.
                let Some(literal) = rest.split('"').nth(1) else {
                    continue;
                };
                let joined = path.parent().unwrap().join(literal);
                let mut parts: Vec<&str> = Vec::new();
                for part in joined
                    .strip_prefix(repo(""))
                    .unwrap()
                    .to_str()
                    .unwrap()
                    .split('/')
                {
                    match part {
                        ".." => {
                            parts.pop();
                        }
                        "" | "." => {}
                        p => parts.push(p),
                    }
                }
                inputs.push(parts.join("/"));
            }
        }
    }
    inputs.sort();
    inputs.dedup();
    inputs
}

#[test]
fn the_docker_build_copies_every_file_the_build_reads() {
    let text = read("Dockerfile");
    let builder = text.split("\nFROM ").nth(1).expect("a builder stage");
    let copied: Vec<String> = builder
        .lines()
        .map(str::trim)
        .filter(|l| l.starts_with("COPY ") && !l.contains("--from"))
        .flat_map(|l| {
            let words: Vec<&str> = l.split_whitespace().skip(1).collect();
            // Every word but the destination.
            words[..words.len().saturating_sub(1)]
                .iter()
                .map(|w| w.trim_end_matches('/').to_string())
                .collect::<Vec<_>>()
        })
        .collect();
    let inputs = build_inputs();
    assert!(
        inputs.iter().any(|i| i.starts_with("web/dist")),
        "the scan finds the embedded UI: {inputs:?}"
    );
    for input in &inputs {
        assert!(
            copied
                .iter()
                .any(|c| input == c || input.starts_with(&format!("{c}/"))),
            "the Docker build reads {input} but no COPY brings it: {copied:?}"
        );
    }
}

#[test]
fn dockerfile_is_multi_stage_release_non_root_and_serves_hosted() {
    let text = read("Dockerfile");
    let lines: Vec<&str> = text.lines().map(str::trim).collect();
    let froms = lines.iter().filter(|l| l.starts_with("FROM ")).count();
    assert!(froms >= 2, "multi-stage build");
    assert!(
        lines
            .iter()
            .any(|l| l.contains("cargo build --release --locked"))
    );
    let user = lines
        .iter()
        .rev()
        .find(|l| l.starts_with("USER "))
        .expect("a USER line");
    assert!(!user.ends_with(" root") && !user.ends_with(" 0"), "{user}");
    let cmd = lines
        .iter()
        .rev()
        .find(|l| l.starts_with("CMD "))
        .expect("a CMD line");
    assert!(
        cmd.contains("\"serve\"") && cmd.contains("\"hosted\""),
        "{cmd}"
    );
    assert!(
        lines
            .iter()
            .any(|l| l.starts_with("EXPOSE") && l.contains("8080"))
    );
}

#[test]
fn the_committed_launch_agent_is_what_service_install_writes() {
    let committed = plist::Value::from_file(repo("launchd/dev.backend-8825.local.plist"))
        .expect("the committed plist parses");
    let spec = ServiceSpec {
        binary: "/usr/local/bin/backend-8825".into(),
        data_dir: None,
        home: "/Users/YOU".into(),
    };
    let generated = plist::Value::from_reader_xml(launch_agent_plist(&spec).unwrap().as_bytes())
        .expect("the generated plist parses");
    assert_eq!(committed, generated);
    let dict = generated.as_dictionary().unwrap();
    assert_eq!(dict["RunAtLoad"].as_boolean(), Some(true));
    assert_eq!(dict["KeepAlive"].as_boolean(), Some(true));
    let out = dict["StandardOutPath"].as_string().unwrap();
    assert!(
        out.starts_with("/Users/YOU/Library/Logs/backend-8825/"),
        "{out}"
    );
    let args: Vec<&str> = dict["ProgramArguments"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|v| v.as_string())
        .collect();
    assert_eq!(
        args,
        ["/usr/local/bin/backend-8825", "serve", "--mode", "local"]
    );
}

#[test]
fn the_systemd_unit_restarts_the_local_daemon() {
    let spec = ServiceSpec {
        binary: "/opt/b 8825/backend-8825".into(),
        data_dir: Some("/data".into()),
        home: "/home/u".into(),
    };
    let unit = systemd_unit(&spec);
    assert!(unit.contains(
        "ExecStart=\"/opt/b 8825/backend-8825\" \"serve\" \"--mode\" \"local\" \"--data-dir\" \"/data\""
    ));
    assert!(
        unit.contains("Restart=always"),
        "restarts like the LaunchAgent's KeepAlive"
    );
    assert!(unit.contains("WantedBy=default.target"));
}
