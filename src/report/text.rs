//! Human output: `path:line:column: ID title [severity]` then the redacted line, coloured on a
//! terminal (never when piped or when NO_COLOR is set). The summary goes to stderr (see `cli`).
use std::io::{self, Write};

use super::Report;
use crate::rules::Severity;

const RESET: &str = "\x1b[0m";
const BOLD: &str = "\x1b[1m";
const DIM: &str = "\x1b[2m";
const MAGENTA: &str = "\x1b[35m";

fn severity_color(s: Severity) -> &'static str {
    match s {
        Severity::Critical => "\x1b[1;31m",
        Severity::High => "\x1b[31m",
        Severity::Medium => "\x1b[33m",
        Severity::Low => "\x1b[36m",
    }
}

/// `s` with control characters escaped (`\u{1b}`): a file named with terminal escape sequences
/// must not drive the reader's terminal or forge lines in a CI log.
fn printable(s: &str) -> std::borrow::Cow<'_, str> {
    if !s.chars().any(char::is_control) {
        return s.into();
    }
    s.chars().map(|c| if c.is_control() { c.escape_default().to_string() } else { c.to_string() }).collect()
}

pub fn write(r: &Report, w: &mut dyn Write) -> io::Result<()> {
    let c = |code: &'static str| if r.color { code } else { "" };
    for f in r.findings {
        let rule = &r.rules.rules()[f.rule];
        write!(
            w,
            "{}{}{}:{}:{}: {}{}{} {} {}[{}]{}",
            c(MAGENTA),
            printable(&f.path),
            c(RESET),
            f.line,
            f.column,
            c(BOLD),
            rule.id,
            c(RESET),
            rule.title,
            c(severity_color(f.severity)),
            f.severity,
            c(RESET),
        )?;
        if let Some(s) = r.shown_secret(f) {
            write!(w, " {}secret={}{}", c(DIM), printable(&s), c(RESET))?;
        }
        writeln!(w)?;
        writeln!(w, "    {}", printable(&f.snippet))?;
    }
    for (d, f) in r.dropped {
        let rule = &r.rules.rules()[f.rule];
        let detail = if d.detail.is_empty() { String::new() } else { format!(" ({})", printable(&d.detail)) };
        writeln!(
            w,
            "{}{}{} {}:{}:{}: {} {}: {}{}",
            c(DIM),
            if d.reason.is_suppression() { "suppressed" } else { "dropped" },
            c(RESET),
            printable(&f.path),
            f.line,
            f.column,
            rule.id,
            rule.name,
            d.reason.as_str(),
            detail
        )?;
        writeln!(w, "    {}", printable(&f.snippet))?;
    }
    Ok(())
}
