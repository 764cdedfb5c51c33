//! The schema ready to be distributed by account (Citus; docs/modes.md, "Past one Postgres:
//! distributing by account"). Every table of the Postgres migrations is classified here:
//! distributed by account, reference (small, kept whole on every node), or a known gap (grows
//! with users, no `account_id` yet). Every statement of the store on a distributed table
//! filters by its distribution column, unless the allow-list below says why not.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use crate::sql_text::{Statement, statements_of, store_statements};

/// Tables that grow with users, distributed by the column named. The audit tables are
/// distributed by `chain_id`: on the hosted daemon an account's chain is named by its id.
const DISTRIBUTED: &[(&str, &str)] = &[
    ("records", "account_id"),
    ("feed_counters", "account_id"),
    ("peers", "account_id"),
    ("privacy_settings", "account_id"),
    ("e2e_accounts", "account_id"),
    ("e2e_transfers", "account_id"),
    ("telemetry_events", "account_id"),
    ("audit_log", "chain_id"),
    ("audit_heads", "chain_id"),
];

/// Small tables, or tables only a local daemon fills: reference tables on Citus.
const REFERENCE: &[(&str, &str)] = &[
    ("meta", "a few rows written at the first start"),
    (
        "accounts",
        "one row per account, written at sign-up; found by token hash or name, which must \
         stay unique across accounts",
    ),
    (
        "pairing_codes",
        "short-lived; redeemed by the code's hash, before the account is known",
    ),
    ("identity_previous_keys", "this backend's own retired keys"),
    (
        "telemetry_outbox",
        "the local daemon's outbox: empty on the hosted database",
    ),
    (
        "telemetry_outbox_stats",
        "one row, the local daemon's outbox counts",
    ),
];

/// Tables that grow with users and do not carry `account_id` yet: the known gaps
/// (docs/modes.md). Each is keyed by the peer, and the peer's account is learnt from
/// `peers` first.
const GAPS: &[(&str, &str)] = &[
    (
        "peer_keys",
        "keyed by (peer_id, kid); read with the peer on every signed request",
    ),
    (
        "peer_nonces",
        "keyed by (peer_id, nonce); one row per signed request",
    ),
    (
        "sync_cursors",
        "keyed by peer_id; read and written on every sync",
    ),
    (
        "sync_set_aside",
        "keyed by peer_id; retention joins it to records by record_id alone",
    ),
];

/// Statements on a distributed table that do not filter by its column: (file, function, a
/// piece of the statement, why).
const ALLOWED: &[(&str, &str, &str, &str)] = &[
    (
        "records.rs",
        "max_version",
        "SELECT MAX(version) FROM records",
        "the local daemon's clock at start; the hosted daemon does not call it",
    ),
    (
        "peers.rs",
        "peer",
        "FROM peers WHERE peer_id = $1",
        "known gap: the signed-request verifier has only the peer id (from the path)",
    ),
    (
        "peers.rs",
        "peers",
        "FROM peers ORDER BY created_at",
        "every peer: the local daemon's own, and on the hosted daemon the metrics scrape and \
         the alert evaluator (one per database), periodic operator reads",
    ),
    (
        "peers.rs",
        "replace_peer_key",
        "UPDATE peers SET kid",
        "known gap: a renewal, by peer id (rare)",
    ),
    (
        "peers.rs",
        "revoke_peer",
        "UPDATE peers SET status",
        "known gap: a revocation, by peer id (rare)",
    ),
    (
        "peers.rs",
        "active_among",
        "SELECT peer_id FROM peers WHERE status",
        "the hosted hub's sweep of its own sockets, every 5 s, across accounts: one \
         statement per 500 sockets, by peer id (on Citus, one per shard)",
    ),
    (
        "peers.rs",
        "repin_peer_key",
        "UPDATE peers SET remote_key_id",
        "known gap: a key change, by peer id (rare)",
    ),
    (
        "audit.rs",
        "audit_page",
        "FROM audit_log WHERE id < $1",
        "every chain, newest first: the local daemon's one log and the offline `audit` \
         command; GET /audit on the hosted daemon reads one account's chain",
    ),
    (
        "audit.rs",
        "audit_chains",
        "FROM audit_heads ORDER BY chain_id",
        "the list of chains, which retention then goes through one chain at a time",
    ),
    (
        "audit.rs",
        "audit_verify",
        "FROM audit_log WHERE chain_id IS NULL",
        "`backend-8825 audit verify`: an operator's walk over every chain",
    ),
    (
        "audit.rs",
        "audit_verify",
        "FROM audit_heads UNION",
        "`backend-8825 audit verify`: an operator's walk over every chain",
    ),
    (
        "audit.rs",
        "audit_chain_unchained",
        "FROM audit_log WHERE chain_id IS NULL",
        "once, at the first start after the chain was added: entries that have none yet",
    ),
    (
        "audit.rs",
        "audit_chain_unchained",
        "UPDATE audit_log SET chain_id",
        "once, at the first start after the chain was added: entries that have none yet",
    ),
    (
        "telemetry.rs",
        "events",
        "FROM telemetry_events WHERE ($1 IS NULL",
        "every account's events, for `backend-8825 demo`; no route reads it",
    ),
];

/// The hot queries (docs/modes.md): sync push and pull, the feed, conversations, telemetry
/// ingest, an account's peers and audit log. (file, function, a piece of the statement.)
/// Each must still be found, a renamed function would otherwise leave it unchecked, and
/// must filter by its column itself: no allow-list entry excuses it.
const HOT: &[(&str, &str, &str)] = &[
    ("apply.rs", "take_counter", "INSERT INTO feed_counters"),
    (
        "apply.rs",
        "stored_of",
        "SELECT id, version, kind FROM records",
    ),
    ("apply.rs", "push_upsert", "INSERT INTO records"),
    ("apply.rs", "apply_versions", "UPDATE feed_counters"),
    ("apply_pg.rs", "statement", "INSERT INTO feed_counters"),
    ("apply_pg.rs", "statement", "INSERT INTO records"),
    ("records.rs", "record", "FROM records"),
    ("records.rs", "list_records", "FROM records"),
    ("records.rs", "feed_page", "FROM records"),
    ("records.rs", "feed_window", "FROM records"),
    ("records.rs", "feed_window_at_once", "FROM records"),
    ("records.rs", "feed_head", "FROM feed_counters"),
    ("records.rs", "pending_summary", "FROM records"),
    (
        "telemetry.rs",
        "store_events",
        "INSERT INTO telemetry_events",
    ),
    ("telemetry.rs", "event_samples", "FROM telemetry_events"),
    ("privacy.rs", "privacy_settings", "FROM privacy_settings"),
    ("peers.rs", "peers", "FROM peers WHERE"),
    ("audit.rs", "audit_page", "LIMIT $3"),
    ("audit.rs", "append_in", "INSERT INTO audit_log"),
];

fn column_of(table: &str) -> Option<&'static str> {
    DISTRIBUTED
        .iter()
        .find(|(t, _)| *t == table)
        .map(|(_, c)| *c)
}

fn allowed(
    statement: &Statement,
) -> Option<&'static (&'static str, &'static str, &'static str, &'static str)> {
    ALLOWED.iter().find(|(file, function, piece, _)| {
        statement.file == *file && statement.function == *function && statement.sql.contains(piece)
    })
}

/// The statements on a distributed table that do not filter by its column.
fn unfiltered(statements: &[Statement]) -> Vec<&Statement> {
    statements
        .iter()
        .filter(|s| {
            s.tables()
                .iter()
                .filter_map(|t| column_of(t))
                .any(|column| !s.filters_by(column))
        })
        .collect()
}

/// Table -> its columns, from the Postgres migrations (`CREATE TABLE`, `ADD COLUMN`).
fn schema() -> BTreeMap<String, BTreeSet<String>> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("migrations/postgres");
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    let mut tables: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for file in files {
        let text = std::fs::read_to_string(file).unwrap();
        let text: String = text
            .lines()
            .map(|l| l.split("--").next().unwrap())
            .collect::<Vec<_>>()
            .join("\n");
        for part in text.split("CREATE TABLE ").skip(1) {
            let (name, rest) = part.split_once('(').unwrap();
            let body = rest.split(");").next().unwrap();
            let columns = body
                .lines()
                .filter_map(|l| l.split_whitespace().next())
                .filter(|w| w.chars().all(|c| c.is_ascii_lowercase() || c == '_'))
                .map(str::to_string);
            tables
                .entry(name.trim().to_string())
                .or_default()
                .extend(columns);
        }
        for part in text.split("ALTER TABLE ").skip(1) {
            let mut words = part.split_whitespace();
            let table = words.next().unwrap().to_string();
            if let (Some("ADD"), Some("COLUMN"), Some(column)) =
                (words.next(), words.next(), words.next())
            {
                tables.entry(table).or_default().insert(column.to_string());
            }
        }
    }
    tables
}

#[test]
fn every_table_is_classified_and_each_distributed_one_carries_its_column() {
    let schema = schema();
    assert!(
        schema.contains_key("records"),
        "the migrations are read: {schema:?}"
    );
    for (table, columns) in &schema {
        let lists = [
            DISTRIBUTED.iter().any(|(t, _)| t == table),
            REFERENCE.iter().any(|(t, _)| t == table),
            GAPS.iter().any(|(t, _)| t == table),
        ];
        assert_eq!(
            lists.iter().filter(|in_list| **in_list).count(),
            1,
            "{table}: classify it once, as distributed, reference or a known gap (here and \
             in docs/modes.md)"
        );
        if let Some(column) = column_of(table) {
            assert!(
                columns.contains(column),
                "{table} has no {column}: {columns:?}"
            );
        }
        if GAPS.iter().any(|(t, _)| t == table) {
            assert!(
                !columns.contains("account_id"),
                "{table} carries account_id now: move it to DISTRIBUTED"
            );
        }
    }
    let listed = DISTRIBUTED
        .iter()
        .chain(REFERENCE)
        .chain(GAPS)
        .map(|(t, _)| *t);
    for table in listed {
        assert!(
            schema.contains_key(table),
            "{table} is no longer in the migrations"
        );
    }
}

#[test]
fn statements_on_distributed_tables_filter_by_account() {
    let statements = store_statements();
    assert!(
        statements.len() > 50,
        "the store's statements are read: {}",
        statements.len()
    );
    let offending: Vec<String> = unfiltered(&statements)
        .into_iter()
        .filter(|s| allowed(s).is_none())
        .map(|s| format!("{} {}: {}", s.file, s.function, s.sql))
        .collect();
    assert!(
        offending.is_empty(),
        "statements on a distributed table without a filter on its column (filter them, \
         or allow them here with the reason):\n{}",
        offending.join("\n")
    );
    for entry @ (file, function, piece, _) in ALLOWED {
        let used = unfiltered(&statements)
            .into_iter()
            .any(|s| allowed(s) == Some(entry));
        assert!(
            used,
            "allowed but not found unfiltered: {file} {function} {piece}"
        );
    }
}

#[test]
fn the_hot_queries_are_found_and_filter_by_account() {
    let statements = store_statements();
    for (file, function, piece) in HOT {
        let found: Vec<&Statement> = statements
            .iter()
            .filter(|s| s.file == *file && s.function == *function && s.sql.contains(piece))
            .filter(|s| s.tables().iter().any(|t| column_of(t).is_some()))
            .collect();
        assert!(
            !found.is_empty(),
            "{file} {function}: no statement with {piece:?}"
        );
        assert!(
            unfiltered(&statements)
                .iter()
                .all(|u| !found.iter().any(|f| std::ptr::eq(*f, *u))),
            "{file} {function} is a hot query and must filter by account: {found:?}"
        );
    }
}

#[test]
fn a_statement_without_its_filter_is_caught() {
    let source = r#"
        fn record(self) {
            let sql = concat!(cols!(), " WHERE account_id = $1 AND id = $2");
            let gone = concat!(cols!(), " WHERE id = $1");
            let set = "UPDATE records SET account_id = $2 WHERE id = $1";
            let insert = "INSERT INTO records (id, kind) VALUES ($1, $2)";
        }
    "#;
    let source =
        format!("macro_rules! cols {{ () => {{ \"SELECT id FROM records\" }}; }}\n{source}");
    let statements = statements_of("example.rs", &source);
    let caught: Vec<&str> = unfiltered(&statements)
        .iter()
        .map(|s| s.sql.as_str())
        .collect();
    assert_eq!(
        caught,
        [
            "SELECT id FROM records WHERE id = $1",
            "UPDATE records SET account_id = $2 WHERE id = $1",
            "INSERT INTO records (id, kind) VALUES ($1, $2)",
        ]
    );
}
