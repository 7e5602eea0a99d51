//! Baselines: findings a team has accepted, so a scan reports only new ones. An entry is a
//! finding's content fingerprint (`finding::fingerprint`: rule + normalized path + SHA-256 of the
//! secret), plus its rule id and path for the reader; never a line number, a date or the secret.
//!
//! The file is text, one entry per line, sorted by (path, rule, fingerprint) and deduplicated:
//!
//! ```text
//! # residue baseline v1: accepted findings, one per line: fingerprint rule path
//! 4799b0cba6f1aafd822f521b046b70ad SEC0900 app/settings.py
//! ```
//!
//! That makes it merge-friendly by construction: moving code or re-creating the baseline writes
//! the same bytes, two branches that accept different findings add different lines (no count, no
//! trailing comma, no timestamp to conflict on), and replacing a baselined secret with a new one
//! changes the fingerprint, so the new secret is reported.
use std::collections::BTreeSet;
use std::io::Write;
use std::path::Path;

use crate::finding::Finding;
use crate::rules::RuleSet;

/// What the first line of a baseline starts with (the rest of `HEADER` is for the reader).
pub const MAGIC: &str = "# residue baseline v1";

/// The first line of every baseline file.
pub const HEADER: &str = "# residue baseline v1: accepted findings, one per line: fingerprint rule path";

#[derive(Debug, thiserror::Error)]
pub enum BaselineError {
    #[error("{file}:{line}: {message}")]
    Malformed { file: String, line: usize, message: String },
    #[error("{path}: {source}")]
    Io { path: String, source: std::io::Error },
}

/// One accepted finding.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Entry {
    pub path: String,
    pub rule: String,
    pub fingerprint: String,
}

#[derive(Debug, Default, Clone)]
pub struct Baseline {
    entries: BTreeSet<Entry>,
    fingerprints: std::collections::HashSet<String>,
}

impl Baseline {
    pub fn from_findings(findings: &[Finding], rules: &RuleSet) -> Baseline {
        let mut b = Baseline::default();
        for f in findings {
            b.insert(Entry {
                path: f.path.clone(),
                rule: rules.rules()[f.rule].id.clone(),
                fingerprint: f.fingerprint.clone(),
            });
        }
        b
    }

    fn insert(&mut self, e: Entry) {
        self.fingerprints.insert(e.fingerprint.clone());
        self.entries.insert(e);
    }

    pub fn contains(&self, fingerprint: &str) -> bool {
        self.fingerprints.contains(fingerprint)
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    pub fn entries(&self) -> impl Iterator<Item = &Entry> {
        self.entries.iter()
    }

    /// Keeps only entries whose fingerprint `keep` accepts.
    pub fn retain(&mut self, keep: impl Fn(&str) -> bool) {
        self.entries.retain(|e| keep(&e.fingerprint));
        self.fingerprints.retain(|f| keep(f));
    }

    pub fn parse(name: &str, text: &str) -> Result<Baseline, BaselineError> {
        let err = |line: usize, message: String| BaselineError::Malformed { file: name.to_string(), line, message };
        let mut lines = text.lines().enumerate();
        match lines.next() {
            Some((_, first)) if first.starts_with(MAGIC) => {}
            _ => return Err(err(1, format!("not a residue baseline: the first line must start with {MAGIC:?}"))),
        }
        let mut b = Baseline::default();
        for (i, raw) in lines {
            let line = raw.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let mut parts = line.splitn(3, [' ', '\t']);
            let (Some(fp), Some(rule), Some(path)) = (parts.next(), parts.next(), parts.next()) else {
                return Err(err(i + 1, "expected `FINGERPRINT RULE PATH`".into()));
            };
            if fp.len() != 32 || !fp.bytes().all(|c| c.is_ascii_digit() || (b'a'..=b'f').contains(&c)) {
                return Err(err(i + 1, format!("fingerprint {fp:?} is not 32 lowercase hex digits")));
            }
            let path = path.trim();
            if rule.is_empty() || path.is_empty() {
                return Err(err(i + 1, "expected `FINGERPRINT RULE PATH`".into()));
            }
            b.insert(Entry { path: path.to_string(), rule: rule.to_string(), fingerprint: fp.to_string() });
        }
        Ok(b)
    }

    pub fn load(path: &Path) -> Result<Baseline, BaselineError> {
        let name = path.display().to_string();
        let text = std::fs::read_to_string(path).map_err(|source| BaselineError::Io { path: name.clone(), source })?;
        Baseline::parse(&name, &text)
    }

    /// The file's bytes: header, then entries sorted by (path, rule, fingerprint).
    pub fn render(&self) -> String {
        let mut out = String::with_capacity(64 + self.entries.len() * 80);
        out.push_str(HEADER);
        out.push('\n');
        for e in &self.entries {
            // A path is one line; control characters cannot be written back faithfully anyway.
            let path: String = e.path.chars().map(|c| if c.is_control() { '?' } else { c }).collect();
            out.push_str(&format!("{} {} {}\n", e.fingerprint, e.rule, path));
        }
        out
    }

    /// Writes the file through a temporary sibling, so an interrupted write never leaves half a
    /// baseline (which would turn every accepted finding back into a new one).
    pub fn save(&self, path: &Path) -> Result<(), BaselineError> {
        let io = |source| BaselineError::Io { path: path.display().to_string(), source };
        let tmp = path.with_extension("residue-tmp");
        let mut f = std::fs::File::create(&tmp).map_err(io)?;
        f.write_all(self.render().as_bytes()).map_err(io)?;
        f.sync_all().map_err(io)?;
        drop(f);
        std::fs::rename(&tmp, path).map_err(io)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_and_errors() {
        let text = format!("{HEADER}\n0123456789abcdef0123456789abcdef SEC0001 src/a b.py\n");
        let b = Baseline::parse("b", &text).unwrap();
        assert!(b.contains("0123456789abcdef0123456789abcdef"));
        assert_eq!(b.render(), text);
        let e = Baseline::parse("b", &format!("{HEADER}\n\nnot-hex SEC0001 x\n")).unwrap_err().to_string();
        assert!(e.starts_with("b:3:"), "{e}");
        let e = Baseline::parse("b", "{}\n").unwrap_err().to_string();
        assert!(e.starts_with("b:1:"), "{e}");
    }
}
