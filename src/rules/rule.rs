//! A validated rule: the checked form of `syntax::RuleDef`. Cheap checks (names, enums, globs,
//! keyword lengths) happen when a rule is loaded; the regex, the costly part, is compiled the first
//! time one of the rule's keywords is hit (or eagerly by `rules check` and for custom rules), so a
//! pre-commit run that touches a handful of rules compiles only those.
use std::fmt;
use std::sync::OnceLock;

use globset::{Glob, GlobSet, GlobSetBuilder};
use regex_automata::meta::Regex;
use regex_automata::util::syntax;

use super::syntax::{ExampleDef, NegativeExampleDef, RuleDef};
use super::RuleError;
use crate::input::path::{FileInfo, Language, CONTEXT_NAMES};

/// The longest match a rule's regex may produce; also the widest window searched around a hit.
pub const MAX_MATCH_LEN: usize = 16 * 1024;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Category {
    Secret,
    UnsafeLogging,
    PromptResidue,
    InsecureDefault,
}

impl Category {
    pub const ALL: [Category; 4] =
        [Category::Secret, Category::UnsafeLogging, Category::PromptResidue, Category::InsecureDefault];

    pub fn parse(s: &str) -> Option<Category> {
        Category::ALL.into_iter().find(|c| c.as_str() == s)
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Category::Secret => "secret",
            Category::UnsafeLogging => "unsafe-logging",
            Category::PromptResidue => "prompt-residue",
            Category::InsecureDefault => "insecure-default",
        }
    }

    /// The id prefix rules of this category use.
    pub fn id_prefix(self) -> &'static str {
        match self {
            Category::Secret => "SEC",
            Category::UnsafeLogging => "LOG",
            Category::PromptResidue => "PRM",
            Category::InsecureDefault => "INS",
        }
    }
}

impl fmt::Display for Category {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Ordered from least to most severe so `>=` means "at least as severe".
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Low,
    Medium,
    High,
    Critical,
}

impl Severity {
    pub fn parse(s: &str) -> Option<Severity> {
        match s {
            "low" => Some(Severity::Low),
            "medium" => Some(Severity::Medium),
            "high" => Some(Severity::High),
            "critical" => Some(Severity::Critical),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Low => "low",
            Severity::Medium => "medium",
            Severity::High => "high",
            Severity::Critical => "critical",
        }
    }

    /// One step less severe (used for findings under test paths).
    pub fn lowered(self) -> Severity {
        match self {
            Severity::Critical => Severity::High,
            Severity::High => Severity::Medium,
            _ => Severity::Low,
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Confidence {
    Low,
    Medium,
    High,
}

impl Confidence {
    pub fn parse(s: &str) -> Option<Confidence> {
        match s {
            "low" => Some(Confidence::Low),
            "medium" => Some(Confidence::Medium),
            "high" => Some(Confidence::High),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Confidence::Low => "low",
            Confidence::Medium => "medium",
            Confidence::High => "high",
        }
    }

    pub fn raised(self) -> Confidence {
        match self {
            Confidence::Low => Confidence::Medium,
            _ => Confidence::High,
        }
    }

    pub fn lowered(self) -> Confidence {
        match self {
            Confidence::High => Confidence::Medium,
            _ => Confidence::Low,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CommentMode {
    Any,
    Only,
    Never,
}

/// Offline structure checks a rule can ask for (`checksum = "..."`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Checksum {
    GithubCrc32,
    NpmCrc32,
    Jwt,
    PypiMacaroon,
    Luhn,
    Bech32,
}

impl Checksum {
    pub fn parse(s: &str) -> Option<Checksum> {
        match s {
            "github-crc32" => Some(Checksum::GithubCrc32),
            "npm-crc32" => Some(Checksum::NpmCrc32),
            "jwt" => Some(Checksum::Jwt),
            "pypi-macaroon" => Some(Checksum::PypiMacaroon),
            "luhn" => Some(Checksum::Luhn),
            "bech32" => Some(Checksum::Bech32),
            _ => None,
        }
    }
}

/// Where a rule runs.
#[derive(Debug)]
pub struct Scope {
    pub languages: Vec<Language>,
    pub paths: Option<Globs>,
    pub exclude_paths: Option<Globs>,
    pub skip_in: Vec<&'static str>,
    pub in_comment: CommentMode,
}

impl Scope {
    pub fn applies_to(&self, file: &FileInfo) -> bool {
        if !self.languages.is_empty() && !self.languages.iter().any(|l| file.is_language(*l)) {
            return false;
        }
        if self.skip_in.iter().any(|c| file.context.has(c)) {
            return false;
        }
        if let Some(paths) = &self.paths {
            if !paths.is_match(&file.path) {
                return false;
            }
        }
        if let Some(ex) = &self.exclude_paths {
            if ex.is_match(&file.path) {
                return false;
            }
        }
        true
    }
}

/// The compiled, costly part of a rule.
#[derive(Debug)]
pub struct Compiled {
    /// The rule's regex. For a rule with a `hint` it has no lazy DFA: it runs only on the few
    /// windows the hint lets through, where the backtracker finds the match without building
    /// DFA states (`regex_for` picks a DFA version for long windows).
    pub regex: Regex,
    /// Capture group index of `secret`, if the regex has one.
    pub secret_group: Option<usize>,
    /// Capture group index of `key` (the name a value is assigned to), if any.
    pub key_group: Option<usize>,
    /// Upper bound of a match's length in bytes: the window half-width around a keyword hit.
    pub max_len: usize,
    /// Per keyword byte, how far a match reaches before and after it (see `scan::reach`); None
    /// falls back to `max_len` on both sides.
    pub reach: Option<crate::scan::reach::Reach>,
    /// A looser regex that must match in a window before `regex` runs there (see `scan::hint`);
    /// None for rules whose regex is cheap enough on its own.
    pub hint: Option<crate::scan::hint::Hint>,
    /// For a rule with a hint: its pattern, and the same regex with a lazy DFA, compiled the first
    /// time a window longer than `LONG_WINDOW` gets past the hint (minified files). Without a
    /// DFA the capture engines cost window length times pattern size, which on a 1 MB line of
    /// dense hits would be quadratic in practice.
    pattern: Option<Box<str>>,
    long: OnceLock<Result<Regex, String>>,
    pub allow: Vec<Regex>,
    pub allow_line: Vec<Regex>,
}

/// Windows longer than this search with a hinted rule's lazy-DFA regex (`Compiled::regex_for`).
/// A line or two of source is under 1 KB, where the bounded backtracker runs a 2,000-state pattern
/// within its default 256 KB visited set; from there to 4 KiB the PikeVM takes over (300 lines of
/// 3 KB, each window passing LOG0001's hint: 20 ms in all), and 1 KiB instead of 4 KiB made no
/// difference on the 1.19 GB tree.
pub const LONG_WINDOW: usize = 4 << 10;

impl Compiled {
    /// The regex for a window of `len` bytes, and whether it is the long-window one.
    pub fn regex_for(&self, len: usize) -> (&Regex, bool) {
        match &self.pattern {
            Some(p) if len > LONG_WINDOW => {
                match self.long.get_or_init(|| compile_hir(&parse_hir(p)?, true)) {
                    Ok(re) => (re, true),
                    // It compiled once without a DFA; failing with one (a size limit) leaves the
                    // DFA-less engine, which is slower on this window but finds the same.
                    Err(_) => (&self.regex, false),
                }
            }
            _ => (&self.regex, false),
        }
    }
}

#[derive(Debug)]
pub struct Rule {
    pub id: String,
    pub name: String,
    pub title: String,
    pub category: Category,
    pub severity: Severity,
    pub confidence: Confidence,
    pub keywords: Vec<String>,
    pub case_sensitive: bool,
    pub regex_src: String,
    /// Set for a file rule (matched by name and magic bytes, see `rules::file`); such a rule has
    /// no keywords and no regex.
    pub file: Option<super::file::FileMatch>,
    pub min_entropy: Option<f64>,
    pub checksum: Option<Checksum>,
    pub allow_src: Vec<String>,
    pub allow_line_src: Vec<String>,
    pub placeholder: bool,
    /// Value shapes that are never secrets for this rule (see `scan::shape`).
    pub reject: Vec<crate::scan::shape::Shape>,
    pub scope: Scope,
    pub tags: Vec<String>,
    pub preview: bool,
    pub description: String,
    pub remediation: String,
    pub references: Vec<String>,
    pub examples: Vec<ExampleDef>,
    pub negative_examples: Vec<NegativeExampleDef>,
    /// The file the rule came from (for messages).
    pub source: String,
    /// True for rules tagged `generic`: a provider rule is preferred over them on the same secret.
    pub generic: bool,
    compiled: OnceLock<Result<Compiled, String>>,
}

fn regex_syntax_config() -> syntax::Config {
    syntax::Config::new().unicode(false).utf8(false).multi_line(true).crlf(true)
}

/// Largest NFA one rule's regex (or its hint, `scan::hint`) may compile to.
pub(crate) const NFA_SIZE_LIMIT: usize = 10 << 20;

/// Engine settings for every rule regex.
fn regex_config() -> regex_automata::meta::Config {
    Regex::config()
        .utf8_empty(false)
        // 10 MiB per rule is far more than any sane rule needs; it stops a pathological
        // custom rule from eating memory.
        .nfa_size_limit(Some(NFA_SIZE_LIMIT))
        .hybrid_cache_capacity(2 * (1 << 20))
        // The one-pass DFA only serves anchored capture searches on a span the lazy DFA
        // already found; the bounded backtracker does that as well on our short matches,
        // and the one-pass tables were 19 MB of the 83 MB all built-in rules took.
        .onepass(false)
        // A regex only runs on a window around a keyword hit that its match must contain,
        // so a prefilter of its own (Teddy/Aho-Corasick over its prefix literals, often
        // dozens under (?i)) has little left to skip: 3.2 MB over all built-in rules.
        .auto_prefilter(false)
}

/// Compiles a pattern in the rule dialect (bytes, ASCII classes, multi-line, CRLF-aware).
pub fn compile_regex(pattern: &str) -> Result<Regex, String> {
    Regex::builder().syntax(regex_syntax_config()).configure(regex_config()).build(pattern).map_err(|e| e.to_string())
}

/// Compiles a pattern already parsed by `parse_hir` (a rule's regex is parsed once for its
/// length bounds, its reach, its looser form and the engine).
///
/// Without `dfa` the regex has only the capture engines (PikeVM, bounded backtracker) and no
/// reverse NFA: on the 1.19 GB tree, dropping the lazy DFAs of the 516 rules with a hint cut peak
/// memory from 99.5 to 80.7 MB at `-j 2` and CPU time by a fifth (their DFA states were built
/// again and again for the few windows that reach them).
fn compile_hir(hir: &regex_syntax::hir::Hir, dfa: bool) -> Result<Regex, String> {
    Regex::builder().configure(regex_config().hybrid(dfa).dfa(dfa)).build_from_hir(hir).map_err(|e| e.to_string())
}

/// Parses a pattern in the rule dialect into its HIR, with the same flags as `compile_regex`.
/// Match-length bounds and the per-byte reach are both read from this one parse.
pub fn parse_hir(pattern: &str) -> Result<regex_syntax::hir::Hir, String> {
    regex_syntax::ParserBuilder::new()
        .unicode(false)
        .utf8(false)
        .multi_line(true)
        .crlf(true)
        .build()
        .parse(pattern)
        .map_err(|e| e.to_string())
}

/// A rule's path globs. Each glob is parsed when the rule loads (so a bad glob is a load error),
/// but the set is compiled (one regex build per set, ~10 ms for all built-in rules together) only
/// the first time a file is tested against it: a pre-commit run tests a handful of rules.
#[derive(Debug)]
pub struct Globs {
    globs: Vec<Glob>,
    set: OnceLock<GlobSet>,
}

impl Globs {
    pub fn is_match(&self, path: &str) -> bool {
        self.set
            .get_or_init(|| {
                let mut b = GlobSetBuilder::new();
                for g in &self.globs {
                    b.add(g.clone());
                }
                // Parsed globs only fail to build past the regex size limit, which no path glob
                // reaches; an empty set (matches nothing) is the safe reading if one ever does.
                b.build().unwrap_or_else(|_| GlobSet::empty())
            })
            .is_match(path)
    }
}

fn build_globs(rule_id: &str, field: &str, globs: &[String]) -> Result<Option<Globs>, RuleError> {
    if globs.is_empty() {
        return Ok(None);
    }
    let mut parsed = Vec::with_capacity(globs.len());
    for g in globs {
        // A glob without a slash matches the file name at any depth, like .gitignore.
        let g2 = if g.contains('/') { g.clone() } else { format!("**/{g}") };
        let glob = Glob::new(&g2).map_err(|e| RuleError::invalid(rule_id, format!("{field}: bad glob {g:?}: {e}")))?;
        parsed.push(glob);
    }
    Ok(Some(Globs { globs: parsed, set: OnceLock::new() }))
}

impl Rule {
    /// Validates a rule definition. Everything but the main regex is checked here.
    pub fn from_def(def: RuleDef, source: &str) -> Result<Rule, RuleError> {
        let id = def.id.clone();
        let err = |msg: String| RuleError::invalid(&id, msg);
        let category = Category::parse(&def.category).ok_or_else(|| {
            err(format!(
                "unknown category {:?} (expected secret, unsafe-logging, prompt-residue or insecure-default)",
                def.category
            ))
        })?;
        let id_ok = def.id.len() >= 6
            && def.id.starts_with(category.id_prefix())
            && def.id[3..].bytes().all(|b| b.is_ascii_digit());
        if !id_ok {
            return Err(err(format!(
                "id must be {}NNNN for category {} (got {:?})",
                category.id_prefix(),
                category,
                def.id
            )));
        }
        let name_ok = !def.name.is_empty()
            && def.name.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
            && !def.name.starts_with('-')
            && !def.name.ends_with('-');
        if !name_ok {
            return Err(err(format!("name {:?} is not kebab-case", def.name)));
        }
        if def.title.trim().is_empty() {
            return Err(err("title is empty".into()));
        }
        let severity = Severity::parse(&def.severity)
            .ok_or_else(|| err(format!("unknown severity {:?} (critical, high, medium, low)", def.severity)))?;
        let confidence = match &def.confidence {
            None => Confidence::Medium,
            Some(c) => {
                Confidence::parse(c).ok_or_else(|| err(format!("unknown confidence {c:?} (high, medium, low)")))?
            }
        };
        let file = match &def.file {
            Some(f) => {
                let regex_only = [
                    (!def.keywords.is_empty(), "keywords"),
                    (!def.regex.is_empty(), "regex"),
                    (def.case_sensitive, "case_sensitive"),
                    (def.min_entropy.is_some(), "min_entropy"),
                    (def.checksum.is_some(), "checksum"),
                    (!def.allow.is_empty(), "allow"),
                    (!def.allow_line.is_empty(), "allow_line"),
                    (def.placeholder.is_some(), "placeholder"),
                    (!def.reject.is_empty(), "reject"),
                    (def.in_comment.is_some(), "in_comment"),
                    (!def.languages.is_empty(), "languages"),
                ];
                if let Some((_, key)) = regex_only.iter().find(|(set, _)| *set) {
                    return Err(err(format!(
                        "`{key}` is not allowed in a file rule (it matches by `file`, not by text)"
                    )));
                }
                if category != Category::Secret {
                    return Err(err("a file rule must have category \"secret\"".into()));
                }
                Some(super::file::FileMatch::parse(&id, f)?)
            }
            None => {
                if def.regex.is_empty() {
                    return Err(err("no `regex` (and no `file`): the rule could never match".into()));
                }
                None
            }
        };
        for (i, ex) in def
            .example
            .iter()
            .map(|e| (&e.input, &e.input_hex))
            .chain(def.negative_example.iter().map(|e| (&e.input, &e.input_hex)))
            .enumerate()
        {
            if let Some(h) = ex.1 {
                if file.is_none() {
                    return Err(err(format!("example {}: `input_hex` is only for file rules", i + 1)));
                }
                if !ex.0.is_empty() {
                    return Err(err(format!("example {}: give `input` or `input_hex`, not both", i + 1)));
                }
                super::file::decode_hex(h).map_err(|e| err(format!("example {}: input_hex: {e}", i + 1)))?;
            }
        }
        if file.is_none() && def.keywords.is_empty() {
            return Err(err("no keywords: the prefilter could never select this rule".into()));
        }
        for k in &def.keywords {
            if k.len() < 3 {
                return Err(err(format!("keyword {k:?} is shorter than 3 bytes")));
            }
        }
        let checksum = match &def.checksum {
            None => None,
            Some(c) => Some(Checksum::parse(c).ok_or_else(|| {
                err(format!("unknown checksum {c:?} (github-crc32, npm-crc32, jwt, pypi-macaroon, luhn, bech32)"))
            })?),
        };
        let mut languages = Vec::new();
        for l in &def.languages {
            languages.push(Language::from_name(l).ok_or_else(|| err(format!("unknown language {l:?}")))?);
        }
        let mut skip_in = Vec::new();
        for c in &def.skip_in {
            let known = CONTEXT_NAMES
                .iter()
                .find(|k| **k == c.as_str())
                .ok_or_else(|| err(format!("unknown skip_in context {c:?} (test, docs, example, vendor)")))?;
            skip_in.push(*known);
        }
        let in_comment = match def.in_comment.as_deref() {
            None | Some("any") => CommentMode::Any,
            Some("only") => CommentMode::Only,
            Some("never") => CommentMode::Never,
            Some(o) => return Err(err(format!("in_comment must be any, only or never (got {o:?})"))),
        };
        if let Some(e) = def.min_entropy {
            if !(0.0..=8.0).contains(&e) {
                return Err(err(format!("min_entropy {e} is outside 0..8 bits per byte")));
            }
        }
        let scope = Scope {
            languages,
            paths: build_globs(&id, "paths", &def.paths)?,
            exclude_paths: build_globs(&id, "exclude_paths", &def.exclude_paths)?,
            skip_in,
            in_comment,
        };
        let generic = def.tags.iter().any(|t| t == "generic");
        let mut reject = Vec::new();
        for s in &def.reject {
            reject.push(crate::scan::shape::Shape::parse(s).ok_or_else(|| {
                err(format!("unknown reject shape {s:?} ({})", crate::scan::shape::Shape::NAMES.join(", ")))
            })?);
        }
        Ok(Rule {
            id: def.id,
            name: def.name,
            title: def.title,
            category,
            severity,
            confidence,
            keywords: def.keywords,
            case_sensitive: def.case_sensitive,
            regex_src: def.regex,
            file,
            min_entropy: def.min_entropy,
            checksum,
            allow_src: def.allow,
            allow_line_src: def.allow_line,
            placeholder: def.placeholder.unwrap_or(category == Category::Secret),
            reject,
            scope,
            tags: def.tags,
            preview: def.preview,
            description: def.description,
            remediation: def.remediation,
            references: def.references,
            examples: def.example,
            negative_examples: def.negative_example,
            source: source.to_string(),
            generic,
            compiled: OnceLock::new(),
        })
    }

    /// The compiled regexes, built on first use. A file rule has none: asking is an error.
    pub fn compiled(&self) -> Result<&Compiled, RuleError> {
        self.compiled.get_or_init(|| self.compile()).as_ref().map_err(|m| RuleError::invalid(&self.id, m.clone()))
    }

    fn compile(&self) -> Result<Compiled, String> {
        if self.file.is_some() {
            return Err("a file rule has no regex".into());
        }
        let hir = parse_hir(&self.regex_src).map_err(|e| format!("regex: {e}"))?;
        let (max, min) = (hir.properties().maximum_len(), hir.properties().minimum_len().unwrap_or(0));
        if min == 0 {
            return Err("regex can match the empty string".into());
        }
        let max_len = match max {
            Some(m) if m <= MAX_MATCH_LEN => m,
            Some(m) => {
                return Err(format!("regex matches up to {m} bytes; the limit is {MAX_MATCH_LEN}"));
            }
            None => return Err("regex has no maximum match length: replace *, + and {n,} with bounded repeats".into()),
        };
        let hint = crate::scan::hint::Hint::for_pattern(&hir).map_err(|e| format!("regex (loosened): {e}"))?;
        let regex = compile_hir(&hir, hint.is_none()).map_err(|e| format!("regex: {e}"))?;
        let gi = regex.group_info();
        let secret_group = gi.to_index(regex_automata::PatternID::ZERO, "secret");
        let key_group = gi.to_index(regex_automata::PatternID::ZERO, "key");
        if self.category == Category::Secret && secret_group.is_none() {
            return Err("secret rules must capture the credential in a group named `secret`".into());
        }
        let mut allow = Vec::new();
        for a in &self.allow_src {
            allow.push(compile_regex(a).map_err(|e| format!("allow {a:?}: {e}"))?);
        }
        let mut allow_line = Vec::new();
        for a in &self.allow_line_src {
            allow_line.push(compile_regex(a).map_err(|e| format!("allow_line {a:?}: {e}"))?);
        }
        let reach = crate::scan::reach::Reach::from_hir(&hir);
        let pattern = hint.as_ref().map(|_| self.regex_src.clone().into_boxed_str());
        Ok(Compiled {
            regex,
            secret_group,
            key_group,
            max_len,
            reach,
            hint,
            pattern,
            long: OnceLock::new(),
            allow,
            allow_line,
        })
    }

    /// Whether this is a file rule (matched by name and magic, not by a regex).
    pub fn is_file_rule(&self) -> bool {
        self.file.is_some()
    }

    /// The path an example is scanned under when it gives none.
    pub fn default_example_path(&self) -> &'static str {
        match self.scope.languages.first() {
            Some(l) => l.example_path(),
            None => "src/app",
        }
    }
}
