//! Fuzz target `rule_parse`: the check lives in ../checks.rs, shared with the plain tests that replay
//! fuzz/regressions/rule_parse/ and fuzz/corpus/rule_parse/ (tests/invariants.rs).
#![no_main]

#[path = "../checks.rs"]
mod checks;

libfuzzer_sys::fuzz_target!(|data: &[u8]| checks::rule_parse(data));
