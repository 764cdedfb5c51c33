use super::*;
use crate::handshake::pair_key::PairKey;
use crate::handshake::sbt::{ExpectedBinding, SessionBindingToken};
use crate::handshake::test_vectors as tv;

const NOW: i64 = tv::CREATED + 10;

fn request_key() -> [u8; 32] {
    hex::decode(tv::REQUEST_KEY_HEX)
        .unwrap()
        .try_into()
        .unwrap()
}

fn vector_kid() -> Kid {
    tv::KID.parse().unwrap()
}

/// An owned request that tests can tamper with before verifying it.
#[derive(Clone)]
struct Request {
    method: String,
    authority: String,
    path: String,
    query: String,
    body: Vec<u8>,
    authorization: Option<String>,
    content_digest: Option<String>,
    signature_input: Option<String>,
    signature: Option<String>,
}

fn signed(created: i64, expires: i64, key: &[u8; 32]) -> Request {
    let kid = vector_kid();
    let authorization = format!("SBT {}", tv::SBT_TOKEN);
    let input = SignInput {
        method: tv::METHOD,
        authority: tv::AUTHORITY,
        path: tv::PATH,
        query: tv::QUERY,
        body: tv::BODY,
        authorization: &authorization,
        peer_id: tv::PEER_ID,
        kid: &kid,
        nonce: tv::NONCE,
        created,
        expires,
    };
    let headers = sign_request(&input, key).unwrap();
    Request {
        method: tv::METHOD.into(),
        authority: tv::AUTHORITY.into(),
        path: tv::PATH.into(),
        query: tv::QUERY.into(),
        body: tv::BODY.to_vec(),
        authorization: Some(authorization),
        content_digest: Some(headers.content_digest),
        signature_input: Some(headers.signature_input),
        signature: Some(headers.signature),
    }
}

fn vector_request() -> Request {
    signed(tv::CREATED, tv::EXPIRES, &request_key())
}

fn lookup(peer_id: &str, kid: &Kid) -> Result<[u8; 32], SigError> {
    if peer_id == tv::PEER_ID && kid.as_str() == tv::KID {
        Ok(request_key())
    } else {
        Err(SigError::UnknownKid)
    }
}

fn verify_with(
    req: &Request,
    now: i64,
    key_lookup: impl FnOnce(&str, &Kid) -> Result<[u8; 32], SigError>,
) -> Result<VerifiedSignature, SigError> {
    let input = VerifyInput {
        method: &req.method,
        authority: &req.authority,
        path: &req.path,
        query: &req.query,
        body: &req.body,
        headers: SignatureHeaders {
            content_digest: req.content_digest.as_deref(),
            signature_input: req.signature_input.as_deref(),
            signature: req.signature.as_deref(),
            authorization: req.authorization.as_deref(),
        },
    };
    verify_request(&input, now, DEFAULT_WINDOW_SECS, key_lookup)
}

fn verify(req: &Request) -> Result<VerifiedSignature, SigError> {
    verify_with(req, NOW, lookup)
}

fn malformed(result: Result<VerifiedSignature, SigError>) -> bool {
    matches!(result, Err(SigError::Malformed(_)))
}

#[test]
fn signs_the_published_vector() {
    let derived = PairKey::from_bytes(&hex::decode(tv::PAIR_KEY_HEX).unwrap()).unwrap();
    assert_eq!(derived.request_key(), request_key());
    let req = vector_request();
    assert_eq!(content_digest(tv::BODY), tv::CONTENT_DIGEST);
    assert_eq!(req.content_digest.as_deref(), Some(tv::CONTENT_DIGEST));
    assert_eq!(req.signature_input.as_deref(), Some(tv::SIGNATURE_INPUT));
    assert_eq!(req.signature.as_deref(), Some(tv::SIGNATURE));
}

#[test]
fn the_signature_base_is_the_published_one() {
    let authorization = format!("SBT {}", tv::SBT_TOKEN);
    let parts = [tv::METHOD, tv::AUTHORITY, tv::PATH, tv::QUERY];
    let components = Components::new(parts, tv::CONTENT_DIGEST, &authorization).unwrap();
    let (_, params) = parse_signature_input(tv::SIGNATURE_INPUT).unwrap();
    assert_eq!(components.base(params), tv::SIGNATURE_BASE);
    assert_eq!(
        COMPONENTS_LIST,
        format!("(\"{}\")", COVERED_COMPONENTS.join("\" \""))
    );
}

#[test]
fn verifies_the_published_vector_and_its_token() {
    let verified = verify(&vector_request()).unwrap();
    assert_eq!(verified.peer_id, tv::PEER_ID);
    assert_eq!(verified.kid, vector_kid());
    assert_eq!(verified.nonce, tv::NONCE);
    assert_eq!(
        (verified.created, verified.expires),
        (tv::CREATED, tv::EXPIRES)
    );

    let key = PairKey::from_bytes(&hex::decode(tv::PAIR_KEY_HEX).unwrap()).unwrap();
    let token = vector_request().authorization.unwrap();
    let token = token.strip_prefix("SBT ").unwrap();
    let expected = ExpectedBinding::new(&verified.peer_id, &verified.kid);
    assert!(SessionBindingToken::verify(token, &key, &expected, NOW).is_ok());
}

#[test]
fn round_trips_with_a_fresh_key_an_empty_query_and_an_empty_body() {
    let pair_key = PairKey::generate();
    let kid = Kid::generate();
    let nonce = new_nonce();
    assert_eq!(nonce.len(), 22);
    let input = SignInput {
        method: "GET",
        authority: "127.0.0.1:8825",
        path: "/sync/p1",
        query: "",
        body: b"",
        authorization: "SBT x.y",
        peer_id: "p1",
        kid: &kid,
        nonce: &nonce,
        created: 1_000,
        expires: 1_300,
    };
    let h = sign_request(&input, &pair_key.request_key()).unwrap();
    let headers = SignatureHeaders {
        content_digest: Some(&h.content_digest),
        signature_input: Some(&h.signature_input),
        signature: Some(&h.signature),
        authorization: Some("SBT x.y"),
    };
    let input = VerifyInput {
        method: "GET",
        authority: "127.0.0.1:8825",
        path: "/sync/p1",
        query: "",
        body: b"",
        headers,
    };
    let verified = verify_request(&input, 1_100, DEFAULT_WINDOW_SECS, |peer, k| {
        assert_eq!((peer, k), ("p1", &kid));
        Ok(pair_key.request_key())
    })
    .unwrap();
    assert_eq!(verified.nonce, nonce);
}

#[test]
fn changing_any_covered_component_fails() {
    type Tamper = fn(&mut Request);
    let cases: [(&str, Tamper, SigError); 8] = [
        (
            "method",
            |r| r.method = "PUT".into(),
            SigError::BadSignature,
        ),
        (
            "authority",
            |r| r.authority = "evil.example.com".into(),
            SigError::BadSignature,
        ),
        (
            "path",
            |r| r.path = "/sync/someone-else".into(),
            SigError::BadSignature,
        ),
        (
            "query",
            |r| r.query = "?since=0".into(),
            SigError::BadSignature,
        ),
        (
            "no query",
            |r| r.query = String::new(),
            SigError::BadSignature,
        ),
        (
            "body",
            |r| r.body = br#"{"ops":[1]}"#.to_vec(),
            SigError::BadDigest,
        ),
        (
            "body and digest",
            |r| {
                r.body = br#"{"ops":[1]}"#.to_vec();
                r.content_digest = Some(content_digest(&r.body));
            },
            SigError::BadSignature,
        ),
        (
            "authorization",
            |r| r.authorization = Some("SBT another.token".into()),
            SigError::BadSignature,
        ),
    ];
    for (what, tamper, expected) in cases {
        let mut req = vector_request();
        tamper(&mut req);
        assert_eq!(verify(&req).unwrap_err(), expected, "{what}");
    }
}

#[test]
fn authority_is_compared_lowercased() {
    let mut req = vector_request();
    req.authority = "Sync.EXAMPLE.com".into();
    assert!(verify(&req).is_ok());
}

#[test]
fn created_must_be_within_the_window_either_way() {
    let key = request_key();
    for offset in [-300, -299, 0, 299, 300] {
        let req = signed(NOW + offset, NOW + offset + 600, &key);
        assert!(verify(&req).is_ok(), "offset {offset}");
    }
    for offset in [-301, 301, -86_400] {
        let req = signed(NOW + offset, NOW + offset + 600, &key);
        assert_eq!(
            verify(&req).unwrap_err(),
            SigError::Stale,
            "offset {offset}"
        );
    }
}

#[test]
fn an_expired_signature_is_stale() {
    let key = request_key();
    assert!(verify(&signed(NOW - 10, NOW, &key)).is_ok());
    let err = verify(&signed(NOW - 10, NOW - 1, &key)).unwrap_err();
    assert_eq!((err.clone(), err.code()), (SigError::Stale, "stale"));
}

#[test]
fn a_key_of_another_peer_or_pairing_fails() {
    let other = PairKey::generate().request_key();
    let err = verify_with(&vector_request(), NOW, |_, _| Ok(other)).unwrap_err();
    assert_eq!(err, SigError::BadSignature);
    let err = verify(&signed(tv::CREATED, tv::EXPIRES, &other)).unwrap_err();
    assert_eq!(err, SigError::BadSignature);
}

#[test]
fn key_lookup_errors_are_returned_as_they_are() {
    for lookup_err in [SigError::UnknownKid, SigError::Revoked] {
        let result = verify_with(&vector_request(), NOW, |_, _| Err(lookup_err.clone()));
        assert_eq!(result.unwrap_err(), lookup_err);
    }
    let mut req = vector_request();
    req.signature_input = Some(tv::SIGNATURE_INPUT.replace(tv::KID, &Kid::generate().to_string()));
    assert_eq!(verify(&req).unwrap_err(), SigError::UnknownKid);
}

#[test]
fn codes_and_messages() {
    let codes = [
        (SigError::Malformed("x"), "malformed"),
        (SigError::Stale, "stale"),
        (SigError::Replay, "replay"),
        (SigError::BadDigest, "bad_signature"),
        (SigError::BadSignature, "bad_signature"),
        (SigError::UnknownKid, "unknown_kid"),
        (SigError::Revoked, "revoked"),
        (SigError::SbtExpired, "sbt_expired"),
        (SigError::SbtInvalid, "sbt_invalid"),
    ];
    for (err, code) in codes {
        assert_eq!(err.code(), code);
    }
    assert_eq!(SigError::from(SbtError::Expired), SigError::SbtExpired);
    assert_eq!(SigError::from(SbtError::BadMac), SigError::SbtInvalid);
    let req = vector_request();
    let signature = req.signature.as_deref().unwrap();
    let headers = SignedHeaders {
        content_digest: String::new(),
        signature_input: String::new(),
        signature: signature.into(),
    };
    assert!(!format!("{headers:?}").contains(&signature[6..20]));
}

mod strict;
