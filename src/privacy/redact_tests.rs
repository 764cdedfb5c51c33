//! One test per kind and per kind of text that must come out unchanged.

use super::*;

fn out(text: &str) -> String {
    redact(text).text.into_owned()
}

fn untouched(texts: &[&str]) {
    for t in texts {
        let r = redact(t);
        assert!(r.entities.is_empty(), "{t:?} became {:?}", r.text);
        assert!(matches!(r.text, Cow::Borrowed(_)), "{t:?} was copied");
    }
}

#[test]
fn emails_plain_encoded_and_next_to_cjk() {
    assert_eq!(
        out("mail jane.doe+x@mail.example.co.uk now"),
        "mail [EMAIL] now"
    );
    assert_eq!(out("/u?e=jane.doe%40example.com&x=1"), "/u?e=[EMAIL]&x=1");
    assert_eq!(out("<JOHN_SMITH@Example.ORG>"), "<[EMAIL]>");
    assert_eq!(out("请联系zhang.wei@example.cn谢谢"), "请联系[EMAIL]谢谢");
    let r = redact("邮箱：wei@example.cn");
    assert_eq!(
        r.entities,
        [Entity {
            kind: Kind::Email,
            start: 3,
            end: 17
        }]
    );
}

#[test]
fn phones_nanp_every_separator() {
    for p in [
        "(415) 555-0132",
        "415-555-0132",
        "415.555.0132",
        "415 555 0132",
        "4155550132",
        "+1 415 555 0132",
        "+1 (415) 555-0132",
        "1-415-555-0132",
        "+14155550132",
        "%2B14155550132",
    ] {
        assert_eq!(
            out(&format!("call {p}, thanks")),
            "call [PHONE], thanks",
            "{p}"
        );
    }
}

#[test]
fn phones_international_and_national() {
    for p in [
        "+44 20 7946 0958",
        "+44 (0)20 7946 0958",
        "020 7946 0958",
        "07700 900123",
        "+33 6 12 34 56 78",
        "06 12 34 56 78",
        "06.12.34.56.78",
        "+49 30 12345678",
        "030 12345678",
        "(030) 1234567",
        "0151 23456789",
        "+81 3-1234-5678",
        "03-1234-5678",
        "090-1234-5678",
        "+61 2 1234 5678",
        "(02) 1234 5678",
        "0412 345 678",
        "+86 138 0013 8000",
    ] {
        assert_eq!(out(&format!("tel {p}.")), "tel [PHONE].", "{p}");
    }
    assert_eq!(out("電話番号は090-1234-5678です"), "電話番号は[PHONE]です");
}

#[test]
fn ssns_in_issued_ranges_only() {
    assert_eq!(out("SSN 123-45-6789"), "SSN [SSN]");
    assert_eq!(out("ssn: 123 45 6789"), "ssn: [SSN]");
    assert_eq!(out("ssn=123456789"), "ssn=[SSN]");
    untouched(&[
        "id 000-12-3456",
        "x 666-12-3456",
        "x 900-12-3456",
        "x 123-00-4567",
    ]);
    untouched(&["x 123-45-0000"]);
}

#[test]
fn cards_of_every_issuer() {
    for c in [
        "4111 1111 1111 1111",
        "4111-1111-1111-1111",
        "4111111111111111",
        "4222222222222",
        "5555 5555 5555 4444",
        "2221 0000 0000 0009",
        "2720 9900 0000 0007",
        "3782 822463 10005",
        "6011 1111 1111 1117",
        "3530 1113 3330 0000",
        "3056 930902 5904",
        "6200 0000 0000 0005",
    ] {
        assert_eq!(
            out(&format!("card {c} exp")),
            "card [CREDIT_CARD] exp",
            "{c}"
        );
    }
}

#[test]
fn card_shaped_numbers_that_are_not_cards() {
    untouched(&[
        "4111 1111 1111 1112",         // Luhn fails
        "1234 5678 9012 3452",         // no issuer starts with 1
        "imei 490154203237518",        // 15 digits, Luhn-valid, an IMEI
        "device 356938035643809 ok",   // IMEI-shaped without the word
        "9400 1000 0000 0000 0000 00", // a USPS tracking number
    ]);
}

#[test]
fn identifiers_times_and_versions_are_left_alone() {
    untouched(&[
        "id 123e4567-e89b-12d3-a456-426614174000",
        "run 12345678-1234-1234-1234-123456789012 done",
        "at 2026-12-04T22:27:11.123Z",
        "ts=1733356800 ms=1733356800123",
        "2026-12-04 22:27:11 started",
        "version 1.2.3, v10.15.7, 2.0.0-rc.1",
        "hlc 001800000000123-000002-0a1b2c3d4e5f60718293a4b5c6d7e8f9",
        "hlc 001800000000123-000002-9a1b2c3d4e5f60718293a4b5c6d7e8f9",
        "from 192.168.100.200 and 10.0.0.1",
        "from 2001:db8::8a2e:370:7334 and fe80::1",
        "mac 00:1A:2B:3C:4D:5E and 00-1a-2b-3c-4d-5e",
        "listening on 0.0.0.0:8080, :8443",
        "sha 9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
        "commit 3141592653589793238462643383279",
    ]);
}

#[test]
fn references_prices_dates_and_handles_are_left_alone() {
    untouched(&[
        "order #5551234567 shipped",
        "Order 4155550132 shipped",
        "tracking 1Z999AA10123456784",
        "tracking number 9405 5112 9876 5432 1098 76",
        "zip 94105-1234, 10001",
        "ISBN 978-3-16-148410-0 and 0-306-40615-2, isbn 0306406152",
        "total $1,299.99 (was 1499.00)",
        "on 04/12/2026, 2026-12-04, 04.12.2026",
        "thanks @jane_doe and @bob",
        "npm i lodash@4.17.21 @types/node@20.1.0",
        "image app@sha256:deadbeef",
    ]);
}

#[test]
fn a_phone_after_other_numbers_is_found() {
    assert_eq!(out("CA 94105 (415) 555-0132"), "CA 94105 [PHONE]");
    assert_eq!(out("room 12 415-555-0132"), "room 12 [PHONE]");
}

#[test]
fn offsets_count_code_points_and_text_without_entities_is_borrowed() {
    let r = redact("é 415-555-0132 ü a@b.io");
    assert_eq!(r.text, "é [PHONE] ü [EMAIL]");
    let spans: Vec<_> = r
        .entities
        .iter()
        .map(|e| (e.kind, e.start, e.end))
        .collect();
    assert_eq!(spans, [(Kind::Phone, 2, 14), (Kind::Email, 17, 23)]);
    untouched(&["", "nothing here", "日本語のテキスト"]);
}
