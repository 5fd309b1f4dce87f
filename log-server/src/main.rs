//! `sightline-log`: the Sightline log server's command line (DESIGN §8).

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};
use sightline_log_server::config::Config;
use sightline_log_server::error::Error;
use sightline_log_server::keys;

/// The Sightline transparency log server.
#[derive(Parser)]
#[command(version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Runs the log (creating its data directory and key on first start).
    Serve(ServeArgs),
    /// Prints the log's verifier key.
    Vkey(Common),
}

#[derive(Args)]
struct Common {
    /// The TOML configuration file (every field optional; flags override it).
    #[arg(long, value_name = "FILE")]
    config: Option<PathBuf>,
    /// The data directory (database and keys) [default: ./sightline-data].
    #[arg(long, value_name = "DIR")]
    data_dir: Option<PathBuf>,
}

#[derive(Args)]
struct ServeArgs {
    #[command(flatten)]
    common: Common,
    /// The address to listen on, IP:PORT [default: 127.0.0.1:8080].
    #[arg(long, value_name = "ADDR")]
    listen: Option<String>,
    /// A root verifier key; repeat for several. Replaces the file's root_keys.
    #[arg(long = "root", value_name = "VKEY")]
    roots: Vec<String>,
    /// How many root keys must sign key and resume records.
    #[arg(long, value_name = "K")]
    root_threshold: Option<usize>,
}

fn load(common: &Common) -> Result<Config, Error> {
    let mut config = match &common.config {
        Some(path) => Config::from_file(path)?,
        None => Config::default(),
    };
    if let Some(dir) = &common.data_dir {
        config.data_dir.clone_from(dir);
    }
    Ok(config)
}

async fn serve(args: ServeArgs) -> Result<(), Error> {
    let mut config = load(&args.common)?;
    if let Some(listen) = args.listen {
        config.listen = listen;
    }
    if !args.roots.is_empty() {
        config.root_keys = args.roots;
    }
    if args.root_threshold.is_some() {
        config.root_threshold = args.root_threshold;
    }
    sightline_log_server::run(config.validate()?).await
}

fn vkey(common: &Common) -> Result<(), Error> {
    let config = load(common)?;
    let key = keys::read_signer(&keys::log_key_path(&config.data_dir))?;
    println!("{}", key.verifier());
    Ok(())
}

fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info")),
        )
        .init();
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Vkey(common) => vkey(&common),
        Command::Serve(args) => match tokio::runtime::Runtime::new() {
            Ok(runtime) => runtime.block_on(serve(args)),
            Err(e) => Err(Error::Io(e)),
        },
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("sightline-log: {e}");
            ExitCode::FAILURE
        }
    }
}
