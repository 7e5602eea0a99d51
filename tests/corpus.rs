//! Precision and recall of the non-secret rule families on the realistic evaluation corpora under
//! tests/corpus/<family>/ (code in many languages, tests, docs, tokenizer code, i18n files), each
//! with an EXPECTED.tsv listing `path<TAB>line<TAB>RULE-ID` for every finding it should produce.
//! A reported finding of the family counts as correct when EXPECTED.tsv lists its path and line.
//! Targets (issue 3): precision >= 0.95 and recall >= 0.90 per family.
use std::collections::BTreeSet;
use std::path::Path;

use crate::common::*;

fn copy_tree(from: &Path, to: &Path) {
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        let dst = to.join(e.file_name());
        if e.file_type().unwrap().is_dir() {
            std::fs::create_dir_all(&dst).unwrap();
            copy_tree(&e.path(), &dst);
        } else {
            std::fs::copy(e.path(), &dst).unwrap();
        }
    }
}

struct Score {
    expected: usize,
    reported: usize,
    true_pos: usize,
    misses: Vec<String>,
    false_pos: Vec<String>,
}

fn evaluate(family: &str) -> Score {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/corpus").join(family);
    let tsv = std::fs::read_to_string(src.join("EXPECTED.tsv"))
        .unwrap_or_else(|e| panic!("tests/corpus/{family}/EXPECTED.tsv: {e}"));
    let mut expected = BTreeSet::new();
    for (n, line) in tsv.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let cols: Vec<&str> = line.split('\t').collect();
        assert!(cols.len() >= 2, "EXPECTED.tsv:{}: want path<TAB>line<TAB>rule", n + 1);
        let ln: usize = cols[1].trim().parse().unwrap_or_else(|_| panic!("EXPECTED.tsv:{}: bad line", n + 1));
        expected.insert((cols[0].trim().to_string(), ln));
    }
    // Scan a copy outside the repository, so paths are relative to the corpus root (no `tests/`
    // component making every file a test file) and no repository config applies.
    let dir = tempfile::tempdir().unwrap();
    copy_tree(&src, dir.path());
    std::fs::remove_file(dir.path().join("EXPECTED.tsv")).unwrap();
    let out = run_in(dir.path(), &["scan", "--no-ignore", "--format", "jsonl", "--category", family, "."]);
    assert!(code(&out) <= 1, "{}", stderr(&out));
    let mut reported = BTreeSet::new();
    let mut labels = std::collections::BTreeMap::new();
    for l in stdout(&out).lines() {
        let v: serde_json::Value = serde_json::from_str(l).unwrap();
        let key = (v["path"].as_str().unwrap().to_string(), v["line"].as_u64().unwrap() as usize);
        labels.insert(key.clone(), format!("{} {}", v["rule"].as_str().unwrap(), v["snippet"].as_str().unwrap()));
        reported.insert(key);
    }
    let true_pos = reported.intersection(&expected).count();
    Score {
        expected: expected.len(),
        reported: reported.len(),
        true_pos,
        misses: expected.difference(&reported).map(|(p, l)| format!("{p}:{l}")).collect(),
        false_pos: reported.difference(&expected).map(|k| format!("{}:{} {}", k.0, k.1, labels[k])).collect(),
    }
}

fn check_family(family: &str) {
    let s = evaluate(family);
    assert!(s.expected >= 20, "{family}: only {} expected findings in the corpus", s.expected);
    let precision = s.true_pos as f64 / s.reported.max(1) as f64;
    let recall = s.true_pos as f64 / s.expected as f64;
    println!(
        "{family}: precision {precision:.3} ({}/{}), recall {recall:.3} ({}/{})",
        s.true_pos, s.reported, s.true_pos, s.expected
    );
    assert!(
        precision >= 0.95 && recall >= 0.90,
        "{family}: precision {precision:.3}, recall {recall:.3}\nfalse positives:\n  {}\nmisses:\n  {}",
        s.false_pos.join("\n  "),
        s.misses.join("\n  ")
    );
}

#[test]
fn prompt_residue_precision_recall() {
    check_family("prompt-residue");
}

#[test]
fn unsafe_logging_precision_recall() {
    check_family("unsafe-logging");
}

#[test]
fn insecure_default_precision_recall() {
    check_family("insecure-default");
}
