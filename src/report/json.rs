//! JSON (`{"version", "findings", "stats"}`) and JSON Lines (one finding per line) output. The
//! finding object is the same in both and documented in the README.
use std::io::{self, Write};

use serde_json::{json, Map, Value};

use super::Report;
use crate::finding::Finding;

pub const JSON_SCHEMA_VERSION: &str = "1";

/// One finding as a JSON object.
pub fn finding_value(r: &Report, f: &Finding) -> Value {
    let rule = &r.rules.rules()[f.rule];
    let mut o = Map::new();
    o.insert("rule".into(), json!(rule.id));
    o.insert("name".into(), json!(rule.name));
    o.insert("title".into(), json!(rule.title));
    o.insert("category".into(), json!(rule.category.as_str()));
    o.insert("severity".into(), json!(f.severity.as_str()));
    o.insert("confidence".into(), json!(f.confidence.as_str()));
    o.insert("path".into(), json!(f.path));
    o.insert("line".into(), json!(f.line));
    o.insert("column".into(), json!(f.column));
    o.insert("end_line".into(), json!(f.end_line));
    o.insert("end_column".into(), json!(f.end_column));
    if let Some(s) = r.shown_secret(f) {
        o.insert("secret".into(), json!(s));
    }
    o.insert("snippet".into(), json!(f.snippet));
    o.insert("fingerprint".into(), json!(f.fingerprint));
    if let Some(ok) = f.checksum {
        o.insert("checksum".into(), json!(if ok { "valid" } else { "invalid" }));
    }
    let mut tags: Vec<&str> = rule.tags.iter().map(|s| s.as_str()).collect();
    tags.extend(f.tags.iter().map(|s| s.as_str()));
    o.insert("tags".into(), json!(tags));
    if !f.also.is_empty() {
        o.insert("also".into(), json!(f.also));
    }
    if let Some(c) = &f.commit {
        o.insert("commit".into(), json!(c));
    }
    Value::Object(o)
}

pub fn write(r: &Report, w: &mut dyn Write) -> io::Result<()> {
    let findings: Vec<Value> = r.findings.iter().map(|f| finding_value(r, f)).collect();
    let mut doc = json!({
        "version": JSON_SCHEMA_VERSION,
        "tool": {"name": "residue", "version": env!("CARGO_PKG_VERSION")},
        "findings": findings,
        "stats": r.stats,
    });
    if !r.dropped.is_empty() {
        let dropped: Vec<Value> = r
            .dropped
            .iter()
            .map(|(d, f)| {
                let mut v = finding_value(r, f);
                v["dropped"] = json!(d.reason);
                v["reason"] = json!(if d.detail.is_empty() {
                    d.reason.as_str().to_string()
                } else {
                    format!("{}: {}", d.reason.as_str(), d.detail)
                });
                v
            })
            .collect();
        doc["dropped"] = Value::Array(dropped);
    }
    serde_json::to_writer_pretty(&mut *w, &doc)?;
    writeln!(w)
}

pub fn write_lines(r: &Report, w: &mut dyn Write) -> io::Result<()> {
    for f in r.findings {
        serde_json::to_writer(&mut *w, &finding_value(r, f))?;
        writeln!(w)?;
    }
    Ok(())
}
