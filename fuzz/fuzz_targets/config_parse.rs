//! Fuzz target `config_parse`: the check lives in ../checks.rs, shared with the plain tests that replay
//! fuzz/regressions/config_parse/ and fuzz/corpus/config_parse/ (tests/invariants.rs).
#![no_main]

#[path = "../checks.rs"]
mod checks;

libfuzzer_sys::fuzz_target!(|data: &[u8]| checks::config_parse(data));
