//! The macOS LaunchAgent. `launchd/dev.backend-8825.local.plist` in the repository is the
//! same document with example paths; a test keeps the two in step.

use plist::{Dictionary, Value};

use super::ServiceSpec;

pub const LAUNCH_AGENT_LABEL: &str = "dev.backend-8825.local";

/// The LaunchAgent property list for `spec`.
pub fn launch_agent_plist(spec: &ServiceSpec) -> anyhow::Result<String> {
    let logs = spec.home.join("Library/Logs/backend-8825");
    let mut dict = Dictionary::new();
    dict.insert("Label".into(), LAUNCH_AGENT_LABEL.into());
    let args = spec
        .program_arguments()
        .into_iter()
        .map(Value::from)
        .collect::<Vec<_>>();
    dict.insert("ProgramArguments".into(), Value::Array(args));
    dict.insert("RunAtLoad".into(), true.into());
    dict.insert("KeepAlive".into(), true.into());
    dict.insert("ProcessType".into(), "Background".into());
    dict.insert("ThrottleInterval".into(), 10.into());
    let out = logs.join("backend-8825.out.log").display().to_string();
    let err = logs.join("backend-8825.err.log").display().to_string();
    dict.insert("StandardOutPath".into(), out.into());
    dict.insert("StandardErrorPath".into(), err.into());
    let mut bytes = Vec::new();
    Value::Dictionary(dict).to_writer_xml(&mut bytes)?;
    bytes.push(b'\n');
    Ok(String::from_utf8(bytes)?)
}
