//! `RuleSet`: every loaded rule plus the one compiled prefilter over all their keywords. Loading
//! parses and validates each file, rejects duplicate ids and names across files, and builds the
//! Aho-Corasick automaton; rule regexes compile lazily (see `rule`).
use std::collections::HashMap;
use std::path::Path;

use super::file::FileIndex;
use super::rule::{Category, Rule, Severity};
use super::syntax::RuleFile;
use super::{builtin, line_col, RuleError};
use crate::scan::prefilter::Prefilter;

#[derive(Debug)]
pub struct RuleSet {
    rules: Vec<Rule>,
    prefilter: Prefilter,
    /// The names of every file rule, as one glob set.
    files: FileIndex,
}

/// A rule file's name and contents, before parsing.
#[derive(Debug, Clone)]
pub struct RuleSource {
    pub name: String,
    pub text: String,
}

/// Parses one rule file into rules (validated, regexes not yet compiled).
pub fn parse_rule_file(name: &str, text: &str) -> Result<Vec<Rule>, RuleError> {
    let file: RuleFile = toml::from_str(text).map_err(|e| {
        let (line, column) = e.span().map(|s| line_col(text, s.start)).unwrap_or((1, 1));
        RuleError::Parse { file: name.to_string(), line, column, message: e.message().trim().to_string() }
    })?;
    file.rule.into_iter().map(|def| Rule::from_def(def, name).map_err(|e| e.in_file(name))).collect()
}

impl RuleSet {
    /// The rules embedded in the binary.
    pub fn builtin() -> Result<RuleSet, RuleError> {
        let mut rules = Vec::new();
        for (i, (name, text)) in builtin::BUILTIN_RULE_FILES.iter().enumerate() {
            // The JSON form made at build time parses faster; any error is reported from the TOML.
            let parsed = builtin::BUILTIN_RULE_JSON[i].and_then(|j| serde_json::from_str::<RuleFile>(j).ok());
            match parsed {
                Some(file) => {
                    for def in file.rule {
                        rules.push(Rule::from_def(def, name).map_err(|e| e.in_file(name))?);
                    }
                }
                None => rules.extend(parse_rule_file(name, text)?),
            }
        }
        RuleSet::from_rules(rules)
    }

    /// Rule files or directories of rule files (`*.toml`, recursively, sorted) from disk.
    pub fn sources_from_paths(paths: &[impl AsRef<Path>]) -> Result<Vec<RuleSource>, RuleError> {
        let mut files = Vec::new();
        for p in paths {
            collect_toml(p.as_ref(), &mut files)?;
        }
        files.sort();
        files.dedup();
        let mut out = Vec::new();
        for f in files {
            let text = std::fs::read_to_string(&f)
                .map_err(|source| RuleError::Io { path: f.display().to_string(), source })?;
            out.push(RuleSource { name: f.display().to_string(), text });
        }
        Ok(out)
    }

    pub fn from_sources(sources: &[RuleSource]) -> Result<RuleSet, RuleError> {
        let mut rules = Vec::new();
        for s in sources {
            rules.extend(parse_rule_file(&s.name, &s.text)?);
        }
        RuleSet::from_rules(rules)
    }

    pub fn from_rules(rules: Vec<Rule>) -> Result<RuleSet, RuleError> {
        let mut ids: HashMap<&str, &str> = HashMap::new();
        let mut names: HashMap<&str, &str> = HashMap::new();
        for r in &rules {
            if let Some(first) = ids.insert(&r.id, &r.source) {
                return Err(RuleError::Duplicate {
                    what: "id",
                    value: r.id.clone(),
                    first: first.to_string(),
                    second: r.source.clone(),
                });
            }
            if let Some(first) = names.insert(&r.name, &r.source) {
                return Err(RuleError::Duplicate {
                    what: "name",
                    value: r.name.clone(),
                    first: first.to_string(),
                    second: r.source.clone(),
                });
            }
        }
        let prefilter = Prefilter::new(&rules).map_err(RuleError::Other)?;
        let files = FileIndex::new(&rules);
        Ok(RuleSet { rules, prefilter, files })
    }

    /// Keeps only the rules `keep` accepts (and rebuilds the prefilter).
    pub fn retain(self, keep: impl Fn(&Rule) -> bool) -> Result<RuleSet, RuleError> {
        let rules: Vec<Rule> = self.rules.into_iter().filter(|r| keep(r)).collect();
        RuleSet::from_rules(rules)
    }

    /// Narrows to the given categories (empty = all) and minimum severity; drops preview rules.
    pub fn narrowed(self, categories: &[Category], min_severity: Option<Severity>) -> Result<RuleSet, RuleError> {
        self.retain(|r| {
            !r.preview
                && (categories.is_empty() || categories.contains(&r.category))
                && min_severity.is_none_or(|m| r.severity >= m)
        })
    }

    pub fn rules(&self) -> &[Rule] {
        &self.rules
    }

    /// The rules, for changing them (config overrides) and building a new set.
    pub fn into_rules(self) -> Vec<Rule> {
        self.rules
    }

    pub fn len(&self) -> usize {
        self.rules.len()
    }

    pub fn is_empty(&self) -> bool {
        self.rules.is_empty()
    }

    pub fn get(&self, id_or_name: &str) -> Option<&Rule> {
        self.rules.iter().find(|r| r.id.eq_ignore_ascii_case(id_or_name) || r.name == id_or_name)
    }

    pub fn prefilter(&self) -> &Prefilter {
        &self.prefilter
    }

    /// The file rules' name index (see `rules::file`).
    pub fn files(&self) -> &FileIndex {
        &self.files
    }

    /// Compiles every rule's regexes now; returns every failure. File rules have none.
    pub fn compile_all(&self) -> Vec<RuleError> {
        self.rules
            .iter()
            .filter(|r| !r.is_file_rule())
            .filter_map(|r| r.compiled().err().map(|e| e.in_file(&r.source)))
            .collect()
    }
}

fn collect_toml(p: &Path, out: &mut Vec<std::path::PathBuf>) -> Result<(), RuleError> {
    let meta = std::fs::metadata(p).map_err(|source| RuleError::Io { path: p.display().to_string(), source })?;
    if meta.is_dir() {
        let rd = std::fs::read_dir(p).map_err(|source| RuleError::Io { path: p.display().to_string(), source })?;
        for e in rd {
            let e = e.map_err(|source| RuleError::Io { path: p.display().to_string(), source })?;
            let path = e.path();
            if path.is_dir() || path.extension().is_some_and(|x| x == "toml") {
                collect_toml(&path, out)?;
            }
        }
    } else {
        out.push(p.to_path_buf());
    }
    Ok(())
}
