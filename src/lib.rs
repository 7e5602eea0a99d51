//! residue finds what should never reach a build: hardcoded secrets, secrets written to logs,
//! leftovers of AI assistants (prompt residue) and insecure defaults.
//!
//! The pipeline: input (`input::walk` enumerates files; `input::read` maps or reads them, skips
//! binaries, decodes UTF-16) → prefilter (`scan::prefilter`: one Aho-Corasick pass over every
//! rule's keywords) → confirm (`scan::confirm`: only the hit rules' regexes, on a window around
//! each hit via `Input::span`) → filter (`scan::filter`: comment context, entropy, placeholders,
//! allow-lists, checksums; one finding per value) → `Finding` (`location` adds lines, columns and
//! redacted snippets; `finding` the content fingerprint) → `report` (text, JSON, JSONL, SARIF).
//!
//! ```
//! use residue::input::path::FileInfo;
//! use residue::rules::RuleSet;
//! use residue::scan::{ScanOptions, Scanner, Scratch};
//!
//! let rules = RuleSet::builtin().unwrap();
//! let scanner = Scanner::new(&rules, ScanOptions::default());
//! let mut scratch = Scratch::new(&rules);
//! let file = FileInfo::from_path_str("deploy/settings.py");
//! let key = ["AKIA", "Z7Q4", "MPLR", "W2XK", "TN5V"].concat(); // built at run time: no real key here
//! let text = format!("aws_access_key_id = \"{key}\"\n");
//! let found = scanner.scan(&file, text.as_bytes(), &mut scratch).findings;
//! assert!(found.iter().any(|f| rules.rules()[f.rule].category == residue::rules::Category::Secret));
//! ```
pub mod app;
pub mod baseline;
pub mod cli;
pub mod config;
pub mod finding;
pub mod input;
pub mod location;
pub mod report;
pub mod rules;
pub mod scan;
pub mod stats;
pub mod suppress;
#[doc(hidden)]
pub mod testkit;
