//! The client core's errors: each failure a typed kind with the user's words, never a panic.

use std::sync::Arc;

use backend_8825::client::{Client, ClientError, ClientOptions};

use crate::common::{self, hosted_with_account};
use crate::support::{LockedKeyStore, MemoryKeyStore, open, pairing_code};

#[tokio::test]
async fn bad_input_and_missing_things_are_typed_errors() {
    let (hosted, token) = hosted_with_account(&common::Db::Sqlite).await;
    let dir = tempfile::tempdir().unwrap();
    let client = open(dir.path(), Arc::new(MemoryKeyStore::default()), &hosted).await;

    assert!(matches!(
        client.sync_now().await,
        Err(ClientError::NotPaired { .. })
    ));
    assert!(matches!(
        client.revoke().await,
        Err(ClientError::NotPaired { .. })
    ));
    let missing = client
        .get_conversation("0190d5f0-0000-7000-8000-000000000000")
        .await;
    assert!(
        matches!(missing, Err(ClientError::NotFound { .. })),
        "{missing:?}"
    );
    let conv = client.create_conversation("x").await.unwrap();
    let err = client
        .create_message(&conv.id, "robot", "hi")
        .await
        .unwrap_err();
    assert!(matches!(err, ClientError::InvalidInput { .. }), "{err:?}");
    assert!(err.to_string().contains("role"), "{err}");
    let err = client.create_conversation("nul \0 here").await.unwrap_err();
    assert!(matches!(err, ClientError::InvalidInput { .. }), "{err:?}");
    let err = client.list_conversations(Some(0), None).await.unwrap_err();
    assert!(matches!(err, ClientError::InvalidInput { .. }), "{err:?}");

    // A spent code is the hosted backend's refusal; a closed port is unreachable.
    let code = pairing_code(&hosted, &token).await;
    client.pair(&hosted.base(), &code, None).await.unwrap();
    let other = tempfile::tempdir().unwrap();
    let again = open(other.path(), Arc::new(MemoryKeyStore::default()), &hosted).await;
    let err = again.pair(&hosted.base(), &code, None).await.unwrap_err();
    assert!(matches!(err, ClientError::Refused { .. }), "{err:?}");
    let closed = closed_port();
    let err = again
        .pair(&format!("http://127.0.0.1:{closed}"), "abc", None)
        .await
        .unwrap_err();
    assert!(matches!(err, ClientError::Unreachable { .. }), "{err:?}");
    let err = again
        .pair(&hosted.base(), "abc", Some("not-a-key-id"))
        .await
        .unwrap_err();
    assert!(matches!(err, ClientError::InvalidInput { .. }), "{err:?}");
    let code = pairing_code(&hosted, &token).await;
    let wrong = "0".repeat(64);
    let err = again
        .pair(&hosted.base(), &code, Some(&wrong))
        .await
        .unwrap_err();
    assert!(matches!(err, ClientError::Conflict { .. }), "{err:?}");

    // Paused: sync refuses, writes still go in, and flow on resume.
    client.pause().await.unwrap();
    assert!(client.status().await.unwrap().paused);
    assert!(matches!(
        client.sync_now().await,
        Err(ClientError::Paused { .. })
    ));
    client.resume().await.unwrap();
    let done = client.sync_now().await.unwrap();
    assert_eq!(done[0].outcome.as_ref().unwrap().pushed, 1);
}

#[tokio::test]
async fn one_client_per_data_dir_and_a_locked_key_store_is_said() {
    let (hosted, _) = hosted_with_account(&common::Db::Sqlite).await;
    let dir = tempfile::tempdir().unwrap();
    let keys = Arc::new(MemoryKeyStore::default());
    let client = open(dir.path(), keys.clone(), &hosted).await;
    let second = Client::open(ClientOptions::new(dir.path())).await;
    assert!(
        matches!(second, Err(ClientError::AlreadyOpen { .. })),
        "{:?}",
        second.err()
    );
    let backend_id = client.identity().backend_id;
    client.close().await;
    // Closed: the data dir opens again, with the same identity.
    let reopened = open(dir.path(), keys, &hosted).await;
    assert_eq!(reopened.identity().backend_id, backend_id);
    reopened.close().await;

    let other = tempfile::tempdir().unwrap();
    let locked = Client::open(ClientOptions::new(other.path()).key_store(Arc::new(LockedKeyStore)));
    let err = locked
        .await
        .err()
        .expect("a locked key store stops the open");
    assert!(matches!(err, ClientError::KeyStore { .. }), "{err:?}");
    assert!(err.to_string().contains("the device is locked"), "{err}");
    // The advice is the app's, not a desktop's.
    assert!(!err.to_string().contains("desktop session"), "{err}");
}

/// A loopback port nothing listens on.
fn closed_port() -> u16 {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    listener.local_addr().unwrap().port()
}
