//! The Linux systemd user unit.

use super::ServiceSpec;

pub const SYSTEMD_UNIT_NAME: &str = "backend-8825.service";

/// The unit file for `spec`.
pub fn systemd_unit(spec: &ServiceSpec) -> String {
    let exec = spec
        .program_arguments()
        .iter()
        .map(|a| quote(a))
        .collect::<Vec<_>>()
        .join(" ");
    format!(
        "[Unit]\n\
         Description=backend-8825 local sync daemon\n\
         After=network-online.target\n\
         \n\
         [Service]\n\
         ExecStart={exec}\n\
         Restart=always\n\
         RestartSec=2\n\
         \n\
         [Install]\n\
         WantedBy=default.target\n"
    )
}

/// Quotes one ExecStart word: double quotes, with `\`, `"`, `%` and `$` escaped as systemd
/// expects, so paths with spaces or specials survive.
fn quote(word: &str) -> String {
    let mut out = String::from("\"");
    for c in word.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            '%' => out.push_str("%%"),
            '$' => out.push_str("$$"),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_with_specials_are_quoted() {
        assert_eq!(quote("/a b/c%d$e\"f"), "\"/a b/c%%d$$e\\\"f\"");
    }
}
