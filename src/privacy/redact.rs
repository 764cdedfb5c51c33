//! `redact`: email addresses, phone numbers, US social security numbers and payment card
//! numbers in free text become typed tokens (`[EMAIL]`, `[PHONE]`, `[SSN]`,
//! `[CREDIT_CARD]`). What is detected and what is deliberately left alone is described in
//! docs/privacy.md ("Redaction").
//!
//! Emails are found with one regular expression; everything made of digits goes through the
//! hand-written scanner of `numbers.rs`, because telling a phone number from a version, an
//! IP address or a tracking number needs the digit groups and their context, which a
//! regular expression alone expresses badly.

use std::borrow::Cow;
use std::sync::LazyLock;

use regex::Regex;
use serde::Serialize;

use super::numbers;

/// What an entity is; `name()` is its type in JSON, `token()` what replaces it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Kind {
    Email,
    Phone,
    Ssn,
    CreditCard,
}

impl Kind {
    pub const ALL: [Kind; 4] = [Kind::Email, Kind::Phone, Kind::Ssn, Kind::CreditCard];

    pub fn name(self) -> &'static str {
        match self {
            Kind::Email => "EMAIL",
            Kind::Phone => "PHONE",
            Kind::Ssn => "SSN",
            Kind::CreditCard => "CREDIT_CARD",
        }
    }

    pub fn token(self) -> &'static str {
        match self {
            Kind::Email => "[EMAIL]",
            Kind::Phone => "[PHONE]",
            Kind::Ssn => "[SSN]",
            Kind::CreditCard => "[CREDIT_CARD]",
        }
    }

    pub fn from_name(name: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|k| k.name() == name)
    }
}

/// One entity found: its kind and where it was in the input, in Unicode code points
/// (`start` inclusive, `end` exclusive), so that offsets mean the same in every language.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Entity {
    #[serde(rename = "type")]
    pub kind: Kind,
    pub start: usize,
    pub end: usize,
}

/// The redacted text and what was replaced. The text borrows the input when nothing was
/// found, so the common case costs no allocation.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Redacted<'a> {
    pub text: Cow<'a, str>,
    pub entities: Vec<Entity>,
}

impl Redacted<'_> {
    pub fn changed(&self) -> bool {
        !self.entities.is_empty()
    }
}

/// An entity in byte offsets, as the scanners find it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct Found {
    pub kind: Kind,
    pub start: usize,
    pub end: usize,
}

/// `local@domain.tld`, the `@` possibly URL-encoded. ASCII only: a local part stops at the
/// first non-ASCII character, which keeps CJK text written right next to an address out of
/// it. The domain must end in a letters-only label, so `pkg@1.2.3` and `image@sha256:...`
/// are not addresses.
static EMAIL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)[a-z0-9._%+\-]*[a-z0-9_%+\-](?:@|%40)[a-z0-9](?:[a-z0-9\-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9\-]*[a-z0-9])?)*\.[a-z]{2,24}",
    )
    .expect("the email pattern compiles")
});

/// Finds the entities of `text`, in byte offsets, sorted and not overlapping.
pub(super) fn find(text: &str) -> Vec<Found> {
    let mut found = Vec::new();
    let bytes = text.as_bytes();
    // The regex runs only on text that can hold an address at all.
    if bytes.contains(&b'@') || text.contains("%40") {
        for m in EMAIL.find_iter(text) {
            found.push(Found {
                kind: Kind::Email,
                start: m.start(),
                end: m.end(),
            });
        }
    }
    numbers::scan(text, &mut found);
    found.sort_by_key(|f| f.start);
    found
}

/// Redacts `text`: every entity found is replaced by its kind's token.
pub fn redact(text: &str) -> Redacted<'_> {
    let found = find(text);
    if found.is_empty() {
        return Redacted {
            text: Cow::Borrowed(text),
            entities: Vec::new(),
        };
    }
    let mut out = String::with_capacity(text.len());
    let mut entities = Vec::with_capacity(found.len());
    let (mut last, mut chars) = (0, 0);
    for f in found {
        chars += text[last..f.start].chars().count();
        let len = text[f.start..f.end].chars().count();
        out.push_str(&text[last..f.start]);
        out.push_str(f.kind.token());
        entities.push(Entity {
            kind: f.kind,
            start: chars,
            end: chars + len,
        });
        chars += len;
        last = f.end;
    }
    out.push_str(&text[last..]);
    Redacted {
        text: Cow::Owned(out),
        entities,
    }
}

#[cfg(test)]
#[path = "redact_tests.rs"]
mod tests;

/// [`redact`] of one line, the text alone: what the log output passes each line through.
pub fn redact_line(line: &str) -> Cow<'_, str> {
    redact(line).text
}
