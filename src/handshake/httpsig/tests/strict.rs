//! Strictness: anything outside the profile's exact format is refused as malformed.

use super::*;

#[test]
fn a_truncated_or_flipped_signature_fails() {
    let req = vector_request();
    let raw = parse_byte_sequence(req.signature.as_deref().unwrap(), "sig1=:").unwrap();
    let mut flipped = raw.clone();
    flipped[7] ^= 0x01;
    for bytes in [&raw[..31], &raw[..16], &raw[..0], &flipped[..]] {
        let mut bad = req.clone();
        bad.signature = Some(format!("sig1=:{}:", STANDARD.encode(bytes)));
        assert_eq!(verify(&bad).unwrap_err(), SigError::BadSignature);
    }
    for text in ["sig1=:not base64:", "sig1=Z8IF", "sig2=:Z8IFRiKg:", ""] {
        let mut bad = req.clone();
        bad.signature = Some(text.into());
        assert!(malformed(verify(&bad)), "{text}");
    }
}

/// Each case edits the `Signature-Input` of the published vector.
fn with_input(edit: impl Fn(&str) -> String) -> Result<VerifiedSignature, SigError> {
    let mut req = vector_request();
    req.signature_input = Some(edit(tv::SIGNATURE_INPUT));
    verify(&req)
}

#[test]
fn the_component_list_must_be_exact() {
    let cases: [fn(&str) -> String; 5] = [
        |s| s.replace(r#""@path" "@query""#, r#""@query" "@path""#),
        |s| s.replace(r#" "authorization""#, ""),
        |s| s.replace(r#""authorization")"#, r#""authorization" "content-type")"#),
        |s| s.replace(r#""@method" "@authority""#, r#""@method"  "@authority""#),
        |s| s.replace("\"@method\"", "\"@METHOD\""),
    ];
    for edit in cases {
        assert!(malformed(with_input(edit)), "{}", edit(tv::SIGNATURE_INPUT));
    }
}

#[test]
fn the_label_and_tag_must_be_the_profiles() {
    let cases: [fn(&str) -> String; 6] = [
        |s| s.replace("sig1=", "sig2="),
        |s| format!("{s}, sig2=(\"@method\");created=1"),
        |s| format!("sig0=(\"@method\");created=1, {s}"),
        |s| s.replace("backend-8825-v1", "backend-8825-v2"),
        |s| s.replace(";tag=\"backend-8825-v1\"", ""),
        |s| s.replace("tag=\"backend-8825-v1\"", "tag=backend-8825-v1"),
    ];
    for edit in cases {
        assert!(malformed(with_input(edit)), "{}", edit(tv::SIGNATURE_INPUT));
    }
}

#[test]
fn parameters_must_be_present_once_known_and_canonical() {
    let cases: [fn(&str) -> String; 9] = [
        |s| s.replace(";created=1767226000", ""),
        |s| s.replace(";expires=1767226300", ""),
        |s| s.replace(";nonce=\"AAECAwQFBgcICQoLDA0ODw\"", ""),
        |s| format!("{s};nonce=\"AAECAwQFBgcICQoLDA0ODw\""),
        |s| format!("{s};alg=\"hmac-sha256\""),
        |s| format!("{s};"),
        |s| s.replace("created=1767226000", "created=01767226000"),
        |s| s.replace("created=1767226000", "created=-1"),
        |s| {
            s.replace(
                "00112233445566778899aabbccddeeff",
                "00112233445566778899AABBCCDDEEFF",
            )
        },
    ];
    for edit in cases {
        assert!(malformed(with_input(edit)), "{}", edit(tv::SIGNATURE_INPUT));
    }
}

/// RFC 9421 lets the signer order parameters; the base uses them as received.
#[test]
fn parameters_in_another_order_verify_when_signed_that_way() {
    let mut req = vector_request();
    let input = tv::SIGNATURE_INPUT.replace(
        ";created=1767226000;expires=1767226300",
        ";expires=1767226300;created=1767226000",
    );
    let (_, params) = parse_signature_input(&input).unwrap();
    let authorization = req.authorization.clone().unwrap();
    let parts = [tv::METHOD, tv::AUTHORITY, tv::PATH, tv::QUERY];
    let components = Components::new(parts, tv::CONTENT_DIGEST, &authorization).unwrap();
    let tag = hmac(&request_key(), &components.base(params))
        .finalize()
        .into_bytes();
    req.signature = Some(format!("sig1=:{}:", STANDARD.encode(tag)));
    assert_eq!(
        verify(&req).unwrap_err(),
        SigError::BadSignature,
        "old signature, new input"
    );
    req.signature_input = Some(input);
    assert!(verify(&req).is_ok());
}

#[test]
fn every_header_is_required() {
    type Remove = fn(&mut Request);
    let cases: [Remove; 4] = [
        |r| r.content_digest = None,
        |r| r.signature_input = None,
        |r| r.signature = None,
        |r| r.authorization = None,
    ];
    for remove in cases {
        let mut req = vector_request();
        remove(&mut req);
        assert!(malformed(verify(&req)));
    }
}

#[test]
fn content_digest_must_be_sha256_only() {
    for digest in [
        "sha-512=:svDv/Bo3zsyImG6TOByiTAF+W3oojqFKlGKum0xGbww=:",
        "sha-256=:svDv/Bo3zsyImG6TOByiTAF+W3oojqFKlGKum0xGbww=:, sha-512=:AA==:",
        "sha-256=svDv/Bo3zsyImG6TOByiTAF+W3oojqFKlGKum0xGbww=",
    ] {
        let mut req = vector_request();
        req.content_digest = Some(digest.into());
        assert!(malformed(verify(&req)), "{digest}");
    }
}

#[test]
fn sign_refuses_values_that_cannot_verify() {
    let kid = vector_kid();
    let base = SignInput {
        method: "POST",
        authority: "a.example",
        path: "/",
        query: "",
        body: b"",
        authorization: "SBT t",
        peer_id: "p",
        kid: &kid,
        nonce: tv::NONCE,
        created: 1,
        expires: 2,
    };
    let key = request_key();
    assert!(sign_request(&base, &key).is_ok());
    let cases = [
        SignInput {
            method: "post",
            ..base
        },
        SignInput {
            authority: "",
            ..base
        },
        SignInput {
            authority: "a.example/x",
            ..base
        },
        SignInput {
            path: "relative",
            ..base
        },
        SignInput {
            path: "/a?b",
            ..base
        },
        SignInput {
            query: "b=1",
            ..base
        },
        SignInput {
            authorization: "SBT t\n\"@method\": GET",
            ..base
        },
        SignInput {
            peer_id: "a/b",
            ..base
        },
        SignInput {
            peer_id: "",
            ..base
        },
        SignInput {
            nonce: "short",
            ..base
        },
        SignInput {
            nonce: "AAECAwQFBgcICQoLDA0O\"",
            ..base
        },
    ];
    for input in cases {
        assert!(matches!(
            sign_request(&input, &key),
            Err(SigError::Malformed(_))
        ));
    }
}

#[test]
fn a_line_break_in_a_received_header_is_malformed() {
    let mut req = vector_request();
    req.authorization = Some(format!("SBT {}\r\n\"@method\": GET", tv::SBT_TOKEN));
    assert!(malformed(verify(&req)));
}

#[test]
fn headers_are_read_once_each_from_a_header_map() {
    let req = vector_request();
    let mut map = HeaderMap::new();
    map.insert(
        "signature",
        req.signature.as_deref().unwrap().parse().unwrap(),
    );
    map.insert(
        "authorization",
        req.authorization.as_deref().unwrap().parse().unwrap(),
    );
    let headers = SignatureHeaders::from_header_map(&map).unwrap();
    assert_eq!(headers.signature, req.signature.as_deref());
    assert_eq!(headers.content_digest, None);
    map.append("signature", "sig1=:AA==:".parse().unwrap());
    assert!(matches!(
        SignatureHeaders::from_header_map(&map),
        Err(SigError::Malformed(_))
    ));
}
