//! `GET /metrics`: accepted by the Python `prometheus_client` text parser (the reference
//! implementation's format, as Prometheus scrapes it), with bounded labels, behind the
//! credential of each mode.

use std::io::Write;
use std::path::PathBuf;
use std::process::{Command, Stdio};

use backend_8825::sync::sync_peer_now;
use serde_json::Value;

use crate::common::{self, Daemon, account, another, error_code, pair};
use crate::{get_text, write_conversation};

const TOKEN: &str = "scrape-token-for-the-test";

/// A Python with `prometheus_client`: `BACKEND_8825_PROMETHEUS_PYTHON` (scripts/test.sh
/// sets it up), else a virtual environment under the target dir, made once.
fn python() -> PathBuf {
    if let Some(python) = std::env::var_os("BACKEND_8825_PROMETHEUS_PYTHON") {
        return PathBuf::from(python);
    }
    let venv = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("prometheus-venv");
    let python = venv.join("bin/python");
    let ready = |python: &PathBuf| {
        Command::new(python)
            .args(["-c", "import prometheus_client"])
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success())
    };
    if !ready(&python) {
        let made = Command::new("python3")
            .args(["-m", "venv"])
            .arg(&venv)
            .status()
            .is_ok_and(|s| s.success());
        assert!(made, "python3 -m venv failed: install python3-venv");
        let installed = Command::new(venv.join("bin/pip"))
            .args(["install", "--quiet", "prometheus_client"])
            .status()
            .is_ok_and(|s| s.success());
        assert!(installed, "pip install prometheus_client failed");
    }
    python
}

/// The text parsed by `prometheus_client.parser.text_string_to_metric_families`: every
/// sample as `{"family", "type", "name", "labels", "value"}`. A text it rejects fails the
/// test with the parser's words.
fn parse(text: &str) -> Vec<Value> {
    const SCRIPT: &str = r#"
import json, sys
from prometheus_client.parser import text_string_to_metric_families
out = []
for family in text_string_to_metric_families(sys.stdin.read()):
    for s in family.samples:
        out.append({"family": family.name, "type": family.type, "name": s.name,
                    "labels": s.labels, "value": s.value})
print(json.dumps(out))
"#;
    let mut child = Command::new(python())
        .args(["-c", SCRIPT])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("python runs");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(text.as_bytes())
        .unwrap();
    let output = child.wait_with_output().unwrap();
    assert!(
        output.status.success(),
        "the Prometheus parser refused the text: {}\n{text}",
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice::<Value>(&output.stdout)
        .unwrap()
        .as_array()
        .unwrap()
        .clone()
}

fn value(samples: &[Value], name: &str, labels: &[(&str, &str)]) -> Option<f64> {
    samples
        .iter()
        .find(|s| s["name"] == name && labels.iter().all(|(k, v)| s["labels"][*k] == *v))
        .and_then(|s| s["value"].as_f64())
}

/// No label value is one of `ids` (peers, backends, accounts, records).
fn assert_no_ids(samples: &[Value], ids: &[&str], at: &str) {
    for sample in samples {
        for (label, v) in sample["labels"].as_object().unwrap() {
            let v = v.as_str().unwrap();
            for id in ids {
                assert!(!v.contains(id), "{at}: {label}={v} carries an id");
            }
        }
    }
}

#[tokio::test]
async fn metrics_parse_as_prometheus_text_on_both_ends() {
    for db in common::databases().await {
        let name = db.name();
        let mut hosted = Daemon::hosted()
            .on(&db)
            .env("BACKEND_8825_METRICS_TOKEN", TOKEN)
            .start()
            .await;
        let token = account(&hosted, "alice").await;
        hosted.bearer = token.clone();
        let local = Daemon::local().automatic_sync(false).start().await;
        let peer = pair(&local, &hosted, &token).await;
        let conversation = write_conversation(&local, "metrics").await;
        sync_peer_now(&local.state, &peer).await.unwrap();
        let ids = [
            peer.as_str(),
            conversation.as_str(),
            &local.id(),
            &hosted.id(),
        ];

        let (status, text) = get_text(&local, &local.bearer, "/metrics").await;
        assert_eq!(status, 200, "{name}: {text}");
        let samples = parse(&text);
        assert_no_ids(&samples, &ids, name);
        let route = "/api/conversations";
        let posted = [("route", route), ("method", "POST"), ("status", "201")];
        assert_eq!(
            value(&samples, "backend_8825_http_requests_total", &posted),
            Some(1.0),
            "{name}: requests by route template"
        );
        let templated = samples.iter().any(|s| {
            s["name"] == "backend_8825_http_request_duration_seconds_bucket"
                && s["labels"]["route"] == route
        });
        assert!(templated, "{name}: a latency histogram by route");
        assert_eq!(
            value(&samples, "backend_8825_sync_attempts_total", &[]),
            Some(1.0),
            "{name}"
        );
        assert_eq!(
            value(
                &samples,
                "backend_8825_sync_versions_total",
                &[("direction", "pushed")]
            ),
            Some(1.0),
            "{name}"
        );
        assert_eq!(
            value(&samples, "backend_8825_peers", &[("status", "active")]),
            Some(1.0),
            "{name}"
        );
        assert_eq!(
            value(&samples, "backend_8825_peers_sync", &[("state", "ok")]),
            Some(1.0),
            "{name}"
        );
        for (net, n) in [("online", 1.0), ("degraded", 0.0), ("offline", 0.0)] {
            assert_eq!(
                value(&samples, "backend_8825_peers_network", &[("state", net)]),
                Some(n),
                "{name}: {net}"
            );
        }
        for family in [
            "backend_8825_telemetry_outbox_depth",
            "backend_8825_database_pool_connections",
            "backend_8825_database_up",
            "backend_8825_sync_duration_seconds_count",
        ] {
            assert!(value(&samples, family, &[]).is_some(), "{name}: {family}");
        }
        assert_eq!(
            value(
                &samples,
                "backend_8825_alerts_firing",
                &[("rule", "sync_lag")]
            ),
            Some(0.0),
            "{name}: every rule is exported"
        );
        let unmatched = get_text(&local, &local.bearer, "/no/such/route/abc123").await;
        assert_eq!(unmatched.0, 404);
        let (_, text) = get_text(&local, &local.bearer, "/metrics").await;
        assert!(
            !text.contains("abc123"),
            "{name}: an unknown path is counted as unmatched, not by its path"
        );

        // The hosted end: the operator's token.
        let (status, text) = get_text(&hosted, TOKEN, "/metrics").await;
        assert_eq!(status, 200, "{name}: {text}");
        let samples = parse(&text);
        assert_no_ids(&samples, &ids, name);
        assert_eq!(
            value(&samples, "backend_8825_sync_succeeded_total", &[]),
            Some(1.0),
            "{name}: the answered sync"
        );
        let synced = [
            ("route", "/sync/{peer_id}"),
            ("method", "POST"),
            ("status", "200"),
        ];
        assert_eq!(
            value(&samples, "backend_8825_http_requests_total", &synced),
            Some(1.0),
            "{name}"
        );
        assert!(
            value(&samples, "backend_8825_telemetry_sockets_connected", &[]).is_some(),
            "{name}"
        );
        assert!(
            value(&samples, "backend_8825_database_pool_max_connections", &[]).is_some(),
            "{name}"
        );
    }
}

#[tokio::test]
async fn metrics_ask_for_the_credential_of_each_mode() {
    for db in common::databases().await {
        let name = db.name();
        let local = Daemon::local().start().await;
        let (status, text) = get_text(&local, "", "/metrics").await;
        assert_eq!(status, 401, "{name}: {text}");

        // Hosted without a token configured: refused to everyone, saying how to turn it on.
        let hosted = Daemon::hosted().on(&db).start().await;
        let token = account(&hosted, "alice").await;
        let (status, body) = hosted.call_as(&token, "GET", "/metrics", None).await;
        assert_eq!(status, 401, "{name}: {body}");
        assert_eq!(error_code(&body), "metrics_disabled", "{name}");
        assert!(
            body["error"]["message"]
                .as_str()
                .unwrap()
                .contains("metrics.token"),
            "{name}: {body}"
        );

        let hosted = Daemon::hosted()
            .on(&another(&db).await)
            .env("BACKEND_8825_METRICS_TOKEN", TOKEN)
            .start()
            .await;
        let token = account(&hosted, "bob").await;
        for bearer in ["", "wrong", token.as_str()] {
            let (status, body) = hosted.call_as(bearer, "GET", "/metrics", None).await;
            assert_eq!(status, 401, "{name} with {bearer:?}: {body}");
            assert_eq!(error_code(&body), "unauthorized", "{name}");
        }
        let (status, _) = get_text(&hosted, TOKEN, "/metrics").await;
        assert_eq!(status, 200, "{name}");
    }
}
