//! Rules as data: the TOML syntax (`syntax`), the validated `Rule` (`rule`), the `RuleSet` that
//! owns every rule plus the compiled prefilter (`set`), the embedded built-in rule files
//! (`builtin`), `rules check` (`check`), which lints rules and runs their examples, and file rules
//! (`file`), which match a file by name and leading bytes instead of a regex.
pub mod builtin;
pub mod check;
pub mod docs;
pub mod file;
pub mod rule;
pub mod set;
pub mod syntax;

pub use rule::{Category, Checksum, CommentMode, Confidence, Rule, Severity};
pub use set::RuleSet;

/// Why rules could not be loaded or used.
#[derive(Debug, thiserror::Error)]
pub enum RuleError {
    #[error("{file}:{line}:{column}: {message}")]
    Parse { file: String, line: usize, column: usize, message: String },
    #[error("rule {rule}: {message}")]
    Invalid { rule: String, message: String },
    #[error("{file}: rule {rule}: {message}")]
    InFile { file: String, rule: String, message: String },
    #[error("duplicate rule {what} {value:?} (in {first} and {second})")]
    Duplicate { what: &'static str, value: String, first: String, second: String },
    #[error("{path}: {source}")]
    Io { path: String, source: std::io::Error },
    #[error("{0}")]
    Other(String),
}

impl RuleError {
    pub fn invalid(rule: &str, message: impl Into<String>) -> RuleError {
        RuleError::Invalid { rule: rule.to_string(), message: message.into() }
    }

    /// Attaches the file name to an `Invalid` error.
    pub fn in_file(self, file: &str) -> RuleError {
        match self {
            RuleError::Invalid { rule, message } => RuleError::InFile { file: file.to_string(), rule, message },
            other => other,
        }
    }
}

/// Converts a byte offset in `text` to a 1-based (line, column).
pub(crate) fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let offset = offset.min(text.len());
    let before = &text.as_bytes()[..offset];
    let line = before.iter().filter(|&&b| b == b'\n').count() + 1;
    let line_start = before.iter().rposition(|&b| b == b'\n').map(|p| p + 1).unwrap_or(0);
    let column = String::from_utf8_lossy(&before[line_start..]).chars().count() + 1;
    (line, column)
}
