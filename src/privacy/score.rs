//! Scoring the redactor against a labelled corpus (tests/data/pii/): the test that holds it
//! to its target and `bench redact` both count here, so they cannot disagree.
//!
//! An entity counts as redacted only if none of its letters or digits survive (a kept last
//! four digits or a kept domain is a leak). A line without PII counts as a false positive if
//! any of its letters or digits were removed.

use std::collections::BTreeMap;

use serde::Deserialize;

use super::redact::{Kind, redact};

/// One line of a corpus: its text and the entities in it, in code points.
#[derive(Debug, Deserialize)]
pub struct Labelled {
    pub text: String,
    #[serde(default)]
    pub entities: Vec<Label>,
}

#[derive(Debug, Deserialize)]
pub struct Label {
    #[serde(rename = "type")]
    pub kind: String,
    pub start: usize,
    pub end: usize,
}

/// Counts for one kind.
#[derive(Clone, Copy, Debug, Default)]
pub struct KindScore {
    pub entities: usize,
    pub redacted: usize,
    /// Redacted with this kind's own token.
    pub typed: usize,
}

impl KindScore {
    pub fn recall(&self) -> f64 {
        ratio(self.redacted, self.entities)
    }
}

#[derive(Debug, Default)]
pub struct Score {
    pub kinds: BTreeMap<Kind, KindScore>,
    pub clean_lines: usize,
    pub false_positives: usize,
    /// What was missed or wrongly removed, for the failure message (the first few).
    pub examples: Vec<String>,
}

fn ratio(a: usize, b: usize) -> f64 {
    if b == 0 { 1.0 } else { a as f64 / b as f64 }
}

impl Score {
    pub fn entities(&self) -> usize {
        self.kinds.values().map(|k| k.entities).sum()
    }

    pub fn recall(&self) -> f64 {
        ratio(
            self.kinds.values().map(|k| k.redacted).sum(),
            self.entities(),
        )
    }

    pub fn false_positive_rate(&self) -> f64 {
        ratio(self.false_positives, self.clean_lines)
    }

    /// Scores one line. A label of an unknown type is an error naming it.
    pub fn add(&mut self, line: &Labelled) -> Result<(), String> {
        let found = redact(&line.text).entities;
        let chars: Vec<char> = line.text.chars().collect();
        let mut covered = vec![None; chars.len()];
        for e in &found {
            for c in covered.iter_mut().take(e.end).skip(e.start) {
                *c = Some(e.kind);
            }
        }
        if line.entities.is_empty() {
            self.clean_lines += 1;
            let removed = chars
                .iter()
                .zip(&covered)
                .any(|(c, k)| c.is_alphanumeric() && k.is_some());
            if removed {
                self.false_positives += 1;
                self.example(format!("changed: {}", line.text));
            }
            return Ok(());
        }
        for label in &line.entities {
            let kind = Kind::from_name(&label.kind)
                .ok_or_else(|| format!("unknown entity type {:?}", label.kind))?;
            let span = label.start..label.end.min(chars.len());
            let leaked = span
                .clone()
                .any(|i| chars[i].is_alphanumeric() && covered[i].is_none());
            let score = self.kinds.entry(kind).or_default();
            score.entities += 1;
            if leaked {
                let missed: String = chars[span].iter().collect();
                self.example(format!(
                    "missed {} {missed:?} in: {}",
                    kind.name(),
                    line.text
                ));
                continue;
            }
            score.redacted += 1;
            if span
                .clone()
                .all(|i| !chars[i].is_alphanumeric() || covered[i] == Some(kind))
            {
                score.typed += 1;
            }
        }
        Ok(())
    }

    fn example(&mut self, text: String) {
        if self.examples.len() < 20 {
            self.examples.push(text);
        }
    }
}

/// Scores every line of a JSON Lines corpus.
pub fn score_jsonl(corpus: &str) -> Result<Score, String> {
    let mut score = Score::default();
    for (n, line) in corpus.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let labelled: Labelled =
            serde_json::from_str(line).map_err(|e| format!("line {}: {e}", n + 1))?;
        score
            .add(&labelled)
            .map_err(|e| format!("line {}: {e}", n + 1))?;
    }
    Ok(score)
}

/// Reads a hand-written line whose entities are marked `⟦KIND:text⟧` (tests/data/pii/
/// tricky.txt): the markers are removed and become the labels. `#` starts a comment line.
pub fn parse_marked(line: &str) -> Option<Labelled> {
    if line.trim().is_empty() || line.starts_with('#') {
        return None;
    }
    let (mut text, mut entities) = (String::new(), Vec::new());
    let mut rest = line;
    while let Some(open) = rest.find('⟦') {
        text.push_str(&rest[..open]);
        let inner = &rest[open + '⟦'.len_utf8()..];
        let close = inner.find('⟧').unwrap_or(inner.len());
        let (kind, value) = inner[..close]
            .split_once(':')
            .unwrap_or(("?", &inner[..close]));
        let start = text.chars().count();
        text.push_str(value);
        entities.push(Label {
            kind: kind.to_string(),
            start,
            end: start + value.chars().count(),
        });
        rest = inner.get(close + '⟧'.len_utf8()..).unwrap_or("");
    }
    text.push_str(rest);
    Some(Labelled { text, entities })
}
