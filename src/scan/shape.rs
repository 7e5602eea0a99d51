//! Value shapes that a rule can `reject`: what a generic "secret-like name = value" rule sees
//! most often that is not a credential. Each check is a few byte comparisons on the captured
//! value (and, for `hash`, the captured `key` name).
//!
//! - `identifier`: letters, `_`, `-` and `.` only, no digit, in one case or camelCase with at most
//!   a quarter of the letters upper-case (`PASSWORD_FIELD`, `getToken`, `self.secret`); random
//!   mixed-case letters (`KGzwgZFqRBeNczb`) are not identifiers.
//! - `code`: brackets, a backslash, a backtick, `://`, a `%s`/`%(` format, a call or a dotted path
//!   (`os.environ[`, `request.headers.get(`, `config.db.password`), or a `data:` URI.
//! - `non-secret-key`: the `key` names something about a secret rather than the secret: it ends in
//!   `id`, `name`, `url`, `uri`, `endpoint`, `path`, `file`, `type`, `ref`, `field`, `header`,
//!   `policy`, `length`, `ttl`, `expiry`, `version`, ..., or says `public`, `publishable`, `csrf`.
//! - `uuid`: 8-4-4-4-12 hex.
//! - `hash`: hex or base64 under a name that says hash (`sha`, `md5`, `digest`, `checksum`,
//!   `integrity`, `fingerprint`, `etag`, `hash`), or an SRI value (`sha512-...`).
//! - `path`: starts with `/`, `./`, `../`, `~/` or a drive letter, or ends in a file extension
//!   such as `.pem`, `.key`, `.json`.
//! - `number`: digits with `.`, `-`, `_`, `:` (versions, dates, ports).
//! - `weak`: too little randomness for its alphabet: hex needs 16+ chars and 3.0 bits/byte; values
//!   under 12 chars need letters plus a digit or symbol and 2.5 bits, longer ones 2 classes and 3.0 bits.

use super::entropy::shannon;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shape {
    Identifier,
    Code,
    Uuid,
    Hash,
    Path,
    Number,
    Weak,
    NonSecretKey,
}

impl Shape {
    pub const NAMES: &'static [&'static str] =
        &["identifier", "code", "uuid", "hash", "path", "number", "weak", "non-secret-key"];

    pub fn parse(s: &str) -> Option<Shape> {
        Some(match s {
            "identifier" => Shape::Identifier,
            "code" => Shape::Code,
            "uuid" => Shape::Uuid,
            "hash" => Shape::Hash,
            "path" => Shape::Path,
            "number" => Shape::Number,
            "weak" => Shape::Weak,
            "non-secret-key" => Shape::NonSecretKey,
            _ => return None,
        })
    }

    pub fn name(self) -> &'static str {
        Shape::NAMES[self as usize]
    }

    pub fn matches(self, value: &[u8], key: &[u8]) -> bool {
        match self {
            Shape::Identifier => is_identifier(value),
            Shape::Code => is_code(value),
            Shape::Uuid => is_uuid(value),
            Shape::Hash => is_hash(value, key),
            Shape::Path => is_path(value),
            Shape::Number => is_number(value),
            Shape::Weak => is_weak(value),
            Shape::NonSecretKey => is_non_secret_key(key),
        }
    }
}

fn is_identifier(v: &[u8]) -> bool {
    // snake_case or SCREAMING_SNAKE names, digits allowed (`WIN32_ERROR`, `_bindgen_ty_3`): random
    // tokens mix cases and rarely hold an underscore.
    let snake = v.contains(&b'_')
        && v.iter().all(|b| b.is_ascii_alphanumeric() || *b == b'_')
        && (!v.iter().any(|b| b.is_ascii_lowercase()) || !v.iter().any(|b| b.is_ascii_uppercase()));
    if snake {
        return true;
    }
    if word_like(v) {
        return true;
    }
    // A C type name with a width (`PULONG64`, `DWORD64`, `UINT128`): 4+ capitals then 1-3
    // digits. 8 random base62 characters take that form with odds of about 6e-4, 16 about 5e-7.
    let caps = v.iter().take_while(|b| b.is_ascii_uppercase()).count();
    let digits = v.len() - caps;
    if caps >= 4 && (1..=3).contains(&digits) && v[caps..].iter().all(|b| b.is_ascii_digit()) {
        return true;
    }
    if v.is_empty() || !v.iter().all(|&b| b.is_ascii_alphabetic() || b == b'_' || b == b'-' || b == b'.') {
        return false;
    }
    let letters = v.iter().filter(|b| b.is_ascii_alphabetic()).count();
    let upper = v.iter().filter(|b| b.is_ascii_uppercase()).count();
    // CamelCase names run about 1 capital in 4-6 letters (`DHPrivateKey` 4 in 12); random letters
    // about 1 in 2.
    upper == 0 || upper == letters || upper * 5 <= letters * 2
}

/// Whether `v` reads as words: split at separators, letter/digit changes and lower-to-upper
/// changes, its alphabetic words average 4+ letters over at least two words
/// (`X509CertificateTemplatePrivateKeyFlag`, `OAuth2ClientAuth`, `symbol2number`). Random tokens
/// split into runs of 1-2 letters (`k3Jd9Lq2Xv8R`: k, Jd, Lq, Xv, R).
fn word_like(v: &[u8]) -> bool {
    if v.is_empty() || !v[0].is_ascii_alphabetic() {
        return false;
    }
    if !v.iter().all(|b| b.is_ascii_alphanumeric() || b"_-./".contains(b)) {
        return false;
    }
    let mut words: Vec<usize> = Vec::new();
    let mut cur = 0usize;
    for (i, &b) in v.iter().enumerate() {
        let boundary = i > 0 && b.is_ascii_uppercase() && v[i - 1].is_ascii_lowercase();
        if !b.is_ascii_alphabetic() || boundary {
            if cur > 0 {
                words.push(cur);
            }
            cur = usize::from(b.is_ascii_alphabetic());
        } else {
            cur += 1;
        }
    }
    if cur > 0 {
        words.push(cur);
    }
    let letters: usize = words.iter().sum();
    words.len() >= 2 && letters * 10 >= v.len() * 7 && letters >= 4 * words.len()
}

/// Suffixes (after `_`, `-`, `.` or a camelCase boundary, or the whole key) that name metadata.
const NON_SECRET_SUFFIXES: &[&str] = &[
    "id",
    "ids",
    "name",
    "names",
    "url",
    "uri",
    "urls",
    "endpoint",
    "path",
    "file",
    "filename",
    "dir",
    "type",
    "kind",
    "ref",
    "field",
    "header",
    "param",
    "policy",
    "length",
    "len",
    "count",
    "size",
    "ttl",
    "expiry",
    "expires",
    "expiration",
    "timeout",
    "version",
    "format",
    "prefix",
    "suffix",
    "label",
    "hint",
    "enabled",
    "required",
    "regex",
    "pattern",
    "mode",
    "scope",
    "scopes",
    "arn",
    "location",
    "provider",
    "manager",
    "store",
    "env",
    "var",
    "variable",
    "key_name",
    "keyname",
    "placeholder",
    "hash",
    "digest",
];

fn is_non_secret_key(key: &[u8]) -> bool {
    if key.is_empty() {
        return false;
    }
    let k = String::from_utf8_lossy(key);
    let lower = k.to_ascii_lowercase();
    if ["public", "publishable", "csrf", "xsrf", "::"].iter().any(|w| lower.contains(w)) {
        return true;
    }
    // Pagination, idempotency and sync tokens are opaque cursors, not credentials.
    let squashed: String = lower.chars().filter(|c| c.is_ascii_alphanumeric()).collect();
    if [
        "nexttoken",
        "pagetoken",
        "continuationtoken",
        "clienttoken",
        "synctoken",
        "paginationtoken",
        "resumetoken",
        "idempotencytoken",
        "purchasetoken",
        "verificationtoken",
    ]
    .iter()
    .any(|w| squashed.ends_with(w))
    {
        return true;
    }
    // Split into words at separators and camelCase boundaries; look at the last word.
    let mut words: Vec<String> = Vec::new();
    let mut cur = String::new();
    let chars: Vec<char> = k.trim_matches(|c| c == '"' || c == '\'').chars().collect();
    for (i, &c) in chars.iter().enumerate() {
        if c == '_' || c == '-' || c == '.' {
            if !cur.is_empty() {
                words.push(std::mem::take(&mut cur));
            }
            continue;
        }
        if c.is_ascii_uppercase() && i > 0 && chars[i - 1].is_ascii_lowercase() && !cur.is_empty() {
            words.push(std::mem::take(&mut cur));
        }
        cur.push(c.to_ascii_lowercase());
    }
    if !cur.is_empty() {
        words.push(cur);
    }
    words.last().is_some_and(|w| NON_SECRET_SUFFIXES.contains(&w.as_str()))
}

fn is_code(v: &[u8]) -> bool {
    if v.iter().any(|b| b"()[]{}<>\\;,`".contains(b)) {
        return true;
    }
    if v.windows(2).any(|w| w[0] == b'%' && b"sd(".contains(&w[1])) {
        return true;
    }
    if memchr::memmem::find(v, b"://").is_some() || v.starts_with(b"data:") {
        return true;
    }
    // A path in a type system (`windows_sys::core::PCWSTR`, `AWS::IAM::AccessKey`), a reference,
    // a pointer, a decorator or a colour.
    if memchr::memmem::find(v, b"::").is_some() || v.first().is_some_and(|b| b"&*@#+:".contains(b)) {
        return true;
    }
    // A Rust macro call with a snake_case name (`quote_spanned!`, `include_str!`).
    if let Some(name) = v.strip_suffix(b"!") {
        if name.contains(&b'_') && name.iter().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || *b == b'_') {
            return true;
        }
    }
    // A Rails route target, `controller#action` with one of the seven REST actions
    // (`active_storage/disk#update`, `users#show`); a lowercase password with a `#` in it
    // (`s3cr3tpass#word`) ends in another word.
    if let Some(hash) = v.iter().position(|&b| b == b'#') {
        let (ctrl, action) = (&v[..hash], &v[hash + 1..]);
        let rest = [&b"index"[..], b"show", b"new", b"create", b"edit", b"update", b"destroy"];
        if ctrl.first().is_some_and(|b| b.is_ascii_lowercase())
            && ctrl.iter().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"_/".contains(b))
            && rest.contains(&action)
        {
            return true;
        }
    }
    // A dotted path of identifiers: config.db.password, process.env.TOKEN, this.token.
    let parts: Vec<&[u8]> = v.split(|&b| b == b'.').collect();
    parts.len() >= 2
        && parts.iter().all(|p| {
            !p.is_empty()
                && (p[0].is_ascii_alphabetic() || p[0] == b'_')
                && p.iter().all(|b| b.is_ascii_alphanumeric() || *b == b'_')
        })
}

/// Digits with separators, optionally a hex literal or a numeric type suffix (`12288i32`,
/// `0x80098031_u32`, `1325u32`, `30L`).
fn is_number(v: &[u8]) -> bool {
    let lower = v.to_ascii_lowercase();
    let mut t: &[u8] = &lower;
    for suffix in [
        &b"u8"[..],
        b"u16",
        b"u32",
        b"u64",
        b"u128",
        b"usize",
        b"i8",
        b"i16",
        b"i32",
        b"i64",
        b"i128",
        b"isize",
        b"f32",
        b"f64",
        b"ul",
        b"ll",
        b"l",
        b"u",
    ] {
        if let Some(rest) = t.strip_suffix(suffix) {
            if rest.last().is_some_and(|b| b.is_ascii_digit() || *b == b'_') {
                t = rest;
                break;
            }
        }
    }
    // ISO 8601 dates and times (`2016-04-21T15:33:48Z`).
    if t.len() >= 10 && t[..4].iter().all(|b| b.is_ascii_digit()) && t[4] == b'-' {
        return t.iter().all(|b| b.is_ascii_digit() || b"-:.tz+".contains(b));
    }
    if let Some(hex) = t.strip_prefix(b"0x") {
        return !hex.is_empty() && hex.iter().all(|b| b.is_ascii_hexdigit() || *b == b'_');
    }
    !t.is_empty() && t.iter().all(|b| b.is_ascii_digit() || b".-_:".contains(b))
}

fn is_uuid(v: &[u8]) -> bool {
    let s = v.strip_prefix(b"{").unwrap_or(v);
    let s = s.strip_suffix(b"}").unwrap_or(s);
    s.len() == 36
        && s.iter()
            .enumerate()
            .all(|(i, b)| if [8, 13, 18, 23].contains(&i) { *b == b'-' } else { b.is_ascii_hexdigit() })
}

fn is_hash(v: &[u8], key: &[u8]) -> bool {
    let lower = v.to_ascii_lowercase();
    for p in [&b"sha1-"[..], b"sha256-", b"sha384-", b"sha512-", b"md5-"] {
        if lower.starts_with(p) {
            return true;
        }
    }
    let k = key.to_ascii_lowercase();
    let hashy = [&b"sha"[..], b"md5", b"digest", b"checksum", b"integrity", b"fingerprint", b"etag", b"hash"]
        .iter()
        .any(|w| memchr::memmem::find(&k, w).is_some());
    hashy && v.iter().all(|b| b.is_ascii_alphanumeric() || b"+/=-_".contains(b))
}

fn is_path(v: &[u8]) -> bool {
    if v.starts_with(b"/") || v.starts_with(b"./") || v.starts_with(b"../") || v.starts_with(b"~/") {
        return true;
    }
    if v.len() > 2 && v[0].is_ascii_alphabetic() && v[1] == b':' && (v[2] == b'\\' || v[2] == b'/') {
        return true;
    }
    let lower = v.to_ascii_lowercase();
    [
        ".pem", ".key", ".json", ".txt", ".crt", ".cer", ".p12", ".pfx", ".jks", ".yaml", ".yml", ".env", ".der",
        ".gpg", ".asc", ".pub",
    ]
    .iter()
    .any(|e| lower.ends_with(e.as_bytes()))
}

fn classes_of(v: &[u8]) -> (bool, bool, bool, bool) {
    (
        v.iter().any(|b| b.is_ascii_lowercase()),
        v.iter().any(|b| b.is_ascii_uppercase()),
        v.iter().any(|b| b.is_ascii_digit()),
        v.iter().any(|b| !b.is_ascii_alphanumeric()),
    )
}

fn is_weak(v: &[u8]) -> bool {
    let h = shannon(v);
    let hex = v.iter().all(|b| b.is_ascii_hexdigit());
    if hex {
        return v.len() < 16 || h < 3.0;
    }
    let classes = [
        v.iter().any(|b| b.is_ascii_lowercase()),
        v.iter().any(|b| b.is_ascii_uppercase()),
        v.iter().any(|b| b.is_ascii_digit()),
        v.iter().any(|b| !b.is_ascii_alphanumeric()),
    ]
    .iter()
    .filter(|&&x| x)
    .count();
    if v.len() < 12 {
        // Short values need a digit or a symbol besides letters (`super$ecret`, `hunter22`), not
        // just mixed case (`FooBar`).
        let digit_or_symbol = classes_of(v).2 || classes_of(v).3;
        classes < 2 || !digit_or_symbol || h < 2.5
    } else {
        classes < 2 || h < 3.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shapes() {
        assert!(Shape::Identifier.matches(b"PASSWORD_FIELD", b""));
        assert!(Shape::Identifier.matches(b"getAccessTokenForUser", b""));
        assert!(!Shape::Identifier.matches(b"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", b""));
        assert!(!Shape::Code.matches(b"super$ecret&more", b""));
        assert!(Shape::Code.matches(b"Hello %s", b""));
        assert!(Shape::NonSecretKey.matches(b"x", b"credentialId"));
        assert!(Shape::NonSecretKey.matches(b"x", b"LLM_SECRET_NAME"));
        assert!(Shape::NonSecretKey.matches(b"x", b"dev.credentials.url"));
        assert!(Shape::NonSecretKey.matches(b"x", b"publicToken"));
        assert!(Shape::NonSecretKey.matches(b"x", b"AWS::SecretsManager::Secret"));
        assert!(Shape::Code.matches(b"windows_sys::core::PCWSTR", b""));
        assert!(Shape::Code.matches(b"#ansibrightgreen", b""));
        assert!(Shape::Identifier.matches(b"DHPrivateKey", b""));
        assert!(Shape::Identifier.matches(b"WIN32_ERROR", b""));
        assert!(Shape::Identifier.matches(b"X509CertificateTemplatePrivateKeyFlag", b""));
        assert!(Shape::Identifier.matches(b"OAuth2ClientAuth", b""));
        assert!(Shape::Identifier.matches(b"contrib/credential/osxkeychain", b""));
        assert!(Shape::Identifier.matches(b"PULONG64", b""));
        assert!(Shape::Identifier.matches(b"DWORD64", b""));
        assert!(!Shape::Identifier.matches(b"SCW0W8NG6024YHRJ7723", b""));
        assert!(!Shape::Identifier.matches(b"ABCD12345", b""));
        assert!(Shape::Code.matches(b"quote_spanned!", b""));
        assert!(!Shape::Code.matches(b"Summer2024!", b""));
        assert!(Shape::Code.matches(b"active_storage/disk#update", b""));
        assert!(Shape::Code.matches(b"users#show", b""));
        assert!(!Shape::Code.matches(b"Zr4!tQ9w#Lp2", b""));
        assert!(!Shape::Code.matches(b"s3cr3tpass#word", b""));
        assert!(!Shape::Identifier.matches(b"k3Jd9Lq2Xv8Rm4Tz7Wp1Nc6B", b""));
        assert!(!Shape::Identifier.matches(b"a4a404accd666068fdcbf5d393d59e68", b""));
        assert!(!Shape::Identifier.matches(b"ni0o6x46zceprvuqrt56kjk9", b""));
        assert!(Shape::Number.matches(b"2016-04-21T15:33:48Z", b""));
        assert!(Shape::Identifier.matches(b"_bindgen_ty_3", b""));
        assert!(!Shape::Identifier.matches(b"k3Jd9_Lq2Xv8Rm4Tz7Wp", b""));
        assert!(Shape::NonSecretKey.matches(b"x", b"NextContinuationToken"));
        assert!(!Shape::NonSecretKey.matches(b"x", b"DB_PASSWORD"));
        assert!(!Shape::NonSecretKey.matches(b"x", b"apiKey"));
        assert!(!Shape::Identifier.matches(b"hunter22", b""));
        assert!(Shape::Code.matches(b"os.environ[", b""));
        assert!(Shape::Code.matches(b"config.db.password", b""));
        assert!(!Shape::Code.matches(b"Tr0ub4dor3x", b""));
        assert!(Shape::Uuid.matches(b"123e4567-e89b-12d3-a456-426614174000", b""));
        assert!(Shape::Hash.matches(b"9f86d081884c7d659a2feaa0c55ad015", b"sha256_token"));
        assert!(!Shape::Hash.matches(b"9f86d081884c7d659a2feaa0c55ad015", b"api_token"));
        assert!(Shape::Path.matches(b"/etc/secret", b""));
        assert!(Shape::Path.matches(b"certs/server.key", b""));
        assert!(Shape::Number.matches(b"2024-01-01", b""));
        assert!(Shape::Number.matches(b"983551u32", b""));
        assert!(Shape::Number.matches(b"0x80098031_u32", b""));
        assert!(!Shape::Number.matches(b"9f86d081884c7d65", b""));
        assert!(Shape::Weak.matches(b"aaaaaaaaaaaa", b""));
        assert!(Shape::Weak.matches(b"password", b""));
        assert!(!Shape::Weak.matches(b"q8Xz!p2Lm9", b""));
        assert!(!Shape::Weak.matches(b"super$ecret", b""));
        assert!(Shape::Weak.matches(b"FooBarBaz", b""));
        assert!(!Shape::Weak.matches(b"wJalrXUtnFEMIK7MDENGbPxRfiCYzq3Pk8Nf2a", b""));
    }
}
