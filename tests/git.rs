//! Git scans: `--staged`, `--history`, `--range`, `--since-commit`. Fixture repositories are
//! built with the git CLI (the scanner itself reads them with gix); secrets are generated at run
//! time.
use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

use crate::common::*;

/// A scratch repository with deterministic identities and dates.
pub(crate) struct Repo {
    dir: tempfile::TempDir,
    tick: u32,
}

fn git_in(dir: &Path, args: &[&str]) -> String {
    let o = Command::new("git")
        .args(args)
        .current_dir(dir)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_AUTHOR_NAME", "Ann Author")
        .env("GIT_AUTHOR_EMAIL", "ann@example.com")
        .env("GIT_COMMITTER_NAME", "Ann Author")
        .env("GIT_COMMITTER_EMAIL", "ann@example.com")
        .output()
        .expect("run git");
    assert!(o.status.success(), "git {args:?} failed: {}", String::from_utf8_lossy(&o.stderr));
    String::from_utf8_lossy(&o.stdout).trim().to_string()
}

impl Repo {
    pub(crate) fn new() -> Repo {
        let dir = tempfile::tempdir().unwrap();
        git_in(dir.path(), &["init", "-q", "-b", "main", "."]);
        Repo { dir, tick: 0 }
    }

    pub(crate) fn path(&self) -> &Path {
        self.dir.path()
    }

    pub(crate) fn git(&self, args: &[&str]) -> String {
        git_in(self.path(), args)
    }

    pub(crate) fn write(&self, rel: &str, contents: impl AsRef<[u8]>) {
        write(self.path(), rel, contents);
    }

    /// Commits everything in the work tree with a fixed, increasing date; returns the id.
    pub(crate) fn commit(&mut self, msg: &str) -> String {
        self.tick += 1;
        let date = format!("2024-01-01T00:{:02}:00+00:00", self.tick);
        self.git(&["add", "-A"]);
        let o = Command::new("git")
            .args(["commit", "-q", "--allow-empty", "-m", msg])
            .current_dir(self.path())
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .env("GIT_CONFIG_GLOBAL", "/dev/null")
            .env("GIT_AUTHOR_NAME", "Ann Author")
            .env("GIT_AUTHOR_EMAIL", "ann@example.com")
            .env("GIT_COMMITTER_NAME", "Ann Author")
            .env("GIT_COMMITTER_EMAIL", "ann@example.com")
            .env("GIT_AUTHOR_DATE", &date)
            .env("GIT_COMMITTER_DATE", &date)
            .output()
            .unwrap();
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        self.git(&["rev-parse", "HEAD"])
    }
}

fn json(dir: &Path, args: &[&str]) -> (i32, Value, String) {
    let mut a = vec!["scan", "-f", "json", "--show-secrets", "--category", "secret"];
    a.extend_from_slice(args);
    let o = run_in(dir, &a);
    let v: Value = serde_json::from_slice(&o.stdout)
        .unwrap_or_else(|e| panic!("bad JSON ({e}): {}\nstderr: {}", stdout(&o), stderr(&o)));
    (code(&o), v, stderr(&o))
}

/// (path, line, secret, commit id) of each finding.
fn found(v: &Value) -> Vec<(String, u64, String, Option<String>)> {
    v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["path"].as_str().unwrap().to_string(),
                f["line"].as_u64().unwrap(),
                f["secret"].as_str().unwrap_or("").to_string(),
                f["commit"]["id"].as_str().map(|s| s.to_string()),
            )
        })
        .collect()
}

fn py(key: &str) -> String {
    format!("aws_access_key_id = \"{key}\"\n")
}

#[test]
fn staged_reports_only_added_lines() {
    let mut rng = Rng::new(11);
    let (old, new, unstaged) = (aws_key_id(&mut rng), aws_key_id(&mut rng), aws_key_id(&mut rng));
    let mut r = Repo::new();
    r.write("app/config.py", format!("x = 1\n{}", py(&old)));
    r.write("other.py", "y = 2\n");
    r.commit("base");
    // Staged: one new line with a new key; the committed key stays. Unstaged: another key.
    r.write("app/config.py", format!("x = 1\n{}z = 3\n{}", py(&old), py(&new)));
    r.git(&["add", "app/config.py"]);
    r.write("other.py", py(&unstaged));
    r.write("untracked.py", py(&unstaged));
    let (c, v, _) = json(r.path(), &["--staged"]);
    assert_eq!(c, 1);
    assert_eq!(found(&v), vec![("app/config.py".to_string(), 4, new.clone(), None)]);

    // Nothing staged: the committed key and the unstaged ones are not the gate's business.
    r.git(&["reset", "-q"]);
    let (c, v, _) = json(r.path(), &["--staged"]);
    assert_eq!(c, 0, "{v}");
}

#[test]
fn staged_in_unborn_repository_and_subdirectory() {
    let mut rng = Rng::new(12);
    let key = github_token(&mut rng);
    let r = Repo::new();
    r.write("src/deep/token.txt", format!("token: {key}\n"));
    r.git(&["add", "."]);
    let (c, v, _) = json(&r.path().join("src"), &["--staged"]);
    assert_eq!(c, 1);
    assert_eq!(found(&v), vec![("src/deep/token.txt".to_string(), 1, key, None)]);
}

#[test]
fn staged_rename_of_committed_secret_is_not_new() {
    let mut rng = Rng::new(13);
    let key = aws_key_id(&mut rng);
    let mut r = Repo::new();
    r.write("a/settings.py", py(&key));
    r.commit("base");
    r.git(&["mv", "a", "b"]);
    let (c, v, _) = json(r.path(), &["--staged"]);
    assert_eq!(c, 0, "{v}");
    assert!(found(&v).is_empty());
}

#[test]
fn staged_needs_a_repository() {
    let dir = tempfile::tempdir().unwrap();
    for flags in [&["--staged"][..], &["--history"], &["--since-commit", "HEAD"]] {
        let mut a = vec!["scan"];
        a.extend_from_slice(flags);
        let o = run_in(dir.path(), &a);
        assert_eq!(code(&o), 2, "{flags:?}");
        assert!(stderr(&o).contains("not a git repository"), "{}", stderr(&o));
    }
}

/// A history with a secret added, changed, deleted, renamed, on a branch only, on a tag only, in
/// a merge commit, in a binary blob and at several paths.
struct History {
    repo: Repo,
    /// key -> the commit that introduced it.
    keys: Vec<(String, String, &'static str)>,
}

fn history() -> History {
    let mut rng = Rng::new(21);
    let mut r = Repo::new();
    let mut keys = Vec::new();
    let k_added = aws_key_id(&mut rng);
    r.write("README.md", "hello\n");
    r.write("conf/app.py", py(&k_added));
    let c1 = r.commit("add key");
    keys.push((k_added.clone(), c1.clone(), "added"));

    let k_changed = aws_key_id(&mut rng);
    r.write("conf/app.py", py(&k_changed));
    let c2 = r.commit("change key");
    keys.push((k_changed.clone(), c2, "changed"));

    r.git(&["mv", "conf", "settings"]);
    r.commit("rename directory");

    let k_deleted = aws_key_id(&mut rng);
    r.write("tmp.py", py(&k_deleted));
    let c4 = r.commit("add temp key");
    keys.push((k_deleted.clone(), c4, "deleted"));
    std::fs::remove_file(r.path().join("tmp.py")).unwrap();
    r.commit("delete temp key");

    // The same blob at three paths, in one commit.
    let k_multi = github_token(&mut rng);
    for p in ["x/one.txt", "y/two.txt", "z/three.txt"] {
        r.write(p, format!("token {k_multi}\n"));
    }
    let c6 = r.commit("same blob thrice");
    keys.push((k_multi.clone(), c6, "multi"));

    // A binary blob with a key inside: skipped as binary, counted.
    let mut bin = vec![0u8, 1, 2, 3, 0, 0, 7];
    bin.extend_from_slice(py(&aws_key_id(&mut rng)).as_bytes());
    r.write("blob.bin", bin);
    r.commit("binary");

    // A branch-only key.
    r.git(&["checkout", "-q", "-b", "feature"]);
    let k_branch = aws_key_id(&mut rng);
    r.write("feature.py", py(&k_branch));
    let c8 = r.commit("feature key");
    keys.push((k_branch.clone(), c8, "branch"));

    // A tag-only key: an orphan commit reachable only from a tag.
    r.git(&["checkout", "-q", "--orphan", "tagonly"]);
    r.git(&["rm", "-rq", "--cached", "."]);
    for e in std::fs::read_dir(r.path()).unwrap() {
        let e = e.unwrap();
        if e.file_name() != ".git" {
            let p = e.path();
            if p.is_dir() {
                std::fs::remove_dir_all(p).unwrap();
            } else {
                std::fs::remove_file(p).unwrap();
            }
        }
    }
    let k_tag = aws_key_id(&mut rng);
    r.write("tagged.py", py(&k_tag));
    let c9 = r.commit("tag only");
    keys.push((k_tag.clone(), c9, "tag"));
    r.git(&["tag", "-a", "-m", "t", "v-secret"]);
    r.git(&["checkout", "-q", "main"]);
    r.git(&["branch", "-D", "tagonly"]);

    // A merge whose resolution introduces a key that neither side had.
    r.write("merge.py", "base = 1\n");
    r.commit("merge base");
    r.git(&["checkout", "-q", "-b", "side"]);
    r.write("merge.py", "side = 1\n");
    r.commit("side");
    r.git(&["checkout", "-q", "main"]);
    r.write("merge.py", "main = 1\n");
    r.commit("main side");
    let o = Command::new("git")
        .args(["merge", "-q", "side"])
        .current_dir(r.path())
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .output()
        .unwrap();
    assert!(!o.status.success(), "the merge must conflict");
    let k_merge = aws_key_id(&mut rng);
    r.write("merge.py", py(&k_merge));
    r.git(&["add", "merge.py"]);
    let cm = r.commit("merge with key");
    keys.push((k_merge.clone(), cm, "merge"));
    History { repo: r, keys }
}

fn check_history(v: &Value, keys: &[(String, String, &'static str)]) {
    let f = found(v);
    for (key, commit, what) in keys {
        let hits: Vec<_> = f.iter().filter(|x| &x.2 == key).collect();
        assert!(!hits.is_empty(), "{what} key not found in {f:?}");
        // The first commit to hold the key is the one that introduced it.
        assert!(hits.iter().any(|h| h.3.as_deref() == Some(commit.as_str())), "{what}: {hits:?} not at {commit}");
    }
    let (_, _, multi_what) = keys.iter().find(|k| k.2 == "multi").unwrap();
    let multi = &keys.iter().find(|k| k.2 == *multi_what).unwrap().0;
    let mut multi_paths: Vec<_> = f.iter().filter(|x| &x.2 == multi).map(|x| x.0.as_str()).collect();
    multi_paths.sort();
    assert_eq!(multi_paths, ["x/one.txt", "y/two.txt", "z/three.txt"]);
    // The renamed directory: the changed key sits at its old and its new path.
    let changed = &keys.iter().find(|k| k.2 == "changed").unwrap().0;
    let mut at: Vec<_> = f.iter().filter(|x| &x.2 == changed).map(|x| x.0.as_str()).collect();
    at.sort();
    assert_eq!(at, ["conf/app.py", "settings/app.py"]);
    // Commit objects carry author and ISO 8601 time.
    let one = v["findings"].as_array().unwrap().iter().find(|x| x["commit"].is_object()).unwrap();
    assert_eq!(one["commit"]["author"], "Ann Author");
    assert_eq!(one["commit"]["email"], "ann@example.com");
    assert!(one["commit"]["time"].as_str().unwrap().starts_with("2024-01-01T00:"));
}

#[test]
fn history_finds_every_blob_once_with_its_introducing_commit() {
    let h = history();
    let (c, v, _) = json(h.repo.path(), &["--history"]);
    assert_eq!(c, 1);
    check_history(&v, &h.keys);
    let stats = &v["stats"];
    assert_eq!(stats["files_skipped"]["binary"], 1, "{stats}");
    // One scan per unique blob: the thrice-placed blob counts once.
    assert_eq!(stats["blobs_scanned"], stats["files_scanned"]);
    let commits = h.repo.git(&["rev-list", "--all", "--count"]);
    assert_eq!(stats["commits"].as_u64().unwrap().to_string(), commits);
    let unique_text_blobs = h.repo.git(&["rev-list", "--all", "--objects"]);
    let n_blobs = unique_text_blobs
        .lines()
        .filter_map(|l| l.split_whitespace().next())
        .filter(|id| h.repo.git(&["cat-file", "-t", id]) == "blob")
        .count() as u64;
    assert_eq!(stats["files_scanned"].as_u64().unwrap() + 1, n_blobs, "{stats}");

    // Loose objects and packed ones give the same answer.
    h.repo.git(&["gc", "-q"]);
    let (c2, v2, _) = json(h.repo.path(), &["--history"]);
    assert_eq!(c2, 1);
    assert_eq!(found(&v), found(&v2));
}

#[test]
fn history_of_bare_and_shallow_clones() {
    let h = history();
    let root = tempfile::tempdir().unwrap();
    let bare: PathBuf = root.path().join("bare.git");
    git_in(root.path(), &["clone", "-q", "--bare", h.repo.path().to_str().unwrap(), bare.to_str().unwrap()]);
    // Run from elsewhere, with the repository as the path argument.
    let (c, v, _) = json(root.path(), &["--history", bare.to_str().unwrap()]);
    assert_eq!(c, 1);
    let mut keys = h.keys.clone();
    // A bare clone copies branches and tags, so every key is there.
    check_history(&v, &keys);

    let shallow = root.path().join("shallow");
    let url = format!("file://{}", h.repo.path().display());
    git_in(root.path(), &["clone", "-q", "--depth", "1", "--branch", "main", &url, shallow.to_str().unwrap()]);
    let (c, v, err) = json(&shallow, &["--history"]);
    assert_eq!(c, 1);
    assert!(err.contains("shallow"), "{err}");
    // Only HEAD's tree is there: the merge key, at the boundary commit.
    keys.retain(|k| k.2 == "merge");
    let f = found(&v);
    assert!(f.iter().any(|x| x.2 == keys[0].0 && x.3.as_deref() == Some(keys[0].1.as_str())), "{f:?}");
    assert_eq!(v["stats"]["commits"], 1);
}

#[test]
fn history_with_submodule_is_not_recursed() {
    let mut rng = Rng::new(31);
    let mut sub = Repo::new();
    sub.write("inner.py", py(&aws_key_id(&mut rng)));
    sub.commit("inner");
    let mut r = Repo::new();
    r.write("top.txt", "nothing\n");
    r.commit("top");
    let path = sub.path().to_str().unwrap().to_string();
    r.git(&["-c", "protocol.file.allow=always", "submodule", "add", "-q", &path, "vendor/sub"]);
    r.commit("add submodule");
    let (c, v, _) = json(r.path(), &["--history"]);
    assert_eq!(c, 0, "{v}");
}

#[test]
fn range_reports_only_what_the_commits_added() {
    let mut rng = Rng::new(41);
    let (k_old, k_new, k_new2) = (aws_key_id(&mut rng), aws_key_id(&mut rng), github_token(&mut rng));
    let mut r = Repo::new();
    r.write("app.py", py(&k_old));
    let base = r.commit("base with an old key");
    r.write("app.py", format!("{}x = 1\n{}", py(&k_old), py(&k_new)));
    let c2 = r.commit("new key");
    r.write("notes.txt", format!("token {k_new2}\n"));
    let c3 = r.commit("another");
    r.git(&["mv", "app.py", "main.py"]);
    r.commit("rename");

    let (c, v, _) = json(r.path(), &["--range", &format!("{base}..HEAD")]);
    assert_eq!(c, 1);
    let mut f = found(&v);
    f.sort();
    assert_eq!(
        f,
        vec![
            ("app.py".to_string(), 3, k_new.clone(), Some(c2.clone())),
            ("notes.txt".to_string(), 1, k_new2.clone(), Some(c3.clone())),
        ]
    );
    assert_eq!(v["stats"]["commits"], 3);

    let (c, v, _) = json(r.path(), &["--since-commit", &c2]);
    assert_eq!(c, 1);
    assert_eq!(found(&v), vec![("notes.txt".to_string(), 1, k_new2, Some(c3.clone()))]);

    // Only the rename after c3: nothing new.
    let (c, v, _) = json(r.path(), &["--range", &format!("{c3}..HEAD")]);
    assert_eq!(c, 0, "{v}");

    // SARIF carries the commit in the result's properties.
    let o = run_in(r.path(), &["scan", "-f", "sarif", "--range", &format!("{base}..{c2}")]);
    assert_eq!(code(&o), 1);
    let s: Value = serde_json::from_slice(&o.stdout).unwrap();
    let res = &s["runs"][0]["results"][0];
    assert_eq!(res["properties"]["commit"]["id"], c2.as_str());
    assert!(!stdout(&o).contains(&k_new), "SARIF must not hold the secret");
}

#[test]
fn range_through_a_merge_reports_branch_commits_not_the_merge() {
    let mut rng = Rng::new(51);
    let key = aws_key_id(&mut rng);
    let mut r = Repo::new();
    r.write("a.py", "a = 1\n");
    let base = r.commit("base");
    r.git(&["checkout", "-q", "-b", "topic"]);
    r.write("b.py", py(&key));
    let on_topic = r.commit("topic key");
    r.git(&["checkout", "-q", "main"]);
    r.write("c.py", "c = 1\n");
    r.commit("main work");
    r.git(&["merge", "-q", "--no-edit", "topic"]);
    let (c, v, _) = json(r.path(), &["--range", &format!("{base}..HEAD")]);
    assert_eq!(c, 1);
    assert_eq!(found(&v), vec![("b.py".to_string(), 1, key, Some(on_topic))]);
}

#[test]
fn range_rejects_bad_specs() {
    let mut r = Repo::new();
    r.write("a.txt", "a\n");
    r.commit("one");
    let o = run_in(r.path(), &["scan", "--range", "nope..HEAD"]);
    assert_eq!(code(&o), 2);
    assert!(stderr(&o).contains("nope"), "{}", stderr(&o));
    let o = run_in(r.path(), &["scan", "--range", "HEAD"]);
    assert_eq!(code(&o), 2);
}

/// A binary PKCS#12 bundle is reported by every git mode (file rules run before the binary skip),
/// with the commit that added it, once per distinct blob, and without its bytes in the output.
#[test]
fn binary_key_store_in_history_range_and_staged() {
    let store = crate::filerules::p12(b"\x00\x01CANARY-IN-GIT\x00");
    let mut r = Repo::new();
    r.write("README.md", "hello\n");
    let base = r.commit("base");
    r.write("certs/server.p12", &store);
    r.write("docs/not-a-key.p12", "not a key\n");
    let c2 = r.commit("add a key store");
    r.write("README.md", "hello again\n");
    r.commit("unrelated");

    let file_findings = |v: &Value| -> Vec<(String, u64, Option<String>)> {
        let mut f: Vec<_> = found(v).into_iter().map(|(p, l, _, c)| (p, l, c)).collect();
        f.sort();
        f
    };
    let want = vec![("certs/server.p12".to_string(), 1, Some(c2.clone()))];
    let (c, v, _) = json(r.path(), &["--history"]);
    assert_eq!(c, 1, "{v}");
    assert_eq!(file_findings(&v), want, "{v}");
    assert_eq!(v["findings"][0]["rule"], "SEC0970");
    assert!(!v.to_string().contains("CANARY"), "history output holds the file bytes: {v}");

    let (c, v, _) = json(r.path(), &["--range", &format!("{base}..HEAD")]);
    assert_eq!(c, 1, "{v}");
    assert_eq!(file_findings(&v), want, "{v}");

    // Changing the store is a new finding in a range; a commit that leaves it alone is not.
    r.write("certs/server.p12", crate::filerules::p12(b"\x00\x02rotated\x00"));
    let c4 = r.commit("replace the key store");
    let (_, v, _) = json(r.path(), &["--range", &format!("{c2}..HEAD")]);
    assert_eq!(file_findings(&v), vec![("certs/server.p12".to_string(), 1, Some(c4.clone()))], "{v}");
    let (_, v, _) = json(r.path(), &["--history"]);
    assert_eq!(file_findings(&v).len(), 2, "one finding per distinct blob: {v}");

    // Staged: a new binary key store is reported; once committed, nothing is staged.
    r.write("release/Signing.pfx", &store);
    r.git(&["add", "release/Signing.pfx"]);
    let (c, v, _) = json(r.path(), &["--staged"]);
    assert_eq!(c, 1, "{v}");
    assert_eq!(file_findings(&v), vec![("release/Signing.pfx".to_string(), 1, None)], "{v}");
    r.commit("sign");
    let (c, v, _) = json(r.path(), &["--staged"]);
    assert_eq!(c, 0, "{v}");
}

// Damaged object stores and indexes: each gives a clear message naming what could not be read and
// exit code 2 (1 when other files still hold findings, which outrank errors), never a panic, a
// hang, or a blob silently left out.

/// The loose object file of `id` in `repo`.
pub(crate) fn loose(repo: &Path, id: &str) -> PathBuf {
    repo.join(".git/objects").join(&id[..2]).join(&id[2..])
}

/// Asserts a clean failure: no panic, the counted errors, and each expected text in stderr.
fn check_damage(c: i32, v: &Value, err: &str, code: i32, errors: u64, says: &[&str]) {
    assert!(!err.contains("panicked"), "{err}");
    assert_eq!(c, code, "{err}\n{v}");
    assert_eq!(v["stats"]["errors"], errors, "{err}");
    for s in says {
        assert!(err.contains(s), "stderr lacks {s:?}: {err}");
    }
    let s = &v["stats"];
    let skipped: u64 = s["files_skipped"].as_object().unwrap().values().map(|x| x.as_u64().unwrap()).sum();
    assert_eq!(
        s["files_seen"].as_u64().unwrap(),
        s["files_scanned"].as_u64().unwrap() + skipped + s["errors"].as_u64().unwrap(),
        "{s}"
    );
}

#[test]
fn history_with_damaged_loose_blobs() {
    let mut rng = Rng::new(61);
    let (k1, k2) = (github_token(&mut rng), github_token(&mut rng));
    let mut r = Repo::new();
    r.write("a.py", format!("token = \"{k1}\"\n"));
    r.write("b.py", format!("token = \"{k2}\"\n"));
    r.write("c.txt", "plain\n");
    r.commit("base");
    let (a, txt) = (r.git(&["rev-parse", "HEAD:a.py"]), r.git(&["rev-parse", "HEAD:c.txt"]));
    let set = |id: &str, bytes: &[u8]| {
        let p = loose(r.path(), id);
        let mut perm = std::fs::metadata(&p).unwrap().permissions();
        #[allow(clippy::permissions_set_readonly_false)]
        perm.set_readonly(false);
        std::fs::set_permissions(&p, perm).unwrap();
        std::fs::write(&p, bytes).unwrap();
    };
    // Truncated: half a zlib stream. b.py's key is still found; a.py is a counted error.
    let whole = std::fs::read(loose(r.path(), &a)).unwrap();
    set(&a, &whole[..whole.len() / 2]);
    let (c, v, err) = json(r.path(), &["--history"]);
    check_damage(c, &v, &err, 1, 1, &["a.py", &a]);
    assert_eq!(found(&v).iter().map(|f| f.2.clone()).collect::<Vec<_>>(), vec![k2.clone()]);

    // Not zlib at all, and a valid zlib stream holding a tree where the blob should be: the
    // other key alone does not hide the two errors.
    set(&a, b"garbage, not zlib");
    // "tree 0\0" compressed with stored deflate blocks.
    set(
        &txt,
        &[0x78, 0x01, 0x01, 0x07, 0x00, 0xf8, 0xff, b't', b'r', b'e', b'e', b' ', b'0', 0, 0x0a, 0x2c, 0x02, 0x01],
    );
    let (c, v, err) = json(r.path(), &["--history"]);
    check_damage(c, &v, &err, 1, 2, &["a.py", &a, "c.txt", "is a tree, not a blob"]);

    // Missing: a blob the tree references was deleted. No findings left: exit 2.
    std::fs::remove_file(loose(r.path(), &r.git(&["rev-parse", "HEAD:b.py"]))).unwrap();
    let (c, v, err) = json(r.path(), &["--history"]);
    check_damage(c, &v, &err, 2, 3, &["b.py", "could not be found"]);
    assert!(found(&v).is_empty());
}

/// Replaces loose object `id` with `bytes` (its file is read-only: removed, then written).
pub(crate) fn set_loose(repo: &Path, id: &str, bytes: &[u8]) {
    let p = loose(repo, id);
    std::fs::remove_file(&p).unwrap();
    std::fs::write(&p, bytes).unwrap();
}

/// A loose object file holding `data` as an object of `kind` (header size exact).
pub(crate) fn loose_bytes(kind: &str, data: &[u8]) -> Vec<u8> {
    let mut v = format!("{kind} {}\0", data.len()).into_bytes();
    v.extend_from_slice(data);
    crate::fuzz_checks::zlib_stored(&v)
}

/// The raw content of tree `id` (binary entries), as `git cat-file` gives it.
fn raw_tree(repo: &Path, id: &str) -> Vec<u8> {
    let o = Command::new("git").args(["cat-file", "tree", id]).current_dir(repo).output().unwrap();
    assert!(o.status.success());
    o.stdout
}

/// The secrets of the findings, sorted.
fn secrets(v: &Value) -> Vec<String> {
    let mut s: Vec<String> = found(v).into_iter().map(|f| f.2).collect();
    s.sort();
    s
}

#[test]
fn history_with_missing_tree_is_one_counted_error() {
    let mut rng = Rng::new(64);
    let key = github_token(&mut rng);
    let mut r = Repo::new();
    r.write("src/a.py", "a = 1\n");
    r.write("top.txt", "v1\n");
    let c1 = r.commit("base");
    r.write("top.txt", "v2\n");
    r.commit("second");
    // The same src/ tree again under a second name: one damaged tree, reached from three commits
    // at src/ and from one at lib/.
    r.write("lib/a.py", "a = 1\n");
    let c3 = r.commit("third");
    r.write("src/a.py", "a = 2\n");
    r.write("key.py", format!("token = \"{key}\"\n"));
    r.commit("fourth");
    let sub = r.git(&["rev-parse", &format!("{c1}:src")]);
    assert_eq!(sub, r.git(&["rev-parse", "HEAD~1:lib"]));
    std::fs::remove_file(loose(r.path(), &sub)).unwrap();
    // The sweep goes on: the key in the last commit is still found (exit 1), and the tree is one
    // error naming it, the directory and the commit that first reached it.
    let (c, v, err) = json(r.path(), &["--history"]);
    check_damage(c, &v, &err, 1, 1, &[&format!("src/ in commit {c1}: reading tree {sub}"), "could not be found"]);
    assert_eq!(secrets(&v), vec![key.clone()]);
    // top.txt x2, src/a.py (second version), key.py: a.py's first version only the tree held.
    assert_eq!(v["stats"]["files_scanned"], 4, "{v}");
    // Without the key (no secret rules): the error alone makes exit 2.
    let o = run_in(r.path(), &["scan", "-f", "json", "--category", "prompt-residue", "--history"]);
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    check_damage(code(&o), &v, &stderr(&o), 2, 1, &[&format!("reading tree {sub}")]);

    // A parent commit gone (not a shallow clone): said as a missing history, not an error.
    let c2 = r.git(&["rev-parse", "HEAD~2"]);
    std::fs::remove_file(loose(r.path(), &c2)).unwrap();
    let (c, v, err) = json(r.path(), &["--history"]);
    assert!(err.contains("shallow boundary"), "{err}");
    // lib/ in the third commit still reaches the missing tree.
    check_damage(c, &v, &err, 1, 1, &[&format!("lib/ in commit {c3}: reading tree {sub}")]);
}

#[test]
fn history_with_damaged_subtree_keeps_what_it_could_read() {
    let mut rng = Rng::new(65);
    let (k1, k2) = (github_token(&mut rng), github_token(&mut rng));
    let mut r = Repo::new();
    r.write("src/a.py", format!("token = \"{k1}\"\n"));
    r.write("src/b.py", format!("token = \"{k2}\"\n"));
    r.write("top.txt", "plain\n");
    let c1 = r.commit("base");
    let sub = r.git(&["rev-parse", "HEAD:src"]);
    // The tree's first entry intact, then bytes that are no tree entry.
    let raw = raw_tree(r.path(), &sub);
    let first = raw.iter().position(|&b| b == 0).unwrap() + 21;
    let mut bad = raw[..first].to_vec();
    bad.extend_from_slice(b"garbage");
    set_loose(r.path(), &sub, &loose_bytes("tree", &bad));
    let (c, v, err) = json(r.path(), &["--history"]);
    check_damage(c, &v, &err, 1, 1, &[&format!("src/ in commit {c1}: reading tree {sub}"), "after 1 entries"]);
    assert_eq!(secrets(&v), vec![k1]);
    assert_eq!(v["stats"]["files_scanned"], 2, "{v}");

    // Not zlib at all: nothing under src/ can be read; top.txt still is. No findings: exit 2.
    set_loose(r.path(), &sub, b"garbage, not zlib");
    let (c, v, err) = json(r.path(), &["--history"]);
    check_damage(c, &v, &err, 2, 1, &[&format!("reading tree {sub}")]);
    assert_eq!(v["stats"]["files_scanned"], 1, "{v}");
}

#[test]
fn history_with_damaged_root_tree_of_one_commit() {
    let mut rng = Rng::new(66);
    let (k1, k2) = (github_token(&mut rng), github_token(&mut rng));
    let mut r = Repo::new();
    r.write("a.py", format!("token = \"{k1}\"\n"));
    let c1 = r.commit("first");
    r.write("b.py", format!("token = \"{k2}\"\n"));
    let c2 = r.commit("second");
    r.write("c.txt", "plain\n");
    let c3 = r.commit("third");
    let root = r.git(&["rev-parse", "HEAD~1^{tree}"]);
    // A valid zlib stream whose tree is cut inside its first entry.
    set_loose(r.path(), &root, &loose_bytes("tree", b"100644 a.p"));
    let (c, v, err) = json(r.path(), &["--history"]);
    check_damage(c, &v, &err, 1, 1, &[&format!("commit {c2}: reading tree {root}")]);
    // The other commits' blobs are all scanned; b.py, which only the damaged tree put in place
    // first, is attributed to the next commit that holds it.
    let got: Vec<(String, String, Option<String>)> = found(&v).into_iter().map(|f| (f.0, f.2, f.3)).collect();
    assert_eq!(got, vec![("a.py".into(), k1, Some(c1)), ("b.py".into(), k2, Some(c3))], "{v}");
    assert_eq!(v["stats"]["commits"], 3, "{v}");
}

#[test]
fn history_with_damaged_commit_object() {
    let mut rng = Rng::new(67);
    let (k1, k2) = (github_token(&mut rng), github_token(&mut rng));
    let mut r = Repo::new();
    r.write("old.py", format!("token = \"{k1}\"\n"));
    r.commit("first");
    r.write("old.py", "gone\n");
    let c2 = r.commit("second");
    r.write("new.py", format!("token = \"{k2}\"\n"));
    r.commit("third");
    // The middle commit undecodable: an error naming it, not a shallow clone. The first commit
    // is reachable only through it; the tip's tree is still scanned whole.
    set_loose(r.path(), &c2, &loose_bytes("commit", b"tree nothex\n"));
    let (c, v, err) = json(r.path(), &["--history"]);
    check_damage(c, &v, &err, 1, 1, &[&format!("commit {c2}: decoding commit {c2}"), "was not scanned"]);
    assert!(!err.contains("shallow"), "{err}");
    assert_eq!(secrets(&v), vec![k2.clone()]);
    assert_eq!(v["stats"]["commits"], 1, "{v}");

    // An object of another kind stored under the commit's id, then the tip itself damaged:
    // nothing left to scan, exit 2.
    set_loose(r.path(), &c2, &loose_bytes("blob", b"x"));
    let (c, v, err) = json(r.path(), &["--history"]);
    check_damage(c, &v, &err, 1, 1, &[&format!("object {c2} is a blob, not a commit")]);
    let tip = r.git(&["rev-parse", "HEAD"]);
    set_loose(r.path(), &tip, b"garbage, not zlib");
    let (c, v, err) = json(r.path(), &["--history"]);
    check_damage(c, &v, &err, 2, 1, &[&format!("commit {tip}: reading commit {tip}")]);
    assert!(found(&v).is_empty());
}

#[test]
fn range_and_staged_with_damaged_trees() {
    let mut rng = Rng::new(68);
    let (k1, k2, k3) = (github_token(&mut rng), github_token(&mut rng), github_token(&mut rng));
    let mut r = Repo::new();
    r.write("README.md", "hello\n");
    let base = r.commit("base");
    r.write("src/x.py", format!("token = \"{k1}\"\n"));
    let c1 = r.commit("add x");
    r.write("src/y.py", format!("token = \"{k2}\"\n"));
    let c2 = r.commit("add y");
    let sub = r.git(&["rev-parse", &format!("{c1}:src")]);
    std::fs::remove_file(loose(r.path(), &sub)).unwrap();
    // c1's src/ cannot be read: one error, though c2 is compared with it too; c2 is compared with
    // nothing there, so x.py counts as added by c2 (reported again rather than lost).
    let (c, v, err) = json(r.path(), &["--range", &format!("{base}..HEAD")]);
    check_damage(c, &v, &err, 1, 1, &[&format!("src/ in commit {c1}: reading tree {sub}")]);
    let got: Vec<(String, String, Option<String>)> = found(&v).into_iter().map(|f| (f.0, f.2, f.3)).collect();
    let want = vec![("src/x.py".into(), k1.clone(), Some(c2.clone())), ("src/y.py".into(), k2.clone(), Some(c2))];
    assert_eq!(got, want, "{v}");

    // --staged: HEAD's src/ is c2's, intact; damage it and stage a change under it. Every staged
    // file under src/ is compared with nothing: all their lines are new, committed keys included.
    let head_src = r.git(&["rev-parse", "HEAD:src"]);
    set_loose(r.path(), &head_src, b"garbage, not zlib");
    r.write("src/y.py", format!("token = \"{k2}\"\nother = \"{k3}\"\n"));
    r.git(&["add", "src/y.py"]);
    let (c, v, err) = json(r.path(), &["--staged"]);
    check_damage(c, &v, &err, 1, 1, &[&format!("src/ in HEAD: reading tree {head_src}")]);
    let mut want = vec![k1, k2, k3];
    want.sort();
    assert_eq!(secrets(&v), want);
}

#[test]
fn range_with_damaged_commits() {
    let mut rng = Rng::new(69);
    let (k1, k2) = (github_token(&mut rng), github_token(&mut rng));
    let mut r = Repo::new();
    r.write("README.md", "hello\n");
    let base = r.commit("base");
    r.write("x.py", format!("token = \"{k1}\"\n"));
    let c1 = r.commit("add x");
    r.write("y.py", format!("token = \"{k2}\"\n"));
    let c2 = r.commit("add y");
    let good = std::fs::read(loose(r.path(), &base)).unwrap();
    // Behind the range's start: counted, and what the range adds is still reported.
    set_loose(r.path(), &base, b"garbage, not zlib");
    let (c, v, err) = json(r.path(), &["--range", &format!("{c1}..HEAD")]);
    check_damage(c, &v, &err, 1, 1, &[&format!("commit {base}: reading commit {base}")]);
    assert!(!err.contains("shallow"), "{err}");
    assert_eq!(found(&v).into_iter().map(|f| (f.2, f.3)).collect::<Vec<_>>(), vec![(k2.clone(), Some(c2.clone()))]);
    set_loose(r.path(), &base, &good);
    // Inside the range: counted once; the next commit, with no parent to compare with, reports
    // everything it holds as added (k1 again, at c2, rather than lost).
    set_loose(r.path(), &c1, &loose_bytes("commit", b"tree nothex\n"));
    let (c, v, err) = json(r.path(), &["--range", &format!("{base}..HEAD")]);
    check_damage(c, &v, &err, 1, 1, &[&format!("commit {c1}: decoding commit {c1}")]);
    assert!(!err.contains("shallow"), "{err}");
    let mut got: Vec<(String, Option<String>)> = found(&v).into_iter().map(|f| (f.2, f.3)).collect();
    got.sort();
    let mut want = vec![(k1, Some(c2.clone())), (k2, Some(c2))];
    want.sort();
    assert_eq!(got, want, "{v}");
}

#[test]
fn history_with_damaged_pack() {
    let mut rng = Rng::new(62);
    let (k1, k2) = (github_token(&mut rng), github_token(&mut rng));
    let mut r = Repo::new();
    r.write("small.py", format!("token = \"{k1}\"\n"));
    // 32 KiB of incompressible text: in a packed repository most of the pack is this blob, so
    // its middle lies inside this blob's zlib stream.
    let filler = rng.string(b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789", 32 << 10);
    r.write("big.txt", format!("token = \"{k2}\"\n{filler}\n"));
    r.commit("base");
    r.git(&["gc", "-q"]);
    let big = r.git(&["rev-parse", "HEAD:big.txt"]);
    assert!(!loose(r.path(), &big).exists(), "git gc packs every object");
    let pack_dir = r.path().join(".git/objects/pack");
    let pack = std::fs::read_dir(&pack_dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.extension().is_some_and(|x| x == "pack"))
        .unwrap();
    let mut bytes = std::fs::read(&pack).unwrap();
    let mid = bytes.len() / 2;
    for b in &mut bytes[mid..mid + 16] {
        *b ^= 0xFF;
    }
    std::fs::write(&pack, &bytes).unwrap();
    // The damaged blob is an error naming it; the small file's key is still found.
    let (c, v, err) = json(r.path(), &["--history"]);
    check_damage(c, &v, &err, 1, 1, &["big.txt", &big]);
    assert_eq!(found(&v).iter().map(|f| f.2.clone()).collect::<Vec<_>>(), vec![k1]);
    assert!(!stdout(&run_in(r.path(), &["scan", "--history", "--show-secrets"])).contains(&k2));
}

#[test]
fn staged_with_damaged_index_or_blob() {
    let mut rng = Rng::new(63);
    let key = github_token(&mut rng);
    let mut r = Repo::new();
    r.write("a.py", "a = 1\n");
    r.commit("base");
    r.write("a.py", format!("a = 1\ntoken = \"{key}\"\n"));
    r.git(&["add", "a.py"]);
    let index = r.path().join(".git/index");
    let good = std::fs::read(&index).unwrap();

    // The staged blob gone from the object store: a counted error naming it, exit 2.
    let staged = r.git(&["rev-parse", ":a.py"]);
    let blob = std::fs::read(loose(r.path(), &staged)).unwrap();
    std::fs::remove_file(loose(r.path(), &staged)).unwrap();
    let (c, v, err) = json(r.path(), &["--staged"]);
    check_damage(c, &v, &err, 2, 1, &["a.py", &staged]);
    std::fs::write(loose(r.path(), &staged), &blob).unwrap();

    // Truncated index, entry count overstated, garbage: "reading the index", exit 2.
    let mut more = good.clone();
    more[8..12].copy_from_slice(&1000u32.to_be_bytes());
    for bad in [&good[..good.len() / 2], &more[..], b"DIRC\0\0\0\x02garbage"] {
        std::fs::write(&index, bad).unwrap();
        let o = run_in(r.path(), &["scan", "--staged"]);
        let err = stderr(&o);
        assert_eq!(code(&o), 2, "{err}");
        assert!(!err.contains("panicked") && err.contains("reading the index"), "{err}");
    }
    std::fs::write(&index, &good).unwrap();
    let (c, _, err) = json(r.path(), &["--staged"]);
    assert_eq!(c, 1, "{err}");
}
