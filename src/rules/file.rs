//! File rules: rules that match a whole file by its path (a glob on the name) and, optionally, its
//! leading "magic" bytes, instead of a regex on its text. They exist for credential containers that
//! are binary (PKCS#12 bundles, Java key stores, KeePass databases, GnuPG secret keyrings): the
//! reader skips binary files before any regex runs, so without these such files were never
//! reported. A file matches at most once per rule, whatever its size. Names are matched by one
//! glob set over all file rules, once per path; only files whose name matched have their first
//! `HEAD_LEN` bytes read (see `input::walk::scan_file` and `input::git::BlobScanner`).
use std::sync::OnceLock;

use globset::{Glob, GlobBuilder, GlobSet, GlobSetBuilder};

use super::RuleError;

/// Bytes of a file's head that file rules see: the magic patterns (at most `MAX_MAGIC_LEN`) and
/// the fingerprint (a hash of these bytes: the same file keeps its fingerprint, a replaced key
/// store gets a new one). 4 KiB is one page, and every header we match fits in its first 16 bytes.
pub const HEAD_LEN: usize = 4096;

/// The longest magic pattern, in bytes: ample for a DER header plus an OID (PKCS#12 needs 24).
pub const MAX_MAGIC_LEN: usize = 64;

/// One byte of a magic pattern: a value, or `None` for `??` (any byte, e.g. a DER length).
pub type MagicByte = Option<u8>;

/// The checked `file = { ... }` of a rule.
#[derive(Debug)]
pub struct FileMatch {
    /// The globs as written (for docs and `rules show`).
    pub names: Vec<String>,
    pub globs: Vec<Glob>,
    pub magic_src: Vec<String>,
    pub magic: Vec<Vec<MagicByte>>,
    pub kind: String,
}

impl FileMatch {
    pub fn parse(rule_id: &str, def: &super::syntax::FileDef) -> Result<FileMatch, RuleError> {
        let err = |m: String| RuleError::invalid(rule_id, format!("file: {m}"));
        if def.names.is_empty() {
            return Err(err("`names` is empty: a file rule needs at least one glob".into()));
        }
        let mut globs = Vec::with_capacity(def.names.len());
        for n in &def.names {
            if n.trim().is_empty() {
                return Err(err("empty glob in `names`".into()));
            }
            // Like `paths`: a glob without a slash matches the file name at any depth. Case is
            // ignored because `KEY.P12` and `Store.JKS` are as common as the lower-case forms.
            let g = if n.contains('/') { n.clone() } else { format!("**/{n}") };
            let glob = GlobBuilder::new(&g)
                .case_insensitive(true)
                .literal_separator(true)
                .build()
                .map_err(|e| err(format!("bad glob {n:?} in `names`: {e}")))?;
            globs.push(glob);
        }
        let mut magic = Vec::with_capacity(def.magic.len());
        for m in &def.magic {
            magic.push(parse_magic(m).map_err(|e| err(format!("magic {m:?}: {e}")))?);
        }
        if def.kind.trim().is_empty() {
            return Err(err("`kind` is empty: it is what a finding shows instead of a secret".into()));
        }
        Ok(FileMatch {
            names: def.names.clone(),
            globs,
            magic_src: def.magic.clone(),
            magic,
            kind: def.kind.trim().to_string(),
        })
    }

    /// Whether `head` (a file's first bytes) starts with one of the magic patterns; true when the
    /// rule has none.
    pub fn magic_matches(&self, head: &[u8]) -> bool {
        self.magic.is_empty()
            || self
                .magic
                .iter()
                .any(|pat| pat.len() <= head.len() && pat.iter().zip(head).all(|(p, b)| p.is_none_or(|p| p == *b)))
    }
}

/// Parses a magic pattern: hex digit pairs or `??`, spaces ignored (`"feed feed"`).
pub fn parse_magic(s: &str) -> Result<Vec<MagicByte>, String> {
    let compact: Vec<u8> = s.bytes().filter(|b| *b != b' ' && *b != b'_').collect();
    if compact.is_empty() {
        return Err("empty".into());
    }
    if compact.len() % 2 != 0 {
        return Err("odd number of hex digits".into());
    }
    let mut out = Vec::with_capacity(compact.len() / 2);
    for pair in compact.chunks_exact(2) {
        if pair == b"??" {
            out.push(None);
            continue;
        }
        let hex = std::str::from_utf8(pair).ok().and_then(|p| u8::from_str_radix(p, 16).ok());
        match hex {
            Some(b) if pair.iter().all(|c| c.is_ascii_hexdigit()) => out.push(Some(b)),
            _ => return Err(format!("{:?} is neither a hex byte nor `??`", String::from_utf8_lossy(pair))),
        }
    }
    if out.len() > MAX_MAGIC_LEN {
        return Err(format!("{} bytes; the limit is {MAX_MAGIC_LEN}", out.len()));
    }
    if out[0].is_none() {
        // A leading wildcard would let almost any byte start a match; anchor on a real byte.
        return Err("must start with a fixed byte, not `??`".into());
    }
    Ok(out)
}

/// Decodes an example's `input_hex` (hex digits, whitespace ignored).
pub fn decode_hex(s: &str) -> Result<Vec<u8>, String> {
    let compact: Vec<u8> = s.bytes().filter(|b| !b.is_ascii_whitespace()).collect();
    if compact.len() % 2 != 0 {
        return Err("odd number of hex digits".into());
    }
    compact
        .chunks_exact(2)
        .map(|p| {
            std::str::from_utf8(p)
                .ok()
                .filter(|p| p.bytes().all(|c| c.is_ascii_hexdigit()))
                .and_then(|p| u8::from_str_radix(p, 16).ok())
                .ok_or_else(|| format!("{:?} is not a hex byte", String::from_utf8_lossy(p)))
        })
        .collect()
}

/// One glob set over the names of every file rule of a `RuleSet`, built on first use (a scan
/// without file rules, or one that never reaches a file, never builds it).
#[derive(Debug, Default)]
pub struct FileIndex {
    /// Per glob in the set: the index of its rule in the `RuleSet`.
    owners: Vec<usize>,
    globs: Vec<Glob>,
    set: OnceLock<GlobSet>,
}

impl FileIndex {
    pub fn new(rules: &[super::Rule]) -> FileIndex {
        let mut ix = FileIndex::default();
        for (ri, r) in rules.iter().enumerate() {
            if let Some(f) = &r.file {
                for g in &f.globs {
                    ix.owners.push(ri);
                    ix.globs.push(g.clone());
                }
            }
        }
        ix
    }

    pub fn is_empty(&self) -> bool {
        self.globs.is_empty()
    }

    /// The rules whose names match `path` (sorted, no repeats) into `out` (cleared first).
    pub fn rules_for(&self, path: &str, out: &mut Vec<usize>) {
        out.clear();
        if self.globs.is_empty() {
            return;
        }
        let set = self.set.get_or_init(|| {
            let mut b = GlobSetBuilder::new();
            for g in &self.globs {
                b.add(g.clone());
            }
            // Parsed globs only fail to build past the regex size limit, which no name glob
            // reaches; an empty set (matches nothing) is the safe reading if one ever does.
            b.build().unwrap_or_else(|_| GlobSet::empty())
        });
        // Nearly every path matches no glob: `is_match` answers that without allocating.
        if !set.is_match(path) {
            return;
        }
        for gi in set.matches(path) {
            out.push(self.owners[gi]);
        }
        out.sort_unstable();
        out.dedup();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn magic_patterns() {
        let p = parse_magic("3082 ???? 020103").unwrap();
        assert_eq!(p, vec![Some(0x30), Some(0x82), None, None, Some(2), Some(1), Some(3)]);
        assert!(parse_magic("").is_err());
        assert!(parse_magic("308").is_err());
        assert!(parse_magic("zz").is_err());
        assert!(parse_magic("??30").is_err());
        assert!(parse_magic(&"00".repeat(MAX_MAGIC_LEN + 1)).is_err());
        let def = crate::rules::syntax::FileDef {
            names: vec!["*.p12".into()],
            magic: vec!["3082????020103".into(), "feedfeed".into()],
            kind: "test".into(),
        };
        let f = FileMatch::parse("SEC9999", &def).unwrap();
        assert!(f.magic_matches(b"\x30\x82\x0a\x58\x02\x01\x03\x30"));
        assert!(f.magic_matches(b"\xfe\xed\xfe\xed"));
        assert!(!f.magic_matches(b"\x30\x82\x0a"), "a head shorter than the pattern never matches");
        assert!(!f.magic_matches(b"not a key"));
    }

    #[test]
    fn hex_examples() {
        assert_eq!(decode_hex("fe ed\nFE ED").unwrap(), vec![0xfe, 0xed, 0xfe, 0xed]);
        assert!(decode_hex("f").is_err());
        assert!(decode_hex("+1").is_err());
    }
}
