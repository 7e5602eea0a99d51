//! The full-history sweep (`--history`): every blob reachable from every ref, each unique blob
//! scanned once, with the first commit that put it at each path it ever sat at.
//!
//! Two phases. (1) Enumerate, single-threaded: load the commit graph from every ref (branches,
//! tags, remote-tracking refs, HEAD), order it oldest first (topologically, parents before
//! children, ties by commit time), and walk each commit's tree, skipping any (tree, directory)
//! pair already visited. The first visit of a blob at a path is by construction the commit that
//! introduced it there, so attribution comes for free; a tree met again at a new path (a directory
//! rename) is walked once more, only to add paths. (2) Scan, in parallel: decode each pack once
//! with gix's delta-tree traversal (every delta base inflated once, no cache misses, the pack read
//! in offset order) and scan each wanted blob in the thread that decoded it; blobs the packs did
//! not hold (loose objects, alternates) are then looked up one by one with per-thread handles.
//! Memory stays bounded by the object index and the largest blobs in flight, never the history.
//! Author and time are looked up only for commits that own a finding (`provenance`).
use std::collections::{BinaryHeap, HashMap, HashSet};
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering::Relaxed};
use std::sync::Mutex;

use gix::bstr::{BString, ByteVec};
use gix::objs::Kind;
use gix::ObjectId;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use rayon::prelude::*;

use super::provenance::Provenance;
use super::tree;
use super::{path_string, BlobScanner, Ctx, GitError, GitOptions, GitSummary};
use crate::finding::Finding;
use crate::input::walk::Collected;
use crate::scan::Scanner;

/// One commit of the graph, as much as ordering and walking need.
#[derive(Debug, Clone)]
pub struct CommitRec {
    pub id: ObjectId,
    pub tree: ObjectId,
    pub parents: Vec<ObjectId>,
    pub time: i64,
}

/// Loads every commit reachable from `tips`, not descending into `stop` (nor past it). Parents
/// missing from the object store (a shallow boundary) are dropped and reported through `missing`.
/// A commit that is there but cannot be read or decoded is a counted error in `out` (once: its id
/// goes into `damaged`, which callers pass again so a second load does not count it twice); the
/// load goes on, and history reachable only through it is left out.
pub fn load_commits(
    repo: &gix::Repository,
    tips: &[ObjectId],
    stop: &HashSet<ObjectId>,
    missing: &mut bool,
    damaged: &mut HashSet<ObjectId>,
    out: &Collected,
) -> Vec<CommitRec> {
    let mut seen: HashSet<ObjectId> = HashSet::new();
    let mut stack: Vec<ObjectId> = Vec::new();
    for t in tips {
        if !stop.contains(t) && seen.insert(*t) {
            stack.push(*t);
        }
    }
    let mut commits = Vec::new();
    while let Some(id) = stack.pop() {
        if damaged.contains(&id) {
            continue;
        }
        // Absent (a shallow boundary, or history deleted): said as missing history, not an error.
        if let Ok(None) = repo.try_find_header(id) {
            *missing = true;
            continue;
        }
        let c = match read_commit(repo, id) {
            Ok(c) => c,
            Err(e) => {
                damaged.insert(id);
                out.error(format!(
                    "commit {id}: {}; history reachable only through it was not scanned",
                    super::chain(&e)
                ));
                continue;
            }
        };
        for p in &c.parents {
            if !stop.contains(p) && seen.insert(*p) {
                stack.push(*p);
            }
        }
        commits.push(c);
    }
    // Parents that were never loaded (shallow boundary, damaged, or in `stop`) are not part of
    // the graph; only absent ones make the history incomplete without an error saying so.
    let ids: HashSet<ObjectId> = commits.iter().map(|c| c.id).collect();
    for c in &mut commits {
        let absent = c.parents.iter().any(|p| !ids.contains(p) && !stop.contains(p) && !damaged.contains(p));
        c.parents.retain(|p| ids.contains(p) || stop.contains(p));
        if absent && !c.parents.iter().any(|p| stop.contains(p)) {
            *missing = true;
        }
    }
    commits
}

/// Reads and decodes commit `id` (its header first: kind and size checked before inflating).
fn read_commit(repo: &gix::Repository, id: ObjectId) -> Result<CommitRec, GitError> {
    let obj = super::read_object(repo, id, Kind::Commit, || format!("reading commit {id}"))?;
    let c = gix::objs::CommitRef::from_bytes(&obj.data, repo.object_hash()).ctx(|| format!("decoding commit {id}"))?;
    let time = c.time().map(|t| t.seconds).unwrap_or(0);
    Ok(CommitRec { id, tree: c.tree(), parents: c.parents().collect(), time })
}

/// Indices of `commits` oldest first: every commit after all of its parents (Kahn's algorithm),
/// the oldest ready commit first, so attribution goes to the earliest commit that could own a
/// blob.
pub fn topo_order(commits: &[CommitRec]) -> Vec<usize> {
    let idx: HashMap<ObjectId, usize> = commits.iter().enumerate().map(|(i, c)| (c.id, i)).collect();
    let mut pending = vec![0usize; commits.len()];
    let mut children: Vec<Vec<usize>> = vec![Vec::new(); commits.len()];
    for (i, c) in commits.iter().enumerate() {
        for p in &c.parents {
            if let Some(&pi) = idx.get(p) {
                pending[i] += 1;
                children[pi].push(i);
            }
        }
    }
    let mut ready: BinaryHeap<std::cmp::Reverse<(i64, usize)>> = BinaryHeap::new();
    for (i, &n) in pending.iter().enumerate() {
        if n == 0 {
            ready.push(std::cmp::Reverse((commits[i].time, i)));
        }
    }
    let mut order = Vec::with_capacity(commits.len());
    while let Some(std::cmp::Reverse((_, i))) = ready.pop() {
        order.push(i);
        for &ch in &children[i] {
            pending[ch] -= 1;
            if pending[ch] == 0 {
                ready.push(std::cmp::Reverse((commits[ch].time, ch)));
            }
        }
    }
    order
}

/// No commit: a blob reached through a ref that points at a tree or blob directly.
const NO_COMMIT: u32 = u32::MAX;

/// Every unique blob with each path it sat at and the first commit that put it there.
#[derive(Default)]
struct Inventory {
    path_ids: HashMap<BString, u32>,
    paths: Vec<BString>,
    /// (tree, directory path) pairs already walked.
    seen_trees: HashSet<(ObjectId, u32)>,
    blob_index: HashMap<ObjectId, u32>,
    blobs: Vec<ObjectId>,
    /// Per blob: (path, commit index) pairs, first one first.
    places: Vec<Vec<(u32, u32)>>,
    placed: HashSet<(u32, u32)>,
    /// Per directory path: the raw bytes of the last tree walked there.
    last: HashMap<u32, Vec<u8>>,
    /// Trees that could not be read or decoded, each once: (directory, commit, what went wrong,
    /// naming the tree), reported as counted errors once the commits' ids can name them.
    damaged: Vec<(u32, u32, String)>,
    damaged_ids: HashSet<ObjectId>,
}

impl Inventory {
    fn intern(&mut self, p: &[u8]) -> u32 {
        if let Some(&i) = self.path_ids.get(p) {
            return i;
        }
        let i = self.paths.len() as u32;
        self.paths.push(p.into());
        self.path_ids.insert(p.into(), i);
        i
    }

    fn add_blob(&mut self, id: ObjectId, path: &[u8], commit: u32) {
        let pid = self.intern(path);
        let bi = match self.blob_index.get(&id) {
            Some(&b) => b,
            None => {
                let b = self.blobs.len() as u32;
                self.blobs.push(id);
                self.places.push(Vec::new());
                self.blob_index.insert(id, b);
                b
            }
        };
        if self.placed.insert((bi, pid)) {
            self.places[bi as usize].push((pid, commit));
        }
    }

    /// Records damaged tree `id` (once, however many commits and directories reach it).
    fn damage(&mut self, id: ObjectId, dir: u32, commit: u32, why: String) {
        if self.damaged_ids.insert(id) {
            self.damaged.push((dir, commit, why));
        }
    }

    /// Adds every blob under tree `id` (at `prefix`, first reached by `commit`). A tree that
    /// cannot be read is recorded in `damaged` and adds nothing; one that fails to decode partway
    /// adds the entries before the damage. Either way the walk goes on elsewhere.
    fn walk_tree(&mut self, repo: &gix::Repository, id: ObjectId, prefix: &mut BString, commit: u32) {
        let dir = self.intern(prefix);
        if !self.seen_trees.insert((id, dir)) {
            return;
        }
        let data = match super::read_object(repo, id, Kind::Tree, || format!("reading tree {id}")) {
            Ok(o) => o.detach().data,
            Err(e) => return self.damage(id, dir, commit, super::chain(&e)),
        };
        let hash = repo.object_hash();
        // The previous tree walked at this directory: an entry it had unchanged (same name, mode
        // and id) was recorded then, so only the entries a commit changed cost anything. In vim,
        // src/ has ~500 entries and ~20,000 versions; this merge skips ~99% of them.
        let prev = self.last.remove(&dir);
        let mut before = prev.as_deref().map(|p| gix::objs::TreeRefIter::from_bytes(p, hash).peekable());
        let mut whole = true;
        for (n, e) in gix::objs::TreeRefIter::from_bytes(&data, hash).enumerate() {
            let e = match e {
                Ok(e) => e,
                Err(err) => {
                    let why = format!("reading tree {id}: {} (after {n} entries)", super::chain(&err));
                    self.damage(id, dir, commit, why);
                    whole = false;
                    break;
                }
            };
            if let Some(b) = before.as_mut() {
                let mut same = false;
                while let Some(Ok(p)) = b.peek() {
                    match p.cmp(&e) {
                        std::cmp::Ordering::Less => {
                            b.next();
                        }
                        std::cmp::Ordering::Equal => {
                            same = p.oid == e.oid && p.mode == e.mode;
                            b.next();
                            break;
                        }
                        std::cmp::Ordering::Greater => break,
                    }
                }
                if same {
                    continue;
                }
            }
            let len = prefix.len();
            if !prefix.is_empty() {
                prefix.push_byte(b'/');
            }
            prefix.push_str(e.filename);
            if e.mode.is_tree() {
                self.walk_tree(repo, e.oid.to_owned(), prefix, commit);
            } else if tree::is_file(e.mode) {
                self.add_blob(e.oid.to_owned(), prefix, commit);
            }
            prefix.truncate(len);
        }
        // A damaged tree is no base to merge the next one against: that one is walked whole.
        if whole {
            self.last.insert(dir, data);
        }
    }
}

/// The commits and blobs behind every ref.
fn tips(repo: &gix::Repository, inv: &mut Inventory) -> Result<Vec<ObjectId>, GitError> {
    let mut tips = Vec::new();
    let mut named: Vec<(String, ObjectId)> = Vec::new();
    // A ref whose target cannot be read (so cannot be peeled) keeps its direct target: loading
    // that as a commit below reports it, where skipping the ref would lose it in silence.
    match repo.head_id() {
        Ok(id) => named.push(("HEAD".into(), id.detach())),
        Err(_) => {
            if let Some(id) = repo.head().ok().and_then(|h| h.id()) {
                named.push(("HEAD".into(), id.detach()));
            }
        }
    }
    let platform = repo.references().ctx(|| "listing refs".into())?;
    for r in platform.all().ctx(|| "listing refs".into())? {
        let Ok(mut r) = r else { continue };
        let name = r.name().as_bstr().to_string();
        match r.peel_to_id() {
            Ok(id) => named.push((name, id.detach())),
            Err(_) => {
                if let Some(id) = r.target().try_id() {
                    named.push((name, id.to_owned()));
                }
            }
        }
    }
    let mut seen = HashSet::new();
    for (name, id) in named {
        if !seen.insert(id) {
            continue;
        }
        match repo.find_header(id).map(|h| h.kind()) {
            // A header that cannot be read: loading it as a commit says what is wrong with it.
            Ok(Kind::Commit) | Err(_) => tips.push(id),
            Ok(Kind::Tree) => inv.walk_tree(repo, id, &mut BString::default(), NO_COMMIT),
            Ok(Kind::Blob) => inv.add_blob(id, name.as_bytes(), NO_COMMIT),
            _ => {}
        }
    }
    Ok(tips)
}

pub fn scan(
    repo: gix::Repository,
    all_objects: bool,
    opts: &GitOptions,
    scanner: &Scanner,
    out: &Collected,
) -> Result<GitSummary, GitError> {
    let started = std::time::Instant::now();
    let shallow = repo.is_shallow().unwrap_or(false);
    let mut inv = Inventory::default();
    let tips = tips(&repo, &mut inv)?;
    let mut missing = false;
    let commits = load_commits(&repo, &tips, &HashSet::new(), &mut missing, &mut HashSet::new(), out);
    if std::env::var_os("RESIDUE_TIMING").is_some() {
        eprintln!("residue: timing: {} commits loaded at {:.2}s", commits.len(), started.elapsed().as_secs_f64());
    }
    let order = topo_order(&commits);
    let mut prefix = BString::default();
    for &ci in &order {
        inv.walk_tree(&repo, commits[ci].tree, &mut prefix, ci as u32);
    }
    for (dir, commit, why) in std::mem::take(&mut inv.damaged) {
        let by = match commit {
            NO_COMMIT => "a ref".to_string(),
            c => format!("commit {}", commits[c as usize].id),
        };
        let dir = &inv.paths[dir as usize];
        let at = if dir.is_empty() { by } else { format!("{}/ in {by}", path_string(dir)) };
        out.error(format!("{at}: {why}; the files only it holds were not scanned"));
    }
    let timing = std::env::var_os("RESIDUE_TIMING").is_some();
    if timing {
        eprintln!(
            "residue: timing: {} commits, {} unique blobs, {} paths enumerated in {:.2}s",
            commits.len(),
            inv.blobs.len(),
            inv.paths.len(),
            started.elapsed().as_secs_f64()
        );
    }
    drop(inv.seen_trees);
    drop(inv.last);
    drop(inv.placed);
    drop(inv.path_ids);
    if shallow || missing {
        eprintln!(
            "residue: {}: shallow clone: history before the shallow boundary is not in the repository and was not scanned",
            repo.git_dir().display()
        );
    }

    // Versions of a file repeat each other's lines: the keyword pass replays the hits of chunks
    // it has searched before (see `scan::memo`).
    let memo = crate::scan::memo::ChunkMemo::new();
    let memo_scanner = scanner.clone().with_memo(&memo);
    let scanner = &memo_scanner;
    let sweep = Sweep {
        blobs: &inv.blobs,
        places: &inv.places,
        paths: &inv.paths,
        index: &inv.blob_index,
        done: (0..inv.blobs.len()).map(|_| AtomicBool::new(false)).collect(),
        unreachable_done: Mutex::new(HashSet::new()),
        all_objects,
        found: Mutex::new(Vec::new()),
        bytes: AtomicU64::new(0),
        scanner,
        out,
        opts,
        bar: progress_bar(opts.progress, inv.blobs.len() as u64),
    };
    let threads =
        if opts.threads == 0 { std::thread::available_parallelism().map_or(1, |n| n.get()) } else { opts.threads };
    let hash = repo.object_hash();
    let packs = pack_indices(&repo);
    // Trees are all read. The repository's object store would keep, beside the traversal's own
    // mapping of each pack, everything the tree walk left resident: its 32 MB object cache, its
    // delta-base cache and its own mappings of the pack and index (on vim, 15-60 MB of pages).
    // It is dropped for the traversal and opened again for what comes after.
    let git_dir = repo.git_dir().to_owned();
    drop(repo);
    for idx in packs {
        sweep.pack(&idx, hash, threads);
    }
    let repo = super::open(&git_dir, opts)?;
    if timing {
        eprintln!(
            "residue: timing: packs decoded and scanned at {:.2}s; keyword pass replayed {} and searched {} bytes",
            started.elapsed().as_secs_f64(),
            memo.skipped.load(Relaxed),
            memo.searched.load(Relaxed)
        );
    }
    sweep.leftovers(&repo, threads);
    if all_objects {
        sweep.loose_unreachable(&repo);
    }
    sweep.bar.finish_and_clear();

    // Provenance, only for blobs with findings.
    let found = sweep.found.into_inner().unwrap_or_else(|e| e.into_inner());
    let mut prov = Provenance::new();
    let mut findings = out.findings.lock().unwrap_or_else(|e| e.into_inner());
    for (mut f, commit) in found {
        if commit != NO_COMMIT {
            f.commit = Some(prov.info(&repo, commits[commit as usize].id));
        }
        findings.push(f);
    }
    let blobs_scanned = out.counters.scanned.load(Relaxed);
    Ok(GitSummary { blobs_scanned, commits: Some(commits.len() as u64), shallow: shallow || missing })
}

fn progress_bar(enabled: bool, len: u64) -> ProgressBar {
    use std::io::IsTerminal;
    if !enabled || !std::io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::with_draw_target(Some(len), ProgressDrawTarget::stderr_with_hz(4));
    bar.set_style(
        ProgressStyle::with_template("{bar:30} {pos}/{len} blobs, {msg}, {per_sec}, ETA {eta}")
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    bar
}

/// The pack index files of the repository's object store.
fn pack_indices(repo: &gix::Repository) -> Vec<PathBuf> {
    let dir = repo.objects.store_ref().path().join("pack");
    let mut v: Vec<PathBuf> = std::fs::read_dir(&dir)
        .map(|rd| {
            rd.filter_map(|e| e.ok()).map(|e| e.path()).filter(|p| p.extension().is_some_and(|x| x == "idx")).collect()
        })
        .unwrap_or_default();
    v.sort();
    v
}

/// Drops the resident pages of a read-only file mapping (the pack). `MADV_DONTNEED` on a private
/// mapping that was never written only unmaps the pages: their next read faults them back in from
/// the file, unchanged. Only ever called with gix's pack mapping (`data::File` is always an
/// mmap of the pack, `map_copy_read_only`), never with heap memory, which it would zero.
#[cfg(unix)]
fn release_pages(mapped: &[u8]) {
    if mapped.is_empty() {
        return;
    }
    // SAFETY: `mapped` is the whole of a read-only private file mapping (page-aligned start,
    // the mapping's length); DONTNEED there changes no byte anyone reads (see above). A failure
    // only means the pages stay resident.
    unsafe {
        libc::madvise(mapped.as_ptr() as *mut libc::c_void, mapped.len(), libc::MADV_DONTNEED);
    }
}

#[cfg(not(unix))]
fn release_pages(_: &[u8]) {}

/// Why a pack's entries cannot be trusted to the traversal, if they cannot: an entry whose bytes
/// fail the CRC-32 its index records (index v2), or that lies outside the pack. CRC-32 runs at
/// several GB/s, far faster than the inflating it guards, so every pack is checked in full.
fn damaged(bundle: &gix::odb::pack::Bundle) -> Option<String> {
    let pack = &bundle.pack;
    if pack.data_len() < 12 + pack.object_hash().len_in_bytes() {
        return Some("the pack is truncated".into());
    }
    let end = pack.pack_end() as u64;
    let mut entries: Vec<_> = bundle.index.iter().collect();
    entries.sort_by_key(|e| e.pack_offset);
    let mapped = pack.entry_slice(0..pack.data_len() as u64).unwrap_or_default();
    let mut since_release = 0;
    for (i, e) in entries.iter().enumerate() {
        // Reading the whole pack would leave all of it resident (vim: +219 MB of peak before the
        // traversal starts): its pages are handed back every 32 MB checked.
        if e.pack_offset - since_release > 32 << 20 {
            release_pages(mapped);
            since_release = e.pack_offset;
        }
        let next = entries.get(i + 1).map_or(end, |n| n.pack_offset);
        let Some(bytes) = (e.pack_offset < next).then(|| pack.entry_slice(e.pack_offset..next)).flatten() else {
            return Some(format!("object {} at offset {} lies outside the pack data", e.oid, e.pack_offset));
        };
        // In range (checked just above), so `entry_crc32` cannot panic.
        if e.crc32.is_some_and(|c| c != pack.entry_crc32(e.pack_offset, bytes.len())) {
            return Some(format!("object {} at offset {} fails its CRC-32 check (damaged pack)", e.oid, e.pack_offset));
        }
    }
    None
}

/// Shared state of the scan phase.
struct Sweep<'a, 's, 'r> {
    blobs: &'a [ObjectId],
    places: &'a [Vec<(u32, u32)>],
    paths: &'a [BString],
    index: &'a HashMap<ObjectId, u32>,
    /// Per blob: scanned already (a blob may sit in several packs).
    done: Vec<AtomicBool>,
    unreachable_done: Mutex<HashSet<ObjectId>>,
    all_objects: bool,
    /// Findings with the index of the commit that introduced them.
    found: Mutex<Vec<(Finding, u32)>>,
    bytes: AtomicU64,
    scanner: &'s Scanner<'r>,
    out: &'a Collected,
    opts: &'a GitOptions,
    bar: ProgressBar,
}

/// Per-thread state of a pack traversal; a clone starts with fresh scratch space.
struct Worker<'w, 'a, 's, 'r> {
    sweep: &'w Sweep<'a, 's, 'r>,
    bs: BlobScanner<'s, 'r>,
}

impl Clone for Worker<'_, '_, '_, '_> {
    fn clone(&self) -> Self {
        Worker { sweep: self.sweep, bs: BlobScanner::new(self.sweep.scanner, self.sweep.opts) }
    }
}

impl Sweep<'_, '_, '_> {
    /// Scans a wanted blob (or an unreachable one with `--all-objects`) once.
    fn blob(&self, bs: &mut BlobScanner, id: &gix::oid, data: &[u8]) {
        match self.index.get(id) {
            Some(&bi) => {
                if self.done[bi as usize].swap(true, Relaxed) {
                    return;
                }
                let places = &self.places[bi as usize];
                let paths: Vec<String> = places.iter().map(|(p, _)| path_string(&self.paths[*p as usize])).collect();
                let refs: Vec<&str> = paths.iter().map(|s| s.as_str()).collect();
                let per_path = bs.scan_at_paths(&refs, data, self.out);
                self.record(per_path.into_iter().zip(places.iter().map(|(_, c)| *c)));
            }
            None if self.all_objects => {
                if !self.unreachable_done.lock().unwrap_or_else(|e| e.into_inner()).insert(id.to_owned()) {
                    return;
                }
                // An unreachable blob has no path: its id stands in for one.
                let path = format!("<unreachable>/{id}");
                let per_path = bs.scan_at_paths(&[&path], data, self.out);
                self.record(per_path.into_iter().map(|f| (f, NO_COMMIT)));
            }
            None => return,
        }
        self.bar.inc(1);
        let b = self.bytes.fetch_add(data.len() as u64, Relaxed) + data.len() as u64;
        if self.bar.position() % 512 == 0 {
            self.bar.set_message(indicatif::HumanBytes(b).to_string());
        }
    }

    fn record(&self, per_path: impl Iterator<Item = (Vec<Finding>, u32)>) {
        let mut v: Vec<(Finding, u32)> = Vec::new();
        for (fs, c) in per_path {
            v.extend(fs.into_iter().map(|f| (f, c)));
        }
        if !v.is_empty() {
            self.found.lock().unwrap_or_else(|e| e.into_inner()).extend(v);
        }
    }

    /// Decodes every object of one pack once (delta-tree traversal) and scans the wanted blobs.
    fn pack(&self, idx: &std::path::Path, hash: gix::hash::Kind, threads: usize) {
        use gix::odb::pack;
        let bundle = match pack::Bundle::at(idx, hash) {
            Ok(b) => b,
            Err(e) => {
                // Its blobs are still found one by one in `leftovers`.
                eprintln!("residue: {}: {}; reading its objects one by one", idx.display(), super::chain(&e));
                return;
            }
        };
        let checked = std::time::Instant::now();
        let damage = damaged(&bundle);
        if std::env::var_os("RESIDUE_TIMING").is_some() {
            eprintln!("residue: timing: {} CRC-checked in {:.2}s", idx.display(), checked.elapsed().as_secs_f64());
        }
        if let Some(why) = damage {
            // The traversal below would hand over what a damaged entry inflates to without
            // noticing (it neither checks the zlib stream's end nor hashes objects), so the
            // blob would be scanned with wrong bytes and no error. Looked up one by one, each
            // object's zlib stream is checked to its end, and a damaged one is a counted error.
            eprintln!("residue: {}: {why}; reading its objects one by one", idx.display());
            return;
        }
        let mut worker = Worker { sweep: self, bs: BlobScanner::new(self.scanner, self.opts) };
        let mapped = bundle.pack.entry_slice(0..bundle.pack.data_len() as u64).unwrap_or_default();
        // The CRC pass read the whole pack: its pages go before the traversal starts.
        release_pages(mapped);
        let counter = AtomicU64::new(0);
        let decoded = &counter;
        let processor = move |kind: Kind, data: &[u8], entry: &pack::index::Entry, _: &dyn gix::Progress| {
            // Borrow the worker whole, so the closure clones it (fresh scratch per thread).
            let w = &mut worker;
            if kind == Kind::Blob {
                w.sweep.blob(&mut w.bs, &entry.oid, data);
            }
            // Every pack page the traversal touched stays in this process's resident set until
            // unmapped: on vim that is the whole 219 MB pack, most of the sweep's peak. The
            // traversal reads each entry about once, so every 4,096 objects the mapping's pages
            // are handed back (they stay in the page cache; the few needed again fault back in).
            if decoded.fetch_add(1, Relaxed) % 4_096 == 4_095 {
                release_pages(mapped);
            }
            Ok(())
        };
        let interrupt = AtomicBool::new(false);
        let res = bundle.index.traverse(
            &bundle.pack,
            &mut gix::utils::progress::Discard,
            &interrupt,
            processor,
            pack::index::traverse::Options {
                traversal: pack::index::traverse::Algorithm::DeltaTreeLookup,
                thread_limit: Some(threads),
                check: pack::index::traverse::SafetyCheck::SkipFileAndObjectChecksumVerificationAndNoAbortOnDecodeError,
                alloc_limit_bytes: None,
                make_pack_lookup_cache: || pack::cache::Never,
            },
        );
        if let Err(e) = res {
            eprintln!("residue: {}: {}; reading its remaining objects one by one", idx.display(), super::chain(&e));
        }
    }

    /// Blobs no pack traversal delivered (loose objects, alternates, a damaged pack), looked up
    /// one by one, in parallel, with one object-store handle per thread.
    fn leftovers(&self, repo: &gix::Repository, threads: usize) {
        let todo: Vec<usize> = (0..self.blobs.len()).filter(|&i| !self.done[i].load(Relaxed)).collect();
        if todo.is_empty() {
            return;
        }
        let sync = repo.clone().into_sync();
        let run = || {
            todo.par_iter().for_each_init(
                || (sync.to_thread_local(), BlobScanner::new(self.scanner, self.opts)),
                |(repo, bs), &i| {
                    let id = self.blobs[i];
                    match super::read_blob(repo, id, self.opts.max_file_size) {
                        Ok(Some(obj)) => self.blob(bs, &id, &obj.data),
                        Ok(None) => {
                            self.done[i].store(true, Relaxed);
                            let paths: Vec<String> =
                                self.places[i].iter().map(|(p, _)| path_string(&self.paths[*p as usize])).collect();
                            bs.skip_too_large(&paths.iter().map(|s| s.as_str()).collect::<Vec<_>>(), self.out);
                            self.bar.inc(1);
                        }
                        Err(e) => {
                            self.done[i].store(true, Relaxed);
                            let p = self.places[i].first().map(|(p, _)| path_string(&self.paths[*p as usize]));
                            self.out.error(format!("{}: reading blob {id}: {e}", p.unwrap_or_default()));
                        }
                    }
                },
            )
        };
        match rayon::ThreadPoolBuilder::new().num_threads(threads).build() {
            Ok(pool) => pool.install(run),
            Err(_) => run(),
        }
    }

    /// With `--all-objects`: loose blobs that no ref reaches.
    fn loose_unreachable(&self, repo: &gix::Repository) {
        let Ok(iter) = repo.objects.iter() else { return };
        let mut bs = BlobScanner::new(self.scanner, self.opts);
        for id in iter.filter_map(|r| r.ok()) {
            if self.index.contains_key(&id)
                || self.unreachable_done.lock().unwrap_or_else(|e| e.into_inner()).contains(&id)
            {
                continue;
            }
            // Only blobs, and only what their headers say is small enough to inflate.
            match repo.find_header(id) {
                Ok(h) if h.kind() == Kind::Blob => match super::read_blob(repo, id, self.opts.max_file_size) {
                    Ok(Some(obj)) => self.blob(&mut bs, &id, &obj.data),
                    Ok(None) => bs.skip_too_large(&[&format!("<unreachable>/{id}")], self.out),
                    Err(e) => self.out.error(format!("<unreachable>/{id}: reading blob {id}: {e}")),
                },
                _ => {}
            }
        }
    }
}
