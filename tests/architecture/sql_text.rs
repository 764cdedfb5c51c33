//! The SQL statements of the store, read from its source (`src/store/sql/*.rs`) the way a
//! reviewer reads them: per function, each statement as the string literals that build it
//! (macros of the file expanded, `Builder` pushes joined), with the tables it touches.

use std::path::Path;

/// One statement, where it is written and what it reads or writes.
#[derive(Debug)]
pub struct Statement {
    /// The file's name in `src/store/sql/`.
    pub file: String,
    /// The function it is written in.
    pub function: String,
    pub sql: String,
}

impl Statement {
    /// The tables named after `FROM`, `JOIN`, `INTO` or `UPDATE`.
    pub fn tables(&self) -> Vec<String> {
        let words: Vec<&str> = self.sql.split_whitespace().collect();
        let mut tables: Vec<String> = words
            .windows(2)
            .filter(|w| ["FROM", "JOIN", "INTO", "UPDATE"].contains(&w[0]))
            .map(|w| identifier(w[1]))
            .filter(|t| !t.is_empty())
            .collect();
        tables.sort();
        tables.dedup();
        tables
    }

    /// Whether the statement keeps to the rows of one value of `column`: an insert names
    /// the column; anything else compares it (`=` or `IN`) after its first `WHERE`.
    pub fn filters_by(&self, column: &str) -> bool {
        if self.sql.trim_start().starts_with("INSERT") {
            let names = self.sql.split(')').next().unwrap_or_default();
            return names
                .split(['(', ',', ' '])
                .any(|name| name.trim() == column);
        }
        let Some((_, predicate)) = self.sql.split_once(" WHERE ") else {
            return false;
        };
        let mut rest = predicate;
        while let Some(at) = rest.find(column) {
            let before = rest[..at].chars().next_back();
            let after = rest[at + column.len()..].trim_start();
            let whole = before.is_none_or(|c| !(c.is_ascii_alphanumeric() || c == '_'));
            if whole && (after.starts_with('=') || after.starts_with("IN ")) {
                return true;
            }
            rest = &rest[at + column.len()..];
        }
        false
    }
}

fn identifier(word: &str) -> String {
    word.chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
        .collect()
}

/// Every statement of every file in `src/store/sql/`.
pub fn store_statements() -> Vec<Statement> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/store/sql");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "rs"))
        .collect();
    files.sort();
    let mut statements = Vec::new();
    for path in files {
        let name = path.file_name().unwrap().to_string_lossy().to_string();
        let text = std::fs::read_to_string(&path).unwrap();
        statements.extend(statements_of(&name, &text));
    }
    statements
}

/// The statements of one file's source.
pub fn statements_of(file: &str, source: &str) -> Vec<Statement> {
    // Comments may quote SQL, or hold a lone quote; they are not statements.
    let code: String = source
        .lines()
        .filter(|line| !line.trim_start().starts_with("//"))
        .collect::<Vec<_>>()
        .join("\n");
    let macros = macros_of(&code);
    let mut statements = Vec::new();
    for (function, body) in functions_of(&code) {
        let mut current: Option<String> = None;
        for fragment in fragments(body, &macros) {
            let starts = ["SELECT ", "INSERT ", "UPDATE ", "DELETE ", "WITH ", "SET "]
                .iter()
                .any(|k| fragment.trim_start().starts_with(k));
            match current.as_mut() {
                Some(sql) if !starts => sql.push_str(&fragment),
                _ => {
                    if let Some(sql) = current.replace(fragment) {
                        statements.push(statement(file, function, sql));
                    }
                }
            }
        }
        if let Some(sql) = current {
            statements.push(statement(file, function, sql));
        }
    }
    statements.retain(|s| !s.tables().is_empty());
    statements
}

fn statement(file: &str, function: &str, sql: String) -> Statement {
    Statement {
        file: file.to_string(),
        function: function.to_string(),
        sql: sql.split_whitespace().collect::<Vec<_>>().join(" "),
    }
}

/// `macro_rules! name { () => { "literal" }; }` of the file: name -> the literal.
fn macros_of(code: &str) -> Vec<(String, String)> {
    let mut macros = Vec::new();
    for part in code.split("macro_rules!").skip(1) {
        let name = identifier(part.trim_start());
        if let Some(literal) = literals(part).into_iter().next() {
            macros.push((format!("{name}!()"), literal));
        }
    }
    macros
}

/// Each `fn name` of the code and its text up to the next one.
fn functions_of(code: &str) -> Vec<(&str, &str)> {
    let starts: Vec<usize> = code
        .match_indices("fn ")
        .map(|(at, _)| at)
        .filter(|&at| at == 0 || code[..at].ends_with([' ', '\n', '(']))
        .collect();
    starts
        .iter()
        .enumerate()
        .map(|(i, &at)| {
            let end = starts.get(i + 1).copied().unwrap_or(code.len());
            let name_start = at + "fn ".len();
            let name_len = identifier(&code[name_start..]).len();
            (&code[name_start..name_start + name_len], &code[at..end])
        })
        .collect()
}

/// The string literals of `body` in order, with each call of one of `macros` replaced by
/// the macro's literal.
fn fragments(body: &str, macros: &[(String, String)]) -> Vec<String> {
    let mut found = literal_spans(body);
    for (call, literal) in macros {
        found.extend(
            body.match_indices(call.as_str())
                .map(|(at, _)| (at, literal.clone())),
        );
    }
    found.sort_by_key(|(at, _)| *at);
    found.into_iter().map(|(_, text)| text).collect()
}

fn literals(text: &str) -> Vec<String> {
    literal_spans(text).into_iter().map(|(_, t)| t).collect()
}

/// Each `"..."` of `text` (where it starts, and its value: escapes and line continuations
/// resolved).
fn literal_spans(text: &str) -> Vec<(usize, String)> {
    let mut spans = Vec::new();
    let mut chars = text.char_indices().peekable();
    while let Some((at, c)) = chars.next() {
        if c != '"' {
            continue;
        }
        let mut value = String::new();
        while let Some((_, c)) = chars.next() {
            match c {
                '"' => break,
                '\\' => match chars.next() {
                    Some((_, '\n')) => {
                        while chars.peek().is_some_and(|(_, c)| c.is_whitespace()) {
                            chars.next();
                        }
                    }
                    Some((_, 'n')) => value.push('\n'),
                    Some((_, escaped)) => value.push(escaped),
                    None => break,
                },
                c => value.push(c),
            }
        }
        spans.push((at, value));
    }
    spans
}
