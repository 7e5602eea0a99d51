//! What a path says about a file before it is read: its language (from the extension or a
//! well-known name) and its context (test, docs, example, vendor). Both are computed once per file
//! from the path alone, in a few string comparisons, and drive rule scoping.
use std::path::Path;

/// A file's language, as far as rule scoping needs it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Language {
    Python,
    JavaScript,
    TypeScript,
    Go,
    Java,
    Kotlin,
    Scala,
    Groovy,
    Rust,
    C,
    Cpp,
    CSharp,
    Swift,
    Ruby,
    Php,
    Shell,
    PowerShell,
    Perl,
    Lua,
    R,
    Dart,
    Elixir,
    Sql,
    Html,
    Css,
    Yaml,
    Json,
    Toml,
    Xml,
    Ini,
    Env,
    Dockerfile,
    Terraform,
    Makefile,
    Markdown,
    Text,
    Notebook,
    // Pseudo-languages: a refinement of another language found from the path or content.
    GithubActions,
    Kubernetes,
    DockerCompose,
}

/// Every language name a rule may use in `languages`, with its canonical example extension.
pub const LANGUAGE_NAMES: &[(&str, Language, &str)] = &[
    ("python", Language::Python, "src/app.py"),
    ("javascript", Language::JavaScript, "src/app.js"),
    ("typescript", Language::TypeScript, "src/app.ts"),
    ("go", Language::Go, "src/app.go"),
    ("java", Language::Java, "src/App.java"),
    ("kotlin", Language::Kotlin, "src/App.kt"),
    ("scala", Language::Scala, "src/App.scala"),
    ("groovy", Language::Groovy, "src/app.groovy"),
    ("rust", Language::Rust, "src/app.rs"),
    ("c", Language::C, "src/app.c"),
    ("cpp", Language::Cpp, "src/app.cpp"),
    ("csharp", Language::CSharp, "src/App.cs"),
    ("swift", Language::Swift, "src/App.swift"),
    ("ruby", Language::Ruby, "src/app.rb"),
    ("php", Language::Php, "src/app.php"),
    ("shell", Language::Shell, "src/app.sh"),
    ("powershell", Language::PowerShell, "src/app.ps1"),
    ("perl", Language::Perl, "src/app.pl"),
    ("lua", Language::Lua, "src/app.lua"),
    ("r", Language::R, "src/app.R"),
    ("dart", Language::Dart, "src/app.dart"),
    ("elixir", Language::Elixir, "src/app.ex"),
    ("sql", Language::Sql, "src/app.sql"),
    ("html", Language::Html, "src/app.html"),
    ("css", Language::Css, "src/app.css"),
    ("yaml", Language::Yaml, "src/app.yaml"),
    ("json", Language::Json, "src/app.json"),
    ("toml", Language::Toml, "src/app.toml"),
    ("xml", Language::Xml, "src/app.xml"),
    ("ini", Language::Ini, "src/app.ini"),
    ("env", Language::Env, ".env"),
    ("dockerfile", Language::Dockerfile, "src/Dockerfile"),
    ("terraform", Language::Terraform, "src/main.tf"),
    ("makefile", Language::Makefile, "src/Makefile"),
    ("markdown", Language::Markdown, "src/app.md"),
    ("text", Language::Text, "src/app.txt"),
    ("notebook", Language::Notebook, "src/app.ipynb"),
    ("github-actions", Language::GithubActions, ".github/workflows/ci.yml"),
    ("kubernetes", Language::Kubernetes, "deploy/deployment.yaml"),
    ("docker-compose", Language::DockerCompose, "docker-compose.yml"),
];

impl Language {
    pub fn from_name(name: &str) -> Option<Language> {
        LANGUAGE_NAMES.iter().find(|(n, _, _)| *n == name).map(|(_, l, _)| *l)
    }

    pub fn name(self) -> &'static str {
        LANGUAGE_NAMES.iter().find(|(_, l, _)| *l == self).map(|(n, _, _)| *n).unwrap_or("?")
    }

    pub fn example_path(self) -> &'static str {
        LANGUAGE_NAMES.iter().find(|(_, l, _)| *l == self).map(|(_, _, p)| *p).unwrap_or("src/app")
    }

    /// The line-comment and block-comment-continuation markers used by `in_comment`.
    pub fn line_comment_markers(self) -> &'static [&'static str] {
        use Language::*;
        match self {
            Python | Ruby | Shell | Perl | R | Elixir | Yaml | Toml | Env | Dockerfile | Makefile | PowerShell
            | GithubActions | Kubernetes | DockerCompose => &["#"],
            Terraform => &["#", "//", "/*", "*"],
            Ini => &["#", ";"],
            Sql | Lua => &["--"],
            Php => &["//", "#", "/*", "*"],
            Html | Xml | Markdown => &["<!--"],
            Css => &["/*", "*"],
            Json | Text | Notebook => &[],
            _ => &["//", "/*", "*"],
        }
    }
}

/// Where a file sits: each flag widens how a rule may treat it (`skip_in`, test severity).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PathContext {
    pub test: bool,
    pub docs: bool,
    pub example: bool,
    pub vendor: bool,
}

pub const CONTEXT_NAMES: &[&str] = &["test", "docs", "example", "vendor"];

impl PathContext {
    pub fn has(&self, name: &str) -> bool {
        match name {
            "test" => self.test,
            "docs" => self.docs,
            "example" => self.example,
            "vendor" => self.vendor,
            _ => false,
        }
    }
}

/// Everything rule scoping needs to know about one file, computed once.
#[derive(Debug, Clone)]
pub struct FileInfo {
    /// Normalized path: forward slashes, no leading `./`.
    pub path: String,
    pub language: Option<Language>,
    /// A refinement (GitHub workflow, Kubernetes manifest, compose file) of `language`.
    pub sublanguage: Option<Language>,
    pub context: PathContext,
}

impl FileInfo {
    pub fn new(path: &Path) -> FileInfo {
        FileInfo::from_path_str(&normalize_path(path))
    }

    /// A file met under the walk root `root`: the path keeps the root (it is what the user typed),
    /// but the context comes from the part below the root only, so scanning
    /// `~/src/tests-infra/app` or `tests/corpus/x` does not make every file a test file. A file given
    /// directly as a root is judged by its name.
    pub fn under_root(path: &Path, root: &Path) -> FileInfo {
        let mut info = FileInfo::new(path);
        let rel = match path.strip_prefix(root) {
            Ok(r) if !r.as_os_str().is_empty() => normalize_path(r),
            _ => path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default(),
        };
        info.context = detect_context(&rel);
        info
    }

    pub fn from_path_str(path: &str) -> FileInfo {
        let path = path.strip_prefix("./").unwrap_or(path).to_string();
        let (language, sublanguage) = detect_language(&path);
        let context = detect_context(&path);
        FileInfo { path, language, sublanguage, context }
    }

    /// A pseudo-language that depends on content (Kubernetes manifests) is decided here, from the
    /// first 64 KiB, after the bytes are read.
    pub fn refine_with_content(&mut self, bytes: &[u8]) {
        if self.language == Some(Language::Yaml) && self.sublanguage.is_none() {
            let head = &bytes[..bytes.len().min(64 * 1024)];
            if contains(head, b"apiVersion:") && contains(head, b"kind:") {
                self.sublanguage = Some(Language::Kubernetes);
            }
        }
    }

    pub fn is_language(&self, lang: Language) -> bool {
        self.language == Some(lang) || self.sublanguage == Some(lang)
    }
}

fn contains(hay: &[u8], needle: &[u8]) -> bool {
    memchr::memmem::find(hay, needle).is_some()
}

pub fn normalize_path(path: &Path) -> String {
    let s = path.to_string_lossy();
    let s = if cfg!(windows) { s.replace('\\', "/") } else { s.into_owned() };
    let mut s = s.as_str();
    while let Some(rest) = s.strip_prefix("./") {
        s = rest;
    }
    s.to_string()
}

fn detect_language(path: &str) -> (Option<Language>, Option<Language>) {
    use Language::*;
    let name = path.rsplit('/').next().unwrap_or(path);
    let lower = name.to_ascii_lowercase();
    let sub = if (path.contains(".github/workflows/") && (lower.ends_with(".yml") || lower.ends_with(".yaml")))
        || lower == "action.yml"
        || lower == "action.yaml"
    {
        Some(GithubActions)
    } else if (lower.starts_with("docker-compose") || lower.starts_with("compose"))
        && (lower.ends_with(".yml") || lower.ends_with(".yaml"))
    {
        Some(DockerCompose)
    } else {
        None
    };
    let by_name = match lower.as_str() {
        "dockerfile" | "containerfile" => Some(Dockerfile),
        "makefile" | "gnumakefile" => Some(Makefile),
        "gemfile" | "rakefile" | "podfile" | "vagrantfile" | "fastfile" => Some(Ruby),
        "jenkinsfile" => Some(Groovy),
        ".env" => Some(Env),
        ".bashrc" | ".zshrc" | ".profile" | ".bash_profile" => Some(Shell),
        _ => None,
    };
    if by_name.is_some() {
        return (by_name, sub);
    }
    if lower.starts_with("dockerfile.") || lower.ends_with(".dockerfile") || lower.starts_with("containerfile.") {
        return (Some(Dockerfile), sub);
    }
    if lower.starts_with(".env.") || lower.ends_with(".env") {
        return (Some(Env), sub);
    }
    let ext = match lower.rfind('.') {
        Some(i) if i > 0 || lower.len() > 1 => &lower[i + 1..],
        _ => "",
    };
    let lang = match ext {
        "py" | "pyw" | "pyi" => Some(Python),
        "js" | "mjs" | "cjs" | "jsx" => Some(JavaScript),
        "ts" | "tsx" | "mts" | "cts" => Some(TypeScript),
        "go" => Some(Go),
        "java" => Some(Java),
        "kt" | "kts" => Some(Kotlin),
        "scala" | "sc" => Some(Scala),
        "groovy" | "gradle" => Some(Groovy),
        "rs" => Some(Rust),
        "c" | "h" => Some(C),
        "cc" | "cpp" | "cxx" | "hpp" | "hh" | "hxx" => Some(Cpp),
        "cs" => Some(CSharp),
        "swift" => Some(Swift),
        "rb" | "rake" | "gemspec" => Some(Ruby),
        "php" => Some(Php),
        "sh" | "bash" | "zsh" | "ksh" => Some(Shell),
        "ps1" | "psm1" => Some(PowerShell),
        "pl" | "pm" => Some(Perl),
        "lua" => Some(Lua),
        "r" => Some(R),
        "dart" => Some(Dart),
        "ex" | "exs" => Some(Elixir),
        "sql" => Some(Sql),
        "html" | "htm" | "vue" | "svelte" | "erb" | "jinja" | "j2" => Some(Html),
        "css" | "scss" | "less" => Some(Css),
        "yml" | "yaml" => Some(Yaml),
        "json" | "jsonc" => Some(Json),
        "toml" => Some(Toml),
        "xml" | "config" | "csproj" | "plist" => Some(Xml),
        "ini" | "cfg" | "conf" | "properties" => Some(Ini),
        "tf" | "tfvars" | "hcl" => Some(Terraform),
        "mk" => Some(Makefile),
        "md" | "markdown" | "mdx" => Some(Markdown),
        "txt" | "rst" | "adoc" => Some(Text),
        "ipynb" => Some(Notebook),
        _ => None,
    };
    (lang, sub)
}

const TEST_DIRS: &[&str] = &[
    "t",
    "test",
    "tests",
    "__tests__",
    "spec",
    "specs",
    "testdata",
    "test_data",
    "fixtures",
    "fixture",
    "__fixtures__",
    "__mocks__",
    "mocks",
    "testing",
    // Gradle and Maven source sets for tests other than `src/test` (Spring Boot's
    // `src/dockerTest`, `src/testFixtures`, `src/integration-test`), and end-to-end suites.
    "integration-test",
    "integration-tests",
    "integration_test",
    "integration_tests",
    "integrationtest",
    "inttest",
    "dockertest",
    "testfixtures",
    "test-fixtures",
    "e2e",
];
const DOC_DIRS: &[&str] = &["docs", "doc", "documentation", "man"];
const EXAMPLE_DIRS: &[&str] = &["example", "examples", "sample", "samples", "demo", "demos"];
const VENDOR_DIRS: &[&str] = &["vendor", "node_modules", "third_party", "third-party", "external"];

fn detect_context(path: &str) -> PathContext {
    let mut ctx = PathContext::default();
    let mut parts = path.split('/').peekable();
    let mut name = "";
    while let Some(part) = parts.next() {
        if parts.peek().is_none() {
            name = part;
            break;
        }
        let lower = part.to_ascii_lowercase();
        let lower = lower.as_str();
        ctx.test |= TEST_DIRS.contains(&lower);
        ctx.docs |= DOC_DIRS.contains(&lower);
        ctx.example |= EXAMPLE_DIRS.contains(&lower);
        ctx.vendor |= VENDOR_DIRS.contains(&lower);
    }
    let lower = name.to_ascii_lowercase();
    let ext = lower.rsplit('.').next().unwrap_or("");
    let stem_ext = |suffixes: &[&str]| suffixes.iter().any(|s| lower.ends_with(s));
    ctx.test |= lower.ends_with("_test.go")
        || (lower.starts_with("test_") && lower.ends_with(".py"))
        || lower.ends_with("_test.py")
        || lower == "conftest.py"
        || stem_ext(&[".test.js", ".test.ts", ".test.jsx", ".test.tsx", ".test.mjs"])
        || stem_ext(&[".spec.js", ".spec.ts", ".spec.jsx", ".spec.tsx", ".spec.mjs"])
        || name.ends_with("Test.java")
        || name.ends_with("Tests.java")
        || name.ends_with("Test.kt")
        || name.ends_with("Tests.kt")
        || name.ends_with("Tests.cs")
        || name.ends_with("Test.cs")
        || lower.ends_with("_spec.rb")
        || lower.ends_with("_test.rb")
        || lower.ends_with("_test.exs");
    ctx.docs |= matches!(ext, "md" | "markdown" | "rst" | "adoc" | "txt" | "textile" | "org")
        || lower.starts_with("readme")
        || lower.starts_with("changelog")
        || lower.starts_with("changes");
    ctx.example |= lower.contains(".example")
        || lower.contains(".sample")
        || lower.contains(".template")
        || lower.contains(".dist")
        || lower.starts_with("example.")
        || lower.starts_with("sample.");
    ctx
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn languages_from_names() {
        let l = |p: &str| FileInfo::from_path_str(p).language;
        assert_eq!(l("a/b/c.py"), Some(Language::Python));
        assert_eq!(l("Dockerfile"), Some(Language::Dockerfile));
        assert_eq!(l("deploy/Dockerfile.prod"), Some(Language::Dockerfile));
        assert_eq!(l(".env"), Some(Language::Env));
        assert_eq!(l("config/.env.production"), Some(Language::Env));
        assert_eq!(l("main.tf"), Some(Language::Terraform));
        assert_eq!(l("README"), None);
        let f = FileInfo::from_path_str(".github/workflows/ci.yml");
        assert!(f.is_language(Language::GithubActions) && f.is_language(Language::Yaml));
    }

    #[test]
    fn contexts_from_paths() {
        let c = |p: &str| FileInfo::from_path_str(p).context;
        assert!(c("pkg/foo_test.go").test);
        assert!(c("tests/unit/x.py").test);
        assert!(c("src/app.spec.ts").test);
        assert!(!c("src/testament.py").test);
        assert!(c("docs/guide/setup.py").docs);
        assert!(c("README.md").docs);
        assert!(c(".env.example").example);
        assert!(c("examples/basic/main.go").example);
        assert!(c("vendor/github.com/x/y.go").vendor);
        assert_eq!(c("src/main.rs"), PathContext::default());
        let under = |p: &str, r: &str| FileInfo::under_root(Path::new(p), Path::new(r)).context;
        assert!(!under("tests/corpus/x/src/app.py", "tests/corpus/x").test);
        assert!(under("tests/corpus/x/tests/test_app.py", "tests/corpus/x").test);
        assert!(!under("tests/x/src/app.py", "tests/x/src/app.py").test);
        assert!(under("tests/x/foo_test.go", "tests/x/foo_test.go").test);
        assert_eq!(FileInfo::under_root(Path::new("tests/x/a.py"), Path::new("tests")).path, "tests/x/a.py");
    }
}
