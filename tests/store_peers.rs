//! The store contract for peers, pair keys, nonces and the audit trail, on SQLite and
//! Postgres.

mod common;

use std::sync::Arc;

use backend_8825::store::{
    self, Account, AuditEntry, NewPairingCode, PEER_ACTIVE, Peer, PeerKey, Redemption,
    Registration, Store,
};
use common::Db;

const NOW: i64 = 1_800_000_000_000;
const LOCAL_KEY: &str = "1111111111111111111111111111111111111111111111111111111111111111";
const OTHER_KEY: &str = "2222222222222222222222222222222222222222222222222222222222222222";

async fn open(db: &Db, dir: &std::path::Path) -> Arc<dyn Store> {
    store::connect(&db.url(dir), 8)
        .await
        .expect("store connects")
}

async fn account_with_code(
    store: &dyn Store,
    name: &str,
    bound: Option<&str>,
) -> (Account, String) {
    let account = Account {
        id: format!("acct-{name}"),
        name: name.to_string(),
        created_at: NOW,
    };
    store
        .create_account(&account, &format!("token-hash-{name}"))
        .await
        .unwrap();
    let code_hash = format!("code-hash-{name}");
    store
        .create_pairing_code(&NewPairingCode {
            code_hash: code_hash.clone(),
            account_id: account.id.clone(),
            bound_key_id: bound.map(str::to_string),
            created_at: NOW,
            expires_at: NOW + 600_000,
        })
        .await
        .unwrap();
    (account, code_hash)
}

fn peer(peer_id: &str, remote_key_id: &str) -> (Peer, PeerKey) {
    let peer = Peer {
        peer_id: peer_id.to_string(),
        account_id: "ignored: the code decides".to_string(),
        remote_id: "0123456789abcdef0123456789abcdef".to_string(),
        remote_key_id: remote_key_id.to_string(),
        remote_public_key: "-----BEGIN PUBLIC KEY-----".to_string(),
        remote_url: None,
        status: PEER_ACTIVE.to_string(),
        kid: format!("{:0>32}", peer_id.len()),
        sbt_expires_at: NOW / 1000 + 8 * 3600,
        created_at: NOW,
        updated_at: NOW,
    };
    let key = PeerKey {
        peer_id: peer.peer_id.clone(),
        kid: peer.kid.clone(),
        key: Some(vec![7; 32]),
        sbt: None,
        created_at: NOW,
        sbt_expires_at: peer.sbt_expires_at,
        retires_at: None,
    };
    (peer, key)
}

#[tokio::test]
async fn register_peer_consumes_the_code_and_creates_the_peer_for_its_account() {
    for db in common::databases().await {
        let dir = tempfile::tempdir().unwrap();
        let store = open(&db, dir.path()).await;
        let (account, code) = account_with_code(store.as_ref(), "alice", None).await;
        let (p, k) = peer("peer-1", LOCAL_KEY);
        let outcome = store.register_peer(&code, NOW, &p, &k).await.unwrap();
        assert_eq!(
            outcome,
            Registration::Created {
                account_id: account.id.clone()
            },
            "{}",
            db.name()
        );
        let stored = store.peer("peer-1").await.unwrap().expect("peer stored");
        assert_eq!(stored.account_id, account.id);
        assert_eq!(stored.remote_key_id, LOCAL_KEY);
        let key = store.peer_key("peer-1", &p.kid).await.unwrap().unwrap();
        assert_eq!(key.key.as_deref(), Some(&[7u8; 32][..]));
        assert_eq!(store.peers(Some(&account.id)).await.unwrap().len(), 1);
        assert!(store.peers(Some("acct-other")).await.unwrap().is_empty());

        // The code is spent: a second registration writes nothing.
        let (p2, k2) = peer("peer-2", LOCAL_KEY);
        let again = store.register_peer(&code, NOW + 1, &p2, &k2).await.unwrap();
        assert_eq!(again, Registration::Refused(Redemption::AlreadyUsed));
        assert!(store.peer("peer-2").await.unwrap().is_none());
    }
}

#[tokio::test]
async fn refused_registrations_write_nothing() {
    for db in common::databases().await {
        let dir = tempfile::tempdir().unwrap();
        let store = open(&db, dir.path()).await;
        let (_, code) = account_with_code(store.as_ref(), "bob", Some(LOCAL_KEY)).await;
        let (p, k) = peer("peer-x", OTHER_KEY);

        let unknown = store.register_peer("nope", NOW, &p, &k).await.unwrap();
        assert_eq!(unknown, Registration::Refused(Redemption::Unknown));
        let expired = store
            .register_peer(&code, NOW + 600_000, &p, &k)
            .await
            .unwrap();
        assert_eq!(expired, Registration::Refused(Redemption::Expired));
        // Bound to another key: refused, and the code stays usable by the right key.
        let bound = store.register_peer(&code, NOW, &p, &k).await.unwrap();
        assert_eq!(bound, Registration::BoundElsewhere, "{}", db.name());
        assert!(store.peer("peer-x").await.unwrap().is_none());
        let (right, right_key) = peer("peer-y", LOCAL_KEY);
        let ok = store
            .register_peer(&code, NOW, &right, &right_key)
            .await
            .unwrap();
        assert!(matches!(ok, Registration::Created { .. }), "{ok:?}");
    }
}

#[tokio::test]
async fn parallel_registrations_of_one_code_have_exactly_one_winner() {
    for db in common::databases().await {
        let dir = tempfile::tempdir().unwrap();
        let store = open(&db, dir.path()).await;
        let (account, code) = account_with_code(store.as_ref(), "carol", None).await;
        let attempts = (0..20).map(|i| {
            let store = store.clone();
            let code = code.clone();
            tokio::spawn(async move {
                let (p, k) = peer(&format!("peer-{i}"), LOCAL_KEY);
                store.register_peer(&code, NOW, &p, &k).await.unwrap()
            })
        });
        let outcomes = futures_util::future::join_all(attempts).await;
        let created = outcomes
            .iter()
            .filter(|o| matches!(o.as_ref().unwrap(), Registration::Created { .. }))
            .count();
        assert_eq!(created, 1, "{}: {outcomes:?}", db.name());
        assert_eq!(store.peers(Some(&account.id)).await.unwrap().len(), 1);
    }
}

#[tokio::test]
async fn replacing_a_key_retires_the_old_one_and_revoked_peers_cannot() {
    for db in common::databases().await {
        let dir = tempfile::tempdir().unwrap();
        let store = open(&db, dir.path()).await;
        let (p, k) = peer("peer-r", LOCAL_KEY);
        store.insert_peer(&p, &k).await.unwrap();
        let new_key = PeerKey {
            kid: "f".repeat(32),
            sbt_expires_at: k.sbt_expires_at + 3600,
            ..k.clone()
        };
        assert!(
            store
                .replace_peer_key(&new_key, NOW + 300_000, NOW)
                .await
                .unwrap()
        );
        let current = store.peer("peer-r").await.unwrap().unwrap();
        assert_eq!(current.kid, new_key.kid, "{}", db.name());
        assert_eq!(current.sbt_expires_at, new_key.sbt_expires_at);
        let old = store.peer_key("peer-r", &k.kid).await.unwrap().unwrap();
        assert_eq!(old.retires_at, Some(NOW + 300_000));
        let fresh = store
            .peer_key("peer-r", &new_key.kid)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(fresh.retires_at, None);

        assert!(store.revoke_peer("peer-r", NOW).await.unwrap());
        assert!(!store.revoke_peer("no-such-peer", NOW).await.unwrap());
        let third = PeerKey {
            kid: "e".repeat(32),
            ..k.clone()
        };
        assert!(!store.replace_peer_key(&third, NOW, NOW).await.unwrap());
        assert!(
            store
                .peer_key("peer-r", &third.kid)
                .await
                .unwrap()
                .is_none()
        );
        assert_eq!(
            store.peer("peer-r").await.unwrap().unwrap().status,
            "revoked"
        );
    }
}

#[tokio::test]
async fn active_among_names_the_active_peers_of_any_number_asked() {
    for db in common::databases().await {
        let dir = tempfile::tempdir().unwrap();
        let store = open(&db, dir.path()).await;
        // More peers than one statement asks about (500), so the answer spans statements.
        let mut asked = Vec::new();
        for i in 0..1203 {
            let (p, k) = peer(&format!("peer-{i:04}"), LOCAL_KEY);
            store.insert_peer(&p, &k).await.unwrap();
            asked.push(p.peer_id);
        }
        for revoked in ["peer-0007", "peer-0600", "peer-1202"] {
            assert!(store.revoke_peer(revoked, NOW).await.unwrap());
        }
        asked.push("no-such-peer".to_string());
        let active = store.active_among(&asked).await.unwrap();
        assert_eq!(active.len(), 1200, "{}", db.name());
        for absent in ["peer-0007", "peer-0600", "peer-1202", "no-such-peer"] {
            assert!(!active.contains(absent), "{}: {absent}", db.name());
        }
        assert!(active.contains("peer-0000") && active.contains("peer-1201"));
        assert!(store.active_among(&[]).await.unwrap().is_empty());
    }
}

#[tokio::test]
async fn a_nonce_is_accepted_once_per_peer_and_pruned_after_retention() {
    for db in common::databases().await {
        let dir = tempfile::tempdir().unwrap();
        let store = open(&db, dir.path()).await;
        assert!(store.record_nonce("a", "n1", NOW).await.unwrap());
        assert!(
            !store.record_nonce("a", "n1", NOW + 5).await.unwrap(),
            "{}",
            db.name()
        );
        assert!(store.record_nonce("b", "n1", NOW).await.unwrap());
        assert!(store.record_nonce("a", "n2", NOW + 700_000).await.unwrap());
        assert_eq!(store.prune_nonces(NOW + 100_000).await.unwrap(), 2);
        // Pruned nonces are forgotten; kept ones still refuse.
        assert!(!store.record_nonce("a", "n2", NOW + 700_001).await.unwrap());

        // Twenty concurrent uses of one nonce: exactly one is accepted.
        let uses = (0..20).map(|_| {
            let store = store.clone();
            tokio::spawn(async move { store.record_nonce("c", "same", NOW).await.unwrap() })
        });
        let accepted = futures_util::future::join_all(uses)
            .await
            .into_iter()
            .filter(|r| *r.as_ref().unwrap())
            .count();
        assert_eq!(accepted, 1, "{}", db.name());
    }
}

#[tokio::test]
async fn audit_entries_come_back_newest_first() {
    for db in common::databases().await {
        let dir = tempfile::tempdir().unwrap();
        let store = open(&db, dir.path()).await;
        for (i, outcome) in ["ok", "refused", "ok"].iter().enumerate() {
            let entry = AuditEntry {
                chain: "local".into(),
                at: NOW + i as i64,
                event: "register_peer".into(),
                outcome: outcome.to_string(),
                peer_id: Some(format!("p{i}")),
                account_id: None,
                ip: Some("127.0.0.1".into()),
                detail: (*outcome == "refused").then(|| "pairing_code_used".to_string()),
                count: 1,
            };
            store.append_audit(&entry).await.unwrap();
        }
        let entries = store.audit_entries(2).await.unwrap();
        assert_eq!(entries.len(), 2, "{}", db.name());
        assert_eq!(entries[0].peer_id.as_deref(), Some("p2"));
        assert_eq!(entries[1].detail.as_deref(), Some("pairing_code_used"));
        // One chain, linked in order.
        assert_eq!(entries[0].seq, Some(3));
        assert_eq!(entries[0].prev_hash, entries[1].hash);
        assert!(entries.iter().all(|e| e.hash_matches()));
    }
}
