//! Git as an input, read with gix (never `git log -p`): what is staged (`staged`, the pre-commit
//! gate), every blob in the history (`history`), and what a commit range introduced (`range`).
//! This module owns opening a repository, the error type, scanning one blob's bytes the way a
//! file is scanned (binary sniffing, UTF-16, size limit, counted), and the line diff that keeps
//! only findings on added lines (`diff`). `provenance` turns commit ids into author and time, only
//! for commits that own a finding. All three modes feed the same `Collected` as the directory
//! walk, so `app` post-processes (config, suppressions, baseline, sorting) their findings alike.
pub mod diff;
pub mod history;
pub mod provenance;
pub mod range;
pub mod staged;
mod tree;

use std::path::{Path, PathBuf};

use gix::ObjectId;

use super::path::FileInfo;
use super::read::{text_of, SkipReason};
use crate::finding::{fingerprint, Finding};
use crate::input::walk::Collected;
use crate::scan::{BlobScan, Scanner, Scratch};

/// What to read from a repository.
#[derive(Debug, Clone)]
pub enum GitTarget {
    /// The index against HEAD (`--staged`), discovered from `repo` upwards.
    Staged { repo: PathBuf },
    /// Every blob reachable from every ref (`--history`); `all_objects` adds unreachable ones.
    History { repo: PathBuf, all_objects: bool },
    /// Commits in `from..to` (`--range`, `--since-commit REF` = `REF..HEAD`).
    Range { repo: PathBuf, from: String, to: String },
}

#[derive(Debug, Clone)]
pub struct GitOptions {
    /// Scanning threads (0 = all cores).
    pub threads: usize,
    /// Blobs larger than this are skipped and counted (0 = no limit).
    pub max_file_size: u64,
    /// Show a progress bar on stderr (only honoured when stderr is a terminal).
    pub progress: bool,
    /// Paths excluded by config (`[paths] exclude`), matched on the path in the repository.
    pub exclude: Option<crate::config::PathFilter>,
}

impl GitOptions {
    pub fn from_args(args: &crate::cli::ScanArgs, walk: &crate::input::walk::WalkOptions) -> GitOptions {
        GitOptions {
            threads: walk.threads,
            max_file_size: walk.limits.max_file_size,
            progress: !args.quiet,
            exclude: walk.exclude.clone(),
        }
    }
}

/// The git scan the command line asks for, if any. `--history` takes the repository from the
/// one PATH (default "."); the other modes read the repository around the current directory,
/// or around PATH when one is given.
pub fn target(args: &crate::cli::ScanArgs) -> Result<Option<GitTarget>, GitError> {
    let git = args.staged || args.history || args.range.is_some() || args.since_commit.is_some();
    if !git {
        return Ok(None);
    }
    if args.paths.len() > 1 {
        return Err(GitError::Usage(
            "git scans (--staged, --history, --range, --since-commit) take one repository path".into(),
        ));
    }
    let repo = args.paths.first().cloned().unwrap_or_else(|| PathBuf::from("."));
    Ok(Some(if args.staged {
        GitTarget::Staged { repo }
    } else if args.history {
        GitTarget::History { repo, all_objects: args.all_objects }
    } else if let Some(r) = &args.range {
        let Some((from, to)) = r.split_once("..") else {
            return Err(GitError::Usage(format!("--range {r:?}: expected A..B (commits after A up to B)")));
        };
        if to.starts_with('.') {
            return Err(GitError::Usage(format!("--range {r:?}: A...B is not supported, use A..B")));
        }
        GitTarget::Range { repo, from: from.to_string(), to: to.to_string() }
    } else {
        let from = args.since_commit.clone().unwrap_or_default();
        GitTarget::Range { repo, from, to: "HEAD".into() }
    }))
}

/// What a git scan adds to the stats.
#[derive(Debug, Clone, Default)]
pub struct GitSummary {
    pub blobs_scanned: u64,
    /// Commits visited (None for `--staged`, which reads no commit but HEAD).
    pub commits: Option<u64>,
    /// The repository is a shallow clone: history before the boundary is not there to scan.
    pub shallow: bool,
}

#[derive(Debug, thiserror::Error)]
pub enum GitError {
    #[error("{path}: not a git repository (or any parent up to the root): {source}")]
    NotARepository {
        path: String,
        #[source]
        source: Box<dyn std::error::Error + Send + Sync>,
    },
    #[error("{what}: {source}")]
    Git {
        what: String,
        #[source]
        source: Box<dyn std::error::Error + Send + Sync>,
    },
    #[error("{0}")]
    Usage(String),
}

/// Adds context to gix errors.
pub(crate) trait Ctx<T> {
    fn ctx(self, what: impl FnOnce() -> String) -> Result<T, GitError>;
}

impl<T, E: std::error::Error + Send + Sync + 'static> Ctx<T> for Result<T, E> {
    fn ctx(self, what: impl FnOnce() -> String) -> Result<T, GitError> {
        self.map_err(|e| GitError::Git { what: what(), source: Box::new(e) })
    }
}

/// Runs one git scan, feeding findings, errors and counters into `out`.
pub fn run(target: &GitTarget, opts: &GitOptions, scanner: &Scanner, out: &Collected) -> Result<GitSummary, GitError> {
    match target {
        GitTarget::Staged { repo } => staged::scan(&open(repo, opts)?, opts, scanner, out),
        GitTarget::History { repo, all_objects } => history::scan(open(repo, opts)?, *all_objects, opts, scanner, out),
        GitTarget::Range { repo, from, to } => range::scan(&open(repo, opts)?, from, to, opts, scanner, out),
    }
}

/// Least allocation limit for one decoded object (see `open`): trees, commits and delta bases of
/// blobs under `--max-file-size` can be larger than the blob limit itself.
const MIN_ALLOC_LIMIT: u64 = 64 << 20;

/// Opens the repository at or above `path` (work tree or bare).
///
/// A damaged pack entry can declare any size, and gix allocates (and zeroes) what an entry
/// declares before inflating it: a fuzzed pack whose delta base claimed gigabytes took a 4 GB
/// peak. gix's per-object allocation limit is set to the larger of `--max-file-size` and 64 MiB,
/// so such an object is an error (counted, naming the blob) instead; with no size limit there is
/// no allocation limit either.
pub fn open(path: &Path, opts: &GitOptions) -> Result<gix::Repository, GitError> {
    if !path.exists() {
        return Err(GitError::Usage(format!("{}: no such file or directory", path.display())));
    }
    let mut trust: gix::sec::trust::Mapping<gix::open::Options> = Default::default();
    if opts.max_file_size > 0 {
        let limit = format!("gitoxide.objects.allocLimit={}", opts.max_file_size.max(MIN_ALLOC_LIMIT));
        trust.full = trust.full.config_overrides([limit.clone()]);
        trust.reduced = trust.reduced.config_overrides([limit]);
    }
    let mut repo: gix::Repository = gix::ThreadSafeRepository::discover_opts(path, Default::default(), trust)
        .map_err(|e| GitError::NotARepository { path: path.display().to_string(), source: Box::new(e) })?
        .into();
    // Decoded-object cache for trees and delta bases: commit and tree walks revisit the same
    // small objects thousands of times; 32 MiB holds the working set of a 25k-commit history.
    repo.object_cache_size_if_unset(32 << 20);
    Ok(repo)
}

/// Scans blobs for one thread: the scanner's scratch space and a buffer for decoded UTF-16.
pub(crate) struct BlobScanner<'s, 'r> {
    pub scanner: &'s Scanner<'r>,
    pub scratch: Scratch,
    pub decoded: Vec<u8>,
    pub max_file_size: u64,
    pub exclude: Option<crate::config::PathFilter>,
}

impl<'s, 'r> BlobScanner<'s, 'r> {
    pub fn new(scanner: &'s Scanner<'r>, opts: &GitOptions) -> Self {
        BlobScanner {
            scanner,
            scratch: Scratch::new(scanner.rules()),
            decoded: Vec::new(),
            max_file_size: opts.max_file_size,
            exclude: opts.exclude.clone(),
        }
    }

    /// Counts a blob whose header says it is too large, unread: excluded if config excludes every
    /// path it sits at (as `scan` would have said), too large otherwise.
    pub fn skip_too_large(&self, paths: &[&str], out: &Collected) {
        let excluded = self.exclude.as_ref().is_some_and(|g| paths.iter().all(|p| g.is_excluded_rel(p)));
        out.counters.skipped(if excluded { SkipReason::Excluded } else { SkipReason::TooLarge });
    }

    /// Scans `data` as the file at `path`, counting it as scanned or skipped in `out`: file rules
    /// on its head (binary or not), then the text pipeline. Returns None when the blob was
    /// skipped (excluded; binary or too large with no file-rule finding).
    pub fn scan(&mut self, path: &str, data: &[u8], out: &Collected) -> Option<BlobScan> {
        if self.exclude.as_ref().is_some_and(|g| g.is_excluded_rel(path)) {
            out.counters.skipped(SkipReason::Excluded);
            return None;
        }
        let head = self.scan_head(path, data);
        match self.scan_text(path, data, out) {
            Some(mut r) => {
                r.findings.splice(0..0, head.findings);
                r.dropped.extend(head.dropped);
                Some(r)
            }
            None if !head.findings.is_empty() || !head.dropped.is_empty() => Some(head),
            None => None,
        }
    }

    /// The file rules' findings for `data` at `path` (empty unless a file rule's names match).
    fn scan_head(&mut self, path: &str, data: &[u8]) -> BlobScan {
        let info = FileInfo::from_path_str(path);
        if !self.scanner.wants_head(&info, &mut self.scratch) {
            return BlobScan::default();
        }
        self.scanner.scan_head(&info, data, &mut self.scratch)
    }

    /// The text pipeline alone; counts the blob as scanned or skipped.
    fn scan_text(&mut self, path: &str, data: &[u8], out: &Collected) -> Option<BlobScan> {
        if self.max_file_size > 0 && data.len() as u64 > self.max_file_size {
            out.counters.skipped(SkipReason::TooLarge);
            return None;
        }
        let Some(text) = text_of(data, &mut self.decoded) else {
            out.counters.skipped(SkipReason::Binary);
            return None;
        };
        let mut info = FileInfo::from_path_str(path);
        info.refine_with_content(text);
        let r = self.scanner.scan(&info, text, &mut self.scratch);
        out.counters.scanned(text.len() as u64);
        for e in &r.rule_errors {
            out.problem(e.to_string());
        }
        Some(r)
    }

    /// Scans `data` under several paths: once per distinct path class (language and context
    /// decide which rules apply and their severity), the findings of one class copied to its
    /// other paths with the path and fingerprint adjusted. Counts the blob once. Returns, per
    /// path, its findings (empty when the blob was skipped or clean).
    pub fn scan_at_paths(&mut self, paths: &[&str], data: &[u8], out: &Collected) -> Vec<Vec<Finding>> {
        let mut res: Vec<Vec<Finding>> = vec![Vec::new(); paths.len()];
        // Paths excluded by config are left out; the blob counts as excluded only if all are.
        let keep: Vec<usize> = match &self.exclude {
            Some(g) => (0..paths.len()).filter(|&i| !g.is_excluded_rel(paths[i])).collect(),
            None => (0..paths.len()).collect(),
        };
        let Some(&first_path) = keep.first() else {
            if !paths.is_empty() {
                out.counters.skipped(SkipReason::Excluded);
            }
            return res;
        };
        // File rules per path: the name decides which apply, so findings are not copied.
        for &k in &keep {
            res[k] = self.scan_head(paths[k], data).findings;
        }
        let Some(first) = self.scan_text(paths[first_path], data, out) else { return res };
        let text: &[u8] = match text_of(data, &mut self.decoded) {
            Some(t) => t,
            None => return res,
        };
        let class = |p: &str| {
            let mut i = FileInfo::from_path_str(p);
            i.refine_with_content(text);
            (i.language, i.sublanguage, i.context)
        };
        let mut classes: Vec<((_, _, _), Vec<Finding>)> = vec![(class(paths[first_path]), first.findings)];
        for k in keep {
            let p = paths[k];
            let c = class(p);
            let idx = match classes.iter().position(|(cc, _)| *cc == c) {
                Some(i) => i,
                None => {
                    let mut info = FileInfo::from_path_str(p);
                    info.refine_with_content(text);
                    let r = self.scanner.scan(&info, text, &mut self.scratch);
                    classes.push((c, r.findings));
                    classes.len() - 1
                }
            };
            res[k].extend(classes[idx].1.iter().map(|f| relocate(self.scanner, f, p, text)));
        }
        res
    }
}

/// A finding moved to another path: same position, path and fingerprint changed.
fn relocate(scanner: &Scanner, f: &Finding, path: &str, text: &[u8]) -> Finding {
    let mut g = f.clone();
    if g.path != path {
        let rule = &scanner.rules().rules()[f.rule];
        g.fingerprint = match &f.secret {
            Some(s) => fingerprint(&rule.id, path, s.as_bytes()),
            None => fingerprint(&rule.id, path, text.get(f.start..f.end).unwrap_or_default().trim_ascii()),
        };
        g.path = path.to_string();
    }
    g
}

/// An error with its causes, `outer: inner: ...`: gix's top-level messages alone say only
/// "Could not read loose object", not that its zlib stream or header was bad.
pub(crate) fn chain(e: &(dyn std::error::Error + 'static)) -> String {
    let mut s = e.to_string();
    let mut cur = e.source();
    while let Some(c) = cur {
        let m = c.to_string();
        // Some errors print their source already; do not say it twice.
        if !s.contains(&m) {
            s.push_str(": ");
            s.push_str(&m);
        }
        cur = c.source();
    }
    s
}

/// Trees and commits declaring more bytes than this are damage, not data: gix sizes its buffer
/// from an object's header before inflating it, so a damaged header asking for 4 GiB would be
/// allocated. Real ones are far smaller: vim.git's largest tree (2,318 entries) is 118 KB, its
/// largest commit 9.9 KB.
const MAX_TREE_OR_COMMIT: u64 = 64 << 20;

/// Reads the tree or commit `id` (`what` names it in errors), after checking its header's kind
/// and size.
pub(crate) fn read_object<'r>(
    repo: &'r gix::Repository,
    id: ObjectId,
    kind: gix::objs::Kind,
    what: impl Fn() -> String,
) -> Result<gix::Object<'r>, GitError> {
    let h = repo.find_header(id).ctx(&what)?;
    if h.kind() != kind || h.size() > MAX_TREE_OR_COMMIT {
        let why = if h.kind() != kind {
            format!("object {id} is a {}, not a {kind}", h.kind())
        } else {
            format!("object {id} declares {} bytes, more than any real {kind}", h.size())
        };
        return Err(GitError::Git { what: what(), source: why.into() });
    }
    repo.find_object(id).ctx(what)
}

/// Reads blob `id`; None when its header says it is larger than `max_size` (0 = no limit), so it
/// is skipped as too large without being inflated (its header is read first: a damaged one can
/// declare any size, and gix allocates what it declares). An error when it cannot be read or is
/// not a blob (a damaged object store can hold a tree or commit under a blob's id).
pub(crate) fn read_blob<'r>(
    repo: &'r gix::Repository,
    id: ObjectId,
    max_size: u64,
) -> Result<Option<gix::Object<'r>>, String> {
    let h = repo.find_header(id).map_err(|e| chain(&e))?;
    if h.kind() != gix::objs::Kind::Blob {
        return Err(format!("object {id} is a {}, not a blob", h.kind()));
    }
    if max_size > 0 && h.size() > max_size {
        return Ok(None);
    }
    match repo.find_object(id) {
        Ok(o) if o.kind == gix::objs::Kind::Blob => Ok(Some(o)),
        Ok(o) => Err(format!("object {id} is a {}, not a blob", o.kind)),
        Err(e) => Err(chain(&e)),
    }
}

/// A git path as a String (paths are bytes in git; non-UTF-8 bytes are replaced).
pub(crate) fn path_string(p: &[u8]) -> String {
    String::from_utf8_lossy(p).into_owned()
}
