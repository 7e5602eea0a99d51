//! The directory walk: ignore's parallel walker (honours .gitignore, .ignore and git excludes like
//! ripgrep, includes hidden files such as `.env`, never enters `.git`), scanning each file on the
//! walker's own thread with that thread's `Scratch`, so walking, reading and matching overlap with
//! no central queue. Every entry is counted: scanned, skipped with a reason, or error. A file whose
//! name a file rule matches also has its head checked (`Scanner::scan_head`), whatever it counts as.
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use ignore::{WalkBuilder, WalkState};

use super::path::FileInfo;
use super::read::{Loaded, ReadLimits, Reader, SkipReason};
use crate::finding::{Dropped, Finding};
use crate::scan::{Scanner, Scratch};
use crate::stats::Counters;

#[derive(Debug, Clone)]
pub struct WalkOptions {
    pub threads: usize,
    pub limits: ReadLimits,
    /// Honour .gitignore / .ignore files (`--no-ignore` turns this off).
    pub respect_ignore: bool,
    /// Extra per-path exclusion (config `[paths] exclude`), matched on the path relative to the
    /// config's directory.
    pub exclude: Option<crate::config::PathFilter>,
}

impl Default for WalkOptions {
    fn default() -> Self {
        WalkOptions { threads: 0, limits: ReadLimits::default(), respect_ignore: true, exclude: None }
    }
}

/// What a walk collected (findings unsorted; the caller sorts once at the end).
#[derive(Default)]
pub struct Collected {
    pub findings: Mutex<Vec<Finding>>,
    pub dropped: Mutex<Vec<(Dropped, Finding)>>,
    pub errors: Mutex<Vec<String>>,
    pub counters: Counters,
}

impl Collected {
    /// A file that could not be scanned: printed, counted, and it makes the exit code 2.
    pub fn error(&self, msg: String) {
        let msg = escape_controls(&msg);
        eprintln!("residue: {msg}");
        self.counters.error();
        self.errors.lock().unwrap_or_else(|e| e.into_inner()).push(msg);
    }

    /// A problem that is not a file's (a rule that failed to compile): printed once and kept for
    /// the exit code, but not counted as a file error, so file counts still add up.
    pub fn problem(&self, msg: String) {
        let msg = escape_controls(&msg);
        let mut errors = self.errors.lock().unwrap_or_else(|e| e.into_inner());
        if !errors.contains(&msg) {
            eprintln!("residue: {msg}");
            errors.push(msg);
        }
    }
}

/// File names can hold terminal escape sequences; never print them raw.
pub fn escape_controls(s: &str) -> String {
    if !s.chars().any(|c| c.is_control()) {
        return s.to_string();
    }
    s.chars().map(|c| if c.is_control() { c.escape_default().to_string() } else { c.to_string() }).collect()
}

/// One walker thread's reusable state: its read buffers and its matching scratch space.
pub struct Worker {
    pub reader: Reader,
    pub scratch: Scratch,
}

impl Worker {
    pub fn new(scanner: &Scanner) -> Worker {
        Worker { reader: Reader::new(), scratch: Scratch::new(scanner.rules()) }
    }
}

/// Scans one file's bytes and records the outcome.
pub fn scan_file(
    path: &Path,
    mut info: FileInfo,
    size: Option<u64>,
    scanner: &Scanner,
    worker: &mut Worker,
    limits: &ReadLimits,
    out: &Collected,
) {
    let Worker { reader, scratch } = worker;
    // File rules first: they also match binary files, which `load` skips. An unreadable head is
    // left to `load`, which reports the file as an error.
    if scanner.wants_head(&info, scratch) {
        if let Ok(head) = super::read::file_head(path, crate::rules::file::HEAD_LEN) {
            let r = scanner.scan_head(&info, &head, scratch);
            if !r.findings.is_empty() {
                out.findings.lock().unwrap_or_else(|e| e.into_inner()).extend(r.findings);
            }
            if !r.dropped.is_empty() {
                out.dropped.lock().unwrap_or_else(|e| e.into_inner()).extend(r.dropped);
            }
        }
    }
    // The walk passes no size: the reader takes it from the open file (`fstat`, no second path
    // lookup).
    let loaded = match size {
        Some(size) => reader.load(path, size, limits),
        None => reader.load_path(path, limits),
    };
    match loaded {
        Err(e) => out.error(format!("{}: {e}", path.display())),
        Ok(Loaded::Skipped(why)) => out.counters.skipped(why),
        Ok(Loaded::Text(blob)) => {
            let bytes = blob.bytes();
            info.refine_with_content(bytes);
            let r = scanner.scan(&info, bytes, scratch);
            let n = bytes.len() as u64;
            let truncated = blob.truncated();
            drop(blob);
            for e in r.rule_errors {
                out.problem(e.to_string());
            }
            // A file cut while mapped ends as an error; what was found before the cut is kept.
            if truncated {
                out.error(format!("{}: {}", path.display(), super::read::truncated_error()));
            } else {
                out.counters.scanned(n);
            }
            if !r.findings.is_empty() {
                out.findings.lock().unwrap_or_else(|e| e.into_inner()).extend(r.findings);
            }
            if !r.dropped.is_empty() {
                out.dropped.lock().unwrap_or_else(|e| e.into_inner()).extend(r.dropped);
            }
        }
    }
}

/// Walks `roots` and scans every file in parallel.
pub fn walk(roots: &[PathBuf], scanner: &Scanner, opts: &WalkOptions, out: &Collected) {
    if roots.is_empty() {
        return;
    }
    let mut b = WalkBuilder::new(&roots[0]);
    for r in &roots[1..] {
        b.add(r);
    }
    b.hidden(false)
        .git_ignore(opts.respect_ignore)
        .git_exclude(opts.respect_ignore)
        .git_global(opts.respect_ignore)
        .ignore(opts.respect_ignore)
        .parents(opts.respect_ignore)
        .follow_links(false)
        .threads(opts.threads)
        .filter_entry(|e| e.file_name() != ".git");
    let limits = opts.limits;
    b.build_parallel().run(|| {
        let mut worker = Worker::new(scanner);
        Box::new(move |entry| {
            let entry = match entry {
                Ok(e) => e,
                Err(err) => {
                    out.error(err.to_string());
                    return WalkState::Continue;
                }
            };
            let Some(ft) = entry.file_type() else {
                // stdin is never a walk root here; anything without a type is odd: count it.
                out.error(format!("{}: unknown file type", entry.path().display()));
                return WalkState::Continue;
            };
            if ft.is_dir() {
                return WalkState::Continue;
            }
            let path = entry.path();
            if let Some(ex) = &opts.exclude {
                if ex.is_excluded(path) {
                    out.counters.skipped(SkipReason::Excluded);
                    return WalkState::Continue;
                }
            }
            if ft.is_symlink() {
                out.counters.skipped(SkipReason::Symlink);
                return WalkState::Continue;
            }
            if !ft.is_file() {
                out.counters.skipped(SkipReason::Special);
                return WalkState::Continue;
            }
            // The deepest root holding this path decides its context (see FileInfo::under_root).
            let root = roots.iter().filter(|r| path.starts_with(r)).max_by_key(|r| r.as_os_str().len());
            let info = match root {
                Some(r) => FileInfo::under_root(path, r),
                None => FileInfo::new(path),
            };
            scan_file(path, info, None, scanner, &mut worker, &limits, out);
            WalkState::Continue
        })
    });
}
