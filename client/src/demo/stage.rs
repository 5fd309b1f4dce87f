//! The demo's stage: a working directory, the processes started in it, and
//! the commands run in it, each echoed as a reader would type it.
//!
//! Every process started here is stopped when the stage is dropped, on the
//! error paths too, so that the demo never leaves a server behind.

use std::io::{BufRead as _, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

/// How long a server may take to print its ready line.
const READY_TIMEOUT: Duration = Duration::from_secs(60);
/// How long a server may take to exit after SIGTERM.
const EXIT_TIMEOUT: Duration = Duration::from_secs(30);
/// The line both servers print once they accept connections.
const LISTENING: &str = "listening on http://";

/// A failed step: what went wrong, in one line (the demo's
/// [`crate::tlog::ToolError::DemoStep`]).
pub(super) type Failure = String;

/// A server process started by the demo.
struct Server {
    label: String,
    child: Child,
}

/// The working directory, the executables and the running servers.
pub(super) struct Stage {
    dir: PathBuf,
    bin_dir: PathBuf,
    servers: Vec<Server>,
}

/// What a command printed, and whether it succeeded.
pub(super) struct Ran {
    /// The exit code (`None` if killed by a signal).
    pub(super) code: Option<i32>,
    /// Standard output, trimmed.
    pub(super) stdout: String,
    /// Standard error, trimmed.
    pub(super) stderr: String,
}

impl Stage {
    /// A stage in `dir` (created), running executables from `bin_dir`.
    ///
    /// # Errors
    /// If the directory cannot be created or an executable is missing.
    pub(super) fn new(dir: PathBuf, bin_dir: PathBuf) -> Result<Self, Failure> {
        std::fs::create_dir_all(&dir)
            .map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
        for name in ["sightline", "sightline-log", "sightline-witness"] {
            if !bin_dir.join(name).is_file() {
                return Err(format!(
                    "{name} not found in {}: build the workspace's binaries first (cargo build --release --bins) or pass --bin-dir",
                    bin_dir.display()
                ));
            }
        }
        Ok(Self {
            dir,
            bin_dir,
            servers: Vec::new(),
        })
    }

    /// The working directory.
    pub(super) fn dir(&self) -> &Path {
        &self.dir
    }

    /// Writes a file in the working directory.
    ///
    /// # Errors
    /// If it cannot be written.
    pub(super) fn write(&self, name: &str, contents: &[u8]) -> Result<(), Failure> {
        let path = self.dir.join(name);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)
                .map_err(|e| format!("cannot create {}: {e}", parent.display()))?;
        }
        std::fs::write(&path, contents).map_err(|e| format!("cannot write {}: {e}", path.display()))
    }

    /// Creates directories in the working directory, echoed as `mkdir -p`.
    ///
    /// # Errors
    /// If one cannot be created.
    pub(super) fn mkdir(&self, names: &[&str]) -> Result<(), Failure> {
        println!("  $ mkdir -p {}", names.join(" "));
        for name in names {
            let path = self.dir.join(name);
            std::fs::create_dir_all(&path)
                .map_err(|e| format!("cannot create {}: {e}", path.display()))?;
        }
        Ok(())
    }

    /// Reads a file of the working directory.
    ///
    /// # Errors
    /// If it cannot be read.
    pub(super) fn read(&self, name: &str) -> Result<Vec<u8>, Failure> {
        let path = self.dir.join(name);
        std::fs::read(&path).map_err(|e| format!("cannot read {}: {e}", path.display()))
    }

    /// Runs `sightline ARGS` in the working directory, echoing the command
    /// and its output, and returns what it printed whatever its status.
    ///
    /// # Errors
    /// If it cannot be started.
    pub(super) fn try_sightline(&self, args: &[&str]) -> Result<Ran, Failure> {
        println!("  $ sightline {}", quoted(args));
        let output: Output = Command::new(self.bin_dir.join("sightline"))
            .args(args)
            .current_dir(&self.dir)
            .env("RUST_LOG", "warn")
            .output()
            .map_err(|e| format!("cannot run sightline: {e}"))?;
        let ran = Ran {
            code: output.status.code(),
            stdout: String::from_utf8_lossy(&output.stdout).trim().to_owned(),
            stderr: String::from_utf8_lossy(&output.stderr).trim().to_owned(),
        };
        for line in ran.stdout.lines().chain(ran.stderr.lines()) {
            println!("    {line}");
        }
        Ok(ran)
    }

    /// As [`Stage::try_sightline`], but the command must exit 0; returns
    /// its stdout.
    ///
    /// # Errors
    /// If it cannot be started or exits non-zero.
    pub(super) fn sightline(&self, args: &[&str]) -> Result<String, Failure> {
        let ran = self.try_sightline(args)?;
        if ran.code != Some(0) {
            return Err(format!(
                "`sightline {}` failed ({:?}): {}",
                quoted(args),
                ran.code,
                ran.stderr
            ));
        }
        Ok(ran.stdout)
    }

    /// Starts `<binary> serve --config <config>` (echoed), waits for its
    /// ready line and returns its base URL.
    ///
    /// # Errors
    /// If it cannot be started or is not ready in time.
    pub(super) fn serve(
        &mut self,
        label: &str,
        binary: &str,
        config: &str,
    ) -> Result<String, Failure> {
        println!("  $ {binary} serve --config {config} &");
        let mut child = Command::new(self.bin_dir.join(binary))
            .args(["serve", "--config", config])
            .current_dir(&self.dir)
            .env("RUST_LOG", "error")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .map_err(|e| format!("cannot start {binary}: {e}"))?;
        let stdout = child.stdout.take();
        self.servers.push(Server {
            label: label.to_owned(),
            child,
        });
        let stdout = stdout.ok_or_else(|| format!("{label}: no stdout"))?;
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            // Keep draining after the ready line so the server never blocks
            // on a full pipe.
            for line in BufReader::new(stdout).lines() {
                let Ok(line) = line else { break };
                let _ = tx.send(line);
            }
        });
        let deadline = Instant::now() + READY_TIMEOUT;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            let line = rx
                .recv_timeout(left)
                .map_err(|_| format!("{label} did not start within {READY_TIMEOUT:?}"))?;
            if let Some(address) = line.strip_prefix(LISTENING) {
                println!("    {label} listening on http://{address}");
                return Ok(format!("http://{address}"));
            }
        }
    }

    /// Stops every server with SIGTERM (newest first) and waits for each;
    /// returns how many exited with status 0.
    ///
    /// # Errors
    /// If one cannot be signalled or does not exit in time (it is then
    /// killed).
    pub(super) fn stop_all(&mut self) -> Result<usize, Failure> {
        let mut clean = 0;
        while let Some(mut server) = self.servers.pop() {
            let sent = Command::new("kill")
                .args(["-TERM", &server.child.id().to_string()])
                .status()
                .map_err(|e| format!("cannot signal {}: {e}", server.label))?;
            if !sent.success() {
                return Err(format!("cannot signal {}", server.label));
            }
            let deadline = Instant::now() + EXIT_TIMEOUT;
            let status = loop {
                match server.child.try_wait() {
                    Ok(Some(status)) => break status,
                    Ok(None) if Instant::now() < deadline => {
                        std::thread::sleep(Duration::from_millis(20));
                    }
                    _ => {
                        let _ = server.child.kill();
                        let _ = server.child.wait();
                        return Err(format!("{} did not stop after SIGTERM", server.label));
                    }
                }
            };
            println!("    {} stopped ({status})", server.label);
            if status.success() {
                clean += 1;
            }
        }
        Ok(clean)
    }
}

impl Drop for Stage {
    fn drop(&mut self) {
        for server in &mut self.servers {
            let _ = server.child.kill();
            let _ = server.child.wait();
        }
    }
}

/// The arguments as a shell would need them: quoted when they hold spaces.
fn quoted(args: &[&str]) -> String {
    args.iter()
        .map(|a| {
            if a.contains(' ') {
                format!("'{a}'")
            } else {
                (*a).to_owned()
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// A port on 127.0.0.1 free a moment ago, for a witness whose address the
/// log's configuration must name before it starts.
///
/// # Errors
/// If no port can be bound.
pub(super) fn free_port() -> Result<u16, Failure> {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .map_err(|e| format!("cannot find a free port: {e}"))
}
