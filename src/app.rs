//! Runs a parsed command line: loads rules, walks and scans, sorts, reports, and decides the exit
//! code (1 findings reported; else 2 if any error occurred; else 0).
use std::fs::File;
use std::io::{self, BufWriter, IsTerminal, Write};
use std::path::PathBuf;
use std::time::Instant;

use anyhow::{bail, Context, Result};

use crate::baseline::Baseline;
use crate::cli::{BaselineCommand, Cli, ColorChoice, Command, ConfigCommand, ListFormat, RulesCommand, ScanArgs};
use crate::config::{Config, PathFilter};
use crate::finding::{DropReason, Dropped, Finding, Match};
use crate::input::walk::{walk, Collected, WalkOptions};
use crate::report::{sort_findings, Format, Report};
use crate::rules::check;
use crate::rules::{Category, RuleSet, Severity};
use crate::scan::{ScanOptions, Scanner};
use crate::stats::Stats;
use crate::suppress::Suppress;

/// Exit status of a run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Clean = 0,
    Findings = 1,
    Error = 2,
}

pub fn run(cli: Cli) -> Result<Outcome> {
    match cli.command {
        Command::Scan(args) => scan(&cli.rules, args),
        Command::Rules { command } => rules_cmd(&cli.rules, command),
        Command::Baseline { command } => baseline_cmd(&cli.rules, command),
        Command::Config { command } => config_cmd(command),
    }
}

/// Built-in rules, or the rules under `--rules` paths.
pub fn load_rules(paths: &[PathBuf]) -> Result<RuleSet> {
    if paths.is_empty() {
        return RuleSet::builtin().context("loading the built-in rules");
    }
    let sources = RuleSet::sources_from_paths(paths).context("reading rule files")?;
    let set = RuleSet::from_sources(&sources).context("loading rules")?;
    // Rules from disk are someone's work in progress: compile them now so errors surface first.
    let errs = set.compile_all();
    if !errs.is_empty() {
        let msgs: Vec<String> = errs.iter().map(|e| e.to_string()).collect();
        bail!("invalid rules:\n  {}", msgs.join("\n  "));
    }
    Ok(set)
}

fn parse_categories(list: &[String]) -> Result<Vec<Category>> {
    list.iter()
        .map(|s| s.trim())
        .filter(|s| !s.is_empty())
        .map(|s| {
            Category::parse(s).with_context(|| {
                format!("unknown category {s:?} (secret, unsafe-logging, prompt-residue, insecure-default)")
            })
        })
        .collect()
}

fn parse_severity(s: &Option<String>) -> Result<Option<Severity>> {
    match s {
        None => Ok(None),
        Some(s) => Ok(Some(
            Severity::parse(&s.to_ascii_lowercase())
                .with_context(|| format!("unknown severity {s:?} (low, medium, high, critical)"))?,
        )),
    }
}

/// What the command line and the team's config (`.residue.toml`) decide for one scan, built once
/// and shared by every scan mode (tree walk, and the git modes): the rule set, the suppression the
/// `Scanner` applies (`Scanner::with_suppress`), the walk's path exclusion and the `Policy` applied
/// to the collected results.
pub struct Setup {
    pub rules: RuleSet,
    pub suppress: Suppress,
    pub exclude: Option<PathFilter>,
    pub policy: Policy,
    /// The config file in use, if any.
    pub config: Option<PathBuf>,
}

impl Setup {
    /// `use_baseline`: filter by the baseline (`--baseline` or the config's); off for
    /// `baseline create/update`, which must see every finding.
    pub fn new(rule_paths: &[PathBuf], args: &ScanArgs, use_baseline: bool) -> Result<Setup> {
        let config_path =
            if args.no_config { None } else { args.config.clone().or_else(|| crate::config::discover(&args.paths)) };
        let config = match &config_path {
            None => None,
            Some(p) => Some(Config::load(p).context("invalid config")?),
        };
        let mut rules = load_rules(rule_paths)?;
        if let Some(cfg) = &config {
            for n in &cfg.notes {
                eprintln!("residue: note: {}: {n}", cfg.name);
            }
            let (set, warnings) = cfg.apply_rules(rules).context("invalid config")?;
            for w in warnings {
                eprintln!("residue: warning: {w}");
            }
            rules = set;
        }
        let cfg_scan = config.as_ref().map(|c| &c.file.scan);
        let min_severity =
            parse_severity(&args.min_severity)?.or(cfg_scan.and_then(|s| s.min_severity).map(|s| s.get()));
        let fail_on = parse_severity(&args.fail_on)?.or(cfg_scan.and_then(|s| s.fail_on).map(|s| s.get()));
        let categories = parse_categories(&args.category)?;
        let rules = rules.narrowed(&categories, min_severity).context("narrowing rules")?;
        let baseline = match (&args.baseline, config.as_ref().and_then(|c| c.baseline_path())) {
            _ if !use_baseline => None,
            (Some(p), _) => Some(Baseline::load(p).context("invalid baseline")?),
            (None, Some(p)) if p.exists() => Some(Baseline::load(&p).context("invalid baseline")?),
            (None, Some(p)) => {
                eprintln!("residue: note: the config's baseline {} does not exist yet", p.display());
                None
            }
            (None, None) => None,
        };
        let (suppress, exclude) = match &config {
            Some(c) => (c.suppress()?, c.exclude()?),
            None => (Suppress::default(), None),
        };
        let policy =
            Policy { min_severity, fail_on, baseline, explain: args.explain, show_suppressed: args.show_suppressed };
        Ok(Setup { rules, suppress, exclude, policy, config: config_path })
    }

    pub fn scan_options(&self, args: &ScanArgs) -> ScanOptions {
        ScanOptions {
            show_secrets: args.show_secrets,
            prefilter: !args.no_prefilter,
            explain: args.explain,
            dedup: true,
        }
    }
}

/// What happens to a scan's results after matching, the same for every scan mode: findings below
/// the minimum severity go; findings in the baseline become dropped entries (reason `baseline`);
/// suppressions (inline, config allow-lists, baseline) are counted in `stats`; dropped entries are
/// kept for `--explain` (all) or `--show-suppressed` (suppressions only); everything is sorted.
pub struct Policy {
    pub min_severity: Option<Severity>,
    /// Exit 1 only for findings at least this severe.
    pub fail_on: Option<Severity>,
    pub baseline: Option<Baseline>,
    pub explain: bool,
    pub show_suppressed: bool,
}

impl Policy {
    /// Applies the policy to what a scan collected (see the type's docs). Every scan mode calls
    /// this once on all its findings and dropped candidates.
    pub fn finish(
        &self,
        rules: &RuleSet,
        mut findings: Vec<Finding>,
        mut dropped: Vec<(Dropped, Finding)>,
        stats: &mut Stats,
    ) -> (Vec<Finding>, Vec<(Dropped, Finding)>) {
        if let Some(m) = self.min_severity {
            findings.retain(|f| f.severity >= m);
            dropped.retain(|(_, f)| f.severity >= m);
        }
        if let Some(b) = &self.baseline {
            let (old, new): (Vec<Finding>, Vec<Finding>) =
                findings.into_iter().partition(|f| b.contains(&f.fingerprint));
            findings = new;
            for f in old {
                let m = Match {
                    rule: f.rule,
                    start: f.start,
                    end: f.end,
                    secret: None,
                    confidence: f.confidence,
                    checksum: f.checksum,
                    also: Vec::new(),
                };
                dropped.push((Dropped { m, reason: DropReason::Baseline, detail: String::new() }, f));
            }
        }
        stats.suppressed = dropped
            .iter()
            .filter(|(d, _)| matches!(d.reason, DropReason::Suppressed | DropReason::ConfigAllow))
            .count() as u64;
        stats.baselined = dropped.iter().filter(|(d, _)| d.reason == DropReason::Baseline).count() as u64;
        if !self.explain {
            dropped.retain(|(d, _)| self.show_suppressed && d.reason.is_suppression());
        }
        sort_findings(&mut findings, rules);
        dropped.sort_by(|a, b| {
            (&a.1.path, a.1.line, a.1.column, a.1.rule).cmp(&(&b.1.path, b.1.line, b.1.column, b.1.rule))
        });
        stats.findings = findings.len() as u64;
        (findings, dropped)
    }

    /// The exit status: 1 when a finding at least as severe as `fail_on` (any, by default) was
    /// reported; else 2 if an error occurred; else 0.
    pub fn outcome(&self, findings: &[Finding], errors: &[String]) -> Outcome {
        if findings.iter().any(|f| self.fail_on.is_none_or(|m| f.severity >= m)) {
            Outcome::Findings
        } else if !errors.is_empty() {
            Outcome::Error
        } else {
            Outcome::Clean
        }
    }
}

/// One scan's results after `Policy::finish`.
pub struct Scanned {
    pub findings: Vec<Finding>,
    pub dropped: Vec<(Dropped, Finding)>,
    pub errors: Vec<String>,
    pub stats: Stats,
}

/// Runs the scan `args` asks for with `setup` and applies the policy.
pub fn collect(setup: &Setup, args: &ScanArgs, started: Instant) -> Result<Scanned> {
    let rules = &setup.rules;
    let scanner = Scanner::new(rules, setup.scan_options(args)).with_suppress(&setup.suppress);
    let threads = args.threads.unwrap_or(0);
    let paths = if args.paths.is_empty() { vec![PathBuf::from(".")] } else { args.paths.clone() };
    let collected = Collected::default();
    let git = crate::input::git::target(args)?;
    let mut roots = Vec::new();
    for p in paths.iter().filter(|_| git.is_none()) {
        match std::fs::symlink_metadata(p) {
            Ok(_) => roots.push(p.clone()),
            Err(e) => collected.error(format!("{}: {e}", p.display())),
        }
    }
    let wopts = WalkOptions {
        threads,
        limits: crate::input::read::ReadLimits { max_file_size: args.max_file_size, ..Default::default() },
        respect_ignore: !args.no_ignore,
        exclude: setup.exclude.clone(),
    };
    let git_summary = match &git {
        Some(t) => Some(crate::input::git::run(
            t,
            &crate::input::git::GitOptions::from_args(args, &wopts),
            &scanner,
            &collected,
        )?),
        None => {
            walk(&roots, &scanner, &wopts, &collected);
            None
        }
    };

    let findings = collected.findings.into_inner().unwrap_or_else(|e| e.into_inner());
    let dropped = collected.dropped.into_inner().unwrap_or_else(|e| e.into_inner());
    let errors = collected.errors.into_inner().unwrap_or_else(|e| e.into_inner());
    let mut stats = collected.counters.snapshot();
    let (findings, dropped) = setup.policy.finish(rules, findings, dropped, &mut stats);
    stats.rules = rules.len() as u64;
    stats.duration_ms = started.elapsed().as_millis() as u64;
    if let Some(g) = git_summary {
        stats.blobs_scanned = Some(g.blobs_scanned);
        stats.commits = g.commits;
    }
    Ok(Scanned { findings, dropped, errors, stats })
}

fn scan(rule_paths: &[PathBuf], args: ScanArgs) -> Result<Outcome> {
    let started = Instant::now();
    let setup = Setup::new(rule_paths, &args, true)?;
    let Scanned { findings, dropped, errors, stats } = collect(&setup, &args, started)?;
    let rules = &setup.rules;

    let to_terminal = args.output.is_none() && io::stdout().is_terminal();
    let color = match args.color {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => to_terminal && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()),
    };
    let report = Report {
        rules,
        findings: &findings,
        dropped: &dropped,
        stats: &stats,
        show_secrets: args.show_secrets,
        color,
        errors: &errors,
    };
    write_report(&report, args.format, args.output.as_ref())?;
    if !args.quiet {
        eprintln!("{}", summary(&report));
    }
    Ok(setup.policy.outcome(&findings, &errors))
}

/// `baseline create` / `baseline update`: scan without the baseline filter and write the file.
fn baseline_cmd(rule_paths: &[PathBuf], cmd: BaselineCommand) -> Result<Outcome> {
    let started = Instant::now();
    let (args, update) = match cmd {
        BaselineCommand::Create(a) => (a, false),
        BaselineCommand::Update(a) => (a, true),
    };
    let setup = Setup::new(rule_paths, &args, false)?;
    let file = match &args.output {
        Some(p) => p.clone(),
        None => match &setup.config {
            Some(c) => Config::load(c)?.baseline_path().unwrap_or_else(|| PathBuf::from(".residue-baseline")),
            None => PathBuf::from(".residue-baseline"),
        },
    };
    let scanned = collect(&setup, &args, started)?;
    let current = Baseline::from_findings(&scanned.findings, &setup.rules);
    let (baseline, verb) = if update {
        let mut old = Baseline::load(&file).context("invalid baseline")?;
        let before = old.len();
        old.retain(|fp| current.contains(fp));
        let n = before - old.len();
        (old, format!("dropped {n} entr{} no longer found", if n == 1 { "y" } else { "ies" }))
    } else {
        let n = current.len();
        (current, format!("recorded {n} finding{}", if n == 1 { "" } else { "s" }))
    };
    baseline.save(&file).context("writing the baseline")?;
    if !args.quiet {
        eprintln!("residue: {}: {verb}, {} entries", file.display(), baseline.len());
    }
    Ok(if scanned.errors.is_empty() { Outcome::Clean } else { Outcome::Error })
}

/// `config import FILE`: a gitleaks / Betterleaks config as .residue.toml text.
fn config_cmd(cmd: ConfigCommand) -> Result<Outcome> {
    match cmd {
        ConfigCommand::Import { file, output } => {
            let name = file.display().to_string();
            let text = std::fs::read_to_string(&file).with_context(|| format!("reading {name}"))?;
            if !crate::config::import::looks_like_gitleaks(&text) {
                bail!("{name}: not a gitleaks or Betterleaks config (no [[rules]], [allowlist] or [extend])");
            }
            let imported = crate::config::import::translate(&name, &text)?;
            // What we write must load: check it the way `scan` will.
            Config::parse(&name, &imported.text, PathBuf::from(".")).context("translated config does not load")?;
            for n in &imported.notes {
                eprintln!("residue: note: {n}");
            }
            match output {
                Some(p) => std::fs::write(&p, &imported.text).with_context(|| format!("writing {}", p.display()))?,
                None => io::stdout().write_all(imported.text.as_bytes())?,
            }
            Ok(Outcome::Clean)
        }
    }
}

fn write_report(report: &Report, format: Format, output: Option<&PathBuf>) -> Result<()> {
    let result = match output {
        Some(path) => {
            let f = File::create(path).with_context(|| format!("creating {}", path.display()))?;
            let mut w = BufWriter::new(f);
            report.write(format, &mut w).and_then(|_| w.flush())
        }
        None => {
            let stdout = io::stdout();
            let mut w = BufWriter::new(stdout.lock());
            report.write(format, &mut w).and_then(|_| w.flush())
        }
    };
    match result {
        // A closed pipe (`residue scan | head`) is the reader's choice, not an error.
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => Ok(()),
        other => other.context("writing the report"),
    }
}

fn human_bytes(n: u64) -> String {
    let n = n as f64;
    if n >= 1e9 {
        format!("{:.2} GB", n / 1e9)
    } else if n >= 1e6 {
        format!("{:.1} MB", n / 1e6)
    } else if n >= 1e3 {
        format!("{:.1} kB", n / 1e3)
    } else {
        format!("{n} B")
    }
}

/// The one-line summary printed on stderr.
pub fn summary(r: &Report) -> String {
    let s = r.stats;
    let mut by_sev = Vec::new();
    for sev in [Severity::Critical, Severity::High, Severity::Medium, Severity::Low] {
        let n = r.findings.iter().filter(|f| f.severity == sev).count();
        if n > 0 {
            by_sev.push(format!("{n} {sev}"));
        }
    }
    let findings = if r.findings.is_empty() {
        "no findings".to_string()
    } else {
        format!("{} finding{} ({})", r.findings.len(), if r.findings.len() == 1 { "" } else { "s" }, by_sev.join(", "))
    };
    let skipped: u64 = s.files_skipped.values().sum();
    let skipped = if skipped == 0 {
        String::new()
    } else {
        let parts: Vec<String> = s.files_skipped.iter().map(|(k, v)| format!("{v} {k}")).collect();
        format!(", {skipped} skipped ({})", parts.join(", "))
    };
    let mut suppressed = if s.suppressed > 0 { format!(", {} suppressed", s.suppressed) } else { String::new() };
    if s.baselined > 0 {
        suppressed.push_str(&format!(", {} in baseline", s.baselined));
    }
    format!(
        "residue: {findings}{suppressed} in {} file{} ({}) scanned{skipped}, {} error{}, {:.2}s",
        s.files_scanned,
        if s.files_scanned == 1 { "" } else { "s" },
        human_bytes(s.bytes_scanned),
        s.errors,
        if s.errors == 1 { "" } else { "s" },
        s.duration_ms as f64 / 1000.0
    )
}

fn rules_cmd(rule_paths: &[PathBuf], cmd: RulesCommand) -> Result<Outcome> {
    let rules = if rule_paths.is_empty() {
        RuleSet::builtin().context("loading the built-in rules")?
    } else {
        let sources = RuleSet::sources_from_paths(rule_paths).context("reading rule files")?;
        RuleSet::from_sources(&sources).context("loading rules")?
    };
    let stdout = io::stdout();
    let mut w = BufWriter::new(stdout.lock());
    match cmd {
        RulesCommand::List { format } => {
            match format {
                ListFormat::Json => {
                    let list: Vec<serde_json::Value> = rules
                        .rules()
                        .iter()
                        .map(|r| {
                            serde_json::json!({
                                "id": r.id, "name": r.name, "title": r.title,
                                "category": r.category.as_str(), "severity": r.severity.as_str(),
                                "confidence": r.confidence.as_str(), "preview": r.preview,
                            })
                        })
                        .collect();
                    serde_json::to_writer_pretty(&mut w, &list)?;
                    writeln!(w)?;
                }
                ListFormat::Text => {
                    for r in rules.rules() {
                        writeln!(w, "{:<8} {:<17} {:<9} {:<40} {}", r.id, r.category, r.severity, r.name, r.title)?;
                    }
                }
            }
            w.flush()?;
            Ok(Outcome::Clean)
        }
        RulesCommand::Explain { id } => {
            let Some(r) = rules.get(&id) else { bail!("no rule with id or name {id:?} (see `residue rules list`)") };
            writeln!(w, "{} {} — {}", r.id, r.name, r.title)?;
            writeln!(w, "category: {}  severity: {}  confidence: {}", r.category, r.severity, r.confidence.as_str())?;
            match &r.file {
                Some(f) => writeln!(w, "{}", crate::rules::docs::file_match_line(f))?,
                None => writeln!(w, "keywords: {}", r.keywords.join(", "))?,
            }
            writeln!(w, "\n{}", r.description.trim())?;
            writeln!(w, "\nHow to fix:\n{}", r.remediation.trim())?;
            if !r.references.is_empty() {
                writeln!(w, "\nReferences:")?;
                for u in &r.references {
                    writeln!(w, "  {u}")?;
                }
            }
            for ex in &r.examples {
                writeln!(
                    w,
                    "\nExample{}:\n{}",
                    ex.path.as_ref().map(|p| format!(" ({p})")).unwrap_or_default(),
                    indent(ex.input_hex.as_deref().map_or(ex.input.as_str(), |h| h))
                )?;
            }
            for ex in &r.negative_examples {
                let input = ex.input_hex.as_deref().map_or(ex.input.as_str(), |h| h);
                writeln!(w, "\nNot reported ({}):\n{}", ex.reason, indent(input))?;
            }
            w.flush()?;
            Ok(Outcome::Clean)
        }
        RulesCommand::Docs { output } => {
            drop(w);
            let text = crate::rules::docs::render(&rules);
            std::fs::write(&output, text).with_context(|| format!("writing {}", output.display()))?;
            eprintln!("residue: wrote {} ({} rules)", output.display(), rules.len());
            Ok(Outcome::Clean)
        }
        RulesCommand::Check => {
            drop(w);
            let problems = check::check(&rules);
            for p in &problems {
                println!("{p}");
            }
            let (ex, neg) =
                rules.rules().iter().fold((0, 0), |(a, b), r| (a + r.examples.len(), b + r.negative_examples.len()));
            eprintln!(
                "residue: {} rules, {} examples, {} negative examples: {} problem{}",
                rules.len(),
                ex,
                neg,
                problems.len(),
                if problems.len() == 1 { "" } else { "s" }
            );
            Ok(if problems.is_empty() { Outcome::Clean } else { Outcome::Error })
        }
    }
}

fn indent(s: &str) -> String {
    s.lines().map(|l| format!("    {l}")).collect::<Vec<_>>().join("\n")
}
