//! Fuzz target `git_objects`: the check lives in ../checks.rs, shared with the plain tests that
//! replay fuzz/regressions/git_objects/ and fuzz/corpus/git_objects/ (tests/invariants.rs).
#![no_main]

#[path = "../checks.rs"]
mod checks;

libfuzzer_sys::fuzz_target!(|data: &[u8]| checks::git_objects(data));
