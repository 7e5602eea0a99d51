//! `rules check`: lints every rule and runs each example and negative example through the whole
//! scan pipeline with every loaded rule, collecting all problems instead of stopping at the first.
use rayon::prelude::*;

use super::{Category, Rule, RuleSet};
use crate::input::path::FileInfo;
use crate::scan::{ScanOptions, Scanner, Scratch};

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Problem {
    pub file: String,
    pub rule: String,
    pub message: String,
}

impl std::fmt::Display for Problem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: rule {}: {}", self.file, self.rule, self.message)
    }
}

fn contains_keyword(rule: &Rule, input: &str) -> bool {
    rule.keywords.iter().any(|k| {
        if rule.case_sensitive {
            input.contains(k.as_str())
        } else {
            input.to_ascii_lowercase().contains(&k.to_ascii_lowercase())
        }
    })
}

/// Lints the rules (no examples run).
pub fn lint(rules: &RuleSet) -> Vec<Problem> {
    let mut out = Vec::new();
    let compile: Vec<(usize, String)> = rules
        .rules()
        .par_iter()
        .enumerate()
        .filter(|(_, r)| !r.is_file_rule())
        .filter_map(|(i, r)| r.compiled().err().map(|e| (i, e.to_string())))
        .collect();
    for (i, e) in compile {
        let r = &rules.rules()[i];
        out.push(Problem { file: r.source.clone(), rule: r.id.clone(), message: e });
    }
    for r in rules.rules() {
        let mut p = |m: String| out.push(Problem { file: r.source.clone(), rule: r.id.clone(), message: m });
        if r.description.trim().is_empty() {
            p("description is empty".into());
        }
        if r.remediation.trim().is_empty() {
            p("remediation is empty".into());
        }
        if r.examples.is_empty() {
            p("no [[rule.example]]".into());
        }
        if r.negative_examples.is_empty() {
            p("no [[rule.negative_example]]".into());
        }
        if r.is_file_rule() {
            for (i, ex) in r.examples.iter().enumerate() {
                if ex.path.is_none() {
                    p(format!("example {} needs a `path`: a file rule matches by name", i + 1));
                }
                if ex.secret.is_some() {
                    p(format!("example {} gives a `secret`: a file rule reports none", i + 1));
                }
            }
            for (i, ex) in r.negative_examples.iter().enumerate() {
                if ex.path.is_none() {
                    p(format!("negative example {} needs a `path`: a file rule matches by name", i + 1));
                }
                if ex.reason.trim().is_empty() {
                    p(format!("negative example {} has no `reason`", i + 1));
                }
            }
            continue;
        }
        let has_secret_group = r.compiled().ok().map(|c| c.secret_group.is_some());
        for (i, ex) in r.examples.iter().enumerate() {
            if !contains_keyword(r, &ex.input) {
                p(format!("example {} contains none of the keywords {:?}", i + 1, r.keywords));
            }
            match (has_secret_group, &ex.secret) {
                (Some(true), None) => p(format!("example {} lacks the `secret` it must capture", i + 1)),
                (Some(false), Some(_)) => {
                    p(format!("example {} gives a `secret` but the regex has no `secret` group", i + 1))
                }
                _ => {}
            }
            if r.scope.paths.is_some() && ex.path.is_none() {
                p(format!("example {} needs a `path`: the rule is scoped by `paths`", i + 1));
            }
        }
        for (i, ex) in r.negative_examples.iter().enumerate() {
            if ex.reason.trim().is_empty() {
                p(format!("negative example {} has no `reason`", i + 1));
            }
        }
        if r.category == Category::Secret && r.references.is_empty() && !r.generic {
            // Not an error: some formats are undocumented. Kept as a lint-free note.
        }
    }
    out.sort();
    out
}

/// Runs every example through the pipeline.
pub fn run_examples(rules: &RuleSet) -> Vec<Problem> {
    let undeduped = Scanner::new(rules, ScanOptions { dedup: false, ..ScanOptions::default() });
    let full = Scanner::new(rules, ScanOptions::default());
    let mut out: Vec<Problem> = rules
        .rules()
        .par_iter()
        .enumerate()
        .map_init(
            || (Scratch::new(rules), Scratch::new(rules)),
            |(s1, s2), (ri, r)| {
                let mut probs = Vec::new();
                if r.is_file_rule() {
                    return file_examples(&full, ri, r, s1);
                }
                if r.compiled().is_err() {
                    return probs;
                }
                let mut p = |m: String| probs.push(Problem { file: r.source.clone(), rule: r.id.clone(), message: m });
                for (i, ex) in r.examples.iter().enumerate() {
                    let file = FileInfo::from_path_str(ex.path.as_deref().unwrap_or(r.default_example_path()));
                    let mut file = file;
                    file.refine_with_content(ex.input.as_bytes());
                    let found = undeduped.scan(&file, ex.input.as_bytes(), s1).findings;
                    let mine: Vec<_> = found.iter().filter(|f| f.rule == ri).collect();
                    if mine.is_empty() {
                        p(format!("example {} ({}) is not matched", i + 1, file.path));
                        continue;
                    }
                    if let Some(want) = &ex.secret {
                        if !mine.iter().any(|f| f.secret.as_deref() == Some(want.as_str())) {
                            let got: Vec<String> = mine.iter().filter_map(|f| f.secret.clone()).collect();
                            p(format!("example {}: expected secret {want:?}, captured {got:?}", i + 1));
                            continue;
                        }
                    }
                    let reported = full.scan(&file, ex.input.as_bytes(), s2).findings;
                    if !reported.iter().any(|f| f.rule == ri || f.also.contains(&r.id)) {
                        p(format!("example {} matches but the whole pipeline does not report it", i + 1));
                    }
                }
                for (i, ex) in r.negative_examples.iter().enumerate() {
                    let mut file = FileInfo::from_path_str(ex.path.as_deref().unwrap_or(r.default_example_path()));
                    file.refine_with_content(ex.input.as_bytes());
                    let found = undeduped.scan(&file, ex.input.as_bytes(), s1).findings;
                    if let Some(f) = found.iter().find(|f| f.rule == ri) {
                        p(format!("negative example {} ({}) is reported at {}:{}", i + 1, file.path, f.line, f.column));
                    }
                }
                probs
            },
        )
        .flatten()
        .collect();
    out.sort();
    out
}

/// The bytes of an example: `input_hex` decoded (checked when the rule loaded), else `input`.
fn example_bytes(input: &str, input_hex: &Option<String>) -> Vec<u8> {
    match input_hex {
        Some(h) => super::file::decode_hex(h).unwrap_or_default(),
        None => input.as_bytes().to_vec(),
    }
}

/// A file rule's examples through what a directory or git scan runs on a file: the name lookup,
/// the head check and the text pipeline when the bytes are text. An example must give exactly one
/// finding of the rule; a negative example none.
fn file_examples(scanner: &Scanner, ri: usize, r: &Rule, s: &mut Scratch) -> Vec<Problem> {
    let mut probs = Vec::new();
    let mut p = |m: String| probs.push(Problem { file: r.source.clone(), rule: r.id.clone(), message: m });
    let run = |path: &str, bytes: &[u8], s: &mut Scratch| -> usize {
        let mut file = FileInfo::from_path_str(path);
        let mut n = 0;
        if scanner.wants_head(&file, s) {
            n += scanner.scan_head(&file, bytes, s).findings.iter().filter(|f| f.rule == ri).count();
        }
        let mut decoded = Vec::new();
        if let Some(text) = crate::input::read::text_of(bytes, &mut decoded) {
            file.refine_with_content(text);
            n += scanner.scan(&file, text, s).findings.iter().filter(|f| f.rule == ri).count();
        }
        n
    };
    for (i, ex) in r.examples.iter().enumerate() {
        let Some(path) = &ex.path else { continue };
        let n = run(path, &example_bytes(&ex.input, &ex.input_hex), s);
        if n != 1 {
            p(format!("example {} ({path}) gives {n} findings of this rule, not 1", i + 1));
        }
    }
    for (i, ex) in r.negative_examples.iter().enumerate() {
        let Some(path) = &ex.path else { continue };
        if run(path, &example_bytes(&ex.input, &ex.input_hex), s) > 0 {
            p(format!("negative example {} ({path}) is reported", i + 1));
        }
    }
    probs
}

/// Lint plus examples: every problem, sorted.
pub fn check(rules: &RuleSet) -> Vec<Problem> {
    let mut out = lint(rules);
    out.extend(run_examples(rules));
    out.sort();
    out.dedup();
    out
}
