//! One identity for every hosted instance on one Postgres database: the first start records
//! its key id, an instance with the same key presents the same identity, one with another
//! key (or with none) is refused at start and told what to do, and a rotation moves the
//! record to the new key while the old one keeps vouching for it.

use std::path::Path;

use backend_8825::app::build_state;
use backend_8825::cli::rotate_identity;
use backend_8825::config::Mode;
use backend_8825::identity::{IdentityKey, META_IDENTITY_KEY_ID};

use crate::common::{self, Daemon, Db, binary};

const KEY_VAR: &str = "BACKEND_8825_IDENTITY_KEY";

/// A hosted instance on `db` whose key is `key`, given in the environment.
async fn with_key(db: &Db, key: &IdentityKey) -> Daemon {
    let pem = key.to_pkcs8_pem();
    Daemon::hosted()
        .on(db)
        .env(KEY_VAR, pem.expose())
        .start()
        .await
}

/// Starts (builds the state of) a hosted instance on `db` in `dir` with `key` in the
/// environment, or none: the error it is refused with, if it is.
async fn refusal(db: &Db, dir: &Path, key: Option<&IdentityKey>) -> Option<String> {
    let mut env = common::env_with_home(dir);
    if let Some(key) = key {
        env.insert(KEY_VAR.into(), key.to_pkcs8_pem().expose().clone());
    }
    let config = common::config_with_env(Mode::Hosted, dir, db, env);
    let built = build_state(config, common::mock_keychain(dir)).await;
    built.err().map(|err| format!("{err:#}"))
}

/// The key id the database records, read as an operator would.
async fn recorded(daemon: &Daemon) -> Option<String> {
    let store = &daemon.state.store;
    store.meta_get(META_IDENTITY_KEY_ID).await.unwrap()
}

/// What every refusal must tell the operator to do.
fn says_what_to_do(text: &str) {
    assert!(text.contains("same BACKEND_8825_IDENTITY_KEY"), "{text}");
    assert!(text.contains("backend-8825 identity rotate"), "{text}");
    assert!(text.contains("Nothing was changed"), "{text}");
    assert!(!text.contains("PRIVATE KEY"), "no key material: {text}");
}

#[tokio::test]
async fn instances_given_one_key_present_one_identity() {
    let key = IdentityKey::generate().unwrap();
    for db in common::databases().await {
        let one = with_key(&db, &key).await;
        if let Db::Sqlite = db {
            // One process owns a SQLite file: there is no service key to record.
            assert_eq!(recorded(&one).await, None);
            continue;
        }
        let two = with_key(&db, &key).await;
        let (_, first) = one.get("/identity").await;
        let (_, second) = two.get("/identity").await;
        assert_eq!(first["key_id"], key.key_id().as_str());
        assert_eq!(second["key_id"], first["key_id"]);
        assert_eq!(second["backend_id"], first["backend_id"]);
        assert_eq!(second["public_key"], first["public_key"]);
        assert_eq!(recorded(&two).await.unwrap(), key.key_id().as_str());
    }
}

#[tokio::test]
async fn an_instance_with_another_key_is_refused_at_start() {
    let (key, other) = (
        IdentityKey::generate().unwrap(),
        IdentityKey::generate().unwrap(),
    );
    for db in common::databases().await {
        let Db::Postgres(_) = db else { continue };
        let one = with_key(&db, &key).await;
        let dir = tempfile::tempdir().unwrap();
        let text = refusal(&db, dir.path(), Some(&other))
            .await
            .expect("another key is refused");
        assert!(
            text.contains(key.key_id().as_str()),
            "the recorded key: {text}"
        );
        assert!(
            text.contains(other.key_id().as_str()),
            "its own key: {text}"
        );
        assert!(text.contains("from BACKEND_8825_IDENTITY_KEY"), "{text}");
        says_what_to_do(&text);
        // Refused, it changed nothing: the record stands, the first instance serves on.
        assert_eq!(recorded(&one).await.unwrap(), key.key_id().as_str());
        let (_, doc) = one.get("/identity").await;
        assert_eq!(doc["key_id"], key.key_id().as_str());
    }
}

/// The real binary, given no key, on a database that records one: it exits before it
/// listens, saying why, and makes no key of its own.
#[tokio::test]
async fn an_instance_without_a_key_is_refused_where_one_is_recorded() {
    let key = IdentityKey::generate().unwrap();
    for db in common::databases().await {
        let Db::Postgres(url) = &db else { continue };
        let one = with_key(&db, &key).await;
        let home = tempfile::tempdir().unwrap();
        let data = home.path().join("data");
        let out = binary::hosted_serve(home.path(), &data, url)
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{stderr}");
        assert!(!stderr.contains("listening on"), "{stderr}");
        assert!(stderr.contains(key.key_id().as_str()), "{stderr}");
        assert!(stderr.contains("this instance has no key"), "{stderr}");
        assert!(
            stderr.contains(&one.id()),
            "the backend it would join: {stderr}"
        );
        says_what_to_do(&stderr);
        let secrets = std::fs::read_dir(data.join("secrets")).map(|d| d.count());
        assert_eq!(secrets.unwrap_or(0), 0, "no key was made");
        assert_eq!(recorded(&one).await.unwrap(), key.key_id().as_str());
    }
}

/// With no key given anywhere, the first instance on an empty database keeps today's way
/// (it makes a key, with a warning) and records it; of two starting at once, one identity
/// wins and the other is refused.
#[tokio::test]
async fn of_two_first_starts_without_a_key_one_identity_wins() {
    for db in common::databases().await {
        let Db::Postgres(_) = db else { continue };
        let (a, b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
        let (first, second) = tokio::join!(
            build_state(
                common::config(Mode::Hosted, a.path(), &db),
                common::mock_keychain(a.path())
            ),
            build_state(
                common::config(Mode::Hosted, b.path(), &db),
                common::mock_keychain(b.path())
            ),
        );
        let (won, lost) = match (first, second) {
            (Ok(won), Err(lost)) | (Err(lost), Ok(won)) => (won, format!("{lost:#}")),
            (Ok(_), Ok(_)) => panic!("two keys under one backend_id were both taken"),
            (Err(a), Err(b)) => panic!("both refused: {a:#} / {b:#}"),
        };
        let key_id = won.identity.key_id().as_str();
        let stored = won.store.meta_get(META_IDENTITY_KEY_ID).await.unwrap();
        assert_eq!(stored.as_deref(), Some(key_id));
        assert!(lost.contains(key_id), "{lost}");
        says_what_to_do(&lost);
    }
}

/// `identity rotate` on one instance (its key in identity.key_file) records the new key:
/// an instance still given the old one is told it was rotated out, one given the new key
/// starts and vouches for it with the old key's statement, as after any rotation.
#[tokio::test]
async fn a_rotation_moves_the_record_and_the_old_key_is_refused() {
    let old = IdentityKey::generate().unwrap();
    for db in common::databases().await {
        let Db::Postgres(_) = db else { continue };
        let files = tempfile::tempdir().unwrap();
        let key_file = files.path().join("identity.pem");
        std::fs::write(&key_file, old.to_pkcs8_pem().expose()).unwrap();
        let path = key_file.clone();
        let mut one = Daemon::hosted()
            .on(&db)
            .config(move |c| c.identity.key_file = Some(path))
            .start()
            .await;
        let mut two = with_key(&db, &old).await;
        assert_eq!(recorded(&one).await.unwrap(), old.key_id().as_str());

        one.stop().await;
        two.stop().await;
        let rotation = rotate_identity(one.config(), one.keychain(), one.clock.as_ref())
            .await
            .expect("the key rotates");
        let new = IdentityKey::from_pkcs8_pem(&std::fs::read_to_string(&key_file).unwrap());
        let new = new.unwrap();
        assert_eq!(&rotation.new_key_id, new.key_id());

        let dir = tempfile::tempdir().unwrap();
        let text = refusal(&db, dir.path(), Some(&old))
            .await
            .expect("the rotated-out key is refused");
        assert!(text.contains("was replaced by the key"), "{text}");
        assert!(text.contains(old.key_id().as_str()), "{text}");
        assert!(text.contains(new.key_id().as_str()), "{text}");
        says_what_to_do(&text);

        one.restart().await;
        let three = with_key(&db, &new).await;
        assert_eq!(recorded(&three).await.unwrap(), new.key_id().as_str());
        for instance in [&one, &three] {
            let (_, doc) = instance.get("/identity").await;
            assert_eq!(doc["key_id"], new.key_id().as_str());
            assert_eq!(doc["previous_keys"][0]["key_id"], old.key_id().as_str());
            let change = &doc["previous_keys"][0]["key_change"];
            assert_eq!(change["new_key_id"], new.key_id().as_str());
        }
    }
}
