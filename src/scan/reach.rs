//! How far a rule's match can reach around one keyword byte, computed once from the regex's HIR
//! when the rule compiles. `confirm` searches around each keyword hit; the plain bound is the
//! regex's `max_len` on each side, but most of a rule's length sits on one side of its keyword,
//! and most rules cannot cross more than a line or two. For every byte value `b` this records the
//! most bytes, and the most newlines, that a match can hold before (and after) an occurrence of
//! `b`. A hit whose first byte is `b0` and last byte `b1` then bounds the window to
//! `before[b0]` bytes and `before_nl[b0]` line breaks back, `after[b1]` bytes and
//! `after_nl[b1]` line breaks forward; a byte that can occur in no match rules the hit out.
//!
//! On the built-in rules the line-oriented families (prompt residue, logging) shrink from ~900
//! bytes searched per hit to a line or two. The bounds are upper bounds by construction (sums and
//! maxima over the regex's structure), so a narrower window never loses a match that contains
//! the hit.
use regex_syntax::hir::{Class, Hir, HirKind};

/// Marks a byte that can occur in no match.
const NEVER: u32 = u32::MAX;

/// Per byte value: (bytes, newlines) that can precede / follow it inside one match.
#[derive(Debug, Clone)]
pub struct Reach {
    before: Box<[(u32, u32); 256]>,
    after: Box<[(u32, u32); 256]>,
}

/// A window [start, end) of the haystack that holds every match containing a hit.
pub type Window = (usize, usize);

impl Reach {
    /// Analyses a pattern in the rule dialect. None when some part is unbounded (the rule's
    /// compile step rejects those anyway) or too large to count in 32 bits.
    pub fn of(pattern: &str) -> Option<Reach> {
        Reach::from_hir(&crate::rules::rule::parse_hir(pattern).ok()?)
    }

    /// Analyses an already parsed pattern (the rule's compile step parses once for both this and
    /// its length bounds).
    pub fn from_hir(hir: &Hir) -> Option<Reach> {
        let n = node(hir)?;
        Some(Reach { before: n.before, after: n.after })
    }

    /// The window around the hit `[start, end)` of `hay`, or None if no match can contain it.
    #[inline]
    pub fn window(&self, hay: &[u8], start: usize, end: usize) -> Option<Window> {
        let (bb, bnl) = self.before[hay[start] as usize];
        let (ab, anl) = self.after[hay[end - 1] as usize];
        if bb == NEVER || ab == NEVER {
            return None;
        }
        let lo = start.saturating_sub(bb as usize);
        let hi = (end + ab as usize).min(hay.len());
        // A match holds at most `bnl` newlines before the hit: it starts after the (bnl+1)-th
        // newline back from the hit, if that lies inside the byte bound.
        let ws = match memchr::memrchr_iter(b'\n', &hay[lo..start]).nth(bnl as usize) {
            Some(nl) => lo + nl + 1,
            None => lo,
        };
        let we = match memchr::memchr_iter(b'\n', &hay[end..hi]).nth(anl as usize) {
            Some(nl) => end + nl,
            None => hi,
        };
        Some((ws, we))
    }
}

/// The analysis of one HIR node.
struct Node {
    /// Longest match, and most newlines in a match.
    len: u32,
    nl: u32,
    before: Box<[(u32, u32); 256]>,
    after: Box<[(u32, u32); 256]>,
}

fn never() -> Box<[(u32, u32); 256]> {
    Box::new([(NEVER, NEVER); 256])
}

fn max_pair(a: (u32, u32), b: (u32, u32)) -> (u32, u32) {
    if a.0 == NEVER {
        b
    } else if b.0 == NEVER {
        a
    } else {
        (a.0.max(b.0), a.1.max(b.1))
    }
}

fn add(a: (u32, u32), len: u32, nl: u32) -> Option<(u32, u32)> {
    if a.0 == NEVER {
        return Some(a);
    }
    Some((a.0.checked_add(len)?, a.1.checked_add(nl)?))
}

fn empty() -> Node {
    Node { len: 0, nl: 0, before: never(), after: never() }
}

fn node(h: &Hir) -> Option<Node> {
    match h.kind() {
        HirKind::Empty | HirKind::Look(_) => Some(empty()),
        HirKind::Literal(lit) => {
            let bytes = &lit.0;
            let mut n = empty();
            n.len = u32::try_from(bytes.len()).ok()?;
            n.nl = bytes.iter().filter(|&&b| b == b'\n').count() as u32;
            let mut nl_before = 0;
            for (i, &b) in bytes.iter().enumerate() {
                let after = (bytes.len() - 1 - i) as u32;
                let nl_after = n.nl - nl_before - (b == b'\n') as u32;
                n.before[b as usize] = max_pair(n.before[b as usize], (i as u32, nl_before));
                n.after[b as usize] = max_pair(n.after[b as usize], (after, nl_after));
                nl_before += (b == b'\n') as u32;
            }
            Some(n)
        }
        HirKind::Class(class) => {
            let mut n = empty();
            n.len = 1;
            let mut mark = |lo: u32, hi: u32| {
                for b in lo..=hi.min(255) {
                    n.before[b as usize] = (0, 0);
                    n.after[b as usize] = (0, 0);
                }
            };
            match class {
                Class::Bytes(c) => c.iter().for_each(|r| mark(r.start() as u32, r.end() as u32)),
                Class::Unicode(c) => c.iter().for_each(|r| {
                    // A code point above U+007F is encoded with bytes 0x80-0xFF only.
                    let (lo, hi) = (r.start() as u32, r.end() as u32);
                    if lo < 0x80 {
                        mark(lo, hi.min(0x7F));
                    }
                    if hi >= 0x80 {
                        mark(0x80, 0xFF);
                    }
                }),
            }
            n.nl = (n.before[b'\n' as usize].0 != NEVER) as u32;
            Some(n)
        }
        HirKind::Capture(c) => node(&c.sub),
        HirKind::Repetition(r) => {
            let max = r.max?;
            let sub = node(&r.sub)?;
            if max == 0 {
                return Some(empty());
            }
            let (len, nl) = (sub.len.checked_mul(max)?, sub.nl.checked_mul(max)?);
            let (rest_len, rest_nl) = (sub.len.checked_mul(max - 1)?, sub.nl.checked_mul(max - 1)?);
            let mut n = Node { len, nl, before: never(), after: never() };
            for b in 0..256 {
                n.before[b] = add(sub.before[b], rest_len, rest_nl)?;
                n.after[b] = add(sub.after[b], rest_len, rest_nl)?;
            }
            Some(n)
        }
        HirKind::Concat(parts) => {
            let parts: Vec<Node> = parts.iter().map(node).collect::<Option<_>>()?;
            let mut n = empty();
            // Running sums of the parts before (and after) each part.
            let (mut len, mut nl) = (0u32, 0u32);
            for p in &parts {
                for b in 0..256 {
                    n.before[b] = max_pair(n.before[b], add(p.before[b], len, nl)?);
                }
                len = len.checked_add(p.len)?;
                nl = nl.checked_add(p.nl)?;
            }
            n.len = len;
            n.nl = nl;
            let (mut len, mut nl) = (0u32, 0u32);
            for p in parts.iter().rev() {
                for b in 0..256 {
                    n.after[b] = max_pair(n.after[b], add(p.after[b], len, nl)?);
                }
                len += p.len;
                nl += p.nl;
            }
            Some(n)
        }
        HirKind::Alternation(branches) => {
            let mut n = empty();
            for br in branches {
                let p = node(br)?;
                n.len = n.len.max(p.len);
                n.nl = n.nl.max(p.nl);
                for b in 0..256 {
                    n.before[b] = max_pair(n.before[b], p.before[b]);
                    n.after[b] = max_pair(n.after[b], p.after[b]);
                }
            }
            Some(n)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn win(pat: &str, hay: &str, kw: &str) -> Option<(usize, usize)> {
        let r = Reach::of(pat).unwrap();
        let s = hay.find(kw).unwrap();
        r.window(hay.as_bytes(), s, s + kw.len())
    }

    #[test]
    fn one_line_rules_stay_on_their_line() {
        let hay = "first line\nx = log.info(token) # tail\nthird line\n";
        let (ws, we) = win(r"log\.info\([^\n]{0,100}\)", hay, "log.info").unwrap();
        assert_eq!(&hay[ws..we], "x = log.info(token) # tail");
    }

    #[test]
    fn byte_bounds_per_side() {
        // `G` occurs only where the match starts; `_` is followed by at most 8 bytes.
        let hay = "aaaaaaaaaa GHP_12345678zzzzzzzz";
        let (ws, we) = win(r"GHP_[0-9a-z]{8}", hay, "GHP_").unwrap();
        assert_eq!(ws, hay.find("GHP_").unwrap());
        assert_eq!(we, ws + 12);
        // `g` also fits the class, up to 11 bytes into a match: the window opens that far back.
        let hay = "aaaaaaaaaaaa ghp_12345678zzzzzzzz";
        let (ws, _) = win(r"ghp_[0-9a-z]{8}", hay, "ghp_").unwrap();
        assert_eq!(ws, hay.find("ghp_").unwrap() - 11);
    }

    #[test]
    fn newlines_that_a_match_may_cross_are_counted() {
        let hay = "a\nb\nKEY:\n\n  value\nz\n";
        // \s{0,2} may hold two newlines: the window ends at the third one after the keyword.
        let (ws, we) = win(r"KEY:\s{0,2}[a-z ]{1,8}", hay, "KEY:").unwrap();
        assert_eq!(&hay[ws..we], "KEY:\n\n  value");
    }

    #[test]
    fn impossible_bytes_rule_a_hit_out() {
        // Case-sensitive regex, keyword found in lower case: no match can contain it.
        assert_eq!(win(r"AKIA[0-9A-Z]{16}", "id = akia0000", "akia"), None);
        assert!(win(r"(?i)AKIA[0-9A-Z]{16}", "id = akia0000", "akia").is_some());
    }

    #[test]
    fn unbounded_patterns_have_no_reach() {
        assert!(Reach::of(r"a[0-9]+").is_none());
    }
}
