use std::process::ExitCode;

use clap::Parser;

#[tokio::main]
async fn main() -> ExitCode {
    // TLS for outgoing requests uses ring (see Cargo.toml); install it before any client.
    let _ = rustls::crypto::ring::default_provider().install_default();
    let cli = backend_8825::cli::Cli::parse();
    match backend_8825::cli::run(cli).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("error: {err:#}");
            ExitCode::FAILURE
        }
    }
}
