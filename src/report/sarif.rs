//! SARIF 2.1.0 for GitHub code scanning: one run; each reported rule once, with short and full
//! descriptions, help in text and markdown, tags, category, precision and a numeric
//! `security-severity`; each result with a region (1-based lines and columns, code-point columns)
//! and our versioned `partialFingerprints` key. No secret value appears anywhere: messages name
//! the rule, snippets are redacted. GitHub keeps at most 25,000 results per run and rejects files
//! over 10 MB gzipped: past either limit the most severe results are kept (lowest severity dropped
//! first) and a warning is printed. The gzipped size is estimated from the uncompressed size at a
//! conservative 4:1 (`ASSUMED_GZIP_RATIO`; real residue SARIF compresses 13:1 to 28:1).
use std::collections::BTreeMap;
use std::io::{self, Write};

use serde_json::{json, Value};

use super::Report;
use crate::finding::{DropReason, Dropped, Finding, FINGERPRINT_KEY};
use crate::rules::{Confidence, Rule, Severity};

pub const MAX_RESULTS: usize = 25_000;

fn level(s: Severity) -> &'static str {
    match s {
        Severity::Critical | Severity::High => "error",
        Severity::Medium => "warning",
        Severity::Low => "note",
    }
}

/// GitHub maps >= 9.0 to critical, 7.0-8.9 high, 4.0-6.9 medium, 0.1-3.9 low.
fn security_severity(s: Severity) -> &'static str {
    match s {
        Severity::Critical => "9.5",
        Severity::High => "8.0",
        Severity::Medium => "5.5",
        Severity::Low => "3.0",
    }
}

fn precision(c: Confidence) -> &'static str {
    match c {
        Confidence::High => "high",
        Confidence::Medium => "medium",
        Confidence::Low => "low",
    }
}

fn first_sentence(s: &str) -> String {
    let t = s.trim();
    let end = t.find(". ").map(|i| i + 1).unwrap_or(t.len());
    t[..end].replace('\n', " ")
}

pub fn rule_descriptor(rule: &Rule) -> Value {
    let mut markdown = format!("## {}\n\n{}\n", rule.title, rule.description.trim());
    if !rule.remediation.trim().is_empty() {
        markdown.push_str(&format!("\n### How to fix\n\n{}\n", rule.remediation.trim()));
    }
    if !rule.references.is_empty() {
        markdown.push_str("\n### References\n\n");
        for r in &rule.references {
            markdown.push_str(&format!("- <{r}>\n"));
        }
    }
    let text = format!("{}\n\nHow to fix: {}", rule.description.trim(), rule.remediation.trim());
    let mut tags = vec!["security".to_string(), rule.category.as_str().to_string()];
    tags.extend(rule.tags.iter().cloned());
    let full = if rule.description.trim().is_empty() {
        rule.title.clone()
    } else {
        rule.description.trim().replace('\n', " ")
    };
    let mut d = json!({
        "id": rule.id,
        "name": rule.name,
        "shortDescription": {"text": rule.title},
        "fullDescription": {"text": full},
        "help": {"text": text, "markdown": markdown},
        "defaultConfiguration": {"level": level(rule.severity)},
        "properties": {
            "tags": tags,
            "category": rule.category.as_str(),
            "precision": precision(rule.confidence),
            "security-severity": security_severity(rule.severity),
            "problem.severity": match rule.severity { Severity::Critical | Severity::High => "error", Severity::Medium => "warning", Severity::Low => "recommendation" },
            "summary": first_sentence(&rule.description),
        }
    });
    if let Some(uri) = rule.references.first() {
        d["helpUri"] = json!(uri);
    }
    d
}

/// Percent-encodes a relative path into a URI reference (RFC 3986 path characters kept).
pub fn path_uri(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for b in path.bytes() {
        let keep = b.is_ascii_alphanumeric() || b"-._~/!$&'()*+,;=:@".contains(&b);
        if keep {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// GitHub rejects SARIF files over 10 MB gzipped.
pub const MAX_GZIP_BYTES: usize = 10 * 1000 * 1000;

/// The compression ratio assumed when estimating the gzipped size from the uncompressed one.
/// residue's pretty-printed SARIF compresses 13:1 (2,371 results of many rules, 4.1 MB) to 28:1
/// (20,000 results, 20 MB) with gzip -6; 4:1 leaves a wide margin without linking a compressor
/// just to measure.
pub const ASSUMED_GZIP_RATIO: usize = 4;

pub fn write(r: &Report, w: &mut dyn Write) -> io::Result<()> {
    write_within(r, w, MAX_GZIP_BYTES * ASSUMED_GZIP_RATIO)
}

/// Writes the SARIF document, keeping it at most `max_bytes` uncompressed (see `write`).
pub fn write_within(r: &Report, w: &mut dyn Write, max_bytes: usize) -> io::Result<()> {
    // Most severe first, then output order: the order in which results are kept when over a limit.
    let mut by_severity: Vec<usize> = (0..r.findings.len()).collect();
    by_severity.sort_by_key(|&i| (std::cmp::Reverse(r.findings[i].severity), i));
    let mut n = by_severity.len();
    if n > MAX_RESULTS {
        n = MAX_RESULTS;
        eprintln!(
            "residue: warning: {} results exceed GitHub's limit of {MAX_RESULTS} per run; SARIF keeps the {MAX_RESULTS} most severe",
            r.findings.len()
        );
    }
    let mut suppressed = r.dropped.iter().any(|(d, _)| d.reason.is_suppression());
    loop {
        let mut keep: Vec<usize> = by_severity[..n].to_vec();
        keep.sort();
        let mut buf = Vec::new();
        serde_json::to_writer_pretty(&mut buf, &document(r, &keep, suppressed))?;
        buf.push(b'\n');
        if buf.len() <= max_bytes || n == 0 {
            if n < r.findings.len().min(MAX_RESULTS) {
                eprintln!(
                    "residue: warning: SARIF over GitHub's {} MB gzipped limit (estimated at {ASSUMED_GZIP_RATIO}:1); keeping the {n} most severe of {} results",
                    MAX_GZIP_BYTES / 1_000_000,
                    r.findings.len()
                );
            }
            return w.write_all(&buf);
        }
        // Open results matter more than dismissed ones: suppressed findings go first.
        if suppressed {
            suppressed = false;
            eprintln!("residue: warning: SARIF over GitHub's size limit; leaving out the suppressed findings");
            continue;
        }
        // Shrink in proportion to the excess, and by at least one result, lowest severity first.
        let target = (n as u128 * max_bytes as u128 / buf.len() as u128) as usize;
        n = target.min(n - 1) * 95 / 100;
    }
}

/// One SARIF result for finding `f`.
fn result(r: &Report, f: &Finding, rule_index: &BTreeMap<usize, usize>) -> Value {
    let rule = &r.rules.rules()[f.rule];
    let mut props = json!({
        "category": rule.category.as_str(),
        "severity": f.severity.as_str(),
        "confidence": f.confidence.as_str(),
    });
    if !f.tags.is_empty() {
        props["tags"] = json!(f.tags);
    }
    if !f.also.is_empty() {
        props["also"] = json!(f.also);
    }
    if let Some(c) = &f.commit {
        props["commit"] = json!(c);
    }
    let mut region = json!({
        "startLine": f.line,
        "startColumn": f.column,
        "endLine": f.end_line,
        "endColumn": f.end_column.max(1),
    });
    if r.show_secrets || f.secret.is_none() || !f.snippet.is_empty() {
        region["snippet"] = json!({"text": f.snippet});
    }
    json!({
        "ruleId": rule.id,
        "ruleIndex": rule_index[&f.rule],
        "level": level(f.severity),
        "message": {"text": format!("{} ({}).", rule.title, rule.name)},
        "locations": [{
            "physicalLocation": {
                "artifactLocation": {"uri": path_uri(&f.path), "uriBaseId": "%SRCROOT%"},
                "region": region,
            }
        }],
        "partialFingerprints": {FINGERPRINT_KEY: f.fingerprint},
        "properties": props,
    })
}

/// The SARIF document holding the findings at indices `keep` (ascending), followed by the
/// suppressed findings the report carries (`--show-suppressed`, `--explain`) when `suppressed`.
fn document(r: &Report, keep: &[usize], suppressed: bool) -> Value {
    let quiet: Vec<&(Dropped, Finding)> = if suppressed {
        r.dropped.iter().filter(|(d, _)| d.reason.is_suppression()).take(MAX_RESULTS - keep.len()).collect()
    } else {
        Vec::new()
    };
    let mut rule_index: BTreeMap<usize, usize> = BTreeMap::new();
    let mut descriptors = Vec::new();
    for f in keep.iter().map(|&i| &r.findings[i]).chain(quiet.iter().map(|(_, f)| f)) {
        if let std::collections::btree_map::Entry::Vacant(e) = rule_index.entry(f.rule) {
            e.insert(descriptors.len());
            descriptors.push(rule_descriptor(&r.rules.rules()[f.rule]));
        }
    }
    let mut results: Vec<Value> = keep.iter().map(|&i| result(r, &r.findings[i], &rule_index)).collect();
    // A suppressed finding is a result with `suppressions`: GitHub code scanning shows it as
    // dismissed instead of open, and the reason travels with it.
    for (d, f) in quiet {
        let mut res = result(r, f, &rule_index);
        let kind = if d.reason == DropReason::Suppressed { "inSource" } else { "external" };
        let justification = if d.detail.is_empty() {
            d.reason.as_str().to_string()
        } else {
            format!("{}: {}", d.reason.as_str(), d.detail)
        };
        res["suppressions"] = json!([{"kind": kind, "status": "accepted", "justification": justification}]);
        results.push(res);
    }
    let notifications: Vec<Value> =
        r.errors.iter().take(1000).map(|e| json!({"level": "error", "message": {"text": e}})).collect();
    json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "residue",
                "version": env!("CARGO_PKG_VERSION"),
                "semanticVersion": env!("CARGO_PKG_VERSION"),
                "informationUri": "https://github.com/residue-scanner/residue",
                "rules": descriptors,
            }},
            "columnKind": "unicodeCodePoints",
            "results": results,
            "invocations": [{
                "executionSuccessful": r.errors.is_empty(),
                "toolExecutionNotifications": notifications,
                "properties": r.stats,
            }],
        }],
    })
}
