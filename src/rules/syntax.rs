//! The serde mirror of a rule file: exactly the TOML a rule author writes (see docs/rule-format.md),
//! with unknown keys rejected so a typo is an error instead of a silently ignored setting.
//! Nothing here is validated beyond types; `rules::rule` turns it into a checked `Rule`.
use serde::Deserialize;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RuleFile {
    #[serde(default)]
    pub rule: Vec<RuleDef>,
}

#[derive(Debug, Deserialize, Clone)]
#[serde(deny_unknown_fields)]
pub struct RuleDef {
    pub id: String,
    pub name: String,
    pub title: String,
    pub category: String,
    pub severity: String,
    #[serde(default)]
    pub confidence: Option<String>,
    #[serde(default)]
    pub keywords: Vec<String>,
    #[serde(default)]
    pub case_sensitive: bool,
    /// Required unless `file` is given (then it must be absent).
    #[serde(default)]
    pub regex: String,
    /// A file rule: matches a file by its name (and leading bytes) instead of its text.
    #[serde(default)]
    pub file: Option<FileDef>,
    #[serde(default)]
    pub min_entropy: Option<f64>,
    #[serde(default)]
    pub checksum: Option<String>,
    #[serde(default)]
    pub allow: Vec<String>,
    #[serde(default)]
    pub allow_line: Vec<String>,
    #[serde(default)]
    pub placeholder: Option<bool>,
    #[serde(default)]
    pub reject: Vec<String>,
    #[serde(default)]
    pub languages: Vec<String>,
    #[serde(default)]
    pub paths: Vec<String>,
    #[serde(default)]
    pub exclude_paths: Vec<String>,
    #[serde(default)]
    pub skip_in: Vec<String>,
    #[serde(default)]
    pub in_comment: Option<String>,
    #[serde(default)]
    pub tags: Vec<String>,
    #[serde(default)]
    pub preview: bool,
    #[serde(default)]
    pub description: String,
    #[serde(default)]
    pub remediation: String,
    #[serde(default)]
    pub references: Vec<String>,
    #[serde(default)]
    pub example: Vec<ExampleDef>,
    #[serde(default)]
    pub negative_example: Vec<NegativeExampleDef>,
}

/// `file = { names = [...], magic = [...], kind = "..." }`: see docs/rule-format.md.
#[derive(Debug, Deserialize, Clone)]
#[serde(deny_unknown_fields)]
pub struct FileDef {
    /// Globs on the path (without a `/`: the file name at any depth), ASCII case-insensitive.
    pub names: Vec<String>,
    /// Hex patterns (`??` = any byte) the file's first bytes must start with; any one suffices.
    /// Empty: the name alone decides.
    #[serde(default)]
    pub magic: Vec<String>,
    /// What such a file is, shown in place of a secret value ("PKCS#12 key store").
    pub kind: String,
}

#[derive(Debug, Deserialize, Clone)]
#[serde(deny_unknown_fields)]
pub struct ExampleDef {
    /// The example's text (file rules may give `input_hex` instead, for binary content).
    #[serde(default)]
    pub input: String,
    #[serde(default)]
    pub input_hex: Option<String>,
    #[serde(default)]
    pub secret: Option<String>,
    #[serde(default)]
    pub path: Option<String>,
}

#[derive(Debug, Deserialize, Clone)]
#[serde(deny_unknown_fields)]
pub struct NegativeExampleDef {
    #[serde(default)]
    pub input: String,
    #[serde(default)]
    pub input_hex: Option<String>,
    #[serde(default)]
    pub reason: String,
    #[serde(default)]
    pub path: Option<String>,
}
