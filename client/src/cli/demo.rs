//! `sightline demo`: runs the story of [`crate::demo`] in a fresh
//! directory and removes it afterwards unless asked to keep it.

use std::path::PathBuf;

use clap::Args;

use super::{EXIT_ACCEPTED, EXIT_ERROR};
use crate::demo::{Options, run as tell};
use crate::tlog::ToolError;

/// Arguments of `sightline demo`.
#[derive(Debug, Args)]
pub struct DemoArgs {
    /// Work in this directory (created; must be empty or absent) and keep
    /// it: keys, configurations, records, bundles and the servers' data.
    /// Without it, a temporary directory is used and removed at the end.
    #[arg(long, value_name = "DIR")]
    pub dir: Option<PathBuf>,
    /// Where `sightline-log` and `sightline-witness` are; defaults to the
    /// directory of this executable (where cargo builds them all).
    #[arg(long, value_name = "DIR")]
    pub bin_dir: Option<PathBuf>,
}

/// Runs the demo: exit 0 when every step turned out as told, otherwise
/// one line naming the step that did not, and [`EXIT_ERROR`].
///
/// Spec: DESIGN §1 (who uses Sightline, for what), §8 (the commands).
pub fn run(args: &DemoArgs) -> u8 {
    match prepare(args).and_then(|(options, temporary)| {
        let told = tell(&options);
        if temporary {
            // Best effort: a leftover temporary directory is harmless.
            let _ = std::fs::remove_dir_all(&options.dir);
        } else {
            println!("Everything the demo made is in {}.", options.dir.display());
        }
        told
    }) {
        Ok(()) => EXIT_ACCEPTED,
        Err(e) => {
            eprintln!("sightline demo: {e}");
            EXIT_ERROR
        }
    }
}

/// The options, and whether the directory is a temporary one.
fn prepare(args: &DemoArgs) -> Result<(Options, bool), ToolError> {
    let bin_dir = match &args.bin_dir {
        Some(dir) => dir.clone(),
        None => std::env::current_exe()
            .ok()
            .and_then(|exe| exe.parent().map(ToOwned::to_owned))
            .ok_or_else(|| {
                ToolError::DemoStep(
                    "cannot tell where this executable is; pass --bin-dir".to_owned(),
                )
            })?,
    };
    let (dir, temporary) = match &args.dir {
        Some(dir) => {
            let empty = std::fs::read_dir(dir).map_or(true, |mut d| d.next().is_none());
            if !empty {
                return Err(ToolError::DemoStep(format!(
                    "{} is not empty; name a new directory",
                    dir.display()
                )));
            }
            (dir.clone(), false)
        }
        None => (
            std::env::temp_dir().join(format!("sightline-demo-{}", std::process::id())),
            true,
        ),
    };
    Ok((Options { dir, bin_dir }, temporary))
}
