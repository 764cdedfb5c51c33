use rand::rngs::StdRng;
use rand::{RngExt, SeedableRng};

use super::*;
use crate::store::{KIND_CONVERSATION, KIND_MESSAGE};

fn key(epoch: u32) -> AccountKey {
    AccountKey::new(epoch, [7u8; 32])
}

fn message() -> Record {
    Record {
        kind: KIND_MESSAGE.into(),
        id: "0196f5a0-7c1e-7d33-9d5b-8a1f2e3c4d5e".into(),
        conversation_id: Some("0196f5a0-7c1e-7d33-9d5b-000000000001".into()),
        title: None,
        role: Some("user".into()),
        content: None,
        created_at: 1_800_000_000_000,
        updated_at: 1_800_000_000_000,
        deleted: false,
        version: "001800000000000-000000-0123456789abcdef0123456789abcdef".into(),
        source_backend: "0123456789abcdef0123456789abcdef".into(),
        seq: 0,
        e2e: None,
        origin_peer: None,
    }
}

#[test]
fn a_sealed_field_opens_for_its_record_and_nothing_else() {
    let k = key(1);
    let record = message();
    let envelope = seal(&k, &record, Field::Content, "meet at noon");
    assert_eq!(
        open(std::slice::from_ref(&k), &record, Field::Content, &envelope),
        Ok("meet at noon".into())
    );
    // Each piece of metadata the server could change, changed: none opens.
    let tampered: Vec<(&str, Record)> = vec![
        (
            "another id",
            Record {
                id: "0196f5a0-7c1e-7d33-9d5b-ffffffffffff".into(),
                ..record.clone()
            },
        ),
        (
            "another conversation",
            Record {
                conversation_id: Some("0196f5a0-7c1e-7d33-9d5b-000000000002".into()),
                ..record.clone()
            },
        ),
        (
            "a newer version",
            Record {
                version: "001800000000001-000000-0123456789abcdef0123456789abcdef".into(),
                ..record.clone()
            },
        ),
        (
            "deleted",
            Record {
                deleted: true,
                ..record.clone()
            },
        ),
        (
            "another source",
            Record {
                source_backend: "fedcba9876543210fedcba9876543210".into(),
                ..record.clone()
            },
        ),
        (
            "another role",
            Record {
                role: Some("assistant".into()),
                ..record.clone()
            },
        ),
        (
            "another time",
            Record {
                updated_at: record.updated_at + 1,
                ..record.clone()
            },
        ),
        (
            "another kind",
            Record {
                kind: KIND_CONVERSATION.into(),
                ..record.clone()
            },
        ),
    ];
    for (what, other) in tampered {
        assert_eq!(
            open(std::slice::from_ref(&k), &other, Field::Content, &envelope),
            Err(EnvelopeError::Forged),
            "{what}"
        );
    }
    // Another field of the same record: a content cannot pass for a title or a tombstone.
    for field in [Field::Title, Field::Tombstone] {
        assert_eq!(
            open(std::slice::from_ref(&k), &record, field, &envelope),
            Err(EnvelopeError::Forged)
        );
    }
    // Another key of the same epoch.
    let stranger = AccountKey::new(1, [8u8; 32]);
    assert_eq!(
        open(&[stranger], &record, Field::Content, &envelope),
        Err(EnvelopeError::Forged)
    );
    // An epoch the device does not hold.
    assert_eq!(
        open(&[key(2)], &record, Field::Content, &envelope),
        Err(EnvelopeError::UnknownEpoch(1))
    );
}

#[test]
fn a_changed_byte_anywhere_is_refused() {
    let k = key(3);
    let record = message();
    let envelope = seal(&k, &record, Field::Content, "x");
    let (head, body) = envelope.rsplit_once('.').unwrap();
    let mut bytes = URL_SAFE_NO_PAD.decode(body).unwrap();
    for at in [0, bytes.len() / 2, bytes.len() - 1] {
        bytes[at] ^= 1;
        let changed = format!("{head}.{}", URL_SAFE_NO_PAD.encode(&bytes));
        assert_eq!(
            open(std::slice::from_ref(&k), &record, Field::Content, &changed),
            Err(EnvelopeError::Forged)
        );
        bytes[at] ^= 1;
    }
    // An epoch rewritten in the clear is bound too.
    let relabelled = envelope.replacen("v1.3.", "v1.4.", 1);
    assert_eq!(
        open(
            &[k.clone(), AccountKey::new(4, [7u8; 32])],
            &record,
            Field::Content,
            &relabelled
        ),
        Err(EnvelopeError::Forged)
    );
    for junk in [
        "",
        "v1",
        "v2.3.a.b",
        "v1.x.a.b",
        "v1.3.!!.b",
        "v1.3.AAAA.b",
        "v1.3.a.b.c",
    ] {
        assert!(
            matches!(
                open(std::slice::from_ref(&k), &record, Field::Content, junk),
                Err(EnvelopeError::Malformed(_))
            ),
            "{junk:?}"
        );
    }
}

#[test]
fn lengths_are_padded_to_256_bytes() {
    let k = key(1);
    let record = message();
    let length = |text: &str| {
        let e = seal(&k, &record, Field::Content, text);
        URL_SAFE_NO_PAD
            .decode(e.rsplit_once('.').unwrap().1)
            .unwrap()
            .len()
            - TAG_LEN
    };
    assert_eq!(length(""), 256);
    assert_eq!(length("hi"), 256);
    assert_eq!(length(&"a".repeat(255)), 256);
    assert_eq!(length(&"a".repeat(256)), 512);
    assert_eq!(
        open(
            std::slice::from_ref(&k),
            &record,
            Field::Content,
            &seal(&k, &record, Field::Content, "")
        ),
        Ok(String::new())
    );
}

#[test]
fn two_seals_of_the_same_text_differ() {
    let k = key(1);
    let record = message();
    assert_ne!(
        seal(&k, &record, Field::Content, "same"),
        seal(&k, &record, Field::Content, "same")
    );
}

#[test]
fn the_key_id_is_stable_and_says_nothing_of_the_key() {
    let k = key(1);
    assert_eq!(k.key_id().len(), 32);
    assert_eq!(
        k.key_id(),
        AccountKey::new(9, [7u8; 32]).key_id(),
        "depends on the key alone"
    );
    assert_ne!(k.key_id(), AccountKey::new(1, [8u8; 32]).key_id());
    assert!(
        !format!("{k:?}").contains("7, 7"),
        "Debug never shows the key"
    );
}

/// The test vector of docs/e2e.md: a fixed key, record and nonce give this envelope.
#[test]
fn the_documented_test_vector() {
    let k = AccountKey::new(1, std::array::from_fn(|i| i as u8));
    let record = message();
    let nonce = std::array::from_fn(|i| (0xa0 + i) as u8);
    let envelope = seal_with_nonce(&k, &record, Field::Content, "hello", nonce);
    assert_eq!(k.key_id(), VECTOR_KEY_ID);
    assert_eq!(envelope, VECTOR_ENVELOPE);
    assert_eq!(
        open(&[k], &record, Field::Content, &envelope),
        Ok("hello".into())
    );
}

const VECTOR_KEY_ID: &str = "bb03e97179896897383abeecee5c563f";
const VECTOR_ENVELOPE: &str = "v1.1.oKGio6SlpqeoqaqrrK2ur7CxsrO0tba3.TWOP5oXeQZFFhmpQFXMMdq2mL6bf33-9BaPRRMU9zH8E0xz1vNjieiG8Jpw1fn4RPvQWo5HmNlsZVwp08-jjV5QBSMNUnq0OJr4LMAS0kvIbSkdGLZ1diiiKPWdl4eESAzKhsm0EtckLDbgohH3plP-8USs6t94qdPqZByuj6NlXdZ5UyWSkISXyhWw705zu94VgjdToNwrUPdLXLTQLf0kg8fWA_7c0naleiYJKUqjHU0bMe3SreMLQtwkZ1MmsvFXg411PfYBU5icSYfgF0JyUJftktMtGdpTUHxe5SpU7HwK966SGY9L2c1hivcBM0Np8nWc5KysYKk8QIilOUrm1w-SK2dtpwesY8dbKEas";

/// Property: over random records, fields, epochs and texts, a seal opens for exactly its own
/// record and field, and for no record that differs in any bound value.
#[test]
fn property_a_seal_opens_exactly_where_it_was_made() {
    let mut rng = StdRng::seed_from_u64(8825);
    for case in 0..300 {
        let k = AccountKey::new(rng.random_range(1..5), rng.random());
        let mut record = message();
        record.id = format!("0196f5a0-7c1e-7d33-9d5b-{:012x}", rng.random::<u32>());
        record.deleted = rng.random_bool(0.2);
        record.updated_at += rng.random_range(0..1_000_000);
        let field = Field::of(&record);
        let len = rng.random_range(0..600);
        let text: String = (0..len).map(|_| rng.random_range('a'..='z')).collect();
        let text = if field == Field::Tombstone {
            String::new()
        } else {
            text
        };
        let envelope = seal(&k, &record, field, &text);
        assert_eq!(
            open(std::slice::from_ref(&k), &record, field, &envelope),
            Ok(text.clone()),
            "case {case}"
        );
        let mut other = record.clone();
        match rng.random_range(0..5) {
            0 => other.id.push('0'),
            1 => other.version.push('0'),
            2 => other.deleted = !other.deleted,
            3 => other.created_at -= 1,
            _ => other.source_backend.push('0'),
        }
        assert_eq!(
            open(std::slice::from_ref(&k), &other, field, &envelope),
            Err(EnvelopeError::Forged),
            "case {case}"
        );
    }
}
