//! A cheaper test that must pass before a rule's regex runs on a window: the rule's pattern with
//! its long bounded repeats made unbounded (`[^\n]{0,200}` becomes `[^\n]*`) and its captures
//! dropped. Every match of the rule's regex is also a match of this looser regex, on the same
//! haystack with the same neighbours, so a window where the looser regex finds nothing holds no
//! match and is skipped; where it finds something, the rule's own regex runs there (one with no
//! lazy DFA of its own: `rules::rule::Compiled::regex`). Results are identical by construction.
//!
//! Why: a lazy DFA has to count a bounded repeat, so `^[^"\n]{0,200}?…` needs a state per count
//! and per combination with the rest of the pattern. On a 1.19 GB source tree the line-context
//! rules (assistant chatter, logging calls) filled their 2 MB lazy-DFA caches again and again and
//! determinization was ~36% of all instructions; their looser forms have a few dozen states and
//! rarely match (PRM0022: 3,473 keyword hits on that tree, 0 matches).
use regex_automata::hybrid::dfa::{Cache, DFA};
use regex_automata::nfa::thompson::{self, WhichCaptures};
use regex_automata::Input;
use regex_syntax::hir::{Hir, HirKind, Repetition};

/// Repeats with a larger upper bound than this are made unbounded; smaller ones cost the DFA
/// little and keep the looser regex selective (`\s{0,4}`, `[rbu]{1,2}`).
const LOOSEN_ABOVE: u32 = 8;

/// A rule gets a looser regex only when its pattern is big, counting each repeat `max` times (what
/// the NFA holds), and loosening shrinks it. Short token rules (`ghp_[A-Za-z0-9]{36}`, weight 40)
/// stay single-stage: their DFAs are small, so a second pass would only add work. On the 1.19 GB
/// tree, 300 instead of 100 left SEC0039/SEC0003-style assignment rules single-stage and their
/// confirm time 10-20% higher; every rule slower with a hint gained under 5 ms.
const MIN_WEIGHT: u64 = 100;

/// A rule's looser regex, compiled to a forward lazy DFA only: it answers "is there a match in
/// this window" and never where, so it needs no reverse automaton, no capture engine and no
/// capture slots (and, its repeats unbounded, a small NFA).
#[derive(Debug)]
pub struct Hint {
    dfa: DFA,
}

impl Hint {
    /// The hint for a rule's parsed pattern, or Ok(None) when it would not pay.
    pub fn for_pattern(hir: &Hir) -> Result<Option<Hint>, String> {
        let Some(loose) = loosen(hir) else { return Ok(None) };
        let nfa = thompson::Compiler::new()
            .configure(
                thompson::Config::new()
                    .which_captures(WhichCaptures::None)
                    .nfa_size_limit(Some(crate::rules::rule::NFA_SIZE_LIMIT)),
            )
            .build_from_hir(&loose)
            .map_err(|e| e.to_string())?;
        let dfa = DFA::builder()
            // The same 2 MB cap a rule's own lazy DFA has; a hint that still fills it gives up
            // (below) and the window goes to the rule's regex as if the hint had matched.
            .configure(
                DFA::config()
                    .cache_capacity(2 << 20)
                    .minimum_cache_clear_count(Some(3))
                    .minimum_bytes_per_state(Some(10)),
            )
            .build_from_nfa(nfa)
            .map_err(|e| e.to_string())?;
        Ok(Some(Hint { dfa }))
    }

    pub fn create_cache(&self) -> Cache {
        self.dfa.create_cache()
    }

    /// Whether `hay[start..end]` may hold a match of the rule (false: it certainly does not).
    /// The search sees the whole haystack, so anchors and `\b` see the real neighbours.
    pub fn may_match(&self, cache: &mut Cache, hay: &[u8], start: usize, end: usize) -> bool {
        let input = Input::new(hay).span(start..end).earliest(true);
        // An error (the DFA gave up on a thrashing cache) says nothing: let the regex decide.
        !matches!(self.dfa.try_search_fwd(cache, &input), Ok(None))
    }

    /// Heap memory of the compiled hint (the NFA and the DFA's tables, not a cache).
    pub fn memory_usage(&self) -> usize {
        self.dfa.get_nfa().memory_usage() + self.dfa.memory_usage()
    }
}

/// The looser pattern for `hir`, or None when it would not pay (see `MIN_WEIGHT`).
fn loosen(hir: &Hir) -> Option<Hir> {
    let loose = relax(hir);
    let (w, lw) = (weight(hir), weight(&loose));
    (w >= MIN_WEIGHT && w > lw).then_some(loose)
}

fn relax(h: &Hir) -> Hir {
    match h.kind() {
        HirKind::Capture(c) => relax(&c.sub),
        HirKind::Concat(parts) => Hir::concat(parts.iter().map(relax).collect()),
        HirKind::Alternation(alts) => Hir::alternation(alts.iter().map(relax).collect()),
        HirKind::Repetition(r) => {
            let sub = Box::new(relax(&r.sub));
            match r.max {
                Some(m) if m > LOOSEN_ABOVE => {
                    // A lower minimum only widens the language, which keeps the test necessary.
                    Hir::repetition(Repetition { min: r.min.min(LOOSEN_ABOVE), max: None, greedy: r.greedy, sub })
                }
                _ => Hir::repetition(Repetition { min: r.min, max: r.max, greedy: r.greedy, sub }),
            }
        }
        _ => h.clone(),
    }
}

/// Roughly the number of NFA states `h` compiles to: repeats count `max` (or `min` + 1 when
/// unbounded) copies of their body.
fn weight(h: &Hir) -> u64 {
    match h.kind() {
        HirKind::Empty | HirKind::Look(_) | HirKind::Class(_) => 1,
        HirKind::Literal(l) => l.0.len() as u64,
        HirKind::Capture(c) => weight(&c.sub),
        HirKind::Concat(parts) | HirKind::Alternation(parts) => parts.iter().map(weight).sum(),
        HirKind::Repetition(r) => {
            let copies = r.max.unwrap_or(r.min + 1).max(1) as u64;
            copies.saturating_mul(weight(&r.sub))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::rule::parse_hir;

    fn loose(p: &str) -> Option<String> {
        loosen(&parse_hir(p).unwrap()).map(|h| h.to_string())
    }

    #[test]
    fn hint_rules_windows_out_and_keeps_neighbours() {
        let hir =
            parse_hir(r#"(?i)^(?:[^"\n]{0,200}?|[^\n]{0,200}?#[^\n]{0,200}?)\bhere is the (?:updated|full) code\b"#)
                .unwrap();
        let h = Hint::for_pattern(&hir).unwrap().expect("a big line-context rule gets a hint");
        let mut c = h.create_cache();
        let hay = b"x = 1\n# Here is the updated code\ny = \"here is the full code\"\n";
        assert!(!h.may_match(&mut c, hay, 0, 6));
        assert!(h.may_match(&mut c, hay, 6, 33));
        // `\b` after `code` sees the real next byte: cut inside `codex` there is no match.
        let hay2 = b"# here is the full codex\n";
        assert!(!h.may_match(&mut c, hay2, 0, 22));
    }

    #[test]
    fn long_repeats_become_unbounded_and_captures_go() {
        let l =
            loose(r#"(?i)^(?:[^"`\n]{0,200}?|[^\n]{0,200}?#[^\n]{0,200}?)\bhere is (?P<x>the|an?) code\b"#).unwrap();
        assert!(!l.contains("200") && !l.contains("?P<"), "{l}");
        assert!(l.contains('*'), "{l}");
    }

    #[test]
    fn small_token_rules_stay_single_stage() {
        assert_eq!(loose(r"\bghp_(?P<secret>[A-Za-z0-9]{36})\b"), None);
        assert_eq!(loose(r"(?i)password\s{0,4}=\s{0,4}(?P<secret>[^\s]{8,64})"), None);
    }

    /// Every match of the strict pattern lies inside a match of the looser one, on inputs built
    /// to sit at and around the bounds.
    #[test]
    fn looser_regex_matches_wherever_the_rule_does() {
        let pat =
            r#"(?m)^(?:[^"\n]{0,20}?|[^\n]{0,20}?#[^\n]{0,20}?)(?:^|[^'"A-Za-z])here is the (?:updated|full) code\b"#;
        let hir = parse_hir(pat).unwrap();
        let strict = regex_automata::meta::Regex::builder().build_from_hir(&hir).unwrap();
        let loose = regex_automata::meta::Regex::builder().build_from_hir(&relax(&hir)).unwrap();
        let mut rng = crate::testkit::Rng::new(7);
        let mut checked = 0;
        for _ in 0..3000 {
            let mut s = String::new();
            for _ in 0..rng.below(5) {
                s.push_str(
                    ["x", "\"", "# ", "here is the updated code", "\n", "  ", "here is the full codex"][rng.below(7)],
                );
            }
            for m in strict.find_iter(s.as_bytes()) {
                checked += 1;
                let inp = regex_automata::Input::new(s.as_bytes())
                    .span(m.start()..m.end())
                    .anchored(regex_automata::Anchored::Yes);
                assert!(loose.is_match(inp), "{s:?} {m:?}");
            }
        }
        assert!(checked > 100, "{checked}");
    }
}
