//! Deterministic test data for the integration tests and the benches: a seeded generator and
//! fresh fake credentials made at run time, so the repository holds no scannable secret literal.
//! Not part of the scanner's API (hidden from the docs); one copy instead of one per harness.
/// A small deterministic generator (xorshift64*), so failures reproduce from the seed.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1)
    }

    // Callers draw numbers, not items: an Iterator would only add ceremony.
    #[allow(clippy::should_implement_trait)]
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

    pub fn pick<'a>(&mut self, xs: &[&'a str]) -> &'a str {
        xs[self.below(xs.len())]
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
    format!("ghp_{random}{}", crate::scan::checksum::base62(crc32fast::hash(random.as_bytes()), 6))
}

/// An AWS access key id shape.
pub fn aws_key_id(rng: &mut Rng) -> String {
    format!("AKIA{}", rng.string(UPPER32, 16))
}

/// A password with every character class.
pub fn password(rng: &mut Rng) -> String {
    format!("{}#{}!{}", rng.string(ALNUM, 5), rng.below(90) + 10, rng.string(ALNUM, 5))
}
