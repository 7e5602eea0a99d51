//! Adversarial inputs: matching must stay linear in the input size. Each input is built from every
//! built-in rule's own keywords and example secrets: long runs of keywords with nothing between
//! them, keywords each followed by a near-miss value (an example secret cut short by one
//! character, so every regex runs and fails late), keyword assignments followed by one endless
//! value, and one hot keyword repeated. Each is scanned at 64 KiB, 256 KiB and 1 MiB with
//! `Throughput::Bytes`: linear matching shows the same MB/s at every size (time ratios ~4 and ~16).
//!
//! `cargo bench --bench adversarial` runs the criterion groups. `ADVERSARIAL_PER_RULE=1 cargo bench
//! --bench adversarial` instead times every rule alone on its own keyword-run and near-miss inputs
//! at 64 KiB and 1 MiB and prints the rules with the worst 1 MiB / 64 KiB ratio (16 is linear).
use std::hint::black_box;
use std::time::Instant;

use criterion::{BenchmarkId, Criterion, Throughput};
use residue::input::path::FileInfo;
use residue::rules::{Rule, RuleSet};
use residue::scan::{ScanOptions, Scanner, Scratch};

const SIZES: [usize; 3] = [64 << 10, 256 << 10, 1 << 20];

/// `unit` repeated up to `size` bytes.
fn fill(unit: &[u8], size: usize) -> Vec<u8> {
    if unit.is_empty() {
        return vec![b'x'; size];
    }
    unit.iter().copied().cycle().take(size).collect()
}

/// The example secret minus its last character: the shape every regex must try and reject.
fn near_miss(r: &Rule) -> Option<String> {
    let s = r.examples.iter().find_map(|e| e.secret.clone())?;
    let mut s: Vec<char> = s.chars().collect();
    s.pop();
    Some(s.into_iter().collect())
}

/// One rule's adversarial units: (name, bytes).
fn units(r: &Rule) -> Vec<(&'static str, Vec<u8>)> {
    let mut out = Vec::new();
    let kw = r.keywords.first().cloned().unwrap_or_default();
    out.push(("keyword-run", kw.clone().into_bytes()));
    if let Some(nm) = near_miss(r) {
        out.push(("near-miss", format!("{kw} = \"{nm}\" ").into_bytes()));
    }
    out
}

fn inputs(rules: &RuleSet) -> Vec<(&'static str, Vec<u8>)> {
    let mut kw_run = Vec::new();
    let mut near = Vec::new();
    for r in rules.rules() {
        for (name, u) in units(r) {
            match name {
                "keyword-run" => kw_run.extend_from_slice(&u),
                _ => near.extend_from_slice(&u),
            }
        }
    }
    let mut endless = b"api_key = \"".to_vec();
    endless.extend(std::iter::repeat_n(b'A', 1 << 20));
    vec![
        ("all-keywords-run", kw_run),
        ("all-near-misses", near),
        ("endless-value", endless),
        ("password-run", b"password".to_vec()),
        ("secret-assign-run", b"secret=".to_vec()),
        ("pem-begin-run", b"-----BEGIN ".to_vec()),
    ]
}

fn bench(c: &mut Criterion) {
    let rules = RuleSet::builtin().unwrap();
    assert!(rules.compile_all().is_empty());
    let scanner = Scanner::new(&rules, ScanOptions::default());
    let file = FileInfo::from_path_str("src/config.py");
    let mut g = c.benchmark_group("adversarial");
    g.sample_size(10);
    for (name, unit) in inputs(&rules) {
        for size in SIZES {
            let hay = if name == "endless-value" { unit[..size].to_vec() } else { fill(&unit, size) };
            let mut scratch = Scratch::new(&rules);
            g.throughput(Throughput::Bytes(size as u64));
            g.bench_with_input(BenchmarkId::new(name, size), &hay, |b, hay| {
                b.iter(|| black_box(scanner.scan(&file, hay, &mut scratch).findings.len()))
            });
        }
    }
    g.finish();
}

/// Best of 3 wall-clock seconds for one scan.
fn time(scanner: &Scanner, file: &FileInfo, hay: &[u8], scratch: &mut Scratch) -> f64 {
    (0..3)
        .map(|_| {
            let t = Instant::now();
            black_box(scanner.scan(file, hay, scratch));
            t.elapsed().as_secs_f64()
        })
        .fold(f64::INFINITY, f64::min)
}

fn per_rule() {
    let all = RuleSet::builtin().unwrap();
    let mut worst: Vec<(f64, String, &str, f64)> = Vec::new();
    for r in all.rules() {
        let id = r.id.clone();
        // Rules are not Clone: reload the built-in set and keep this one rule.
        let set = RuleSet::builtin().unwrap().retain(|x| x.id == id).unwrap();
        let scanner = Scanner::new(&set, ScanOptions::default());
        let file = FileInfo::from_path_str(r.default_example_path());
        let mut scratch = Scratch::new(&set);
        for (name, unit) in units(r) {
            let small = time(&scanner, &file, &fill(&unit, 64 << 10), &mut scratch);
            let big = time(&scanner, &file, &fill(&unit, 1 << 20), &mut scratch);
            worst.push((big / small.max(1e-9), id.clone(), name, big));
        }
    }
    worst.sort_by(|a, b| b.0.total_cmp(&a.0));
    println!("rule      input        1MiB/64KiB  1MiB time");
    for (ratio, id, name, big) in worst.iter().take(25) {
        println!("{id:<9} {name:<12} {ratio:>10.1}  {:>8.1} ms", big * 1e3);
    }
    let slowest = worst.iter().map(|w| w.3).fold(0.0, f64::max);
    println!("{} rule inputs; slowest 1 MiB scan {:.1} ms", worst.len(), slowest * 1e3);
}

fn main() {
    if std::env::var_os("ADVERSARIAL_PER_RULE").is_some() {
        per_rule();
        return;
    }
    let mut c = Criterion::default().configure_from_args();
    bench(&mut c);
    c.final_summary();
}
