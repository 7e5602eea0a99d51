//! Commit ranges for CI (`--range A..B`, `--since-commit REF` = `REF..HEAD`): only what the
//! commits in the range introduced. Each commit is compared with its parents tree by tree (equal
//! subtrees skipped unread); an added or changed blob is scanned, and only findings on lines the
//! commit added are kept. A blob that moved from another path in the same commit (a rename) is
//! not new. In a merge commit a file counts only if it differs from every parent, and a line
//! only if it is new relative to every parent: what the merged branch brought in is reported at
//! the commits that made it. Commits are visited oldest first, so a secret is reported once, at
//! the commit that added it, with that commit's id, author and time.
use std::collections::HashSet;

use gix::ObjectId;

use super::history::{load_commits, topo_order};
use super::provenance::Provenance;
use super::staged::scan_change;
use super::tree::{self, Damage};
use super::{BlobScanner, Ctx, GitError, GitOptions, GitSummary};
use crate::input::walk::Collected;
use crate::scan::Scanner;

/// Resolves a revision to a commit id (tags peeled).
fn resolve(repo: &gix::Repository, spec: &str) -> Result<ObjectId, GitError> {
    let id = repo
        .rev_parse_single(spec)
        .map_err(|e| GitError::Usage(format!("{spec:?}: not a revision in this repository: {e}")))?;
    let obj = id.object().ctx(|| format!("reading {spec}"))?;
    let commit = obj.peel_to_commit().map_err(|e| GitError::Usage(format!("{spec:?} is not a commit: {e}")))?;
    Ok(commit.id)
}

pub fn scan(
    repo: &gix::Repository,
    from: &str,
    to: &str,
    opts: &GitOptions,
    scanner: &Scanner,
    out: &Collected,
) -> Result<GitSummary, GitError> {
    let to_id = resolve(repo, if to.is_empty() { "HEAD" } else { to })?;
    let from_id = if from.is_empty() { None } else { Some(resolve(repo, from)?) };
    let mut missing = false;
    let mut damaged = HashSet::new();
    // Everything reachable from `from` is already merged: hide it. A damaged commit there is a
    // counted error and hidden too (what lies behind it cannot be told apart from new history,
    // and is scanned as if new).
    let mut hidden: HashSet<ObjectId> = match from_id {
        Some(f) => load_commits(repo, &[f], &HashSet::new(), &mut missing, &mut damaged, out)
            .into_iter()
            .map(|c| c.id)
            .collect(),
        None => HashSet::new(),
    };
    hidden.extend(damaged.iter().copied());
    let commits = load_commits(repo, &[to_id], &hidden, &mut missing, &mut damaged, out);
    let shallow = repo.is_shallow().unwrap_or(false);
    let order = topo_order(&commits);
    let mut bs = BlobScanner::new(scanner, opts);
    let mut prov = Provenance::new();
    let mut dmg = Damage::new(out);
    let mut blobs = 0u64;
    for &ci in &order {
        let c = &commits[ci];
        // Parents outside the range are the base it is compared with; load their trees directly.
        // `c.parents` lost those outside the graph, so the commit is read again (it was read
        // whole by `load_commits` a moment ago; the object cache holds it).
        let parent_ids: Vec<ObjectId> = match repo.find_commit(c.id) {
            Ok(commit) => commit.parent_ids().map(|p| p.detach()).collect(),
            Err(e) => {
                out.error(format!("commit {}: reading commit {}: {}", c.id, c.id, super::chain(&e)));
                continue;
            }
        };
        let mut parent_trees = Vec::with_capacity(parent_ids.len());
        for p in &parent_ids {
            // A parent beyond a shallow boundary, or a damaged one (counted by `load_commits`):
            // compare with nothing, so everything the commit holds counts as added.
            parent_trees.push(repo.find_commit(*p).ok().and_then(|pc| pc.tree_id().ok()).map(|t| t.detach()));
        }
        dmg.new_side = format!("commit {}", c.id);
        dmg.old_side = format!("a parent of commit {}", c.id);
        let first = parent_trees.first().copied().flatten();
        let mut changes = Vec::new();
        let mut removed = Vec::new();
        tree::diff(repo, first, c.tree, &mut Default::default(), &mut changes, &mut removed, &mut dmg);
        let removed: HashSet<ObjectId> = removed.into_iter().collect();
        for ch in &changes {
            if ch.old.is_none() && removed.contains(&ch.id) {
                continue;
            }
            let mut olds = vec![ch.old];
            let mut from_a_parent = false;
            for t in parent_trees.iter().skip(1) {
                let o = match t {
                    Some(t) => tree::blob_at(repo, *t, &ch.path, &mut dmg),
                    None => None,
                };
                from_a_parent |= o == Some(ch.id);
                olds.push(o);
            }
            if from_a_parent {
                continue;
            }
            blobs += 1;
            let kept = scan_change(repo, ch, &mut bs, out, Some(&olds), &mut dmg);
            if kept.is_empty() {
                continue;
            }
            let info = prov.info(repo, c.id);
            let mut f = out.findings.lock().unwrap_or_else(|e| e.into_inner());
            f.extend(kept.into_iter().map(|mut k| {
                k.commit = Some(info.clone());
                k
            }));
        }
    }
    Ok(GitSummary { blobs_scanned: blobs, commits: Some(commits.len() as u64), shallow: shallow || missing })
}
