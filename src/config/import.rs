//! Migration from gitleaks (and Betterleaks, which reads the same format): recognises such a config
//! by its shape (`[[rules]]` as an array, `[allowlist]`, `[[allowlists]]`, `[extend]`) and writes
//! the equivalent `.residue.toml` text, so teams keep their custom rules and allow-lists.
//!
//! What is translated, and how:
//! - `[[rules]]` → `[[rule]]` with ids `SEC90001`, `SEC90002`, ... in file order (five digits, so
//!   they never collide with built-in ids), the gitleaks id as kebab-case `name`, `description` as
//!   `title`, `entropy` as `min_entropy`, `tags` plus `gitleaks`.
//! - `regex`: our dialect needs a bounded match length, so unbounded `*`, `+` and `{n,}` become
//!   `{0,256}`, `{1,256}` and `{n,n+256}` (tightened to 64 then 16 when a nested repeat would pass
//!   the 16 KiB limit), and a note says so. `secretGroup` N becomes the capture group named
//!   `secret`; without it, the first capture group (gitleaks takes the first non-empty one), or the
//!   whole match when there is none.
//! - `keywords` shorter than 3 bytes are dropped; when none remain, literals every match starts
//!   (or ends) with are taken from the regex. A rule with neither is skipped with a note.
//! - A rule's `path` (a regex) cannot become a glob in general: the rule is imported unscoped,
//!   with a note; a rule with only `path` and no `regex` is skipped (the note points to file rules).
//! - Rule allowlists and the global `[allowlist]` / `[[allowlists]]` → `[[allow]]` entries
//!   (`regexes` by `regexTarget` → `secrets` / `matches` / `lines`, `paths` → `path_regexes`,
//!   `stopwords`, `condition`, `targetRules` → `rules`). `commits` are not supported (noted).
//! - gitleaks without `[extend] useDefault` runs only the file's rules; residue keeps its built-in
//!   rules as well (noted: set `[rules] replace = true` for gitleaks' behaviour).
use std::collections::{BTreeMap, BTreeSet};

use serde::Deserialize;

use super::{line_col, ConfigError};
use crate::rules::syntax::RuleDef;
use crate::rules::Rule;

/// The repeat bounds tried, in order, for unbounded repeats.
const REPEAT_CAPS: [usize; 3] = [256, 64, 16];

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
struct GlConfig {
    #[serde(default)]
    extend: Option<GlExtend>,
    #[serde(default)]
    rules: Vec<GlRule>,
    #[serde(default)]
    allowlist: Option<GlAllow>,
    #[serde(default)]
    allowlists: Vec<GlAllow>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
struct GlExtend {
    #[serde(default)]
    use_default: Option<bool>,
    #[serde(default)]
    path: Option<String>,
    #[serde(default)]
    disabled_rules: Vec<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
struct GlRule {
    id: String,
    #[serde(default)]
    description: Option<String>,
    #[serde(default)]
    regex: Option<String>,
    #[serde(default)]
    secret_group: Option<usize>,
    #[serde(default)]
    entropy: Option<f64>,
    #[serde(default)]
    keywords: Vec<String>,
    #[serde(default)]
    path: Option<String>,
    #[serde(default)]
    tags: Vec<String>,
    #[serde(default)]
    allowlist: Option<GlAllow>,
    #[serde(default)]
    allowlists: Vec<GlAllow>,
}

#[derive(Debug, Default, Deserialize, Clone)]
#[serde(rename_all = "camelCase")]
struct GlAllow {
    #[serde(default)]
    description: Option<String>,
    #[serde(default)]
    condition: Option<String>,
    #[serde(default)]
    commits: Vec<String>,
    #[serde(default)]
    paths: Vec<String>,
    #[serde(default)]
    regex_target: Option<String>,
    #[serde(default)]
    regexes: Vec<String>,
    #[serde(default)]
    stopwords: Vec<String>,
    #[serde(default)]
    target_rules: Vec<String>,
}

/// A translated config: `.residue.toml` text and what could not be carried over exactly.
#[derive(Debug)]
pub struct Imported {
    pub text: String,
    pub notes: Vec<String>,
}

/// Whether `text` is shaped like a gitleaks / Betterleaks config rather than a residue one.
pub fn looks_like_gitleaks(text: &str) -> bool {
    let Ok(t) = text.parse::<toml::Table>() else { return false };
    t.get("rules").is_some_and(|r| r.is_array())
        || t.contains_key("allowlist")
        || t.contains_key("allowlists")
        || t.contains_key("extend")
}

/// Translates a gitleaks config (see the module docs).
pub fn translate(name: &str, text: &str) -> Result<Imported, ConfigError> {
    let gl: GlConfig = toml::from_str(text).map_err(|e| {
        let (line, column) = e.span().map(|s| line_col(text, s.start)).unwrap_or((1, 1));
        ConfigError::At { file: name.to_string(), line, column, message: e.message().trim().to_string() }
    })?;
    let mut notes = Vec::new();
    let builtin_names: BTreeSet<String> = crate::rules::RuleSet::builtin()
        .map(|s| s.rules().iter().map(|r| r.name.clone()).collect())
        .unwrap_or_default();
    match &gl.extend {
        Some(ext) => {
            if let Some(p) = &ext.path {
                notes.push(format!("[extend] path {p:?} is not followed: import that file as well"));
            }
            if !ext.disabled_rules.is_empty() {
                notes.push(format!(
                    "[extend] disabledRules {:?} name gitleaks' default rules; residue's ids differ (see `residue rules list`) and go in [rules] disable",
                    ext.disabled_rules
                ));
            }
            let _ = ext.use_default;
        }
        None if !gl.rules.is_empty() => notes.push(
            "gitleaks ran only this file's rules; residue keeps its built-in rules too (set [rules] replace = true to run only these)"
                .into(),
        ),
        None => {}
    }

    let mut out_rules = Vec::new();
    let mut allows: Vec<(GlAllow, Vec<String>, String)> = Vec::new();
    let mut id_map: BTreeMap<String, String> = BTreeMap::new();
    let mut used_names: BTreeSet<String> = BTreeSet::new();
    for (i, r) in gl.rules.iter().enumerate() {
        let id = format!("SEC9{:04}", i + 1);
        let label = format!("rule {:?}", r.id);
        let Some(regex) = &r.regex else {
            notes.push(format!(
                "{label}: skipped: it matches file paths only; residue's file rules match by glob and leading bytes, \
                 not by a path regex (built-in SEC0970-SEC0973 cover PKCS#12, Java key stores, KeePass and OpenPGP \
                 secret keys; write a `file` rule for others, see docs/rule-format.md)"
            ));
            continue;
        };
        let mut name = kebab(&r.id);
        if builtin_names.contains(&name) {
            name.push_str("-imported");
        }
        let mut n = 2;
        let stem = name.clone();
        while !used_names.insert(name.clone()) {
            name = format!("{stem}-{n}");
            n += 1;
        }
        let mut keywords: Vec<String> =
            r.keywords.iter().map(|k| k.to_ascii_lowercase()).filter(|k| k.len() >= 3).collect();
        if keywords.len() < r.keywords.len() {
            notes.push(format!("{label}: keywords shorter than 3 bytes dropped"));
        }
        if keywords.is_empty() {
            match derive_keywords(regex) {
                Some(k) => {
                    notes.push(format!("{label}: keywords taken from the regex: {k:?}"));
                    keywords = k;
                }
                None => {
                    notes.push(format!(
                        "{label}: skipped: no keyword of 3 or more bytes and none can be taken from the regex; add `keywords` and import again"
                    ));
                    continue;
                }
            }
        }
        keywords.sort();
        keywords.dedup();
        let mut translated = None;
        let mut last_err = String::new();
        for cap in REPEAT_CAPS {
            let (bounded, changed) = bound_repeats(&escape_literal_braces(regex), cap);
            let with_secret = match name_secret_group(&bounded, r.secret_group) {
                Ok(s) => s,
                Err(e) => {
                    last_err = e;
                    break;
                }
            };
            let def = rule_def(&id, &name, r, &with_secret, &keywords);
            let rule = match Rule::from_def(def.clone(), &name) {
                Ok(rule) => rule,
                Err(e) => {
                    last_err = e.to_string();
                    break;
                }
            };
            match rule.compiled() {
                Ok(_) => {
                    if changed {
                        notes.push(format!("{label}: unbounded repeats (*, +, {{n,}}) bounded to {cap} characters"));
                    }
                    translated = Some(def);
                    break;
                }
                Err(e) => last_err = e.to_string(),
            }
        }
        let Some(def) = translated else {
            notes.push(format!("{label}: skipped: {last_err}"));
            continue;
        };
        if let Some(p) = &r.path {
            notes.push(format!(
                "{label}: path {p:?} is a regex and residue scopes rules with globs: imported unscoped (add `paths` globs to {id} by hand)"
            ));
        }
        id_map.insert(r.id.clone(), id.clone());
        for a in r.allowlist.iter().chain(r.allowlists.iter()) {
            allows.push((a.clone(), vec![id.clone()], format!("gitleaks allowlist of rule {:?}", r.id)));
        }
        out_rules.push(def);
    }
    for (k, a) in gl.allowlist.iter().chain(gl.allowlists.iter()).enumerate() {
        let mut rules = Vec::new();
        for t in &a.target_rules {
            match id_map.get(t) {
                Some(id) => rules.push(id.clone()),
                None => notes.push(format!("global allowlist {}: targetRules {t:?} is not a rule of this file", k + 1)),
            }
        }
        if !a.target_rules.is_empty() && rules.is_empty() {
            notes.push(format!("global allowlist {}: skipped: none of its targetRules was imported", k + 1));
            continue;
        }
        allows.push((a.clone(), rules, "gitleaks global allowlist".to_string()));
    }

    for (a, _, fallback) in allows.iter_mut() {
        for list in [&mut a.regexes, &mut a.paths] {
            let mut kept = Vec::new();
            for re in list.drain(..) {
                let fixed = escape_literal_braces(&re);
                match crate::rules::rule::compile_regex(&fixed) {
                    Ok(_) => kept.push(fixed),
                    Err(e) => notes.push(format!("{fallback}: regex {re:?} dropped: {e}")),
                }
            }
            *list = kept;
        }
    }
    for (a, _, fallback) in &allows {
        if !a.commits.is_empty() {
            notes.push(format!("{fallback}: commits {:?} not supported (use a baseline)", a.commits));
        }
    }
    let mut text = String::new();
    text.push_str(&format!("# Translated from the gitleaks config {name} by `residue config import`.\n"));
    for n in &notes {
        text.push_str(&format!("# note: {n}\n"));
    }
    text.push_str("\n[rules]\nreplace = false\n");
    for (a, rules, fallback) in &allows {
        if a.paths.is_empty() && a.regexes.is_empty() && a.stopwords.is_empty() {
            continue;
        }
        text.push_str("\n[[allow]]\n");
        let reason = a.description.clone().filter(|d| !d.trim().is_empty()).unwrap_or_else(|| fallback.clone());
        text.push_str(&format!("reason = {}\n", quote(&reason)));
        if !rules.is_empty() {
            text.push_str(&format!("rules = {}\n", list(rules)));
        }
        if !a.paths.is_empty() {
            text.push_str(&format!("path_regexes = {}\n", list(&a.paths)));
        }
        if !a.regexes.is_empty() {
            let key = match a.regex_target.as_deref().map(str::to_ascii_lowercase).as_deref() {
                Some("match") => "matches",
                Some("line") => "lines",
                _ => "secrets",
            };
            text.push_str(&format!("{key} = {}\n", list(&a.regexes)));
        }
        if !a.stopwords.is_empty() {
            text.push_str(&format!("stopwords = {}\n", list(&a.stopwords)));
        }
        if a.condition.as_deref().is_some_and(|c| c.eq_ignore_ascii_case("and")) {
            text.push_str("condition = \"and\"\n");
        }
    }
    for d in &out_rules {
        text.push_str(&render_rule(d));
    }
    Ok(Imported { text, notes })
}

fn rule_def(id: &str, name: &str, r: &GlRule, regex: &str, keywords: &[String]) -> RuleDef {
    let title = r.description.clone().filter(|d| !d.trim().is_empty()).unwrap_or_else(|| r.id.clone());
    let mut tags = vec!["gitleaks".to_string()];
    tags.extend(r.tags.iter().map(|t| kebab(t)).filter(|t| !t.is_empty()));
    tags.dedup();
    RuleDef {
        id: id.to_string(),
        name: name.to_string(),
        title,
        category: "secret".into(),
        severity: "high".into(),
        confidence: Some("medium".into()),
        keywords: keywords.to_vec(),
        case_sensitive: false,
        regex: regex.to_string(),
        file: None,
        min_entropy: r.entropy.filter(|e| *e > 0.0).map(|e| e.min(8.0)),
        checksum: None,
        allow: Vec::new(),
        allow_line: Vec::new(),
        placeholder: None,
        reject: Vec::new(),
        languages: Vec::new(),
        paths: Vec::new(),
        exclude_paths: Vec::new(),
        skip_in: Vec::new(),
        in_comment: None,
        tags,
        preview: false,
        description: format!("Imported from the gitleaks rule `{}`.", r.id),
        remediation: "Revoke and rotate the credential, then load it from the environment or a secret store.".into(),
        references: Vec::new(),
        example: Vec::new(),
        negative_example: Vec::new(),
    }
}

fn render_rule(d: &RuleDef) -> String {
    let mut s = String::from("\n[[rule]]\n");
    s.push_str(&format!("id = {}\n", quote(&d.id)));
    s.push_str(&format!("name = {}\n", quote(&d.name)));
    s.push_str(&format!("title = {}\n", quote(&d.title)));
    s.push_str(&format!("category = {}\n", quote(&d.category)));
    s.push_str(&format!("severity = {}\n", quote(&d.severity)));
    s.push_str(&format!("confidence = {}\n", quote(d.confidence.as_deref().unwrap_or("medium"))));
    s.push_str(&format!("keywords = {}\n", list(&d.keywords)));
    s.push_str(&format!("regex = {}\n", quote(&d.regex)));
    if let Some(e) = d.min_entropy {
        s.push_str(&format!("min_entropy = {e}\n"));
    }
    s.push_str(&format!("tags = {}\n", list(&d.tags)));
    s.push_str(&format!("description = {}\n", quote(&d.description)));
    s.push_str(&format!("remediation = {}\n", quote(&d.remediation)));
    s
}

/// A TOML string: a literal string when that needs no escaping (regexes stay readable), else a
/// basic string (JSON's escapes are valid TOML escapes).
fn quote(s: &str) -> String {
    let plain = !s.chars().any(|c| c.is_control());
    if plain && !s.contains('\'') {
        format!("'{s}'")
    } else if plain && !s.contains("'''") && !s.starts_with('\'') && !s.ends_with('\'') {
        format!("'''{s}'''")
    } else {
        serde_json::to_string(s).unwrap_or_else(|_| "\"\"".into())
    }
}

fn list(items: &[String]) -> String {
    format!("[{}]", items.iter().map(|s| quote(s)).collect::<Vec<_>>().join(", "))
}

/// `My_Rule.ID` → `my-rule-id`.
fn kebab(s: &str) -> String {
    let mut out = String::new();
    for c in s.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.ends_with('-') && !out.is_empty() {
            out.push('-');
        }
    }
    let out = out.trim_end_matches('-').to_string();
    if out.is_empty() {
        "imported-rule".into()
    } else {
        out
    }
}

/// Go's regexp reads a `{` that does not start a repetition (`{{ .Values }}`) as a literal; our
/// parser rejects it. Escapes such braces (outside character classes).
pub fn escape_literal_braces(re: &str) -> String {
    let chars: Vec<char> = re.chars().collect();
    let mut out = String::with_capacity(re.len() + 8);
    let mut in_class = false;
    let mut in_repeat = false;
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c == '\\' {
            out.push(c);
            if let Some(&n) = chars.get(i + 1) {
                out.push(n);
                // `\p{L}`, `\x{41}`: the braces belong to the escape.
                if (n == 'p' || n == 'P' || n == 'x') && chars.get(i + 2) == Some(&'{') {
                    if let Some(end) = chars[i + 2..].iter().position(|&x| x == '}') {
                        out.extend(&chars[i + 2..i + 3 + end]);
                        i += 3 + end;
                        continue;
                    }
                }
            }
            i += 2;
            continue;
        }
        if in_class {
            in_class = c != ']';
            out.push(c);
        } else if c == '[' {
            in_class = true;
            out.push(c);
            for lit in ['^', ']'] {
                if chars.get(i + 1) == Some(&lit) {
                    out.push(lit);
                    i += 1;
                }
            }
        } else if c == '{' {
            let close = chars[i + 1..].iter().position(|&x| x == '}').map(|p| i + 1 + p);
            let inner: Option<String> = close.map(|cl| chars[i + 1..cl].iter().collect());
            let is_repeat = inner.as_deref().is_some_and(|t| {
                let mut parts = t.splitn(2, ',');
                let a = parts.next().unwrap_or("");
                let b = parts.next();
                !a.is_empty()
                    && a.bytes().all(|x| x.is_ascii_digit())
                    && b.is_none_or(|b| b.bytes().all(|x| x.is_ascii_digit()))
            }) && !out.is_empty();
            if is_repeat {
                in_repeat = true;
                out.push(c);
            } else {
                out.push_str("\\{");
            }
        } else if c == '}' {
            if in_repeat {
                in_repeat = false;
                out.push(c);
            } else {
                out.push_str("\\}");
            }
        } else {
            out.push(c);
        }
        i += 1;
    }
    out
}

/// Replaces unbounded repeats outside character classes: `*` → `{0,cap}`, `+` → `{1,cap}`,
/// `{n,}` → `{n,n+cap}`. Returns the pattern and whether anything changed.
pub fn bound_repeats(re: &str, cap: usize) -> (String, bool) {
    let chars: Vec<char> = re.chars().collect();
    let mut out = String::with_capacity(re.len() + 16);
    let mut changed = false;
    let mut class_depth = 0usize;
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c == '\\' {
            out.push(c);
            if let Some(&n) = chars.get(i + 1) {
                out.push(n);
            }
            i += 2;
            continue;
        }
        if class_depth > 0 {
            if c == '[' && chars.get(i + 1) == Some(&':') {
                // POSIX class `[:alpha:]`: copy through the closing `:]`.
                let end = (i + 2..chars.len().saturating_sub(1)).find(|&j| chars[j] == ':' && chars[j + 1] == ']');
                if let Some(e) = end {
                    out.extend(&chars[i..e + 2]);
                    i = e + 2;
                    continue;
                }
            }
            if c == '[' {
                class_depth += 1;
            } else if c == ']' {
                class_depth -= 1;
            }
            out.push(c);
            i += 1;
            continue;
        }
        match c {
            '[' => {
                class_depth = 1;
                out.push(c);
                i += 1;
                // A `]` (after an optional `^`) right at the start is a literal.
                if chars.get(i) == Some(&'^') {
                    out.push('^');
                    i += 1;
                }
                if chars.get(i) == Some(&']') {
                    out.push(']');
                    i += 1;
                }
                continue;
            }
            '*' => {
                out.push_str(&format!("{{0,{cap}}}"));
                changed = true;
            }
            '+' => {
                out.push_str(&format!("{{1,{cap}}}"));
                changed = true;
            }
            '{' => {
                // `{n,}` only; `{n}`, `{n,m}` and a literal `{` stay.
                let close = chars[i..].iter().position(|&x| x == '}').map(|p| i + p);
                if let Some(cl) = close {
                    let inner: String = chars[i + 1..cl].iter().collect();
                    if let Some(n) = inner.strip_suffix(',').and_then(|n| n.trim().parse::<usize>().ok()) {
                        out.push_str(&format!("{{{n},{}}}", n + cap));
                        changed = true;
                        i = cl + 1;
                        continue;
                    }
                }
                out.push(c);
            }
            _ => out.push(c),
        }
        i += 1;
    }
    (out, changed)
}

/// Names capture group `group` (1-based; None: the first, or the whole match when the pattern
/// has no group) `secret`.
pub fn name_secret_group(re: &str, group: Option<usize>) -> Result<String, String> {
    let chars: Vec<char> = re.chars().collect();
    // (position of '(', length of the opening to replace) of every capturing group, in order.
    let mut groups: Vec<(usize, usize)> = Vec::new();
    let mut in_class = false;
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c == '\\' {
            i += 2;
            continue;
        }
        if in_class {
            if c == ']' {
                in_class = false;
            }
        } else if c == '[' {
            in_class = true;
            if chars.get(i + 1) == Some(&'^') {
                i += 1;
            }
            if chars.get(i + 1) == Some(&']') {
                i += 1;
            }
        } else if c == '(' {
            if chars.get(i + 1) != Some(&'?') {
                groups.push((i, 1));
            } else {
                let rest: String = chars[i..].iter().take(4).collect();
                let open = if rest.starts_with("(?P<") {
                    Some(4)
                } else if rest.starts_with("(?<") {
                    Some(3)
                } else {
                    None
                };
                if let Some(o) = open {
                    let close = chars[i + o..].iter().position(|&x| x == '>').map(|p| i + o + p);
                    if let Some(cl) = close {
                        groups.push((i, cl + 1 - i));
                    }
                }
            }
        }
        i += 1;
    }
    let which = match group {
        Some(0) | None if groups.is_empty() => return Ok(format!("(?P<secret>{re})")),
        Some(0) | None => 0,
        Some(n) if n <= groups.len() => n - 1,
        Some(n) => return Err(format!("secretGroup {n} but the regex has {} capture groups", groups.len())),
    };
    let (pos, len) = groups[which];
    let mut out: String = chars[..pos].iter().collect();
    out.push_str("(?P<secret>");
    out.extend(&chars[pos + len..]);
    Ok(out)
}

/// Literals every match starts (or ends) with, lower-cased, when all are 3 bytes or longer.
fn derive_keywords(re: &str) -> Option<Vec<String>> {
    use regex_syntax::hir::literal::{ExtractKind, Extractor};
    let hir = regex_syntax::ParserBuilder::new().unicode(false).utf8(false).build().parse(re).ok()?;
    for kind in [ExtractKind::Prefix, ExtractKind::Suffix] {
        let mut ex = Extractor::new();
        ex.kind(kind);
        let seq = ex.extract(&hir);
        let Some(lits) = seq.literals() else { continue };
        let mut kws: Vec<String> =
            lits.iter().map(|l| String::from_utf8_lossy(l.as_bytes()).to_ascii_lowercase()).collect();
        kws.sort();
        kws.dedup();
        if !kws.is_empty() && kws.len() <= 64 && kws.iter().all(|k| k.len() >= 3) {
            return Some(kws);
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repeats_are_bounded_outside_classes() {
        assert_eq!(bound_repeats(r"a+b*c{2,}d{3}", 256).0, r"a{1,256}b{0,256}c{2,258}d{3}");
        assert_eq!(bound_repeats(r"[+*]\+x", 256), (r"[+*]\+x".to_string(), false));
        assert_eq!(bound_repeats(r"[]+][[:alpha:]+]+", 9).0, r"[]+][[:alpha:]+]{1,9}");
        assert_eq!(bound_repeats(r"\p{L}+", 9).0, r"\p{L}{1,9}");
    }

    #[test]
    fn literal_braces_are_escaped() {
        assert_eq!(escape_literal_braces(r"\$?{{[^}]+}}a{2,3}\p{L}"), r"\$?\{\{[^}]+\}\}a{2,3}\p{L}");
        assert_eq!(escape_literal_braces(r"x{1,}[{]"), r"x{1,}[{]");
    }

    #[test]
    fn secret_group_is_named() {
        assert_eq!(name_secret_group(r"(?i)key(=)([a-z]{8})", Some(2)).unwrap(), r"(?i)key(=)(?P<secret>[a-z]{8})");
        assert_eq!(name_secret_group(r"(?:a)(?P<v>b)", None).unwrap(), r"(?:a)(?P<secret>b)");
        assert_eq!(name_secret_group(r"abc", None).unwrap(), r"(?P<secret>abc)");
        assert_eq!(name_secret_group(r"[(](x)", Some(1)).unwrap(), r"[(](?P<secret>x)");
        assert!(name_secret_group(r"(a)", Some(3)).is_err());
    }
}
