//! `redact` through the real binary: plain lines, JSON Lines, and a bad line named by its
//! number.

use std::io::Write;
use std::process::{Output, Stdio};

use serde_json::Value;

use crate::common::binary::command;

fn redact(args: &[&str], input: &str) -> Output {
    let home = tempfile::tempdir().unwrap();
    let mut child = command(home.path())
        .arg("redact")
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(input.as_bytes())
        .unwrap();
    child.wait_with_output().unwrap()
}

#[test]
fn redact_prints_one_redacted_line_per_line() {
    let input = "mail jane@example.com\n\nrequest 123e4567-e89b-12d3-a456-426614174000 v1.2.3\n\
                 call (415) 555-0132, card 4111 1111 1111 1111, ssn 123-45-6789\n";
    let out = redact(&[], input);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        String::from_utf8(out.stdout).unwrap(),
        "mail [EMAIL]\n\nrequest 123e4567-e89b-12d3-a456-426614174000 v1.2.3\n\
         call [PHONE], card [CREDIT_CARD], ssn [SSN]\n"
    );
}

#[test]
fn redact_jsonl_gives_the_entities_in_characters() {
    let input = "{\"text\": \"邮箱 wei@example.cn\"}\n{\"text\": \"nothing\", \"id\": 3}\n";
    let out = redact(&["--jsonl"], input);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let lines: Vec<Value> = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(
        lines[0],
        serde_json::json!({"text": "邮箱 [EMAIL]",
            "entities": [{"type": "EMAIL", "start": 3, "end": 17}]})
    );
    assert_eq!(
        lines[1],
        serde_json::json!({"text": "nothing", "entities": []})
    );
}

#[test]
fn redact_jsonl_names_the_bad_line() {
    for (bad, says) in [
        ("{\"text\": \"a\"", "line 2: not valid JSON"),
        ("{\"text\": 3}", "line 2: \"text\" must be a string"),
        (
            "[1, 2]",
            "line 2: expected an object with a \"text\" string",
        ),
        ("{\"body\": \"x\"}", "has no \"text\""),
    ] {
        let out = redact(&["--jsonl"], &format!("{{\"text\": \"ok\"}}\n{bad}\n"));
        assert!(!out.status.success(), "{bad}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains(says), "{bad}: {err}");
        assert!(!err.contains("struct") && !err.contains("String"), "{err}");
        assert_eq!(
            String::from_utf8_lossy(&out.stdout),
            "{\"entities\":[],\"text\":\"ok\"}\n"
        );
    }
}
