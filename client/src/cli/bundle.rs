//! `sightline bundle`: fetches the release bundle for an artifact and a
//! device target from a log (`GET /v1/bundle`, DESIGN §7), checks that it
//! parses, and writes it to a file for delivery with the artifact.

use std::path::PathBuf;

use clap::Args;
use sightline_proofs::bundle::Bundle;
use sightline_proofs::policy::DeviceTarget;
use sightline_proofs::record::ArtifactDigest;

use super::{EXIT_ACCEPTED, EXIT_ERROR, EXIT_REFUSED};
use crate::tlog::ToolError;
use crate::tlog::http::{LogClient, unexpected};
use crate::trusted_state::replace_file;

/// Arguments of `sightline bundle`.
#[derive(Debug, Args)]
pub struct BundleArgs {
    /// Base URL of the log, e.g. `http://127.0.0.1:8080` (plain http only).
    #[arg(long, value_name = "URL")]
    pub log: String,
    /// The artifact's digest, `sha256:<64 lowercase hex>`.
    #[arg(long, value_name = "sha256:HEX")]
    pub artifact: String,
    /// The device target the bundle is for, e.g. `acme/thermostat/t3`.
    #[arg(long, value_name = "T")]
    pub target: String,
    /// Where to write the bundle (replaced through a temporary file).
    #[arg(short = 'o', long = "out", value_name = "FILE")]
    pub out: PathBuf,
    /// Fetch the bundle even when the log says the release is not
    /// installable for the target (paused, revoked), to test that devices
    /// refuse it on their own; the log's reason is printed as a warning.
    #[arg(long)]
    pub include_refused: bool,
}

/// The header carrying the log's reason when it serves a bundle it
/// considers not installable (`include_refused=true`).
pub const REFUSAL_HEADER: &str = "sightline-not-installable";

/// Runs the command and returns its exit status: [`EXIT_ACCEPTED`] when
/// the bundle was written, [`EXIT_REFUSED`] when the log answered 404 or
/// 409, [`EXIT_ERROR`] otherwise; failures print one line to stderr.
///
/// Spec: DESIGN §7, §8.
pub fn run(args: &BundleArgs) -> u8 {
    let outcome = request(
        &args.log,
        &args.artifact,
        &args.target,
        args.include_refused,
    )
    .and_then(|(bundle, refusal)| {
        replace_file(&args.out, &bundle.encode()).map_err(|e| ToolError::File {
            path: args.out.display().to_string(),
            cause: e.to_string(),
        })?;
        Ok((bundle, refusal))
    });
    match outcome {
        Ok((bundle, refusal)) => {
            if let Some(refusal) = refusal {
                eprintln!(
                    "sightline bundle: warning: the log says the release is not installable for this target: {refusal}"
                );
            }
            println!(
                "wrote {} ({} entries)",
                args.out.display(),
                bundle.entries().len()
            );
            EXIT_ACCEPTED
        }
        Err(error) => {
            eprintln!("sightline bundle: {error}");
            match error {
                ToolError::NoSuchRelease { .. } | ToolError::NotInstallable { .. } => EXIT_REFUSED,
                _ => EXIT_ERROR,
            }
        }
    }
}

/// Fetches and parses the bundle for `artifact` and `target` from the log
/// at `log`. The bundle's signatures and proofs are not checked here: that
/// is the device's [`crate::verify_release`].
///
/// # Errors
/// [`ToolError::BadArgument`] for a malformed digest or target;
/// [`ToolError::NoSuchRelease`] (404); [`ToolError::NotInstallable`] (409);
/// transport errors, unexpected answers and a bundle that does not parse.
pub fn fetch(log: &str, artifact: &str, target: &str) -> Result<Bundle, ToolError> {
    request(log, artifact, target, false).map(|(bundle, _)| bundle)
}

/// As [`fetch`]; with `include_refused`, the log also serves a bundle it
/// considers not installable, and its reason comes back with it.
fn request(
    log: &str,
    artifact: &str,
    target: &str,
    include_refused: bool,
) -> Result<(Bundle, Option<String>), ToolError> {
    let digest = ArtifactDigest::parse(artifact).map_err(|error| ToolError::BadArgument {
        flag: "--artifact",
        value: artifact.to_owned(),
        error,
    })?;
    let target = DeviceTarget::new(target).map_err(|error| ToolError::BadArgument {
        flag: "--target",
        value: target.to_owned(),
        error,
    })?;
    let client = LogClient::new(log)?;
    // Digest and target are already URL-safe: [a-z0-9:] and [A-Za-z0-9._/-].
    let mut path = format!("v1/bundle?artifact={digest}&target={target}");
    if include_refused {
        path.push_str("&include_refused=true");
    }
    let answer = client.get(&path)?;
    match answer.status {
        200 => Bundle::parse(&answer.body)
            .map(|bundle| (bundle, answer.header(REFUSAL_HEADER)))
            .map_err(|e| ToolError::MalformedAnswer {
                url: format!("{}/{path}", client.base()),
                detail: format!("not a bundle: {e}"),
            }),
        404 => Err(ToolError::NoSuchRelease {
            artifact: digest.to_string(),
        }),
        409 => {
            let json: serde_json::Value = serde_json::from_slice(&answer.body).unwrap_or_default();
            let field = |name: &str| json[name].as_str().unwrap_or("unknown").to_owned();
            Err(ToolError::NotInstallable {
                reason: field("reason"),
                message: field("message"),
            })
        }
        _ => Err(unexpected(&format!("{}/{path}", client.base()), &answer)),
    }
}
