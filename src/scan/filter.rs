//! Stage three: decides whether a confirmed regex match is reported. In order: comment context
//! (`in_comment`), entropy of the secret, placeholder values, the rule's `allow` and `allow_line`
//! patterns; then the checksum adjusts confidence. Finally `dedup` keeps one match per value and
//! category, preferring the most specific rule.
use super::checksum;
use super::confirm::RawMatch;
use super::entropy::shannon;
use super::placeholder::placeholder_reason;
use crate::finding::{DropReason, Match};
use crate::input::path::Language;
use crate::location::{line_end, line_start};
use crate::rules::rule::Compiled;
use crate::rules::{Category, CommentMode, Rule, RuleSet};

/// How much of a long line the line-scoped filters read around a match.
const LONG_LINE: usize = 4096;

/// Whether `offset` lies in a comment, judged from its own line: the line starts with a comment
/// marker of the language, or a line-comment marker outside quotes precedes the offset.
pub fn in_comment(hay: &[u8], offset: usize, lang: Option<Language>) -> bool {
    let markers: &[&str] = match lang {
        Some(l) => l.line_comment_markers(),
        None => &["#", "//"],
    };
    let offset = offset.min(hay.len());
    let ls = line_start(hay, offset);
    let full = &hay[ls..line_end(hay, offset)];
    let trimmed_at = full.iter().position(|&b| b != b' ' && b != b'\t').unwrap_or(full.len());
    // A match that starts on the marker itself (`# TODO ...`) is in the comment too.
    if ls + trimmed_at <= offset && markers.iter().any(|m| full[trimmed_at..].starts_with(m.as_bytes())) {
        return true;
    }
    // On a very long line (minified code) only the last LONG_LINE bytes before the match are read
    // for an inline marker, starting outside quotes: reading from the line's start for every
    // match was quadratic (a 1 MiB one-line file with 149 matches of one rule took 0.77 s).
    let from = (offset - ls).saturating_sub(LONG_LINE);
    let full = &full[from..];
    let ls = ls + from;
    let line = &full[..(offset - ls + 4).min(full.len())];
    let limit = offset - ls;
    // An inline comment: a marker outside single/double quotes before the offset. Block-comment
    // continuations (`*`) only count at the line start, so skip them here.
    let (mut sq, mut dq) = (false, false);
    let mut i = 0;
    while i <= limit && i < line.len() {
        let b = line[i];
        match b {
            b'\\' => {
                i += 2;
                continue;
            }
            b'\'' if !dq => sq = !sq,
            b'"' if !sq => dq = !dq,
            _ if !sq && !dq => {
                for m in markers {
                    if *m == "*" || *m == "<!--" && i > 0 {
                        continue;
                    }
                    let mb = m.as_bytes();
                    // `#` inside a word (`a#b`, `C#`) or `//` after `:` (URLs) is not a comment.
                    if line[i..].starts_with(mb) {
                        let prev = if i > 0 { line[i - 1] } else { b' ' };
                        let ok = match *m {
                            "#" => prev == b' ' || prev == b'\t' || prev == b';',
                            "//" => prev != b':',
                            _ => true,
                        };
                        if ok {
                            return true;
                        }
                    }
                }
            }
            _ => {}
        }
        i += 1;
    }
    false
}

/// Applies the rule's filters to a raw match: Ok(Match) to report, Err((reason, detail)) to drop.
pub fn filter(
    hay: &[u8],
    rule_index: usize,
    rule: &Rule,
    c: &Compiled,
    lang: Option<Language>,
    raw: RawMatch,
) -> Result<Match, (DropReason, String, Match)> {
    let mut m = Match {
        rule: rule_index,
        start: raw.start,
        end: raw.end,
        secret: raw.secret,
        confidence: rule.confidence,
        checksum: None,
        also: Vec::new(),
    };
    match rule.scope.in_comment {
        CommentMode::Any => {}
        CommentMode::Only if !in_comment(hay, raw.start, lang) => {
            return Err((DropReason::NotInComment, String::new(), m));
        }
        CommentMode::Never if in_comment(hay, raw.start, lang) => {
            return Err((DropReason::InComment, String::new(), m));
        }
        _ => {}
    }
    let (vs, ve) = m.value_span();
    let value = &hay[vs..ve];
    if let Some(min) = rule.min_entropy {
        let h = shannon(value);
        if h < min {
            return Err((DropReason::Entropy, format!("{h:.2} < {min:.2} bits/byte"), m));
        }
    }
    if rule.placeholder && m.secret.is_some() {
        if let Some(why) = placeholder_reason(value) {
            return Err((DropReason::Placeholder, why.to_string(), m));
        }
    }
    for shape in &rule.reject {
        let key = raw.key.map(|(s, e)| &hay[s..e]).unwrap_or(b"");
        if shape.matches(value, key) {
            return Err((DropReason::Shape, shape.name().to_string(), m));
        }
    }
    for (i, a) in c.allow.iter().enumerate() {
        if a.is_match(value) {
            return Err((DropReason::Allow, rule.allow_src[i].clone(), m));
        }
    }
    if !c.allow_line.is_empty() {
        // The match's line(s), at most LONG_LINE bytes either side of the match (see in_comment).
        let ls = line_start(hay, raw.start).max(raw.start.saturating_sub(LONG_LINE));
        let le = line_end(hay, raw.end.saturating_sub(1).max(raw.start)).min(raw.end + LONG_LINE);
        let line = &hay[ls..le.max(ls)];
        for (i, a) in c.allow_line.iter().enumerate() {
            if a.is_match(line) {
                return Err((DropReason::AllowLine, rule.allow_line_src[i].clone(), m));
            }
        }
    }
    if let Some(kind) = rule.checksum {
        let ok = checksum::verify(kind, value);
        m.checksum = Some(ok);
        m.confidence = if ok { m.confidence.raised() } else { m.confidence.lowered() };
    }
    Ok(m)
}

/// Keeps one match per value: within a category, matches whose value spans overlap are merged
/// into the most specific one (non-generic rule, then higher confidence, then the longer value,
/// then the lower rule index); the others' rule indices go to `also`. Input order is irrelevant;
/// output is sorted by (start, end, rule).
pub fn dedup(rules: &RuleSet, mut ms: Vec<Match>) -> Vec<Match> {
    if ms.len() < 2 {
        return ms;
    }
    let rs = rules.rules();
    ms.sort_by_key(|m| (m.value_span(), m.rule));
    let mut out: Vec<Match> = Vec::with_capacity(ms.len());
    let mut taken = vec![false; ms.len()];
    for i in 0..ms.len() {
        if taken[i] {
            continue;
        }
        taken[i] = true;
        let mut best = ms[i].clone();
        let mut group_end = best.value_span().1;
        let cat = rs[best.rule].category;
        let mut also = Vec::new();
        for j in i + 1..ms.len() {
            let (s, e) = ms[j].value_span();
            if s >= group_end {
                break;
            }
            if taken[j] || rs[ms[j].rule].category != cat {
                continue;
            }
            // Secrets merge on any overlap (one credential, several rules); other categories only
            // on the same span, so a multi-line match never hides a different finding inside it.
            if cat != Category::Secret && ms[j].rule != best.rule && ms[j].value_span() != best.value_span() {
                continue;
            }
            taken[j] = true;
            group_end = group_end.max(e);
            let cand = &ms[j];
            if better(rs, cand, &best) {
                also.push(best.rule);
                best = cand.clone();
            } else {
                also.push(cand.rule);
            }
        }
        also.sort();
        also.dedup();
        also.retain(|&r| r != best.rule);
        best.also = also;
        out.push(best);
    }
    out.sort_by_key(|m| (m.start, m.end, m.rule));
    out
}

fn better(rs: &[Rule], a: &Match, b: &Match) -> bool {
    let key = |m: &Match| {
        let (s, e) = m.value_span();
        (!rs[m.rule].generic, m.confidence, e - s, std::cmp::Reverse(m.rule))
    };
    key(a) > key(b)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn comments() {
        let py = Some(Language::Python);
        let js = Some(Language::JavaScript);
        let t = |s: &str, l| in_comment(s.as_bytes(), s.find('X').unwrap(), l);
        assert!(t("  # X", py));
        assert!(t("x = 1  # X", py));
        assert!(!t("x = '# X'", py));
        assert!(!t("x = X", py));
        assert!(t("// X", js));
        assert!(t(" * X", js));
        assert!(t("a(); // X", js));
        assert!(!t("u = 'https://X'", js));
        assert!(!t("u = https://X", js));
        let on_marker = |s: &str, l| in_comment(s.as_bytes(), s.find('#').unwrap(), l);
        assert!(on_marker("x = 1  # TODO", py));
        assert!(on_marker("# TODO", py));
    }
}
