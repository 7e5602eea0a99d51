//! All integration tests, compiled into one test binary (one link instead of one per file).
//! One module per area.
mod common;

mod cli;
mod corpus;
mod engine;
mod git;
mod rules;
mod sarif;
mod workflow;
