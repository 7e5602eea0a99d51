//! The built-in rules: every rule passes `rules check` (lint + every example and negative example
//! through the whole pipeline), every file under rules/ is embedded, and the prefilter + window
//! path finds exactly what running every rule's regex over the whole input finds.
use std::path::Path;

use residue::input::path::FileInfo;
use residue::rules::builtin::BUILTIN_RULE_FILES;
use residue::rules::check;
use residue::rules::RuleSet;
use residue::scan::{ScanOptions, Scanner, Scratch};

use crate::common::Rng;

#[test]
fn builtin_rules_pass_check() {
    let rules = RuleSet::builtin().expect("built-in rules load");
    let problems = check::check(&rules);
    let list: Vec<String> = problems.iter().map(|p| p.to_string()).collect();
    assert!(list.is_empty(), "{} rule problems:\n{}", list.len(), list.join("\n"));
}

#[test]
fn every_rule_file_is_embedded() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut on_disk = Vec::new();
    let mut stack = vec![root.join("rules")];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else {
                let rel = p.strip_prefix(root).unwrap().to_string_lossy().replace('\\', "/");
                assert!(rel.ends_with(".toml"), "{rel}: only .toml rule files belong under rules/");
                on_disk.push(rel);
            }
        }
    }
    on_disk.sort();
    let embedded: Vec<String> = BUILTIN_RULE_FILES.iter().map(|(n, _)| n.to_string()).collect();
    assert_eq!(on_disk, embedded);
}

#[test]
fn rule_check_catches_broken_rules() {
    let bad = r#"
[[rule]]
id = "SEC9990"
name = "broken"
title = "broken"
category = "secret"
severity = "high"
keywords = ["zzz_"]
regex = '''zzz_(?P<secret>[a-z]+)'''
description = "d"
remediation = "r"
[[rule.example]]
input = "abc"
secret = "abc"
"#;
    let rules = RuleSet::from_sources(&[residue::rules::set::RuleSource { name: "bad.toml".into(), text: bad.into() }])
        .unwrap();
    let problems: Vec<String> = check::check(&rules).iter().map(|p| p.to_string()).collect();
    let joined = problems.join("\n");
    assert!(joined.contains("no maximum match length"), "{joined}");
    assert!(joined.contains("no [[rule.negative_example]]"), "{joined}");
    assert!(joined.contains("contains none of the keywords"), "{joined}");
}

/// File rules are validated on load (errors name the file and rule) and their examples run in
/// `rules check`: a wrong example or a negative example that matches is a problem.
#[test]
fn file_rules_are_validated_and_checked() {
    let head = "[[rule]]\nid = \"SEC9992\"\nname = \"store\"\ntitle = \"t\"\nseverity = \"high\"\n\
                description = \"d\"\nremediation = \"r\"\n";
    let load = |body: &str| {
        let text = format!("{head}{body}");
        // An INS id, so the category check (not the id check) is what fails.
        let text = if body.contains("insecure-default") { text.replace("SEC9992", "INS9992") } else { text };
        RuleSet::from_sources(&[residue::rules::set::RuleSource { name: "rules/fr.toml".into(), text }])
    };
    let file = "file = { names = [\"*.p12\"], magic = [\"3082????020103\"], kind = \"PKCS#12\" }\n";
    let bad = [
        (format!("category = \"secret\"\nregex = 'x{{1,2}}'\n{file}"), "`regex` is not allowed in a file rule"),
        (format!("category = \"secret\"\nkeywords = [\"abc\"]\n{file}"), "`keywords` is not allowed"),
        (format!("category = \"insecure-default\"\n{file}"), "must have category \"secret\""),
        ("category = \"secret\"\nfile = { names = [], kind = \"k\" }\n".into(), "`names` is empty"),
        ("category = \"secret\"\nfile = { names = [\"*.p12\"], magic = [\"30z2\"], kind = \"k\" }\n".into(), "magic"),
        (
            "category = \"secret\"\nfile = { names = [\"*.p12\"], magic = [\"??30\"], kind = \"k\" }\n".into(),
            "fixed byte",
        ),
        ("category = \"secret\"\nfile = { names = [\"*.p12\"], kind = \" \" }\n".into(), "`kind` is empty"),
        ("category = \"secret\"\n".into(), "no `regex` (and no `file`)"),
        (
            "category = \"secret\"\nkeywords = [\"abc\"]\nregex = 'abc'\n[[rule.example]]\ninput_hex = \"00\"\n".into(),
            "`input_hex` is only for file rules",
        ),
    ];
    for (body, want) in bad {
        let err = load(&body).unwrap_err().to_string();
        assert!(err.contains(want), "{body}: {err}");
        assert!(err.starts_with("rules/fr.toml"), "errors name the file: {err}");
    }

    let ok = format!(
        "category = \"secret\"\n{file}\
         [[rule.example]]\ninput_hex = \"3182 0a58 020103\"\npath = \"a/key.p12\"\n\
         [[rule.example]]\ninput_hex = \"3082 0a58 020103\"\n\
         [[rule.negative_example]]\ninput_hex = \"3082 0a58 020103\"\npath = \"b/key.P12\"\nreason = \"r\"\n"
    );
    let rules = load(&ok).unwrap();
    assert!(rules.rules()[0].compiled().is_err(), "a file rule has no regex to compile");
    let problems: Vec<String> = check::check(&rules).iter().map(|p| p.to_string()).collect();
    let joined = problems.join("\n");
    assert!(joined.contains("example 1 (a/key.p12) gives 0 findings of this rule, not 1"), "{joined}");
    assert!(joined.contains("example 2 needs a `path`"), "{joined}");
    assert!(joined.contains("negative example 1 (b/key.P12) is reported"), "{joined}");
    assert_eq!(problems.len(), 3, "{joined}");
}

#[test]
fn malformed_rule_file_names_file_and_line() {
    let text = "[[rule]]\nid = \"SEC9991\"\nname = \"x\"\nbogus_key = 1\n";
    let err =
        RuleSet::from_sources(&[residue::rules::set::RuleSource { name: "rules/x.toml".into(), text: text.into() }])
            .unwrap_err()
            .to_string();
    assert!(err.starts_with("rules/x.toml:"), "{err}");
    assert!(err.contains("bogus_key") || err.contains("unknown field"), "{err}");
}

fn matches_of(
    scanner: &Scanner,
    rules: &RuleSet,
    path: &str,
    input: &[u8],
) -> Vec<(String, usize, usize, Option<String>)> {
    let mut file = FileInfo::from_path_str(path);
    file.refine_with_content(input);
    let mut scratch = Scratch::new(rules);
    let mut v: Vec<_> = scanner
        .scan(&file, input, &mut scratch)
        .findings
        .into_iter()
        .map(|f| (rules.rules()[f.rule].id.clone(), f.start, f.end, f.secret))
        .collect();
    v.sort();
    v
}

/// Property: prefilter + window confirmation == every regex over the whole input. Inputs are
/// random filler (code-like lines, keywords of every rule, near misses) with every rule example
/// planted at random offsets; several seeds, all failures reported.
#[test]
fn prefilter_equals_whole_input_scan() {
    let rules = RuleSet::builtin().unwrap();
    let on = Scanner::new(&rules, ScanOptions { dedup: false, ..ScanOptions::default() });
    let off = Scanner::new(&rules, ScanOptions { prefilter: false, dedup: false, ..ScanOptions::default() });
    let examples: Vec<(&str, &str)> = rules
        .rules()
        .iter()
        .flat_map(|r| {
            let p = r.default_example_path();
            r.examples
                .iter()
                .map(move |e| (e.input.as_str(), e.path.as_deref().unwrap_or(p)))
                .chain(r.negative_examples.iter().map(move |e| (e.input.as_str(), e.path.as_deref().unwrap_or(p))))
        })
        .collect();
    let keywords: Vec<&str> = rules.rules().iter().flat_map(|r| r.keywords.iter().map(|k| k.as_str())).collect();
    let filler = [
        "fn main() { let x = 1; }\n",
        "    return value  # comment\n",
        "const config = { retries: 3, timeout: 30 };\n",
        "<div class=\"token\">text</div>\n",
        "\n",
        "\t\t\t\n",
        "lorem ipsum dolor sit amet, consectetur adipiscing elit\n",
    ];
    let mut failures = Vec::new();
    let mut total = 0;
    for seed in 0..12u64 {
        let mut rng = Rng::new(seed);
        let mut text = String::new();
        let mut path = "src/example";
        for _ in 0..120 {
            match rng.below(4) {
                0 => text.push_str(filler[rng.below(filler.len())]),
                1 => {
                    text.push_str(keywords[rng.below(keywords.len())]);
                    text.push(if rng.below(2) == 0 { ' ' } else { '=' });
                }
                _ => {
                    let (input, p) = examples[rng.below(examples.len())];
                    text.push_str(input);
                    text.push('\n');
                    path = p;
                }
            }
        }
        let a = matches_of(&on, &rules, path, text.as_bytes());
        let b = matches_of(&off, &rules, path, text.as_bytes());
        total += a.len();
        if a != b {
            let only_a: Vec<_> = a.iter().filter(|x| !b.contains(x)).collect();
            let only_b: Vec<_> = b.iter().filter(|x| !a.contains(x)).collect();
            failures.push(format!("seed {seed} ({path}): prefilter only {only_a:?}; whole only {only_b:?}"));
        }
    }
    assert!(total > 0, "the property test planted nothing that matched");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn rules_docs_are_current() {
    let rules = RuleSet::builtin().unwrap();
    let want = residue::rules::docs::render(&rules);
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/rules.md");
    let have = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(have == want, "docs/rules.md is stale: run `cargo run -- rules docs` and commit it");
}
