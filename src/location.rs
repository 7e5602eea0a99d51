//! Byte offsets to lines and columns, and snippets. Computed only for matches (a blob without
//! findings never has its lines counted). Columns are 1-based Unicode code points (SARIF
//! `columnKind: unicodeCodePoints`); invalid UTF-8 bytes count one column each. Ends are
//! exclusive: `end_column` is the column just after the last character.
use crate::finding::redact;

/// Walks a blob forward, answering (line, column) for ascending offsets in amortized O(distance).
pub struct LineCursor<'a> {
    hay: &'a [u8],
    pos: usize,
    line: usize,
    line_start: usize,
    /// Column of `pos`.
    col: usize,
}

impl<'a> LineCursor<'a> {
    pub fn new(hay: &'a [u8]) -> Self {
        LineCursor { hay, pos: 0, line: 1, line_start: 0, col: 1 }
    }

    /// (line, column) of `offset`. Offsets before the previous one restart from the beginning.
    /// The column is carried forward from the previous offset on the same line: counting it from
    /// the line's start each time made a 1 MiB one-line file with 149 findings spend 79% of its
    /// scan here (quadratic in the line's length).
    pub fn locate(&mut self, offset: usize) -> (usize, usize) {
        let offset = offset.min(self.hay.len());
        if offset < self.pos {
            *self = LineCursor::new(self.hay);
        }
        let mut from = self.pos;
        for nl in memchr::memchr_iter(b'\n', &self.hay[self.pos..offset]) {
            self.line += 1;
            self.line_start = self.pos + nl + 1;
        }
        if self.line_start > from {
            from = self.line_start;
            self.col = 1;
        }
        self.col += column_of(&self.hay[from..offset]) - 1;
        self.pos = offset;
        (self.line, self.col)
    }
}

fn column_of(prefix: &[u8]) -> usize {
    // UTF-8 continuation bytes (0b10xxxxxx) do not start a character.
    prefix.iter().filter(|&&b| (b as i8) >= -0x40).count() + 1
}

/// Start of the line holding `offset`.
pub fn line_start(hay: &[u8], offset: usize) -> usize {
    memchr::memrchr(b'\n', &hay[..offset.min(hay.len())]).map(|p| p + 1).unwrap_or(0)
}

/// End of the line holding `offset` (before `\r\n` or `\n`).
pub fn line_end(hay: &[u8], offset: usize) -> usize {
    let offset = offset.min(hay.len());
    let mut e = memchr::memchr(b'\n', &hay[offset..]).map(|p| offset + p).unwrap_or(hay.len());
    if e > 0 && e > offset && hay[e - 1] == b'\r' {
        e -= 1;
    }
    e
}

/// Longest snippet we print, in bytes; longer lines (minified code) are cut around the match.
const SNIPPET_MAX: usize = 240;
/// How far from a match a snippet looks for its line's start and end.
const LINE_SEARCH: usize = 4096;

/// The secrets of one blob, prepared once so that every snippet redacts them in time linear in
/// the snippet: the spans sorted by start, and one automaton over their distinct values (any copy
/// of a value on a snippet's line is redacted too). Checking every secret for every finding was
/// quadratic: 3,500 secrets in a 1 MiB file took 0.25 s, and a 100 MB file of generated tokens
/// would never have finished.
pub struct Redactions {
    spans: Vec<(usize, usize)>,
    /// Longest span, to find the spans that can reach into a window from its left.
    longest: usize,
    values: Option<aho_corasick::AhoCorasick>,
    lens: Vec<usize>,
}

impl Redactions {
    pub fn new(hay: &[u8], spans: &[(usize, usize)]) -> Redactions {
        let mut spans = spans.to_vec();
        spans.sort_unstable();
        spans.dedup();
        let longest = spans.iter().map(|&(s, e)| e - s).max().unwrap_or(0);
        // Values shorter than 4 bytes are not searched for elsewhere: "abc" would mask half the line.
        let mut distinct: Vec<&[u8]> =
            spans.iter().map(|&(s, e)| &hay[s..e]).filter(|v| v.len() >= 4 && v.len() <= SNIPPET_MAX).collect();
        distinct.sort_unstable();
        distinct.dedup();
        let lens = distinct.iter().map(|v| v.len()).collect();
        let values = (!distinct.is_empty())
            .then(|| {
                aho_corasick::AhoCorasick::builder().match_kind(aho_corasick::MatchKind::Standard).build(&distinct)
            })
            .and_then(Result::ok);
        Redactions { spans, longest, values, lens }
    }

    /// Nothing to redact (`--show-secrets`).
    pub fn none() -> Redactions {
        Redactions { spans: Vec::new(), longest: 0, values: None, lens: Vec::new() }
    }

    /// Spans to redact inside `from..to`: the secrets that overlap it and every copy of a secret
    /// value inside it.
    fn within(&self, hay: &[u8], from: usize, to: usize) -> Vec<(usize, usize)> {
        let first = self.spans.partition_point(|&(s, _)| s + self.longest <= from);
        let mut out: Vec<(usize, usize)> =
            self.spans[first..].iter().take_while(|&&(s, _)| s < to).copied().filter(|&(_, e)| e > from).collect();
        if let Some(ac) = &self.values {
            for m in ac.find_overlapping_iter(&hay[from.min(to)..to]) {
                let len = self.lens[m.pattern().as_usize()];
                out.push((from + m.start(), from + m.start() + len));
            }
        }
        out
    }
}

/// The line holding `start`, trimmed, cut to at most `SNIPPET_MAX` bytes around the match, with
/// every secret in `secrets` (and every copy of its value on the line) replaced by its redacted
/// form.
pub fn snippet(hay: &[u8], start: usize, end: usize, secrets: &Redactions) -> String {
    // Line ends are looked for at most LINE_SEARCH bytes away: a snippet never shows more than
    // SNIPPET_MAX bytes, and searching a whole minified line for every finding on it was
    // quadratic. A line end further away is as good as infinitely far (the snippet is cut).
    let floor = start.saturating_sub(LINE_SEARCH);
    let ls = floor + line_start(&hay[floor..], start - floor);
    let le_limit = (start + LINE_SEARCH).min(hay.len());
    let le = line_end(&hay[..le_limit], start);
    let (mut from, mut to) = (ls, le);
    if to - from > SNIPPET_MAX {
        let end_in_line = end.min(le);
        from = start.saturating_sub(60).max(ls);
        to = (end_in_line + 60).min(le).min(from + SNIPPET_MAX).max(end_in_line.min(le));
    }
    // Every copy of a secret value in the window is redacted, not only the matched one
    // (`a="S" b="S"` with one match must not show the second S).
    let mut spans = secrets.within(hay, from, to);
    // A secret group with an upper bound (`{8,128}`) can stop inside a longer token: mask the
    // rest of that token too, or its tail would print in clear (a 172-character LINE token under
    // the generic rule showed its last 44 characters).
    let token = |b: u8| b.is_ascii_alphanumeric() || b"+/=_-".contains(&b);
    for span in spans.iter_mut() {
        while span.1 > span.0 && span.1 < to && token(hay[span.1 - 1]) && token(hay[span.1]) {
            span.1 += 1;
        }
    }
    spans.sort();
    let mut out = String::new();
    if from > ls {
        out.push('…');
    }
    let mut pos = from;
    for (s, e) in merge(spans) {
        if s > pos {
            out.push_str(&String::from_utf8_lossy(&hay[pos..s.min(to)]));
        }
        let secret = String::from_utf8_lossy(&hay[s..e]);
        out.push_str(&redact(&secret));
        pos = e.max(pos);
        if pos >= to {
            break;
        }
    }
    if pos < to {
        out.push_str(&String::from_utf8_lossy(&hay[pos..to]));
    }
    let trimmed = out.trim();
    let mut out = trimmed.to_string();
    if to < le {
        out.push('…');
    }
    out.chars().map(|c| if c.is_control() && c != '\t' { '�' } else { c }).collect()
}

fn merge(spans: Vec<(usize, usize)>) -> Vec<(usize, usize)> {
    let mut out: Vec<(usize, usize)> = Vec::new();
    for (s, e) in spans {
        match out.last_mut() {
            Some(last) if s <= last.1 => last.1 = last.1.max(e),
            _ => out.push((s, e)),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursor_lines_and_columns() {
        let hay = "ab\r\ncé d\nxyz".as_bytes();
        let mut c = LineCursor::new(hay);
        assert_eq!(c.locate(0), (1, 1));
        assert_eq!(c.locate(1), (1, 2));
        let d = hay.iter().position(|&b| b == b'd').unwrap();
        assert_eq!(c.locate(d), (2, 4));
        assert_eq!(c.locate(hay.len()), (3, 4));
        assert_eq!(c.locate(0), (1, 1));
    }

    #[test]
    fn snippet_redacts_every_copy_of_a_secret() {
        let hay = b"password: \"Zq8Wm3Xr7P\" again Zq8Wm3Xr7P";
        let snip = snippet(hay, 11, 21, &Redactions::new(hay, &[(11, 21)]));
        assert!(!snip.contains("Zq8Wm3Xr7P"), "{snip}");
    }

    #[test]
    fn snippet_masks_the_rest_of_a_cut_token() {
        let hay = b"API_TOKEN=AbCdEfGh12345678IjKlMnOp+/Qr= # note";
        let s = 10;
        // The rule's secret stopped after 8 characters; the token runs on to `=`.
        assert_eq!(snippet(hay, s, s + 8, &Redactions::new(hay, &[(s, s + 8)])), "API_TOKEN=AbCd**** # note");
    }

    #[test]
    fn snippet_redacts_every_span() {
        let hay = b"a = \"SECRETVALUE1\" b = \"OTHERSECRET2\"\r\nnext";
        let s1 = (5, 17);
        let s2 = (24, 36);
        let snip = snippet(hay, 0, 18, &Redactions::new(hay, &[s1, s2]));
        assert!(!snip.contains("SECRETVALUE1") && !snip.contains("OTHERSECRET2"), "{snip}");
        assert!(!snip.contains('\r'));
    }
}
