//! The identity: persistence across restarts, keys in the keychain or files, the key id
//! checked independently, PSS signatures.

mod common;

use std::process::Command;

use backend_8825::config::Mode;
use backend_8825::identity::{BackendIdentity, IdentityKey, PublicIdentityKey};
use backend_8825::keychain::KeychainManager;
use base64::Engine;
use common::Db;
use sha2::{Digest, Sha256};

/// The key id computed from the PEM text alone: base64-decode the body, hash the DER.
fn key_id_from_pem(pem: &str) -> String {
    let body: String = pem.lines().filter(|l| !l.starts_with("-----")).collect();
    let der = base64::engine::general_purpose::STANDARD
        .decode(body)
        .unwrap();
    hex::encode(Sha256::digest(&der))
}

#[tokio::test]
async fn key_id_matches_an_independent_hash_of_the_spki() {
    let dir = tempfile::tempdir().unwrap();
    let state = common::state(Mode::Local, dir.path(), &Db::Sqlite).await;
    let doc = state.identity.document();
    assert!(doc.public_key.starts_with("-----BEGIN PUBLIC KEY-----"));
    assert_eq!(doc.key_id.as_str(), key_id_from_pem(&doc.public_key));
    // And with openssl, exactly as the documentation tells users to check it.
    let pem_path = dir.path().join("pub.pem");
    std::fs::write(&pem_path, &doc.public_key).unwrap();
    let out = sh(&format!(
        "openssl pkey -pubin -in '{}' -outform DER | sha256sum",
        pem_path.display()
    ));
    assert_eq!(out.split_whitespace().next().unwrap(), doc.key_id.as_str());
}

/// Runs a shell pipeline that must succeed (openssl is part of every supported system).
fn sh(script: &str) -> String {
    let script = format!("set -o pipefail; {script}");
    let out = Command::new("bash")
        .args(["-c", &script])
        .output()
        .expect("bash runs");
    assert!(
        out.status.success(),
        "{script}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

#[tokio::test]
async fn identity_survives_a_restart_and_differs_per_data_dir() {
    for db in common::databases().await {
        let dir = tempfile::tempdir().unwrap();
        let keychain = common::mock_keychain(dir.path());
        let config = common::config(Mode::Local, dir.path(), &Db::Sqlite);
        let first = backend_8825::app::build_state(config.clone(), keychain.clone())
            .await
            .unwrap();
        let doc = first.identity.document();
        first.store.close().await;
        let again = backend_8825::app::build_state(config, keychain)
            .await
            .unwrap();
        assert_eq!(again.identity.document(), doc);

        let other = tempfile::tempdir().unwrap();
        let elsewhere = common::state(Mode::Local, other.path(), &Db::Sqlite).await;
        assert_ne!(elsewhere.identity.backend_id, doc.backend_id);
        assert_ne!(elsewhere.identity.key_id(), &doc.key_id);

        // The hosted profile persists its backend_id in its own database.
        let hosted_dir = tempfile::tempdir().unwrap();
        let hosted = common::state(Mode::Hosted, hosted_dir.path(), &db).await;
        let hosted_id = hosted.identity.backend_id.clone();
        let reloaded = BackendIdentity::load_or_create(
            &hosted.config,
            hosted.store.as_ref(),
            &hosted.keychain,
        )
        .await
        .unwrap();
        assert_eq!(reloaded.backend_id, hosted_id, "{}", db.name());
        assert_eq!(reloaded.key_id(), hosted.identity.key_id());
    }
}

#[tokio::test]
async fn with_a_keychain_the_key_never_touches_the_disk() {
    let dir = tempfile::tempdir().unwrap();
    let state = common::state(Mode::Local, dir.path(), &Db::Sqlite).await;
    assert!(state.keychain.uses_keychain());
    let secrets = dir.path().join("secrets");
    let files = std::fs::read_dir(&secrets).map(|d| d.count()).unwrap_or(0);
    assert_eq!(files, 0, "no secret file when the keychain works");
    let name = backend_8825::identity::key_secret_name(&state.identity.backend_id);
    let pem = state
        .keychain
        .get(&name)
        .unwrap()
        .expect("key is in the keychain");
    let key = IdentityKey::from_pkcs8_pem(pem.expose()).unwrap();
    assert_eq!(key.key_id(), state.identity.key_id());
}

#[cfg(unix)]
#[tokio::test]
async fn without_a_keychain_the_key_is_an_owner_only_file() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let config = common::config(Mode::Local, dir.path(), &Db::Sqlite);
    let keychain = KeychainManager::files_only(&config.secrets_dir());
    let state = backend_8825::app::build_state(config, keychain)
        .await
        .unwrap();
    let name = backend_8825::identity::key_secret_name(&state.identity.backend_id);
    let path = state.keychain.file_path(&name).unwrap();
    assert_eq!(
        std::fs::metadata(&path).unwrap().permissions().mode() & 0o777,
        0o600
    );
    let pem = std::fs::read_to_string(&path).unwrap();
    assert!(pem.starts_with("-----BEGIN PRIVATE KEY-----"));
}

#[tokio::test]
async fn hosted_uses_the_key_from_the_environment() {
    let key = IdentityKey::generate().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let mut env = common::env_with_home(dir.path());
    env.insert(
        "BACKEND_8825_IDENTITY_KEY".into(),
        key.to_pkcs8_pem().expose().clone(),
    );
    let config = common::config_with_env(Mode::Hosted, dir.path(), &Db::Sqlite, env.clone());
    let state = backend_8825::app::build_state(config, KeychainManager::files_only(dir.path()))
        .await
        .unwrap();
    assert_eq!(state.identity.key_id(), key.key_id());
    assert_eq!(state.identity.document().backend_type, Mode::Hosted);

    env.insert(
        "BACKEND_8825_IDENTITY_KEY".into(),
        "-----BEGIN PRIVATE KEY-----\nnope".into(),
    );
    let config = common::config_with_env(Mode::Hosted, dir.path(), &Db::Sqlite, env);
    let err = backend_8825::app::build_state(config, KeychainManager::files_only(dir.path()))
        .await
        .err()
        .expect("a bad key is refused");
    let text = format!("{err:#}");
    assert!(text.contains("BACKEND_8825_IDENTITY_KEY"), "{text}");
    assert!(!text.contains("nope"), "the secret is not echoed: {text}");
}

#[test]
fn pss_signatures_round_trip_and_reject_tampering() {
    let key = IdentityKey::generate().unwrap();
    let public = PublicIdentityKey::from_pem(key.public().pem()).unwrap();
    assert_eq!(public.key_id(), key.key_id());
    let msg = b"backend-8825 test transcript";
    let sig = key.sign(msg).unwrap();
    assert_eq!(sig.len(), 256, "RSA-2048 signatures are 256 bytes");
    public.verify(msg, &sig).unwrap();
    // PSS is randomised: two signatures differ and both verify.
    let sig2 = key.sign(msg).unwrap();
    assert_ne!(sig, sig2);
    public.verify(msg, &sig2).unwrap();

    assert!(
        public
            .verify(b"backend-8825 test transcripT", &sig)
            .is_err()
    );
    let mut flipped = sig.clone();
    flipped[100] ^= 0x01;
    assert!(public.verify(msg, &flipped).is_err());
    assert!(public.verify(msg, &sig[..255]).is_err());
    let other = IdentityKey::generate().unwrap();
    assert!(
        other.public().verify(msg, &sig).is_err(),
        "another key's signature is refused"
    );
}

#[test]
fn oaep_wraps_a_pair_key_for_its_key_only() {
    let key = IdentityKey::generate().unwrap();
    let other = IdentityKey::generate().unwrap();
    let secret = [0x5au8; 32];
    let public = PublicIdentityKey::from_pem(key.public().pem()).unwrap();
    let wrapped = public.wrap(&secret).unwrap();
    assert_eq!(wrapped.len(), 256);
    assert_eq!(key.unwrap(&wrapped).unwrap().expose().as_slice(), &secret);
    // OAEP is randomised.
    assert_ne!(public.wrap(&secret).unwrap(), wrapped);
    assert!(other.unwrap(&wrapped).is_err(), "another key cannot unwrap");
    let mut flipped = wrapped.clone();
    flipped[17] ^= 0x04;
    assert!(key.unwrap(&flipped).is_err());
    assert!(key.unwrap(&wrapped[..200]).is_err());
}

#[test]
fn malformed_or_weak_public_keys_are_refused() {
    assert!(PublicIdentityKey::from_pem("not a key").is_err());
    assert!(
        PublicIdentityKey::from_pem("-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----")
            .is_err()
    );
    // A 1024-bit key is below the accepted size.
    let pem =
        sh("openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:1024 | openssl pkey -pubout");
    let err = PublicIdentityKey::from_pem(&pem).unwrap_err();
    assert!(err.to_string().contains("1024"), "{err}");
}

/// A key that is certainly gone (the keychain answers without it) may be replaced only
/// while nothing is paired with the identity; once a peer exists, the start refuses.
#[tokio::test]
async fn a_lost_key_is_replaced_only_while_nothing_is_paired() {
    let dir = tempfile::tempdir().unwrap();
    let config = common::config(Mode::Local, dir.path(), &Db::Sqlite);
    let keychain = common::mock_keychain(dir.path());
    let first = backend_8825::app::build_state(config.clone(), keychain.clone())
        .await
        .unwrap();
    let name = backend_8825::identity::key_secret_name(&first.identity.backend_id);
    keychain.delete(&name).unwrap();
    let again = BackendIdentity::load_or_create(&config, first.store.as_ref(), &keychain)
        .await
        .expect("unpaired: a new key");
    assert_eq!(again.backend_id, first.identity.backend_id);
    assert_ne!(again.key_id(), first.identity.key_id());

    let peer = backend_8825::store::Peer {
        peer_id: "p1".into(),
        account_id: "local".into(),
        remote_id: "0".repeat(32),
        remote_key_id: "0".repeat(64),
        remote_public_key: String::new(),
        remote_url: Some("http://127.0.0.1:9".into()),
        status: backend_8825::store::PEER_ACTIVE.into(),
        kid: "0".repeat(32),
        sbt_expires_at: 0,
        created_at: 0,
        updated_at: 0,
    };
    let key = backend_8825::store::PeerKey {
        peer_id: "p1".into(),
        kid: "0".repeat(32),
        key: None,
        sbt: None,
        created_at: 0,
        sbt_expires_at: 0,
        retires_at: None,
    };
    first.store.insert_peer(&peer, &key).await.unwrap();
    keychain.delete(&name).unwrap();
    let err = BackendIdentity::load_or_create(&config, first.store.as_ref(), &keychain)
        .await
        .expect_err("paired: no new key")
        .to_string();
    assert!(err.contains("already has an identity"), "{err}");
    assert!(err.contains("Nothing was changed"), "{err}");
}

/// `identity.max_key_age_days`: off by default; when set, a key older than that is reported
/// (and warned about at start), counted from when the key was first in use; a rotation
/// starts the count again.
#[tokio::test]
async fn an_old_key_is_reported_only_when_an_age_is_set_and_a_rotation_resets_it() {
    use backend_8825::clock::Clock;
    use backend_8825::identity::rotation::check_key_age;
    for db in common::databases().await {
        let name = db.name();
        let mut hosted = common::Daemon::hosted()
            .on(&db)
            .config(|c| c.identity.max_key_age_days = Some(30))
            .start()
            .await;
        let age = |d: &common::Daemon| {
            let (state, now) = (d.state.clone(), d.clock.now_ms());
            async move {
                check_key_age(&state.identity, &state.config, state.store.as_ref(), now)
                    .await
                    .unwrap()
            }
        };
        assert_eq!(age(&hosted).await, None, "{name}");
        hosted.advance(30 * 86_400);
        assert_eq!(age(&hosted).await, None, "{name}: 30 days is not over 30");
        hosted.advance(86_400);
        assert_eq!(age(&hosted).await, Some(31), "{name}");
        hosted.stop().await;
        let clock = hosted.clock.clone();
        backend_8825::cli::rotate_identity(hosted.config(), hosted.keychain(), clock.as_ref())
            .await
            .unwrap();
        hosted.restart().await;
        assert_eq!(age(&hosted).await, None, "{name}: the new key is new");
    }
    // Unset: never reported.
    let local = common::Daemon::local().start().await;
    local.advance(10 * 365 * 86_400);
    let state = &local.state;
    let now = local.now() * 1000;
    let age = check_key_age(&state.identity, &state.config, state.store.as_ref(), now).await;
    assert_eq!(age.unwrap(), None);
}
