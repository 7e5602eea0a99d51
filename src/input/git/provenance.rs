//! Who introduced a finding: a commit id turned into `CommitInfo` (full id, author name and
//! email, author time in ISO 8601 with its offset). Called only for commits that own a finding,
//! and cached, so a history of 25,000 commits with 10 findings decodes 10 commit headers here.
use std::collections::HashMap;

use gix::ObjectId;

use crate::finding::CommitInfo;

#[derive(Default)]
pub struct Provenance {
    cache: HashMap<ObjectId, CommitInfo>,
}

impl Provenance {
    pub fn new() -> Self {
        Provenance::default()
    }

    /// The commit's author and time; a commit that cannot be read still gets its id.
    pub fn info(&mut self, repo: &gix::Repository, id: ObjectId) -> CommitInfo {
        self.cache.entry(id).or_insert_with(|| describe(repo, id)).clone()
    }
}

fn describe(repo: &gix::Repository, id: ObjectId) -> CommitInfo {
    let mut info = CommitInfo { id: id.to_string(), author: String::new(), email: String::new(), time: String::new() };
    let Ok(commit) = repo.find_commit(id) else { return info };
    if let Ok(a) = commit.author() {
        info.author = String::from_utf8_lossy(a.name).trim().to_string();
        info.email = String::from_utf8_lossy(a.email).trim().to_string();
        if let Ok(t) = a.time() {
            info.time = t.format(gix::date::time::format::ISO8601_STRICT).unwrap_or_default();
        }
    }
    info
}
