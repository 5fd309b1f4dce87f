//! `sightline verify`: what a device runs before installing, for example as
//! a RAUC, SWUpdate or Mender install hook (DESIGN §6, §8).

use std::path::{Path, PathBuf};
use std::time::{SystemTime, UNIX_EPOCH};

use clap::Args;
use sightline_proofs::{Bundle, Policy};

use super::{EXIT_ACCEPTED, EXIT_ERROR, EXIT_REFUSED};
use crate::{Accepted, VerifyError, measure_file, trusted_state, verify_release};

/// Arguments of `sightline verify`.
#[derive(Debug, Args)]
pub struct VerifyArgs {
    /// Trust policy provisioned on the device (tlog-policy lines plus
    /// Sightline's `root`, `root-threshold`, `approvals`, `target`,
    /// `max-age`, `allow-downgrade`).
    #[arg(long, value_name = "P")]
    pub policy: PathBuf,
    /// Release bundle delivered with the artifact (`sightline/v1 bundle`).
    #[arg(long, value_name = "B")]
    pub bundle: PathBuf,
    /// The artifact to install; hashed in a streaming fashion.
    #[arg(long, value_name = "FILE")]
    pub artifact: PathBuf,
    /// Trusted-state file. A missing file means a fresh device (any
    /// cosigned checkpoint and version the policy allows); it is replaced
    /// atomically, and only when the release is accepted.
    #[arg(long, value_name = "S")]
    pub state: PathBuf,
    /// Current time in POSIX seconds; defaults to the system clock.
    #[arg(long, value_name = "UNIX_SECONDS")]
    pub now: Option<u64>,
}

/// Why the command did not accept: a refusal, or an unreadable input.
enum Failure {
    /// Verification refused the release.
    Refused(VerifyError),
    /// An input could not be read or the state not written.
    Error(String),
}

/// Runs the command and returns its exit status; on failure prints exactly
/// one line to stderr naming the refusal or the unreadable input.
///
/// Spec: DESIGN §6 (verification), §8 (`verify`: exit 0 only on acceptance).
pub fn run(args: &VerifyArgs) -> u8 {
    match verify(args) {
        Ok(accepted) => {
            let r = accepted.release();
            println!(
                "accepted {} {} (entry {}, signed by {}, checkpoint size {})",
                r.name(),
                r.version(),
                accepted.release_index(),
                accepted.signer().owner(),
                accepted.checkpoint().size()
            );
            EXIT_ACCEPTED
        }
        Err(Failure::Refused(e)) => {
            eprintln!("sightline verify: refused: {e}");
            EXIT_REFUSED
        }
        Err(Failure::Error(e)) => {
            eprintln!("sightline verify: error: {e}");
            EXIT_ERROR
        }
    }
}

/// Reads the inputs, verifies, and persists the new state on acceptance.
fn verify(args: &VerifyArgs) -> Result<Accepted, Failure> {
    let policy = Policy::parse(&read(&args.policy, "policy")?)
        .map_err(|e| Failure::Error(format!("policy {}: {e}", args.policy.display())))?;
    // A bundle that does not parse is a refusal: it came with the update.
    let bundle = Bundle::parse(&read(&args.bundle, "bundle")?)
        .map_err(|e| Failure::Refused(VerifyError::Parse(e)))?;
    let artifact = measure_file(&args.artifact)
        .map_err(|e| Failure::Error(format!("artifact {}: {e}", args.artifact.display())))?;
    let state = trusted_state::load(&args.state)
        .map_err(|e| Failure::Error(format!("state {}: {e}", args.state.display())))?;
    let now = match args.now {
        Some(now) => now,
        None => SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_err(|e| Failure::Error(format!("system clock before 1970: {e}")))?
            .as_secs(),
    };
    tracing::info!(
        artifact = %artifact.digest(),
        size = artifact.size(),
        now,
        "verifying release bundle"
    );
    let accepted =
        verify_release(&artifact, &bundle, &policy, now, &state).map_err(Failure::Refused)?;
    // Persist only after acceptance; if this fails the device must not
    // install, since it could not remember what it accepted.
    trusted_state::store(&args.state, accepted.trusted_state())
        .map_err(|e| Failure::Error(format!("state {}: {e}", args.state.display())))?;
    tracing::info!(
        release = accepted.release_index(),
        signer = %accepted.signer().owner(),
        approvers = accepted.approvers().len(),
        operator = %accepted.rollout().owner(),
        "release accepted"
    );
    Ok(accepted)
}

/// Reads a whole input file (policies and bundles are small and bounded).
fn read(path: &Path, what: &str) -> Result<Vec<u8>, Failure> {
    std::fs::read(path).map_err(|e| Failure::Error(format!("{what} {}: {e}", path.display())))
}
