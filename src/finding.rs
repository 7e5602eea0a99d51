//! What the pipeline produces. A `Match` is one rule's confirmed, filtered span in one blob (byte
//! offsets, rule index); a `Finding` is a `Match` located in a file (line, column, snippet) with
//! its content `Fingerprint`; a `Dropped` is a candidate that matched a rule's regex but was
//! filtered out, kept only for `--explain`.
//!
//! Fingerprint `v1` = hex(SHA-256("residue/v1" 0 rule-id 0 normalized-path 0 hex(SHA-256(secret))))
//! truncated to 32 hex digits, where `secret` is the `secret` capture or, for rules without one,
//! the matched text with surrounding whitespace trimmed. No line number, no commit, no time: moving
//! code does not change it, replacing the secret does.
use sha2::{Digest, Sha256};

use crate::rules::{Confidence, Severity};

/// The version key of our fingerprints (SARIF `partialFingerprints` key, baseline schema).
pub const FINGERPRINT_KEY: &str = "residue/v1";

#[derive(Debug, Clone)]
pub struct Match {
    /// Index of the rule in its `RuleSet`.
    pub rule: usize,
    pub start: usize,
    pub end: usize,
    /// Span of the `secret` capture, when the rule has one.
    pub secret: Option<(usize, usize)>,
    pub confidence: Confidence,
    /// Result of the rule's checksum, when it has one.
    pub checksum: Option<bool>,
    /// Other rules that matched the same value and were superseded by this one.
    pub also: Vec<usize>,
}

impl Match {
    /// The span whose content identifies the finding.
    pub fn value_span(&self) -> (usize, usize) {
        self.secret.unwrap_or((self.start, self.end))
    }
}

/// Why a candidate that matched a rule's regex was not reported.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum DropReason {
    InComment,
    NotInComment,
    Entropy,
    Placeholder,
    Shape,
    Allow,
    AllowLine,
    Suppressed,
    /// Allowed by an `[[allow]]` entry of the config.
    ConfigAllow,
    Baseline,
    /// A file rule's name matched but the file's first bytes are not the format's.
    Magic,
}

impl DropReason {
    pub fn as_str(self) -> &'static str {
        match self {
            DropReason::InComment => "inside a comment",
            DropReason::NotInComment => "not inside a comment",
            DropReason::Entropy => "entropy below the rule's minimum",
            DropReason::Placeholder => "placeholder value",
            DropReason::Shape => "value has a shape the rule rejects",
            DropReason::Allow => "matches an allow pattern",
            DropReason::AllowLine => "line matches an allow_line pattern",
            DropReason::Suppressed => "suppressed inline",
            DropReason::ConfigAllow => "allowed by the config",
            DropReason::Baseline => "in the baseline",
            DropReason::Magic => "the file name matches but not its first bytes",
        }
    }

    /// Dropped because a team said so (inline marker, config allow-list, baseline), not by a
    /// rule's own filters: always counted (`stats.suppressed`) and listed by `--show-suppressed`.
    pub fn is_suppression(self) -> bool {
        matches!(self, DropReason::Suppressed | DropReason::ConfigAllow | DropReason::Baseline)
    }
}

#[derive(Debug, Clone)]
pub struct Dropped {
    pub m: Match,
    pub reason: DropReason,
    pub detail: String,
}

/// A located, reportable finding. Secret text is kept raw here and redacted by the reporters
/// (unless `--show-secrets`); `snippet` is already redacted according to the scan options.
#[derive(Debug, Clone)]
pub struct Finding {
    pub rule: usize,
    pub path: String,
    pub line: usize,
    pub column: usize,
    pub end_line: usize,
    pub end_column: usize,
    /// Byte offsets in the scanned blob.
    pub start: usize,
    pub end: usize,
    pub secret: Option<String>,
    pub snippet: String,
    pub fingerprint: String,
    pub severity: Severity,
    pub confidence: Confidence,
    pub checksum: Option<bool>,
    /// Tags the finding earned beyond its rule's (e.g. `test`).
    pub tags: Vec<String>,
    /// Ids of rules superseded by this finding's rule.
    pub also: Vec<String>,
    /// Git provenance, when the finding comes from history.
    pub commit: Option<CommitInfo>,
}

#[derive(Debug, Clone, serde::Serialize, PartialEq, Eq)]
pub struct CommitInfo {
    pub id: String,
    pub author: String,
    pub email: String,
    pub time: String,
}

fn sha256_hex(data: &[u8]) -> String {
    let d = Sha256::digest(data);
    let mut s = String::with_capacity(64);
    for b in d {
        s.push_str(&format!("{b:02x}"));
    }
    s
}

/// The `v1` content fingerprint (see module docs).
pub fn fingerprint(rule_id: &str, path: &str, value: &[u8]) -> String {
    let mut buf = Vec::with_capacity(128);
    buf.extend_from_slice(FINGERPRINT_KEY.as_bytes());
    buf.push(0);
    buf.extend_from_slice(rule_id.as_bytes());
    buf.push(0);
    buf.extend_from_slice(path.as_bytes());
    buf.push(0);
    buf.extend_from_slice(sha256_hex(value).as_bytes());
    let mut h = sha256_hex(&buf);
    h.truncate(32);
    h
}

/// What a reader may see of a secret: at most its first 4 characters (fewer for short values,
/// at most a quarter of them), then `****`.
pub fn redact(secret: &str) -> String {
    let n = secret.chars().count();
    let show = (n / 4).min(4);
    let mut s: String = secret.chars().take(show).collect();
    s.push_str("****");
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redaction_shows_at_most_four() {
        assert_eq!(redact("ghp_abcdefghijklmnop"), "ghp_****");
        assert_eq!(redact("hunter22"), "hu****");
        assert_eq!(redact("abc"), "****");
    }

    #[test]
    fn fingerprint_is_stable_and_content_based() {
        let a = fingerprint("SEC0001", "src/a.py", b"secret-1");
        assert_eq!(a, fingerprint("SEC0001", "src/a.py", b"secret-1"));
        assert_ne!(a, fingerprint("SEC0001", "src/a.py", b"secret-2"));
        assert_ne!(a, fingerprint("SEC0002", "src/a.py", b"secret-1"));
        assert_ne!(a, fingerprint("SEC0001", "src/b.py", b"secret-1"));
        assert_eq!(a.len(), 32);
    }
}
