//! Several hosted instances of one service on one Postgres database: one identity for all
//! of them, recorded in the database and refused to any other key (`identity`), and local
//! daemons spread over the instances converging through any of them, whichever answers
//! and whichever stops (`spread`). The SQLite half checks only what holds there: one
//! process owns the file, so nothing is shared or recorded.

mod common;
#[path = "instances/identity.rs"]
mod identity;
#[path = "instances/spread.rs"]
mod spread;
