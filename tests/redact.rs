//! The redactor against its labelled corpus (tests/data/pii/): entity recall at least
//! 0.999 and at most 1 % of the PII-free lines changed, on the generated corpus and on the
//! hand-written tricky cases. `cargo run --release --bin bench -- redact` prints the same
//! figures with throughput.

use backend_8825::privacy::score::{Score, parse_marked, score_jsonl};

const CORPUS: &str = include_str!("data/pii/corpus.jsonl");
const TRICKY: &str = include_str!("data/pii/tricky.txt");

fn report(score: &Score) -> String {
    let mut s = String::new();
    for (kind, k) in &score.kinds {
        s += &format!(
            "{}: {}/{} (recall {:.4}, typed {})\n",
            kind.name(),
            k.redacted,
            k.entities,
            k.recall(),
            k.typed
        );
    }
    s += &format!(
        "false positives: {}/{} ({:.4})\n",
        score.false_positives,
        score.clean_lines,
        score.false_positive_rate()
    );
    s + &score.examples.join("\n")
}

fn assert_target(score: &Score) {
    let report = report(score);
    eprintln!("{report}");
    assert!(
        score.recall() >= 0.999,
        "recall {:.4}\n{report}",
        score.recall()
    );
    assert!(
        score.false_positive_rate() <= 0.01,
        "false positives {:.4}\n{report}",
        score.false_positive_rate()
    );
}

#[test]
fn the_generated_corpus_meets_the_target() {
    let score = score_jsonl(CORPUS).unwrap();
    assert!(score.entities() >= 9_000, "{}", score.entities());
    assert!(score.clean_lines >= 9_000, "{}", score.clean_lines);
    assert_target(&score);
}

#[test]
fn the_tricky_cases_meet_the_target() {
    let mut score = Score::default();
    for line in TRICKY.lines().filter_map(parse_marked) {
        score.add(&line).unwrap();
    }
    assert!(score.entities() >= 40 && score.clean_lines >= 40);
    assert_target(&score);
}

#[test]
fn a_bad_corpus_line_is_named_by_its_number() {
    let err = score_jsonl("{\"text\": \"a\"}\n{\"text\": 3}\n").unwrap_err();
    assert!(err.starts_with("line 2:"), "{err}");
}
