//! Fuzz target `baseline_parse`: the check lives in ../checks.rs, shared with the plain tests that replay
//! fuzz/regressions/baseline_parse/ and fuzz/corpus/baseline_parse/ (tests/invariants.rs).
#![no_main]

#[path = "../checks.rs"]
mod checks;

libfuzzer_sys::fuzz_target!(|data: &[u8]| checks::baseline_parse(data));
