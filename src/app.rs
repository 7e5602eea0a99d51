//! Runs a parsed command line: loads rules, walks and scans, sorts, reports, and decides the exit
//! code (1 findings reported; else 2 if any error occurred; else 0).
use std::fs::File;
use std::io::{self, BufWriter, IsTerminal, Write};
use std::path::PathBuf;
use std::time::Instant;

use anyhow::{bail, Context, Result};

use crate::cli::{Cli, ColorChoice, Command, ListFormat, RulesCommand, ScanArgs};
use crate::input::walk::{walk, Collected, WalkOptions};
use crate::report::{sort_findings, Format, Report};
use crate::rules::check;
use crate::rules::{Category, RuleSet, Severity};
use crate::scan::{ScanOptions, Scanner};

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

fn scan(rule_paths: &[PathBuf], args: ScanArgs) -> Result<Outcome> {
    let started = Instant::now();
    let categories = parse_categories(&args.category)?;
    let min_severity = match &args.min_severity {
        None => None,
        Some(s) => Some(
            Severity::parse(&s.to_ascii_lowercase())
                .with_context(|| format!("unknown severity {s:?} (low, medium, high, critical)"))?,
        ),
    };
    let rules = load_rules(rule_paths)?.narrowed(&categories, min_severity).context("narrowing rules")?;
    let opts = ScanOptions {
        show_secrets: args.show_secrets,
        prefilter: !args.no_prefilter,
        explain: args.explain,
        dedup: true,
    };
    let scanner = Scanner::new(&rules, opts);
    let threads = args.threads.unwrap_or(0);
    let paths = if args.paths.is_empty() { vec![PathBuf::from(".")] } else { args.paths.clone() };
    let collected = Collected::default();
    let mut roots = Vec::new();
    for p in &paths {
        match std::fs::symlink_metadata(p) {
            Ok(_) => roots.push(p.clone()),
            Err(e) => collected.error(format!("{}: {e}", p.display())),
        }
    }
    let wopts = WalkOptions {
        threads,
        limits: crate::input::read::ReadLimits { max_file_size: args.max_file_size, ..Default::default() },
        respect_ignore: !args.no_ignore,
        exclude: None,
    };
    walk(&roots, &scanner, &wopts, &collected);

    let mut findings = collected.findings.into_inner().unwrap_or_else(|e| e.into_inner());
    if let Some(m) = min_severity {
        findings.retain(|f| f.severity >= m);
    }
    sort_findings(&mut findings, &rules);
    let mut dropped = collected.dropped.into_inner().unwrap_or_else(|e| e.into_inner());
    dropped
        .sort_by(|a, b| (&a.1.path, a.1.line, a.1.column, a.1.rule).cmp(&(&b.1.path, b.1.line, b.1.column, b.1.rule)));
    let errors = collected.errors.into_inner().unwrap_or_else(|e| e.into_inner());
    let mut stats = collected.counters.snapshot();
    stats.findings = findings.len() as u64;
    stats.rules = rules.len() as u64;
    stats.duration_ms = started.elapsed().as_millis() as u64;

    let to_terminal = args.output.is_none() && io::stdout().is_terminal();
    let color = match args.color {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => to_terminal && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()),
    };
    let report = Report {
        rules: &rules,
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
    Ok(if !findings.is_empty() {
        Outcome::Findings
    } else if !errors.is_empty() {
        Outcome::Error
    } else {
        Outcome::Clean
    })
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
    let suppressed = if s.suppressed > 0 { format!(", {} suppressed", s.suppressed) } else { String::new() };
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
            writeln!(w, "keywords: {}", r.keywords.join(", "))?;
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
                    indent(&ex.input)
                )?;
            }
            for ex in &r.negative_examples {
                writeln!(w, "\nNot reported ({}):\n{}", ex.reason, indent(&ex.input))?;
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
