//! The fault-injection suite: real daemons (a hosted one on SQLite and on Postgres, two or
//! three local ones), each local daemon reaching the hosted one through its own seeded proxy
//! (`common::proxy`), writing, editing and deleting while the schedule resets connections,
//! black-holes and refuses them, adds latency, cuts them at random points, and stops and
//! restarts either side. At the end every replica is compared: nothing acknowledged is lost,
//! nothing is duplicated, no acknowledged delete is undone, and all replicas are identical.
//!
//! The schedule follows a seed, printed at the start of each run: re-run one with
//! `BACKEND_8825_FAULTS_SEED=<seed>`. `BACKEND_8825_FAULTS_SOAK=1` runs a long soak instead
//! of the short schedules of the normal suite.

#[path = "faults/catch_up.rs"]
mod catch_up;
mod common;
#[path = "faults/replicas.rs"]
mod replicas;
#[path = "faults/schedule.rs"]
mod schedule;

/// The run's seed: `BACKEND_8825_FAULTS_SEED`, else a fresh one; printed either way.
pub fn seed(test: &str) -> u64 {
    let seed = std::env::var("BACKEND_8825_FAULTS_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(rand::random);
    eprintln!("{test}: seed {seed} (re-run with BACKEND_8825_FAULTS_SEED={seed})");
    seed
}

/// Whether the long soak was asked for.
pub fn soak() -> bool {
    std::env::var("BACKEND_8825_FAULTS_SOAK").is_ok_and(|v| v == "1")
}
