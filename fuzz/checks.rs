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

/// A small repository made once per process with the git CLI (never per input), and the ids the
/// `git_objects` check needs to aim its corruption.
struct GitTemplate {
    /// Every blob of HEAD's tree in loose objects (and one more, staged, in the index).
    loose: PathBuf,
    /// The same history with its blobs in one pack (two of them deltified); trees and commits loose.
    packed: PathBuf,
    /// Distinct blob ids in HEAD's tree, the commit, its root tree, and the blob only the index has.
    blobs: Vec<String>,
    commit: String,
    tree: String,
    staged_blob: String,
}

fn git(dir: &std::path::Path, args: &[&str], stdin: Option<&str>) -> String {
    use std::io::Write;
    use std::process::{Command, Stdio};
    let mut child = Command::new("git")
        .args(args)
        .current_dir(dir)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_AUTHOR_NAME", "Fuzz")
        .env("GIT_AUTHOR_EMAIL", "fuzz@example.com")
        .env("GIT_COMMITTER_NAME", "Fuzz")
        .env("GIT_COMMITTER_EMAIL", "fuzz@example.com")
        .env("GIT_AUTHOR_DATE", "2024-01-01T00:00:00+00:00")
        .env("GIT_COMMITTER_DATE", "2024-01-01T00:00:00+00:00")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run git");
    if let Some(s) = stdin {
        child.stdin.take().expect("stdin").write_all(s.as_bytes()).expect("git stdin");
    }
    drop(child.stdin.take());
    let o = child.wait_with_output().expect("git output");
    assert!(o.status.success(), "git {args:?}: {}", String::from_utf8_lossy(&o.stderr));
    String::from_utf8_lossy(&o.stdout).trim().to_string()
}

/// Scratch space for repositories: /dev/shm when there is one (each input copies a few files).
fn scratch_root() -> PathBuf {
    let shm = std::path::Path::new("/dev/shm");
    let base = if shm.is_dir() { shm.to_path_buf() } else { std::env::temp_dir() };
    base.join(format!("residue-fuzz-git-{}", std::process::id()))
}

fn git_template() -> &'static GitTemplate {
    static T: OnceLock<GitTemplate> = OnceLock::new();
    T.get_or_init(|| {
        let root = scratch_root();
        let _ = std::fs::remove_dir_all(&root);
        let make = |name: &str| {
            let d = root.join(name);
            std::fs::create_dir_all(d.join("src")).expect("template dir");
            git(&d, &["init", "-q", "-b", "main", "."], None);
            // Two ~2 KB files one line apart, so `pack-objects` stores one as a delta of the other.
            let body: String = (0..60).map(|i| format!("line {i}: nothing secret here at all\n")).collect();
            std::fs::write(d.join("README.md"), format!("# demo\n{body}")).unwrap();
            std::fs::write(d.join("src/notes.md"), format!("# notes\n{body}")).unwrap();
            std::fs::write(d.join("src/app.py"), "import os\nKEY = os.environ['KEY']\n").unwrap();
            std::fs::write(d.join("logo.bin"), b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0").unwrap();
            git(&d, &["add", "-A"], None);
            git(&d, &["commit", "-q", "-m", "first"], None);
            d
        };
        let loose = make("loose");
        std::fs::write(loose.join("src/app.py"), "import os\nKEY = os.environ['KEY']\nDEBUG = 1\n").unwrap();
        git(&loose, &["add", "src/app.py"], None);
        let staged_blob = git(&loose, &["rev-parse", ":src/app.py"], None);
        let packed = make("packed");
        let commit = git(&packed, &["rev-parse", "HEAD"], None);
        let tree = git(&packed, &["rev-parse", "HEAD^{tree}"], None);
        let mut blobs: Vec<String> =
            git(&packed, &["ls-tree", "-r", "--object-only", "HEAD"], None).lines().map(|s| s.to_string()).collect();
        blobs.sort();
        blobs.dedup();
        git(&packed, &["pack-objects", "-q", ".git/objects/pack/pack"], Some(&(blobs.join("\n") + "\n")));
        for b in &blobs {
            std::fs::remove_file(packed.join(".git/objects").join(&b[..2]).join(&b[2..])).expect("loose blob");
        }
        GitTemplate { loose, packed, blobs, commit, tree, staged_blob }
    })
}

/// zlib with stored (uncompressed) deflate blocks: any bytes become a valid zlib stream.
pub fn zlib_stored(data: &[u8]) -> Vec<u8> {
    let mut out = vec![0x78, 0x01];
    let mut chunks = data.chunks(0xFFFF).peekable();
    if chunks.peek().is_none() {
        out.extend_from_slice(&[1, 0, 0, 0xFF, 0xFF]);
    }
    while let Some(c) = chunks.next() {
        out.push(u8::from(chunks.peek().is_none()));
        let n = c.len() as u16;
        out.extend_from_slice(&n.to_le_bytes());
        out.extend_from_slice(&(!n).to_le_bytes());
        out.extend_from_slice(c);
    }
    let (mut a, mut b) = (1u32, 0u32);
    for &x in data {
        a = (a + x as u32) % 65521;
        b = (b + a) % 65521;
    }
    out.extend_from_slice(&((b << 16) | a).to_be_bytes());
    out
}

fn copy_dir(from: &std::path::Path, to: &std::path::Path) {
    std::fs::create_dir_all(to).expect("mkdir");
    for e in std::fs::read_dir(from).expect("read_dir") {
        let e = e.expect("dir entry");
        let dst = to.join(e.file_name());
        if e.file_type().expect("file type").is_dir() {
            copy_dir(&e.path(), &dst);
        } else {
            // libFuzzer's timeout alarm (SIGALRM) can interrupt the copy: retry, as std does
            // for plain reads and writes. Unretried, it was the "deadly signal" of two runs.
            loop {
                match std::fs::copy(e.path(), &dst) {
                    Err(err) if err.kind() == std::io::ErrorKind::Interrupted => continue,
                    r => break r.map(drop).expect("copy"),
                }
            }
        }
    }
}

/// True when `msg` holds a full object id (40 hex digits) after "tree", "commit", "blob" or "object".
fn names_an_object(msg: &str) -> bool {
    let words: Vec<&str> = msg.split(|c: char| c.is_whitespace() || c == ':' || c == ',').collect();
    words.windows(2).any(|w| {
        ["tree", "commit", "blob", "object"].contains(&w[0])
            && w[1].len() == 40
            && w[1].bytes().all(|b| b.is_ascii_hexdigit())
    })
}

fn loose_path(repo: &std::path::Path, id: &str) -> PathBuf {
    repo.join(".git/objects").join(&id[..2]).join(&id[2..])
}

fn file_with_ext(dir: &std::path::Path, ext: &str) -> PathBuf {
    std::fs::read_dir(dir)
        .expect("pack dir")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .find(|p| p.extension().is_some_and(|x| x == ext))
        .expect("pack file")
}

/// Overwrites `file` from an offset picked by the first two bytes of `data` with the rest (and
/// truncates it there first when `truncate`), keeping the damage inside the file's length.
fn overlay(file: &std::path::Path, data: &[u8], truncate: bool) {
    let mut bytes = std::fs::read(file).expect("read");
    let (pos, patch) = match data {
        [a, b, rest @ ..] => (u16::from_le_bytes([*a, *b]) as usize % bytes.len().max(1), rest),
        _ => (0, data),
    };
    if truncate {
        bytes.truncate(pos);
    }
    let end = (pos + patch.len()).min(bytes.len());
    bytes[pos.min(end)..end].copy_from_slice(&patch[..end - pos.min(end)]);
    std::fs::write(file, bytes).expect("write");
}

/// Git input that residue reads through gix (`--history`, `--staged`), damaged by the input: the
/// first byte picks what to corrupt, the rest is the damage (see the match below). Checks: no
/// panic, hang or unbounded allocation; a failed scan says what it was reading; a damaged tree or
/// commit never fails a `--history` sweep (it is a counted error naming an object id, and the
/// sweep goes on); and where only blobs are damaged (trees and commits intact) every blob of the
/// tree is accounted for, as scanned, skipped or a counted error naming the blob (never silently
/// lost), so the exit code says 2 when one could not be read.
pub fn git_objects(data: &[u8]) {
    use residue::input::git::{GitOptions, GitTarget};
    static LOCK: std::sync::Mutex<()> = std::sync::Mutex::new(());
    let _guard = LOCK.lock().unwrap_or_else(|e| e.into_inner());
    let Some((&sel, rest)) = data.split_first() else { return };
    let rest = &rest[..rest.len().min(MAX_SCAN)];
    let t = git_template();
    const MODES: u8 = 13;
    let mode = sel % MODES;
    let work = scratch_root().join("work");
    let _ = std::fs::remove_dir_all(&work);
    let packed = (6..=8).contains(&mode);
    copy_dir(if packed { &t.packed } else { &t.loose }, &work);
    // The blob to damage in the blob modes.
    let blob = &t.blobs[(sel / MODES) as usize % t.blobs.len()];
    let declared = |d: &[u8]| {
        let n = d.get(..4).map_or(0, |b| u32::from_le_bytes([b[0], b[1], b[2], b[3]]));
        let mut v = format!("blob {n}\0").into_bytes();
        v.extend_from_slice(d.get(4..).unwrap_or_default());
        v
    };
    let write = |p: PathBuf, bytes: &[u8]| std::fs::write(p, bytes).expect("write");
    let staged = mode >= 10;
    let pack_dir = work.join(".git/objects/pack");
    // `strict`: only blobs are damaged (trees and commits intact), so every blob must be accounted for.
    let strict = match mode {
        // A loose blob: raw bytes, any zlib content, a blob header with any declared size.
        0 => {
            write(loose_path(&work, blob), rest);
            true
        }
        1 => {
            write(loose_path(&work, blob), &zlib_stored(rest));
            true
        }
        2 => {
            write(loose_path(&work, blob), &zlib_stored(&declared(rest)));
            true
        }
        // The root tree or the commit: any zlib content, or raw bytes.
        3 => {
            write(loose_path(&work, &t.tree), &zlib_stored(rest));
            false
        }
        4 => {
            write(loose_path(&work, &t.commit), &zlib_stored(rest));
            false
        }
        5 => {
            let id = if rest.first().is_some_and(|b| b & 1 == 1) { &t.commit } else { &t.tree };
            write(loose_path(&work, id), rest);
            false
        }
        // The pack holding the blobs: overwritten somewhere, truncated there; its index overwritten.
        6 => {
            overlay(&file_with_ext(&pack_dir, "pack"), rest, false);
            true
        }
        7 => {
            overlay(&file_with_ext(&pack_dir, "pack"), rest, true);
            true
        }
        8 => {
            overlay(&file_with_ext(&pack_dir, "idx"), rest, false);
            true
        }
        // A ref: the branch file, packed-refs, HEAD.
        9 => {
            let f = ["refs/heads/main", "packed-refs", "HEAD"][rest.first().map_or(0, |&b| b as usize % 3)];
            write(work.join(".git").join(f), rest.get(1..).unwrap_or_default());
            false
        }
        // --staged: the index as raw bytes, the real index overwritten, the staged blob damaged.
        10 => {
            write(work.join(".git/index"), rest);
            false
        }
        11 => {
            overlay(&work.join(".git/index"), rest, false);
            false
        }
        _ => {
            write(loose_path(&work, &t.staged_blob), &zlib_stored(&declared(rest)));
            true
        }
    };
    let rules = builtin();
    let scanner = Scanner::new(rules, ScanOptions::default());
    let out = residue::input::walk::Collected::default();
    let target = if staged {
        GitTarget::Staged { repo: work.clone() }
    } else {
        GitTarget::History { repo: work.clone(), all_objects: sel & 0x80 != 0 }
    };
    let opts = GitOptions { threads: 1, max_file_size: 1 << 20, progress: false, exclude: None };
    let res = residue::input::git::run(&target, &opts, &scanner, &out);
    let s = out.counters.snapshot();
    let errors = out.errors.lock().unwrap_or_else(|e| e.into_inner()).clone();
    assert_eq!(s.errors as usize, errors.len(), "every counted error has a message: {errors:?}");
    for e in &errors {
        assert!(!e.trim().is_empty() && !e.chars().any(|c| c.is_control()), "unclear error {e:?}");
    }
    // Damage to the root tree or the commit (modes 3 to 5) is counted, never fatal, and every
    // error it gives names the object it could not read (the tree, the commit, or whatever id
    // the damaged bytes point at). Whether there is an error at all depends on the bytes: a
    // damaged object can still decode as a valid tree or commit (git ids are not re-hashed).
    if (3..=5).contains(&mode) {
        if let Err(e) = &res {
            panic!("mode {mode}: a damaged tree or commit failed the sweep: {e}");
        }
        for e in &errors {
            assert!(names_an_object(e), "mode {mode}: error names no object id: {e}");
        }
    }
    match res {
        Err(e) => {
            assert!(!strict, "mode {mode}: only blobs were damaged, yet the scan failed: {e}");
            assert!(!e.to_string().trim().is_empty(), "empty error message");
        }
        Ok(_) if strict => {
            // HEAD's blobs for --history (unreachable objects may add more with --all-objects);
            // the one changed file for --staged.
            let expected = if staged { 1 } else { t.blobs.len() as u64 };
            let accounted = s.files_scanned + s.files_skipped.values().sum::<u64>() + s.errors;
            if sel & 0x80 == 0 || staged {
                assert_eq!(accounted, expected, "mode {mode}: blobs lost: {s:?} {errors:?}");
            } else {
                assert!(accounted >= expected, "mode {mode}: blobs lost: {s:?} {errors:?}");
            }
            for e in &errors {
                // With --all-objects a damaged pack index can list ids no ref reaches; their
                // errors name them as unreachable.
                assert!(
                    t.blobs.iter().chain([&t.staged_blob]).any(|b| e.contains(b.as_str()))
                        || (sel & 0x80 != 0 && e.starts_with("<unreachable>/")),
                    "mode {mode}: error names no blob: {e}"
                );
            }
        }
        Ok(_) => {}
    }
    let _ = std::fs::remove_dir_all(&work);
}
