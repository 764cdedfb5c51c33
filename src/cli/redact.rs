//! `redact`: standard input to standard output with personal data replaced, one output line
//! per input line (docs/privacy.md, "Redaction").

use std::io::{BufRead, BufWriter, Write};

use anyhow::{Context, bail};
use clap::Args;
use serde_json::{Value, json};

use crate::humanize::strip_position;
use crate::privacy::redact;

#[derive(Debug, Args)]
pub struct RedactArgs {
    /// Read JSON Lines, each an object with a "text" string, and write for each
    /// {"text": <redacted>, "entities": [{"type", "start", "end"}]} (offsets in characters
    /// of the input text).
    #[arg(long)]
    pub jsonl: bool,
}

pub fn run(args: &RedactArgs) -> anyhow::Result<()> {
    let stdin = std::io::stdin().lock();
    let mut out = BufWriter::new(std::io::stdout().lock());
    filter(stdin, &mut out, args.jsonl)?;
    out.flush().context("cannot write to standard output")
}

/// Redacts `input` into `out` line by line; a line that cannot be read stops it, named by
/// its number.
pub fn filter(input: impl BufRead, out: &mut impl Write, jsonl: bool) -> anyhow::Result<()> {
    for (n, line) in input.lines().enumerate() {
        let n = n + 1;
        let line = line.with_context(|| format!("line {n} cannot be read (is it UTF-8 text?)"))?;
        let written = if jsonl {
            let text = text_of(&line).map_err(|e| anyhow::anyhow!("line {n}: {e}"))?;
            let r = redact(&text);
            writeln!(out, "{}", json!({"text": r.text, "entities": r.entities}))
        } else {
            writeln!(out, "{}", redact(&line).text)
        };
        written.context("cannot write to standard output")?;
    }
    Ok(())
}

/// The "text" of one JSON Lines input line, or what is wrong with the line.
fn text_of(line: &str) -> anyhow::Result<String> {
    let value: Value = match serde_json::from_str(line) {
        Ok(v) => v,
        Err(e) if e.is_eof() => bail!("not valid JSON: it ends too early"),
        Err(e) => bail!("not valid JSON: {}", strip_position(&e.to_string())),
    };
    match value {
        Value::Object(mut map) => match map.remove("text") {
            Some(Value::String(text)) => Ok(text),
            Some(_) => bail!("\"text\" must be a string"),
            None => bail!("expected an object with a \"text\" string, and it has no \"text\""),
        },
        _ => bail!("expected an object with a \"text\" string"),
    }
}
