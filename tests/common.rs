//! Helpers shared by the integration tests: running the binary, temporary trees, and fresh fake
//! credentials made at run time (so this repository holds no scannable secret literals).
#![allow(dead_code)]
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

pub fn bin() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_residue"))
}

/// Runs `residue` with `args` in `dir`, with colour and terminal detection out of the way.
pub fn run_in(dir: &Path, args: &[&str]) -> Output {
    Command::new(bin()).args(args).current_dir(dir).env_remove("NO_COLOR").output().expect("run residue")
}

pub fn code(o: &Output) -> i32 {
    o.status.code().unwrap_or(-1)
}

pub fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

pub fn write(dir: &Path, rel: &str, contents: impl AsRef<[u8]>) {
    let p = dir.join(rel);
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(p, contents).unwrap();
}

/// A small deterministic generator (xorshift64*), so failures reproduce from the seed.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1)
    }

    pub fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    pub fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    pub fn string(&mut self, alphabet: &[u8], len: usize) -> String {
        (0..len).map(|_| alphabet[self.below(alphabet.len())] as char).collect()
    }
}

pub const ALNUM: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
pub const UPPER32: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

/// A GitHub classic token with a valid CRC32 suffix.
pub fn github_token(rng: &mut Rng) -> String {
    let random = rng.string(ALNUM, 30);
    format!("ghp_{random}{}", residue::scan::checksum::base62(crc32fast::hash(random.as_bytes()), 6))
}

/// An AWS access key id shape.
pub fn aws_key_id(rng: &mut Rng) -> String {
    format!("AKIA{}", rng.string(UPPER32, 16))
}

/// A password with every character class.
pub fn password(rng: &mut Rng) -> String {
    format!("{}#{}!{}", rng.string(ALNUM, 5), rng.below(90) + 10, rng.string(ALNUM, 5))
}
