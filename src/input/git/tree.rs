//! Tree reading and tree-to-tree comparison: which files a commit added or changed. Subtrees with
//! equal ids are skipped without being read, so a commit that touches one file reads one tree per
//! directory level. Submodules (gitlinks) and symlinks are not files to scan and are ignored.
use std::collections::{HashMap, HashSet};

use gix::bstr::{BString, ByteSlice, ByteVec};
use gix::objs::tree::EntryMode;
use gix::ObjectId;

use super::path_string;
use crate::input::walk::Collected;

/// One entry of a tree, owned.
#[derive(Debug, Clone)]
pub struct Entry {
    pub name: BString,
    pub mode: EntryMode,
    pub id: ObjectId,
}

/// Trees (and old blob versions) that could not be read during a comparison. Each is a counted
/// error naming the object, where it sat and on which side of which comparison, reported once
/// however many commits reach it (a damaged tree shared by 1,000 commits is one error, not 1,000);
/// the comparison goes on with what could be read.
pub struct Damage<'a> {
    out: &'a Collected,
    seen: HashSet<ObjectId>,
    /// Names the new side (the commit being compared; unused by `--staged`).
    pub new_side: String,
    /// Names the old side ("a parent of commit X", "HEAD").
    pub old_side: String,
}

impl<'a> Damage<'a> {
    pub fn new(out: &'a Collected) -> Damage<'a> {
        Damage { out, seen: HashSet::new(), new_side: String::new(), old_side: String::new() }
    }

    /// Counts `id` as damaged (once), `msg` saying what reading it gave; `path` is where it sat
    /// (a directory ends in '/'; empty: the root tree), `old` the side it was on.
    pub fn report(&mut self, id: ObjectId, path: &str, old: bool, msg: &str) {
        if !self.seen.insert(id) {
            return;
        }
        let side = if old { &self.old_side } else { &self.new_side };
        let at = if path.is_empty() { side.clone() } else { format!("{path} in {side}") };
        self.out.error(format!("{at}: {msg}"));
    }
}

/// Reads the entries of tree `id` at `path`. A tree that cannot be read or decoded is reported
/// to `dmg` and gives the entries decoded before the damage (none when it could not be read).
pub fn entries(repo: &gix::Repository, id: ObjectId, path: &[u8], old: bool, dmg: &mut Damage) -> Vec<Entry> {
    let dir = || if path.is_empty() { String::new() } else { format!("{}/", path_string(path)) };
    let obj = match super::read_object(repo, id, gix::objs::Kind::Tree, || format!("reading tree {id}")) {
        Ok(o) => o,
        Err(e) => {
            dmg.report(id, &dir(), old, &super::chain(&e));
            return Vec::new();
        }
    };
    let mut out = Vec::new();
    for e in gix::objs::TreeRefIter::from_bytes(&obj.data, repo.object_hash()) {
        match e {
            Ok(e) => out.push(Entry { name: e.filename.to_owned(), mode: e.mode, id: e.oid.to_owned() }),
            Err(e) => {
                let msg = format!("reading tree {id}: {} (after {} entries)", super::chain(&e), out.len());
                dmg.report(id, &dir(), old, &msg);
                break;
            }
        }
    }
    out
}

/// A blob is a file to scan: regular or executable, not a symlink or submodule.
pub fn is_file(mode: EntryMode) -> bool {
    mode.is_blob()
}

/// One added or changed file.
#[derive(Debug, Clone)]
pub struct Change {
    pub path: BString,
    pub id: ObjectId,
    /// The blob at the same path before, if there was one.
    pub old: Option<ObjectId>,
}

/// Files added or changed from `old` to `new` (None = empty tree). Blobs that disappeared from
/// their path are added to `removed`, so a caller can tell a rename (same blob, new path) from
/// new content. A tree that cannot be read is reported to `dmg` and counts as empty on its side:
/// below a damaged new tree nothing can be compared, and below a damaged old tree every file of
/// the new one counts as added (reported again rather than lost).
pub fn diff(
    repo: &gix::Repository,
    old: Option<ObjectId>,
    new: ObjectId,
    prefix: &mut BString,
    changes: &mut Vec<Change>,
    removed: &mut Vec<ObjectId>,
    dmg: &mut Damage,
) {
    if old == Some(new) {
        return;
    }
    let new_entries = entries(repo, new, prefix, false, dmg);
    let old_entries: HashMap<BString, Entry> = match old {
        Some(o) => entries(repo, o, prefix, true, dmg).into_iter().map(|e| (e.name.clone(), e)).collect(),
        None => HashMap::new(),
    };
    let mut seen = Vec::with_capacity(new_entries.len());
    for e in &new_entries {
        let before = old_entries.get(&e.name);
        seen.push(e.name.clone());
        let len = prefix.len();
        if !prefix.is_empty() {
            prefix.push_byte(b'/');
        }
        prefix.push_str(&e.name);
        if e.mode.is_tree() {
            let old_tree = before.filter(|b| b.mode.is_tree()).map(|b| b.id);
            diff(repo, old_tree, e.id, prefix, changes, removed, dmg);
            if let Some(b) = before.filter(|b| is_file(b.mode)) {
                removed.push(b.id);
            }
        } else if is_file(e.mode) {
            let old_blob = before.filter(|b| is_file(b.mode)).map(|b| b.id);
            if old_blob != Some(e.id) {
                changes.push(Change { path: prefix.clone(), id: e.id, old: old_blob });
            }
            if let Some(b) = before.filter(|b| b.mode.is_tree()) {
                collect_blobs(repo, b.id, prefix, removed, dmg);
            }
        }
        prefix.truncate(len);
    }
    for (name, b) in &old_entries {
        if seen.iter().any(|s| s == name) {
            continue;
        }
        if is_file(b.mode) {
            removed.push(b.id);
        } else if b.mode.is_tree() {
            let len = prefix.len();
            if !prefix.is_empty() {
                prefix.push_byte(b'/');
            }
            prefix.push_str(name);
            collect_blobs(repo, b.id, prefix, removed, dmg);
            prefix.truncate(len);
        }
    }
}

/// Every file blob under the old-side tree `id` at `prefix` (damaged trees reported to `dmg`).
pub fn collect_blobs(
    repo: &gix::Repository,
    id: ObjectId,
    prefix: &mut BString,
    out: &mut Vec<ObjectId>,
    dmg: &mut Damage,
) {
    for e in entries(repo, id, prefix, true, dmg) {
        if e.mode.is_tree() {
            let len = prefix.len();
            if !prefix.is_empty() {
                prefix.push_byte(b'/');
            }
            prefix.push_str(&e.name);
            collect_blobs(repo, e.id, prefix, out, dmg);
            prefix.truncate(len);
        } else if is_file(e.mode) {
            out.push(e.id);
        }
    }
}

/// The blob at `path` in the old-side tree `root`, if that path holds a file (None too where a
/// damaged tree, reported to `dmg`, hides it).
pub fn blob_at(repo: &gix::Repository, root: ObjectId, path: &[u8], dmg: &mut Damage) -> Option<ObjectId> {
    let mut cur = root;
    // `path[..dir]` is the directory whose tree `cur` is.
    let mut dir = 0;
    let mut parts = path.split_str("/").peekable();
    while let Some(part) = parts.next() {
        let e = entries(repo, cur, &path[..dir], true, dmg).into_iter().find(|e| e.name == part)?;
        if parts.peek().is_none() {
            return is_file(e.mode).then_some(e.id);
        }
        if !e.mode.is_tree() {
            return None;
        }
        dir = if dir == 0 { part.len() } else { dir + 1 + part.len() };
        cur = e.id;
    }
    None
}
