//! Rebuilds the crate when a migration is added. `sqlx::migrate!` embeds the files it finds
//! in `migrations/`, but the compiler watches only the files it read, not the folders, so a
//! new file alone would not trigger a rebuild.

fn main() {
    println!("cargo:rerun-if-changed=migrations");
}
