//! Command-line definitions (clap derive). Flags are defined once here and generate the help text;
//! `app` turns them into a scan.
use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::report::Format;

#[derive(Debug, Parser)]
#[command(
    name = "residue",
    version,
    about = "Finds what should never reach a build: secrets, secrets in logs, AI-assistant residue and insecure defaults",
    after_help = "Exit status: 0 nothing found, 1 findings reported, 2 an error occurred (and nothing was reported)."
)]
pub struct Cli {
    /// Load rules from these files or directories instead of the built-in rules.
    #[arg(long = "rules", value_name = "PATH", global = true)]
    pub rules: Vec<PathBuf>,

    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Scan files and directories (default: the current directory).
    Scan(ScanArgs),
    /// List, explain and check rules.
    Rules {
        #[command(subcommand)]
        command: RulesCommand,
    },
    /// Record accepted findings so later scans report only new ones.
    Baseline {
        #[command(subcommand)]
        command: BaselineCommand,
    },
    /// Work with configuration files (.residue.toml).
    Config {
        #[command(subcommand)]
        command: ConfigCommand,
    },
}

#[derive(Debug, Subcommand)]
pub enum BaselineCommand {
    /// Scan and write every current finding to the baseline file (-o FILE, default
    /// .residue-baseline or the config's [scan] baseline).
    Create(ScanArgs),
    /// Scan and drop the baseline entries that are no longer found (adds none).
    Update(ScanArgs),
}

#[derive(Debug, Subcommand)]
pub enum ConfigCommand {
    /// Translate a gitleaks or Betterleaks TOML config into .residue.toml syntax.
    Import {
        /// The gitleaks config (e.g. .gitleaks.toml).
        file: PathBuf,
        /// Write here instead of standard output.
        #[arg(short = 'o', long, value_name = "FILE")]
        output: Option<PathBuf>,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

#[derive(Debug, Args)]
pub struct ScanArgs {
    /// Files or directories to scan.
    #[arg(value_name = "PATH")]
    pub paths: Vec<PathBuf>,

    /// Number of threads (default: all cores).
    #[arg(short = 'j', long = "threads", value_name = "N")]
    pub threads: Option<usize>,

    /// Output format.
    #[arg(short = 'f', long, value_enum, default_value = "text")]
    pub format: Format,

    /// Write the report to FILE instead of standard output.
    #[arg(short = 'o', long, value_name = "FILE")]
    pub output: Option<PathBuf>,

    /// Print secrets in full (they are redacted by default).
    #[arg(long)]
    pub show_secrets: bool,

    /// Only these categories (comma list: secret, unsafe-logging, prompt-residue, insecure-default).
    #[arg(long, value_delimiter = ',', value_name = "LIST")]
    pub category: Vec<String>,

    /// Only report findings at least this severe (low, medium, high, critical).
    #[arg(long, value_name = "SEVERITY")]
    pub min_severity: Option<String>,

    /// Skip files larger than this many bytes (0 = no limit).
    #[arg(long, value_name = "BYTES", default_value_t = 256 << 20)]
    pub max_file_size: u64,

    /// Do not honour .gitignore, .ignore and git exclude files.
    #[arg(long)]
    pub no_ignore: bool,

    /// Also list candidates that matched a rule but were dropped, with the reason.
    #[arg(long)]
    pub explain: bool,

    /// When to colour text output.
    #[arg(long, value_enum, default_value = "auto")]
    pub color: ColorChoice,

    /// Do not print the summary line on stderr.
    #[arg(short, long)]
    pub quiet: bool,

    /// Use this config file instead of the discovered .residue.toml (a gitleaks or Betterleaks
    /// config is translated on the fly).
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,

    /// Ignore any .residue.toml.
    #[arg(long, conflicts_with = "config")]
    pub no_config: bool,

    /// Report only findings that are not in this baseline file.
    #[arg(long, value_name = "FILE")]
    pub baseline: Option<PathBuf>,

    /// Also list findings that inline markers, config allow-lists or the baseline suppressed.
    #[arg(long)]
    pub show_suppressed: bool,

    /// Exit 1 only for findings at least this severe (low, medium, high, critical); the others
    /// are still reported.
    #[arg(long, value_name = "SEVERITY")]
    pub fail_on: Option<String>,

    /// Scan what is staged in the git index against HEAD, reporting only added or changed lines
    /// (the pre-commit gate). Unstaged edits are not read.
    #[arg(long, conflicts_with_all = ["history", "range", "since_commit"])]
    pub staged: bool,

    /// Scan every blob reachable from every ref of the git repository at PATH (default "."), each
    /// unique blob once, naming the commit that introduced it at each path.
    #[arg(long, conflicts_with_all = ["range", "since_commit"])]
    pub history: bool,

    /// With --history: also scan objects that no ref reaches.
    #[arg(long, requires = "history")]
    pub all_objects: bool,

    /// Scan only what the commits in A..B introduced (blobs and lines they added); for CI.
    #[arg(long, value_name = "A..B", conflicts_with = "since_commit")]
    pub range: Option<String>,

    /// Scan only what the commits after REF introduced, up to HEAD (same as --range REF..HEAD).
    #[arg(long, value_name = "REF")]
    pub since_commit: Option<String>,

    /// Run every rule's regex over the whole input instead of using the keyword prefilter
    /// (slow; for checking that the prefilter never changes results).
    #[arg(long, hide = true)]
    pub no_prefilter: bool,
}

#[derive(Debug, Subcommand)]
pub enum RulesCommand {
    /// List every rule: id, name, title, category, severity.
    List {
        #[arg(short = 'f', long, value_enum, default_value = "text")]
        format: ListFormat,
    },
    /// Describe one rule: what it finds, how to fix it, examples.
    Explain {
        /// Rule id (SEC0001) or name.
        id: String,
    },
    /// Lint every rule and run its examples through the whole pipeline.
    Check,
    /// Write the rule reference (one section per rule) to FILE (default docs/rules.md).
    Docs {
        #[arg(short = 'o', long, value_name = "FILE", default_value = "docs/rules.md")]
        output: PathBuf,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ListFormat {
    Text,
    Json,
}
