//! File rules (rules/secret/key-stores.toml): binary credential containers are reported by name
//! and leading bytes, once per file, in directory scans; the file still counts once in the stats;
//! output never carries the file's bytes; config allow-lists and baselines suppress them.
use std::path::Path;

use serde_json::Value;

use crate::common::*;

/// A PKCS#12 header (DER PFX, version 3, authSafe of PKCS#7 data) followed by `body`: the shape
/// `SEC0970` checks, with no key material.
pub(crate) fn p12(body: &[u8]) -> Vec<u8> {
    let mut v = vec![0x30, 0x82, 0x0a, 0x58, 0x02, 0x01, 0x03, 0x30, 0x82, 0x0a, 0x1e, 0x06, 0x09];
    v.extend_from_slice(&[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x07, 0x01, 0xa0, 0x82, 0x0a, 0x0f, 0x00]);
    v.extend_from_slice(body);
    v
}

fn scan(dir: &Path, args: &[&str]) -> (i32, Value, String) {
    let mut a = vec!["scan", "--no-config", "-f", "json"];
    a.extend_from_slice(args);
    let o = run_in(dir, &a);
    let v = serde_json::from_slice(&o.stdout).unwrap_or_else(|e| panic!("bad JSON ({e}): {}", stdout(&o)));
    (code(&o), v, stderr(&o))
}

/// (rule, path, line, column, severity) of each finding, sorted.
fn found(v: &Value) -> Vec<(String, String, u64, u64, String)> {
    let mut f: Vec<_> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["rule"].as_str().unwrap().to_string(),
                f["path"].as_str().unwrap().trim_start_matches("./").to_string(),
                f["line"].as_u64().unwrap(),
                f["column"].as_u64().unwrap(),
                f["severity"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    f.sort();
    f
}

fn tree() -> tempfile::TempDir {
    let d = tempfile::tempdir().unwrap();
    let p = d.path();
    // A binary body with NULs and a marker the output must never show.
    let body = b"\x00\x01\x02CANARY-P12-BODY\x00\xff".repeat(40);
    write(p, "deploy/server.p12", p12(&body));
    // Upper case extension, under a test path: reported, tagged test, one severity lower.
    write(p, "tests/fixtures/Client.PFX", p12(b"\x00\x00"));
    // Same name, wrong content: not a key store.
    write(p, "docs/fake.p12", "not a key\n");
    // A DER certificate misnamed .p12: SEQUENCE { SEQUENCE ... }, no version 3.
    write(p, "certs/ca.p12", b"\x30\x82\x03\x52\x30\x82\x02\x3a\xa0\x03\x02\x01\x02\x00");
    // Right bytes, a name no rule lists.
    write(p, "data/blob.bin", p12(b"\x00"));
    write(p, "src/main.py", "print('hello')\n");
    d
}

#[test]
fn dir_scan_reports_each_key_store_once_and_nothing_else() {
    let d = tree();
    let (c, v, _) = scan(d.path(), &["--category", "secret", "."]);
    assert_eq!(c, 1, "{v}");
    assert_eq!(
        found(&v),
        vec![
            ("SEC0970".into(), "deploy/server.p12".into(), 1, 1, "high".into()),
            ("SEC0970".into(), "tests/fixtures/Client.PFX".into(), 1, 1, "medium".into()),
        ]
    );
    let f = &v["findings"][0];
    assert!(f.get("secret").is_none_or(|s| s.is_null()), "a file rule has no secret: {f}");
    assert_eq!(f["snippet"], "PKCS#12 key store");
    let tagged = |i: usize, t: &str| v["findings"][i]["tags"].as_array().unwrap().iter().any(|x| x == t);
    assert!(tagged(1, "test") && !tagged(0, "test"), "{v}");

    // Every file counts once: the two key stores and the misnamed certificate and the binary blob
    // are skipped as binary, the text files scanned.
    let s = &v["stats"];
    assert_eq!(s["files_seen"], 6, "{s}");
    assert_eq!(s["files_skipped"]["binary"], 4, "{s}");
    assert_eq!(s["files_scanned"], 2, "{s}");
}

#[test]
fn output_never_holds_the_file_bytes() {
    let d = tree();
    for format in ["text", "json", "jsonl", "sarif"] {
        for extra in [&[][..], &["--show-secrets"][..], &["--explain"][..]] {
            let mut a = vec!["scan", "--no-config", "--color", "never", "-f", format];
            a.extend_from_slice(extra);
            a.push(".");
            let o = run_in(d.path(), &a);
            assert_eq!(code(&o), 1, "{format} {extra:?}: {}", stderr(&o));
            let out = stdout(&o);
            assert!(out.contains("server.p12"), "{format}: {out}");
            assert!(!out.contains("CANARY"), "{format} {extra:?} printed file content: {out}");
        }
    }
    // SARIF regions are 1-based: the finding is at the start of the file.
    let o = run_in(d.path(), &["scan", "--no-config", "-f", "sarif", "deploy"]);
    let s: Value = serde_json::from_slice(&o.stdout).unwrap();
    let region = &s["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["region"];
    assert_eq!(region["startLine"], 1, "{region}");
    assert_eq!(region["startColumn"], 1, "{region}");
}

#[test]
fn explain_lists_a_name_match_with_the_wrong_bytes() {
    let d = tree();
    let (_, v, _) = scan(d.path(), &["--explain", "docs", "certs"]);
    assert!(v["findings"].as_array().unwrap().is_empty(), "{v}");
    let dropped = v["dropped"].as_array().unwrap_or_else(|| panic!("no dropped list: {v}"));
    let paths: Vec<&str> = dropped.iter().filter_map(|d| d["path"].as_str()).collect();
    assert!(paths.iter().any(|p| p.ends_with("docs/fake.p12")), "{v}");
    assert!(paths.iter().any(|p| p.ends_with("certs/ca.p12")), "{v}");
}

#[test]
fn fingerprint_is_stable_and_follows_the_content() {
    let d = tree();
    let fp = |d: &Path| {
        let (_, v, _) = scan(d, &["deploy"]);
        v["findings"][0]["fingerprint"].as_str().unwrap().to_string()
    };
    let a = fp(d.path());
    assert_eq!(a, fp(d.path()));
    write(d.path(), "deploy/server.p12", p12(b"\x00another key store"));
    assert_ne!(a, fp(d.path()), "a replaced key store is a new finding");
}

#[test]
fn config_excludes_allow_lists_and_baselines_suppress_file_findings() {
    let d = tree();
    let p = d.path();
    let run = |args: &[&str]| {
        let mut a = vec!["scan", "-f", "json"];
        a.extend_from_slice(args);
        a.push(".");
        let o = run_in(p, &a);
        (code(&o), serde_json::from_slice::<Value>(&o.stdout).unwrap())
    };
    write(p, ".residue.toml", "[paths]\nexclude = [\"deploy/**\"]\n");
    let (_, v) = run(&[]);
    assert_eq!(found(&v).len(), 1, "excluded path: {v}");
    assert_eq!(v["stats"]["files_skipped"]["excluded"], 1, "{v}");

    write(p, ".residue.toml", "[[allow]]\nreason = \"test fixtures\"\npaths = [\"tests/**\"]\n");
    let (_, v) = run(&[]);
    assert_eq!(found(&v).iter().map(|f| f.1.as_str()).collect::<Vec<_>>(), vec!["deploy/server.p12"], "{v}");
    assert_eq!(v["stats"]["suppressed"], 1, "{v}");

    write(p, ".residue.toml", "[[allow]]\nreason = \"not ours\"\nrules = [\"SEC0970\"]\n");
    let (c, v) = run(&[]);
    assert_eq!((c, found(&v).len()), (0, 0), "{v}");

    std::fs::remove_file(p.join(".residue.toml")).unwrap();
    let o = run_in(p, &["baseline", "create", "-o", "base.json", "."]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let (c, v) = run(&["--baseline", "base.json"]);
    assert_eq!((c, found(&v).len()), (0, 0), "{v}");
    assert_eq!(v["stats"]["baselined"], 2, "{v}");
}

#[test]
fn other_key_store_formats() {
    let d = tempfile::tempdir().unwrap();
    let p = d.path();
    // JKS with a private key first; a JKS trust store (trusted certificate first) is not reported.
    write(p, "android/upload.jks", b"\xfe\xed\xfe\xed\x00\x00\x00\x02\x00\x00\x00\x01\x00\x00\x00\x01\x00\x03key");
    write(p, "res/truststore.jks", b"\xfe\xed\xfe\xed\x00\x00\x00\x02\x00\x00\x00\x01\x00\x00\x00\x02\x00\x03crt");
    write(p, "ops/vault.kdbx", b"\x03\xd9\xa2\x9a\x67\xfb\x4b\xb5\x00\x00\x04\x00\x02\x10\x00\x00\x00");
    write(p, "gpg/secring.gpg", b"\x95\x03\xa6\x04\x5f\x3a\x1b\x2c\x01\x08\x00");
    write(p, "gpg/pubring.gpg", b"\x99\x01\x0d\x04\x5f\x3a\x1b\x2c\x01\x08\x00");
    let (c, v, _) = scan(p, &["."]);
    assert_eq!(c, 1);
    let got: Vec<(String, String)> = found(&v).into_iter().map(|f| (f.0, f.1)).collect();
    assert_eq!(
        got,
        vec![
            ("SEC0971".into(), "android/upload.jks".into()),
            ("SEC0972".into(), "ops/vault.kdbx".into()),
            ("SEC0973".into(), "gpg/secring.gpg".into()),
        ]
    );
}
