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
        let mut acc = Acc { before: Box::new([(NEVER, NEVER); 256]), after: Box::new([(NEVER, NEVER); 256]) };
        visit(hir, (0, 0), (0, 0), &mut acc)?;
        Some(Reach { before: acc.before, after: acc.after })
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

/// Longest match of `h` in bytes and most line breaks in one, or None when unbounded or too
/// large to count in 32 bits.
fn size(h: &Hir) -> Option<(u32, u32)> {
    match h.kind() {
        HirKind::Empty | HirKind::Look(_) => Some((0, 0)),
        HirKind::Literal(lit) => {
            Some((u32::try_from(lit.0.len()).ok()?, lit.0.iter().filter(|&&b| b == b'\n').count() as u32))
        }
        HirKind::Class(_) => Some((1, class_has(h, b'\n') as u32)),
        HirKind::Capture(c) => size(&c.sub),
        HirKind::Repetition(r) => {
            let (len, nl) = size(&r.sub)?;
            let max = r.max?;
            Some((len.checked_mul(max)?, nl.checked_mul(max)?))
        }
        HirKind::Concat(parts) => parts.iter().try_fold((0u32, 0u32), |(l, n), p| {
            let (pl, pn) = size(p)?;
            Some((l.checked_add(pl)?, n.checked_add(pn)?))
        }),
        HirKind::Alternation(alts) => {
            alts.iter().try_fold((0u32, 0u32), |(l, n), p| size(p).map(|(pl, pn)| (l.max(pl), n.max(pn))))
        }
    }
}

fn class_has(h: &Hir, b: u8) -> bool {
    match h.kind() {
        HirKind::Class(Class::Bytes(c)) => c.iter().any(|r| r.start() <= b && b <= r.end()),
        HirKind::Class(Class::Unicode(c)) => {
            c.iter().any(|r| r.start() as u32 <= b as u32 && b as u32 <= r.end() as u32)
        }
        _ => false,
    }
}

/// Running maxima over every occurrence of every byte value in the pattern.
struct Acc {
    before: Box<[(u32, u32); 256]>,
    after: Box<[(u32, u32); 256]>,
}

impl Acc {
    fn mark(&mut self, b: usize, before: (u32, u32), after: (u32, u32)) {
        self.before[b] = max_pair(self.before[b], before);
        self.after[b] = max_pair(self.after[b], after);
    }
}

/// Records every byte `h` can match: `before` is what the rest of the match can hold before
/// `h` starts (bytes, line breaks), `after` what it can hold after `h` ends. One pass over the
/// pattern with two tables, rather than two tables per node (a Concat of 1,000 case-folded
/// letters built 2,000 tables of 256 entries: 14% of a 167 MB scan's instructions went there).
fn visit(h: &Hir, before: (u32, u32), after: (u32, u32), acc: &mut Acc) -> Option<()> {
    match h.kind() {
        HirKind::Empty | HirKind::Look(_) => {}
        HirKind::Literal(lit) => {
            let bytes = &lit.0;
            let (len, nl) = size(h)?;
            let mut nl_before = 0;
            for (i, &b) in bytes.iter().enumerate() {
                let is_nl = (b == b'\n') as u32;
                let own_before = (i as u32, nl_before);
                let own_after = (len - 1 - i as u32, nl - nl_before - is_nl);
                acc.mark(b as usize, add(own_before, before)?, add(own_after, after)?);
                nl_before += is_nl;
            }
        }
        HirKind::Class(class) => {
            let mut mark = |lo: u32, hi: u32| {
                for b in lo..=hi.min(255) {
                    acc.mark(b as usize, before, after);
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
        }
        HirKind::Capture(c) => visit(&c.sub, before, after, acc)?,
        HirKind::Repetition(r) => {
            let max = r.max?;
            if max > 0 {
                // The other `max - 1` copies can sit on either side of the one holding the byte.
                let (len, nl) = size(&r.sub)?;
                let rest = (len.checked_mul(max - 1)?, nl.checked_mul(max - 1)?);
                visit(&r.sub, add(before, rest)?, add(after, rest)?, acc)?;
            }
        }
        HirKind::Concat(parts) => {
            let sizes: Vec<(u32, u32)> = parts.iter().map(size).collect::<Option<_>>()?;
            let total = sizes.iter().try_fold((0u32, 0u32), |a, &s| add(a, s))?;
            let mut prefix = (0u32, 0u32);
            for (p, &s) in parts.iter().zip(&sizes) {
                // What follows this part inside the concat: total - prefix - own size.
                let suffix = (total.0 - prefix.0 - s.0, total.1 - prefix.1 - s.1);
                visit(p, add(before, prefix)?, add(after, suffix)?, acc)?;
                prefix = add(prefix, s)?;
            }
        }
        HirKind::Alternation(alts) => {
            for a in alts {
                visit(a, before, after, acc)?;
            }
        }
    }
    Some(())
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

fn add(a: (u32, u32), b: (u32, u32)) -> Option<(u32, u32)> {
    Some((a.0.checked_add(b.0)?, a.1.checked_add(b.1)?))
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
