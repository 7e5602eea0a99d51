//! `.residue.toml`: a team's settings, kept next to its code. This module owns finding the file,
//! parsing it (unknown keys are errors that name the file, line and column), and turning it into
//! what the scan uses: the rule set (custom `[[rule]]` entries, `[rules] disable / enable /
//! severity / replace`), the path exclusion of the walk (`[paths] exclude`), the allow-lists
//! (`[[allow]]`, compiled into `suppress::AllowEntry`) and the run policy (`[scan] min_severity`,
//! `fail_on`, `baseline`). A gitleaks or Betterleaks config given with `--config` is recognised by
//! its shape and translated by `import`.
//!
//! Discovery: the config is `.residue.toml` in the directory scanned (for a file: its directory;
//! no path: the current directory) or, inside a git repository, in the nearest directory between
//! it and the repository root. Outside a repository only the scanned directory counts, so a stray
//! file in a parent folder never changes a scan. Paths in the config (globs, `baseline`) are
//! relative to the config's directory.
pub mod import;

use std::collections::BTreeMap;
use std::path::{Component, Path, PathBuf};

use globset::{Glob, GlobSet, GlobSetBuilder};
use serde::Deserialize;
use toml::Spanned;

use crate::input::path::normalize_path;
use crate::rules::rule::compile_regex;
use crate::rules::syntax::RuleDef;
use crate::rules::{Category, Rule, RuleError, RuleSet, Severity};
use crate::suppress::{AllowEntry, Condition, Suppress};

/// The file name looked for.
pub const CONFIG_FILE: &str = ".residue.toml";

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("{file}:{line}:{column}: {message}")]
    At { file: String, line: usize, column: usize, message: String },
    #[error("{file}: {message}")]
    File { file: String, message: String },
    #[error("{path}: {source}")]
    Io { path: String, source: std::io::Error },
}

/// The serde mirror of `.residue.toml` (see the README's "Configuration").
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConfigFile {
    #[serde(default)]
    pub scan: ScanSection,
    #[serde(default)]
    pub rules: RulesSection,
    #[serde(default)]
    pub paths: PathsSection,
    #[serde(default)]
    pub allow: Vec<Spanned<AllowDef>>,
    #[serde(default)]
    pub rule: Vec<Spanned<RuleDef>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScanSection {
    /// Report only findings at least this severe (like `--min-severity`).
    pub min_severity: Option<SeverityDef>,
    /// Exit 1 only for findings at least this severe; the others are still reported.
    pub fail_on: Option<SeverityDef>,
    /// Baseline file used by `residue scan` when `--baseline` is not given.
    pub baseline: Option<String>,
    /// Honour inline `residue:allow` markers (default true).
    pub inline_allow: Option<bool>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RulesSection {
    /// Rule ids, names or categories to turn off.
    #[serde(default)]
    pub disable: Vec<Spanned<String>>,
    /// Preview rules (ids or names) to turn on.
    #[serde(default)]
    pub enable: Vec<Spanned<String>>,
    /// Rule id or name -> severity.
    #[serde(default)]
    pub severity: BTreeMap<String, SeverityDef>,
    /// `[[rule]]` entries replace the built-in (or `--rules`) set instead of adding to it.
    #[serde(default)]
    pub replace: bool,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PathsSection {
    /// Gitignore-style globs, relative to the config's directory; matching files are not read.
    #[serde(default)]
    pub exclude: Vec<Spanned<String>>,
}

#[derive(Debug, Default, Deserialize, Clone)]
#[serde(deny_unknown_fields)]
pub struct AllowDef {
    #[serde(default)]
    pub reason: Option<String>,
    #[serde(default)]
    pub rules: Vec<String>,
    #[serde(default)]
    pub paths: Vec<String>,
    #[serde(default)]
    pub path_regexes: Vec<String>,
    #[serde(default)]
    pub secrets: Vec<String>,
    #[serde(default)]
    pub matches: Vec<String>,
    #[serde(default)]
    pub lines: Vec<String>,
    #[serde(default)]
    pub stopwords: Vec<String>,
    #[serde(default)]
    pub condition: Option<ConditionDef>,
}

#[derive(Debug, Clone, Copy, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SeverityDef {
    Low,
    Medium,
    High,
    Critical,
}

impl SeverityDef {
    pub fn get(self) -> Severity {
        match self {
            SeverityDef::Low => Severity::Low,
            SeverityDef::Medium => Severity::Medium,
            SeverityDef::High => Severity::High,
            SeverityDef::Critical => Severity::Critical,
        }
    }
}

#[derive(Debug, Clone, Copy, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ConditionDef {
    Or,
    And,
}

/// A loaded, validated config.
#[derive(Debug)]
pub struct Config {
    /// The file it came from (for messages).
    pub name: String,
    /// The directory config paths are relative to.
    pub base: PathBuf,
    pub file: ConfigFile,
    /// The config's text (for line numbers in later messages).
    text: String,
    /// Notes from translating a gitleaks config, printed on stderr.
    pub notes: Vec<String>,
}

/// Converts a byte offset to 1-based (line, column).
fn line_col(text: &str, offset: usize) -> (usize, usize) {
    crate::rules::line_col(text, offset)
}

impl Config {
    /// Reads `path`: a `.residue.toml`, or a gitleaks / Betterleaks config (translated).
    pub fn load(path: &Path) -> Result<Config, ConfigError> {
        let name = path.display().to_string();
        let text = std::fs::read_to_string(path).map_err(|source| ConfigError::Io { path: name.clone(), source })?;
        let base = lexical_absolute(path.parent().unwrap_or(Path::new(".")));
        if import::looks_like_gitleaks(&text) {
            let imported = import::translate(&name, &text)?;
            let mut cfg = Config::parse(&format!("{name} (translated from gitleaks)"), &imported.text, base)?;
            cfg.notes = imported.notes;
            return Ok(cfg);
        }
        Config::parse(&name, &text, base)
    }

    /// Parses and validates a residue config.
    pub fn parse(name: &str, text: &str, base: PathBuf) -> Result<Config, ConfigError> {
        let file: ConfigFile = toml::from_str(text).map_err(|e| {
            let (line, column) = e.span().map(|s| line_col(text, s.start)).unwrap_or((1, 1));
            ConfigError::At { file: name.to_string(), line, column, message: e.message().trim().to_string() }
        })?;
        let cfg = Config { name: name.to_string(), base, file, text: text.to_string(), notes: Vec::new() };
        // Compile everything now so a bad glob or regex is reported with its line before scanning.
        cfg.exclude()?;
        cfg.suppress()?;
        for r in &cfg.file.rule {
            cfg.custom_rule(r)?;
        }
        Ok(cfg)
    }

    fn at(&self, span: std::ops::Range<usize>, message: String) -> ConfigError {
        let (line, column) = line_col(&self.text, span.start);
        ConfigError::At { file: self.name.clone(), line, column, message }
    }

    fn custom_rule(&self, def: &Spanned<RuleDef>) -> Result<Rule, ConfigError> {
        let rule = Rule::from_def(def.get_ref().clone(), &self.name).map_err(|e| self.at(def.span(), msg(e)))?;
        // Custom rules are someone's work in progress: compile them now so errors surface first.
        if !rule.is_file_rule() {
            rule.compiled().map_err(|e| self.at(def.span(), msg(e)))?;
        }
        Ok(rule)
    }

    /// The walk's path exclusion (`[paths] exclude`), if any.
    pub fn exclude(&self) -> Result<Option<PathFilter>, ConfigError> {
        let ex = &self.file.paths.exclude;
        if ex.is_empty() {
            return Ok(None);
        }
        let mut b = GlobSetBuilder::new();
        for g in ex {
            b.add(gitignore_glob(g.get_ref()).map_err(|e| self.at(g.span(), format!("paths.exclude: {e}")))?);
        }
        let globs = b.build().map_err(|e| ConfigError::File { file: self.name.clone(), message: e.to_string() })?;
        Ok(Some(PathFilter { base: PathBase::new(&self.base), globs }))
    }

    /// Inline-marker setting and the compiled `[[allow]]` entries.
    pub fn suppress(&self) -> Result<Suppress, ConfigError> {
        let mut allow = Vec::new();
        for (i, a) in self.file.allow.iter().enumerate() {
            let d = a.get_ref();
            let err = |what: &str, e: String| self.at(a.span(), format!("allow entry {}: {what}: {e}", i + 1));
            let regexes = |what: &str, list: &[String]| -> Result<Vec<_>, ConfigError> {
                list.iter().map(|r| compile_regex(r).map_err(|e| err(what, format!("{r:?}: {e}")))).collect()
            };
            let paths = if d.paths.is_empty() {
                None
            } else {
                let mut b = GlobSetBuilder::new();
                for g in &d.paths {
                    b.add(gitignore_glob(g).map_err(|e| err("paths", e))?);
                }
                Some(b.build().map_err(|e| err("paths", e.to_string()))?)
            };
            allow.push(AllowEntry {
                reason: d.reason.clone().unwrap_or_else(|| format!("{} allow entry {}", self.name, i + 1)),
                rules: d.rules.clone(),
                paths,
                path_regexes: regexes("path_regexes", &d.path_regexes)?,
                secrets: regexes("secrets", &d.secrets)?,
                matches: regexes("matches", &d.matches)?,
                lines: regexes("lines", &d.lines)?,
                stopwords: d.stopwords.iter().map(|w| w.to_ascii_lowercase()).collect(),
                condition: match d.condition {
                    Some(ConditionDef::And) => Condition::And,
                    _ => Condition::Or,
                },
                base: Some(PathBase::new(&self.base)),
            });
        }
        Ok(Suppress { inline: self.file.scan.inline_allow.unwrap_or(true), allow })
    }

    /// The baseline file named by `[scan] baseline`, relative to the config's directory.
    pub fn baseline_path(&self) -> Option<PathBuf> {
        self.file.scan.baseline.as_ref().map(|b| self.base.join(b))
    }

    /// Applies `[[rule]]`, `[rules] replace / enable / disable / severity` to `rules`. Names that
    /// match no rule are returned as warnings: a rule removed in a later release must not break CI.
    pub fn apply_rules(&self, rules: RuleSet) -> Result<(RuleSet, Vec<String>), ConfigError> {
        let mut warnings = Vec::new();
        let mut list = if self.file.rules.replace { Vec::new() } else { rules.into_rules() };
        for r in &self.file.rule {
            list.push(self.custom_rule(r)?);
        }
        let refers = |r: &Rule, s: &str| r.id.eq_ignore_ascii_case(s) || r.name == s;
        for e in &self.file.rules.enable {
            let s = e.get_ref();
            let mut hit = false;
            for r in list.iter_mut().filter(|r| refers(r, s)) {
                r.preview = false;
                hit = true;
            }
            if !hit {
                warnings.push(format!("{}: rules.enable: no rule {s:?}", self.name));
            }
        }
        for (s, sev) in &self.file.rules.severity {
            let mut hit = false;
            for r in list.iter_mut().filter(|r| refers(r, s)) {
                r.severity = sev.get();
                hit = true;
            }
            if !hit {
                warnings.push(format!("{}: rules.severity: no rule {s:?}", self.name));
            }
        }
        for d in &self.file.rules.disable {
            let s = d.get_ref();
            let cat = Category::parse(s);
            let before = list.len();
            list.retain(|r| !(refers(r, s) || Some(r.category) == cat));
            if list.len() == before {
                warnings.push(format!("{}: rules.disable: no rule {s:?}", self.name));
            }
        }
        let set = RuleSet::from_rules(list)
            .map_err(|e| ConfigError::File { file: self.name.clone(), message: e.to_string() })?;
        Ok((set, warnings))
    }
}

fn msg(e: RuleError) -> String {
    e.to_string()
}

/// A gitignore-style glob: without a `/` it matches the name at any depth; a leading `/` anchors
/// it to the config's directory; a trailing `/` means the directory and everything under it.
fn gitignore_glob(g: &str) -> Result<Glob, String> {
    let mut pat = g.trim().to_string();
    if pat.is_empty() {
        return Err("empty glob".into());
    }
    if let Some(dir) = pat.strip_suffix('/') {
        pat = format!("{dir}/**");
    }
    let pat = if let Some(rest) = pat.strip_prefix('/') {
        rest.to_string()
    } else if pat.contains('/') {
        pat
    } else {
        format!("**/{pat}")
    };
    // `vendor/**` also excludes the directory entry itself, and `dir` alone its contents.
    globset::GlobBuilder::new(&pat).literal_separator(true).build().map_err(|e| format!("bad glob {g:?}: {e}"))
}

/// Turns the paths a scan reports (relative to the current directory, or absolute) into paths
/// relative to the config's directory, the frame its globs are written in.
#[derive(Debug, Clone)]
pub struct PathBase {
    cwd: PathBuf,
    base: PathBuf,
}

impl PathBase {
    pub fn new(base: &Path) -> PathBase {
        let cwd = std::env::current_dir().unwrap_or_else(|_| PathBuf::from("/"));
        PathBase { base: lexical_absolute(base), cwd }
    }

    /// `path` relative to the config's directory (`/`-separated); the path as given when it lies
    /// outside that directory.
    pub fn relative(&self, path: &Path) -> String {
        let abs = if path.is_absolute() { lexical_normalize(path) } else { lexical_normalize(&self.cwd.join(path)) };
        match abs.strip_prefix(&self.base) {
            Ok(rel) => normalize_path(rel),
            Err(_) => normalize_path(path),
        }
    }
}

/// `[paths] exclude`, matched on paths relative to the config's directory.
#[derive(Debug, Clone)]
pub struct PathFilter {
    base: PathBase,
    globs: GlobSet,
}

impl PathFilter {
    /// Whether a walked path (as the walker gives it) is excluded.
    pub fn is_excluded(&self, path: &Path) -> bool {
        self.globs.is_match(self.base.relative(path))
    }

    /// Whether a path already relative to the config's directory (a repository-relative git path
    /// when the config sits at the repository root) is excluded.
    pub fn is_excluded_rel(&self, rel: &str) -> bool {
        self.globs.is_match(rel)
    }
}

/// `path` made absolute against the current directory, with `.` and `..` resolved lexically
/// (symlinks are not followed: the walker reports paths the same way).
pub fn lexical_absolute(path: &Path) -> PathBuf {
    if path.is_absolute() {
        lexical_normalize(path)
    } else {
        let cwd = std::env::current_dir().unwrap_or_else(|_| PathBuf::from("/"));
        lexical_normalize(&cwd.join(path))
    }
}

fn lexical_normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in path.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => {
                out.pop();
            }
            other => out.push(other.as_os_str()),
        }
    }
    out
}

/// The config that applies to a scan of `paths` (see the module docs), if any.
pub fn discover(paths: &[PathBuf]) -> Option<PathBuf> {
    let first = paths.first().map(|p| p.as_path()).unwrap_or(Path::new("."));
    let abs = lexical_absolute(first);
    let start = if abs.is_dir() { abs } else { abs.parent().map(Path::to_path_buf).unwrap_or(abs) };
    let ancestors: Vec<&Path> = start.ancestors().collect();
    let repo_root = ancestors.iter().position(|d| d.join(".git").exists());
    let candidates = match repo_root {
        Some(i) => &ancestors[..=i],
        None => &ancestors[..1],
    };
    candidates.iter().map(|d| d.join(CONFIG_FILE)).find(|p| p.is_file())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn globs_are_gitignore_style() {
        let m = |g: &str, p: &str| gitignore_glob(g).unwrap().compile_matcher().is_match(p);
        assert!(m("vendor/**", "vendor/a/b.go"));
        assert!(!m("vendor/**", "src/vendor/a.go"));
        assert!(m("*.min.js", "web/app.min.js"));
        assert!(m("fixtures/", "fixtures/a.json"));
        assert!(m("/docs/rules.md", "docs/rules.md"));
        assert!(!m("rules/**", "src/rules/set.rs"));
    }

    #[test]
    fn malformed_config_names_line() {
        let text = "[rules]\ndisable = [\"SEC0001\"]\n\n[paths]\nexclude = 3\n";
        let e = Config::parse("x.toml", text, PathBuf::from("/")).unwrap_err().to_string();
        assert!(e.starts_with("x.toml:5:"), "{e}");
        let e = Config::parse("x.toml", "[scan]\nfail_on = \"severe\"\n", PathBuf::from("/")).unwrap_err().to_string();
        assert!(e.starts_with("x.toml:2:"), "{e}");
        let e = Config::parse("x.toml", "\n[[allow]]\nsecrets = ['(']\n", PathBuf::from("/")).unwrap_err().to_string();
        assert!(e.starts_with("x.toml:2:"), "{e}");
    }
}
