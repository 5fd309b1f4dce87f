//! `sightline-witness`: command line of the witness.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use sightline_witness::WitnessError;
use sightline_witness::config::{Config, DEFAULT_DATA_DIR};

/// A c2sp.org/tlog-witness cosigning witness.
#[derive(Parser)]
#[command(version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run the witness; the first start creates the cosigning key and prints
    /// its verifier key.
    Serve {
        /// The configuration file (TOML).
        #[arg(long, default_value = "sightline-witness.toml")]
        config: PathBuf,
        /// Directory for the key and the state; overrides `data_dir`.
        #[arg(long)]
        data_dir: Option<PathBuf>,
        /// Address to listen on, host:port; overrides `listen`.
        #[arg(long)]
        listen: Option<SocketAddr>,
    },
    /// Print the witness's cosignature verifier key (type 0x04).
    Vkey {
        /// The configuration file whose `data_dir` holds the key.
        #[arg(long, required_unless_present = "data_dir")]
        config: Option<PathBuf>,
        /// The data directory holding the key; overrides the file's.
        #[arg(long)]
        data_dir: Option<PathBuf>,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "info".into()),
        )
        .init();
    match dispatch(cli.command) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("sightline-witness: {e}");
            ExitCode::FAILURE
        }
    }
}

fn dispatch(command: Command) -> Result<(), WitnessError> {
    match command {
        Command::Serve {
            config,
            data_dir,
            listen,
        } => {
            let mut config = Config::load(&config)?;
            config.data_dir = data_dir.or(config.data_dir);
            config.listen = listen.or(config.listen);
            let config = config.validate()?;
            let runtime = tokio::runtime::Runtime::new().map_err(|source| WitnessError::Io {
                what: "cannot start the runtime for",
                path: config.data_dir.clone(),
                source,
            })?;
            runtime.block_on(sightline_witness::run(config))
        }
        Command::Vkey { config, data_dir } => {
            let data_dir = match (data_dir, config) {
                (Some(dir), _) => dir,
                (None, Some(path)) => Config::load(&path)?
                    .data_dir
                    .unwrap_or_else(|| PathBuf::from(DEFAULT_DATA_DIR)),
                (None, None) => PathBuf::from(DEFAULT_DATA_DIR),
            };
            let cosigner = sightline_witness::cosigner::load(&data_dir)?;
            println!("{}", cosigner.verifier());
            Ok(())
        }
    }
}
