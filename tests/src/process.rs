//! A child process run as a service: started, waited for until it prints
//! its ready line, stopped with SIGTERM or SIGKILL, and always reaped.

use std::io::{BufRead, BufReader};
use std::net::TcpListener;
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

/// How long a service may take to become ready (debug builds, busy CI).
const READY_TIMEOUT: Duration = Duration::from_secs(60);
/// How long a service may take to exit after SIGTERM.
const EXIT_TIMEOUT: Duration = Duration::from_secs(30);

/// A running child process; killed when dropped.
#[derive(Debug)]
pub struct Service {
    child: Option<Child>,
    /// Every stdout line printed up to and including the ready line.
    pub banner: Vec<String>,
}

impl Service {
    /// Spawns `command` with stdout piped and waits (bounded) for a stdout
    /// line for which `ready` returns true. Stdout keeps being drained
    /// afterwards so the child never blocks on a full pipe.
    ///
    /// # Panics
    /// If it cannot be spawned, exits, or is not ready in time.
    pub fn start(mut command: Command, ready: impl Fn(&str) -> bool) -> Self {
        let mut child = command
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("spawn service");
        let stdout = child.stdout.take().expect("piped stdout");
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines() {
                let Ok(line) = line else { break };
                // The receiver is gone once the service is ready; keep
                // reading anyway.
                let _ = tx.send(line);
            }
        });
        let deadline = Instant::now() + READY_TIMEOUT;
        let mut banner = Vec::new();
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            let Ok(line) = rx.recv_timeout(left) else {
                let _ = child.kill();
                panic!(
                    "{command:?} was not ready: {:?}, printed {banner:?}",
                    child.wait()
                );
            };
            let done = ready(&line);
            banner.push(line);
            if done {
                break;
            }
        }
        Self {
            child: Some(child),
            banner,
        }
    }

    /// The process id.
    ///
    /// # Panics
    /// If the service was already stopped.
    pub fn pid(&self) -> u32 {
        self.child.as_ref().expect("running").id()
    }

    /// Sends SIGTERM and waits (bounded) for the exit status.
    ///
    /// # Panics
    /// If the process does not exit in time.
    pub fn terminate(mut self) -> ExitStatus {
        let mut child = self.child.take().expect("running");
        let sent = Command::new("kill")
            .arg("-TERM")
            .arg(child.id().to_string())
            .status()
            .expect("run kill");
        assert!(sent.success(), "kill -TERM failed");
        let deadline = Instant::now() + EXIT_TIMEOUT;
        loop {
            if let Some(status) = child.try_wait().expect("wait") {
                return status;
            }
            if Instant::now() > deadline {
                let _ = child.kill();
                panic!("no exit within {EXIT_TIMEOUT:?} of SIGTERM");
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// SIGKILL, then reap.
    pub fn kill(mut self) {
        self.stop();
    }

    fn stop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

impl Drop for Service {
    fn drop(&mut self) {
        self.stop();
    }
}

/// A port on 127.0.0.1 that was free a moment ago, for services whose
/// address must stay the same across restarts (a witness named in a log's
/// configuration). Another process could take it in between; the window is
/// short and a test that loses the race fails loudly at start-up.
///
/// # Panics
/// If no port can be bound.
pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("bind 127.0.0.1:0")
        .port()
}
