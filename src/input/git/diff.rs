//! Which lines of a new blob were added relative to an old one: a histogram line diff
//! (imara-diff), computed only for blobs that have findings, so the diff never sits on the path
//! of clean files. A finding is "added" when any line it spans is added.
use imara_diff::{sources::byte_lines, Algorithm, Diff, InternedInput};

use crate::finding::Finding;
use crate::input::read::text_of;

/// Added lines of `new` (1-based line numbers) relative to `old`, as a bitmap indexed by line.
/// Both sides are decoded the way the scanner decodes them (UTF-16, BOM), so line numbers agree
/// with the findings'. An `old` that is binary counts as empty: every line is added.
pub struct AddedLines {
    added: Vec<bool>,
}

impl AddedLines {
    pub fn compute(old: &[u8], new: &[u8]) -> AddedLines {
        let (mut d_old, mut d_new) = (Vec::new(), Vec::new());
        let old = text_of(old, &mut d_old).unwrap_or_default();
        let new = text_of(new, &mut d_new).unwrap_or_default();
        let input = InternedInput::new(byte_lines(old), byte_lines(new));
        let diff = Diff::compute(Algorithm::Histogram, &input);
        let n = input.after.len();
        let mut added = vec![false; n + 2];
        for (i, a) in added.iter_mut().enumerate().skip(1).take(n) {
            *a = diff.is_added((i - 1) as u32);
        }
        AddedLines { added }
    }

    /// Every line added (the file is new).
    pub fn all() -> AddedLines {
        AddedLines { added: Vec::new() }
    }

    pub fn is_added(&self, line: usize) -> bool {
        self.added.is_empty() || self.added.get(line).copied().unwrap_or(false)
    }

    /// True when the finding touches at least one added line.
    pub fn touches(&self, f: &Finding) -> bool {
        (f.line..=f.end_line.max(f.line)).any(|l| self.is_added(l))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_changed_lines_are_added() {
        let old = b"a\nb\nc\n";
        let new = b"a\nB\nc\nd\n";
        let d = AddedLines::compute(old, new);
        assert!(!d.is_added(1));
        assert!(d.is_added(2));
        assert!(!d.is_added(3));
        assert!(d.is_added(4));
    }

    #[test]
    fn new_file_is_all_added() {
        assert!(AddedLines::all().is_added(7));
        let d = AddedLines::compute(b"", b"x\ny");
        assert!(d.is_added(1) && d.is_added(2));
    }
}
