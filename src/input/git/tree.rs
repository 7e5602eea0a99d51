//! Tree reading and tree-to-tree comparison: which files a commit added or changed. Subtrees with
//! equal ids are skipped without being read, so a commit that touches one file reads one tree per
//! directory level. Submodules (gitlinks) and symlinks are not files to scan and are ignored.
use std::collections::HashMap;

use gix::bstr::{BString, ByteSlice, ByteVec};
use gix::objs::tree::EntryMode;
use gix::ObjectId;

use super::{Ctx, GitError};

/// One entry of a tree, owned.
#[derive(Debug, Clone)]
pub struct Entry {
    pub name: BString,
    pub mode: EntryMode,
    pub id: ObjectId,
}

/// Reads the entries of tree `id`.
pub fn entries(repo: &gix::Repository, id: ObjectId) -> Result<Vec<Entry>, GitError> {
    let obj = super::read_object(repo, id, gix::objs::Kind::Tree, || format!("reading tree {id}"))?;
    let mut out = Vec::new();
    for e in gix::objs::TreeRefIter::from_bytes(&obj.data, repo.object_hash()) {
        let e = e.ctx(|| format!("decoding tree {id}"))?;
        out.push(Entry { name: e.filename.to_owned(), mode: e.mode, id: e.oid.to_owned() });
    }
    Ok(out)
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
/// new content.
pub fn diff(
    repo: &gix::Repository,
    old: Option<ObjectId>,
    new: ObjectId,
    prefix: &mut BString,
    changes: &mut Vec<Change>,
    removed: &mut Vec<ObjectId>,
) -> Result<(), GitError> {
    if old == Some(new) {
        return Ok(());
    }
    let new_entries = entries(repo, new)?;
    let old_entries: HashMap<BString, Entry> = match old {
        Some(o) => entries(repo, o)?.into_iter().map(|e| (e.name.clone(), e)).collect(),
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
            diff(repo, old_tree, e.id, prefix, changes, removed)?;
            if let Some(b) = before.filter(|b| is_file(b.mode)) {
                removed.push(b.id);
            }
        } else if is_file(e.mode) {
            let old_blob = before.filter(|b| is_file(b.mode)).map(|b| b.id);
            if old_blob != Some(e.id) {
                changes.push(Change { path: prefix.clone(), id: e.id, old: old_blob });
            }
            if let Some(b) = before.filter(|b| b.mode.is_tree()) {
                collect_blobs(repo, b.id, removed)?;
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
            collect_blobs(repo, b.id, removed)?;
        }
    }
    Ok(())
}

/// Every file blob under tree `id`.
pub fn collect_blobs(repo: &gix::Repository, id: ObjectId, out: &mut Vec<ObjectId>) -> Result<(), GitError> {
    for e in entries(repo, id)? {
        if e.mode.is_tree() {
            collect_blobs(repo, e.id, out)?;
        } else if is_file(e.mode) {
            out.push(e.id);
        }
    }
    Ok(())
}

/// The blob at `path` in tree `root`, if that path holds a file.
pub fn blob_at(repo: &gix::Repository, root: ObjectId, path: &[u8]) -> Result<Option<ObjectId>, GitError> {
    let mut cur = root;
    let mut parts = path.split_str("/").peekable();
    while let Some(part) = parts.next() {
        let Some(e) = entries(repo, cur)?.into_iter().find(|e| e.name == part) else { return Ok(None) };
        if parts.peek().is_none() {
            return Ok(is_file(e.mode).then_some(e.id));
        }
        if !e.mode.is_tree() {
            return Ok(None);
        }
        cur = e.id;
    }
    Ok(None)
}
