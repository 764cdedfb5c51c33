//! Several hosted instances of one service on one Postgres database, as a load balancer
//! would have them (docs/modes.md, "Several hosted instances on one Postgres"): the first
//! with the account "alice", every other given its identity key. And what a daemon's
//! conversation list holds, to compare replicas by.

use backend_8825::config::Config;

use super::{Daemon, Db, account};

/// `n` hosted instances on `db` (a Postgres database), each signed in as "alice"; and her
/// token.
pub async fn instances(db: &Db, n: usize) -> (Vec<Daemon>, String) {
    instances_with(db, n, |_| {}).await
}

/// [`instances`], each with `edit` made to its configuration.
pub async fn instances_with(
    db: &Db,
    n: usize,
    edit: impl Fn(&mut Config) + Clone + Send + 'static,
) -> (Vec<Daemon>, String) {
    let mut first = Daemon::hosted().on(db).config(edit.clone()).start().await;
    let token = account(&first, "alice").await;
    first.bearer = token.clone();
    let mut all = vec![first];
    for _ in 1..n {
        let builder = Daemon::hosted().instance_of(&all[0]);
        let mut next = builder.config(edit.clone()).start().await;
        next.bearer = token.clone();
        all.push(next);
    }
    (all, token)
}

/// The titles of the conversations `daemon` lists to its bearer (duplicates kept), sorted.
pub async fn titles(daemon: &Daemon) -> Vec<String> {
    let (status, page) = daemon.get("/api/conversations?limit=200").await;
    assert_eq!(status, 200, "{page}");
    let mut titles: Vec<String> = page["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|c| c["title"].as_str().map(str::to_string))
        .collect();
    titles.sort();
    titles
}
