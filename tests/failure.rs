//! Hostile input: each case ends in a clear message or a counted skip, never a panic, a hang or a
//! silent loss. Files cut while memory-mapped, permission denied (run as `nobody`), FIFOs, sockets
//! and devices (never opened), symlink loops and dangling links, non-UTF-8 names, sparse multi-GB
//! files, a 100 MB single-line file, NULs, UTF-16, empty files, a 2,000-level tree, 100,000 tiny
//! files, and invalid rule, config and baseline files. Processes that could block run under a
//! deadline that kills them, so a regression fails instead of hanging the suite.
use std::io::Write;
use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use residue::input::path::FileInfo;
use residue::input::read::{Loaded, ReadLimits, Reader};
use residue::input::walk::{walk, Collected, WalkOptions};
use residue::rules::RuleSet;
use residue::scan::{ScanOptions, Scanner, Scratch};

use crate::common::*;

/// Runs residue in `dir`, killing it after `secs` (a hang guard, not a timing assertion).
fn run_deadline(dir: &Path, args: &[&str], secs: u64) -> Output {
    run_cmd_deadline(Command::new(bin()).args(args).current_dir(dir), secs)
}

fn run_cmd_deadline(cmd: &mut Command, secs: u64) -> Output {
    let mut child = cmd.stdin(Stdio::null()).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().expect("spawn");
    let start = Instant::now();
    loop {
        if child.try_wait().expect("wait").is_some() {
            return child.wait_with_output().expect("output");
        }
        if start.elapsed() > Duration::from_secs(secs) {
            let _ = child.kill();
            let out = child.wait_with_output().expect("output");
            panic!("residue {:?} still running after {secs}s (hang?); stderr: {}", cmd, stderr(&out));
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

fn json(out: &Output) -> serde_json::Value {
    serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("invalid JSON ({e}): {}\nstderr: {}", stdout(out), stderr(out)))
}

/// Checks `files_seen = scanned + skipped + errors` and returns the stats object.
fn stats(doc: &serde_json::Value) -> &serde_json::Value {
    let s = &doc["stats"];
    let skipped: u64 = s["files_skipped"].as_object().unwrap().values().map(|v| v.as_u64().unwrap()).sum();
    assert_eq!(
        s["files_seen"].as_u64().unwrap(),
        s["files_scanned"].as_u64().unwrap() + skipped + s["errors"].as_u64().unwrap(),
        "{s}"
    );
    s
}

fn skipped(doc: &serde_json::Value, why: &str) -> u64 {
    doc["stats"]["files_skipped"][why].as_u64().unwrap_or(0)
}

fn secrets_found(doc: &serde_json::Value) -> Vec<String> {
    doc["findings"].as_array().unwrap().iter().filter_map(|f| f["secret"].as_str().map(String::from)).collect()
}

#[test]
fn truncated_while_mapped_is_an_error_not_a_crash() {
    let rules = RuleSet::builtin().unwrap();
    let scanner = Scanner::new(&rules, ScanOptions::default());
    let mut scratch = Scratch::new(&rules);
    let mut rng = Rng::new(40);
    let token = github_token(&mut rng);
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("big.env");
    // 4 MiB: above the 1 MiB mmap threshold. The token sits in the first page, which survives.
    let mut body = format!("GITHUB_TOKEN={token}\n").into_bytes();
    body.resize(4 << 20, b'x');
    std::fs::write(&path, &body).unwrap();
    let limits = ReadLimits::default();
    let mut reader = Reader::new();
    let Loaded::Text(blob) = reader.load(&path, body.len() as u64, &limits).unwrap() else { panic!("not text") };
    assert!(!blob.truncated());
    // Another process cuts the file while we hold it mapped.
    std::fs::OpenOptions::new().write(true).open(&path).unwrap().set_len(100).unwrap();
    let bytes = blob.bytes();
    let info = FileInfo::from_path_str(".env");
    let found = scanner.scan(&info, bytes, &mut scratch).findings;
    assert!(bytes[(2 << 20)..].iter().all(|&b| b == 0), "past the cut reads as zeros");
    assert!(blob.truncated(), "the cut is recorded");
    assert!(found.iter().any(|f| f.secret.as_deref() == Some(token.as_str())), "findings before the cut kept");
    drop(blob);

    // The walk reports it as an error with the path; the counts still add up.
    std::fs::write(&path, &body).unwrap();
    let out = Collected::default();
    // Truncate from another thread while scan_file runs; whichever wins, the file ends in exactly
    // one state and nothing crashes. Then force the deterministic case through a tiny file.
    let p2 = path.clone();
    let cutter = std::thread::spawn(move || {
        for _ in 0..50 {
            let _ = std::fs::OpenOptions::new().write(true).open(&p2).and_then(|f| f.set_len(4096));
            std::thread::yield_now();
        }
    });
    for _ in 0..5 {
        walk(std::slice::from_ref(&path), &scanner, &WalkOptions::default(), &out);
    }
    cutter.join().unwrap();
    let s = out.counters.snapshot();
    assert_eq!(s.files_seen, 5, "{s:?}");
    for e in out.errors.lock().unwrap().iter() {
        assert!(e.contains("big.env") && e.contains("truncated while scanning"), "{e}");
    }
}

#[test]
fn deleted_while_mapped_is_still_scanned() {
    let rules = RuleSet::builtin().unwrap();
    let scanner = Scanner::new(&rules, ScanOptions::default());
    let mut scratch = Scratch::new(&rules);
    let mut rng = Rng::new(41);
    let token = github_token(&mut rng);
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("gone.env");
    let mut body = vec![b'y'; 3 << 20];
    body.extend_from_slice(format!("\nGITHUB_TOKEN={token}\n").as_bytes());
    std::fs::write(&path, &body).unwrap();
    let mut reader = Reader::new();
    let Loaded::Text(blob) = reader.load(&path, body.len() as u64, &ReadLimits::default()).unwrap() else {
        panic!("not text")
    };
    // Unlinking keeps the inode alive while mapped: the bytes stay readable and complete.
    std::fs::remove_file(&path).unwrap();
    let found = scanner.scan(&FileInfo::from_path_str(".env"), blob.bytes(), &mut scratch).findings;
    assert!(!blob.truncated());
    assert!(found.iter().any(|f| f.secret.as_deref() == Some(token.as_str())));
}

#[test]
fn files_cut_under_a_running_binary_never_crash_it() {
    let dir = tempfile::tempdir().unwrap();
    let big: Vec<u8> = b"let a = 1; // filler line\n".iter().copied().cycle().take(6 << 20).collect();
    for i in 0..4 {
        std::fs::write(dir.path().join(format!("f{i}.js")), &big).unwrap();
    }
    let root = dir.path().to_path_buf();
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let stop2 = stop.clone();
    let cutter = std::thread::spawn(move || {
        let mut n = 0u64;
        while !stop2.load(std::sync::atomic::Ordering::Relaxed) {
            let p = root.join(format!("f{}.js", n % 4));
            if n % 2 == 0 {
                let _ = std::fs::OpenOptions::new().write(true).open(&p).and_then(|f| f.set_len(1000));
            } else {
                let _ = std::fs::write(&p, &big);
            }
            n += 1;
        }
    });
    for _ in 0..6 {
        let out = run_deadline(dir.path(), &["scan", "--format", "json", "-q", "."], 120);
        // Exit 0/1/2 only: a signal (SIGBUS) would leave no code.
        assert!(matches!(code(&out), 0..=2), "killed by a signal? {:?} {}", out.status, stderr(&out));
        let doc = json(&out);
        assert_eq!(stats(&doc)["files_seen"].as_u64().unwrap(), 4);
        for line in stderr(&out).lines() {
            assert!(line.contains("truncated while scanning") || line.contains(".js"), "{line}");
        }
    }
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    cutter.join().unwrap();
}

/// `setpriv` to `nobody` when we are root; None (the caller skips, saying why) when impossible.
fn as_nobody(args: &[&str], dir: &Path) -> Option<Output> {
    // SAFETY: geteuid has no preconditions.
    let root = unsafe { libc::geteuid() } == 0;
    if !root {
        return Some(run_deadline(dir, args, 120));
    }
    let probe = Command::new("setpriv").args(["--reuid=65534", "--regid=65534", "--clear-groups", "true"]).output();
    if !probe.is_ok_and(|o| o.status.success()) {
        return None;
    }
    let mut cmd = Command::new("setpriv");
    cmd.args(["--reuid=65534", "--regid=65534", "--clear-groups"]).arg(bin()).args(args).current_dir(dir);
    Some(run_cmd_deadline(&mut cmd, 120))
}

#[test]
fn permission_denied_is_a_counted_error_with_the_path() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
    write(dir.path(), "ok.txt", "hello\n");
    write(dir.path(), "locked.txt", "hello\n");
    write(dir.path(), "closed/inner.txt", "hello\n");
    std::fs::set_permissions(dir.path().join("locked.txt"), std::fs::Permissions::from_mode(0o000)).unwrap();
    std::fs::set_permissions(dir.path().join("closed"), std::fs::Permissions::from_mode(0o000)).unwrap();
    let Some(out) = as_nobody(&["scan", "--format", "json", "."], dir.path()) else {
        eprintln!("SKIPPED permission_denied: running as root and `setpriv` cannot drop to nobody here");
        return;
    };
    let err = stderr(&out);
    assert_eq!(code(&out), 2, "errors and no findings exit 2: {err}");
    assert!(err.contains("locked.txt") && err.to_lowercase().contains("permission denied"), "{err}");
    assert!(err.contains("closed"), "{err}");
    let doc = json(&out);
    let s = stats(&doc);
    assert_eq!(s["files_scanned"], 1, "{s}");
    assert_eq!(s["errors"], 2, "{s}");
}

#[test]
fn fifos_sockets_and_devices_are_skipped_without_blocking() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "a.txt", "hello\n");
    let fifo = dir.path().join("pipe");
    let c = std::ffi::CString::new(fifo.to_str().unwrap()).unwrap();
    // SAFETY: mkfifo on a fresh path with a valid C string.
    assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o644) }, 0);
    let _sock = std::os::unix::net::UnixListener::bind(dir.path().join("sock")).unwrap();
    // A character device (like /dev/null: 1,3) needs CAP_MKNOD; containers often refuse it.
    let dev = std::ffi::CString::new(dir.path().join("null").to_str().unwrap()).unwrap();
    // SAFETY: mknod on a fresh path with a valid C string.
    let has_dev = unsafe { libc::mknod(dev.as_ptr(), libc::S_IFCHR | 0o666, libc::makedev(1, 3)) } == 0;
    if !has_dev {
        eprintln!("note: mknod refused here; device files are checked through /dev/null on the command line only");
    }
    let out = run_deadline(dir.path(), &["scan", "--format", "json", "."], 60);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let doc = json(&out);
    stats(&doc);
    assert_eq!(skipped(&doc, "special"), 2 + has_dev as u64, "{}", doc["stats"]);
    assert_eq!(doc["stats"]["files_scanned"], 1);
    // Named on the command line, too: never opened (opening a FIFO blocks until a writer comes).
    for p in ["pipe", "sock", "/dev/null"] {
        let out = run_deadline(dir.path(), &["scan", "--format", "json", p], 60);
        assert_eq!(code(&out), 0, "{p}: {}", stderr(&out));
        assert_eq!(skipped(&json(&out), "special"), 1, "{p}");
    }
}

#[test]
fn symlink_loops_and_dangling_links_are_counted_skips() {
    use std::os::unix::fs::symlink;
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    write(d, "real.txt", "hello\n");
    symlink("loop_b", d.join("loop_a")).unwrap();
    symlink("loop_a", d.join("loop_b")).unwrap();
    symlink("missing", d.join("dangling")).unwrap();
    std::fs::create_dir(d.join("sub")).unwrap();
    symlink("..", d.join("sub/up")).unwrap();
    symlink("real.txt", d.join("alias.txt")).unwrap();
    let out = run_deadline(d, &["scan", "--format", "json", "."], 60);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let doc = json(&out);
    stats(&doc);
    assert_eq!(skipped(&doc, "symlink"), 5, "{}", doc["stats"]);
    assert_eq!(doc["stats"]["files_scanned"], 1);
    // Named directly: a loop or a dangling link is an error naming it, never a hang.
    for p in ["loop_a", "dangling"] {
        let out = run_deadline(d, &["scan", "--format", "json", p], 60);
        assert!(matches!(code(&out), 0 | 2), "{p}: {}", stderr(&out));
        let doc = json(&out);
        let s = stats(&doc);
        assert_eq!(s["files_seen"], 1, "{p}: {s}");
        if code(&out) == 2 {
            assert!(stderr(&out).contains(p), "{p}: {}", stderr(&out));
        }
    }
}

#[test]
fn non_utf8_file_names_are_scanned_and_reported_lossily() {
    use std::os::unix::ffi::OsStrExt;
    let dir = tempfile::tempdir().unwrap();
    let mut rng = Rng::new(42);
    let token = github_token(&mut rng);
    let name = std::ffi::OsStr::from_bytes(b"conf_\xff\xfe.env");
    std::fs::write(dir.path().join(name), format!("GITHUB_TOKEN={token}\n")).unwrap();
    for fmt in ["json", "sarif", "text", "jsonl"] {
        let out = run_deadline(dir.path(), &["scan", "--show-secrets", "--format", fmt, "."], 60);
        assert_eq!(code(&out), 1, "{fmt}: {}", stderr(&out));
        let text = String::from_utf8(out.stdout.clone()).expect("output is UTF-8");
        assert!(text.contains(&token), "{fmt}");
        if fmt == "json" {
            let doc = json(&out);
            assert_eq!(doc["findings"][0]["path"], "conf_\u{FFFD}\u{FFFD}.env");
        }
        if fmt == "sarif" {
            let doc = json(&out);
            let uri = doc["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
                .as_str()
                .unwrap();
            assert!(uri.is_ascii() && uri.starts_with("conf_%"), "{uri}");
        }
    }
}

#[test]
fn sparse_multi_gigabyte_file_is_skipped_as_too_large() {
    let dir = tempfile::tempdir().unwrap();
    let f = std::fs::File::create(dir.path().join("disk.img")).unwrap();
    // 5 GiB of holes: nothing is written, nothing may be read.
    f.set_len(5 << 30).unwrap();
    write(dir.path(), "small.txt", "hello\n");
    let out = run_deadline(dir.path(), &["scan", "--format", "json", "."], 60);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let doc = json(&out);
    stats(&doc);
    assert_eq!(skipped(&doc, "too-large"), 1);
    assert_eq!(doc["stats"]["bytes_scanned"], 6);
}

#[test]
fn secret_at_the_end_of_a_100_mb_single_line_file_is_found() {
    let dir = tempfile::tempdir().unwrap();
    let mut rng = Rng::new(43);
    let token = github_token(&mut rng);
    let mut f = std::io::BufWriter::new(std::fs::File::create(dir.path().join("bundle.min.js")).unwrap());
    let chunk = b"function a(b){return b+1};var c=a(2);";
    for _ in 0..(100_000_000 / chunk.len()) {
        f.write_all(chunk).unwrap();
    }
    write!(f, "var t=\"{token}\";").unwrap();
    f.flush().unwrap();
    drop(f);
    let out = run_deadline(dir.path(), &["scan", "--show-secrets", "--format", "json", "."], 600);
    assert_eq!(code(&out), 1, "{}", stderr(&out));
    let doc = json(&out);
    assert!(secrets_found(&doc).contains(&token));
    let f = &doc["findings"][0];
    assert_eq!(f["line"], 1);
    assert!(f["snippet"].as_str().unwrap().len() < 400, "snippet is cut around the match");
}

#[test]
fn nul_utf16_and_empty_files() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let mut rng = Rng::new(44);
    let mut expect = Vec::new();
    let mut utf16 = |name: &str, le: bool, bom: bool, rng: &mut Rng| {
        let token = github_token(rng);
        let text = format!("# settings\r\nGITHUB_TOKEN={token}\r\n");
        let mut v: Vec<u8> = Vec::new();
        if bom {
            v.extend_from_slice(if le { &[0xFF, 0xFE] } else { &[0xFE, 0xFF] });
        }
        for u in text.encode_utf16() {
            v.extend_from_slice(&if le { u.to_le_bytes() } else { u.to_be_bytes() });
        }
        write(d, name, v);
        expect.push((name.to_string(), token));
    };
    utf16("le_bom.env", true, true, &mut rng);
    utf16("le.env", true, false, &mut rng);
    utf16("be_bom.env", false, true, &mut rng);
    utf16("be.env", false, false, &mut rng);
    // NULs in the first 8 KiB: binary, skipped and counted.
    let token = github_token(&mut rng);
    write(d, "nul_head.env", format!("\0\0\0\0GITHUB_TOKEN={token}\n"));
    // A NUL after the sniffed head: still text, the secret after it is found.
    let late = github_token(&mut rng);
    let mut v = vec![b'a'; 9000];
    v.extend_from_slice(b"\0\0\0\nGITHUB_TOKEN=");
    v.extend_from_slice(late.as_bytes());
    v.push(b'\n');
    write(d, "nul_late.env", v);
    expect.push(("nul_late.env".into(), late));
    write(d, "empty.env", "");
    let out = run_deadline(d, &["scan", "--show-secrets", "--format", "json", "."], 60);
    assert_eq!(code(&out), 1, "{}", stderr(&out));
    let doc = json(&out);
    let s = stats(&doc);
    assert_eq!(s["files_seen"], 7, "{s}");
    assert_eq!(skipped(&doc, "binary"), 1, "{s}");
    assert_eq!(s["files_scanned"], 6, "{s}");
    let found: Vec<(String, String, u64)> = doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|f| Some((f["path"].as_str()?.to_string(), f["secret"].as_str()?.to_string(), f["line"].as_u64()?)))
        .collect();
    for (name, token) in &expect {
        let hit = found.iter().find(|(p, s, _)| p == name && s == token);
        assert!(hit.is_some(), "{name}: {found:?}");
        if name.ends_with(".env") && !name.starts_with("nul") {
            assert_eq!(hit.unwrap().2, 2, "{name}: line numbers count decoded lines");
        }
    }
    assert!(!found.iter().any(|(_, s, _)| s == &token), "binary file was scanned");
}

#[test]
fn a_tree_two_thousand_levels_deep() {
    let dir = tempfile::tempdir().unwrap();
    let mut rng = Rng::new(45);
    let token = github_token(&mut rng);
    let rel: String = "d/".repeat(2000);
    std::fs::create_dir_all(dir.path().join(&rel)).unwrap();
    write(dir.path(), &format!("{rel}deep.env"), format!("GITHUB_TOKEN={token}\n"));
    let out = run_deadline(dir.path(), &["scan", "--show-secrets", "--format", "json", "."], 300);
    assert_eq!(code(&out), 1, "{}", stderr(&out));
    let doc = json(&out);
    assert!(secrets_found(&doc).contains(&token));
    assert_eq!(stats(&doc)["files_scanned"], 1);
}

#[test]
fn a_hundred_thousand_tiny_files() {
    let dir = tempfile::tempdir().unwrap();
    let mut rng = Rng::new(46);
    let token = github_token(&mut rng);
    for i in 0..100 {
        let sub = dir.path().join(format!("{i:03}"));
        std::fs::create_dir(&sub).unwrap();
        for j in 0..1000 {
            std::fs::write(sub.join(format!("{j:04}.txt")), if j % 3 == 0 { "" } else { "x = 1\n" }).unwrap();
        }
    }
    write(dir.path(), "050/0500.env", format!("GITHUB_TOKEN={token}\n"));
    let out = run_deadline(dir.path(), &["scan", "--show-secrets", "--format", "json", "."], 600);
    assert_eq!(code(&out), 1, "{}", stderr(&out));
    let doc = json(&out);
    let s = stats(&doc);
    assert_eq!(s["files_seen"], 100_001, "{s}");
    assert_eq!(s["files_scanned"], 100_001, "{s}");
    assert_eq!(secrets_found(&doc), vec![token]);
}

#[test]
fn invalid_rule_config_and_baseline_files_name_file_and_line() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    write(d, "a.txt", "hello\n");
    // A rule file: TOML error on line 3; a regex that does not compile.
    write(d, "rules/bad.toml", "[[rule]]\nid = \"SEC9999\"\nname = = \"x\"\n");
    let out = run_deadline(d, &["scan", "--rules", "rules/bad.toml", "."], 60);
    assert_eq!(code(&out), 2);
    assert!(stderr(&out).contains("bad.toml:3"), "{}", stderr(&out));
    // A config: unknown key on line 2.
    write(d, "cfg/.residue.toml", "[scan]\nbogus_key = 1\n");
    let out = run_deadline(d, &["scan", "--config", "cfg/.residue.toml", "."], 60);
    assert_eq!(code(&out), 2);
    assert!(stderr(&out).contains(".residue.toml:2"), "{}", stderr(&out));
    // A config that is not TOML at all, and one that is binary garbage.
    write(d, "cfg/garbage.toml", b"\xff\xfe\x00\x01[[[\n");
    let out = run_deadline(d, &["scan", "--config", "cfg/garbage.toml", "."], 60);
    assert_eq!(code(&out), 2);
    assert!(stderr(&out).contains("garbage.toml"), "{}", stderr(&out));
    // A baseline: line 3 is malformed.
    write(
        d,
        "base/b.txt",
        format!("{}\n0123456789abcdef0123456789abcdef SEC0001 a.py\nnonsense\n", residue::baseline::HEADER),
    );
    let out = run_deadline(d, &["scan", "--baseline", "base/b.txt", "."], 60);
    assert_eq!(code(&out), 2);
    assert!(stderr(&out).contains("b.txt:3"), "{}", stderr(&out));
    // Nothing panicked: no Rust panic message anywhere.
    assert!(!stderr(&out).contains("panicked"), "{}", stderr(&out));
}
