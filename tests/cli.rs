//! The command line as a user meets it: exit codes (1 findings, 0 clean, 2 errors), every output
//! format, redaction everywhere unless --show-secrets, colour only on request, filters, and the
//! rules subcommands.
use crate::common::*;

fn tree(rng: &mut Rng) -> (tempfile::TempDir, Vec<String>) {
    let dir = tempfile::tempdir().unwrap();
    let gh = github_token(rng);
    let aws = aws_key_id(rng);
    let pw = password(rng);
    write(dir.path(), "app/settings.py", format!("import os\nDB_PASSWORD = \"{pw}\"\nHOME = os.environ['HOME']\n"));
    write(dir.path(), ".env", format!("GITHUB_TOKEN={gh}\r\nAWS_ACCESS_KEY_ID={aws}\r\n"));
    write(dir.path(), "assets/logo.png", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00");
    write(dir.path(), "ignored/secret.txt", format!("token = {gh}\n"));
    write(dir.path(), ".gitignore", "ignored/\n");
    std::fs::create_dir_all(dir.path().join(".git")).unwrap();
    write(dir.path(), ".git/config", format!("token = {gh}\n"));
    (dir, vec![gh, aws, pw])
}

#[test]
fn exit_codes() {
    let mut rng = Rng::new(1);
    let (dir, _) = tree(&mut rng);
    assert_eq!(code(&run_in(dir.path(), &["scan", "."])), 1);
    let empty = tempfile::tempdir().unwrap();
    let out = run_in(empty.path(), &["scan"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let out = run_in(empty.path(), &["scan", "does-not-exist"]);
    assert_eq!(code(&out), 2);
    assert!(stderr(&out).contains("does-not-exist"), "{}", stderr(&out));
    assert_eq!(code(&run_in(empty.path(), &["scan", "--format", "bogus"])), 2);
    assert_eq!(code(&run_in(empty.path(), &["scan", "--category", "bogus"])), 2);
    assert_eq!(code(&run_in(empty.path(), &["scan", "--min-severity", "bogus"])), 2);
    // Findings win over errors: a missing path next to a finding still exits 1.
    assert_eq!(code(&run_in(dir.path(), &["scan", ".", "missing"])), 1);
}

#[test]
fn no_secret_in_any_output_unless_asked() {
    let mut rng = Rng::new(2);
    let (dir, secrets) = tree(&mut rng);
    for fmt in ["text", "json", "jsonl", "sarif"] {
        let out = run_in(dir.path(), &["scan", "--format", fmt, "--explain", "."]);
        assert_eq!(code(&out), 1, "{fmt}: {}", stderr(&out));
        for s in &secrets {
            assert!(!stdout(&out).contains(s.as_str()), "{fmt} stdout leaks {s}");
            assert!(!stderr(&out).contains(s.as_str()), "{fmt} stderr leaks {s}");
        }
        let report = dir.path().join(format!("report.{fmt}"));
        let out = run_in(dir.path(), &["scan", "--format", fmt, "-o", report.to_str().unwrap(), "app", ".env"]);
        assert_eq!(code(&out), 1);
        assert!(stdout(&out).is_empty());
        let written = std::fs::read_to_string(&report).unwrap();
        std::fs::remove_file(&report).unwrap();
        for s in &secrets {
            assert!(!written.contains(s.as_str()), "{fmt} file leaks {s}");
        }
    }
    let out = run_in(dir.path(), &["scan", "--show-secrets", "--format", "json", "."]);
    for s in &secrets {
        assert!(stdout(&out).contains(s.as_str()), "--show-secrets should print {s}");
    }
}

#[test]
fn json_shape_and_stats() {
    let mut rng = Rng::new(3);
    let (dir, _) = tree(&mut rng);
    let out = run_in(dir.path(), &["scan", "--format", "json", "."]);
    let doc: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert!(doc["version"].is_string());
    let findings = doc["findings"].as_array().unwrap();
    assert!(findings.len() >= 3, "{findings:#?}");
    for f in findings {
        for key in ["rule", "name", "title", "category", "severity", "path", "snippet", "fingerprint"] {
            assert!(f[key].is_string(), "{key} missing in {f}");
        }
        for key in ["line", "column", "end_line", "end_column"] {
            assert!(f[key].as_u64().unwrap() >= 1, "{key} in {f}");
        }
        let path = f["path"].as_str().unwrap();
        assert!(!path.starts_with("./") && !path.starts_with(".git/") && !path.starts_with("ignored/"), "{path}");
    }
    // The .env file uses CRLF: the AWS key is on line 2.
    assert!(findings.iter().any(|f| f["path"] == ".env" && f["line"] == 2), "{findings:#?}");
    let stats = &doc["stats"];
    assert_eq!(stats["files_skipped"]["binary"], 1);
    let skipped: u64 = stats["files_skipped"].as_object().unwrap().values().map(|v| v.as_u64().unwrap()).sum();
    assert_eq!(
        stats["files_seen"].as_u64().unwrap(),
        stats["files_scanned"].as_u64().unwrap() + skipped + stats["errors"].as_u64().unwrap()
    );
    // jsonl: one finding per line, same findings.
    let out = run_in(dir.path(), &["scan", "--format", "jsonl", "."]);
    let lines: Vec<serde_json::Value> = stdout(&out).lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(lines.len(), findings.len());
}

#[test]
fn same_output_for_every_thread_count() {
    let mut rng = Rng::new(4);
    let (dir, _) = tree(&mut rng);
    for i in 0..40 {
        write(dir.path(), &format!("many/f{i}.py"), format!("API_TOKEN = \"{}\"\n", github_token(&mut rng)));
    }
    let base = stdout(&run_in(dir.path(), &["scan", "-j", "1", "--format", "jsonl", "."]));
    for j in ["2", "3", "8"] {
        assert_eq!(stdout(&run_in(dir.path(), &["scan", "-j", j, "--format", "jsonl", "."])), base, "-j {j}");
    }
}

#[test]
fn text_output_plain_when_piped_and_coloured_on_request() {
    let mut rng = Rng::new(5);
    let (dir, _) = tree(&mut rng);
    let out = run_in(dir.path(), &["scan", "."]);
    let text = stdout(&out);
    assert!(!text.contains('\x1b'), "piped output must not be coloured");
    assert!(text.contains("app/settings.py:2:"), "{text}");
    assert!(stderr(&out).contains("residue: "), "summary on stderr");
    let out = run_in(dir.path(), &["scan", "--color", "always", "."]);
    assert!(stdout(&out).contains('\x1b'));
    let out = run_in(dir.path(), &["scan", "-q", "."]);
    assert!(stderr(&out).is_empty(), "{}", stderr(&out));
}

#[test]
fn category_and_severity_filters() {
    let mut rng = Rng::new(6);
    let (dir, _) = tree(&mut rng);
    write(dir.path(), "app/client.py", "import requests\nr = requests.get(url, verify=False)\n");
    let out = run_in(dir.path(), &["scan", "--format", "jsonl", "--category", "insecure-default", "."]);
    for l in stdout(&out).lines() {
        let v: serde_json::Value = serde_json::from_str(l).unwrap();
        assert_eq!(v["category"], "insecure-default");
    }
    let out = run_in(dir.path(), &["scan", "--format", "jsonl", "--min-severity", "critical", "."]);
    for l in stdout(&out).lines() {
        let v: serde_json::Value = serde_json::from_str(l).unwrap();
        assert_eq!(v["severity"], "critical", "{v}");
    }
}

#[test]
fn rules_subcommands() {
    let empty = tempfile::tempdir().unwrap();
    let out = run_in(empty.path(), &["rules", "list", "--format", "json"]);
    assert_eq!(code(&out), 0);
    let list: Vec<serde_json::Value> = serde_json::from_str(&stdout(&out)).unwrap();
    assert!(list.len() >= 3);
    for r in &list {
        for k in ["id", "name", "title", "category", "severity"] {
            assert!(r[k].is_string());
        }
    }
    let out = run_in(empty.path(), &["rules", "explain", "SEC0900"]);
    assert_eq!(code(&out), 0);
    assert!(stdout(&out).contains("How to fix"));
    assert_eq!(code(&run_in(empty.path(), &["rules", "explain", "NOPE0000"])), 2);
    write(empty.path(), "bad/rule.toml", "[[rule]]\nid = 1\n");
    let out = run_in(empty.path(), &["--rules", "bad", "rules", "check"]);
    assert_eq!(code(&out), 2);
    assert!(stderr(&out).contains("rule.toml:"), "{}", stderr(&out));
}
