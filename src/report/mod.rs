//! Writing results: one file per format (`text`, `json` for JSON and JSON Lines, `sarif`). Every
//! format redacts secrets unless the report was built with `show_secrets`, and every format gets
//! findings already sorted (path, line, column, rule), so output never depends on thread timing.
pub mod json;
pub mod sarif;
pub mod text;

use std::io::{self, Write};

use crate::finding::{redact, Dropped, Finding};
use crate::rules::RuleSet;
use crate::stats::Stats;

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Text,
    Json,
    Jsonl,
    Sarif,
}

/// Everything a reporter needs.
pub struct Report<'a> {
    pub rules: &'a RuleSet,
    pub findings: &'a [Finding],
    pub dropped: &'a [(Dropped, Finding)],
    pub stats: &'a Stats,
    pub show_secrets: bool,
    pub color: bool,
    pub errors: &'a [String],
}

impl Report<'_> {
    /// The secret as the user may see it.
    pub fn shown_secret(&self, f: &Finding) -> Option<String> {
        f.secret.as_ref().map(|s| if self.show_secrets { s.clone() } else { redact(s) })
    }

    pub fn write(&self, format: Format, w: &mut dyn Write) -> io::Result<()> {
        match format {
            Format::Text => text::write(self, w),
            Format::Json => json::write(self, w),
            Format::Jsonl => json::write_lines(self, w),
            Format::Sarif => sarif::write(self, w),
        }
    }
}

/// Sorts findings into the one order every format uses.
pub fn sort_findings(findings: &mut [Finding], rules: &RuleSet) {
    findings.sort_by(|a, b| {
        (&a.path, a.line, a.column, &rules.rules()[a.rule].id, a.end_line, a.end_column, &a.fingerprint).cmp(&(
            &b.path,
            b.line,
            b.column,
            &rules.rules()[b.rule].id,
            b.end_line,
            b.end_column,
            &b.fingerprint,
        ))
    });
}
