//! The `pathway` command.
#![forbid(unsafe_code)]

mod commands;
mod settings;

use clap::Parser;
use settings::Cli;

#[tokio::main]
async fn main() -> std::process::ExitCode {
    let cli = Cli::parse();
    settings::init_tracing(&cli.global);
    match commands::run(cli).await {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e:#}");
            std::process::ExitCode::FAILURE
        }
    }
}
