use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;

use super::*;
use crate::handshake::test_vectors as tv;

const NOW: i64 = tv::IAT + 600;

fn vector_key() -> PairKey {
    PairKey::from_bytes(&hex::decode(tv::PAIR_KEY_HEX).unwrap()).unwrap()
}

fn vector_binding() -> SbtBinding {
    SbtBinding {
        kid: tv::KID.parse().unwrap(),
        account_id: tv::ACCOUNT_ID.into(),
        peer_id: tv::PEER_ID.into(),
        local_id: tv::LOCAL_ID.parse().unwrap(),
        hosted_id: tv::HOSTED_ID.parse().unwrap(),
        local_key_id: tv::LOCAL_KEY_ID.parse().unwrap(),
        hosted_key_id: tv::HOSTED_KEY_ID.parse().unwrap(),
    }
}

fn vector_claims() -> SbtClaims {
    SbtClaims {
        jti: tv::JTI.parse().unwrap(),
        ..SbtClaims::new(vector_binding(), tv::IAT)
    }
}

fn verify_vector(token: &str, now: i64) -> Result<SbtClaims, SbtError> {
    let binding = vector_binding();
    SessionBindingToken::verify(token, &vector_key(), &ExpectedBinding::exact(&binding), now)
}

/// Replaces the character at `index` with another character of the base64url alphabet.
fn flip(token: &str, index: usize) -> String {
    let mut bytes = token.as_bytes().to_vec();
    bytes[index] = if bytes[index] == b'A' { b'B' } else { b'A' };
    String::from_utf8(bytes).unwrap()
}

#[test]
fn issues_the_published_vector() {
    let claims = vector_claims();
    assert_eq!(claims.exp, tv::EXP);
    assert_eq!(serde_json::to_string(&claims).unwrap(), tv::CLAIMS_JSON);
    assert_eq!(
        SessionBindingToken::issue(&vector_key(), &claims),
        tv::SBT_TOKEN
    );
}

#[test]
fn verifies_the_published_vector() {
    assert_eq!(verify_vector(tv::SBT_TOKEN, NOW).unwrap(), vector_claims());
}

#[test]
fn a_fresh_token_round_trips_with_only_peer_and_kid_expected() {
    let key = PairKey::generate();
    let claims = SbtClaims::new(vector_binding(), 1_000_000);
    assert_eq!(claims.v, 1);
    assert_eq!(claims.jti.get_version_num(), 4);
    assert_eq!(claims.exp - claims.iat, SBT_LIFETIME_SECS);
    let token = SessionBindingToken::issue(&key, &claims);
    let kid = claims.kid.clone();
    let expected = ExpectedBinding::new(tv::PEER_ID, &kid);
    let verified = SessionBindingToken::verify(&token, &key, &expected, 1_000_001).unwrap();
    assert_eq!(verified, claims);
}

#[test]
fn a_flipped_byte_anywhere_in_the_claims_fails_the_mac() {
    let dot = tv::SBT_TOKEN.find('.').unwrap();
    for index in [0, 1, dot / 2, dot - 1] {
        let err = verify_vector(&flip(tv::SBT_TOKEN, index), NOW).unwrap_err();
        assert_eq!(err, SbtError::BadMac, "index {index}");
    }
}

#[test]
fn a_flipped_byte_in_the_mac_fails() {
    let dot = tv::SBT_TOKEN.find('.').unwrap();
    let err = verify_vector(&flip(tv::SBT_TOKEN, dot + 1), NOW).unwrap_err();
    assert_eq!(err, SbtError::BadMac);
}

#[test]
fn a_truncated_mac_fails() {
    let (payload, tag) = tv::SBT_TOKEN.split_once('.').unwrap();
    let raw = URL_SAFE_NO_PAD.decode(tag).unwrap();
    for len in [0, 16, 31] {
        let short = format!("{payload}.{}", URL_SAFE_NO_PAD.encode(&raw[..len]));
        assert_eq!(
            verify_vector(&short, NOW).unwrap_err().code(),
            "sbt_invalid"
        );
    }
    let short = format!("{payload}.{}", URL_SAFE_NO_PAD.encode(&raw[..30]));
    assert_eq!(verify_vector(&short, NOW).unwrap_err(), SbtError::BadMac);
    let one_char_less = &tv::SBT_TOKEN[..tv::SBT_TOKEN.len() - 1];
    assert_eq!(
        verify_vector(one_char_less, NOW).unwrap_err().code(),
        "sbt_invalid"
    );
}

#[test]
fn a_mac_from_another_key_fails() {
    let token = SessionBindingToken::issue(&PairKey::generate(), &vector_claims());
    assert_eq!(verify_vector(&token, NOW).unwrap_err(), SbtError::BadMac);
}

#[test]
fn claims_swapped_in_from_another_token_fail() {
    let key = vector_key();
    let other = SbtClaims {
        peer_id: "someone-else".into(),
        ..vector_claims()
    };
    let other = SessionBindingToken::issue(&key, &other);
    let (other_payload, _) = other.split_once('.').unwrap();
    let (_, tag) = tv::SBT_TOKEN.split_once('.').unwrap();
    let spliced = format!("{other_payload}.{tag}");
    assert_eq!(verify_vector(&spliced, NOW).unwrap_err(), SbtError::BadMac);
}

#[test]
fn expires_exactly_at_exp() {
    assert!(verify_vector(tv::SBT_TOKEN, tv::EXP - 1).is_ok());
    let err = verify_vector(tv::SBT_TOKEN, tv::EXP).unwrap_err();
    assert_eq!(err, SbtError::Expired);
    assert_eq!(err.code(), "sbt_expired");
    assert_eq!(
        verify_vector(tv::SBT_TOKEN, tv::EXP + 86_400).unwrap_err(),
        SbtError::Expired
    );
}

#[test]
fn iat_may_be_at_most_a_minute_ahead() {
    assert!(verify_vector(tv::SBT_TOKEN, tv::IAT - 60).is_ok());
    let err = verify_vector(tv::SBT_TOKEN, tv::IAT - 61).unwrap_err();
    assert!(matches!(err, SbtError::Malformed(_)), "{err:?}");
    assert_eq!(err.code(), "sbt_invalid");
}

#[test]
fn a_token_for_another_peer_or_kid_is_refused() {
    let key = vector_key();
    let other_kid = Kid::generate();
    let kid: Kid = tv::KID.parse().unwrap();
    for expected in [
        ExpectedBinding::new("another-peer", &kid),
        ExpectedBinding::new(tv::PEER_ID, &other_kid),
    ] {
        let err = SessionBindingToken::verify(tv::SBT_TOKEN, &key, &expected, NOW).unwrap_err();
        assert_eq!(err, SbtError::WrongBinding);
        assert_eq!(err.code(), "sbt_invalid");
    }
}

#[test]
fn optional_binding_fields_are_checked_when_given() {
    let key = vector_key();
    let kid: Kid = tv::KID.parse().unwrap();
    let other_backend: BackendId = tv::LOCAL_ID.replace('0', "9").parse().unwrap();
    let other_key_id: KeyId = tv::LOCAL_KEY_ID.replace('1', "3").parse().unwrap();
    let base = || ExpectedBinding::new(tv::PEER_ID, &kid);
    let cases = [
        ExpectedBinding {
            account_id: Some("acct_43"),
            ..base()
        },
        ExpectedBinding {
            local_id: Some(&other_backend),
            ..base()
        },
        ExpectedBinding {
            hosted_id: Some(&other_backend),
            ..base()
        },
        ExpectedBinding {
            local_key_id: Some(&other_key_id),
            ..base()
        },
        ExpectedBinding {
            hosted_key_id: Some(&other_key_id),
            ..base()
        },
    ];
    for expected in cases {
        let err = SessionBindingToken::verify(tv::SBT_TOKEN, &key, &expected, NOW).unwrap_err();
        assert_eq!(err, SbtError::WrongBinding, "{expected:?}");
    }
}

#[test]
fn the_binding_is_checked_only_after_the_mac() {
    let token = SessionBindingToken::issue(&PairKey::generate(), &vector_claims());
    let kid = Kid::generate();
    let expected = ExpectedBinding::new("another-peer", &kid);
    let err = SessionBindingToken::verify(&token, &vector_key(), &expected, NOW).unwrap_err();
    assert_eq!(err, SbtError::BadMac);
}

#[test]
fn garbage_is_malformed() {
    let huge = "A".repeat(SBT_MAX_LEN + 1);
    let huge_dotted = format!("{}.{}", "A".repeat(SBT_MAX_LEN), "A".repeat(43));
    for bad in [
        "",
        ".",
        "abc",
        "abc.",
        ".abc",
        "a.b.c",
        "a..b",
        "not base64!.also not",
        "eyJ2IjoxfQ.***",
        huge.as_str(),
        huge_dotted.as_str(),
    ] {
        let err = verify_vector(bad, NOW).unwrap_err();
        assert!(matches!(err, SbtError::Malformed(_)), "{bad:.20}: {err:?}");
        assert_eq!(err.code(), "sbt_invalid");
    }
    let extra_dot = format!("{}.", tv::SBT_TOKEN);
    assert!(matches!(
        verify_vector(&extra_dot, NOW),
        Err(SbtError::Malformed(_))
    ));
}

/// A token whose MAC is right but whose claims are not what this version accepts (an issuer
/// bug, or a newer issuer): refused as malformed, never half-read.
#[test]
fn correctly_maced_but_invalid_claims_are_malformed() {
    let key = vector_key();
    let mut unknown_field: serde_json::Value = serde_json::from_str(tv::CLAIMS_JSON).unwrap();
    unknown_field["scope"] = "admin".into();
    let mut version_2: serde_json::Value = serde_json::from_str(tv::CLAIMS_JSON).unwrap();
    version_2["v"] = 2.into();
    let mut bad_kid: serde_json::Value = serde_json::from_str(tv::CLAIMS_JSON).unwrap();
    bad_kid["kid"] = "XYZ".into();
    let mut missing: serde_json::Value = serde_json::from_str(tv::CLAIMS_JSON).unwrap();
    missing.as_object_mut().unwrap().remove("exp");
    for json in [unknown_field, version_2, bad_kid, missing] {
        let payload = URL_SAFE_NO_PAD.encode(json.to_string());
        let tag = mac(&key, &payload).finalize().into_bytes();
        let token = format!("{payload}.{}", URL_SAFE_NO_PAD.encode(tag));
        let err = verify_vector(&token, NOW).unwrap_err();
        assert!(matches!(err, SbtError::Malformed(_)), "{json}: {err:?}");
    }
}

#[test]
fn errors_never_contain_the_token_or_key() {
    let (_, tag) = tv::SBT_TOKEN.split_once('.').unwrap();
    let errors = [
        verify_vector(&flip(tv::SBT_TOKEN, 3), NOW).unwrap_err(),
        verify_vector(tv::SBT_TOKEN, tv::EXP).unwrap_err(),
        verify_vector("a.b.c", NOW).unwrap_err(),
    ];
    for err in errors {
        let shown = format!("{err} {err:?}");
        assert!(!shown.contains(tag) && !shown.contains("eyJ2"), "{shown}");
        assert!(!shown.contains(tv::PAIR_KEY_HEX) && !shown.contains(tv::SBT_KEY_HEX));
    }
}
