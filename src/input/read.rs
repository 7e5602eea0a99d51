//! Bytes of one file: read into a reused buffer below `mmap_threshold`, memory-mapped above it
//! (saves a copy of large files; small files are cheaper to read than to map). Sniffs the first
//! 8 KiB: a byte-order mark selects UTF-8/UTF-16 decoding, a NUL byte means binary unless the NUL
//! pattern is that of BOM-less UTF-16 text. A mapped file that shrinks under us reads as zeros past
//! the cut and is reported as an error, never a crash (`sigbus`).
use std::fs::File;
use std::io::{self, Read};
use std::path::Path;

use memmap2::Mmap;

use super::sigbus::Watch;

/// How much of a file is sniffed for binary content (ripgrep and git use the same order).
pub const SNIFF_LEN: usize = 8 * 1024;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum SkipReason {
    Binary,
    TooLarge,
    Symlink,
    /// FIFOs, sockets, devices: never opened, since a read could block forever.
    Special,
    Excluded,
}

impl SkipReason {
    pub fn as_str(self) -> &'static str {
        match self {
            SkipReason::Binary => "binary",
            SkipReason::TooLarge => "too-large",
            SkipReason::Symlink => "symlink",
            SkipReason::Special => "special",
            SkipReason::Excluded => "excluded",
        }
    }
}

#[derive(Debug, Clone, Copy)]
pub struct ReadLimits {
    /// Files larger than this are skipped (0 = no limit).
    pub max_file_size: u64,
    /// Files at least this large are memory-mapped.
    pub mmap_threshold: u64,
}

impl Default for ReadLimits {
    fn default() -> Self {
        // 256 MiB: a 100 MB minified bundle is still scanned, a multi-GB disk image is not.
        ReadLimits { max_file_size: 256 << 20, mmap_threshold: 1 << 20 }
    }
}

/// Text encoding found by sniffing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    Utf8 { bom: bool },
    Utf16Le { bom: bool },
    Utf16Be { bom: bool },
}

/// Classifies the head of a file: Some(encoding) for text, None for binary.
pub fn sniff(head: &[u8]) -> Option<Encoding> {
    if head.starts_with(&[0xEF, 0xBB, 0xBF]) {
        return Some(Encoding::Utf8 { bom: true });
    }
    if head.starts_with(&[0xFF, 0xFE]) && !head.starts_with(&[0xFF, 0xFE, 0, 0]) {
        return Some(Encoding::Utf16Le { bom: true });
    }
    if head.starts_with(&[0xFE, 0xFF]) {
        return Some(Encoding::Utf16Be { bom: true });
    }
    let head = &head[..head.len().min(SNIFF_LEN)];
    if memchr::memchr(0, head).is_none() {
        return Some(Encoding::Utf8 { bom: false });
    }
    // BOM-less UTF-16 of mostly-ASCII text: NULs on one parity only, almost no NULs on the other.
    let pairs = head.len() / 2;
    if pairs >= 4 {
        let (mut even_nul, mut odd_nul) = (0, 0);
        for p in head.chunks_exact(2) {
            even_nul += (p[0] == 0) as usize;
            odd_nul += (p[1] == 0) as usize;
        }
        if odd_nul * 10 >= pairs * 7 && even_nul * 50 <= pairs {
            return Some(Encoding::Utf16Le { bom: false });
        }
        if even_nul * 10 >= pairs * 7 && odd_nul * 50 <= pairs {
            return Some(Encoding::Utf16Be { bom: false });
        }
    }
    None
}

/// Decodes UTF-16 into UTF-8 (`out` is cleared first); unpaired surrogates become U+FFFD.
pub fn decode_utf16(bytes: &[u8], little_endian: bool, out: &mut Vec<u8>) {
    out.clear();
    out.reserve(bytes.len() / 2);
    let units = bytes.chunks_exact(2).map(|p| {
        if little_endian {
            u16::from_le_bytes([p[0], p[1]])
        } else {
            u16::from_be_bytes([p[0], p[1]])
        }
    });
    let mut tmp = [0u8; 4];
    for c in char::decode_utf16(units) {
        let c = c.unwrap_or(char::REPLACEMENT_CHARACTER);
        out.extend_from_slice(c.encode_utf8(&mut tmp).as_bytes());
    }
}

/// A memory-mapped file and its SIGBUS watch. Fields drop in order: the watch ends before the
/// map is unmapped, so a stale watch never covers an address range someone else maps next.
pub struct MappedFile {
    watch: Watch,
    map: Mmap,
    skip: usize,
}

/// The bytes of one file, however they were obtained.
pub enum Blob<'a> {
    Buffer(&'a [u8]),
    Mapped(MappedFile),
    Decoded(&'a [u8]),
}

impl Blob<'_> {
    pub fn bytes(&self) -> &[u8] {
        match self {
            Blob::Buffer(b) | Blob::Decoded(b) => b,
            Blob::Mapped(m) => &m.map[m.skip..],
        }
    }

    /// Whether the file shrank while it was mapped: the bytes past its new end read as zeros
    /// (see `sigbus`). Ask after scanning; the caller reports the file as an error.
    pub fn truncated(&self) -> bool {
        match self {
            Blob::Mapped(m) => m.watch.faulted(),
            _ => false,
        }
    }
}

/// The error for a file that shrank while mapped.
pub fn truncated_error() -> io::Error {
    io::Error::other("truncated while scanning (the file shrank while it was memory-mapped)")
}

pub enum Loaded<'a> {
    Text(Blob<'a>),
    Skipped(SkipReason),
}

/// Reads files for one thread, reusing its buffers.
#[derive(Default)]
pub struct Reader {
    buf: Vec<u8>,
    decoded: Vec<u8>,
}

impl Reader {
    pub fn new() -> Reader {
        Reader::default()
    }

    /// Loads `path`, whose size the caller got from metadata.
    pub fn load(&mut self, path: &Path, size: u64, limits: &ReadLimits) -> io::Result<Loaded<'_>> {
        if limits.max_file_size > 0 && size > limits.max_file_size {
            return Ok(Loaded::Skipped(SkipReason::TooLarge));
        }
        let file = File::open(path)?;
        self.load_open(file, size, limits)
    }

    /// Loads `path`, taking its size from the open file: one `fstat` on the descriptor instead of
    /// a `stat` that walks the path again (on a 97k-file tree that lookup was ~2% of the scan).
    pub fn load_path(&mut self, path: &Path, limits: &ReadLimits) -> io::Result<Loaded<'_>> {
        let file = File::open(path)?;
        let size = file.metadata()?.len();
        if limits.max_file_size > 0 && size > limits.max_file_size {
            return Ok(Loaded::Skipped(SkipReason::TooLarge));
        }
        self.load_open(file, size, limits)
    }

    fn load_open(&mut self, mut file: File, size: u64, limits: &ReadLimits) -> io::Result<Loaded<'_>> {
        if size >= limits.mmap_threshold && size > 0 {
            // SAFETY: the map is read-only and private to this scan. A file truncated by another
            // process while mapped raises SIGBUS on access: the watch turns that into zero pages
            // and a `truncated` flag (see `crate::input::sigbus`). Without a free watch, read.
            let map = unsafe { Mmap::map(&file)? };
            if let Some(watch) = Watch::new(map.as_ptr(), map.len()) {
                return self.classify_mapped(map, watch);
            }
        }
        self.buf.clear();
        // Read at most one byte past the limit, so a file that grew since stat() is caught.
        let cap = if limits.max_file_size > 0 { limits.max_file_size + 1 } else { u64::MAX };
        let mut file = (&mut file).take(cap);
        // Sniff the head before reading the rest: a fifth of the bytes in a source tree are
        // binary (objects, archives, images, .pyc), and their tails need never be copied.
        let head = read_head(&mut file, &mut self.buf, SNIFF_LEN)?;
        let Some(enc) = sniff(&self.buf[..head]) else {
            return Ok(Loaded::Skipped(SkipReason::Binary));
        };
        if head == SNIFF_LEN {
            self.buf.reserve((size as usize).saturating_sub(SNIFF_LEN) + 1);
            file.read_to_end(&mut self.buf)?;
        }
        if limits.max_file_size > 0 && self.buf.len() as u64 > limits.max_file_size {
            return Ok(Loaded::Skipped(SkipReason::TooLarge));
        }
        Ok(match enc {
            Encoding::Utf8 { bom } => Loaded::Text(Blob::Buffer(&self.buf[if bom { 3 } else { 0 }..])),
            Encoding::Utf16Le { bom } => {
                decode_utf16(&self.buf[if bom { 2 } else { 0 }..], true, &mut self.decoded);
                Loaded::Text(Blob::Decoded(&self.decoded))
            }
            Encoding::Utf16Be { bom } => {
                decode_utf16(&self.buf[if bom { 2 } else { 0 }..], false, &mut self.decoded);
                Loaded::Text(Blob::Decoded(&self.decoded))
            }
        })
    }

    fn classify_mapped(&mut self, map: Mmap, watch: Watch) -> io::Result<Loaded<'_>> {
        let loaded = match sniff(&map[..map.len().min(SNIFF_LEN)]) {
            None => Loaded::Skipped(SkipReason::Binary),
            Some(Encoding::Utf8 { bom }) => {
                return Ok(Loaded::Text(Blob::Mapped(MappedFile { watch, map, skip: if bom { 3 } else { 0 } })))
            }
            Some(Encoding::Utf16Le { bom }) => {
                decode_utf16(&map[if bom { 2 } else { 0 }..], true, &mut self.decoded);
                Loaded::Text(Blob::Decoded(&self.decoded))
            }
            Some(Encoding::Utf16Be { bom }) => {
                decode_utf16(&map[if bom { 2 } else { 0 }..], false, &mut self.decoded);
                Loaded::Text(Blob::Decoded(&self.decoded))
            }
        };
        // Sniffing or decoding read the map: a cut file is an error, not text with zeros in it.
        if watch.faulted() {
            return Err(truncated_error());
        }
        Ok(loaded)
    }
}

/// Reads up to `n` bytes into `buf` (appending), stopping early only at end of file; returns
/// how many were read.
fn read_head(r: &mut impl Read, buf: &mut Vec<u8>, n: usize) -> io::Result<usize> {
    let start = buf.len();
    buf.resize(start + n, 0);
    let mut got = 0;
    while got < n {
        match r.read(&mut buf[start + got..]) {
            Ok(0) => break,
            Ok(k) => got += k,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => {
                buf.truncate(start + got);
                return Err(e);
            }
        }
    }
    buf.truncate(start + got);
    Ok(got)
}

/// The first `n` bytes of the file at `path` (fewer if it is shorter): what file rules look at
/// (see `rules::file`). Read only for files whose name a file rule matched, so the second open
/// costs nothing on the rest of the tree.
pub fn file_head(path: &Path, n: usize) -> io::Result<Vec<u8>> {
    let mut buf = Vec::with_capacity(n);
    read_head(&mut File::open(path)?, &mut buf, n)?;
    Ok(buf)
}

/// Classifies in-memory bytes (git blobs, stdin) the same way files are: Some(text) or None for
/// binary. `scratch` holds decoded UTF-16.
pub fn text_of<'a>(bytes: &'a [u8], scratch: &'a mut Vec<u8>) -> Option<&'a [u8]> {
    match sniff(bytes)? {
        Encoding::Utf8 { bom } => Some(&bytes[if bom { 3 } else { 0 }..]),
        Encoding::Utf16Le { bom } => {
            decode_utf16(&bytes[if bom { 2 } else { 0 }..], true, scratch);
            Some(scratch)
        }
        Encoding::Utf16Be { bom } => {
            decode_utf16(&bytes[if bom { 2 } else { 0 }..], false, scratch);
            Some(scratch)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utf16(s: &str, le: bool, bom: bool) -> Vec<u8> {
        let mut v = Vec::new();
        if bom {
            v.extend_from_slice(if le { &[0xFF, 0xFE] } else { &[0xFE, 0xFF] });
        }
        for u in s.encode_utf16() {
            v.extend_from_slice(&if le { u.to_le_bytes() } else { u.to_be_bytes() });
        }
        v
    }

    #[test]
    fn sniffing() {
        assert_eq!(sniff(b"hello"), Some(Encoding::Utf8 { bom: false }));
        assert_eq!(sniff(b"\xEF\xBB\xBFhello"), Some(Encoding::Utf8 { bom: true }));
        assert_eq!(sniff(b"\x7fELF\x02\x01\x01\0\0\0\0\0\0\0\0\0"), None);
        for (le, bom) in [(true, true), (true, false), (false, true), (false, false)] {
            let v = utf16("token = \"abc\"\r\nline two", le, bom);
            let enc = sniff(&v).unwrap();
            let mut out = Vec::new();
            let mut scratch = Vec::new();
            let text = text_of(&v, &mut scratch).unwrap();
            out.extend_from_slice(text);
            assert_eq!(String::from_utf8(out).unwrap(), "token = \"abc\"\r\nline two", "{enc:?}");
        }
    }
}
