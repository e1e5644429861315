//! `cos`: a command-line tool for Tencent Cloud Object Storage on cos-core and
//! cos-transfer. See `cos --help`, and README.md's "CLI" section.

mod cli;
mod cmd;
mod config;
mod error;
mod help;
mod location;
mod output;
mod progress;

use clap::Parser;

use crate::error::CliError;

fn main() {
    let cli = cli::Cli::parse();
    // Diagnostics go to stderr, off unless asked for with COS_LOG / RUST_LOG.
    let filter = tracing_subscriber::EnvFilter::try_from_env("COS_LOG")
        .or_else(|_| tracing_subscriber::EnvFilter::try_from_default_env())
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn"));
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .init();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: cannot start the runtime: {e}");
            std::process::exit(1);
        }
    };
    let result = runtime.block_on(cmd::run(&cli.global, cli.command));
    if let Err(e) = result {
        match &e {
            CliError::Usage(m) => eprintln!("error: {m}\n\nFor more information, try '--help'."),
            other => eprintln!("error: {other}"),
        }
        std::process::exit(e.exit_code());
    }
}
