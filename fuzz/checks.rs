//! The checks behind every fuzz target, one function per target. Each takes arbitrary bytes, must
//! never panic, hang or blow up on them, and panics (so libFuzzer records a crash) only when an
//! invariant breaks. The same file is compiled into the plain test binary (tests/invariants.rs),
//! which replays fuzz/regressions/<target>/ and fuzz/corpus/<target>/ through these functions, so
//! every crash ever found stays fixed without a fuzzing toolchain.
#![allow(dead_code)]
use std::path::PathBuf;
use std::sync::OnceLock;

use residue::baseline::Baseline;
use residue::config::Config;
use residue::finding::{redact, CommitInfo, Finding};
use residue::input::path::FileInfo;
use residue::input::read::text_of;
use residue::report::{Format, Report};
use residue::rules::set::RuleSource;
use residue::rules::{Confidence, RuleSet, Severity};
use residue::scan::{ScanOptions, Scanner, Scratch};
use residue::stats::Stats;

/// Inputs longer than this are cut: the engine is linear, and short inputs keep the prefilter-off
/// comparison (every rule's regex over the whole input) fast enough to fuzz.
const MAX_SCAN: usize = 8 * 1024;

/// Paths that switch on path- and language-scoped rules (the first input byte picks one).
const PATHS: &[&str] = &[
    "src/app.py",
    ".env",
    "deploy/config.yaml",
    "k8s/secret.yaml",
    "main.go",
    "web/index.js",
    "tests/fixtures/creds.json",
    "Dockerfile",
    "README.md",
    ".github/workflows/ci.yml",
    "terraform/main.tf",
    "src/Main.java",
    "notes.txt",
    "id_rsa",
    "config/settings.php",
    "app.log",
];

pub fn builtin() -> &'static RuleSet {
    static RULES: OnceLock<RuleSet> = OnceLock::new();
    RULES.get_or_init(|| RuleSet::builtin().expect("built-in rules load"))
}

/// (rule id, start, end, secret span) of every finding: what must not depend on the code path.
fn key(rules: &RuleSet, f: &Finding) -> (String, usize, usize, Option<String>) {
    (rules.rules()[f.rule].id.clone(), f.start, f.end, f.secret.clone())
}

/// Scanning arbitrary bytes: no panic; the prefilter never changes the findings; every finding
/// is well located; no snippet shows a secret it was built to redact.
pub fn scan_bytes(data: &[u8]) {
    let Some((&sel, rest)) = data.split_first() else { return };
    let rest = &rest[..rest.len().min(MAX_SCAN)];
    let file = FileInfo::from_path_str(PATHS[sel as usize % PATHS.len()]);
    let rules = builtin();
    let mut decoded = Vec::new();
    let hay: &[u8] = match text_of(rest, &mut decoded) {
        Some(t) => t,
        None => rest,
    };
    let hay = hay.to_vec();
    let mut file = file;
    file.refine_with_content(&hay);
    let mut scratch = Scratch::new(rules);
    let on =
        Scanner::new(rules, ScanOptions { explain: true, ..ScanOptions::default() }).scan(&file, &hay, &mut scratch);
    let off = Scanner::new(rules, ScanOptions { prefilter: false, explain: true, ..ScanOptions::default() }).scan(
        &file,
        &hay,
        &mut scratch,
    );
    let mut a: Vec<_> = on.findings.iter().map(|f| key(rules, f)).collect();
    let mut b: Vec<_> = off.findings.iter().map(|f| key(rules, f)).collect();
    a.sort();
    b.sort();
    assert_eq!(a, b, "prefilter on (left) and off (right) disagree on {}", file.path);
    for f in on.findings.iter().chain(on.dropped.iter().map(|(_, f)| f)) {
        assert!(f.line >= 1 && f.column >= 1 && f.end_line >= f.line, "bad location {f:?}");
        assert!(f.start <= f.end && f.end <= hay.len(), "bad span {f:?}");
        assert!(!f.snippet.chars().any(|c| c.is_control() && c != '\t'), "control character in snippet {f:?}");
        if let Some(s) = &f.secret {
            // At most 4 characters of a secret are ever shown: 8 or more in a row is a leak.
            if s.chars().count() >= 8 && !s.contains('\u{FFFD}') {
                assert!(!f.snippet.contains(s.as_str()), "snippet shows the secret: {f:?}");
            }
        }
    }
}

/// Rule files: no panic in parsing, validation, compiling, or scanning each rule's own examples.
pub fn rule_parse(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    let src = [RuleSource { name: "fuzz.toml".into(), text: text.into_owned() }];
    let Ok(set) = RuleSet::from_sources(&src) else { return };
    if !set.compile_all().is_empty() {
        return;
    }
    let scanner = Scanner::new(&set, ScanOptions { explain: true, ..ScanOptions::default() });
    let mut scratch = Scratch::new(&set);
    for r in set.rules() {
        for ex in r.examples.iter().map(|e| &e.input).chain(r.negative_examples.iter().map(|e| &e.input)) {
            let file = FileInfo::from_path_str(r.default_example_path());
            let _ = scanner.scan(&file, &ex.as_bytes()[..ex.len().min(MAX_SCAN)], &mut scratch);
        }
    }
}

const SMALL_RULES: &str = r#"
[[rule]]
id = "SEC9001"
name = "fuzz-token"
title = "Fuzz token"
category = "secret"
severity = "high"
confidence = "high"
keywords = ["fuzz_"]
regex = '''fuzz_(?P<secret>[a-z0-9]{16})'''
description = "A token for fuzzing."
remediation = "Rotate it."
[[rule.example]]
input = "t = fuzz_0123456789abcdef"
secret = "fuzz_0123456789abcdef"
[[rule.negative_example]]
input = "t = fuzz_short"
reason = "too short"
"#;

/// Configs (`.residue.toml`, and gitleaks configs through the importer): no panic in parsing,
/// validating, translating or applying them to a rule set.
pub fn config_parse(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    if residue::config::import::looks_like_gitleaks(&text) {
        if let Ok(imported) = residue::config::import::translate("fuzz.toml", &text) {
            let _ = Config::parse("fuzz.toml (translated)", &imported.text, PathBuf::from("/fuzz"));
        }
    }
    let Ok(cfg) = Config::parse("fuzz.toml", &text, PathBuf::from("/fuzz")) else { return };
    let _ = cfg.exclude();
    let _ = cfg.suppress();
    let _ = cfg.baseline_path();
    let rules = RuleSet::from_sources(&[RuleSource { name: "small.toml".into(), text: SMALL_RULES.into() }])
        .expect("small rules load");
    if let Ok((set, _warnings)) = cfg.apply_rules(rules) {
        let _ = set.compile_all();
    }
}

/// Baselines: no panic; what parses renders to a file that parses back to the same fingerprints.
pub fn baseline_parse(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    let Ok(b) = Baseline::parse("fuzz-baseline", &text) else { return };
    let again = Baseline::parse("rendered", &b.render()).expect("a rendered baseline parses");
    let fps = |b: &Baseline| b.entries().map(|e| e.fingerprint.clone()).collect::<std::collections::BTreeSet<_>>();
    assert_eq!(fps(&b), fps(&again));
    for e in b.entries() {
        assert!(again.contains(&e.fingerprint));
    }
}

/// Splits `data` into `n` fields at 0xFF bytes (missing fields are empty).
fn fields(data: &[u8], n: usize) -> Vec<&[u8]> {
    let mut v: Vec<&[u8]> = data.splitn(n, |&b| b == 0xFF).collect();
    v.resize(n, &[]);
    v
}

/// Every string value in a JSON document.
fn strings(v: &serde_json::Value, out: &mut Vec<String>) {
    match v {
        serde_json::Value::String(s) => out.push(s.clone()),
        serde_json::Value::Array(a) => a.iter().for_each(|x| strings(x, out)),
        serde_json::Value::Object(o) => o.iter().for_each(|(k, x)| {
            out.push(k.clone());
            strings(x, out)
        }),
        _ => {}
    }
}

/// Report writers: findings with arbitrary paths, snippets, secrets, commit data and error
/// messages (invalid UTF-8 made lossy, control characters, huge numbers) always give valid JSON,
/// JSON Lines and SARIF that parse back with every finding; no secret appears without
/// `show_secrets`; text output carries no control character but newlines.
pub fn report_write(data: &[u8]) {
    let Some((&head, rest)) = data.split_first() else { return };
    let rules = builtin();
    let lossy = |b: &[u8]| String::from_utf8_lossy(b).into_owned();
    let mut findings = Vec::new();
    for (i, chunk) in rest.split(|&b| b == 0xFE).take(64).enumerate() {
        let f = fields(chunk, 6);
        let num = |k: usize| f[0].get(k).copied().unwrap_or(0) as usize;
        let secret = if num(0) % 3 == 0 { None } else { Some(lossy(f[2])) };
        findings.push(Finding {
            rule: (num(1) * 256 + num(2)) % rules.len(),
            path: lossy(f[1]),
            line: num(3) + 1,
            column: num(4) + 1,
            end_line: num(3) + 1 + num(5),
            end_column: if num(6) == 255 { usize::MAX } else { num(6) },
            start: i,
            end: i + num(7),
            secret,
            // Snippets come out of `location::snippet` with control characters replaced.
            snippet: lossy(f[3]).chars().map(|c| if c.is_control() && c != '\t' { '\u{FFFD}' } else { c }).collect(),
            fingerprint: format!("{:032x}", i),
            severity: [Severity::Low, Severity::Medium, Severity::High, Severity::Critical][num(8) % 4],
            confidence: [Confidence::Low, Confidence::Medium, Confidence::High][num(9) % 3],
            checksum: [None, Some(true), Some(false)][num(10) % 3],
            tags: vec![lossy(f[4])],
            also: Vec::new(),
            commit: (num(11) % 2 == 1).then(|| CommitInfo {
                id: lossy(f[5]),
                author: lossy(f[4]),
                email: lossy(f[5]),
                time: lossy(f[4]),
            }),
        });
    }
    residue::report::sort_findings(&mut findings, rules);
    let errors = vec![lossy(rest)];
    let stats = Stats { files_seen: head as u64, errors: 1, ..Stats::default() };
    let show_secrets = head & 1 == 1;
    let report =
        Report { rules, findings: &findings, dropped: &[], stats: &stats, show_secrets, color: false, errors: &errors };
    // A secret may legitimately appear where the input put it elsewhere (path, snippet, ...).
    let elsewhere = |s: &str| {
        findings.iter().any(|f| {
            f.path.contains(s)
                || f.snippet.contains(s)
                || f.tags.iter().any(|t| t.contains(s))
                || f.commit.as_ref().is_some_and(|c| c.id.contains(s) || c.author.contains(s))
        }) || errors.iter().any(|e| e.contains(s))
    };
    let leaks = |doc_strings: &[String], what: &str| {
        if show_secrets {
            return;
        }
        for f in &findings {
            let Some(s) = &f.secret else { continue };
            if s.chars().count() < 8 || elsewhere(s) || rules.rules().iter().any(|r| r.description.contains(s.as_str()))
            {
                continue;
            }
            assert!(!doc_strings.iter().any(|d| d.contains(s.as_str())), "{what} shows secret {s:?}");
            if what == "json" || what == "jsonl" {
                assert!(doc_strings.iter().any(|d| d == &redact(s)), "{what} lacks {:?}", redact(s));
            }
        }
    };
    for format in [Format::Json, Format::Jsonl, Format::Sarif, Format::Text] {
        let mut out = Vec::new();
        report.write(format, &mut out).expect("writing to memory");
        let text = String::from_utf8(out).expect("reports are UTF-8");
        match format {
            Format::Json | Format::Sarif => {
                let doc: serde_json::Value = serde_json::from_str(&text).expect("valid JSON");
                let n = if format == Format::Json {
                    doc["findings"].as_array().expect("findings array").len()
                } else {
                    doc["runs"][0]["results"].as_array().expect("results array").len()
                };
                assert_eq!(n, findings.len(), "{format:?} lost findings");
                let mut s = Vec::new();
                strings(&doc, &mut s);
                leaks(&s, if format == Format::Json { "json" } else { "sarif" });
            }
            Format::Jsonl => {
                let mut s = Vec::new();
                let mut n = 0;
                for line in text.lines() {
                    let v: serde_json::Value = serde_json::from_str(line).expect("valid JSON line");
                    strings(&v, &mut s);
                    n += 1;
                }
                assert_eq!(n, findings.len(), "jsonl lost findings");
                leaks(&s, "jsonl");
            }
            Format::Text => {
                if let Some(c) = text.chars().find(|&c| c.is_control() && c != '\n') {
                    panic!("text output carries control character {c:?}");
                }
                leaks(std::slice::from_ref(&text), "text");
            }
        }
    }
}
