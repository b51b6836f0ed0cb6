//! The library's single error type. Every variant names the file (or input) it is about, so the CLI
//! can print one clear line and pick an exit code without guessing.

use std::path::PathBuf;

/// Result alias used across the crate.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Everything that can go wrong in amn.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// The input is not usable text (empty, binary, wrong encoding, not Arabic...).
    #[error("{input}: {reason}")]
    BadInput { input: String, reason: String },
    /// A JSONL line could not be used; `line` is 1-based.
    #[error("{path}:{line}: {reason}")]
    BadLine {
        path: PathBuf,
        line: usize,
        reason: String,
    },
    /// The model file is missing, truncated, corrupt, foreign or of another format version.
    #[error("{path}: {reason}")]
    BadModel { path: PathBuf, reason: String },
    /// Another process holds the model's write lock.
    #[error("{path}: {reason}")]
    Locked { path: PathBuf, reason: String },
    /// Invalid settings or arguments (checked hyper-parameters, unknown labels...).
    #[error("{0}")]
    Invalid(String),
    /// Training could not proceed with the data given.
    #[error("{0}")]
    Training(String),
    #[error("plot: {0}")]
    Plot(String),
}

impl Error {
    pub fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        Error::Io {
            path: path.into(),
            source,
        }
    }

    pub fn bad_input(input: impl std::fmt::Display, reason: impl Into<String>) -> Self {
        Error::BadInput {
            input: input.to_string(),
            reason: reason.into(),
        }
    }

    pub fn bad_model(path: impl Into<PathBuf>, reason: impl Into<String>) -> Self {
        Error::BadModel {
            path: path.into(),
            reason: reason.into(),
        }
    }

    /// The process exit code the CLI uses for this error (documented in the README).
    pub fn exit_code(&self) -> i32 {
        match self {
            Error::Invalid(_) => 2,
            Error::BadInput { .. } | Error::BadLine { .. } => 3,
            Error::BadModel { .. } => 4,
            Error::Io { .. } => 5,
            Error::Locked { .. } => 6,
            Error::Training(_) | Error::Plot(_) => 1,
        }
    }
}
