//! The UniFFI bindings generator, built from the same uniffi version as the library
//! (`--features cli`); scripts/sdk-test.sh runs it.

fn main() {
    uniffi::uniffi_bindgen_main()
}
