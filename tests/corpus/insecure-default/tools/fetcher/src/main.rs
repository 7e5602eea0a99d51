use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::path::PathBuf;

use anyhow::Result;
use clap::Parser;

#[derive(Parser)]
struct Args {
    /// URL of the artifact to fetch
    url: String,
    /// Output directory
    #[arg(long, default_value = "/var/lib/fetcher")]
    out: PathBuf,
    /// Skip certificate checks (debugging only)
    #[arg(long)]
    insecure: bool,
}

fn client(args: &Args) -> Result<reqwest::blocking::Client> {
    Ok(reqwest::blocking::Client::builder()
        .danger_accept_invalid_certs(args.insecure)
        .build()?)
}

fn mirror_client() -> Result<reqwest::blocking::Client> {
    // the mirror's certificate is issued for the wrong name
    Ok(reqwest::blocking::Client::builder()
        .danger_accept_invalid_certs(true)
        .build()?)
}

fn main() -> Result<()> {
    let args = Args::parse();
    let http = if args.url.contains("mirror") { mirror_client()? } else { client(&args)? };
    let bytes = http.get(&args.url).send()?.error_for_status()?.bytes()?;
    fs::create_dir_all(&args.out)?;
    let path = args.out.join("artifact.bin");
    fs::write(&path, &bytes)?;
    fs::set_permissions(&args.out, fs::Permissions::from_mode(0o777))?;
    fs::set_permissions(&path, fs::Permissions::from_mode(0o644))?;
    println!("{} bytes -> {}", bytes.len(), path.display());
    Ok(())
}
