//! The import rule of docs/architecture.md, checked on the source: infrastructure never
//! depends on a capability, no capability depends on the code that assembles the daemon,
//! and no two modules of `src/` depend on each other in a circle. Run it alone with
//! `cargo test --test architecture`. The `distribution` module checks the schema and the
//! store's statements against distributing the database by account.

#[path = "architecture/distribution.rs"]
mod distribution;
#[path = "architecture/sql_text.rs"]
mod sql_text;

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// Shared by everything; depends on nothing above it.
const INFRASTRUCTURE: &[&str] = &[
    "clock",
    "config",
    "error",
    "humanize",
    "identity",
    "keychain",
    "logging",
    "resilience",
    "secret",
    "state",
    "store",
];
/// What the daemon does; each depends on infrastructure and on capabilities below it.
const CAPABILITIES: &[&str] = &[
    "accounts",
    "advisor",
    "e2e",
    "handshake",
    "health",
    "local_api",
    "network",
    "observability",
    "peers",
    "privacy",
    "retention",
    "security",
    "service",
    "sync",
    "telemetry",
    "ui",
];
/// What assembles and runs the daemon; may depend on anything.
const COMPOSITION: &[&str] = &["app", "cli", "client", "demo", "lock", "router"];

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The top-level modules a source text names through `crate::`.
fn referenced_modules(text: &str) -> BTreeSet<String> {
    let mut found = BTreeSet::new();
    let mut rest = text;
    while let Some(at) = rest.find("crate::") {
        rest = &rest[at + "crate::".len()..];
        if let Some(group) = rest.strip_prefix('{') {
            // `use crate::{a, b::c, d::{e, f}}`: the first name of each top-level item.
            let mut depth = 0;
            let mut item_start = true;
            for (i, c) in group.char_indices() {
                match c {
                    '{' => depth += 1,
                    '}' if depth == 0 => {
                        rest = &group[i..];
                        break;
                    }
                    '}' => depth -= 1,
                    ',' if depth == 0 => item_start = true,
                    c if item_start && (c.is_ascii_alphabetic() || c == '_') => {
                        let name: String = group[i..]
                            .chars()
                            .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                            .collect();
                        found.insert(name);
                        item_start = false;
                    }
                    _ => {}
                }
            }
        } else {
            let name: String = rest
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                .collect();
            if !name.is_empty() {
                found.insert(name);
            }
        }
    }
    found
}

/// Module -> the other modules it names, over every file of `src/` (the binaries aside).
fn module_graph() -> BTreeMap<String, BTreeSet<String>> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    let mut graph: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for file in files {
        let relative = file.strip_prefix(&src).unwrap();
        let first = relative
            .components()
            .next()
            .unwrap()
            .as_os_str()
            .to_string_lossy();
        let module = first.trim_end_matches(".rs").to_string();
        if ["bin", "main", "lib"].contains(&module.as_str()) {
            continue;
        }
        // Comments may name modules without importing them.
        let text: String = std::fs::read_to_string(&file)
            .unwrap()
            .lines()
            .filter(|line| !line.trim_start().starts_with("//"))
            .collect::<Vec<_>>()
            .join("\n");
        let deps = graph.entry(module.clone()).or_default();
        deps.extend(
            referenced_modules(&text)
                .into_iter()
                .filter(|m| *m != module),
        );
    }
    graph
}

#[test]
fn every_module_has_a_layer() {
    for module in module_graph().keys() {
        let known = [INFRASTRUCTURE, CAPABILITIES, COMPOSITION]
            .iter()
            .any(|layer| layer.contains(&module.as_str()));
        assert!(
            known,
            "src/{module} is in no layer: add it to docs/architecture.md and here"
        );
    }
}

#[test]
fn infrastructure_depends_on_no_capability_and_capabilities_not_on_the_assembly() {
    for (module, deps) in module_graph() {
        for dep in &deps {
            if INFRASTRUCTURE.contains(&module.as_str()) {
                assert!(
                    INFRASTRUCTURE.contains(&dep.as_str()),
                    "infrastructure module {module} imports {dep}"
                );
            }
            if CAPABILITIES.contains(&module.as_str()) {
                assert!(
                    !COMPOSITION.contains(&dep.as_str()),
                    "capability {module} imports {dep}, which assembles the daemon"
                );
            }
        }
    }
}

#[test]
fn no_modules_import_each_other_in_a_circle() {
    let graph = module_graph();
    // Depth-first search; a node met again while on the path closes a circle.
    fn visit(
        node: &str,
        graph: &BTreeMap<String, BTreeSet<String>>,
        path: &mut Vec<String>,
        done: &mut BTreeSet<String>,
    ) {
        if let Some(at) = path.iter().position(|n| n == node) {
            let mut circle = path[at..].to_vec();
            circle.push(node.to_string());
            panic!("import circle: {}", circle.join(" -> "));
        }
        if done.contains(node) {
            return;
        }
        path.push(node.to_string());
        for next in graph.get(node).into_iter().flatten() {
            visit(next, graph, path, done);
        }
        path.pop();
        done.insert(node.to_string());
    }
    let mut done = BTreeSet::new();
    for node in graph.keys() {
        visit(node, &graph, &mut Vec::new(), &mut done);
    }
}

#[test]
fn the_reader_sees_grouped_and_plain_imports() {
    let text = "use crate::{app::x, store::{A, B}, peers};\nlet y = crate::sync::now();";
    let found: Vec<String> = referenced_modules(text).into_iter().collect();
    assert_eq!(found, ["app", "peers", "store", "sync"]);
}
