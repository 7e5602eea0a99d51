//! Stage one: a single Aho-Corasick pass over every rule's keywords turns a blob into candidate
//! hits, grouped by rule. A blob with no keyword costs one automaton pass and nothing else.
//!
//! Keywords are matched ASCII case-insensitively in one automaton; a rule that asked for
//! case-sensitive keywords re-checks the hit's bytes (one comparison, far cheaper than a second
//! automaton pass).
//!
//! The automaton kind is chosen by how much there is to scan, and built lazily. A DFA scans about
//! twice as fast as a contiguous NFA (on a 1.37 GB tree: 1.95 s against 3.6 s for ~1,000 keywords,
//! design note section 5) but costs ~15 ms to build for ~1,400 keywords, against ~3 ms for the
//! NFA: the whole start-up budget of a pre-commit run on one file. So the first
//! `DFA_AFTER_BYTES` bytes are scanned with the NFA; the first thread to pass that mark builds the
//! DFA while the others carry on with the NFA, and every later blob uses the DFA. Both automata
//! hold the same patterns with the same match semantics, so the hits are identical.
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::OnceLock;

use aho_corasick::{AhoCorasick, AhoCorasickKind, Input, MatchKind};

use super::memo::{self, ChunkHit, ChunkMemo};

use crate::rules::Rule;

/// Bytes scanned with the NFA before the DFA is built. The DFA saves ~1.5 ns a byte and costs
/// ~12 ms more to build, so it pays for itself after ~8 MB; 4 MB keeps small scans on the cheap
/// build and large ones on the fast automaton almost from the start.
pub const DFA_AFTER_BYTES: u64 = 4 << 20;

/// One keyword of one rule.
#[derive(Debug, Clone)]
struct Owner {
    rule: u32,
    /// Exact keyword bytes when the rule is case-sensitive.
    exact: Option<Box<[u8]>>,
}

#[derive(Debug)]
pub struct Prefilter {
    /// Lower-cased keywords, one per automaton pattern.
    patterns: Vec<Vec<u8>>,
    /// Per automaton pattern: the rules that own that keyword.
    owners: Vec<Vec<Owner>>,
    nfa: OnceLock<AhoCorasick>,
    dfa: OnceLock<AhoCorasick>,
    /// Bytes scanned so far (with either automaton), to decide when the DFA pays off.
    scanned: AtomicU64,
    /// Set by the one thread that builds the DFA, so the others never wait for it.
    dfa_claimed: AtomicBool,
    /// No keyword holds a line break except as its last byte, so every hit lies within one line
    /// and its line break (what `memo` relies on).
    line_local: bool,
}

/// A keyword hit: where it is in the blob.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Hit {
    pub start: usize,
    pub end: usize,
}

fn build(patterns: &[Vec<u8>], kind: AhoCorasickKind) -> Result<AhoCorasick, String> {
    AhoCorasick::builder()
        .ascii_case_insensitive(true)
        .match_kind(MatchKind::Standard)
        .kind(Some(kind))
        .build(patterns)
        .map_err(|e| format!("building the keyword automaton: {e}"))
}

impl Prefilter {
    /// Collects the keywords; the automata are built on first use, so a rule set that is only
    /// narrowed (`RuleSet::narrowed` builds a new one) or listed never pays for one.
    pub fn new(rules: &[Rule]) -> Result<Prefilter, String> {
        let mut patterns: Vec<Vec<u8>> = Vec::new();
        let mut index: std::collections::HashMap<Vec<u8>, usize> = std::collections::HashMap::new();
        let mut owners: Vec<Vec<Owner>> = Vec::new();
        for (ri, rule) in rules.iter().enumerate() {
            let mut seen = std::collections::HashSet::new();
            for kw in &rule.keywords {
                let lower = kw.as_bytes().to_ascii_lowercase();
                let exact = rule.case_sensitive.then(|| kw.as_bytes().to_vec().into_boxed_slice());
                if !seen.insert((lower.clone(), exact.clone())) {
                    continue;
                }
                let pi = *index.entry(lower.clone()).or_insert_with(|| {
                    patterns.push(lower);
                    owners.push(Vec::new());
                    patterns.len() - 1
                });
                owners[pi].push(Owner { rule: ri as u32, exact });
            }
        }
        let line_local = patterns.iter().all(|p| !p[..p.len().saturating_sub(1)].contains(&b'\n'));
        Ok(Prefilter {
            line_local,
            patterns,
            owners,
            nfa: OnceLock::new(),
            dfa: OnceLock::new(),
            scanned: AtomicU64::new(0),
            dfa_claimed: AtomicBool::new(false),
        })
    }

    /// Number of distinct keywords in the automaton.
    pub fn keyword_count(&self) -> usize {
        self.owners.len()
    }

    /// The automaton to scan the next `len` bytes with (None when there are no keywords).
    fn automaton(&self, len: usize) -> Option<&AhoCorasick> {
        if self.patterns.is_empty() {
            return None;
        }
        if let Some(dfa) = self.dfa.get() {
            return Some(dfa);
        }
        let before = self.scanned.fetch_add(len as u64, Ordering::Relaxed);
        if before + len as u64 >= DFA_AFTER_BYTES && !self.dfa_claimed.swap(true, Ordering::AcqRel) {
            // The DFA needs a state table of (states x byte classes); should that ever exceed
            // aho-corasick's limits, stay on the NFA rather than fail.
            if let Ok(dfa) = build(&self.patterns, AhoCorasickKind::DFA) {
                return Some(self.dfa.get_or_init(|| dfa));
            }
        }
        Some(self.nfa.get_or_init(|| {
            build(&self.patterns, AhoCorasickKind::ContiguousNFA)
                .or_else(|_| build(&self.patterns, AhoCorasickKind::NoncontiguousNFA))
                .expect("an Aho-Corasick NFA over non-empty keywords always builds")
        }))
    }

    /// Calls `f(rule_index, hit)` for every keyword hit in `hay`, overlapping hits included, in
    /// order of the hit's end offset.
    #[inline]
    pub fn for_each_hit(&self, hay: &[u8], mut f: impl FnMut(usize, Hit)) {
        let Some(ac) = self.automaton(hay.len()) else { return };
        for m in ac.find_overlapping_iter(hay) {
            self.dispatch(hay, m.pattern().as_usize(), Hit { start: m.start(), end: m.end() }, &mut f);
        }
    }

    /// Like `for_each_hit`, but replays the hits of the chunks of `hay` that `memo` has seen
    /// and teaches it the new ones: the same hits, in the same order, for much less automaton work
    /// when most of `hay` was seen before (see `memo`).
    pub fn for_each_hit_memo(&self, hay: &[u8], memo: &ChunkMemo, mut f: impl FnMut(usize, Hit)) {
        if !self.line_local {
            return self.for_each_hit(hay, f);
        }
        let (mut skipped, mut searched) = (0u64, 0u64);
        let mut found: Vec<ChunkHit> = Vec::new();
        for chunk in memo::chunks(hay) {
            let fp = memo.fingerprint(&hay[chunk.clone()]);
            found.clear();
            if memo.lookup(fp, &mut found) {
                skipped += chunk.len() as u64;
            } else {
                searched += chunk.len() as u64;
                let Some(ac) = self.automaton(chunk.len()) else { return };
                for m in ac.find_overlapping_iter(Input::new(hay).span(chunk.clone())) {
                    found.push((m.pattern().as_u32(), (m.start() - chunk.start) as u32));
                }
                memo.insert(fp, &found);
            }
            for &(pi, rel) in &found {
                let start = chunk.start + rel as usize;
                self.dispatch(hay, pi as usize, Hit { start, end: start + self.patterns[pi as usize].len() }, &mut f);
            }
        }
        memo.skipped.fetch_add(skipped, Ordering::Relaxed);
        memo.searched.fetch_add(searched, Ordering::Relaxed);
    }

    /// Hands a hit of automaton pattern `pi` to every rule owning that keyword.
    #[inline]
    fn dispatch(&self, hay: &[u8], pi: usize, hit: Hit, f: &mut impl FnMut(usize, Hit)) {
        for o in &self.owners[pi] {
            if let Some(exact) = &o.exact {
                if hay[hit.start..hit.end] != exact[..] {
                    continue;
                }
            }
            f(o.rule as usize, hit);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The NFA used for small scans and the DFA used after `DFA_AFTER_BYTES` report the same hits.
    #[test]
    fn nfa_and_dfa_agree() {
        let pats: Vec<Vec<u8>> =
            ["key", "api_key", "token", "ghp_", "secret", "x-api-key"].iter().map(|s| s.as_bytes().to_vec()).collect();
        let hay = b"API_KEY=ghp_x; my_secret_token x-Api-Key: key";
        let hits = |kind| -> Vec<(usize, usize, usize)> {
            build(&pats, kind)
                .unwrap()
                .find_overlapping_iter(&hay[..])
                .map(|m| (m.pattern().as_usize(), m.start(), m.end()))
                .collect()
        };
        let nfa = hits(AhoCorasickKind::ContiguousNFA);
        assert_eq!(nfa, hits(AhoCorasickKind::DFA));
        assert_eq!(nfa.len(), 8, "{nfa:?}");
    }
}
