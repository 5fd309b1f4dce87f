//! The `sightline` command (DESIGN §8), one module per subcommand.
//!
//! Each subcommand is a sibling module with its own argument struct and
//! `run` function, and one line in [`Command`].
//!
//! Exit status: [`EXIT_ACCEPTED`] (0) only when a command succeeded,
//! [`EXIT_REFUSED`] (1) when verification refused, [`EXIT_ERROR`] (2) when
//! an input could not be read or the command line is wrong.

pub mod audit;
pub mod bundle;
pub mod demo;
pub mod keygen;
pub mod monitor;
pub mod record;
pub mod submit;
pub mod verify;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// Exit status of a successful command (for `verify`: the release is accepted).
pub const EXIT_ACCEPTED: u8 = 0;
/// Exit status when verification refused the release.
pub const EXIT_REFUSED: u8 = 1;
/// Exit status when an input could not be read (also clap's usage errors).
pub const EXIT_ERROR: u8 = 2;

/// Sightline device and operator command line.
#[derive(Debug, Parser)]
#[command(name = "sightline", version, about, long_about = None)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Decide whether an artifact may be installed (exit 0 only on acceptance).
    Verify(verify::VerifyArgs),
    /// Create a key pair: the secret to a 0600 file, the verifier key to stdout.
    Keygen(keygen::KeygenArgs),
    /// Create and sign a record (release, approval, rollout, key, pause,
    /// resume), or add a signature to one (sign).
    Record(record::RecordArgs),
    /// Fetch the release bundle for an artifact and a device target from a log.
    Bundle(bundle::BundleArgs),
    /// Send a signed record to a log and print the index it was given.
    Submit(submit::SubmitArgs),
    /// Attribute a release (who signed, approved, rolled out, paused, when,
    /// under which keys), or list what a key or owner signed, verified
    /// against a cosigned checkpoint.
    Audit(audit::AuditArgs),
    /// Follow a log, replay every entry against the rules and print one
    /// JSON line per violation.
    Monitor(monitor::MonitorArgs),
    /// Tell the whole story on loopback: a log, three witnesses, every role,
    /// a release accepted, then refused after a pause and a revocation.
    Demo(demo::DemoArgs),
}

/// Parses the command line, sets up logging to stderr and runs the command.
///
/// Logs go to stderr through `tracing`, at `warn` unless `RUST_LOG` says
/// otherwise, so that a refusal prints exactly one line by default.
///
/// Spec: DESIGN §8.
pub fn main() -> ExitCode {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn"));
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .init();
    let cli = Cli::parse();
    let code = match &cli.command {
        Command::Verify(args) => verify::run(args),
        Command::Keygen(args) => keygen::run(args),
        Command::Record(args) => record::run(args),
        Command::Bundle(args) => bundle::run(args),
        Command::Submit(args) => submit::run(args),
        Command::Audit(args) => audit::run(args),
        Command::Monitor(args) => monitor::run(args),
        Command::Demo(args) => demo::run(args),
    };
    ExitCode::from(code)
}
