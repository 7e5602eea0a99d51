//! The matching engine: one blob in, findings out. `prefilter` finds keyword hits, `confirm` runs
//! the hit rules' regexes on windows around them, `filter` drops what is not a finding and merges
//! rules that matched the same value; then matches are located (line, column, snippet) and
//! fingerprinted. File rules (`rules::file`) take a separate, cheaper path: `wants_head` matches a
//! path against their names, and `scan_head` checks the leading bytes of a file whose name matched
//! (text or binary) and reports it once. A `Scanner` is shared by all threads; each thread owns a
//! `Scratch`.
pub mod checksum;
pub mod confirm;
pub mod entropy;
pub mod filter;
pub mod hint;
pub mod memo;
pub mod placeholder;
pub mod prefilter;
pub mod reach;
pub mod shape;

use confirm::{RawMatch, RuleState};
use prefilter::Hit;

use crate::finding::{fingerprint, Dropped, Finding, Match};
use crate::input::path::FileInfo;
use crate::location::{snippet, LineCursor, Redactions};
use crate::rules::{Category, RuleError, RuleSet};

#[derive(Debug, Clone)]
pub struct ScanOptions {
    /// Print secrets in full (`--show-secrets`).
    pub show_secrets: bool,
    /// Use the keyword prefilter (off only to check that it never changes results).
    pub prefilter: bool,
    /// Keep dropped candidates for `--explain`.
    pub explain: bool,
    /// Merge matches of several rules on one value (off only for `rules check`).
    pub dedup: bool,
}

impl Default for ScanOptions {
    fn default() -> Self {
        ScanOptions { show_secrets: false, prefilter: true, explain: false, dedup: true }
    }
}

#[derive(Clone)]
pub struct Scanner<'r> {
    rules: &'r RuleSet,
    opts: ScanOptions,
    /// Inline markers and config allow-lists (`suppress`); inline markers only unless set.
    suppress: &'r crate::suppress::Suppress,
    /// Clean chunks already seen, shared across blobs (history sweeps); None scans every byte.
    memo: Option<&'r memo::ChunkMemo>,
}

/// Per-thread scratch space, reused across blobs so the hot path does not allocate.
pub struct Scratch {
    hits: Vec<Vec<Hit>>,
    touched: Vec<usize>,
    /// Per rule: 0 = scope not yet evaluated for this blob, 1 = applies, 2 = does not.
    scope: Vec<u8>,
    /// Boxed: a rule's state (caches and captures for its engines) is 3,264 bytes, and a scratch
    /// holds a slot for every rule, most never used; unboxed, the slots of 793 rules wrote 2.6 MB
    /// per scratch at start-up (one-file scan: 3,750 page faults and 16.3 ms, boxed 1,905 and 13.0).
    states: Vec<Option<Box<RuleState>>>,
    /// Memory held by `states`, kept under `confirm::STATE_BUDGET`.
    state_mem: usize,
    raw: Vec<RawMatch>,
    /// File rules whose names matched the current path.
    file_rules: Vec<usize>,
}

impl Scratch {
    pub fn new(rules: &RuleSet) -> Scratch {
        let n = rules.len();
        Scratch {
            hits: (0..n).map(|_| Vec::new()).collect(),
            touched: Vec::new(),
            scope: vec![0; n],
            states: (0..n).map(|_| None).collect(),
            state_mem: 0,
            raw: Vec::new(),
            file_rules: Vec::new(),
        }
    }
}

/// Everything one blob produced.
#[derive(Debug, Default)]
pub struct BlobScan {
    pub findings: Vec<Finding>,
    pub dropped: Vec<(Dropped, Finding)>,
    /// Rules that failed to compile on first use (reported once by the caller).
    pub rule_errors: Vec<RuleError>,
}

impl<'r> Scanner<'r> {
    pub fn new(rules: &'r RuleSet, opts: ScanOptions) -> Self {
        Scanner { rules, opts, suppress: &crate::suppress::INLINE_ONLY, memo: None }
    }

    /// Lets the keyword pass skip chunks `memo` has seen clean before (same findings, less work
    /// when blobs repeat each other's lines, as the versions of a file in a history do).
    pub fn with_memo(mut self, memo: &'r memo::ChunkMemo) -> Self {
        self.memo = Some(memo);
        self
    }

    /// Uses `suppress` (inline markers and the config's allow-lists) on every blob's matches.
    pub fn with_suppress(mut self, suppress: &'r crate::suppress::Suppress) -> Self {
        self.suppress = suppress;
        self
    }

    pub fn rules(&self) -> &'r RuleSet {
        self.rules
    }

    pub fn options(&self) -> &ScanOptions {
        &self.opts
    }

    /// Scans one blob's bytes as the file `file`.
    pub fn scan(&self, file: &FileInfo, hay: &[u8], scratch: &mut Scratch) -> BlobScan {
        let mut out = BlobScan::default();
        let (mut matches, mut dropped) = self.matches(file, hay, scratch, &mut out.rule_errors);
        if !matches.is_empty() {
            // Suppressed matches become `Dropped` entries, kept even without --explain so they are
            // counted and can be listed (--show-suppressed): nothing disappears silently.
            self.suppress.apply(self.rules, file, hay, &mut matches, &mut dropped);
        }
        if matches.is_empty() && dropped.is_empty() {
            return out;
        }
        // Every secret span in the blob is redacted in every snippet, not just the finding's own.
        let redact = if self.opts.show_secrets {
            Redactions::none()
        } else {
            let spans: Vec<(usize, usize)> =
                matches.iter().chain(dropped.iter().map(|d| &d.m)).filter_map(|m| m.secret).collect();
            Redactions::new(hay, &spans)
        };
        out.findings = self.locate(file, hay, &matches, &redact);
        // Without --explain, `dropped` holds only suppressions.
        if !dropped.is_empty() {
            let ms: Vec<Match> = dropped.iter().map(|d| d.m.clone()).collect();
            let located = self.locate(file, hay, &ms, &redact);
            out.dropped = dropped.into_iter().zip(located).collect();
        }
        out
    }

    /// Whether some file rule's names match `file` (and its scope applies): only then need the
    /// caller read the file's head for `scan_head`. One glob-set lookup per path.
    pub fn wants_head(&self, file: &FileInfo, s: &mut Scratch) -> bool {
        self.file_candidates(file, s);
        !s.file_rules.is_empty()
    }

    fn file_candidates(&self, file: &FileInfo, s: &mut Scratch) {
        self.rules.files().rules_for(&file.path, &mut s.file_rules);
        let rules = self.rules.rules();
        s.file_rules.retain(|&ri| rules[ri].scope.applies_to(file));
    }

    /// Runs the file rules on `file`, whose content starts with `head` (its first bytes; at most
    /// `rules::file::HEAD_LEN` are used): one finding per matching rule, at line 1 column 1, with
    /// no secret (the snippet names the kind of file). Works on binary files, which the text
    /// pipeline never sees. Config allow-lists apply as to any finding (by path, rule or kind).
    pub fn scan_head(&self, file: &FileInfo, head: &[u8], s: &mut Scratch) -> BlobScan {
        let mut out = BlobScan::default();
        self.file_candidates(file, s);
        if s.file_rules.is_empty() {
            return out;
        }
        let head = &head[..head.len().min(crate::rules::file::HEAD_LEN)];
        let rules = self.rules.rules();
        for &ri in &s.file_rules {
            let rule = &rules[ri];
            let Some(fm) = &rule.file else { continue };
            let m = Match {
                rule: ri,
                start: 0,
                end: fm.kind.len(),
                secret: None,
                confidence: rule.confidence,
                checksum: None,
                also: Vec::new(),
            };
            if !fm.magic_matches(head) {
                if self.opts.explain {
                    let f = self.file_finding(file, head, &m);
                    let detail = format!("no {} header", fm.kind);
                    out.dropped.push((Dropped { m, reason: crate::finding::DropReason::Magic, detail }, f));
                }
                continue;
            }
            // The allow-lists see the kind as the matched text: a file has no line to show.
            let (mut kept, mut dropped) = (vec![m], Vec::new());
            self.suppress.apply(self.rules, file, fm.kind.as_bytes(), &mut kept, &mut dropped);
            out.findings.extend(kept.iter().map(|m| self.file_finding(file, head, m)));
            out.dropped.extend(dropped.into_iter().map(|d| {
                let f = self.file_finding(file, head, &d.m);
                (d, f)
            }));
        }
        out
    }

    fn file_finding(&self, file: &FileInfo, head: &[u8], m: &Match) -> Finding {
        let rule = &self.rules.rules()[m.rule];
        let kind = rule.file.as_ref().map(|f| f.kind.as_str()).unwrap_or_default();
        let mut severity = rule.severity;
        let mut tags = vec!["file".to_string()];
        if file.context.test {
            severity = severity.lowered();
            tags.push("test".to_string());
        }
        Finding {
            rule: m.rule,
            path: file.path.clone(),
            line: 1,
            column: 1,
            end_line: 1,
            end_column: 1,
            start: m.start,
            end: m.end,
            secret: None,
            snippet: kind.to_string(),
            // The head's hash keeps the fingerprint stable while the file is unchanged and new
            // when a key store is replaced by another at the same path.
            fingerprint: fingerprint(&rule.id, &file.path, head),
            severity,
            confidence: m.confidence,
            checksum: None,
            tags,
            also: Vec::new(),
            commit: None,
        }
    }

    /// Prefilter, confirm, filter and dedup: the matches of one blob, sorted by offset.
    pub fn matches(
        &self,
        file: &FileInfo,
        hay: &[u8],
        s: &mut Scratch,
        errors: &mut Vec<RuleError>,
    ) -> (Vec<Match>, Vec<Dropped>) {
        let rules = self.rules.rules();
        s.touched.clear();
        if self.opts.prefilter {
            let (hits, touched) = (&mut s.hits, &mut s.touched);
            let add = |ri: usize, hit| {
                if hits[ri].is_empty() {
                    touched.push(ri);
                }
                hits[ri].push(hit);
            };
            match self.memo {
                Some(memo) => self.rules.prefilter().for_each_hit_memo(hay, memo, add),
                None => self.rules.prefilter().for_each_hit(hay, add),
            }
        } else {
            // File rules have no regex: `scan_head` runs them.
            s.touched.extend((0..rules.len()).filter(|&ri| !rules[ri].is_file_rule()));
        }
        // Rule order, not hit order, so output never depends on where keywords happen to be.
        s.touched.sort_unstable();
        let mut matches = Vec::new();
        let mut dropped = Vec::new();
        for &ri in &s.touched {
            let rule = &rules[ri];
            let hits = &mut s.hits[ri];
            if s.scope[ri] == 0 {
                s.scope[ri] = if rule.scope.applies_to(file) { 1 } else { 2 };
            }
            if s.scope[ri] == 2 {
                hits.clear();
                continue;
            }
            let c = match rule.compiled() {
                Ok(c) => c,
                Err(e) => {
                    errors.push(e);
                    hits.clear();
                    continue;
                }
            };
            let st = s.states[ri].get_or_insert_with(|| Box::new(RuleState::new(&c.regex)));
            s.raw.clear();
            if self.opts.prefilter {
                hits.sort_unstable();
                hits.dedup();
                confirm::confirm(hay, hits, c, st, &mut s.raw);
            } else {
                confirm::confirm_whole(hay, &rule.keywords, rule.case_sensitive, c, st, &mut s.raw);
            }
            hits.clear();
            for raw in s.raw.drain(..) {
                match filter::filter(hay, ri, rule, c, file.language, raw) {
                    Ok(m) => matches.push(m),
                    Err((reason, detail, m)) => {
                        if self.opts.explain {
                            dropped.push(Dropped { m, reason, detail });
                        }
                    }
                }
            }
        }
        for &ri in &s.touched {
            s.scope[ri] = 0;
        }
        confirm::trim(&mut s.states, &s.touched, &mut s.state_mem);
        if self.opts.dedup {
            matches = filter::dedup(self.rules, matches);
        }
        (matches, dropped)
    }

    fn locate(&self, file: &FileInfo, hay: &[u8], ms: &[Match], redact: &Redactions) -> Vec<Finding> {
        let rules = self.rules.rules();
        // A finding points at its value (the secret when there is one): that is what a reader
        // must change, and what SARIF viewers highlight.
        let mut order: Vec<usize> = (0..ms.len()).collect();
        order.sort_by_key(|&i| ms[i].value_span().0);
        let mut starts = vec![(0, 0); ms.len()];
        let mut cur = LineCursor::new(hay);
        for &i in &order {
            starts[i] = cur.locate(ms[i].value_span().0);
        }
        let mut ends = vec![(0, 0); ms.len()];
        order.sort_by_key(|&i| ms[i].value_span().1);
        let mut cur = LineCursor::new(hay);
        for &i in &order {
            ends[i] = cur.locate(ms[i].value_span().1);
        }
        ms.iter()
            .enumerate()
            .map(|(i, m)| {
                let rule = &rules[m.rule];
                let (vs, ve) = m.value_span();
                let value = &hay[vs..ve];
                let value_for_fp: &[u8] = if m.secret.is_some() { value } else { value.trim_ascii() };
                let mut severity = rule.severity;
                let mut tags = Vec::new();
                if file.context.test && rule.category == Category::Secret {
                    severity = severity.lowered();
                    tags.push("test".to_string());
                }
                Finding {
                    rule: m.rule,
                    path: file.path.clone(),
                    line: starts[i].0,
                    column: starts[i].1,
                    end_line: ends[i].0,
                    end_column: ends[i].1,
                    start: m.start,
                    end: m.end,
                    secret: m.secret.map(|(s, e)| String::from_utf8_lossy(&hay[s..e]).into_owned()),
                    snippet: snippet(hay, vs, ve, redact),
                    fingerprint: fingerprint(&rule.id, &file.path, value_for_fp),
                    severity,
                    confidence: m.confidence,
                    checksum: m.checksum,
                    tags,
                    also: m.also.iter().map(|&r| rules[r].id.clone()).collect(),
                    commit: None,
                }
            })
            .collect()
    }
}
