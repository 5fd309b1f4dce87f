//! `sightline bundle`: fetches the release bundle for an artifact and a
//! device target from a log (`GET /v1/bundle`, DESIGN §7), checks that it
//! parses, and writes it to a file for delivery with the artifact.

use std::io::Read as _;
use std::path::PathBuf;
use std::time::Duration;

use clap::Args;
use sightline_proofs::bundle::{Bundle, MAX_BUNDLE_BYTES};
use sightline_proofs::policy::DeviceTarget;
use sightline_proofs::record::ArtifactDigest;

use super::record::replace_file;
use super::{EXIT_ACCEPTED, EXIT_ERROR, EXIT_REFUSED};

/// How long to wait for the log to connect and to answer.
const HTTP_TIMEOUT: Duration = Duration::from_secs(30);

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

/// Why no bundle was fetched.
#[derive(Debug, PartialEq, Eq)]
pub enum FetchFailure {
    /// The log has no release with that artifact (404).
    NoRelease,
    /// The release exists but is not installable for the target (409); the
    /// log's stable reason and its message.
    NotInstallable {
        /// `NoRollout`, `TargetPaused` or `KeyRevoked`.
        reason: String,
        /// The log's explanation.
        message: String,
    },
    /// Anything else: a bad argument, an unreachable log, an unexpected
    /// answer, a bundle that does not parse.
    Error(String),
}

impl std::fmt::Display for FetchFailure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::NoRelease => f.write_str("the log has no release with that artifact"),
            Self::NotInstallable { reason, message } => {
                write!(f, "the log refused: {message} ({reason})")
            }
            Self::Error(e) => f.write_str(e),
        }
    }
}

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
        replace_file(&args.out, &bundle.encode())
            .map_err(|e| FetchFailure::Error(format!("-o {}: {e}", args.out.display())))?;
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
        Err(failure) => {
            eprintln!("sightline bundle: {failure}");
            match failure {
                FetchFailure::NoRelease | FetchFailure::NotInstallable { .. } => EXIT_REFUSED,
                FetchFailure::Error(_) => EXIT_ERROR,
            }
        }
    }
}

/// Fetches and parses the bundle for `artifact` and `target` from the log
/// at `log`. The bundle's signatures and proofs are not checked here: that
/// is the device's [`crate::verify_release`].
///
/// # Errors
/// [`FetchFailure`], one per kind of answer.
pub fn fetch(log: &str, artifact: &str, target: &str) -> Result<Bundle, FetchFailure> {
    request(log, artifact, target, false).map(|(bundle, _)| bundle)
}

/// As [`fetch`]; with `include_refused`, the log also serves a bundle it
/// considers not installable, and its reason comes back with it.
fn request(
    log: &str,
    artifact: &str,
    target: &str,
    include_refused: bool,
) -> Result<(Bundle, Option<String>), FetchFailure> {
    let digest = ArtifactDigest::parse(artifact).map_err(|_| {
        FetchFailure::Error(format!(
            "--artifact {artifact}: not sha256:<64 lowercase hex>"
        ))
    })?;
    let target = DeviceTarget::new(target)
        .map_err(|e| FetchFailure::Error(format!("--target {target}: {e}")))?;
    let base = log.trim_end_matches('/');
    // The client is built without a TLS stack (none is vendored yet), so
    // an https URL is refused here rather than failing obscurely later.
    if !base.starts_with("http://") {
        return Err(FetchFailure::Error(format!(
            "--log {log}: not an http:// URL (https is not supported by this build)"
        )));
    }
    // Digest and target are already URL-safe: [a-z0-9:] and [A-Za-z0-9._/-].
    let mut url = format!("{base}/v1/bundle?artifact={digest}&target={target}");
    if include_refused {
        url.push_str("&include_refused=true");
    }
    let client = reqwest::blocking::Client::builder()
        .timeout(HTTP_TIMEOUT)
        .build()
        .map_err(|e| FetchFailure::Error(format!("HTTP client: {e}")))?;
    let response = client.get(&url).send().map_err(|e| {
        FetchFailure::Error(format!(
            "cannot reach the log at {base}: {}",
            root_cause(&e)
        ))
    })?;
    let status = response.status().as_u16();
    let refusal = response
        .headers()
        .get(REFUSAL_HEADER)
        .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned());
    let body = read_limited(response)
        .map_err(|e| FetchFailure::Error(format!("reading the answer from {base}: {e}")))?;
    match status {
        200 => Bundle::parse(&body)
            .map(|bundle| (bundle, refusal))
            .map_err(|e| {
                FetchFailure::Error(format!("the log at {base} sent a malformed bundle: {e}"))
            }),
        404 => Err(FetchFailure::NoRelease),
        409 => {
            let json: serde_json::Value = serde_json::from_slice(&body).unwrap_or_default();
            let field = |name: &str| json[name].as_str().unwrap_or("unknown").to_owned();
            Err(FetchFailure::NotInstallable {
                reason: field("reason"),
                message: field("message"),
            })
        }
        other => Err(FetchFailure::Error(format!(
            "the log at {base} answered {other}: {}",
            String::from_utf8_lossy(&body).trim()
        ))),
    }
}

/// Reads at most one byte more than a bundle may hold, so that a hostile
/// or broken log cannot make the command buffer without bound.
fn read_limited(response: reqwest::blocking::Response) -> std::io::Result<Vec<u8>> {
    let mut body = Vec::new();
    response
        .take(MAX_BUNDLE_BYTES as u64 + 1)
        .read_to_end(&mut body)?;
    Ok(body)
}

/// The innermost error message ("Connection refused"), which says more
/// than reqwest's outer "error sending request".
fn root_cause(e: &(dyn std::error::Error + 'static)) -> String {
    let mut cause = e;
    while let Some(next) = cause.source() {
        cause = next;
    }
    cause.to_string()
}
