//! Value shapes that a rule can `reject`: what a generic "secret-like name = value" rule sees
//! most often that is not a credential. Each check is a few byte comparisons on the captured
//! value (and, for `hash`, the captured `key` name).
//!
//! - `identifier`: snake_case in one case (`PASSWORD_FIELD`, `WIN32_ERROR`) unless a part is a
//!   24+ character random body (`sk_prod_qy8buc8i...`); words run together with digits whose letter
//!   pairs read as words (`oauth2client`); letters, `_`, `-` and `.` in one case or camelCase with
//!   at most 2 capitals in 5 letters (`getToken`, `self.secret`); random mixed-case letters
//!   (`KGzwgZFqRBeNczb`) are not identifiers.
//! - `code`: brackets, a backslash, a backtick, `://`, a `%s`/`%(` format, a call or a dotted path
//!   (`os.environ[`, `request.headers.get(`, `config.db.password`), or a `data:` URI.
//! - `non-secret-key`: the `key` names something about a secret rather than the secret: it ends in
//!   `id`, `name`, `url`, `uri`, `endpoint`, `path`, `file`, `type`, `ref`, `field`, `header`,
//!   `policy`, `length`, `ttl`, `expiry`, `version`, ..., or says `public`, `publishable`, `csrf`,
//!   `authenticity` (Rails' CSRF token).
//! - `uuid`: 8-4-4-4-12 hex.
//! - `hash`: hex or base64 under a name that says hash (`sha`, `md5`, `digest`, `checksum`,
//!   `integrity`, `fingerprint`, `etag`, `hash`), or an SRI value (`sha512-...`).
//! - `path`: starts with `/`, `./`, `../`, `~/` or a drive letter, or ends in a file extension
//!   such as `.pem`, `.key`, `.json`.
//! - `number`: digits with `.`, `-`, `_`, `:` (versions, dates, ports); not 24+ bare digits that
//!   look random (a secret written in decimal).
//! - `weak`: too little randomness for its alphabet: hex needs 16+ chars and 3.0 bits/byte; values
//!   under 12 chars need letters plus a digit or symbol and 2.5 bits, longer ones 2 classes and 3.0 bits;
//!   a word followed by `123...` (`minio123`, `Forge123`) is a dev-service default; `user:password`
//!   is weak when its password is a word, a placeholder, a default or the user name again.
//! - `not-basic-auth`: anything but base64 of `user:password` (HTTP Basic credentials) whose
//!   password has 6+ characters and is neither `weak` nor a placeholder. For rules whose name
//!   alone (`user_auth`, `basicAuth`) does not say the value is a credential.
//! - `certificate`: a certificate or public key (PEM, or base64 of PEM), or a value under a
//!   certificate name (`tls.crt`, `ca.crt`, `tls.ca`): public by design.

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
    NotBasicAuth,
    Certificate,
}

impl Shape {
    pub const NAMES: &'static [&'static str] = &[
        "identifier",
        "code",
        "uuid",
        "hash",
        "path",
        "number",
        "weak",
        "non-secret-key",
        "not-basic-auth",
        "certificate",
    ];

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
            "not-basic-auth" => Shape::NotBasicAuth,
            "certificate" => Shape::Certificate,
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
            Shape::NotBasicAuth => !is_basic_auth(value),
            Shape::Certificate => is_certificate(value, key),
        }
    }
}

fn is_identifier(v: &[u8]) -> bool {
    // snake_case or SCREAMING_SNAKE names, digits allowed (`WIN32_ERROR`, `_bindgen_ty_3`): random
    // tokens mix cases and rarely hold an underscore.
    let snake = v.contains(&b'_')
        && v.iter().all(|b| b.is_ascii_alphanumeric() || *b == b'_')
        && (!v.iter().any(|b| b.is_ascii_lowercase()) || !v.iter().any(|b| b.is_ascii_uppercase()));
    if snake && !v.split(|&b| b == b'_').any(random_segment) {
        return true;
    }
    // kebab-case or snake_case of lowercase words and numbers (`pm-37165-rotate-user-api-key-command`,
    // a feature-flag name): two or more word parts, every part all letters or all digits.
    let parts: Vec<&[u8]> = v.split(|&b| b == b'-' || b == b'_').collect();
    let word_parts = parts.iter().filter(|p| !p.is_empty() && p.iter().all(u8::is_ascii_lowercase)).count();
    if parts.len() >= 3
        && word_parts >= 2
        && parts
            .iter()
            .all(|p| !p.is_empty() && (p.iter().all(u8::is_ascii_lowercase) || p.iter().all(u8::is_ascii_digit)))
    {
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

/// Whether one `_`-separated part of a snake_case value is a random body rather than a word: 24+
/// letters and digits, both present, with implausible letter pairs (`sk_prod_qy8buc8ilotk0gpow9...`,
/// a token with a prefix). The longest parts of real snake_case names are words run together
/// (`getaddrinfo`, `x509certificate`), and none of the 3,080 names with digits behind
/// `plausible_pairs`' figures has a part this long that fails the pair test.
fn random_segment(part: &[u8]) -> bool {
    part.len() >= 24
        && part.iter().any(u8::is_ascii_digit)
        && part.iter().any(u8::is_ascii_alphabetic)
        && !plausible_pairs(part)
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
        // A digit inside a capitalised acronym (`S2A`, `X509V3` in `transportCredsForS2A`) does
        // not end the word.
        let in_acronym = b.is_ascii_digit()
            && i > 0
            && v[i - 1].is_ascii_uppercase()
            && v.get(i + 1).is_some_and(u8::is_ascii_uppercase);
        if in_acronym {
            continue;
        }
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
    if !(words.len() >= 2 && letters * 10 >= v.len() * 7 && letters >= 4 * words.len()) {
        return false;
    }
    // Lowercase letters split by digits are words only if their letter pairs are: random base36
    // with few digits also splits into long runs (`qy8bucilotkgpowuolalnfug6y`: qy, bucilotkg...).
    let lower_digits = !v.iter().any(|b| b.is_ascii_uppercase()) && v.iter().any(|b| b.is_ascii_digit());
    !lower_digits || plausible_pairs(v)
}

/// Whether the letter pairs inside `v`'s letter runs are, on average, at least about as likely in
/// identifier words as in random letters: mean of `BIGRAM_LLR` (log2 of P(pair in identifier
/// words) / P(pair in random letters), in tenths of a bit) at least -0.25 bits. Of random
/// lowercase strings with 1-3 digits that `word_like` accepts by word length alone, 98.9% with
/// 20-30 letter pairs fall below; of 3,080 lowercase identifiers with digits taken from the noise
/// corpus (`symbol2number`, `ipv4address`, `oauth2client`), 10 do, all of them snake_case or dotted
/// (caught by the other shapes) or binary junk (`kakqk96rlme`).
fn plausible_pairs(v: &[u8]) -> bool {
    let (mut sum, mut n) = (0i64, 0i64);
    for w in v.windows(2) {
        let (a, b) = (w[0].to_ascii_lowercase(), w[1].to_ascii_lowercase());
        if a.is_ascii_lowercase() && b.is_ascii_lowercase() {
            sum += i64::from(BIGRAM_LLR[usize::from(a - b'a')][usize::from(b - b'a')]);
            n += 1;
        }
    }
    // Fewer than 12 pairs (values under about 15 characters) keep the word-length verdict: the
    // mean of a few pairs is noisy (1.3% of real names with 4-10 pairs score below). Of the 277
    // distinct lowercase names with digits and 12-19 pairs in the 1.19 GB noise corpus, the 35
    // that score below are random test data (`rl4jhdws3r4lkfvq8kx6c4xnr`), keyboard runs and one
    // real name (`gslsflog1plusxmx`); 96% of random 20-character base36 values with 12+ pairs do.
    n < 12 || sum * 4 >= -10 * n
}

/// Letter pairs in identifier words against random letters: log2(P(ab in words) / (1/676)) in
/// tenths of a bit, row = first letter. Made by scripts/bigram-table.py from the identifiers of the
/// Python 3.11 standard library and the crates in the cargo registry.
#[rustfmt::skip]
const BIGRAM_LLR: [[i8; 26]; 26] = [
    [6, 17, 19, 17, -9, -5, 8, -21, 8, -39, -5, 25, 15, 24, -26, 13, -39, 27, 19, 30, 0, -6, -12, -4, -4, -21],
    [11, -3, -2, -12, 5, -14, -32, -36, 8, -18, -42, 14, -24, -28, 2, -21, -51, -1, -1, -19, 3, -43, -38, -39, -11, -41],
    [20, -12, 2, -4, 16, -9, -7, 17, 5, -39, 13, 8, -8, -14, 25, -8, -32, 7, 4, 15, 1, -15, -30, -33, -13, -47],
    [10, -9, -5, 6, 27, -4, -17, -28, 20, -34, -39, -2, -17, -18, 7, -15, -30, 4, 4, -7, -3, -22, -23, -33, -24, -46],
    [18, -2, 21, 28, 10, 13, 3, -17, -2, -36, -19, 18, 12, 29, -8, 8, -3, 34, 30, 26, -12, 5, -2, 14, -8, -29],
    [4, -12, -5, -2, 6, 12, -17, -37, 16, -55, -37, 3, -18, -21, 10, -13, -53, 1, 0, -6, -4, -41, -35, -41, -22, -57],
    [-3, -28, -19, -24, 20, -26, -16, -1, 3, -53, -39, -6, -17, -4, -7, -19, -51, 6, 2, -16, -7, -31, -37, -45, -39, -47],
    [13, -30, -26, -17, 13, -28, -35, -29, 8, -59, -32, -19, -18, -27, 8, -29, -57, -7, -16, -6, -12, -42, -27, -62, -21, -45],
    [8, 4, 17, 15, 7, 8, 13, -36, -23, -26, -24, 16, 14, 38, 23, 4, -37, 8, 21, 23, -30, 4, -20, -10, -55, 7],
    [-23, -59, -40, -53, -17, -53, -62, -55, -28, -75, -25, -52, -53, -59, -20, -49, -85, -57, -30, -49, -21, -75, -62, -59, -65, -69],
    [-11, -27, -21, -18, 9, -29, -28, -26, -2, -55, -48, -15, -34, -22, -22, -25, -48, -21, -4, -20, -25, -38, -32, -69, -32, -69],
    [19, -20, -11, 3, 28, -14, -25, -31, 25, -46, -14, 17, -15, -18, 19, -10, -45, -19, 3, 5, 0, -21, -31, -47, 10, -47],
    [22, -4, -20, -14, 22, -24, -34, -40, 13, -57, -25, -13, -3, -17, 10, 12, -52, -23, 2, -11, -1, -37, -40, -41, -24, -62],
    [17, -18, 15, 20, 21, 7, 26, -20, 12, -32, -5, -6, -14, -3, 16, -7, -33, -13, 18, 26, 0, -6, -21, -35, -19, -39],
    [-8, -2, 18, 10, -21, -1, -1, -24, -5, -31, -8, 14, 13, 30, 8, 13, -46, 24, 12, 11, 14, -1, 7, -15, -30, -40],
    [18, -23, -7, -15, 19, -16, -22, -5, 7, -59, -29, 10, -20, -23, 13, 8, -32, 18, 2, 7, -1, -30, -24, -37, -10, -62],
    [-39, -49, -40, -41, -45, -53, -57, -55, -46, -69, -75, -35, -51, -46, -57, -48, -36, -30, -31, -44, 3, -69, -53, -85, -65, -62],
    [24, -12, 6, 4, 34, -9, -2, -28, 23, -43, -6, -4, 5, -1, 21, -3, -33, 7, 17, 13, 1, -9, -18, -30, -2, -43],
    [8, -17, 11, -12, 28, -16, -10, 11, 23, -46, -4, -1, -6, -12, 7, 11, -22, -7, 13, 30, 13, -22, -12, -33, -2, -26],
    [23, -11, 5, -6, 31, -5, -23, 15, 30, -48, -25, 4, -4, -11, 17, -1, -33, 22, 15, 8, 5, -18, -15, -14, 7, -25],
    [-3, 4, -3, -11, 0, -5, -13, -41, -2, -51, -34, 9, 4, 20, -19, 5, -59, 11, 12, 12, -30, -33, -42, -25, -51, -38],
    [6, -32, -25, -32, 17, -25, -37, -40, 3, -69, -55, -26, -19, -30, -15, -26, -44, -26, -16, -23, -45, -34, -36, -52, -51, -49],
    [4, -33, -21, -23, -2, -28, -45, -17, 1, -59, -44, -24, -31, -9, -9, -26, -59, -8, -7, -23, -38, -53, -33, -32, -55, -59],
    [-16, -29, -12, -23, -8, -14, -45, -33, -12, -65, -49, -28, -26, -34, -26, -6, -49, -27, -21, 0, -38, -41, -44, -13, -28, -57],
    [-21, -30, -24, -31, -18, -33, -38, -51, -19, -62, -59, -19, -16, -11, -27, 0, -75, -25, -5, -10, -42, -34, -36, -47, -18, -31],
    [-12, -43, -39, -44, 5, -44, -51, -48, -16, -85, -65, -46, -49, -62, -25, -46, -51, -52, -39, -47, -49, -69, -57, -65, -44, -17],
];

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
    // A plural names where secrets are kept (`keyVaultToStoreSecrets: cmp2-qat-...`, `secrets:` in
    // a CI file), not one secret.
    "secrets",
    "namespace",
    // `credentials.username: ...` names the account, not its secret.
    "username",
    "user",
    "email",
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
    // `authenticity_token` is the name Rails gives its per-session CSRF token in every form.
    if ["public", "publishable", "csrf", "xsrf", "authenticity", "::"].iter().any(|w| lower.contains(w)) {
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
    // A PHP or Perl variable and what follows it (`$request->headers->get(...)`, cut at `>` by the
    // rule's value class to `$request-`), a negation (`!this.token`), a nullable type
    // (`ServerAuthenticationConverter?` in `var token: ServerAuthenticationConverter? = null`).
    if let Some(rest) = v.strip_prefix(b"$") {
        let ident = rest.iter().take_while(|b| b.is_ascii_alphanumeric() || **b == b'_').count();
        if ident > 0 && rest[0].is_ascii_alphabetic() && (ident == rest.len() || b"-[:.".contains(&rest[ident])) {
            return true;
        }
    }
    if v.len() > 1 && v[0] == b'!' && (v[1].is_ascii_alphabetic() || v[1] == b'_' || v[1] == b'$') {
        return true;
    }
    // Optional chaining (`signup.Keys?.WrappedPrivateKey`, `e?.clientPrivateKey`).
    if v.windows(3).any(|w| w[0] == b'?' && w[1] == b'.' && (w[2].is_ascii_alphabetic() || w[2] == b'_')) {
        return true;
    }
    if let Some(name) = v.strip_suffix(b"?") {
        if !name.is_empty() && is_identifier(name) {
            return true;
        }
    }
    // A reference into a secret store or config tree written as `name:name` (`anthropic:api-key`,
    // `vault:db-password`): every part reads as a name; `user:Zr4!tQ9w` does not.
    let colon_parts: Vec<&[u8]> = v.split(|&b| b == b':').collect();
    if colon_parts.len() >= 2
        && colon_parts.iter().all(|p| p.len() >= 2 && p[0].is_ascii_alphabetic() && is_identifier(p))
    {
        return true;
    }
    // A Smithy shape ID or a Javadoc member reference (`smithy.api#httpApiKeyAuth`,
    // `TokenService#refresh`): a dotted or capitalised name, `#`, a camelCase member.
    if let Some(hash) = v.iter().position(|&b| b == b'#') {
        let (owner, member) = (&v[..hash], &v[hash + 1..]);
        let dotted = owner.contains(&b'.') || owner.first().is_some_and(u8::is_ascii_uppercase);
        if dotted
            && is_identifier_chars(owner)
            && member.first().is_some_and(u8::is_ascii_lowercase)
            && member.iter().all(u8::is_ascii_alphanumeric)
            && is_identifier(member)
        {
            return true;
        }
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
    // A dotted path of identifiers: config.db.password, process.env.TOKEN, this.token; also with
    // C#'s null-forgiving `!` (`user.PrivateKey!`).
    let v = v.strip_suffix(b"!").unwrap_or(v);
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
    if is_version_constraint(v) {
        return true;
    }
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
    // A long run of bare digits spread over the whole alphabet is a random value written in
    // decimal, not a quantity: 24 digits are 80 bits, more than any count, timestamp (10-19
    // digits), snowflake ID (17-19) or card number (16). Versions, dates and IDs with separators
    // stay numbers.
    let random_decimal = t.len() >= 24 && t.iter().all(u8::is_ascii_digit) && shannon(t) >= 3.0;
    !random_decimal && !t.is_empty() && t.iter().all(|b| b.is_ascii_digit() || b".-_:".contains(b))
}

/// A dependency version range as package managers write it (`^6.4|^7.0`, `npm:^4.0.0`,
/// `>=1.2,<2`, `~2.1.*`): a package named `password-hasher` or `js-tokens` looks like a secret-like
/// name to the generic rules.
fn is_version_constraint(v: &[u8]) -> bool {
    let v = v.strip_prefix(b"npm:").unwrap_or(v);
    let mut any_operator = false;
    let pieces = v.split(|b| b"|,".contains(b)).filter(|p| !p.is_empty());
    let mut n = 0;
    for piece in pieces {
        n += 1;
        let ops = piece.iter().take_while(|b| b"^~<>=!v".contains(b)).count();
        any_operator |= ops > 0;
        let rest = &piece[ops..];
        if rest.is_empty()
            || !rest[0].is_ascii_digit()
            || !rest.iter().all(|b| b.is_ascii_digit() || b".*x-".contains(b))
        {
            return false;
        }
    }
    n > 0 && (any_operator || v.starts_with(b"npm:"))
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

fn is_identifier_chars(v: &[u8]) -> bool {
    !v.is_empty() && v.iter().all(|b| b.is_ascii_alphanumeric() || b"_.".contains(b))
}

fn is_path(v: &[u8]) -> bool {
    if v.starts_with(b"/") || v.starts_with(b"./") || v.starts_with(b"../") || v.starts_with(b"~/") {
        return true;
    }
    if v.len() > 2 && v[0].is_ascii_alphabetic() && v[1] == b':' && (v[2] == b'\\' || v[2] == b'/') {
        return true;
    }
    // A relative path of lowercase names (`path/to/id_ecdsa`, `secrets/prod/db`): secrets written
    // with `/` are base64, which mixes cases.
    let segments: Vec<&[u8]> = v.split(|&b| b == b'/').collect();
    if segments.len() >= 2
        && segments.iter().all(|s| {
            s.iter().any(u8::is_ascii_lowercase)
                && s.iter().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"_.-".contains(b))
        })
    {
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

/// Base64 of `user:password`: the user 1-64 printable ASCII bytes without a space, the password
/// 6+ bytes without control bytes, at least 4 in 5 of them printable ASCII (a few UTF-8 bytes are
/// allowed), and neither `weak` nor a placeholder. Random base64 decodes to that shape rarely: the
/// bytes before the first `:` are all printable ASCII with odds 94/256 each, and the password
/// holds no control byte (33 of 256 values) over 20 bytes with odds of about 6%.
fn is_basic_auth(v: &[u8]) -> bool {
    let body: Vec<u8> = v.iter().copied().take_while(|&b| b != b'=').collect();
    let Some(d) = super::checksum::b64url_decode(&body) else { return false };
    let Some(colon) = d.iter().position(|&b| b == b':') else { return false };
    let (user, pass) = (&d[..colon], &d[colon + 1..]);
    let printable = |b: &u8| (0x21..=0x7e).contains(b);
    if user.is_empty() || user.len() > 64 || !user.iter().all(printable) || pass.len() < 6 {
        return false;
    }
    if pass.iter().any(|&b| b < 0x20 || b == 0x7f) || pass.iter().filter(|b| printable(b)).count() * 5 < pass.len() * 4
    {
        return false;
    }
    !is_weak(pass) && super::placeholder::placeholder_reason(pass).is_none()
}

/// A word followed by the start of the number row and at most one symbol (`minio123`,
/// `Forge123`, `admin1234!`, `test0123`): the default passwords of dev containers and CI services.
/// Only runs that start at 0 or 1 count: `hunter42` or `Tiger937` may be someone's real password.
fn demo_password(v: &[u8]) -> bool {
    let v = match v.last() {
        Some(b) if !b.is_ascii_alphanumeric() => &v[..v.len() - 1],
        _ => v,
    };
    let letters = v.iter().take_while(|b| b.is_ascii_alphabetic()).count();
    let digits = &v[letters..];
    let word = &v[..letters];
    (3..=12).contains(&letters)
        && word[1..].iter().all(u8::is_ascii_lowercase)
        && digits.len() >= 3
        && (digits[0] == b'0' || digits[0] == b'1')
        && digits.windows(2).all(|w| w[1] == w[0].wrapping_add(1))
}

/// A certificate or public key, which is public: the `key` names a certificate slot (`tls.crt`,
/// `ca.crt`, `tls.ca`, `ca`, `ca-bundle.pem` is not: a `.pem` may hold a key), or the value, as
/// text or base64, starts a PEM certificate or public key (`LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0t`).
fn is_certificate(v: &[u8], key: &[u8]) -> bool {
    let key = key.to_ascii_lowercase();
    let last = key.rsplit(|&b| b == b'.').next().unwrap_or(&key);
    if key.ends_with(b".crt") || key.ends_with(b".cer") || last == b"ca" || key == b"ca-bundle" || key == b"cacert" {
        return true;
    }
    const PUBLIC: [&[u8]; 4] = [
        b"-----BEGIN CERTIFICATE",
        b"-----BEGIN TRUSTED CERTIFICATE",
        b"-----BEGIN PUBLIC KEY",
        b"-----BEGIN X509 CRL",
    ];
    if PUBLIC.iter().any(|p| v.starts_with(p)) {
        return true;
    }
    let head = &v[..v.len().min(48) / 4 * 4];
    super::checksum::b64url_decode(head)
        .is_some_and(|text| PUBLIC.iter().any(|p| text.starts_with(&p[..p.len().min(text.len())]) && text.len() >= 22))
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
    if demo_password(v) {
        return true;
    }
    // `user:password` (a `curl -u` argument): weak when the password is a word, a placeholder, a
    // dev default, one or two characters repeated or the user name again (`elastic:secret`,
    // `Administrator:111111`). Not by length or entropy alone: short random halves are formats of
    // their own (Sidekiq's `8hex:8hex`).
    if let Some(colon) = v.iter().position(|&b| b == b':') {
        let (user, pass) = (&v[..colon], &v[colon + 1..]);
        if !user.is_empty()
            && !pass.is_empty()
            && user.iter().all(|b| b.is_ascii_alphanumeric() || b"_.-@".contains(b))
            && !pass.contains(&b':')
        {
            let mut distinct = pass.to_vec();
            distinct.sort_unstable();
            distinct.dedup();
            let one_char = distinct.len() <= 2 && pass.len() >= 4;
            // A word: lowercase letters, perhaps capitalised (`secret`, `Secret`); random
            // letters mix cases (`yqDVtkqPECriaLRi`).
            let word =
                pass.first().is_some_and(u8::is_ascii_alphabetic) && pass[1..].iter().all(u8::is_ascii_lowercase);
            return one_char
                || word
                || pass == user
                || demo_password(pass)
                || super::placeholder::placeholder_reason(pass).is_some();
        }
    }
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
        assert!(Shape::NonSecretKey.matches(b"x", b"authenticity_token"));
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
        assert!(!Shape::Number.matches(b"16889340080736398203560309147797", b""), "random 32-digit value");
        assert!(Shape::Number.matches(b"^6.4|^7.0", b""));
        assert!(Shape::Number.matches(b"npm:^4.0.0", b""));
        assert!(Shape::Number.matches(b">=1.2,<2", b""));
        assert!(!Shape::Number.matches(b"^Zr4tQ9wLp2", b""));
        assert!(Shape::Code.matches(b"$request-", b""), "PHP variable cut at ->");
        assert!(Shape::Code.matches(b"$this->token", b""));
        assert!(!Shape::Code.matches(b"$Zr4!tQ9w#Lp2", b""), "a password starting with $ and a symbol");
        assert!(Shape::Code.matches(b"!this.requireVerificationCredentials", b""));
        assert!(Shape::Code.matches(b"ServerAuthenticationConverter?", b""));
        assert!(Shape::Code.matches(b"anthropic:api-key", b""));
        assert!(!Shape::Code.matches(b"deploy:Zr4tQ9wLp2", b""));
        assert!(Shape::Code.matches(b"smithy.api#httpApiKeyAuth", b""));
        assert!(Shape::Code.matches(b"signup.Keys?.WrappedPrivateKey", b""));
        assert!(Shape::Code.matches(b"user.PrivateKey!", b""));
        assert!(Shape::Identifier.matches(b"pm-37165-rotate-user-api-key-command", b""));
        assert!(!Shape::Identifier.matches(b"k3jd9-lq2xv-8rm4t", b""));
        assert!(Shape::Path.matches(b"path/to/id_ecdsa", b""));
        assert!(!Shape::Path.matches(b"wJalrXUtnFEMI/K7MDENG/bPxRfiCYzq3Pk8Nf2a", b""));
        assert!(Shape::NonSecretKey.matches(b"x", b"secretNamespace"));
        assert!(Shape::NonSecretKey.matches(b"x", b"vcap.services.mysql.credentials.username"));
        assert!(Shape::Number.matches(b"100000000000000000000000000", b""), "a power of ten is a quantity");
        assert!(Shape::Number.matches(b"1234-5678-9012-3456-7890-1234", b""));
        assert!(!Shape::Identifier.matches(b"sk_prod_qy8buc8ilotk0gpow9uolalnfug6yxz3gdtoblfc2", b""));
        assert!(Shape::Identifier.matches(b"test_x509certificatetemplateprivatekey_v2", b""));
        assert!(Shape::Weak.matches(b"aaaaaaaaaaaa", b""));
        assert!(Shape::Weak.matches(b"password", b""));
        assert!(!Shape::Weak.matches(b"q8Xz!p2Lm9", b""));
        assert!(!Shape::Weak.matches(b"super$ecret", b""));
        assert!(Shape::Weak.matches(b"FooBarBaz", b""));
        assert!(Shape::Weak.matches(b"minio123", b""));
        assert!(Shape::Weak.matches(b"elastic:secret", b""));
        assert!(Shape::Weak.matches(b"Administrator:111111", b""));
        assert!(Shape::Weak.matches(b"Administrator:111111@", b""));
        assert!(Shape::Weak.matches(b"dillon-service-2:dillon-service-2", b""));
        assert!(!Shape::Weak.matches(b"deploy:fMXBrwOb3LZok8HD", b""));
        assert!(!Shape::Weak.matches(b"c0ffee42:4f2a9b1d", b""), "Sidekiq's 8hex:8hex");
        assert!(!Shape::Weak.matches(b"developer:yqDVtkqPECriaLRi", b""));
        assert!(Shape::Weak.matches(b"Forge123", b""));
        assert!(Shape::Weak.matches(b"admin1234!", b""));
        assert!(!Shape::Weak.matches(b"hunter42x!", b""));
        assert!(!Shape::Weak.matches(b"Tiger937!", b""));
        assert!(!Shape::Weak.matches(b"wJalrXUtnFEMIK7MDENGbPxRfiCYzq3Pk8Nf2a", b""));
    }

    #[test]
    fn identifiers_with_digits_against_random_base36() {
        // Names from real code: lowercase words joined by digits, snake_case, camelCase.
        for v in [
            "symbol2number",
            "ipv4address",
            "oauth2client",
            "x509certificate",
            "utf8encode",
            "python3config",
            "s3bucketname",
            "http2server",
            "read4bytes",
            "tokens2json",
            "go1compat",
            "amd64linux",
            "WIN32_ERROR",
            "_bindgen_ty_3",
            "getAccessTokenForUser",
            "OAuth2ClientAuth",
            "X509CertificateTemplatePrivateKeyFlag",
            "transportCredsForS2A",
        ] {
            assert!(Shape::Identifier.matches(v.as_bytes(), b""), "{v}");
        }
        // Random lowercase base36 with few digits: long letter runs, implausible letter pairs.
        for v in ["qy8bucilotkgpowuolalnfug6y", "rwkzpqmnbv4tlxhgydfcsj7eoqa", "ni0o6x46zceprvuqrt56kjk9"] {
            assert!(!Shape::Identifier.matches(v.as_bytes(), b""), "{v}");
        }
        // From 12 letter pairs the pairs decide (a 20-character Looker client ID has 16); under
        // 12 the word-length verdict stands (a 15-character Dropbox app key has 10).
        assert!(!Shape::Identifier.matches(b"lpjcpgbuiynv28tvamhk", b""));
        assert!(Shape::Identifier.matches(b"cklxph0f6imanwd", b""));
        // 200 seeded random strings of 30 lowercase letters with two digits inside: by word length
        // alone every one reads as words; the letter pairs give nearly all of them away.
        let mut rng = crate::testkit::Rng::new(26);
        let passed = (0..200)
            .filter(|_| {
                let mut v = rng.string(b"abcdefghijklmnopqrstuvwxyz", 30).into_bytes();
                for _ in 0..2 {
                    let at = 1 + rng.below(29);
                    v[at] = b'0' + rng.below(10) as u8;
                }
                Shape::Identifier.matches(&v, b"")
            })
            .count();
        assert!(passed <= 10, "{passed} of 200 random lowercase base36 strings read as identifiers");
    }

    #[test]
    fn certificates() {
        let cert = b"LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0tCk1JSURYVENDQWtXZ0F3SUJBZ0lKQUtI";
        assert!(Shape::Certificate.matches(cert, b"tls.whatever"));
        assert!(Shape::Certificate.matches(b"VEVTVFJPT1RDQVMx", b"tls.ca"));
        assert!(Shape::Certificate.matches(b"Q0EyLXNlY3JldA==", b"ca.crt"));
        assert!(Shape::Certificate.matches(b"-----BEGIN PUBLIC KEY-----", b"pub"));
        let key = b"LS0tLS1CRUdJTiBSU0EgUFJJVkFURSBLRVktLS0tLQpNSUlFb3dJQkFBS0NBUUVB";
        assert!(!Shape::Certificate.matches(key, b"tls.key"));
        assert!(!Shape::Certificate.matches(b"c3VwZXJzZWNyZXRwYXNzd29yZA==", b"password"));
    }

    #[test]
    fn basic_auth() {
        use base64::Engine;
        let b64 = |s: &str| base64::engine::general_purpose::STANDARD.encode(s);
        let not = |s: &str| Shape::NotBasicAuth.matches(s.as_bytes(), b"");
        assert!(!not(&b64("johndoe:d0694b1b-c171-4886-932a-02e09d5cb067")));
        assert!(!not(&b64("deploy:Zr4!tQ9w#Lp2")));
        assert!(!not(b64("deploy:Zr4!tQ9w#Lp2").trim_end_matches('=')));
        assert!(not(&b64("admin:admin")), "weak");
        assert!(not(&b64("user:password")), "placeholder word and weak");
        assert!(not(&b64("no colon in this text at all")));
        assert!(not(&b64(":Zr4!tQ9w#Lp2")), "no user");
        assert!(not("k3Jd9Lq2Xv8Rm4Tz7Wp1Nc6B"), "random base64 decodes to binary");
        assert!(not("not base64!"));
    }
}
