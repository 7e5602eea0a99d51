//! Fuzz target `scan_bytes`: the check lives in ../checks.rs, shared with the plain tests that replay
//! fuzz/regressions/scan_bytes/ and fuzz/corpus/scan_bytes/ (tests/invariants.rs).
#![no_main]

#[path = "../checks.rs"]
mod checks;

libfuzzer_sys::fuzz_target!(|data: &[u8]| checks::scan_bytes(data));
