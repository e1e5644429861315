//! What the user sees: results on stdout (human or `--json`), errors and progress on
//! stderr. Progress bars appear only when stderr is a terminal (and neither `--quiet` nor
//! `--no-progress`): never in pipes or logs.

use std::io::{IsTerminal, Write};

use crate::cli::Global;
use crate::progress::Bar;

/// How to print, shared by every command.
#[derive(Debug, Clone)]
pub struct Out {
    /// `--json`.
    pub json: bool,
    /// `--quiet`.
    pub quiet: bool,
    /// Progress bars are shown.
    pub progress: bool,
    /// `--yes`.
    pub yes: bool,
}

impl Out {
    /// From the global options and whether stderr is a terminal.
    pub fn new(g: &Global) -> Self {
        Self {
            json: g.json,
            quiet: g.quiet,
            progress: !g.quiet && !g.no_progress && std::io::stderr().is_terminal(),
            yes: g.yes,
        }
    }

    /// Prints one line of results (human form), unless `--quiet`.
    pub fn line(&self, s: impl std::fmt::Display) {
        if !self.quiet {
            let mut o = std::io::stdout().lock();
            stop_on_closed_pipe(writeln!(o, "{s}"));
        }
    }

    /// Whether result lines are printed at all ([`block`](Self::block) prints nothing
    /// with `--quiet` unless `--json`): a listing need not format what nobody sees.
    pub fn shows_results(&self) -> bool {
        self.json || !self.quiet
    }

    /// Prints a block of ready-made result lines (each ending in `\n`) with one write:
    /// a listing page is one write, not one per key (stdout is line-buffered). JSON
    /// blocks are printed even with `--quiet`, as [`json_line`](Self::json_line) is.
    pub fn block(&self, text: &str) {
        if text.is_empty() || !self.shows_results() {
            return;
        }
        let mut o = std::io::stdout().lock();
        stop_on_closed_pipe(o.write_all(text.as_bytes()).and_then(|()| o.flush()));
    }

    /// Prints one JSON object on its own line (always, even with `--quiet`: it was asked for).
    pub fn json_line(&self, v: &serde_json::Value) {
        let mut o = std::io::stdout().lock();
        stop_on_closed_pipe(writeln!(o, "{v}"));
    }

    /// Reports a failure of one item of a multi-file command on stderr.
    pub fn failure(&self, what: impl std::fmt::Display, why: impl std::fmt::Display) {
        eprintln!("error: {what}: {why}");
    }

    /// Asks for confirmation on a terminal; without one, only `--yes` allows the action.
    pub fn confirm(&self, question: &str) -> Result<(), crate::error::CliError> {
        use crate::error::CliError;
        if self.yes {
            return Ok(());
        }
        if !std::io::stdin().is_terminal() || !std::io::stderr().is_terminal() {
            return Err(CliError::Usage(format!(
                "{question}: refusing without --yes (not a terminal)"
            )));
        }
        eprint!("{question} [y/N] ");
        let _ = std::io::stderr().flush();
        let mut answer = String::new();
        std::io::stdin()
            .read_line(&mut answer)
            .map_err(|e| CliError::Failed(format!("reading the answer: {e}")))?;
        if matches!(answer.trim(), "y" | "Y" | "yes" | "YES") {
            Ok(())
        } else {
            Err(CliError::Failed("cancelled".into()))
        }
    }

    /// A progress display for a transfer (hidden unless [`Out::progress`]).
    pub fn bar(&self, files_total: Option<u64>) -> Bar {
        Bar::new(self.progress, files_total)
    }
}

/// Human-readable size: `1.5 MiB`.
pub fn human_size(n: u64) -> String {
    const UNITS: [&str; 5] = ["B", "KiB", "MiB", "GiB", "TiB"];
    let mut v = n as f64;
    let mut i = 0;
    while v >= 1024.0 && i < UNITS.len() - 1 {
        v /= 1024.0;
        i += 1;
    }
    if i == 0 {
        format!("{n} B")
    } else {
        format!("{v:.1} {}", UNITS[i])
    }
}

/// A closed stdout (`cos ls -r | head`) ends the command quietly and at once, rather
/// than listing on for nobody (or panicking as `println!` would).
fn stop_on_closed_pipe(r: std::io::Result<()>) {
    if let Err(e) = r
        && e.kind() == std::io::ErrorKind::BrokenPipe
    {
        std::process::exit(0);
    }
}
