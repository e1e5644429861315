//! `cos-emulator`: a local COS server. See `cos-emulator --help`.

mod cli;

use std::process::ExitCode;

use cli::{Options, USAGE};

fn main() -> ExitCode {
    let options = match Options::parse(std::env::args().skip(1)) {
        Ok(o) => o,
        Err(e) => {
            eprintln!("cos-emulator: {e}");
            return ExitCode::from(2);
        }
    };
    if options.help {
        println!("{USAGE}");
        return ExitCode::SUCCESS;
    }
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("cos-emulator: cannot start the runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    runtime.block_on(run(options))
}

async fn run(options: Options) -> ExitCode {
    let handle = match options.builder().start().await {
        Ok(h) => h,
        Err(e) => {
            eprintln!("cos-emulator: {e}");
            return ExitCode::FAILURE;
        }
    };
    println!("listening on {}", handle.endpoint());
    if options.credentials.is_empty() {
        println!(
            "credentials: {}:{} (default; use --credential ID:KEY to change)",
            cos_emulator::DEFAULT_SECRET_ID,
            cos_emulator::DEFAULT_SECRET_KEY
        );
    }
    println!("region: {}", handle.region());
    match &options.data_dir {
        Some(d) => println!("data: {}", d.display()),
        None => println!("data: in memory"),
    }
    if options.bench {
        println!(
            "bench mode: MD5 ETags are skipped (unless Content-MD5 is sent), headers are not logged"
        );
    }
    for f in &options.faults {
        println!("fault: {f:?}");
    }
    wait_for_signal().await;
    println!("shutting down");
    handle.shutdown().await;
    ExitCode::SUCCESS
}

async fn wait_for_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        if let Ok(mut term) = signal(SignalKind::terminate()) {
            tokio::select! {
                _ = tokio::signal::ctrl_c() => {}
                _ = term.recv() => {}
            }
            return;
        }
    }
    let _ = tokio::signal::ctrl_c().await;
}
