use std::sync::LazyLock;

use super::*;

/// Two identity keys for the whole module: generating RSA keys is slow, and the keys are not
/// what these tests are about.
static NEW_DEVICE: LazyLock<IdentityKey> = LazyLock::new(|| IdentityKey::generate().unwrap());
static SERVER: LazyLock<IdentityKey> = LazyLock::new(|| IdentityKey::generate().unwrap());

fn keyring() -> Keyring {
    let mut k = Keyring::generate();
    k.rotate();
    k
}

fn same(a: &Keyring, b: &Keyring) -> bool {
    a.keys.len() == b.keys.len()
        && a.keys
            .iter()
            .zip(&b.keys)
            .all(|(x, y)| x.epoch == y.epoch && x.bytes() == y.bytes())
}

#[test]
fn a_keyring_rotates_forward_and_reads_back() {
    let k = keyring();
    assert_eq!(k.current().unwrap().epoch, 2);
    let back = Keyring::from_secret_json(&k.to_secret_json()).unwrap();
    assert!(same(&k, &back));
    assert_eq!(
        Keyring::from_secret_json("[{\"epoch\":1,\"key\":\"short\"}]").unwrap_err(),
        KeyringError::Malformed
    );
}

#[test]
fn the_recovery_code_opens_the_keyring_and_nothing_else_does() {
    let k = keyring();
    let code = new_recovery_code();
    let code = code.expose();
    assert_eq!(normalize_code(code).len(), 32, "160 bits");
    let sealed = seal_for_recovery(&k, code, "acct-1");
    // As typed: lower case, spaces instead of dashes.
    let typed = code.to_lowercase().replace('-', " ");
    assert!(same(
        &open_with_recovery_code(&sealed, &typed, "acct-1").unwrap(),
        &k
    ));
    let other = new_recovery_code();
    assert_eq!(
        open_with_recovery_code(&sealed, other.expose(), "acct-1").unwrap_err(),
        KeyringError::WrongCode
    );
    // Sealed for another account: the server cannot hand one account's envelope to another.
    assert_eq!(
        open_with_recovery_code(&sealed, code, "acct-2").unwrap_err(),
        KeyringError::WrongCode
    );
    assert_eq!(
        open_with_recovery_code("k1.x", code, "acct-1").unwrap_err(),
        KeyringError::Malformed
    );
}

#[test]
fn a_transfer_opens_on_the_new_device_with_the_code_only() {
    let k = keyring();
    let code = new_transfer_code();
    let code = code.expose();
    assert_eq!(normalize_code(code).len(), 16, "80 bits");
    let t = seal_transfer(&k, code, "req-1", NEW_DEVICE.public(), "approver").unwrap();
    let opened = open_transfer(&t, code, "req-1", &NEW_DEVICE, "approver").unwrap();
    assert!(same(&opened, &k));
    // The wrong code, another request, another approver: nothing opens.
    let wrong = new_transfer_code();
    assert_eq!(
        open_transfer(&t, wrong.expose(), "req-1", &NEW_DEVICE, "approver").unwrap_err(),
        KeyringError::WrongCode
    );
    assert_eq!(
        open_transfer(&t, code, "req-2", &NEW_DEVICE, "approver").unwrap_err(),
        KeyringError::WrongCode
    );
    assert_eq!(
        open_transfer(&t, code, "req-1", &NEW_DEVICE, "someone else").unwrap_err(),
        KeyringError::WrongCode
    );
}

#[test]
fn a_server_that_substitutes_the_new_devices_key_learns_w_but_cannot_open_without_the_code() {
    let k = keyring();
    let code = new_transfer_code();
    // The server registered its own key as the new device's: the approving device wraps w to it.
    let t = seal_transfer(&k, code.expose(), "req-1", SERVER.public(), "approver").unwrap();
    // It unwraps w, and guesses a code: no.
    let guess = new_transfer_code();
    assert_eq!(
        open_transfer(&t, guess.expose(), "req-1", &SERVER, "approver").unwrap_err(),
        KeyringError::WrongCode
    );
    // And the real device cannot open what was wrapped to another key: it notices.
    assert_eq!(
        open_transfer(&t, code.expose(), "req-1", &NEW_DEVICE, "approver").unwrap_err(),
        KeyringError::WrongCode
    );
}
