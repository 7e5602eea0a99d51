//! Suppression: what a team told us not to report, applied to one blob's final matches (after
//! filtering and dedup, before location). Two sources:
//!
//! - Inline markers, read from the bytes of the match's own lines: `residue:allow` on the line (or
//!   `residue:allow-next-line` on the line before), optionally restricted to rule ids or names and
//!   with a reason after `--` (`# residue:allow SEC0001 -- test fixture`); `gitleaks:allow` and
//!   `pragma: allowlist secret` (`pragma: allowlist nextline secret` on the line before) so teams
//!   migrating from gitleaks or detect-secrets keep their annotations. The check is one `memmem`
//!   for `allow` on at most 4 KiB either side of the match on its lines, never a pass over the blob.
//! - The config's `[[allow]]` entries (`AllowEntry`): rule restriction, then path globs, path
//!   regexes, secret / match / line regexes and stopwords, combined with `or` (default) or `and`.
//!
//! A suppressed match is not lost: it becomes a `Dropped` (reason `suppressed` or `config-allow`)
//! that the scan always keeps, so it is counted in `stats.suppressed` and listed by
//! `--show-suppressed` and `--explain`.
use globset::GlobSet;
use memchr::memmem;
use regex_automata::meta::Regex;

use crate::finding::{DropReason, Dropped, Match};
use crate::input::path::FileInfo;
use crate::location::{line_end, line_start};
use crate::rules::{Rule, RuleSet};

/// How far from the match we look for a marker on its line. Real markers sit within a comment at
/// the end of an ordinary line; the bound keeps many matches on one minified megabyte line linear.
const MARKER_REACH: usize = 4096;

/// Everything that can suppress a match. `Suppress::default()` honours inline markers only.
#[derive(Debug)]
pub struct Suppress {
    /// Honour inline markers (on unless `--no-inline-allow`).
    pub inline: bool,
    pub allow: Vec<AllowEntry>,
}

impl Default for Suppress {
    fn default() -> Self {
        Suppress { inline: true, allow: Vec::new() }
    }
}

/// The suppression used by a `Scanner` that was given none: inline markers only.
pub static INLINE_ONLY: Suppress = Suppress { inline: true, allow: Vec::new() };

/// How the criteria of one allow entry combine.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Condition {
    /// Any one criterion given suffices (gitleaks' default).
    Or,
    /// Every criterion given must hold.
    And,
}

/// One compiled `[[allow]]` entry of the config.
#[derive(Debug)]
pub struct AllowEntry {
    /// Why (shown by `--explain`); defaults to the entry's position in the config.
    pub reason: String,
    /// Rule ids or names (case-insensitive ids); empty = every rule.
    pub rules: Vec<String>,
    pub paths: Option<GlobSet>,
    pub path_regexes: Vec<Regex>,
    /// Matched against the secret (or the matched text for rules without one).
    pub secrets: Vec<Regex>,
    /// Matched against the whole matched text.
    pub matches: Vec<Regex>,
    /// Matched against the line(s) holding the match.
    pub lines: Vec<Regex>,
    /// Lower-cased substrings of the secret.
    pub stopwords: Vec<String>,
    pub condition: Condition,
    /// Makes scanned paths relative to the config's directory, the frame its globs are written in.
    pub base: Option<crate::config::PathBase>,
}

impl AllowEntry {
    fn applies_to_rule(&self, rule: &Rule) -> bool {
        self.rules.is_empty() || self.rules.iter().any(|r| r.eq_ignore_ascii_case(&rule.id) || *r == rule.name)
    }

    /// Whether this entry allows `m`; the criterion that decided, for `--explain`.
    fn allows(&self, rule: &Rule, file: &FileInfo, hay: &[u8], m: &Match) -> Option<&'static str> {
        if !self.applies_to_rule(rule) {
            return None;
        }
        let (vs, ve) = m.value_span();
        let value = &hay[vs..ve];
        let mut results: Vec<(bool, &'static str)> = Vec::with_capacity(6);
        if self.paths.is_some() || !self.path_regexes.is_empty() {
            let rel = match &self.base {
                Some(b) => b.relative(std::path::Path::new(&file.path)),
                None => file.path.clone(),
            };
            if let Some(p) = &self.paths {
                results.push((p.is_match(&rel), "path"));
            }
            if !self.path_regexes.is_empty() {
                results.push((self.path_regexes.iter().any(|r| r.is_match(rel.as_bytes())), "path"));
            }
        }
        if !self.secrets.is_empty() {
            results.push((self.secrets.iter().any(|r| r.is_match(value)), "secret"));
        }
        if !self.matches.is_empty() {
            results.push((self.matches.iter().any(|r| r.is_match(&hay[m.start..m.end])), "match"));
        }
        if !self.lines.is_empty() {
            let line = &hay[line_start(hay, m.start)..line_end(hay, m.end.saturating_sub(1).max(m.start))];
            results.push((self.lines.iter().any(|r| r.is_match(line)), "line"));
        }
        if !self.stopwords.is_empty() {
            let lower = value.to_ascii_lowercase();
            results.push((self.stopwords.iter().any(|w| memmem::find(&lower, w.as_bytes()).is_some()), "stopword"));
        }
        if results.is_empty() {
            // Only a rule restriction: the entry turns those rules off for every file.
            return if self.rules.is_empty() { None } else { Some("rule") };
        }
        match self.condition {
            Condition::Or => results.iter().find(|r| r.0).map(|r| r.1),
            Condition::And => results.iter().all(|r| r.0).then_some("all criteria"),
        }
    }
}

impl Suppress {
    /// Moves every suppressed match of `matches` into `dropped`.
    pub fn apply(
        &self,
        rules: &RuleSet,
        file: &FileInfo,
        hay: &[u8],
        matches: &mut Vec<Match>,
        dropped: &mut Vec<Dropped>,
    ) {
        if !self.inline && self.allow.is_empty() {
            return;
        }
        let rs = rules.rules();
        matches.retain(|m| {
            let rule = &rs[m.rule];
            if self.inline {
                if let Some(detail) = inline_marker(hay, m.start, m.end, rule) {
                    dropped.push(Dropped { m: m.clone(), reason: DropReason::Suppressed, detail });
                    return false;
                }
            }
            for e in &self.allow {
                if let Some(why) = e.allows(rule, file, hay, m) {
                    let detail = format!("{} ({why})", e.reason);
                    dropped.push(Dropped { m: m.clone(), reason: DropReason::ConfigAllow, detail });
                    return false;
                }
            }
            true
        });
    }
}

/// A parsed marker: which rules it names (empty = all) and its reason.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Marker {
    /// The marker as written (`residue:allow`, `gitleaks:allow`, ...).
    pub kind: &'static str,
    pub next_line: bool,
    pub rules: Vec<String>,
    pub reason: String,
}

impl Marker {
    fn covers(&self, rule: &Rule) -> bool {
        self.rules.is_empty() || self.rules.iter().any(|r| r.eq_ignore_ascii_case(&rule.id) || *r == rule.name)
    }

    /// What `--explain` prints: the marker with its rules and reason, never the rest of the line
    /// (which may hold the secret).
    pub fn describe(&self) -> String {
        let mut s = self.kind.to_string();
        if !self.rules.is_empty() {
            s.push(' ');
            s.push_str(&self.rules.join(","));
        }
        if !self.reason.is_empty() {
            s.push_str(" -- ");
            s.push_str(&self.reason);
        }
        s
    }
}

/// Whether a marker on the match's lines (or a next-line marker on the line before) suppresses
/// `rule`; the marker's description if so.
pub fn inline_marker(hay: &[u8], start: usize, end: usize, rule: &Rule) -> Option<String> {
    let ls = line_start(hay, start);
    let le = line_end(hay, end.saturating_sub(1).max(start));
    let from = ls.max(start.saturating_sub(MARKER_REACH));
    let to = le.min(end.saturating_add(MARKER_REACH)).max(from);
    for mk in markers_in(&hay[from..to]) {
        if !mk.next_line && mk.covers(rule) {
            return Some(mk.describe());
        }
    }
    if ls > 0 {
        let prev_end = ls - 1;
        let prev_start = line_start(hay, prev_end);
        let from = prev_start.max(prev_end.saturating_sub(MARKER_REACH));
        for mk in markers_in(&hay[from..prev_end]) {
            if mk.next_line && mk.covers(rule) {
                return Some(mk.describe());
            }
        }
    }
    None
}

/// Every marker in `text` (one line or less).
pub fn markers_in(text: &[u8]) -> Vec<Marker> {
    let mut out = Vec::new();
    // Every marker contains "allow": one memmem finds the candidates, most lines have none.
    for pos in memmem::find_iter(text, b"allow") {
        if let Some(mk) = marker_at(text, pos) {
            out.push(mk);
        }
    }
    out
}

/// The marker whose `allow` is at `pos`, if there is one.
fn marker_at(text: &[u8], pos: usize) -> Option<Marker> {
    let before = &text[..pos];
    let after = &text[pos + b"allow".len()..];
    if before.ends_with(b"residue:") {
        let (next_line, rest) = match after.strip_prefix(b"-next-line") {
            Some(rest) => (true, rest),
            None => (false, after),
        };
        // `residue:allowed` is prose, not a marker.
        if rest.first().is_some_and(|b| b.is_ascii_alphanumeric() || *b == b'_' || *b == b'-') {
            return None;
        }
        let (rules, reason) = parse_args(rest);
        let kind = if next_line { "residue:allow-next-line" } else { "residue:allow" };
        return Some(Marker { kind, next_line, rules, reason });
    }
    if before.ends_with(b"gitleaks:") {
        return Some(Marker { kind: "gitleaks:allow", next_line: false, rules: Vec::new(), reason: String::new() });
    }
    if before.ends_with(b"pragma: ") {
        if after.starts_with(b"list secret") {
            let kind = "pragma: allowlist secret";
            return Some(Marker { kind, next_line: false, rules: Vec::new(), reason: String::new() });
        }
        if after.starts_with(b"list nextline secret") {
            let kind = "pragma: allowlist nextline secret";
            return Some(Marker { kind, next_line: true, rules: Vec::new(), reason: String::new() });
        }
    }
    None
}

/// Rule ids (`SEC0001`) or names (`github-classic-pat`) separated by spaces or commas, then an
/// optional `-- reason`. Parsing stops at the first word that is neither: reasons need `--`, so a
/// stray word never widens a marker to rules it did not name.
fn parse_args(rest: &[u8]) -> (Vec<String>, String) {
    let text = String::from_utf8_lossy(rest);
    // Comment closers are not part of the reason.
    let text = text.split("*/").next().unwrap_or("");
    let text = text.split("-->").next().unwrap_or("");
    let (ids, reason) = match text.find("--") {
        Some(i) => (&text[..i], text[i + 2..].trim()),
        None => (text, ""),
    };
    let mut rules = Vec::new();
    for tok in ids.split(|c: char| c.is_whitespace() || c == ',') {
        if tok.is_empty() {
            continue;
        }
        if is_rule_ref(tok) {
            rules.push(tok.to_string());
        } else {
            break;
        }
    }
    let reason: String = reason.chars().take(200).collect();
    (rules, reason)
}

fn is_rule_ref(tok: &str) -> bool {
    let b = tok.as_bytes();
    let id = b.len() >= 6 && b[..3].iter().all(|c| c.is_ascii_alphabetic()) && b[3..].iter().all(u8::is_ascii_digit);
    let name = tok.contains('-') && b.iter().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || *c == b'-');
    id || name
}

#[cfg(test)]
mod tests {
    use super::*;

    fn one(s: &str) -> Marker {
        let ms = markers_in(s.as_bytes());
        assert_eq!(ms.len(), 1, "{s}: {ms:?}");
        ms.into_iter().next().unwrap()
    }

    #[test]
    fn marker_forms() {
        let m = one("x = 1  # residue:allow");
        assert!(!m.next_line && m.rules.is_empty() && m.reason.is_empty());
        let m = one("x = 1  # residue:allow SEC0001, SEC0002 -- test fixture");
        assert_eq!(m.rules, ["SEC0001", "SEC0002"]);
        assert_eq!(m.reason, "test fixture");
        let m = one("// residue:allow-next-line github-classic-pat -- rotated */");
        assert!(m.next_line);
        assert_eq!(m.rules, ["github-classic-pat"]);
        assert_eq!(m.reason, "rotated");
        assert_eq!(one("k = v // gitleaks:allow").kind, "gitleaks:allow");
        assert_eq!(one("k = v # pragma: allowlist secret").kind, "pragma: allowlist secret");
        assert!(one("# pragma: allowlist nextline secret").next_line);
        assert!(markers_in(b"residue:allowed to fail; allow = true; allowlist").is_empty());
        // A word that is not a rule ends the list: it never widens the marker.
        let m = one("# residue:allow SEC0001 because fixture");
        assert_eq!(m.rules, ["SEC0001"]);
    }
}
