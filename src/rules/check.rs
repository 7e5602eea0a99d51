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

/// Lint plus examples: every problem, sorted.
pub fn check(rules: &RuleSet) -> Vec<Problem> {
    let mut out = lint(rules);
    out.extend(run_examples(rules));
    out.sort();
    out.dedup();
    out
}
