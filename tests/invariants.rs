//! Invariants that hold for every input, each pinned by a test: every file enumerated ends in
//! exactly one of scanned, skipped (with a reason) or error, and JSON `stats` and SARIF
//! `invocations` add up; the same findings in the same order for every thread count; no secret in
//! any output without `--show-secrets`; and every fuzz regression and seed input replayed through
//! the fuzz targets' own checks (fuzz/checks.rs).
use std::collections::BTreeSet;
use std::path::Path;
use std::process::Output;

use residue::rules::{Category, RuleSet};

use crate::common::*;
use crate::fuzz_checks;

fn json(out: &Output) -> serde_json::Value {
    serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("invalid JSON ({e}): {}\nstderr: {}", stdout(out), stderr(out)))
}

/// Every file under fuzz/regressions/<target>/ and fuzz/corpus/<target>/ through `check`.
fn replay(target: &str, check: fn(&[u8])) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz");
    let mut n = 0;
    for kind in ["regressions", "corpus"] {
        let dir = root.join(kind).join(target);
        let Ok(rd) = std::fs::read_dir(&dir) else { continue };
        let mut files: Vec<_> = rd.map(|e| e.unwrap().path()).filter(|p| p.is_file()).collect();
        files.sort();
        for f in files {
            let data = std::fs::read(&f).unwrap();
            let r = std::panic::catch_unwind(|| check(&data));
            assert!(r.is_ok(), "{target}: {} fails its fuzz check (see the panic above)", f.display());
            n += 1;
        }
    }
    assert!(n > 0, "{target}: no seed or regression inputs under fuzz/");
}

#[test]
fn fuzz_replay_scan_bytes() {
    replay("scan_bytes", fuzz_checks::scan_bytes);
}

#[test]
fn fuzz_replay_rule_parse() {
    replay("rule_parse", fuzz_checks::rule_parse);
}

#[test]
fn fuzz_replay_config_parse() {
    replay("config_parse", fuzz_checks::config_parse);
}

#[test]
fn fuzz_replay_baseline_parse() {
    replay("baseline_parse", fuzz_checks::baseline_parse);
}

#[test]
fn fuzz_replay_report_write() {
    replay("report_write", fuzz_checks::report_write);
}

#[test]
fn fuzz_replay_git_objects() {
    let before = peak_rss_kib();
    replay("git_objects", fuzz_checks::git_objects);
    // No runaway allocation either: `pack-delta-base-declares-gigabytes` made gix zero a 4 GB
    // buffer (the peak went from ~50 MB to 4 GB) until the repository was opened with gix's
    // per-object allocation limit. Other tests run beside this one, so only a jump this large
    // says anything.
    if let (Some(b), Some(a)) = (before, peak_rss_kib()) {
        assert!(a.saturating_sub(b) < 1 << 20, "git_objects replay raised the peak RSS from {b} KiB to {a} KiB");
    }
}

/// This process's peak resident memory so far (Linux `VmHWM`), in KiB; None elsewhere.
fn peak_rss_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

/// A tree with one file of every kind; returns (dir, number of non-directory entries).
fn mixed_tree(rng: &mut Rng) -> (tempfile::TempDir, u64) {
    use std::os::unix::fs::{symlink, PermissionsExt};
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::set_permissions(d, std::fs::Permissions::from_mode(0o755)).unwrap();
    write(d, "src/app.py", format!("TOKEN = \"{}\"\n", github_token(rng)));
    write(d, "src/clean.rs", "fn main() {}\n");
    write(d, "empty.txt", "");
    write(d, "logo.png", b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0");
    write(d, "big.txt", "x".repeat(5000));
    // Key stores (file rules): reported whatever they count as: binary, too large, or scanned text.
    write(d, "certs/store.p12", crate::filerules::p12(b"\0\0"));
    write(d, "certs/huge.pfx", crate::filerules::p12(&[0u8; 5000]));
    write(d, "certs/notes.p12", "not a key\n");
    write(d, "locked.txt", "hello\n");
    std::fs::set_permissions(d.join("locked.txt"), std::fs::Permissions::from_mode(0o000)).unwrap();
    symlink("src/app.py", d.join("link.py")).unwrap();
    symlink("nowhere", d.join("dangling")).unwrap();
    let fifo = std::ffi::CString::new(d.join("pipe").to_str().unwrap()).unwrap();
    // SAFETY: mkfifo on a fresh path with a valid C string.
    assert_eq!(unsafe { libc::mkfifo(fifo.as_ptr(), 0o644) }, 0);
    // The listener is dropped but its socket file stays.
    drop(std::os::unix::net::UnixListener::bind(d.join("sock")).unwrap());
    (dir, 13)
}

fn check_counts(s: &serde_json::Value, total: u64, what: &str) -> (u64, u64, u64) {
    let skipped: u64 = s["files_skipped"].as_object().unwrap().values().map(|v| v.as_u64().unwrap()).sum();
    let (scanned, errors) = (s["files_scanned"].as_u64().unwrap(), s["errors"].as_u64().unwrap());
    assert_eq!(s["files_seen"].as_u64().unwrap(), total, "{what}: {s}");
    assert_eq!(scanned + skipped + errors, total, "{what}: {s}");
    (scanned, skipped, errors)
}

#[test]
fn every_file_ends_in_exactly_one_state() {
    let mut rng = Rng::new(50);
    let (dir, total) = mixed_tree(&mut rng);
    // As root the locked file is readable (scanned); as nobody it is an error. Either way the sums hold.
    let out = run_in(dir.path(), &["scan", "--format", "json", "--max-file-size", "1000", "."]);
    assert_eq!(code(&out), 1, "{}", stderr(&out));
    let doc = json(&out);
    let s = &doc["stats"];
    let (scanned, _, errors) = check_counts(s, total, "json");
    assert_eq!(s["files_skipped"]["binary"], 2, "{s}");
    assert_eq!(s["files_skipped"]["too-large"], 2, "{s}");
    assert_eq!(s["files_skipped"]["symlink"], 2, "{s}");
    assert_eq!(s["files_skipped"]["special"], 2, "{s}");
    assert_eq!(scanned + errors, 5, "{s}");
    let mut stores: Vec<&str> = doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule"] == "SEC0970")
        .map(|f| f["path"].as_str().unwrap().trim_start_matches("./"))
        .collect();
    stores.sort();
    assert_eq!(stores, vec!["certs/huge.pfx", "certs/store.p12"], "{doc}");
    let out = run_in(dir.path(), &["scan", "--format", "sarif", "--max-file-size", "1000", "."]);
    let doc = json(&out);
    let inv = &doc["runs"][0]["invocations"][0];
    check_counts(&inv["properties"], total, "sarif");
    assert_eq!(inv["executionSuccessful"], errors == 0);
    assert_eq!(inv["toolExecutionNotifications"].as_array().unwrap().len() as u64, errors);
}

/// A history with a damaged tree: the blobs still reachable and the tree's error add up to
/// `files_seen` in JSON and in SARIF, and the error is SARIF's one notification.
#[test]
fn damaged_git_tree_counts_add_up() {
    use crate::git::{loose, set_loose, Repo};
    let mut rng = Rng::new(53);
    let mut r = Repo::new();
    r.write("app.py", format!("TOKEN = \"{}\"\n", github_token(&mut rng)));
    r.write("logo.png", b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0");
    r.write("src/a.py", "a = 1\n");
    r.commit("base");
    let sub = r.git(&["rev-parse", "HEAD:src"]);
    set_loose(r.path(), &sub, b"garbage, not zlib");
    r.write("src/a.py", "a = 2\n");
    r.write("big.txt", "x".repeat(5000));
    r.commit("second");
    assert!(loose(r.path(), &sub).exists());
    // app.py, src/a.py (second version) scanned; logo.png binary; big.txt too large; the tree.
    let args = ["scan", "--history", "--max-file-size", "1000", "--format"];
    let out = run_in(r.path(), &[&args[..], &["json"]].concat());
    assert_eq!(code(&out), 1, "{}", stderr(&out));
    let s = &json(&out)["stats"];
    assert_eq!(check_counts(s, 5, "json"), (2, 2, 1));
    assert!(stderr(&out).contains(&format!("reading tree {sub}")), "{}", stderr(&out));
    let out = run_in(r.path(), &[&args[..], &["sarif"]].concat());
    let doc = json(&out);
    let inv = &doc["runs"][0]["invocations"][0];
    check_counts(&inv["properties"], 5, "sarif");
    assert_eq!(inv["executionSuccessful"], false);
    let notes = inv["toolExecutionNotifications"].as_array().unwrap();
    assert_eq!(notes.len(), 1, "{inv}");
    assert!(notes[0]["message"]["text"].as_str().unwrap().contains(&sub), "{inv}");
}

#[test]
fn same_findings_in_the_same_order_for_every_thread_count() {
    let mut rng = Rng::new(51);
    let dir = tempfile::tempdir().unwrap();
    for i in 0..60 {
        let mut text = String::new();
        for j in 0..(i % 5) {
            text.push_str(&format!(
                "line {j}\nGITHUB_TOKEN={}\naws_key = \"{}\"\n",
                github_token(&mut rng),
                aws_key_id(&mut rng)
            ));
            text.push_str(&format!("DB_PASSWORD = \"{}\"\nprint(os.environ)\nverify=False\n", password(&mut rng)));
        }
        write(dir.path(), &format!("d{}/f{i}.py", i % 7), text);
    }
    let mut first: Option<serde_json::Value> = None;
    for j in ["1", "2", "3", "8", "16"] {
        let out = run_in(dir.path(), &["scan", "--format", "json", "--explain", "-j", j, "."]);
        assert_eq!(code(&out), 1, "{}", stderr(&out));
        let doc = json(&out);
        let got = serde_json::json!({"findings": doc["findings"], "dropped": doc["dropped"]});
        assert!(doc["findings"].as_array().unwrap().len() > 100);
        match &first {
            None => first = Some(got),
            Some(f) => assert!(f == &got, "-j {j} differs from -j 1"),
        }
    }
}

/// Characters that can be swapped within a secret without changing its shape.
fn same_class(c: char, rng: &mut Rng) -> char {
    let pick = |s: &[u8], rng: &mut Rng| s[rng.below(s.len())] as char;
    // Hex stays hex, so hex-shaped secrets keep matching their rule.
    if ('a'..='f').contains(&c) {
        pick(b"abcdef", rng)
    } else if ('A'..='F').contains(&c) {
        pick(b"ABCDEF", rng)
    } else if c.is_ascii_uppercase() {
        pick(b"ABCDEFGHIJKLMNOPQRSTUVWXYZ", rng)
    } else if c.is_ascii_lowercase() {
        pick(b"abcdefghijklmnopqrstuvwxyz", rng)
    } else if c.is_ascii_digit() {
        pick(b"0123456789", rng)
    } else {
        c
    }
}

/// Plants a fresh variant of every secret rule's examples: (file, contents, secret, mask of
/// randomized characters). The randomized characters make each value new, so any run of them in
/// an output can only come from a leak.
fn fresh_secrets(rules: &RuleSet, rng: &mut Rng) -> Vec<(String, String, String, Vec<bool>)> {
    let mut out = Vec::new();
    for (ri, r) in rules.rules().iter().enumerate() {
        if r.category != Category::Secret {
            continue;
        }
        for (ei, ex) in r.examples.iter().enumerate() {
            let Some(secret) = &ex.secret else { continue };
            if secret.chars().count() < 12 || !ex.input.contains(secret.as_str()) {
                continue;
            }
            // Keep the first 4 characters (often a fixed prefix) and randomize alphanumerics after.
            let mut mask = Vec::new();
            let fresh: String = secret
                .chars()
                .enumerate()
                .map(|(i, c)| {
                    let n = if i >= 4 { same_class(c, rng) } else { c };
                    mask.push(i >= 4 && c.is_ascii_alphanumeric());
                    n
                })
                .collect();
            let input = ex.input.replace(secret.as_str(), &fresh);
            let path = ex.path.clone().unwrap_or_else(|| r.default_example_path().to_string());
            let path = format!("r{ri:04}_{ei}/{path}");
            out.push((path, input, fresh, mask));
        }
    }
    // GitHub tokens carry a CRC32: generated whole, every character after `ghp_` random.
    for i in 0..3 {
        let t = github_token(rng);
        let mask = t.chars().enumerate().map(|(i, _)| i >= 4).collect();
        out.push((format!("gh{i}/.env"), format!("GITHUB_TOKEN={t}\n"), t, mask));
    }
    out
}

/// Runs of at least 5 randomized characters beyond what redaction may show (the first 4).
fn leak_windows(secret: &str, mask: &[bool]) -> Vec<String> {
    let chars: Vec<char> = secret.chars().collect();
    let mut out = BTreeSet::new();
    for s in 0..chars.len().saturating_sub(8) {
        if mask[s..s + 9].iter().filter(|&&m| m).count() >= 5 {
            out.insert(chars[s..s + 9].iter().collect::<String>());
        }
    }
    out.into_iter().collect()
}

#[test]
fn no_secret_in_any_output_without_show_secrets() {
    let rules = RuleSet::builtin().unwrap();
    let mut rng = Rng::new(52);
    let planted = fresh_secrets(&rules, &mut rng);
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    for (path, input, _, _) in &planted {
        write(d, path, input);
    }
    // Copies under an inline allow marker, for --show-suppressed.
    for (i, (_, _, s, _)) in planted.iter().enumerate().filter(|(i, _)| i % 10 == 0) {
        write(d, &format!("allowed/a{i}.env"), format!("API_TOKEN={s} # residue:allow\n"));
    }
    // Which planted values the scan reports at all (only those can leak through findings).
    let out = run_in(d, &["scan", "--show-secrets", "--format", "json", "."]);
    let shown: BTreeSet<String> = json(&out)["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|f| f["secret"].as_str().map(String::from))
        .collect();
    let found: Vec<&(String, String, String, Vec<bool>)> = planted.iter().filter(|p| shown.contains(&p.2)).collect();
    assert!(found.len() * 2 > planted.len(), "only {} of {} planted secrets found", found.len(), planted.len());
    let windows: Vec<(String, String)> =
        found.iter().flat_map(|p| leak_windows(&p.2, &p.3).into_iter().map(|w| (p.2.clone(), w))).collect();

    let base = d.join("..").join(format!("{}.baseline", d.file_name().unwrap().to_string_lossy()));
    let base = base.to_str().unwrap().to_string();
    let mut outputs: Vec<(String, String)> = Vec::new();
    for fmt in ["text", "json", "jsonl", "sarif"] {
        for extra in [&[][..], &["--explain"][..], &["--show-suppressed"][..]] {
            let mut args = vec!["scan", "--format", fmt, "--color", "always"];
            args.extend_from_slice(extra);
            args.push(".");
            let out = run_in(d, &args);
            assert_eq!(code(&out), 1, "{args:?}: {}", stderr(&out));
            outputs.push((format!("{args:?} stdout"), stdout(&out)));
            outputs.push((format!("{args:?} stderr"), stderr(&out)));
        }
    }
    let out = run_in(d, &["baseline", "create", "-o", &base, "."]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    outputs.push(("baseline stderr".into(), stderr(&out)));
    outputs.push(("baseline file".into(), std::fs::read_to_string(&base).unwrap()));
    let out = run_in(d, &["scan", "--baseline", &base, "--show-suppressed", "--format", "json", "."]);
    outputs.push(("scan --baseline stdout".into(), stdout(&out)));
    std::fs::remove_file(&base).unwrap();
    // One pass over each output: every 9-character window looked up in a map of leak windows.
    let windows: std::collections::HashMap<String, String> = windows.into_iter().map(|(s, w)| (w, s)).collect();
    let mut leaks = Vec::new();
    for (what, text) in &outputs {
        let chars: Vec<char> = text.chars().collect();
        for win in chars.windows(9) {
            let w: String = win.iter().collect();
            if let Some(secret) = windows.get(&w) {
                leaks.push(format!("{what}: {w:?} of {secret:?}"));
            }
        }
    }
    // One line per (output, secret), so a report shows how widespread a leak is.
    let mut seen = BTreeSet::new();
    leaks.retain(|l| seen.insert(l.split(": \"").next().unwrap().to_string() + l.rsplit(" of ").next().unwrap()));
    assert!(leaks.is_empty(), "{} leaks:\n{}", leaks.len(), leaks[..leaks.len().min(40)].join("\n"));
}
