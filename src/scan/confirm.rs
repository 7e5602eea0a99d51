//! Stage two: a rule's regex confirms its keyword hits. For every hit the regex runs over a window
//! that holds every match containing the hit: `scan::reach` bounds it per keyword byte (bytes and
//! line breaks a match can hold before and after that byte), else `max_len` bytes on each side.
//! Windows of nearby hits are merged so a run of keywords is searched once (linear time), and the
//! search uses `Input::span` over the whole blob so `\b`, `^` and `$` see the real neighbours. A
//! match is kept only if it contains one of the rule's hits, which makes the result equal to
//! running the regex over the whole blob and keeping matches that contain a keyword.
//!
//! Why the tighter windows matter: on a 97k-file source tree the keyword pass yields ~3 million
//! hits, and the big line-oriented regexes (logging, assistant chatter) searched ~900 bytes around
//! each; bounded by their reach they search a line or two.
//!
//! Big patterns first ask their hint (`scan::hint`, a looser forward-only lazy DFA) whether a
//! merged window can hold a match at all; only windows it lets through meet the rule's own regex.
//! On the 1.19 GB tree this cut confirm time from 2.65 s to 0.96 s of one thread's CPU.
use regex_automata::meta::{Cache, Regex};
use regex_automata::util::captures::Captures;
use regex_automata::Input;

use super::prefilter::Hit;
use crate::rules::rule::Compiled;

/// A regex match before filtering: match span and `secret` span.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct RawMatch {
    pub start: usize,
    pub end: usize,
    pub secret: Option<(usize, usize)>,
    /// Span of the `key` capture (the assigned name), when the rule has one.
    pub key: Option<(usize, usize)>,
}

/// Per-thread regex state for one rule.
pub struct RuleState {
    pub cache: Cache,
    /// Cache of the rule's looser regex (`scan::hint`), made on first use.
    hint: Option<regex_automata::hybrid::dfa::Cache>,
    /// Cache and captures of the long-window regex (`Compiled::regex_for`), made on first use.
    long: Option<(Cache, Captures)>,
    pub caps: Captures,
    /// The windows of the current blob's hits (reused).
    windows: Vec<(usize, usize)>,
    /// Cache memory as last counted by `trim`.
    counted: usize,
}

impl RuleState {
    pub fn new(re: &Regex) -> Self {
        RuleState {
            cache: re.create_cache(),
            hint: None,
            long: None,
            caps: re.create_captures(),
            windows: Vec::new(),
            counted: 0,
        }
    }

    /// The regex for a window of `len` bytes (`Compiled::regex_for`) with its cache and captures.
    fn engine<'a>(&'a mut self, c: &'a Compiled, len: usize) -> (&'a Regex, &'a mut Cache, &'a mut Captures) {
        let (re, long) = c.regex_for(len);
        if long {
            let (cache, caps) = self.long.get_or_insert_with(|| (re.create_cache(), re.create_captures()));
            (re, cache, caps)
        } else {
            (re, &mut self.cache, &mut self.caps)
        }
    }
}

/// Regex cache memory one thread may keep between blobs. Each rule's cache (lazy DFA states,
/// PikeVM and backtracker scratch) grows to 2-5 MB for the big rules; kept for every rule ever
/// hit, one thread held 87 MB after a 1.1 GB tree, so memory grew with the tree and the thread
/// count. Over budget, the largest caches go, those of rules the last blob did not use first;
/// a dropped cache is rebuilt on the rule's next hit. On a 1.19 GB tree at `-j 2`, 16 MB a thread
/// peaked at 137 MB, 8 MB at 113 MB and 4 MB at 102 MB, for 3-4% more CPU at 4 MB (mostly lazy-DFA
/// states built again); the ceiling is 100 MB whatever the tree, so 4 MB it is.
pub const STATE_BUDGET: usize = 4 << 20;

/// Recounts the caches of the rules in `touched` and, when the thread's total passes
/// `STATE_BUDGET`, drops caches until half of it is left. `total` is the thread's running count.
pub fn trim(states: &mut [Option<Box<RuleState>>], touched: &[usize], total: &mut usize) {
    for &ri in touched {
        if let Some(st) = &mut states[ri] {
            let m = st.cache.memory_usage()
                + st.hint.as_ref().map_or(0, |h| h.memory_usage())
                + st.long.as_ref().map_or(0, |l| l.0.memory_usage())
                + st.windows.capacity() * std::mem::size_of::<(usize, usize)>();
            *total = *total + m - st.counted;
            st.counted = m;
        }
    }
    if *total <= STATE_BUDGET {
        return;
    }
    let mut order: Vec<(bool, usize, usize)> = states
        .iter()
        .enumerate()
        .filter_map(|(i, st)| st.as_ref().map(|st| (touched.contains(&i), st.counted, i)))
        .collect();
    // Untouched before touched, largest first.
    order.sort_unstable_by(|a, b| a.0.cmp(&b.0).then(b.1.cmp(&a.1)));
    for (_, m, i) in order {
        if *total <= STATE_BUDGET / 2 {
            break;
        }
        states[i] = None;
        *total -= m;
    }
}

/// Confirms `hits` (sorted by start) for one rule, appending matches to `out`.
pub fn confirm(hay: &[u8], hits: &[Hit], c: &Compiled, st: &mut RuleState, out: &mut Vec<RawMatch>) {
    let n = hay.len();
    let mut windows = std::mem::take(&mut st.windows);
    windows.clear();
    match &c.reach {
        Some(reach) => windows.extend(hits.iter().filter_map(|h| reach.window(hay, h.start, h.end))),
        None => windows.extend(hits.iter().map(|h| (h.end.saturating_sub(c.max_len), (h.start + c.max_len).min(n)))),
    }
    // Per-byte bounds differ between hits, so windows can start out of hit order.
    if !windows.is_sorted() {
        windows.sort_unstable();
    }
    let mut i = 0;
    while i < windows.len() {
        // Merge overlapping windows into one span.
        let (ws, mut we) = windows[i];
        let mut j = i + 1;
        while j < windows.len() && windows[j].0 <= we {
            we = we.max(windows[j].1);
            j += 1;
        }
        if let Some(hint) = &c.hint {
            let hc = st.hint.get_or_insert_with(|| hint.create_cache());
            if !hint.may_match(hc, hay, ws, we) {
                i = j;
                continue;
            }
        }
        search_window(hay, ws, we, hits, c, st, out);
        i = j;
    }
    st.windows = windows;
}

fn search_window(
    hay: &[u8],
    ws: usize,
    we: usize,
    hits: &[Hit],
    c: &Compiled,
    st: &mut RuleState,
    out: &mut Vec<RawMatch>,
) {
    let (re, cache, caps) = st.engine(c, we - ws);
    let mut pos = ws;
    while pos < we {
        let input = Input::new(hay).span(pos..we);
        re.search_captures_with(cache, &input, caps);
        let Some(m) = caps.get_match() else { break };
        if contains_hit(hits, m.start(), m.end()) {
            out.push(raw_match(c, caps));
        }
        // Matches are never empty (checked when the rule compiles), so this always advances.
        pos = m.end().max(pos + 1);
    }
}

fn raw_match(c: &Compiled, caps: &Captures) -> RawMatch {
    let m = caps.get_match().expect("a match");
    let group = |g: Option<usize>| g.and_then(|g| caps.get_group(g)).map(|s| (s.start, s.end));
    RawMatch { start: m.start(), end: m.end(), secret: group(c.secret_group), key: group(c.key_group) }
}

/// Whether some hit lies entirely inside [start, end). `hits` is sorted by start.
pub fn contains_hit(hits: &[Hit], start: usize, end: usize) -> bool {
    let first = hits.partition_point(|h| h.start < start);
    hits[first..].iter().take_while(|h| h.start < end).any(|h| h.end <= end)
}

/// The reference path (prefilter off): the regex over the whole blob, keeping matches that contain
/// a keyword. Used by tests and `--no-prefilter` to prove the windowed path finds the same.
pub fn confirm_whole(
    hay: &[u8],
    keywords: &[String],
    case_sensitive: bool,
    c: &Compiled,
    st: &mut RuleState,
    out: &mut Vec<RawMatch>,
) {
    let (re, cache, caps) = st.engine(c, hay.len());
    let mut pos = 0;
    while pos < hay.len() {
        let input = Input::new(hay).span(pos..hay.len());
        re.search_captures_with(cache, &input, caps);
        let Some(m) = caps.get_match() else { break };
        let text = &hay[m.start()..m.end()];
        let has_kw = keywords.iter().any(|k| {
            let k = k.as_bytes();
            text.windows(k.len()).any(|w| if case_sensitive { w == k } else { w.eq_ignore_ascii_case(k) })
        });
        if has_kw {
            out.push(raw_match(c, caps));
        }
        pos = m.end().max(pos + 1);
    }
}
