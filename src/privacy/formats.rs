//! The formats a digit candidate is checked against: payment cards (issuer prefix and
//! length, Luhn), US SSNs (issued ranges), phone numbers (E.164, NANP, trunk-0 national).

use super::numbers::{Context, DASH, DOT, MAX_GROUPS, PAREN, SPACE};
use super::redact::Kind;

/// The longest number read: a 19-digit card.
const MAX_DIGITS: usize = 19;

/// What the digit groups `groups` (joined by `seps`) are, if anything.
pub(super) fn classify(
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
