//! The pre-commit gate (`--staged`): what the index holds against HEAD, and only the lines that
//! change adds. The index and the HEAD tree are compared by object id, directory by directory;
//! a directory whose cached tree id (the index's TREE extension) equals HEAD's is skipped
//! without reading it, so a one-file change in a 100,000-file repository reads a handful of
//! trees and two blobs. The working tree is never walked or stat'ed: unstaged edits are
//! invisible by construction.
use std::collections::{HashMap, HashSet};

use gix::bstr::{BStr, BString, ByteSlice};
use gix::index::entry::{Flags, Mode};
use gix::index::extension::Tree as CacheTree;
use gix::ObjectId;

use super::diff::AddedLines;
use super::tree::{self, Change, Damage};
use super::{path_string, BlobScanner, Ctx, GitError, GitOptions, GitSummary};
use crate::input::walk::Collected;
use crate::scan::Scanner;

pub fn scan(
    repo: &gix::Repository,
    opts: &GitOptions,
    scanner: &Scanner,
    out: &Collected,
) -> Result<GitSummary, GitError> {
    if repo.is_bare() {
        return Err(GitError::Usage(format!(
            "{}: --staged needs a work tree, this repository is bare",
            repo.git_dir().display()
        )));
    }
    // The index checksum is not verified: on a 100,000-file repository (8.8 MB index) hashing it
    // would double the read, and git itself re-checks the index when it commits.
    let index = gix::index::File::at_or_default(repo.index_path(), repo.object_hash(), true, Default::default())
        .ctx(|| "reading the index".into())?;
    let head_tree = if repo.head().ctx(|| "reading HEAD".into())?.is_unborn() {
        None
    } else {
        match repo.head_tree_id() {
            Ok(t) => Some(t.detach()),
            // A damaged HEAD commit: a counted error, and every staged file is compared with
            // nothing, so all of it is scanned as added (reported again rather than let through).
            Err(e) => {
                out.error(format!("HEAD: reading the HEAD commit's tree: {}", super::chain(&e)));
                None
            }
        }
    };
    let mut dmg = Damage::new(out);
    dmg.new_side = "the index".into();
    dmg.old_side = "HEAD".into();
    let (changes, removed) = staged_changes(repo, &index, head_tree, &mut dmg);
    let removed: HashSet<ObjectId> = removed.into_iter().collect();
    let mut bs = BlobScanner::new(scanner, opts);
    for c in &changes {
        // A blob that left another path in the same change is a rename: nothing new to report.
        if c.old.is_none() && removed.contains(&c.id) {
            continue;
        }
        let kept = scan_change(repo, c, &mut bs, out, None, &mut dmg);
        if !kept.is_empty() {
            out.findings.lock().unwrap_or_else(|e| e.into_inner()).extend(kept);
        }
    }
    Ok(GitSummary { blobs_scanned: changes.len() as u64, commits: None, shallow: false })
}

/// Scans one added or changed blob and keeps the findings on lines it adds relative to `c.old`
/// (or relative to every blob in `olds`, for merge commits). Returns the findings kept. An old
/// version that cannot be read is a counted error (once per blob, in `dmg`) and every line of
/// the new one counts as added.
pub(crate) fn scan_change(
    repo: &gix::Repository,
    c: &Change,
    bs: &mut BlobScanner,
    out: &Collected,
    olds: Option<&[Option<ObjectId>]>,
    dmg: &mut Damage,
) -> Vec<crate::finding::Finding> {
    let path = path_string(&c.path);
    let new = match super::read_blob(repo, c.id, bs.max_file_size) {
        Ok(Some(o)) => o,
        Ok(None) => {
            bs.skip_too_large(&[&path], out);
            return Vec::new();
        }
        Err(e) => {
            out.error(format!("{path}: reading blob {}: {e}", c.id));
            return Vec::new();
        }
    };
    let Some(r) = bs.scan(&path, &new.data, out) else { return Vec::new() };
    if r.findings.is_empty() {
        return Vec::new();
    }
    let single = [c.old];
    let olds: &[Option<ObjectId>] = olds.unwrap_or(&single);
    // A file rule's finding is about the whole file: it is new when the blob differs from every
    // old one (a merge that takes a branch's key store as is adds nothing), whatever its lines.
    let rules = bs.scanner.rules().rules();
    let new_blob = olds.iter().all(|o| *o != Some(c.id));
    if r.findings.iter().all(|f| rules[f.rule].is_file_rule()) {
        // Often a binary blob: no line diff to compute.
        return if new_blob { r.findings } else { Vec::new() };
    }
    let mut diffs = Vec::with_capacity(olds.len());
    for old in olds {
        diffs.push(match old {
            None => AddedLines::all(),
            Some(o) => match super::read_blob(repo, *o, bs.max_file_size) {
                Ok(Some(old)) => AddedLines::compute(&old.data, &new.data),
                // Too large to read: every line of the new version counts as added.
                Ok(None) => AddedLines::all(),
                Err(e) => {
                    dmg.report(*o, &path, true, &format!("reading blob {o}, the version before: {e}"));
                    AddedLines::all()
                }
            },
        });
    }
    r.findings
        .into_iter()
        .filter(|f| if rules[f.rule].is_file_rule() { new_blob } else { diffs.iter().all(|d| d.touches(f)) })
        .collect()
}

/// The index entries that differ from the HEAD tree (added or changed files), and the blobs that
/// HEAD had at paths the index no longer holds as files. A HEAD tree that cannot be read is
/// reported to `dmg` and counts as empty: the index files below it are all scanned as added.
pub fn staged_changes(
    repo: &gix::Repository,
    index: &gix::index::File,
    head_tree: Option<ObjectId>,
    dmg: &mut Damage,
) -> (Vec<Change>, Vec<ObjectId>) {
    let mut changes = Vec::new();
    let mut removed = Vec::new();
    let cache = index.tree();
    let mut d = IndexDiff { repo, state: index, changes: &mut changes, removed: &mut removed, dmg };
    d.dir(index.entries(), 0, head_tree, cache);
    (changes, removed)
}

struct IndexDiff<'a, 'd> {
    repo: &'a gix::Repository,
    state: &'a gix::index::State,
    changes: &'a mut Vec<Change>,
    removed: &'a mut Vec<ObjectId>,
    dmg: &'a mut Damage<'d>,
}

impl IndexDiff<'_, '_> {
    /// Compares the index entries under one directory (`entries`, whose paths share a prefix of
    /// `plen` bytes) with that directory's tree in HEAD.
    fn dir(&mut self, entries: &[gix::index::Entry], plen: usize, tree: Option<ObjectId>, cache: Option<&CacheTree>) {
        if let (Some(c), Some(t)) = (cache, tree) {
            // A valid cache-tree entry with HEAD's id: nothing below changed since the last commit.
            if c.num_entries.is_some() && c.id == t {
                return;
            }
        }
        // This directory's path: the first entry's path up to `plen`, less its trailing slash.
        let dir_path: BString = match entries.first() {
            Some(e) if plen > 0 => e.path(self.state).get(..plen - 1).unwrap_or_default().into(),
            _ => BString::default(),
        };
        let mut in_head: HashMap<BString, tree::Entry> = match tree {
            Some(t) => tree::entries(self.repo, t, &dir_path, true, self.dmg)
                .into_iter()
                .map(|e| (e.name.clone(), e))
                .collect(),
            None => HashMap::new(),
        };
        let state: &gix::index::State = self.state;
        let mut i = 0;
        while i < entries.len() {
            let path: &BStr = entries[i].path(state);
            let rest = &path[plen.min(path.len())..];
            if let Some(slash) = rest.find_byte(b'/') {
                let dir: BString = rest[..slash].into();
                let mut j = i + 1;
                while j < entries.len() {
                    let p = entries[j].path(state);
                    let r = &p[plen.min(p.len())..];
                    if r.len() > slash && r[slash] == b'/' && r[..slash] == dir[..] {
                        j += 1;
                    } else {
                        break;
                    }
                }
                let head = in_head.remove(&dir);
                let sub_tree = head.as_ref().filter(|e| e.mode.is_tree()).map(|e| e.id);
                if let Some(h) = head.as_ref().filter(|e| tree::is_file(e.mode)) {
                    self.removed.push(h.id);
                }
                let sub_cache = cache.and_then(|c| c.children.iter().find(|ch| ch.name[..] == dir[..]));
                self.dir(&entries[i..j], plen + slash + 1, sub_tree, sub_cache);
                i = j;
                continue;
            }
            let e = &entries[i];
            i += 1;
            let name: BString = rest.into();
            let head = in_head.remove(&name);
            // Conflicted entries cannot be committed; intent-to-add entries have no content yet;
            // sparse directories, submodules and symlinks are not files to scan.
            let scannable = e.stage_raw() == 0
                && !e.flags.contains(Flags::INTENT_TO_ADD)
                && (e.mode == Mode::FILE || e.mode == Mode::FILE_EXECUTABLE);
            if !scannable {
                continue;
            }
            if let Some(h) = head.as_ref().filter(|h| h.mode.is_tree()) {
                tree::collect_blobs(self.repo, h.id, &mut path.to_owned(), self.removed, self.dmg);
            }
            let old = head.filter(|h| tree::is_file(h.mode)).map(|h| h.id);
            if old != Some(e.id) {
                self.changes.push(Change { path: path.to_owned(), id: e.id, old });
            }
        }
        // What HEAD has here and the index no longer does: deleted (or moved away).
        for (name, h) in in_head {
            if tree::is_file(h.mode) {
                self.removed.push(h.id);
            } else if h.mode.is_tree() {
                let mut p = dir_path.clone();
                if !p.is_empty() {
                    p.push(b'/');
                }
                p.extend_from_slice(&name);
                tree::collect_blobs(self.repo, h.id, &mut p, self.removed, self.dmg);
            }
        }
    }
}
