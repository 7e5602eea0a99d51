//! The rule files embedded at build time (see build.rs): every `*.toml` under `rules/`, sorted by
//! path so the rule order, and therefore the output order, never depends on the file system.
include!(concat!(env!("OUT_DIR"), "/builtin_rules.rs"));
