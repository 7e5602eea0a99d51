//! The chunk memo: lets the keyword pass skip text it has already searched.
//!
//! A full-history sweep scans every version of every file, and consecutive versions are mostly
//! the same lines. vim's history is 10.5 GB of text blobs, and the keyword pass took 72% of the
//! sweep's CPU; cut into the chunks below, that text is 586,000 distinct chunks (337 MB): 96.8%
//! of its bytes are chunks already seen in an earlier blob. Keywords never hold a line break but
//! as their last byte (checked when the automaton is built; without that the sweep falls back to
//! a full pass), so every keyword hit lies inside one line, and the hits of a blob are the hits
//! of its line-aligned pieces put together. The memo cuts each blob into content-defined,
//! line-aligned chunks (~0.5 KB) and remembers, per chunk fingerprint, the chunk's hits (keyword
//! and offset). A chunk met again, in any blob, replays its hits instead of running the automaton:
//! the same hits (each rule sorts its own), so the rest of the pipeline (confirm windows over the whole
//! blob, filters) sees exactly what a full pass would give it.
//!
//! Chunk boundaries are content-defined (a line ends a chunk when a cheap hash of its last bytes
//! says so), so an edit only changes the chunks it touches: the boundaries after it fall on the
//! same lines again. Fingerprints are SipHash-1-3 under a random per-process key (std's
//! `RandomState`): a repository cannot be crafted to make a chunk holding a secret collide with a
//! clean one without knowing the key, and two distinct chunks collide by chance with probability
//! 2^-64. Memory is bounded: a shard that outgrows its share of `BUDGET` is emptied (a forgotten
//! chunk only costs one more keyword pass).
use std::collections::HashMap;
use std::hash::{BuildHasher, BuildHasherDefault, Hasher, RandomState};
use std::ops::Range;
use std::sync::atomic::AtomicU64;
use std::sync::Mutex;

/// A chunk never ends before this many bytes (unless the blob does): ~0.5 KB chunks keep the
/// lookups (a lock and a hash-table probe, ~50 ns) far below the keyword pass they save
/// (~2 ns a byte, ~1 us a chunk).
const MIN_CHUNK: usize = 256;
/// A chunk ends at the first line break past this many bytes even without a content boundary, so
/// one chunk without boundaries cannot grow without bound in a file of uniform lines.
const MAX_CHUNK: usize = 4096;
/// One line in eight ends a chunk (past `MIN_CHUNK`).
const BOUNDARY_MASK: u64 = 7;
/// Memory the memo may hold. vim's whole history needs ~25 MB (586k chunks, 1.5M hits); a larger
/// history starts forgetting, shard by shard.
const BUDGET: usize = 48 << 20;
/// Shards, each behind its own lock: enough that 16 threads rarely meet on one.
const SHARDS: usize = 64;
/// A chunk with more hits than this is searched every time rather than stored.
const MAX_HITS: usize = 1024;

/// A keyword hit inside a chunk: (automaton pattern, offset from the chunk's start).
pub type ChunkHit = (u32, u32);

/// Fingerprints are already uniformly random: the table uses them as their own hash.
#[derive(Default)]
struct Identity(u64);

impl Hasher for Identity {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0 << 8) | b as u64;
        }
    }
    fn write_u64(&mut self, v: u64) {
        self.0 = v;
    }
}

/// One lock's worth of the memo: fingerprint -> a run of hits in `hits`. Hits live in one arena
/// per shard rather than a box per chunk: on vim's history that is 24 instead of ~60 bytes a
/// chunk (586k chunks, 1.5M hits).
#[derive(Default)]
struct Shard {
    map: HashMap<u64, (u32, u32), BuildHasherDefault<Identity>>,
    hits: Vec<ChunkHit>,
}

impl Shard {
    /// Bytes held (table slots with their control byte, and the arena).
    fn bytes(&self) -> usize {
        self.map.capacity() * (std::mem::size_of::<(u64, (u32, u32))>() + 1)
            + self.hits.capacity() * std::mem::size_of::<ChunkHit>()
    }
}

/// The hits of chunks already searched, shared by every scanning thread.
pub struct ChunkMemo {
    shards: Box<[Mutex<Shard>]>,
    key: RandomState,
    /// Bytes whose hits were replayed and bytes passed to the keyword automaton (`RESIDUE_TIMING`).
    pub skipped: AtomicU64,
    pub searched: AtomicU64,
}

impl Default for ChunkMemo {
    fn default() -> Self {
        ChunkMemo::new()
    }
}

impl ChunkMemo {
    pub fn new() -> ChunkMemo {
        ChunkMemo {
            shards: (0..SHARDS).map(|_| Mutex::new(Shard::default())).collect(),
            key: RandomState::new(),
            skipped: AtomicU64::new(0),
            searched: AtomicU64::new(0),
        }
    }

    /// The chunk's fingerprint.
    pub fn fingerprint(&self, chunk: &[u8]) -> u64 {
        self.key.hash_one(chunk)
    }

    fn shard(&self, fp: u64) -> std::sync::MutexGuard<'_, Shard> {
        // Poisoning cannot leave a shard inconsistent (a map insert either happened or not).
        self.shards[(fp >> 58) as usize % SHARDS].lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The hits of the chunk with fingerprint `fp`, appended to `out`, if it was searched before.
    pub fn lookup(&self, fp: u64, out: &mut Vec<ChunkHit>) -> bool {
        let shard = self.shard(fp);
        match shard.map.get(&fp) {
            Some(&(at, n)) => {
                out.extend_from_slice(&shard.hits[at as usize..(at + n) as usize]);
                true
            }
            None => false,
        }
    }

    /// Remembers the hits of a searched chunk.
    pub fn insert(&self, fp: u64, hits: &[ChunkHit]) {
        if hits.len() > MAX_HITS {
            return;
        }
        let mut shard = self.shard(fp);
        if shard.map.contains_key(&fp) {
            return;
        }
        // Growing past its share of the budget (the table doubles, the arena grows by half),
        // the shard starts over, keeping its allocations.
        let grows = shard.map.len() == shard.map.capacity() || shard.hits.len() + hits.len() > shard.hits.capacity();
        if grows && shard.bytes() * 2 > BUDGET / SHARDS || shard.hits.len() + hits.len() > u32::MAX as usize {
            shard.map.clear();
            shard.hits.clear();
        }
        let at = shard.hits.len() as u32;
        shard.hits.extend_from_slice(hits);
        shard.map.insert(fp, (at, hits.len() as u32));
    }
}

/// Line-aligned, content-defined chunks covering `hay` exactly, in order: each ends just after a
/// line break (except possibly the last), so no line, and no keyword, is split between two.
pub fn chunks(hay: &[u8]) -> impl Iterator<Item = Range<usize>> + '_ {
    let mut start = 0;
    std::iter::from_fn(move || {
        if start >= hay.len() {
            return None;
        }
        // Line breaks closer than MIN_CHUNK to the chunk's start can never end it: search from
        // there (half the line breaks of a ~0.5 KB chunk are never looked at).
        let mut at = start + MIN_CHUNK - 1;
        while at < hay.len() {
            let Some(i) = memchr::memchr(b'\n', &hay[at..]).map(|i| at + i) else { break };
            let end = i + 1;
            if end - start >= MAX_CHUNK || is_boundary(hay, i) {
                let r = start..end;
                start = end;
                return Some(r);
            }
            at = end;
        }
        let r = start..hay.len();
        start = hay.len();
        Some(r)
    })
}

/// Whether the line ending at the line break `nl` ends a chunk: a multiplicative hash of the (up
/// to) eight bytes before it. Cheap on purpose: boundaries only decide how text is cut, never
/// whether it is scanned, so they need no key.
#[inline]
fn is_boundary(hay: &[u8], nl: usize) -> bool {
    let from = nl.saturating_sub(8);
    let mut w = [0u8; 8];
    w[..nl - from].copy_from_slice(&hay[from..nl]);
    let h = u64::from_le_bytes(w).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    (h >> 58) & BOUNDARY_MASK == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(lines: usize, seed: u64) -> Vec<u8> {
        let mut s = seed;
        let mut out = Vec::new();
        for i in 0..lines {
            s = s.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            out.extend_from_slice(
                format!("line {i} value {} {}\n", s >> 40, "x".repeat((s >> 60) as usize)).as_bytes(),
            );
        }
        out
    }

    #[test]
    fn chunks_cover_the_input_and_end_at_line_breaks() {
        for hay in [Vec::new(), b"no newline".to_vec(), b"\n\n\n".to_vec(), text(2000, 1), vec![b'a'; 10_000]] {
            let cs: Vec<Range<usize>> = chunks(&hay).collect();
            let mut at = 0;
            for c in &cs {
                assert_eq!(c.start, at);
                assert!(c.end > c.start);
                if c.end < hay.len() {
                    assert_eq!(hay[c.end - 1], b'\n');
                    assert!(c.len() >= MIN_CHUNK);
                }
                at = c.end;
            }
            assert_eq!(at, hay.len());
        }
    }

    /// An edit near the start leaves the later chunks as they were: boundaries resynchronise.
    #[test]
    fn boundaries_survive_an_edit() {
        let base = text(3000, 7);
        let mut edited = b"an inserted line that shifts every offset\n".to_vec();
        edited.extend_from_slice(&base);
        let set = |h: &[u8]| -> std::collections::HashSet<Vec<u8>> { chunks(h).map(|r| h[r].to_vec()).collect() };
        let (a, b) = (set(&base), set(&edited));
        let shared = a.intersection(&b).count();
        assert!(shared * 10 >= a.len() * 9, "only {shared} of {} chunks survived", a.len());
        let avg = base.len() / a.len();
        assert!((MIN_CHUNK..MAX_CHUNK).contains(&avg), "average chunk {avg} bytes");
    }

    #[test]
    fn memo_returns_what_it_was_told() {
        let m = ChunkMemo::new();
        let (a, b) = (m.fingerprint(b"one chunk\n"), m.fingerprint(b"other chunk\n"));
        assert_ne!(a, b);
        let mut out = Vec::new();
        assert!(!m.lookup(a, &mut out));
        m.insert(a, &[(3, 0), (7, 12)]);
        m.insert(b, &[]);
        assert!(m.lookup(a, &mut out) && out == [(3, 0), (7, 12)]);
        out.clear();
        assert!(m.lookup(b, &mut out) && out.is_empty());
        // Another memo has another key.
        assert_ne!(ChunkMemo::new().fingerprint(b"one chunk\n"), a);
    }

    /// Past its budget a shard forgets (it never grows without bound) and keeps working.
    #[test]
    fn memo_stays_within_budget() {
        let m = ChunkMemo::new();
        let hits = vec![(1, 1); 64];
        for i in 0..(BUDGET / 512) as u64 {
            m.insert(m.fingerprint(&i.to_le_bytes()), &hits);
        }
        let used: usize = m.shards.iter().map(|s| s.lock().unwrap().bytes()).sum();
        assert!(used <= BUDGET, "{used}");
        let fp = m.fingerprint(b"last");
        m.insert(fp, &hits);
        assert!(m.lookup(fp, &mut Vec::new()));
    }
}
