//! The `pathway` command.
#![forbid(unsafe_code)]

mod changes;
mod commands;
mod import;
mod settings;
mod synthetic;

use clap::Parser;
use settings::Cli;

#[tokio::main]
async fn main() -> std::process::ExitCode {
    let cli = Cli::parse();
    settings::init_tracing(&cli.global);
    match commands::run(cli).await {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {}", explain(&e));
            std::process::ExitCode::FAILURE
        }
    }
}

/// The error and its causes, each said once: libraries often repeat their cause inside their
/// own message, which `{:#}` would print again.
fn explain(e: &anyhow::Error) -> String {
    let mut out = String::new();
    for cause in e.chain().map(ToString::to_string) {
        if !out.contains(&cause) {
            if !out.is_empty() {
                out.push_str(": ");
            }
            out.push_str(&cause);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn causes_already_said_are_not_repeated() {
        let e = anyhow::anyhow!("unable to open database file (code: 14)")
            .context("database error: unable to open database file (code: 14)")
            .context("cannot open the database (sqlite:///x/pathway.db)");
        assert_eq!(
            super::explain(&e),
            "cannot open the database (sqlite:///x/pathway.db): database error: unable to open database file (code: 14)"
        );
    }
}
