//! The tool's errors and their exit codes: 1 an operation failed, 2 bad usage.

use std::error::Error as StdError;

/// Why a command stopped.
#[derive(Debug, thiserror::Error)]
pub enum CliError {
    /// The command line or the configuration is wrong (exit code 2).
    #[error("{0}")]
    Usage(String),
    /// An operation failed (exit code 1); the message is already complete.
    #[error("{0}")]
    Failed(String),
    /// Some files of a multi-file command failed; each was reported already (exit 1).
    #[error("{failed} of {total} operations failed")]
    Partial {
        /// How many failed.
        failed: usize,
        /// How many were tried.
        total: usize,
    },
}

impl CliError {
    /// The process exit code.
    pub fn exit_code(&self) -> i32 {
        match self {
            CliError::Usage(_) => 2,
            CliError::Failed(_) | CliError::Partial { .. } => 1,
        }
    }

    /// An operation failure described with its whole cause chain.
    pub fn op(context: impl std::fmt::Display, e: &(dyn StdError + 'static)) -> Self {
        CliError::Failed(format!("{context}: {}", describe(e)))
    }
}

/// `e` and its causes, each once: for a COS error its code, message and request id
/// (the `Display` of `cos_core::ServiceError`); never a secret (no error of cos-core or
/// cos-transfer prints one).
pub fn describe(e: &(dyn StdError + 'static)) -> String {
    let mut parts: Vec<String> = Vec::new();
    let mut cur: Option<&(dyn StdError + 'static)> = Some(e);
    while let Some(err) = cur {
        let s = err.to_string();
        if !parts.iter().any(|p| p.contains(&s)) {
            parts.push(s);
        }
        cur = err.source();
    }
    parts.join(": ")
}
