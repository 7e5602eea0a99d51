//! Embeds every rule file under `rules/` into the binary: generates `builtin_rules.rs` in OUT_DIR
//! with a sorted table of (path, contents). Sorting keeps rule order, and so output order, stable.
use std::{env, fs, path::Path};

fn collect(dir: &Path, out: &mut Vec<String>) {
    let Ok(entries) = fs::read_dir(dir) else { return };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            collect(&path, out);
        } else if path.extension().is_some_and(|e| e == "toml") {
            out.push(path.to_string_lossy().replace('\\', "/"));
        }
    }
}

fn main() {
    let root = env::var("CARGO_MANIFEST_DIR").unwrap();
    let rules = Path::new(&root).join("rules");
    println!("cargo:rerun-if-changed=rules");
    let mut files = Vec::new();
    collect(&rules, &mut files);
    files.sort();
    let out_dir = env::var("OUT_DIR").unwrap();
    let mut src = String::from("pub static BUILTIN_RULE_FILES: &[(&str, &str)] = &[\n");
    let mut json_src = String::from("pub static BUILTIN_RULE_JSON: &[Option<&str>] = &[\n");
    for (i, f) in files.iter().enumerate() {
        let rel = f.strip_prefix(&format!("{}/", root.replace('\\', "/"))).unwrap_or(f);
        src.push_str(&format!("    ({rel:?}, include_str!({f:?})),\n"));
        // The same file as JSON, which parses ~5x faster than TOML: TOML parsing was half of a
        // one-file scan's start-up. A file that is not valid TOML gets None and is parsed (and its
        // error reported with line and column) from the TOML text at run time.
        let json = fs::read_to_string(f)
            .ok()
            .and_then(|text| toml::from_str::<toml::Table>(&text).ok())
            .and_then(|table| serde_json::to_string(&table).ok());
        match json {
            Some(j) => {
                let jp = Path::new(&out_dir).join(format!("rules-{i}.json"));
                fs::write(&jp, j).unwrap();
                json_src.push_str(&format!("    Some(include_str!({:?})),\n", jp.to_string_lossy().replace('\\', "/")));
            }
            None => json_src.push_str("    None,\n"),
        }
    }
    src.push_str("];\n");
    json_src.push_str("];\n");
    src.push_str(&json_src);
    let out = Path::new(&out_dir).join("builtin_rules.rs");
    fs::write(out, src).unwrap();
}
