//! Team workflow: `.residue.toml` (discovery, every key, errors with file and line), gitleaks
//! config import, inline suppression markers, baselines (create / scan / update, byte-stable,
//! secret-free), `--explain` / `--show-suppressed` listing what was dropped, and `action.yml`.
use std::path::Path;

use serde_json::Value;

use crate::common::*;

/// Runs a scan with JSON output; (exit code, document, stderr).
fn scan_json(dir: &Path, args: &[&str]) -> (i32, Value, String) {
    let mut all = vec!["scan", "--format", "json"];
    all.extend_from_slice(args);
    let out = run_in(dir, &all);
    let doc = serde_json::from_str(&stdout(&out)).unwrap_or(Value::Null);
    (code(&out), doc, stderr(&out))
}

/// (rule, path, line) of every finding.
fn found(doc: &Value) -> Vec<(String, String, u64)> {
    doc["findings"]
        .as_array()
        .map(|a| {
            a.iter()
                .map(|f| {
                    (
                        f["rule"].as_str().unwrap().to_string(),
                        f["path"].as_str().unwrap().to_string(),
                        f["line"].as_u64().unwrap(),
                    )
                })
                .collect()
        })
        .unwrap_or_default()
}

fn rules_found(doc: &Value) -> Vec<String> {
    found(doc).into_iter().map(|f| f.0).collect()
}

/// (reason code, rule, line) of every dropped entry.
fn dropped(doc: &Value) -> Vec<(String, String, u64)> {
    doc["dropped"]
        .as_array()
        .map(|a| {
            a.iter()
                .map(|f| {
                    (
                        f["dropped"].as_str().unwrap().to_string(),
                        f["rule"].as_str().unwrap().to_string(),
                        f["line"].as_u64().unwrap(),
                    )
                })
                .collect()
        })
        .unwrap_or_default()
}

const GH: &str = "SEC0100";

/// A custom token format no built-in rule knows: `acme_` + 24 alphanumerics.
fn acme(rng: &mut Rng) -> String {
    format!("acme_{}", rng.string(ALNUM, 24))
}

const ACME_RULE: &str = r#"
[[rule]]
id = "SEC80001"
name = "acme-token"
title = "ACME internal token"
category = "secret"
severity = "high"
keywords = ["acme_"]
regex = '''\b(?P<secret>acme_[A-Za-z0-9]{24})\b'''
description = "An ACME token."
remediation = "Rotate it."
"#;

#[test]
fn config_is_discovered_at_the_repository_root() {
    let mut rng = Rng::new(100);
    let dir = tempfile::tempdir().unwrap();
    let repo = dir.path().join("repo");
    std::fs::create_dir_all(repo.join(".git")).unwrap();
    write(&repo, "src/app.py", format!("t = \"{}\"\n", github_token(&mut rng)));
    write(&repo, ".residue.toml", format!("[rules]\ndisable = [\"{GH}\"]\n"));
    // From the root, from a sub-directory, and naming the sub-directory: the root config applies.
    for (cwd, path) in
        [(repo.clone(), "."), (repo.clone(), "src"), (repo.join("src"), "."), (repo.clone(), "src/app.py")]
    {
        let (rc, doc, err) = scan_json(&cwd, &[path]);
        assert_eq!(rc, 0, "{cwd:?} {path}: {err}");
        assert!(!rules_found(&doc).contains(&GH.to_string()), "{cwd:?} {path}");
    }
    // --no-config ignores it; --config names another.
    let (rc, doc, _) = scan_json(&repo, &["--no-config", "."]);
    assert_eq!(rc, 1);
    assert!(rules_found(&doc).contains(&GH.to_string()));
    write(dir.path(), "other.toml", "[scan]\nmin_severity = \"low\"\n");
    let other = dir.path().join("other.toml");
    let (rc, _, _) = scan_json(&repo, &["--config", other.to_str().unwrap(), "."]);
    assert_eq!(rc, 1, "--config replaces the discovered file");
    // Outside a repository a config in a parent directory does not apply.
    let plain = dir.path().join("plain");
    write(&plain, "sub/app.py", format!("t = \"{}\"\n", github_token(&mut rng)));
    write(&plain, ".residue.toml", format!("[rules]\ndisable = [\"{GH}\"]\n"));
    assert_eq!(scan_json(&plain, &["."]).0, 0);
    assert_eq!(scan_json(&plain.join("sub"), &["."]).0, 1);
}

#[test]
fn config_rules_keys() {
    let mut rng = Rng::new(101);
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let a = acme(&mut rng);
    write(d, "app.py", format!("t = \"{}\"\nx = \"{a}\"\n", github_token(&mut rng)));
    // [[rule]] adds to the built-ins; severity overrides; disable by name.
    write(d, ".residue.toml", format!("[rules.severity]\n{GH} = \"low\"\n{ACME_RULE}"));
    let (rc, doc, err) = scan_json(d, &["."]);
    assert_eq!(rc, 1, "{err}");
    let fs = doc["findings"].as_array().unwrap();
    let sev = |id: &str| fs.iter().find(|f| f["rule"] == id).map(|f| f["severity"].as_str().unwrap().to_string());
    assert_eq!(sev(GH).as_deref(), Some("low"));
    assert_eq!(sev("SEC80001").as_deref(), Some("high"));
    // replace = true: only the config's rules.
    write(d, ".residue.toml", format!("[rules]\nreplace = true\n{ACME_RULE}"));
    let (_, doc, _) = scan_json(d, &["."]);
    assert_eq!(rules_found(&doc), ["SEC80001"]);
    assert_eq!(doc["stats"]["rules"], 1);
    // disable by id, by name and by category.
    for what in ["SEC80001", "acme-token", "secret"] {
        write(d, ".residue.toml", format!("[rules]\ndisable = [\"{what}\", \"{GH}\"]\n{ACME_RULE}"));
        let (_, doc, _) = scan_json(d, &["."]);
        assert!(!rules_found(&doc).iter().any(|r| r == "SEC80001" || r == GH), "{what}: {:?}", found(&doc));
    }
    // Preview rules run only when enabled.
    let preview = ACME_RULE.replace("remediation", "preview = true\nremediation");
    write(d, ".residue.toml", preview.clone());
    assert!(!rules_found(&scan_json(d, &["."]).1).contains(&"SEC80001".to_string()));
    write(d, ".residue.toml", format!("[rules]\nenable = [\"SEC80001\"]\n{preview}"));
    assert!(rules_found(&scan_json(d, &["."]).1).contains(&"SEC80001".to_string()));
    // An unknown rule name warns but does not fail (a rule retired in a later release must not
    // break CI).
    write(d, ".residue.toml", "[rules]\ndisable = [\"SEC9999\"]\n");
    let (rc, _, err) = scan_json(d, &["."]);
    assert_eq!(rc, 1);
    assert!(err.contains("SEC9999"), "{err}");
}

#[test]
fn config_paths_scan_and_allow_keys() {
    let mut rng = Rng::new(102);
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let (t1, t2, t3, t4) =
        (github_token(&mut rng), github_token(&mut rng), github_token(&mut rng), github_token(&mut rng));
    write(d, "vendor/lib/a.py", format!("t = \"{t1}\"\n"));
    write(d, "src/vendor/b.py", format!("t = \"{t2}\"\n"));
    write(d, "fixtures/c.py", format!("t = \"{t3}\"\n"));
    write(d, "src/d.py", format!("t = \"{t4}\"  # known-test-token\n"));
    // [paths] exclude is anchored at the config's directory for globs with a slash.
    write(d, ".residue.toml", "[paths]\nexclude = [\"vendor/**\"]\n");
    let (_, doc, _) = scan_json(d, &["."]);
    let paths: Vec<String> = found(&doc).into_iter().map(|f| f.1).collect();
    assert!(
        !paths.iter().any(|p| p.starts_with("vendor/")) && paths.contains(&"src/vendor/b.py".to_string()),
        "{paths:?}"
    );
    assert_eq!(doc["stats"]["files_skipped"]["excluded"], 1);
    // ... also when the tree is named by an absolute path.
    let (_, doc, _) = scan_json(d, &[d.to_str().unwrap()]);
    assert_eq!(doc["stats"]["files_skipped"]["excluded"], 1, "{}", doc["stats"]);
    // [[allow]]: path globs, line regexes, secret regexes, stopwords, rule restriction.
    let prefix = &t2[..12];
    write(
        d,
        ".residue.toml",
        format!(
            r#"
[[allow]]
reason = "fixtures"
paths = ["fixtures/**"]

[[allow]]
reason = "marked in the line"
lines = ['known-test-token']

[[allow]]
reason = "one token"
rules = ["{GH}"]
secrets = ['^{prefix}']

[[allow]]
reason = "only this rule and path"
rules = ["SEC0001"]
paths = ["vendor/**"]
condition = "and"
"#
        ),
    );
    let (rc, doc, err) = scan_json(d, &["--show-suppressed", "."]);
    assert_eq!(rc, 1, "{err}");
    assert_eq!(found(&doc).into_iter().map(|f| f.1).collect::<Vec<_>>(), ["vendor/lib/a.py"]);
    let drops = dropped(&doc);
    assert_eq!(drops.len(), 3, "{drops:?}");
    assert!(drops.iter().all(|d| d.0 == "config-allow"), "{drops:?}");
    assert_eq!(doc["stats"]["suppressed"], 3);
    let reasons: Vec<&str> = doc["dropped"].as_array().unwrap().iter().map(|d| d["reason"].as_str().unwrap()).collect();
    assert!(
        reasons.iter().any(|r| r.contains("fixtures")) && reasons.iter().any(|r| r.contains("one token")),
        "{reasons:?}"
    );
    // Stopwords (case-insensitive substrings of the secret).
    write(d, ".residue.toml", format!("[[allow]]\nstopwords = [\"{}\"]\n", t1[4..10].to_ascii_uppercase()));
    let (_, doc, _) = scan_json(d, &["."]);
    assert!(!found(&doc).iter().any(|f| f.1 == "vendor/lib/a.py"), "{:?}", found(&doc));
    // [scan] min_severity and fail_on.
    write(d, "app.py", "import requests\nr = requests.get(url, verify=False)\n");
    write(d, ".residue.toml", "[scan]\nmin_severity = \"critical\"\n");
    let (_, doc, _) = scan_json(d, &["."]);
    assert!(doc["findings"].as_array().unwrap().iter().all(|f| f["severity"] == "critical"));
    std::fs::remove_dir_all(d.join("vendor")).unwrap();
    std::fs::remove_dir_all(d.join("src")).unwrap();
    std::fs::remove_dir_all(d.join("fixtures")).unwrap();
    write(d, ".residue.toml", "[scan]\nfail_on = \"critical\"\n");
    let (rc, doc, _) = scan_json(d, &["."]);
    assert!(!found(&doc).is_empty(), "findings below fail_on are still reported");
    assert_eq!(rc, 0, "but do not fail the run");
    let (rc, _, _) = scan_json(d, &["--fail-on", "low", "."]);
    assert_eq!(rc, 1, "--fail-on overrides the config");
}

#[test]
fn malformed_config_names_file_and_line() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    write(d, "a.py", "x = 1\n");
    let cases = [
        ("[rules]\ndisable = [\"SEC0001\"]\n\n[paths]\nexclud = [\"x\"]\n", ":5:", "unknown field"),
        ("[scan]\nfail_on = \"severe\"\n", ":2:", "severe"),
        ("[rules]\ndisable = [\n", ":", ""),
        ("\n\n[[allow]]\nsecrets = ['(unclosed']\n", ":3:", "secrets"),
        ("[paths]\nexclude = [\"a{\"]\n", ":2:", "glob"),
        ("\n[[rule]]\nid = \"SEC80001\"\nname = \"x\"\ntitle = \"t\"\ncategory = \"secret\"\nseverity = \"high\"\nkeywords = [\"abc\"]\nregex = 'abc+'\n", ":2:", "maximum match length"),
    ];
    for (text, at, what) in cases {
        write(d, ".residue.toml", text);
        let out = run_in(d, &["scan", "."]);
        let err = stderr(&out);
        assert_eq!(code(&out), 2, "{text}: {err}");
        assert!(err.contains(&format!(".residue.toml{at}")), "{text}: {err}");
        assert!(err.contains(what), "{text}: {err}");
    }
}

/// A gitleaks config of the kind teams keep: extends the defaults, adds rules with unbounded
/// repeats, secret groups, entropy and allowlists, plus global allowlists.
const GITLEAKS: &str = r#"
title = "acme gitleaks config"

[extend]
useDefault = true

[allowlist]
description = "global allow list"
paths = ['''(^|/)testdata/''', '''\.lock$''']
regexes = ['''acme_0{24}''']
stopwords = ["qatoken"]

[[rules]]
id = "acme-token"
description = "ACME internal token"
regex = '''(?i)acme[_-]?token\s*[:=]\s*["']?(acme_[a-z0-9]+)["']?'''
secretGroup = 1
entropy = 3.0
keywords = ["acme"]
tags = ["internal"]

[[rules.allowlists]]
description = "ignore the docs"
paths = ['''(^|/)docs/''']

[[rules]]
id = "widget-key"
description = "Widget API key"
regex = '''wdg_[A-Z0-9]{20}'''
keywords = ["wdg_"]

[[rules]]
id = "cert-files"
description = "Certificate files"
path = '''\.p12$'''

[[allowlists]]
targetRules = ["widget-key"]
regexTarget = "line"
regexes = ['''#\s*fake''']
"#;

#[test]
fn gitleaks_config_import_round_trip() {
    let mut rng = Rng::new(103);
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let token = acme(&mut rng);
    let sample = format!("acme_QAtoken{}", rng.string(ALNUM, 12));
    let widget = format!("wdg_{}", rng.string(UPPER32, 20));
    let widget2 = format!("wdg_{}", rng.string(UPPER32, 20));
    write(d, "gitleaks.toml", GITLEAKS);
    write(d, "src/app.py", format!("ACME_TOKEN = \"{token}\"\nW = \"{widget}\"\nW2 = \"{widget2}\"  # fake\n"));
    write(d, "src/other.py", format!("acme_token: {sample}\n"));
    write(d, "docs/setup.py", format!("acme_token = \"{token}\"\n"));
    write(d, "testdata/x.py", format!("acme_token = \"{token}\"\n"));

    let out = run_in(d, &["config", "import", "gitleaks.toml", "-o", "imported.toml"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let notes = stderr(&out);
    assert!(notes.contains("bounded"), "the conversion of unbounded repeats is reported: {notes}");
    assert!(notes.contains("cert-files") && notes.contains("skipped"), "{notes}");
    let text = std::fs::read_to_string(d.join("imported.toml")).unwrap();
    assert!(text.contains("SEC90001") && text.contains("acme-token") && text.contains("(?P<secret>"), "{text}");
    for l in text.lines().filter(|l| l.starts_with("regex = ")) {
        assert!(!l.contains("]+") && !l.contains("\\s*") && !l.contains(")+"), "unbounded repeats remain: {l}");
    }

    let want = vec![
        ("SEC90001".to_string(), "src/app.py".to_string(), 1),
        ("SEC90002".to_string(), "src/app.py".to_string(), 2),
    ];
    // The imported file and the gitleaks file itself (translated on the fly) agree.
    for cfg in ["imported.toml", "gitleaks.toml"] {
        let (rc, doc, err) = scan_json(d, &["--config", cfg, "--show-suppressed", "src", "docs", "testdata"]);
        assert_eq!(rc, 1, "{cfg}: {err}");
        let mine: Vec<_> = found(&doc).into_iter().filter(|f| f.0.starts_with("SEC9")).collect();
        assert_eq!(mine, want, "{cfg}: {err}");
        // The allowlisted ones are listed as suppressed by the config, not lost.
        let drops: Vec<_> = dropped(&doc).into_iter().filter(|d| d.1.starts_with("SEC9")).collect();
        assert_eq!(drops.len(), 4, "{cfg}: {drops:?}");
    }
    // A residue config is not mistaken for a gitleaks one.
    write(d, "residue.toml", "[rules]\ndisable = []\n");
    let out = run_in(d, &["config", "import", "residue.toml"]);
    assert_eq!(code(&out), 2);
}

/// Tokens on lines with each marker, with the expected outcome (true = suppressed).
fn marker_file(rng: &mut Rng) -> (String, Vec<(u64, bool)>) {
    let lines = [
        ("t{} = \"{}\"", false),
        ("t{} = \"{}\"  # residue:allow", true),
        ("t{} = \"{}\"  # residue:allow SEC0100 -- test fixture", true),
        ("t{} = \"{}\"  # residue:allow github-classic-pat", true),
        ("t{} = \"{}\"  # residue:allow SEC0001 -- another rule only", false),
        ("t{} = \"{}\"  // gitleaks:allow", true),
        ("t{} = \"{}\"  # pragma: allowlist secret", true),
        ("# residue:allow-next-line\nt{} = \"{}\"", true),
        ("# residue:allow-next-line SEC0100 -- rotated\nt{} = \"{}\"", true),
        ("# residue:allow-next-line SEC0001\nt{} = \"{}\"", false),
        ("# residue:allow\n\nt{} = \"{}\"", false),
        ("# pragma: allowlist nextline secret\nt{} = \"{}\"", true),
        ("t{} = \"{}\"  # residue:allowed once", false),
    ];
    let mut text = String::new();
    let mut want = Vec::new();
    let mut line = 1u64;
    for (i, (tpl, suppressed)) in lines.iter().enumerate() {
        let s = tpl.replacen("{}", &i.to_string(), 1).replacen("{}", &github_token(rng), 1);
        line += s.matches('\n').count() as u64;
        want.push((line, *suppressed));
        text.push_str(&s);
        text.push('\n');
        line += 1;
    }
    (text, want)
}

#[test]
fn inline_markers_suppress_and_are_counted_and_listed() {
    let mut rng = Rng::new(104);
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let (text, want) = marker_file(&mut rng);
    write(d, "app.py", &text);
    let (rc, doc, err) = scan_json(d, &["--show-suppressed", "."]);
    assert_eq!(rc, 1, "{err}");
    let reported: Vec<u64> = found(&doc).into_iter().filter(|f| f.0 == GH).map(|f| f.2).collect();
    let suppressed: Vec<u64> = dropped(&doc).into_iter().filter(|d| d.0 == "suppressed").map(|d| d.2).collect();
    let want_reported: Vec<u64> = want.iter().filter(|w| !w.1).map(|w| w.0).collect();
    let want_suppressed: Vec<u64> = want.iter().filter(|w| w.1).map(|w| w.0).collect();
    assert_eq!(reported, want_reported, "{text}");
    assert_eq!(suppressed, want_suppressed, "{text}");
    assert_eq!(doc["stats"]["suppressed"].as_u64().unwrap(), want_suppressed.len() as u64);
    let reasons: Vec<&str> = doc["dropped"].as_array().unwrap().iter().map(|d| d["reason"].as_str().unwrap()).collect();
    assert!(reasons.iter().any(|r| r.contains("residue:allow SEC0100 -- test fixture")), "{reasons:?}");
    // Counted in the summary; listed only on request.
    let out = run_in(d, &["scan", "."]);
    assert!(stderr(&out).contains(&format!("{} suppressed", want_suppressed.len())), "{}", stderr(&out));
    assert!(!stdout(&out).contains("suppressed"));
    let out = run_in(d, &["scan", "--show-suppressed", "."]);
    assert!(stdout(&out).lines().filter(|l| l.starts_with("suppressed app.py:")).count() == want_suppressed.len());
    // A config can turn markers off.
    write(d, ".residue.toml", "[scan]\ninline_allow = false\n");
    let (_, doc, _) = scan_json(d, &["."]);
    assert_eq!(found(&doc).into_iter().filter(|f| f.0 == GH).count(), want.len());
}

fn baseline_tree(d: &Path, rng: &mut Rng) -> Vec<String> {
    let toks: Vec<String> = (0..3).map(|_| github_token(rng)).collect();
    write(d, "a.py", format!("import os\nA = \"{}\"\nB = \"{}\"\n", toks[0], toks[1]));
    write(d, "lib/b.py", format!("C = \"{}\"\n", toks[2]));
    toks
}

#[test]
fn baseline_create_scan_update() {
    let mut rng = Rng::new(105);
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let toks = baseline_tree(d, &mut rng);
    let out = run_in(d, &["baseline", "create", ".", "-o", "base.txt"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let text = std::fs::read_to_string(d.join("base.txt")).unwrap();
    assert_eq!(text.lines().filter(|l| !l.starts_with('#')).count(), 3, "{text}");
    for t in &toks {
        assert!(!text.contains(t.as_str()) && !text.contains(&t[4..12]), "the baseline holds a secret:\n{text}");
    }
    let (rc, doc, err) = scan_json(d, &["--baseline", "base.txt", "."]);
    assert_eq!(rc, 0, "{err}");
    assert_eq!(doc["stats"]["baselined"], 3);
    assert!(err.contains("3 in baseline"), "{err}");
    // A new secret is reported; the old ones stay quiet.
    write(d, "lib/c.py", format!("D = \"{}\"\n", github_token(&mut rng)));
    let (rc, doc, _) = scan_json(d, &["--baseline", "base.txt", "."]);
    assert_eq!(rc, 1);
    assert_eq!(found(&doc).into_iter().map(|f| f.1).collect::<Vec<_>>(), ["lib/c.py"]);
    // update drops entries no longer found, and adds none.
    write(d, "lib/b.py", "C = os.environ['C']\n");
    let out = run_in(d, &["baseline", "update", ".", "-o", "base.txt"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let text = std::fs::read_to_string(d.join("base.txt")).unwrap();
    assert_eq!(text.lines().filter(|l| !l.starts_with('#')).count(), 2, "{text}");
    assert!(!text.contains("lib/"), "{text}");
    // The config can name the baseline.
    write(d, ".residue.toml", "[scan]\nbaseline = \"base.txt\"\n");
    let (_, doc, _) = scan_json(d, &["."]);
    assert_eq!(found(&doc).into_iter().map(|f| f.1).collect::<Vec<_>>(), ["lib/c.py"]);
    // Malformed: exit 2 naming file and line.
    std::fs::write(d.join("bad.txt"), format!("{}\nnot a valid entry\n", residue::baseline::HEADER)).unwrap();
    let out = run_in(d, &["scan", "--baseline", "bad.txt", "."]);
    assert_eq!(code(&out), 2);
    assert!(stderr(&out).contains("bad.txt:2:"), "{}", stderr(&out));
}

#[test]
fn baseline_is_stable_and_content_based() {
    let mut rng = Rng::new(106);
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let toks = baseline_tree(d, &mut rng);
    let create = || {
        let out = run_in(d, &["baseline", "create", ".", "-o", "base.txt", "-j", "3"]);
        assert_eq!(code(&out), 0, "{}", stderr(&out));
        std::fs::read(d.join("base.txt")).unwrap()
    };
    let first = create();
    assert_eq!(create(), first, "re-creating changed the file");
    // Moving code: lines inserted above, the two secrets swapped.
    write(d, "a.py", format!("\"\"\"Docs.\"\"\"\n\nimport os\n\n\nB = \"{}\"\nA = \"{}\"\n", toks[1], toks[0]));
    assert_eq!(create(), first, "moving code changed the baseline");
    // Replacing a baselined secret on the same line is a new finding.
    let first_path = d.join("first.txt");
    std::fs::write(&first_path, &first).unwrap();
    let fresh = github_token(&mut rng);
    write(d, "a.py", format!("\"\"\"Docs.\"\"\"\n\nimport os\n\n\nB = \"{}\"\nA = \"{fresh}\"\n", toks[1]));
    let (rc, doc, _) = scan_json(d, &["--baseline", "first.txt", "."]);
    assert_eq!(rc, 1);
    assert_eq!(found(&doc), [(GH.to_string(), "a.py".to_string(), 7)]);
}

#[test]
fn explain_lists_suppressed_baselined_and_config_allowed() {
    let mut rng = Rng::new(107);
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let toks = baseline_tree(d, &mut rng);
    assert_eq!(code(&run_in(d, &["baseline", "create", "lib", "-o", "base.txt"])), 0);
    write(d, "a.py", format!("A = \"{}\"  # residue:allow -- fixture\nB = \"{}\"\n", toks[0], toks[1]));
    write(d, ".residue.toml", format!("[[allow]]\nreason = \"known token\"\nsecrets = ['^{}']\n", &toks[1][..10]));
    let (rc, doc, _) = scan_json(d, &["--explain", "--baseline", "base.txt", "a.py", "lib"]);
    assert_eq!(rc, 0);
    let mut kinds: Vec<String> = dropped(&doc).into_iter().filter(|d| d.1 == GH).map(|d| d.0).collect();
    kinds.sort();
    assert_eq!(kinds, ["baseline", "config-allow", "suppressed"]);
    let out = run_in(d, &["scan", "--explain", "--baseline", "base.txt", "a.py", "lib"]);
    let text = stdout(&out);
    for want in
        ["suppressed inline (residue:allow -- fixture)", "allowed by the config (known token", "in the baseline"]
    {
        assert!(text.contains(want), "{want}:\n{text}");
    }
    for t in &toks {
        assert!(!text.contains(t.as_str()), "--explain leaks a secret");
    }
}

#[test]
fn action_yml_is_valid_with_documented_inputs_and_outputs() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(root.join("action.yml")).unwrap();
    let docs = yaml_rust2::YamlLoader::load_from_str(&text).expect("action.yml is valid YAML");
    let doc = &docs[0];
    assert_eq!(doc["runs"]["using"].as_str(), Some("composite"));
    let readme = std::fs::read_to_string(root.join("README.md")).unwrap();
    let inputs = doc["inputs"].as_hash().expect("inputs");
    let outputs = doc["outputs"].as_hash().expect("outputs");
    for key in ["mode", "path", "args", "sarif-file", "fail-on-findings"] {
        let k = yaml_rust2::Yaml::String(key.into());
        assert!(inputs.contains_key(&k), "input {key}");
        assert!(inputs[&k]["description"].as_str().is_some(), "input {key} has a description");
        assert!(readme.contains(&format!("`{key}`")), "README documents input {key}");
    }
    for key in ["sarif-file", "findings", "exit-code"] {
        let k = yaml_rust2::Yaml::String(key.into());
        assert!(outputs.contains_key(&k), "output {key}");
        assert!(outputs[&k]["value"].as_str().is_some(), "output {key} has a value");
    }
    for step in doc["runs"]["steps"].as_vec().unwrap() {
        if step["run"].as_str().is_some() {
            assert_eq!(step["shell"].as_str(), Some("bash"), "composite run steps need a shell");
        }
    }
    assert!(!text.to_ascii_lowercase().contains("license"), "no licence key");
    assert!(text.contains("--range") && text.contains("--format sarif"));
}

#[test]
fn sarif_is_trimmed_to_the_size_limit_lowest_severity_first() {
    use residue::input::path::FileInfo;
    use residue::report::{sarif, Report};
    use residue::rules::{RuleSet, Severity};
    use residue::scan::{ScanOptions, Scanner, Scratch};
    let mut rng = Rng::new(108);
    let rules = RuleSet::builtin().unwrap();
    let scanner = Scanner::new(&rules, ScanOptions::default());
    let mut scratch = Scratch::new(&rules);
    let mut text = String::new();
    for _ in 0..30 {
        text.push_str(&format!("t = \"{}\"\nr = requests.get(u, verify=False)\n", github_token(&mut rng)));
    }
    let findings = scanner.scan(&FileInfo::from_path_str("app.py"), text.as_bytes(), &mut scratch).findings;
    let crit = findings.iter().filter(|f| f.severity == Severity::Critical).count();
    assert!(crit == 30 && findings.len() > crit, "{}", findings.len());
    let stats = residue::stats::Stats::default();
    let report = Report {
        rules: &rules,
        findings: &findings,
        dropped: &[],
        stats: &stats,
        show_secrets: false,
        color: false,
        errors: &[],
    };
    let mut full = Vec::new();
    sarif::write(&report, &mut full).unwrap();
    let mut small = Vec::new();
    sarif::write_within(&report, &mut small, full.len() * 2 / 3).unwrap();
    assert!(small.len() <= full.len() * 2 / 3);
    let doc: Value = serde_json::from_slice(&small).unwrap();
    let results = doc["runs"][0]["results"].as_array().unwrap();
    assert!(results.len() < findings.len() && results.len() >= crit / 2, "{}", results.len());
    let levels: Vec<&str> = results.iter().map(|r| r["properties"]["severity"].as_str().unwrap()).collect();
    assert!(levels.iter().filter(|l| **l == "critical").count() == crit.min(results.len()), "{levels:?}");
}
