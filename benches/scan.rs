//! Throughput of each stage and of whole blobs, in bytes per second (`Throughput::Bytes`), on a
//! corpus generated from a fixed seed at run time (no secret literal is committed). Every
//! benchmark first checks its expected count (hits, matches or findings), so a wrong answer fails
//! instead of looking fast.
//!
//! - `prefilter`: the keyword pass alone over secret-free source code (the DFA, built up front).
//! - `confirm`: the generic rule's regex on the windows around its keyword hits, in code dense
//!   with `password = ...` assignments.
//! - `entropy`: Shannon entropy of 40-byte values.
//! - `blob`: the whole engine (prefilter, confirm, filter, locate) on secret-free source code,
//!   source dense with planted provider secrets, one-line minified JavaScript, and binary bytes
//!   (sniffed and skipped, as the walk does).
//!
//! `cargo bench --bench scan` runs everything; `cargo bench --bench scan -- blob` one group.
//! Results, with machine and date, are kept in benches/README.md.
use std::hint::black_box;

use criterion::{Criterion, Throughput};
use residue::input::path::FileInfo;
use residue::input::read::text_of;
use residue::rules::{Category, RuleSet};
use residue::scan::confirm::{confirm, RawMatch, RuleState};
use residue::scan::entropy::shannon;
use residue::scan::prefilter::Hit;
use residue::scan::{ScanOptions, Scanner, Scratch};
use residue::testkit::{aws_key_id, github_token, Rng, ALNUM};

const SEED: u64 = 0x5EED_2026;

/// Words for identifiers: ordinary code vocabulary, none of them a rule keyword.
const WORDS: &[&str] = &[
    "count", "index", "value", "result", "buffer", "offset", "length", "width", "height", "total", "state", "node",
    "tree", "child", "parent", "item", "items", "entry", "table", "row", "column", "cursor", "range", "limit", "start",
    "finish", "left", "right", "merge", "split", "parse", "render", "layout", "frame", "scale", "point", "shape",
];

/// One line of ordinary code (Python, Go or JavaScript flavoured) with no secret and no keyword.
fn code_line(rng: &mut Rng) -> String {
    let (a, b, c) = (rng.pick(WORDS), rng.pick(WORDS), rng.pick(WORDS));
    match rng.below(8) {
        0 => format!("def {a}_{b}({c}, {a}):\n"),
        1 => format!("    {a}_{b} = {c}.{a}({b}) + {}\n", rng.below(1000)),
        2 => format!("    for {a} in range(len({b}_{c})):\n"),
        3 => format!("func ({a} *{b}) {c}({a} int) int {{ return {a} * {} }}\n", rng.below(64)),
        4 => format!("\tif {a}.{b} > {c}.{a} {{\n\t\t{b}++\n\t}}\n"),
        5 => format!("const {a}{b} = ({c}) => {c}.map(({a}) => {a}.{b});\n"),
        6 => format!("# {a} the {b} before the {c} is computed\n"),
        _ => "\n".to_string(),
    }
}

/// Secret-free source code of at least `size` bytes.
fn source(rng: &mut Rng, size: usize) -> Vec<u8> {
    let mut s = String::with_capacity(size + 128);
    while s.len() < size {
        s.push_str(&code_line(rng));
    }
    s.into_bytes()
}

/// Source with a planted secret every ~10 lines: (bytes, GitHub tokens planted, AWS ids planted).
fn dense(rng: &mut Rng, size: usize) -> (Vec<u8>, usize, usize) {
    let mut s = String::with_capacity(size + 256);
    let (mut gh, mut aws) = (0, 0);
    while s.len() < size {
        for _ in 0..9 {
            s.push_str(&code_line(rng));
        }
        if rng.below(2) == 0 {
            s.push_str(&format!("GITHUB_TOKEN = \"{}\"\n", github_token(rng)));
            gh += 1;
        } else {
            s.push_str(&format!("aws_access_key_id = \"{}\"\n", aws_key_id(rng)));
            aws += 1;
        }
    }
    (s.into_bytes(), gh, aws)
}

/// Minified JavaScript: one line, no newline, short names, no secrets.
fn minified(rng: &mut Rng, size: usize) -> Vec<u8> {
    let mut s = String::with_capacity(size + 128);
    while s.len() < size {
        let (a, b) = (rng.pick(WORDS), rng.pick(WORDS));
        let n = rng.below(100);
        s.push_str(&match rng.below(4) {
            0 => format!("function {a}(e,t){{return e.{b}+t*{n}}}"),
            1 => format!("var {a}{n}=[{n},\"{b}\",{{{a}:{n}}}];"),
            2 => format!("if(e.{a}>{n}){{t.{b}(e)}}else{{t.{a}=null}}"),
            _ => format!("{a}.prototype.{b}=function(){{return this.{a}}};"),
        });
    }
    s.into_bytes()
}

/// Code dense with generic assignments: (bytes, values planted). Values are random base62, so
/// the generic rule's regex matches each one.
fn assignments(rng: &mut Rng, size: usize) -> (Vec<u8>, usize) {
    let mut s = String::with_capacity(size + 128);
    let mut n = 0;
    while s.len() < size {
        for _ in 0..3 {
            s.push_str(&code_line(rng));
        }
        s.push_str(&format!("db_password = \"{}\"\n", rng.string(ALNUM, 24)));
        n += 1;
    }
    (s.into_bytes(), n)
}

fn count_hits(rules: &RuleSet, hay: &[u8]) -> usize {
    let mut n = 0;
    rules.prefilter().for_each_hit(hay, |_, _| n += 1);
    n
}

fn main() {
    let mut c = Criterion::default().configure_from_args();
    let rules = RuleSet::builtin().expect("built-in rules");
    let scanner = Scanner::new(&rules, ScanOptions::default());
    let mut scratch = Scratch::new(&rules);
    let mut rng = Rng::new(SEED);
    let py = FileInfo::from_path_str("src/app.py");
    let js = FileInfo::from_path_str("static/app.min.js");

    let code = source(&mut rng, 4 << 20);
    let (dense, gh, aws) = dense(&mut rng, 1 << 20);
    let mini = minified(&mut rng, 2 << 20);
    let binary: Vec<u8> = (0..4 << 20).map(|_| rng.next() as u8).collect();
    let (assign, planted) = assignments(&mut rng, 1 << 20);

    // Warm the lazy automaton past its NFA phase so `prefilter` times the DFA, as on a big tree.
    let warm = source(&mut rng, (residue::scan::prefilter::DFA_AFTER_BYTES as usize) + 1);
    black_box(count_hits(&rules, &warm));

    // Checks before timing.
    let code_hits = count_hits(&rules, &code);
    let found = scanner.scan(&py, &code, &mut scratch).findings;
    assert!(found.is_empty(), "secret-free code has findings: {:?}", found.iter().map(|f| f.rule).collect::<Vec<_>>());
    let found = scanner.scan(&py, &dense, &mut scratch).findings;
    let by_name = |name: &str| {
        let r = rules.rules().iter().position(|r| r.name == name).unwrap_or_else(|| panic!("no rule {name}"));
        found.iter().filter(|f| f.rule == r).count()
    };
    assert_eq!(by_name("github-classic-pat"), gh, "GitHub tokens found");
    assert_eq!(by_name("aws-access-key-id"), aws, "AWS key ids found");
    let secrets = found.iter().filter(|f| rules.rules()[f.rule].category == Category::Secret).count();
    assert_eq!(secrets, gh + aws, "one finding per planted secret");
    let found = scanner.scan(&js, &mini, &mut scratch).findings;
    assert!(found.is_empty(), "minified JS has findings: {:?}", found.iter().map(|f| f.rule).collect::<Vec<_>>());
    let mut tmp = Vec::new();
    assert!(text_of(&binary, &mut tmp).is_none(), "random bytes sniff as binary");
    let bin_file = FileInfo::from_path_str("lib/blob.bin");
    // Random bytes hold chance keyword hits but whatever they yield is fixed by the seed.
    let bin_found = scanner.scan(&bin_file, &binary, &mut scratch).findings.len();

    let generic = rules.rules().iter().position(|r| r.name == "generic-secret-assignment").expect("generic rule");
    let gc = rules.rules()[generic].compiled().expect("generic rule compiles");
    let mut ghits: Vec<Hit> = Vec::new();
    rules.prefilter().for_each_hit(&assign, |ri, h| {
        if ri == generic {
            ghits.push(h)
        }
    });
    ghits.sort_unstable();
    ghits.dedup();
    let mut st = RuleState::new(&gc.regex);
    let mut raw: Vec<RawMatch> = Vec::new();
    confirm(&assign, &ghits, gc, &mut st, &mut raw);
    assert_eq!(raw.len(), planted, "generic regex matches every planted assignment");

    let mut g = c.benchmark_group("prefilter");
    g.throughput(Throughput::Bytes(code.len() as u64));
    g.bench_function("source-4MiB", |b| {
        b.iter(|| {
            let n = count_hits(&rules, black_box(&code));
            assert_eq!(n, code_hits);
        })
    });
    g.finish();

    let mut g = c.benchmark_group("confirm");
    g.throughput(Throughput::Bytes(assign.len() as u64));
    g.bench_function("generic-assignments-1MiB", |b| {
        b.iter(|| {
            raw.clear();
            confirm(black_box(&assign), &ghits, gc, &mut st, &mut raw);
            assert_eq!(raw.len(), planted);
        })
    });
    g.finish();

    let values: Vec<String> = (0..4096).map(|_| rng.string(ALNUM, 40)).collect();
    let mut g = c.benchmark_group("entropy");
    g.throughput(Throughput::Bytes(values.iter().map(|v| v.len() as u64).sum()));
    g.bench_function("base62-40B-x4096", |b| {
        b.iter(|| values.iter().map(|v| shannon(black_box(v.as_bytes()))).sum::<f64>())
    });
    g.finish();

    let mut g = c.benchmark_group("blob");
    g.sample_size(20);
    for (name, file, hay, expect) in [
        ("source-no-secrets-4MiB", &py, &code, 0),
        ("dense-secrets-1MiB", &py, &dense, gh + aws),
        ("minified-js-2MiB", &js, &mini, 0),
    ] {
        g.throughput(Throughput::Bytes(hay.len() as u64));
        g.bench_function(name, |b| {
            b.iter(|| {
                let r = scanner.scan(file, black_box(hay), &mut scratch);
                assert_eq!(r.findings.len(), expect);
            })
        });
    }
    g.throughput(Throughput::Bytes(binary.len() as u64));
    g.bench_function("binary-4MiB-sniffed", |b| {
        b.iter(|| {
            // What the walk does with a binary blob: sniff the head, skip the rest.
            assert!(text_of(black_box(&binary), &mut tmp).is_none());
        })
    });
    g.bench_function("binary-4MiB-scanned", |b| {
        b.iter(|| {
            // The engine forced over random bytes (the worst case for the keyword automaton).
            let r = scanner.scan(&bin_file, black_box(&binary), &mut scratch);
            assert_eq!(r.findings.len(), bin_found);
        })
    });
    g.finish();
    c.final_summary();
}
