//! The digit scanner: phone numbers, SSNs and payment card numbers.
//!
//! A *span* is a run of digit groups joined by short separators (space, `-`, `.`,
//! parentheses), maybe opened by `+`, `%2B` or `(`. A span glued to a word (`v1.2.3`,
//! `a456-4266...`, `1Z999...`) is part of an identifier and is never the start or the end of
//! an entity. Inside a span, candidates start and end only where a separator holds a space,
//! so `room 12 555-123-4567` still finds the phone while `10.0.0.1` is only ever read whole.
//! Each candidate is then checked against the formats of docs/privacy.md; the words just
//! before it (`order`, `tracking`, `ISBN`... or `phone`, `card`...) settle bare numbers.

use super::formats::classify;
use super::redact::Found;

pub(super) const MAX_GROUPS: usize = 16;

pub(super) const SPACE: u8 = 1;
pub(super) const DASH: u8 = 2;
pub(super) const DOT: u8 = 4;
pub(super) const PAREN: u8 = 8;

fn sep_flag(b: u8) -> Option<u8> {
    match b {
        b' ' => Some(SPACE),
        b'-' => Some(DASH),
        b'.' => Some(DOT),
        b'(' | b')' => Some(PAREN),
        _ => None,
    }
}

fn wordish(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_'
}

/// Appends the entities of `text` to `found`, which holds the emails already found (sorted);
/// digits inside an email are left to it.
pub(super) fn scan(text: &str, found: &mut Vec<Found>) {
    let b = text.as_bytes();
    let emails = found.len();
    let (mut i, mut e) = (0, 0);
    while i < b.len() {
        while e < emails && found[e].end <= i {
            e += 1;
        }
        if e < emails && found[e].start <= i {
            i = found[e].end;
            continue;
        }
        let digit_at = |k: usize| b.get(k).is_some_and(u8::is_ascii_digit);
        let (first, plus) = match b[i] {
            c if c.is_ascii_digit() => (i, false),
            b'+' if digit_at(i + 1) => (i + 1, true),
            b'(' if digit_at(i + 1) => (i + 1, false),
            b'%' if b.len() > i + 3
                && b[i + 1..i + 3].eq_ignore_ascii_case(b"2B")
                && digit_at(i + 3) =>
            {
                (i + 3, true)
            }
            _ => {
                i += 1;
                continue;
            }
        };
        i = span(text, i, first, plus, found);
    }
}

/// Reads the span opened at `start` (first digit at `first`), records what it holds, and
/// returns where scanning goes on.
fn span(text: &str, start: usize, first: usize, plus: bool, found: &mut Vec<Found>) -> usize {
    let b = text.as_bytes();
    let mut groups = [(0usize, 0usize); MAX_GROUPS];
    let mut seps = [0u8; MAX_GROUPS];
    let (mut n, mut j) = (0, first);
    loop {
        let g = j;
        while j < b.len() && b[j].is_ascii_digit() {
            j += 1;
        }
        if n == MAX_GROUPS {
            // A long list of numbers: nothing in it is read, rather than a part guessed at.
            return skip_span(b, j);
        }
        groups[n] = (g, j);
        n += 1;
        let (mut k, mut flags) = (j, 0);
        while k < b.len() && k - j < 3 {
            match sep_flag(b[k]) {
                Some(f) => flags |= f,
                None => break,
            }
            k += 1;
        }
        if k > j && k < b.len() && b[k].is_ascii_digit() {
            seps[n - 1] = flags;
            j = k;
        } else {
            break;
        }
    }
    let end = j;
    let before = |k: usize| if k > 0 { Some(b[k - 1]) } else { None };
    let left_glued = match (before(start), start.checked_sub(1).and_then(before)) {
        (Some(p), _) if wordish(p) => true,
        (Some(b'-' | b'.' | b':' | b'/'), Some(pp)) if pp.is_ascii_digit() => true,
        (Some(b'-'), Some(pp)) => pp.is_ascii_alphanumeric(),
        _ => false,
    };
    let right_glued = match (b.get(end), b.get(end + 1)) {
        (Some(&c), _) if wordish(c) => true,
        (Some(b'-' | b'.' | b':' | b'/'), Some(&c)) => c.is_ascii_alphanumeric(),
        _ => false,
    };
    // The shortest entity is an E.164 number of 8 digits: most spans (ports, counts, times)
    // end here, before any word is looked at.
    if groups[..n].iter().map(|g| g.1 - g.0).sum::<usize>() < 8 {
        return end;
    }
    if context(text, start) == Context::Reference {
        return end;
    }
    // Four or more groups of one length, split alike (`4111 1111 1111 1111`, `100 200 300 400`) are one
    // number or a list: read whole, never in parts.
    let len0 = groups[0].1 - groups[0].0;
    let uniform = n >= 4
        && groups[..n - 1].iter().all(|g| g.1 - g.0 == len0)
        && seps[..n - 1].iter().all(|s| *s == seps[0]);
    let mut k = 0;
    while k < n {
        let opens = if k == 0 {
            !left_glued
        } else {
            !uniform && seps[k - 1] & SPACE != 0
        };
        if !opens {
            k += 1;
            continue;
        }
        let from = if k == 0 {
            start
        } else {
            // Just after the last space before the group: keeps a `(` of `(555)`.
            let mut p = groups[k].0;
            while b[p - 1] != b' ' {
                p -= 1;
            }
            p
        };
        let context = context(text, from);
        let mut hit = None;
        for last in (k..n).rev() {
            let closes = if last + 1 == n {
                !right_glued
            } else {
                !uniform && seps[last] & SPACE != 0
            };
            if !closes {
                continue;
            }
            let kind = classify(
                b,
                &groups[k..=last],
                &seps[k..last],
                plus && k == 0,
                context,
            );
            if let Some(kind) = kind {
                hit = Some((last, kind));
                break;
            }
        }
        match hit {
            Some((last, kind)) => {
                found.push(Found {
                    kind,
                    start: from,
                    end: groups[last].1,
                });
                k = last + 1;
            }
            None => k += 1,
        }
    }
    end
}

/// Past the rest of an over-long span.
fn skip_span(b: &[u8], mut j: usize) -> usize {
    while j < b.len() && (b[j].is_ascii_digit() || sep_flag(b[j]).is_some()) {
        j += 1;
    }
    j
}

#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Context {
    /// No telling word nearby.
    Plain,
    /// `phone`, `card`, `SSN`...: a bare number here is what it looks like.
    Personal,
    /// `order`, `tracking`, `ISBN`, `#`...: a number here is a reference, not a person's.
    Reference,
}

const PERSONAL: &[&[u8]] = &[
    b"phone",
    b"tel",
    b"call",
    b"mobile",
    b"cell",
    b"fax",
    b"sms",
    b"whatsapp",
    b"contact",
    b"card",
    b"visa",
    b"mastercard",
    b"amex",
    b"ssn",
    b"social security",
];
const REFERENCE: &[&[u8]] = &[
    b"order",
    b"tracking",
    b"track",
    b"invoice",
    b"isbn",
    b"imei",
    b"zip",
    b"postal",
    b"ref",
    b"serial",
    b"sku",
    b"ticket",
    b"build",
    b"version",
    b"id",
    b"epoch",
    b"ts",
    b"port",
];

/// Words that may stand between a reference word and its number: `tracking number`,
/// `order no.`, `invoice ID`.
const FILLERS: &[&[u8]] = &[b"number", b"no", b"nr", b"num", b"code", b"is"];

/// What the words just before `at` say about a number there. A reference word counts only
/// when nothing but punctuation and fillers stands between it and the number (so the `ref`
/// of `?ref=home | 4111...` says nothing about the card); a personal word anywhere in the
/// 24 bytes before.
fn context(text: &str, at: usize) -> Context {
    let b = text.as_bytes();
    let mut back = at.saturating_sub(24);
    while !text.is_char_boundary(back) {
        back += 1;
    }
    let window = &b[back..at];
    if window.iter().rev().find(|c| **c != b' ') == Some(&b'#') {
        return Context::Reference;
    }
    let mut end = window.len();
    for _ in 0..3 {
        while end > 0 && !window[end - 1].is_ascii_alphanumeric() {
            end -= 1;
        }
        let mut start = end;
        while start > 0 && window[start - 1].is_ascii_alphanumeric() {
            start -= 1;
        }
        let word = &window[start..end];
        if word.is_empty() || (start == 0 && back > 0) {
            break;
        }
        if REFERENCE.iter().any(|r| word.eq_ignore_ascii_case(r)) {
            return Context::Reference;
        }
        if !FILLERS.iter().any(|f| word.eq_ignore_ascii_case(f)) {
            break;
        }
        end = start;
    }
    if PERSONAL.iter().any(|w| last_word(window, w).is_some()) {
        Context::Personal
    } else {
        Context::Plain
    }
}

/// Where the last occurrence of `word` (starting a word) ends in `window`.
fn last_word(window: &[u8], word: &[u8]) -> Option<usize> {
    if window.len() < word.len() {
        return None;
    }
    (0..=window.len() - word.len()).rev().find_map(|p| {
        let starts_word = p == 0 || !window[p - 1].is_ascii_alphabetic();
        (starts_word && window[p..p + word.len()].eq_ignore_ascii_case(word))
            .then_some(p + word.len())
    })
}
