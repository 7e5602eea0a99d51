//! Counts of what a scan met. Every file enumerated ends in exactly one of scanned, skipped (with
//! a reason) or error, so `files_seen == files_scanned + sum(files_skipped) + errors` always holds.
//! Counters are atomics bumped once per file: no lock on the hot path.
use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU64, Ordering::Relaxed};

use crate::input::read::SkipReason;

#[derive(Debug, Default)]
pub struct Counters {
    pub scanned: AtomicU64,
    pub bytes: AtomicU64,
    pub errors: AtomicU64,
    pub binary: AtomicU64,
    pub too_large: AtomicU64,
    pub symlink: AtomicU64,
    pub special: AtomicU64,
    pub excluded: AtomicU64,
}

impl Counters {
    pub fn scanned(&self, bytes: u64) {
        self.scanned.fetch_add(1, Relaxed);
        self.bytes.fetch_add(bytes, Relaxed);
    }

    pub fn skipped(&self, why: SkipReason) {
        let c = match why {
            SkipReason::Binary => &self.binary,
            SkipReason::TooLarge => &self.too_large,
            SkipReason::Symlink => &self.symlink,
            SkipReason::Special => &self.special,
            SkipReason::Excluded => &self.excluded,
        };
        c.fetch_add(1, Relaxed);
    }

    pub fn error(&self) {
        self.errors.fetch_add(1, Relaxed);
    }

    pub fn snapshot(&self) -> Stats {
        let mut skipped = BTreeMap::new();
        for (why, c) in [
            (SkipReason::Binary, &self.binary),
            (SkipReason::TooLarge, &self.too_large),
            (SkipReason::Symlink, &self.symlink),
            (SkipReason::Special, &self.special),
            (SkipReason::Excluded, &self.excluded),
        ] {
            let n = c.load(Relaxed);
            if n > 0 {
                skipped.insert(why.as_str().to_string(), n);
            }
        }
        let scanned = self.scanned.load(Relaxed);
        let errors = self.errors.load(Relaxed);
        Stats {
            files_seen: scanned + errors + skipped.values().sum::<u64>(),
            files_scanned: scanned,
            bytes_scanned: self.bytes.load(Relaxed),
            files_skipped: skipped,
            errors,
            ..Stats::default()
        }
    }
}

/// The `stats` object of JSON output and SARIF `invocations[0].properties`.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct Stats {
    pub files_seen: u64,
    pub files_scanned: u64,
    pub bytes_scanned: u64,
    /// Skip reason -> count (only reasons that occurred).
    pub files_skipped: BTreeMap<String, u64>,
    pub errors: u64,
    pub findings: u64,
    pub suppressed: u64,
    /// Findings left out because they are in the baseline.
    pub baselined: u64,
    pub rules: u64,
    pub duration_ms: u64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub blobs_scanned: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub commits: Option<u64>,
}
