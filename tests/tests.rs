//! All integration tests, compiled into one test binary (one link instead of one per file).
//! One module per area.
mod common;
/// The fuzz targets' checks, replayed over fuzz/regressions and fuzz/corpus by `invariants`.
#[path = "../fuzz/checks.rs"]
mod fuzz_checks;

mod cli;
mod corpus;
mod engine;
mod failure;
mod filerules;
mod git;
mod invariants;
mod rules;
mod sarif;
mod workflow;
