//! Where bytes come from: file names and what they imply (`path`), reading files with
//! mmap-or-read, binary sniffing and UTF-16 decoding (`read`), and the parallel directory walk that
//! feeds the scanner and counts every file it meets (`walk`); `sigbus` keeps a file truncated while
//! memory-mapped from crashing the scan.
pub mod git;
pub mod path;
pub mod read;
pub mod sigbus;
pub mod walk;
