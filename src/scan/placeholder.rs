//! Recognises values that only look like credentials: template references (`${VAR}`,
//! `{{ .Values.x }}`, `os.environ[...]`), masks (`****`, `xxxx`), instructions (`YOUR_API_KEY`,
//! `<token>`, `changeme`, `replace-me`), runs of one or a few repeated or sequential characters
//! (along the alphabet or a keyboard row), and base64 that decodes to one of these. Used by
//! `secret` rules (`placeholder = true`, the default) to stay quiet on docs, samples and config
//! templates.
/// Words that mark an instruction rather than a value, when they stand as a word of their own in
/// the value (at an edge, next to a non-letter, or at a camelCase boundary): `YOUR_API_KEY`,
/// `my-example-token`, `changeme123`, `fakeSecret`. Inside random text they do not count, so a
/// 1,700-character key body that happens to contain "mock" is not a placeholder.
const WORDS: &[&str] = &[
    "your",
    "example",
    "changeme",
    "placeholder",
    "replace",
    "insert",
    "redacted",
    "dummy",
    "sample",
    "fake",
    "mock",
    "notreal",
    "here",
    "foobar",
    "lorem",
    "ipsum",
    "todo",
    "fixme",
    "tbd",
    "enter",
    // The example passwords of RFC 7617 (`Aladdin:open sesame`) and of an old IRC joke.
    "sesame",
    "hunter2",
];

/// Runs that mask a value wherever they appear.
const MASKS: &[&str] = &["xxxx", "****", "....", "####", "<<<", ">>>", "•••"];

/// Returns why `secret` is a placeholder, or None when it may be real.
pub fn placeholder_reason(secret: &[u8]) -> Option<&'static str> {
    let s = String::from_utf8_lossy(secret).to_ascii_lowercase();
    let t = s.trim_matches(|c: char| c == '"' || c == '\'' || c.is_whitespace());
    if t.is_empty() {
        return Some("empty value");
    }
    if t.contains("${") || t.contains("{{") || t.contains("$(") || t.contains("%(") || t.contains("#{") {
        return Some("template reference");
    }
    if t.starts_with('$') && t[1..].chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
        return Some("variable reference");
    }
    if (t.starts_with('<') && t.ends_with('>')) || (t.starts_with('[') && t.ends_with(']')) {
        return Some("angle-bracket placeholder");
    }
    if t.starts_with("%") && t.ends_with('%') && t.len() > 2 {
        return Some("variable reference");
    }
    for m in MASKS {
        if t.contains(m) {
            return Some("masked value");
        }
    }
    let original = String::from_utf8_lossy(secret);
    if WORDS.iter().any(|w| has_word(&original, w)) {
        return Some("placeholder word");
    }
    if low_variety(t.as_bytes()) || low_variety(percent_decoded(t).as_bytes()) {
        return Some("repeated or sequential characters");
    }
    if let Some(text) = base64_text(original.trim_matches(|c: char| c == '"' || c == '\'' || c.is_whitespace())) {
        let plain = text.as_bytes();
        let weak_text =
            super::shape::Shape::Identifier.matches(plain, b"") || super::shape::Shape::Weak.matches(plain, b"");
        if WORDS.iter().any(|w| has_word(&text, w)) || low_variety(text.to_ascii_lowercase().as_bytes()) || weak_text {
            return Some("base64 of a placeholder");
        }
    }
    None
}

/// `t` with `%XX` escapes decoded, as a value in a URL or form body is written (`111111%40` is
/// `111111@`); other bytes are kept.
fn percent_decoded(t: &str) -> String {
    let b = t.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        let hex = |c: u8| (c as char).to_digit(16);
        if b[i] == b'%' && i + 2 < b.len() {
            if let (Some(h), Some(l)) = (hex(b[i + 1]), hex(b[i + 2])) {
                out.push((h * 16 + l) as u8);
                i += 3;
                continue;
            }
        }
        out.push(b[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// The text a base64 value encodes, when it is printable ASCII of 8+ characters
/// (`ZXhhbXBsZS1jb29raWUtc2VjcmV0` is `example-cookie-secret`, `c2VjcmV0X2RhdGEx` is the
/// identifier `secret_data1`): Kubernetes manifests and cookie secrets carry their placeholders
/// encoded; a name or a weak word decoded is one too. Random bytes are printable with odds of about
/// (95/256)^8, 4e-4, for the shortest; key material never is.
fn base64_text(v: &str) -> Option<String> {
    if v.len() < 12 || !v.bytes().all(|b| b.is_ascii_alphanumeric() || b"+/=-_".contains(&b)) {
        return None;
    }
    let bytes = super::checksum::b64url_decode(v.as_bytes())?;
    (bytes.len() >= 8 && bytes.iter().all(|b| (0x20..0x7f).contains(b)))
        .then(|| String::from_utf8(bytes).ok())
        .flatten()
}

/// Whether `word` (lowercase) occurs in `s` as a word of its own (case-insensitively).
fn has_word(s: &str, word: &str) -> bool {
    let b = s.as_bytes();
    let lower = s.to_ascii_lowercase();
    let mut from = 0;
    while let Some(i) = lower[from..].find(word) {
        let start = from + i;
        let end = start + word.len();
        let left = start == 0
            || !b[start - 1].is_ascii_alphabetic()
            || (b[start - 1].is_ascii_lowercase() && b[start].is_ascii_uppercase());
        let right = end == b.len()
            || !b[end].is_ascii_alphabetic()
            || (b[end - 1].is_ascii_lowercase() && b[end].is_ascii_uppercase());
        if left && right {
            return true;
        }
        from = start + 1;
    }
    false
}

/// True for strings made of very few distinct characters or one long ascending run, e.g.
/// `aaaaaaaa`, `abababab`, `12345678`, `abcdefghijklmnop`.
fn low_variety(b: &[u8]) -> bool {
    if b.len() < 8 {
        return false;
    }
    let mut seen = [false; 256];
    let mut distinct = 0;
    for &c in b {
        if !seen[c as usize] {
            seen[c as usize] = true;
            distinct += 1;
        }
    }
    if distinct <= 3 {
        return true;
    }
    // Longest run of consecutive ascending characters (abc..., 123...). Keyboard rows count only
    // in `all_in_runs`: mixed with the alphabet they make 6-runs too common in long base64
    // (`tuvbno` in a Cloudflare tunnel token).
    let mut best = 1;
    let mut run = 1;
    for w in b.windows(2) {
        if w[1] == w[0].wrapping_add(1) {
            run += 1;
            best = best.max(run);
        } else {
            run = 1;
        }
    }
    // A run of 6 ascending characters (abcdef, 123456) is a human pattern: in random base62 it
    // occurs about once in 10^9 positions.
    best >= 6 || (best * 2 >= b.len() && best >= 4) || all_in_runs(b)
}

/// Whether `b` comes right after `a` in the alphabet, on the number row or along a letter row of
/// a QWERTY keyboard (`asdfqwer1234` is typed, not generated). With the keyboard rows about 2 in 36
/// lowercase base36 pairs follow each other, against 1 in 36 for the alphabet alone.
fn follows(a: u8, b: u8) -> bool {
    const ROWS: [&[u8]; 3] = [b"qwertyuiop", b"asdfghjkl", b"zxcvbnm"];
    b == a.wrapping_add(1) || ROWS.iter().any(|row| row.windows(2).any(|w| w[0] == a && w[1] == b))
}

/// Whether every character is in an ascending run of 3 or more (`AbCeFG123` lowercased: abc, efg,
/// 123): a value typed along the alphabet and the number row. In eight random base36 characters
/// at least six would each have to follow their predecessor (runs of 3+ leave at most two run
/// starts): odds of about 36^-6 per arrangement.
fn all_in_runs(b: &[u8]) -> bool {
    let mut run = 1;
    for i in 1..=b.len() {
        if i < b.len() && follows(b[i - 1], b[i]) {
            run += 1;
            continue;
        }
        if run < 3 {
            return false;
        }
        run = 1;
    }
    true
}

#[cfg(test)]
mod tests {
    use super::placeholder_reason as p;

    #[test]
    fn placeholders() {
        for s in [
            "${API_KEY}",
            "{{ .Values.token }}",
            "YOUR_API_KEY_HERE",
            "<your-token>",
            "my-example-token",
            "fakeSecretValue1",
            "changeme123",
            "changeme",
            "xxxxxxxxxxxx",
            "********",
            "$TOKEN",
            "abcdefghijklmnop",
            "1234567890123",
            "AbCeFG123",
            "abc123xyz789",
            "ghp_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
            "ZXhhbXBsZS1jb29raWUtc2VjcmV0enp6",
            "1111%401111",
            "asdfqwer1234asdf",
            "QWxhZGRpbjpvcGVuIHNlc2FtZQ==",
            "c2VjcmV0X2RhdGEx",
        ] {
            assert!(p(s.as_bytes()).is_some(), "{s}");
        }
    }

    #[test]
    fn real_looking() {
        for s in [
            "ghp_R2d8Xq0pLm4Nz7Vb1Ct5Yw9Ks3Hj6Fg0Ea1b",
            "wJalrXUtnFEMI/K7MDENG/bPxRfiCYzq3Pk8Nf2a",
            "Tr0ub4dor&3x",
            "-----BEGIN TEST KEY-----",
            "a8Kmockz9Qyourp2",
            "abc7Qx9Lm2",
            "Xk3abcQ9z8Wm",
            "WnI0IXRROXcjTHAyeEs4bU4z",
        ] {
            assert!(p(s.as_bytes()).is_none(), "{s}");
        }
    }
}
