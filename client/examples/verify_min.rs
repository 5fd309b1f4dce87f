//! The smallest program that links the device's verification path and
//! nothing else: no argument parser, no logging, no trusted-state file.
//! Its `size` output is the code-size figure for a device build.
//!
//! Build and measure (the library without its `std` feature):
//!
//! ```text
//! cargo build -p sightline-client --release --no-default-features --example verify_min
//! size target/release/examples/verify_min
//! ```
//!
//! Usage: `verify_min POLICY BUNDLE ARTIFACT NOW`; exit status 0 only when
//! the release is accepted from a fresh trusted state.

use std::process::ExitCode;

use sightline_client::proofs::{Bundle, Policy};
use sightline_client::{ArtifactHasher, TrustedState, verify_release};

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().collect();
    let [_, policy, bundle, artifact, now] = args.as_slice() else {
        eprintln!("usage: verify_min POLICY BUNDLE ARTIFACT NOW");
        return ExitCode::from(2);
    };
    let (Ok(policy), Ok(bundle), Ok(artifact), Ok(now)) = (
        std::fs::read(policy),
        std::fs::read(bundle),
        std::fs::read(artifact),
        now.parse::<u64>(),
    ) else {
        eprintln!("cannot read inputs");
        return ExitCode::from(2);
    };
    let mut hasher = ArtifactHasher::new();
    hasher.update(&artifact);
    let verdict = Policy::parse(&policy)
        .map_err(sightline_client::VerifyError::from)
        .and_then(|policy| {
            let bundle = Bundle::parse(&bundle)?;
            verify_release(
                &hasher.finish(),
                &bundle,
                &policy,
                now,
                &TrustedState::new(),
            )
        });
    match verdict {
        Ok(_) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("refused: {e}");
            ExitCode::from(1)
        }
    }
}
