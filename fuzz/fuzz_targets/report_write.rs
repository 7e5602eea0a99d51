//! Fuzz target `report_write`: the check lives in ../checks.rs, shared with the plain tests that replay
//! fuzz/regressions/report_write/ and fuzz/corpus/report_write/ (tests/invariants.rs).
#![no_main]

#[path = "../checks.rs"]
mod checks;

libfuzzer_sys::fuzz_target!(|data: &[u8]| checks::report_write(data));
