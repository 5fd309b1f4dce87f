//! `sightline keygen`: creates a note signer key (DESIGN §8, c2sp-digest §1.4).
//!
//! Every key in Sightline is an Ed25519 key pair with a name; only its type
//! byte differs. Log, root, signer, approver, operator and breakglass keys
//! sign note text (type 0x01); witness keys sign `cosignature/v1` lines
//! (type 0x04). The secret goes to a file only its owner can read, and the
//! public verifier key goes to stdout, ready to paste into a policy, the
//! log's configuration or a `sightline record key --vkey`.

use std::fs::OpenOptions;
use std::io::Write as _;
use std::path::PathBuf;

use clap::{Args, ValueEnum};
use sightline_proofs::note::{KEY_LEN, KeyName, KeyType, SignerKey};

use super::{EXIT_ACCEPTED, EXIT_ERROR};

/// Which kind of signature the new key makes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum KeygenType {
    /// Ed25519 note key (type 0x01): log, root, signer, approver, operator
    /// and breakglass keys.
    Note,
    /// Timestamped checkpoint cosigning key (type 0x04, `cosignature/v1`):
    /// witness keys. It cannot sign records.
    Cosignature,
}

impl KeygenType {
    /// The note key type this choice stands for (c2sp-digest §1.2).
    const fn key_type(self) -> KeyType {
        match self {
            Self::Note => KeyType::Ed25519,
            Self::Cosignature => KeyType::CosignatureV1,
        }
    }
}

/// Arguments of `sightline keygen`.
#[derive(Debug, Args)]
pub struct KeygenArgs {
    /// Key name: the log's origin for a log key, the witness's name for a
    /// witness key, otherwise a name that says whose key it is (for example
    /// `alice-release`). It must not contain `+`, spaces or control
    /// characters.
    #[arg(long, value_name = "NAME")]
    pub name: String,
    /// File to write the secret key to (`PRIVATE+KEY+…`), created with mode
    /// 0600. An existing file is refused unless `--force` is given.
    #[arg(long, value_name = "FILE")]
    pub out: PathBuf,
    /// `note` for every key that signs records or checkpoints; `cosignature`
    /// for a witness's key.
    #[arg(long = "type", value_enum, default_value_t = KeygenType::Note, value_name = "TYPE")]
    pub key_type: KeygenType,
    /// Replace FILE if it exists (its mode is reset to 0600).
    #[arg(long)]
    pub force: bool,
}

/// Runs the command: on success prints the verifier key on stdout; on
/// failure prints one line naming the problem on stderr.
///
/// Spec: DESIGN §8 (`keygen`), c2sp-digest §1.4 (key text forms).
pub fn run(args: &KeygenArgs) -> u8 {
    match keygen(args) {
        Ok(vkey) => {
            println!("{vkey}");
            EXIT_ACCEPTED
        }
        Err(e) => {
            eprintln!("sightline keygen: error: {e}");
            EXIT_ERROR
        }
    }
}

/// Draws the seed, writes the secret file and returns the verifier key text.
fn keygen(args: &KeygenArgs) -> Result<String, String> {
    let name = KeyName::new(&args.name).map_err(|e| format!("--name {:?}: {e}", args.name))?;
    let mut seed = [0u8; KEY_LEN];
    getrandom::getrandom(&mut seed)
        .map_err(|e| format!("cannot read the operating system's random source: {e}"))?;
    let key = SignerKey::from_seed(name, args.key_type.key_type(), seed);
    // `SignerKey` zeroizes its own copy; do not leave this one behind.
    seed.fill(0);
    let key = key.map_err(|e| format!("generated key rejected, run keygen again: {e}"))?;
    let mut secret = key.to_secret_string();
    secret.push('\n');
    let written = write_secret(args, secret.as_bytes());
    // The string held the seed too; overwrite it before it is freed.
    let mut bytes = secret.into_bytes();
    bytes.fill(0);
    written?;
    Ok(key.verifier().to_string())
}

/// Creates `args.out` readable by its owner only and writes `secret` to it.
fn write_secret(args: &KeygenArgs, secret: &[u8]) -> Result<(), String> {
    let path = &args.out;
    let mut options = OpenOptions::new();
    options.write(true);
    if args.force {
        options.create(true).truncate(true);
    } else {
        // `create_new` fails if the path exists, atomically: no window in
        // which another process could create it between a check and here.
        options.create_new(true);
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt as _;
        options.mode(0o600);
    }
    let mut file = options.open(path).map_err(|e| {
        if e.kind() == std::io::ErrorKind::AlreadyExists {
            format!(
                "--out {}: file exists; pass --force to replace it",
                path.display()
            )
        } else {
            format!("--out {}: {e}", path.display())
        }
    })?;
    // The mode above applies only to a new file; a replaced one keeps its
    // old mode, so set it explicitly before writing the secret.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        file.set_permissions(std::fs::Permissions::from_mode(0o600))
            .map_err(|e| format!("--out {}: cannot set mode 0600: {e}", path.display()))?;
    }
    file.write_all(secret)
        .and_then(|()| file.sync_all())
        .map_err(|e| format!("--out {}: {e}", path.display()))
}
