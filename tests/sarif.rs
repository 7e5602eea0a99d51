//! SARIF validity: the schema (../shared/sarif/sarif-schema-2.1.0.json) and GitHub's own rules
//! (unique rule ids with help and security-severity, regions with 1-based columns, our
//! fingerprint key, no secret anywhere in the file).
use crate::common::*;

fn schema() -> Option<serde_json::Value> {
    let p = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/sarif/sarif-schema-2.1.0.json");
    let text = std::fs::read_to_string(&p).ok()?;
    Some(serde_json::from_str(&text).expect("schema parses"))
}

fn planted_tree(dir: &std::path::Path, rng: &mut Rng) -> Vec<String> {
    let gh = github_token(rng);
    let aws = aws_key_id(rng);
    let pw = password(rng);
    write(dir, "src/config.py", format!("GITHUB_TOKEN = \"{gh}\"\nDB_PASSWORD = \"{pw}\"\n"));
    write(dir, "deploy/app.env", format!("AWS_ACCESS_KEY_ID={aws}\n"));
    write(dir, "dir with space/ünïcode.js", format!("const token = \"{gh}\";\n"));
    vec![gh, aws, pw]
}

#[test]
fn sarif_is_valid_and_github_ready() {
    let dir = tempfile::tempdir().unwrap();
    let mut rng = Rng::new(7);
    let secrets = planted_tree(dir.path(), &mut rng);
    let out = run_in(dir.path(), &["scan", "--format", "sarif", "."]);
    assert_eq!(code(&out), 1, "{}", stderr(&out));
    let text = stdout(&out);
    for s in &secrets {
        assert!(!text.contains(s.as_str()), "secret {s} leaked into SARIF");
        assert!(!stderr(&out).contains(s.as_str()));
    }
    let doc: serde_json::Value = serde_json::from_str(&text).unwrap();
    if let Some(schema) = schema() {
        let validator = jsonschema::validator_for(&schema).expect("schema compiles");
        let errors: Vec<String> =
            validator.iter_errors(&doc).map(|e| format!("{} at {}", e, e.instance_path())).collect();
        assert!(errors.is_empty(), "SARIF schema errors:\n{}", errors.join("\n"));
    } else {
        panic!("../shared/sarif/sarif-schema-2.1.0.json not found: the SARIF schema test cannot run");
    }
    let runs = doc["runs"].as_array().unwrap();
    assert_eq!(runs.len(), 1);
    let rules = runs[0]["tool"]["driver"]["rules"].as_array().unwrap();
    let mut ids: Vec<&str> = rules.iter().map(|r| r["id"].as_str().unwrap()).collect();
    let n = ids.len();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), n, "rule ids must be unique");
    for r in rules {
        for key in ["shortDescription", "fullDescription"] {
            assert!(!r[key]["text"].as_str().unwrap().is_empty(), "{key} of {}", r["id"]);
        }
        assert!(!r["help"]["text"].as_str().unwrap().is_empty());
        assert!(!r["help"]["markdown"].as_str().unwrap().is_empty());
        let p = &r["properties"];
        assert!(p["tags"].as_array().is_some_and(|t| !t.is_empty()));
        assert!(p["category"].is_string());
        assert!(["very-high", "high", "medium", "low"].contains(&p["precision"].as_str().unwrap()));
        let sev: f64 = p["security-severity"].as_str().unwrap().parse().unwrap();
        assert!((0.1..=10.0).contains(&sev));
    }
    let results = runs[0]["results"].as_array().unwrap();
    assert!(results.len() >= 4, "{results:#?}");
    for res in results {
        let region = &res["locations"][0]["physicalLocation"]["region"];
        assert!(region["startLine"].as_u64().unwrap() >= 1);
        assert!(region["startColumn"].as_u64().unwrap() >= 1);
        assert!(region["endColumn"].as_u64().unwrap() >= 1);
        let fp = res["partialFingerprints"]["residue/v1"].as_str().unwrap();
        assert_eq!(fp.len(), 32);
        let idx = res["ruleIndex"].as_u64().unwrap() as usize;
        assert_eq!(rules[idx]["id"], res["ruleId"]);
        let uri = res["locations"][0]["physicalLocation"]["artifactLocation"]["uri"].as_str().unwrap();
        assert!(!uri.contains(' '), "uri must be percent-encoded: {uri}");
    }
    let inv = &runs[0]["invocations"][0];
    assert_eq!(inv["executionSuccessful"], true);
    let stats = &inv["properties"];
    let skipped: u64 = stats["files_skipped"].as_object().unwrap().values().map(|v| v.as_u64().unwrap()).sum();
    assert_eq!(
        stats["files_seen"].as_u64().unwrap(),
        stats["files_scanned"].as_u64().unwrap() + skipped + stats["errors"].as_u64().unwrap()
    );
}

/// Suppressed findings (inline marker, baseline) reach SARIF only when asked for
/// (`--show-suppressed`), as results with `suppressions` that GitHub shows as dismissed; the
/// document stays schema-valid and carries no secret.
#[test]
fn sarif_marks_suppressed_findings() {
    let dir = tempfile::tempdir().unwrap();
    let mut rng = Rng::new(11);
    let (open, quiet) = (github_token(&mut rng), github_token(&mut rng));
    write(
        dir.path(),
        "src/app.py",
        format!("TOKEN = \"{open}\"\nOTHER = \"{quiet}\"  # residue:allow -- rotated test fixture\n"),
    );
    let plain = run_in(dir.path(), &["scan", "--format", "sarif", "."]);
    let doc: serde_json::Value = serde_json::from_str(&stdout(&plain)).unwrap();
    let results = doc["runs"][0]["results"].as_array().unwrap();
    assert_eq!(results.len(), 1, "{results:#?}");
    assert!(results[0].get("suppressions").is_none());

    let out = run_in(dir.path(), &["scan", "--format", "sarif", "--show-suppressed", "."]);
    assert_eq!(code(&out), 1, "{}", stderr(&out));
    let text = stdout(&out);
    assert!(!text.contains(&open) && !text.contains(&quiet), "a secret leaked into SARIF");
    let doc: serde_json::Value = serde_json::from_str(&text).unwrap();
    if let Some(schema) = schema() {
        let validator = jsonschema::validator_for(&schema).expect("schema compiles");
        let errors: Vec<String> =
            validator.iter_errors(&doc).map(|e| format!("{e} at {}", e.instance_path())).collect();
        assert!(errors.is_empty(), "SARIF schema errors:\n{}", errors.join("\n"));
    }
    let results = doc["runs"][0]["results"].as_array().unwrap();
    assert_eq!(results.len(), 2, "{results:#?}");
    let rules = doc["runs"][0]["tool"]["driver"]["rules"].as_array().unwrap();
    let dismissed: Vec<&serde_json::Value> = results.iter().filter(|r| r.get("suppressions").is_some()).collect();
    assert_eq!(dismissed.len(), 1);
    let s = &dismissed[0]["suppressions"][0];
    assert_eq!(s["kind"], "inSource");
    assert!(s["justification"].as_str().unwrap().contains("rotated test fixture"), "{s}");
    assert_eq!(dismissed[0]["locations"][0]["physicalLocation"]["region"]["startLine"], 2);
    let idx = dismissed[0]["ruleIndex"].as_u64().unwrap() as usize;
    assert_eq!(rules[idx]["id"], dismissed[0]["ruleId"]);
}

/// A `--history` run that met a damaged tree: still a schema-valid document, the error a
/// notification naming the tree, `executionSuccessful` false, and the counts adding up.
#[test]
fn sarif_with_a_damaged_git_tree_is_valid() {
    use crate::git::{set_loose, Repo};
    let mut rng = Rng::new(12);
    let key = github_token(&mut rng);
    let mut r = Repo::new();
    r.write("app.py", format!("TOKEN = \"{key}\"\n"));
    r.write("src/a.py", "a = 1\n");
    r.commit("base");
    let sub = r.git(&["rev-parse", "HEAD:src"]);
    set_loose(r.path(), &sub, b"garbage, not zlib");
    let out = run_in(r.path(), &["scan", "--history", "--format", "sarif"]);
    assert_eq!(code(&out), 1, "{}", stderr(&out));
    let text = stdout(&out);
    assert!(!text.contains(&key), "a secret leaked into SARIF");
    let doc: serde_json::Value = serde_json::from_str(&text).unwrap();
    let schema = schema().expect("../shared/sarif/sarif-schema-2.1.0.json");
    let validator = jsonschema::validator_for(&schema).expect("schema compiles");
    let errors: Vec<String> = validator.iter_errors(&doc).map(|e| format!("{e} at {}", e.instance_path())).collect();
    assert!(errors.is_empty(), "SARIF schema errors:\n{}", errors.join("\n"));
    let inv = &doc["runs"][0]["invocations"][0];
    assert_eq!(inv["executionSuccessful"], false);
    let notes = inv["toolExecutionNotifications"].as_array().unwrap();
    assert_eq!(notes.len(), 1, "{inv}");
    assert_eq!(notes[0]["level"], "error");
    assert!(notes[0]["message"]["text"].as_str().unwrap().contains(&format!("reading tree {sub}")), "{inv}");
    let stats = &inv["properties"];
    assert_eq!(stats["errors"], 1, "{stats}");
    assert_eq!(stats["files_scanned"], 1, "{stats}");
    assert_eq!(stats["files_seen"], 2, "{stats}");
}
