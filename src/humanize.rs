//! Parser messages in the user's words. serde, serde_json and toml describe a mistake with
//! Rust type names (`expected u16`, `expected struct ConversationInput with 1 element`) and
//! byte positions (`at line 1 column 36`); the API, the CLI and the config loader say
//! instead what was wrong, with which value, and what was expected.

/// Rewrites one serde data error (`invalid type: string "x", expected u16`, `missing field
/// `title``, ...) without type names or positions.
pub fn serde_message(raw: &str) -> String {
    let msg = strip_position(raw);
    for prefix in ["invalid type: ", "invalid value: "] {
        if let Some((got, expected)) = msg
            .strip_prefix(prefix)
            .and_then(|rest| rest.split_once(", expected "))
        {
            return format!(
                "expected {}, got {}",
                expected_words(expected),
                got_words(got)
            );
        }
    }
    if let Some((_, expected)) = msg
        .strip_prefix("invalid length ")
        .and_then(|rest| rest.split_once(", expected "))
    {
        return format!("expected {}", expected_words(expected));
    }
    if let Some(field) = msg.strip_prefix("missing field ") {
        return format!("the field {} is missing", quoted(field));
    }
    for (prefix, what) in [("unknown field ", "field"), ("unknown variant ", "value")] {
        if let Some(rest) = msg.strip_prefix(prefix) {
            let (name, allowed) = rest.split_once(", expected ").unwrap_or((rest, ""));
            let allowed = allowed.trim_start_matches("one of ").replace('`', "\"");
            return match allowed.as_str() {
                "" | "nothing" => format!("unknown {what} {}", quoted(name)),
                allowed => format!(
                    "unknown {what} {} (expected one of {allowed})",
                    quoted(name)
                ),
            };
        }
    }
    msg.to_string()
}

/// A path or word as a POSIX shell reads it back: as is when it is plain, else in single
/// quotes (`~/Library/Application Support/...` has a space).
pub fn shell_word(text: &str) -> String {
    let plain = !text.is_empty()
        && text
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "_./:=@%+-,".contains(c));
    if plain {
        text.to_string()
    } else {
        format!("'{}'", text.replace('\'', r"'\''"))
    }
}

/// A query parameter's parse error (`invalid digit found in string`) in plain words.
pub fn query_value_message(raw: &str) -> String {
    match raw {
        "invalid digit found in string" | "cannot parse integer from empty string" => {
            "expected a whole number".into()
        }
        "number too large to fit in target type" => "the number is too large".into(),
        "number too small to fit in target type" => "the number is too small".into(),
        other => serde_message(other),
    }
}

/// Drops serde_json's ` at line N column M` suffix.
pub fn strip_position(msg: &str) -> &str {
    match msg.rfind(" at line ") {
        Some(at) if msg[at..].contains(" column ") => &msg[..at],
        _ => msg,
    }
}

/// `` `title` `` as `"title"`.
fn quoted(name: &str) -> String {
    format!("\"{}\"", name.trim_matches('`'))
}

/// What serde says it got (`string "x"`, `integer `70000``, `sequence`), in plain words.
fn got_words(got: &str) -> String {
    let got = got.replace('`', "");
    match got.as_str() {
        "sequence" => "a list".into(),
        "map" => "an object".into(),
        "null" | "unit value" => "null".into(),
        "boolean `true`" | "boolean true" => "true".into(),
        "boolean `false`" | "boolean false" => "false".into(),
        _ => {
            for prefix in ["string ", "integer ", "floating point "] {
                if let Some(value) = got.strip_prefix(prefix) {
                    return value.to_string();
                }
            }
            got
        }
    }
}

/// What serde expected (`u16`, `struct ConversationInput with 1 element`, `a string`), in
/// plain words.
fn expected_words(expected: &str) -> String {
    let expected = expected.trim();
    let words = match expected {
        "u8" => "a whole number from 0 to 255",
        "u16" => "a whole number from 0 to 65535",
        "u32" | "u64" | "u128" | "usize" => "a whole number, 0 or more",
        "i8" | "i16" | "i32" | "i64" | "i128" | "isize" => "a whole number",
        "f32" | "f64" => "a number",
        "a boolean" | "bool" => "true or false",
        "IP address" => "an IP address such as 127.0.0.1",
        "socket address" => "an address such as 127.0.0.1:8825",
        "a sequence" => "a list",
        _ if expected.starts_with("struct ") || expected.starts_with("a map") => "a JSON object",
        _ if expected.starts_with("tuple") => "a list",
        _ if expected.starts_with("enum ") => "one of the allowed values",
        other => return other.replace('`', "\""),
    };
    words.to_string()
}

/// A JSON body's data error: which field, and what was wrong with it.
pub fn json_data_error(path: &str, inner: &serde_json::Error) -> String {
    let what = serde_message(&inner.to_string());
    if path.is_empty() || path == "." {
        format!("the request body is not what this route takes: {what}")
    } else {
        format!("field \"{path}\": {what}")
    }
}

/// A JSON body that does not parse at all.
pub fn json_syntax_error(inner: &serde_json::Error) -> String {
    let what = strip_position(&inner.to_string()).to_string();
    if inner.is_eof() {
        return "the request body is not valid JSON: it ends too early".into();
    }
    format!("the request body is not valid JSON: {what}")
}

/// A TOML config error: the line and its text, and what was wrong, in plain words.
pub fn toml_error(text: &str, err: &toml::de::Error) -> String {
    let what = serde_message(err.message().trim());
    let Some(span) = err.span() else {
        return what;
    };
    let line_no = text[..span.start.min(text.len())].matches('\n').count() + 1;
    // The key only, not the line: a value may be a secret (a database URL's password).
    let line = text.lines().nth(line_no - 1).unwrap_or("");
    match line.split_once('=') {
        Some((key, _)) => format!("line {line_no} ({}): {what}", key.trim()),
        None => format!("line {line_no}: {what}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn type_names_and_positions_become_words() {
        assert_eq!(
            serde_message("invalid type: string \"eighty\", expected u16 at line 1 column 9"),
            "expected a whole number from 0 to 65535, got \"eighty\""
        );
        assert_eq!(
            serde_message("invalid type: sequence, expected struct ConversationInput"),
            "expected a JSON object, got a list"
        );
        assert_eq!(
            serde_message("invalid length 0, expected struct ConversationInput with 1 element"),
            "expected a JSON object"
        );
        assert_eq!(
            serde_message("missing field `title`"),
            "the field \"title\" is missing"
        );
        assert_eq!(
            serde_message("unknown field `prot`, expected one of `bind`, `port`"),
            "unknown field \"prot\" (expected one of \"bind\", \"port\")"
        );
    }

    #[test]
    fn shell_words_quote_what_a_shell_would_split() {
        assert_eq!(shell_word("/tmp/a-b_c.d"), "/tmp/a-b_c.d");
        assert_eq!(
            shell_word("/Users/me/Library/Application Support/backend-8825"),
            "'/Users/me/Library/Application Support/backend-8825'"
        );
        assert_eq!(shell_word("it's"), r"'it'\''s'");
    }

    #[test]
    fn a_toml_error_names_its_line() {
        let text = "[http]\nport = \"eighty\"\n";
        let err = toml::from_str::<Port>(text).err().unwrap();
        let msg = toml_error(text, &err);
        assert!(msg.starts_with("line 2 (port)"), "{msg}");
        assert!(msg.contains("whole number from 0 to 65535"), "{msg}");
        assert!(!msg.contains("u16"), "{msg}");
    }

    #[derive(serde::Deserialize)]
    #[allow(dead_code)]
    struct Port {
        http: Http,
    }

    #[derive(serde::Deserialize)]
    #[allow(dead_code)]
    struct Http {
        port: u16,
    }
}
