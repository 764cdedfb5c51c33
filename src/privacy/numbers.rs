//! The digit scanner: phone numbers, SSNs and payment card numbers.
//!
//! A *span* is a run of digit groups joined by short separators (space, `-`, `.`,
//! parentheses), maybe opened by `+`, `%2B` or `(`. A span glued to a word (`v1.2.3`,
//! `a456-4266...`, `1Z999...`) is part of an identifier and is never the start or the end of
//! an entity. Inside a span, candidates start and end only where a separator holds a space,
//! so `room 12 555-123-4567` still finds the phone while `10.0.0.1` is only ever read whole.
//! Each candidate is then checked against the formats of docs/privacy.md; the words just
//! before it (`order`, `tracking`, `ISBN`... or `phone`, `card`...) settle bare numbers.

use super::redact::{Found, Kind};

const MAX_GROUPS: usize = 16;
const MAX_DIGITS: usize = 19;

const SPACE: u8 = 1;
const DASH: u8 = 2;
const DOT: u8 = 4;
const PAREN: u8 = 8;

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
    let mut k = 0;
    while k < n {
        let opens = if k == 0 {
            !left_glued
        } else {
            seps[k - 1] & SPACE != 0
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
                seps[last] & SPACE != 0
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
enum Context {
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

/// The nearest telling word in the 20 bytes before `at` decides.
fn context(text: &str, at: usize) -> Context {
    let b = text.as_bytes();
    let mut back = at.saturating_sub(20);
    while !text.is_char_boundary(back) {
        back += 1;
    }
    let window = &b[back..at];
    if window.iter().rev().find(|c| **c != b' ') == Some(&b'#') {
        return Context::Reference;
    }
    let mut best: Option<(usize, Context)> = None;
    for (words, ctx) in [
        (PERSONAL, Context::Personal),
        (REFERENCE, Context::Reference),
    ] {
        for w in words {
            if let Some(end) = last_word(window, w)
                && best.is_none_or(|(e, _)| end > e)
            {
                best = Some((end, ctx));
            }
        }
    }
    best.map_or(Context::Plain, |(_, c)| c)
}

/// Where the last occurrence of `word` (starting a word) ends in `window`.
fn last_word(window: &[u8], word: &[u8]) -> Option<usize> {
    if window.len() < word.len() {
        return None;
    }
    (0..=window.len() - word.len()).rev().find_map(|p| {
        let starts_word = p == 0 || !window[p - 1].is_ascii_alphabetic();
        let ends_word = window
            .get(p + word.len())
            .is_none_or(|c| !c.is_ascii_alphabetic() || word.len() > 4);
        (starts_word && ends_word && window[p..p + word.len()].eq_ignore_ascii_case(word))
            .then_some(p + word.len())
    })
}

/// What the digit groups `groups` (joined by `seps`) are, if anything.
fn classify(
    b: &[u8],
    groups: &[(usize, usize)],
    seps: &[u8],
    plus: bool,
    context: Context,
) -> Option<Kind> {
    if context == Context::Reference {
        return None;
    }
    let mut digits = [0u8; MAX_DIGITS];
    let mut lens = [0usize; MAX_GROUPS];
    let mut n = 0;
    for (g, &(s, e)) in groups.iter().enumerate() {
        if n + (e - s) > MAX_DIGITS {
            return None;
        }
        for &c in &b[s..e] {
            digits[n] = c - b'0';
            n += 1;
        }
        lens[g] = e - s;
    }
    let d = &digits[..n];
    let lens = &lens[..groups.len()];
    let flags = seps.iter().fold(0, |a, s| a | s);
    if plus {
        return international(d, lens).then_some(Kind::Phone);
    }
    if flags & (DOT | PAREN) == 0 && card(d, lens) {
        return Some(Kind::CreditCard);
    }
    if ssn(d, lens, flags, context) {
        return Some(Kind::Ssn);
    }
    national(d, lens).then_some(Kind::Phone)
}

fn value(d: &[u8]) -> u32 {
    d.iter().fold(0, |v, &x| v * 10 + u32::from(x))
}

/// A payment card: an issuer's prefix and length, the Luhn check, and groups as printed.
fn card(d: &[u8], lens: &[usize]) -> bool {
    let n = d.len();
    if !(13..=19).contains(&n) || !(lens.len() == 1 || lens.iter().all(|l| (3..=6).contains(l))) {
        return false;
    }
    let (p2, p3, p4) = (value(&d[..2]), value(&d[..3]), value(&d[..4]));
    let issuer = match d[0] {
        4 => matches!(n, 13 | 16 | 19),
        5 => (51..=55).contains(&p2) && n == 16,
        2 => (2221..=2720).contains(&p4) && n == 16,
        3 if p2 == 34 || p2 == 37 => n == 15,
        3 if (3528..=3589).contains(&p4) => n >= 16,
        3 => ((300..=305).contains(&p3) || matches!(p2, 36 | 38 | 39)) && n >= 14,
        6 => (p4 == 6011 || (644..=649).contains(&p3) || p2 == 65 || p2 == 62) && n >= 16,
        _ => false,
    };
    issuer && luhn(d)
}

fn luhn(d: &[u8]) -> bool {
    let sum: u32 = d
        .iter()
        .rev()
        .enumerate()
        .map(|(i, &x)| {
            let x = u32::from(x);
            if i % 2 == 1 {
                if x > 4 { x * 2 - 9 } else { x * 2 }
            } else {
                x
            }
        })
        .sum();
    sum.is_multiple_of(10)
}

/// A US SSN: `AAA-GG-SSSS` (dashes or spaces), with an area, group and serial ever issued;
/// nine bare digits only right after a word such as `SSN`.
fn ssn(d: &[u8], lens: &[usize], flags: u8, context: Context) -> bool {
    let shaped = (lens == [3, 2, 4] && (flags == DASH || flags == SPACE))
        || (lens == [9] && context == Context::Personal);
    if !shaped || d.len() != 9 {
        return false;
    }
    let area = value(&d[..3]);
    area != 0 && area != 666 && area < 900 && value(&d[3..5]) != 0 && value(&d[5..]) != 0
}

/// Ten NANP digits: area code and exchange both start with 2-9.
fn nanp(d: &[u8]) -> bool {
    d.len() == 10 && d[0] >= 2 && d[3] >= 2
}

/// `+<country code>...`: E.164 (8 to 15 digits; `+1` must be a NANP number).
fn international(d: &[u8], lens: &[usize]) -> bool {
    if d[0] == 1 {
        return nanp(&d[1..]) && (lens.len() == 1 || lens[0] <= 4);
    }
    (8..=15).contains(&d.len()) && d[0] != 0
}

/// A number written for dialling at home: NANP (`(555) 123-4567`, `1-555-123-4567`,
/// `5551234567`) or a trunk-`0` national number of the UK, France, Germany, Japan or
/// Australia (`020 7946 0958`, `06 12 34 56 78`, `030 1234567`, `090-1234-5678`,
/// `0412 345 678`).
fn national(d: &[u8], lens: &[usize]) -> bool {
    let n = d.len();
    if n == 10 && nanp(d) {
        return matches!(lens, [10] | [3, 3, 4] | [3, 7]);
    }
    if n == 11 && d[0] == 1 && nanp(&d[1..]) {
        return matches!(lens, [11] | [1, 10] | [1, 3, 3, 4] | [1, 3, 7]);
    }
    if (10..=12).contains(&n) && d[0] == 0 && d[1] != 0 {
        return match lens {
            [one] => *one <= 11,
            [head, rest @ ..] => (2..=5).contains(head) && rest.iter().all(|l| (2..=8).contains(l)),
            [] => false,
        };
    }
    false
}
