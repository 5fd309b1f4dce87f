//! `sightline monitor`: follows a log from a saved position and prints one
//! JSON line per violation on stdout (issue #6 item 3; the checks are in
//! [`crate::monitor`]).

use std::io::{IsTerminal as _, Write as _};
use std::path::PathBuf;
use std::time::Duration;

use clap::Args;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use super::{EXIT_ACCEPTED, EXIT_ERROR, EXIT_REFUSED};
use crate::monitor::{self, Expectations, SavedPosition};
use crate::tlog::{self, LogClient, ToolError};

/// Arguments of `sightline monitor`.
#[derive(Debug, Args)]
pub struct MonitorArgs {
    /// Base URL of the log, e.g. `http://127.0.0.1:8080` (plain http only).
    #[arg(long, value_name = "URL")]
    pub log: String,
    /// The trust policy: the log's key, the witnesses and quorum, the root
    /// keys and threshold.
    #[arg(long, value_name = "FILE")]
    pub policy: PathBuf,
    /// Where the position is kept between runs (created if missing,
    /// replaced atomically after each step). Without it, every run starts
    /// from the log's first entry.
    #[arg(long, value_name = "FILE")]
    pub state: Option<PathBuf>,
    /// Process up to the current checkpoint, save, and exit: 1 if any
    /// alert was printed, 0 otherwise.
    #[arg(long)]
    pub once: bool,
    /// An owner allowed to sign releases; repeat for several. When given,
    /// a release by any other owner raises `unexpected_owner`.
    #[arg(long = "expect-owner", value_name = "NAME")]
    pub expect_owners: Vec<String>,
    /// Seconds between polls of the log (without --once).
    #[arg(long, value_name = "SECS", default_value_t = 5)]
    pub interval: u64,
}

/// Runs the command. With `--once`: [`EXIT_ACCEPTED`] when no alert was
/// printed, [`EXIT_REFUSED`] when any was, [`EXIT_ERROR`] when the log or
/// an input could not be used (one stderr line). Without it, it polls
/// until interrupted: a failed poll prints one line and is retried; it
/// returns only when the policy, the state file or stdout is unusable.
///
/// Spec: DESIGN §8, issue #6 item 3.
pub fn run(args: &MonitorArgs) -> u8 {
    match follow(args) {
        Ok(false) => EXIT_ACCEPTED,
        Ok(true) => EXIT_REFUSED,
        Err(e) => {
            eprintln!("sightline monitor: {e}");
            EXIT_ERROR
        }
    }
}

/// Follows the log; returns whether any alert was printed.
fn follow(args: &MonitorArgs) -> Result<bool, ToolError> {
    let policy = tlog::load_policy(&args.policy)?;
    let client = LogClient::new(&args.log)?;
    let expect = Expectations {
        owners: args.expect_owners.clone(),
    };
    let mut saved = match &args.state {
        Some(path) => SavedPosition::load(path)?,
        None => None,
    };
    let mut alerted = false;
    loop {
        let bar = progress_bar();
        // The saved position is kept until a step succeeds, so that a
        // polling monitor survives a log that is briefly unreachable.
        let result = monitor::check(&client, &policy, saved.clone(), &expect, |done, total| {
            if let Some(bar) = &bar {
                bar.set_length(total);
                bar.set_position(done);
            }
        });
        if let Some(bar) = bar {
            bar.finish_and_clear();
        }
        let checked = match result {
            Ok(checked) => checked,
            Err(e) if !args.once => {
                eprintln!(
                    "sightline monitor: {e} (trying again in {} s)",
                    args.interval.max(1)
                );
                std::thread::sleep(Duration::from_secs(args.interval.max(1)));
                continue;
            }
            Err(e) => return Err(e),
        };
        let mut out = std::io::stdout().lock();
        for alert in &checked.alerts {
            // A closed stdout cannot report anything more; stop then.
            writeln!(out, "{}", alert.to_json_line()).map_err(|e| ToolError::File {
                path: "stdout".to_owned(),
                cause: e.to_string(),
            })?;
        }
        let _ = out.flush();
        alerted |= !checked.alerts.is_empty();
        if let Some(path) = &args.state {
            checked.position.store(path)?;
        }
        tracing::info!(
            size = checked.position.checkpoint.size(),
            read = checked.read,
            alerts = checked.alerts.len(),
            "checked"
        );
        saved = Some(checked.position);
        if args.once {
            return Ok(alerted);
        }
        // Polling, not synchronisation: the log is asked again later.
        std::thread::sleep(Duration::from_secs(args.interval.max(1)));
    }
}

/// A catch-up progress bar on stderr with rate and ETA, only when stderr
/// is a terminal.
fn progress_bar() -> Option<ProgressBar> {
    if !std::io::stderr().is_terminal() {
        return None;
    }
    let bar = ProgressBar::with_draw_target(Some(0), ProgressDrawTarget::stderr());
    let style = ProgressStyle::with_template(
        "catching up [{bar:30}] {pos}/{len} entries, {per_sec}, ETA {eta}",
    )
    .ok()?;
    bar.set_style(style.progress_chars("=> "));
    Some(bar)
}
