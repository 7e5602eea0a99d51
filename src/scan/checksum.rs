//! Offline structure checks for token formats that carry one: GitHub's and npm's CRC32 suffix,
//! JWT headers, PyPI macaroons, Luhn, Bech32 (age identities). A pass raises a finding's confidence, a fail lowers it; a
//! token is never dropped for failing, since a truncated or hand-edited real token is still a leak.
use base64::Engine;

use crate::rules::Checksum;

const BASE62: &[u8; 62] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

/// `n` in base62 (most significant digit first), left-padded with `0` to `width`.
pub fn base62(mut n: u32, width: usize) -> String {
    let mut digits = Vec::new();
    while n > 0 {
        digits.push(BASE62[(n % 62) as usize]);
        n /= 62;
    }
    while digits.len() < width {
        digits.push(b'0');
    }
    digits.reverse();
    String::from_utf8(digits).expect("ascii")
}

/// Whether `secret` passes the rule's check.
pub fn verify(kind: Checksum, secret: &[u8]) -> bool {
    match kind {
        Checksum::GithubCrc32 | Checksum::NpmCrc32 => crc32_suffix(secret),
        Checksum::Jwt => jwt(secret),
        Checksum::PypiMacaroon => pypi(secret),
        Checksum::Luhn => luhn(secret),
        Checksum::Bech32 => bech32(secret),
    }
}

/// A Bech32 string (BIP-173, which age uses for its keys): human-readable part, `1`, data
/// characters from `qpzry9x8gf2tvdw0s3jn54khce6mua7l`, the last six a BCH checksum over both.
/// One case throughout (age writes identities in upper case). A random 58-character body passes
/// with odds of about 1 in 10^9.
fn bech32(secret: &[u8]) -> bool {
    const CHARSET: &[u8; 32] = b"qpzry9x8gf2tvdw0s3jn54khce6mua7l";
    const GEN: [u32; 5] = [0x3b6a57b2, 0x26508e6d, 0x1ea119fa, 0x3d4233dd, 0x2a1462b3];
    if secret.iter().any(u8::is_ascii_lowercase) && secret.iter().any(u8::is_ascii_uppercase) {
        return false;
    }
    let s = secret.to_ascii_lowercase();
    let Some(sep) = s.iter().rposition(|&b| b == b'1') else { return false };
    let (hrp, data) = (&s[..sep], &s[sep + 1..]);
    if hrp.is_empty() || data.len() < 6 || hrp.iter().any(|&b| !(33..=126).contains(&b)) {
        return false;
    }
    let mut values: Vec<u8> = hrp.iter().map(|c| c >> 5).collect();
    values.push(0);
    values.extend(hrp.iter().map(|c| c & 31));
    for c in data {
        let Some(v) = CHARSET.iter().position(|x| x == c) else { return false };
        values.push(v as u8);
    }
    let mut chk: u32 = 1;
    for v in values {
        let top = chk >> 25;
        chk = ((chk & 0x1ff_ffff) << 5) ^ u32::from(v);
        for (i, g) in GEN.iter().enumerate() {
            if (top >> i) & 1 == 1 {
                chk ^= g;
            }
        }
    }
    chk == 1
}

fn crc32_suffix(secret: &[u8]) -> bool {
    let Some(us) = secret.iter().rposition(|&b| b == b'_') else { return false };
    let body = &secret[us + 1..];
    if body.len() != 36 {
        return false;
    }
    let (random, check) = body.split_at(30);
    base62(crc32fast::hash(random), 6).as_bytes() == check
}

/// Base64 in either alphabet (URL-safe first, then standard), padded or not: tokens, Basic
/// credentials and Kubernetes values are all decoded through here.
pub(crate) fn b64url_decode(part: &[u8]) -> Option<Vec<u8>> {
    let trimmed: Vec<u8> = part.iter().copied().filter(|&b| b != b'=').collect();
    base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(&trimmed)
        .or_else(|_| base64::engine::general_purpose::STANDARD_NO_PAD.decode(&trimmed))
        .ok()
}

fn jwt(secret: &[u8]) -> bool {
    let parts: Vec<&[u8]> = secret.split(|&b| b == b'.').collect();
    if parts.len() != 3 || parts[2].is_empty() {
        return false;
    }
    let Some(header) = b64url_decode(parts[0]) else { return false };
    let Ok(v) = serde_json::from_slice::<serde_json::Value>(&header) else { return false };
    let alg = v.get("alg").and_then(|a| a.as_str());
    matches!(alg, Some(a) if !a.eq_ignore_ascii_case("none")) && b64url_decode(parts[1]).is_some()
}

fn pypi(secret: &[u8]) -> bool {
    let Some(body) = secret.strip_prefix(b"pypi-") else { return false };
    let Some(bytes) = b64url_decode(body) else { return false };
    bytes.len() > 16 && bytes[0] == 2 && memchr::memmem::find(&bytes[..bytes.len().min(64)], b"pypi.org").is_some()
}

fn luhn(secret: &[u8]) -> bool {
    let digits: Vec<u32> = secret.iter().filter(|b| b.is_ascii_digit()).map(|b| (b - b'0') as u32).collect();
    if digits.len() < 12 || secret.iter().any(|b| !(b.is_ascii_digit() || *b == b' ' || *b == b'-')) {
        return false;
    }
    let sum: u32 = digits
        .iter()
        .rev()
        .enumerate()
        .map(|(i, &d)| {
            if i % 2 == 1 {
                let x = d * 2;
                if x > 9 {
                    x - 9
                } else {
                    x
                }
            } else {
                d
            }
        })
        .sum();
    sum % 10 == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    fn github_token(random: &str) -> String {
        format!("ghp_{random}{}", base62(crc32fast::hash(random.as_bytes()), 6))
    }

    #[test]
    fn crc32_tokens() {
        let t = github_token("R2d8Xq0pLm4Nz7Vb1Ct5Yw9Ks3Hj6F");
        assert!(verify(Checksum::GithubCrc32, t.as_bytes()), "{t}");
        let mut bad = t.clone().into_bytes();
        bad[10] ^= 1;
        assert!(!verify(Checksum::GithubCrc32, &bad));
    }

    #[test]
    fn jwt_structure() {
        let good = b"eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U";
        assert!(verify(Checksum::Jwt, good));
        let none = b"eyJhbGciOiJub25lIn0.eyJzdWIiOiIxIn0.x";
        assert!(!verify(Checksum::Jwt, none));
    }

    #[test]
    fn bech32_strings() {
        // BIP-173's valid test vectors, then one character changed and mixed case.
        for v in [
            "A12UEL5L",
            "a12uel5l",
            "abcdef1qpzry9x8gf2tvdw0s3jn54khce6mua7lmqqqxw",
            "split1checkupstagehandshakeupstreamerranterredcaperred2y9e3w",
        ] {
            assert!(verify(Checksum::Bech32, v.as_bytes()), "{v}");
        }
        for v in ["A12UEL5M", "A12uEL5L", "abcdef1qpzry9x8gf2tvdw0s3jn54khce6mua7lmqqqxx", "12uel5l"] {
            assert!(!verify(Checksum::Bech32, v.as_bytes()), "{v}");
        }
        // An age identity encoded as age-keygen does (bech32 of 32 seeded random bytes under
        // `age-secret-key-`), and the all-zero body whose checksum is wrong.
        let key = b"AGE-SECRET-KEY-154XU5XP9XZA36MGN9N0DVGMM9MV3U0MJRL93JUGHGJ2DVJFUN4WQR9928S";
        assert!(verify(Checksum::Bech32, key));
        assert!(!verify(Checksum::Bech32, format!("AGE-SECRET-KEY-1{}", "Q".repeat(58)).as_bytes()));
    }

    #[test]
    fn luhn_numbers() {
        assert!(verify(Checksum::Luhn, b"4111 1111 1111 1111"));
        assert!(!verify(Checksum::Luhn, b"4111 1111 1111 1112"));
    }
}
