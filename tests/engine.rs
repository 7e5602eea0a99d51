//! Engine cases as data (tests/data/engine/*.toml): each case has its own rules, an input (with
//! optional encoding and long repeated padding) and the exact findings expected. Every case runs
//! through every code path that must agree: in memory, read from a file, memory-mapped, with the
//! prefilter off, and through the history sweep's chunk memo (searching, then replaying). All failures are reported together.
use std::path::Path;

use residue::input::path::FileInfo;
use residue::input::read::{Loaded, ReadLimits, Reader};
use residue::rules::set::RuleSource;
use residue::rules::RuleSet;
use residue::scan::memo::ChunkMemo;
use residue::scan::{ScanOptions, Scanner, Scratch};
use serde::Deserialize;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CaseFile {
    case: Vec<Case>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Case {
    name: String,
    rules: String,
    input: String,
    #[serde(default)]
    path: Option<String>,
    /// utf8 (default), utf8-bom, utf16le, utf16be, utf16le-bom, utf16be-bom, binary (a NUL first)
    #[serde(default)]
    encoding: Option<String>,
    #[serde(default)]
    prefix: Option<Repeat>,
    #[serde(default)]
    suffix: Option<Repeat>,
    #[serde(default)]
    skipped: bool,
    #[serde(default)]
    expect: Vec<Expect>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Repeat {
    text: String,
    count: usize,
}

#[derive(Deserialize, Debug, PartialEq, Eq, PartialOrd, Ord, Clone)]
#[serde(deny_unknown_fields)]
struct Expect {
    rule: String,
    line: usize,
    column: usize,
    #[serde(default)]
    secret: Option<String>,
    #[serde(default)]
    also: Vec<String>,
}

fn encode(text: &str, enc: &str) -> Vec<u8> {
    let utf16 = |le: bool, bom: bool| {
        let mut v = Vec::new();
        if bom {
            v.extend_from_slice(if le { &[0xFF, 0xFE] } else { &[0xFE, 0xFF] });
        }
        for u in text.encode_utf16() {
            v.extend_from_slice(&if le { u.to_le_bytes() } else { u.to_be_bytes() });
        }
        v
    };
    match enc {
        "utf8" => text.as_bytes().to_vec(),
        "utf8-bom" => [&[0xEF, 0xBB, 0xBF][..], text.as_bytes()].concat(),
        "utf16le" => utf16(true, false),
        "utf16be" => utf16(false, false),
        "utf16le-bom" => utf16(true, true),
        "utf16be-bom" => utf16(false, true),
        "binary" => [&b"\x00\x01\x02\x03"[..], text.as_bytes()].concat(),
        other => panic!("unknown encoding {other}"),
    }
}

fn findings(scanner: &Scanner, rules: &RuleSet, path: &str, bytes: &[u8]) -> Vec<Expect> {
    let mut file = FileInfo::from_path_str(path);
    file.refine_with_content(bytes);
    let mut scratch = Scratch::new(rules);
    let mut out: Vec<Expect> = scanner
        .scan(&file, bytes, &mut scratch)
        .findings
        .into_iter()
        .map(|f| Expect {
            rule: rules.rules()[f.rule].id.clone(),
            line: f.line,
            column: f.column,
            secret: f.secret.clone(),
            also: f.also.clone(),
        })
        .collect();
    out.sort();
    out
}

fn run_case(case: &Case, dir: &Path, failures: &mut Vec<String>) {
    let rules = match RuleSet::from_sources(&[RuleSource { name: case.name.clone(), text: case.rules.clone() }]) {
        Ok(r) => r,
        Err(e) => return failures.push(format!("{}: rules: {e}", case.name)),
    };
    for e in rules.compile_all() {
        failures.push(format!("{}: {e}", case.name));
    }
    let mut text = String::new();
    if let Some(p) = &case.prefix {
        text.push_str(&p.text.repeat(p.count));
    }
    text.push_str(&case.input);
    if let Some(s) = &case.suffix {
        text.push_str(&s.text.repeat(s.count));
    }
    let bytes = encode(&text, case.encoding.as_deref().unwrap_or("utf8"));
    let path = case.path.clone().unwrap_or_else(|| "src/example".into());
    let mut want = case.expect.clone();
    want.sort();

    let on = Scanner::new(&rules, ScanOptions::default());
    let off = Scanner::new(&rules, ScanOptions { prefilter: false, ..ScanOptions::default() });
    // The history sweep's chunk memo: the first scan searches and remembers, the second replays.
    let memo = ChunkMemo::new();
    let memo_on = Scanner::new(&rules, ScanOptions::default()).with_memo(&memo);
    let file = dir.join(case.name.replace(|c: char| !c.is_ascii_alphanumeric(), "_"));
    std::fs::write(&file, &bytes).unwrap();
    for (how, threshold) in [("read", u64::MAX), ("mmap", 0)] {
        let mut reader = Reader::new();
        let limits = ReadLimits { max_file_size: 0, mmap_threshold: threshold };
        match reader.load(&file, bytes.len() as u64, &limits) {
            Err(e) => failures.push(format!("{} [{how}]: {e}", case.name)),
            Ok(Loaded::Skipped(why)) => {
                if !case.skipped {
                    failures.push(format!("{} [{how}]: skipped as {why:?}", case.name));
                }
            }
            Ok(Loaded::Text(blob)) => {
                if case.skipped {
                    failures.push(format!("{} [{how}]: expected a skip, got text", case.name));
                    continue;
                }
                let modes = [("prefilter", &on), ("whole", &off), ("memo-search", &memo_on), ("memo-replay", &memo_on)];
                for (mode, scanner) in modes {
                    let got = findings(scanner, &rules, &path, blob.bytes());
                    if got != want {
                        failures.push(format!("{} [{how}, {mode}]:\n  want {want:?}\n  got  {got:?}", case.name));
                    }
                }
            }
        }
    }
}

#[test]
fn engine_cases() {
    let dir = tempfile::tempdir().unwrap();
    let mut failures = Vec::new();
    let mut count = 0;
    let data = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/engine");
    let mut files: Vec<_> = std::fs::read_dir(&data).unwrap().map(|e| e.unwrap().path()).collect();
    files.sort();
    for f in files {
        let text = std::fs::read_to_string(&f).unwrap();
        let cases: CaseFile = toml::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", f.display()));
        for case in &cases.case {
            count += 1;
            run_case(case, dir.path(), &mut failures);
        }
    }
    assert!(count >= 15, "only {count} engine cases found");
    assert!(failures.is_empty(), "{} engine case failures:\n{}", failures.len(), failures.join("\n"));
}

/// The chunk memo over the whole built-in rule set: every rule's examples, in several edited
/// versions of one file (as a history holds them), give the same findings with the memo (which
/// replays the hits of chunks seen in an earlier version) as without it.
#[test]
fn chunk_memo_matches_a_full_keyword_pass() {
    let rules = RuleSet::builtin().unwrap();
    let inputs: Vec<String> = rules.rules().iter().flat_map(|r| r.examples.iter().map(|e| e.input.clone())).collect();
    let mut base = String::new();
    for (i, inp) in inputs.iter().enumerate() {
        base.push_str(&format!("// block {i}\n{inp}\n"));
    }
    let lines: Vec<&str> = base.lines().collect();
    let mut versions = vec![base.clone()];
    // An inserted line near the start, a deleted block in the middle, a changed line near the end,
    // and the blocks reversed (every chunk boundary moves).
    versions.push(format!("let inserted = 1;\n{base}"));
    let (a, b) = (lines.len() / 3, lines.len() / 3 + 7);
    versions.push([&lines[..a], &lines[b..]].concat().join("\n"));
    let mut changed: Vec<String> = lines.iter().map(|l| l.to_string()).collect();
    let n = changed.len();
    changed[n - 5].push_str(" // edited");
    versions.push(changed.join("\n"));
    versions.push(inputs.iter().rev().cloned().collect::<Vec<_>>().join("\n"));
    let memo = ChunkMemo::new();
    let plain = Scanner::new(&rules, ScanOptions::default());
    let with_memo = Scanner::new(&rules, ScanOptions::default()).with_memo(&memo);
    for path in ["src/app.py", "config/settings.yaml", "Dockerfile"] {
        for (i, v) in versions.iter().enumerate() {
            let want = findings(&plain, &rules, path, v.as_bytes());
            assert!(!want.is_empty());
            let got = findings(&with_memo, &rules, path, v.as_bytes());
            assert_eq!(got, want, "version {i} at {path}");
        }
    }
    assert!(memo.skipped.load(std::sync::atomic::Ordering::Relaxed) > 0, "the memo never replayed a chunk");
}
