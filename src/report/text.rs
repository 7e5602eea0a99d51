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

pub fn write(r: &Report, w: &mut dyn Write) -> io::Result<()> {
    let c = |code: &'static str| if r.color { code } else { "" };
    for f in r.findings {
        let rule = &r.rules.rules()[f.rule];
        write!(
            w,
            "{}{}{}:{}:{}: {}{}{} {} {}[{}]{}",
            c(MAGENTA),
            f.path,
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
            write!(w, " {}secret={}{}", c(DIM), s, c(RESET))?;
        }
        writeln!(w)?;
        writeln!(w, "    {}", f.snippet)?;
    }
    for (d, f) in r.dropped {
        let rule = &r.rules.rules()[f.rule];
        let detail = if d.detail.is_empty() { String::new() } else { format!(" ({})", d.detail) };
        writeln!(
            w,
            "{}{}{} {}:{}:{}: {} {}: {}{}",
            c(DIM),
            if d.reason.is_suppression() { "suppressed" } else { "dropped" },
            c(RESET),
            f.path,
            f.line,
            f.column,
            rule.id,
            rule.name,
            d.reason.as_str(),
            detail
        )?;
        writeln!(w, "    {}", f.snippet)?;
    }
    Ok(())
}
