//! Shared by the integration tests: the witness binary as a child process,
//! and a test log that signs checkpoints and builds consistency proofs.
//! Each test binary uses a subset of it.
#![allow(dead_code)]

use std::fmt::Write as _;
use std::io::{BufRead, BufReader};
use std::net::{SocketAddr, TcpListener};
use std::os::unix::fs::OpenOptionsExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use sightline_proofs::checkpoint::sign_checkpoint_bytes;
use sightline_proofs::{
    AddCheckpointRequest, Checkpoint, Hash, KeyName, KeyType, MemoryNodeReader, Origin, SignerKey,
    build_consistency_proof, leaf_hash,
};

/// The binary under test.
pub(crate) const BIN: &str = env!("CARGO_BIN_EXE_sightline-witness");

/// The digest §8.5 keys.
pub(crate) const LOG42_SKEY: &str =
    "PRIVATE+KEY+example.com/log42+61581bf9+AQABAgMEBQYHCAkKCwwNDg8QERITFBUWFxgZGhscHR4f";
pub(crate) const LOG42_VKEY: &str =
    "example.com/log42+61581bf9+AQOhB7/zzhC+HXDdGOdLwJln5NYwm6UNXx3chmQSVTG4";
pub(crate) const WITNESS_VKEY: &str =
    "witness.example/w1+20324abe+BCmsuuFBvMrwsi4alNNNC8c2HlJtC/4SyJeUvJMilm3X";

/// The testdata directory at the workspace root.
pub(crate) fn testdata(path: &str) -> Vec<u8> {
    let full = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../testdata")
        .join(path);
    std::fs::read(&full).unwrap_or_else(|e| panic!("{}: {e}", full.display()))
}

/// The digest §8.5 witness key: seed 0x20..0x3f, name witness.example/w1.
pub(crate) fn digest_witness_key() -> SignerKey {
    let mut seed = [0u8; 32];
    for (b, v) in seed.iter_mut().zip(0x20u8..) {
        *b = v;
    }
    let name = KeyName::new("witness.example/w1").expect("name");
    SignerKey::from_seed(name, KeyType::CosignatureV1, seed).expect("key")
}

/// A free loopback port (bound, read, released).
pub(crate) fn free_addr() -> SocketAddr {
    let l = TcpListener::bind("127.0.0.1:0").expect("bind");
    l.local_addr().expect("addr")
}

/// A witness data directory and configuration; start and restart the
/// process on the same address.
pub(crate) struct WitnessHome {
    pub(crate) dir: tempfile::TempDir,
    pub(crate) addr: SocketAddr,
}

impl WitnessHome {
    /// A home witnessing `logs` (origin, vkey) under the name
    /// `witness.example/w1`.
    pub(crate) fn new(logs: &[(&str, &str)]) -> Self {
        let dir = tempfile::tempdir().expect("tempdir");
        let mut config = format!(
            "name = \"witness.example/w1\"\ndata_dir = \"{}\"\n",
            dir.path().join("data").display()
        );
        for (origin, vkey) in logs {
            let _ = write!(
                config,
                "[[log]]\norigin = \"{origin}\"\nvkeys = [\"{vkey}\"]\n"
            );
        }
        std::fs::write(dir.path().join("witness.toml"), config).expect("config");
        Self {
            dir,
            addr: free_addr(),
        }
    }

    /// Installs the digest §8.5 witness key before the first start.
    pub(crate) fn with_digest_key(self) -> Self {
        let data = self.data_dir();
        std::fs::create_dir_all(&data).expect("data dir");
        let mut file = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(0o600)
            .open(data.join("cosigning.key"))
            .expect("key file");
        std::io::Write::write_all(
            &mut file,
            format!("{}\n", digest_witness_key().to_secret_string()).as_bytes(),
        )
        .expect("write key");
        self
    }

    pub(crate) fn config_path(&self) -> PathBuf {
        self.dir.path().join("witness.toml")
    }

    pub(crate) fn data_dir(&self) -> PathBuf {
        self.dir.path().join("data")
    }

    pub(crate) fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    /// Starts the witness and waits until it accepts connections.
    pub(crate) fn start(&self) -> WitnessProcess {
        let mut child = Command::new(BIN)
            .arg("serve")
            .arg("--config")
            .arg(self.config_path())
            .arg("--data-dir")
            .arg(self.data_dir())
            .arg("--listen")
            .arg(self.addr.to_string())
            .env("RUST_LOG", "warn")
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("spawn witness");
        let stdout = child.stdout.take().expect("stdout");
        let reader = std::thread::spawn(move || {
            // The vkey line, if any, comes before the server listens; read
            // until EOF in the background so the pipe never fills.
            let mut lines = Vec::new();
            for line in BufReader::new(stdout).lines() {
                match line {
                    Ok(l) => lines.push(l),
                    Err(_) => break,
                }
            }
            lines
        });
        let mut process = WitnessProcess {
            child,
            reader: Some(reader),
        };
        process.wait_ready(self);
        process
    }
}

/// A running witness process.
pub(crate) struct WitnessProcess {
    child: Child,
    reader: Option<std::thread::JoinHandle<Vec<String>>>,
}

impl WitnessProcess {
    fn wait_ready(&mut self, home: &WitnessHome) {
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            if let Some(status) = self.child.try_wait().expect("try_wait") {
                panic!("witness exited before it was ready: {status}");
            }
            if std::net::TcpStream::connect(home.addr).is_ok() {
                return;
            }
            assert!(Instant::now() < deadline, "witness not ready in 60 s");
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// SIGKILL, then reap. Returns what the process printed on stdout.
    pub(crate) fn kill(mut self) -> Vec<String> {
        self.child.kill().expect("kill");
        self.child.wait().expect("wait");
        self.reader
            .take()
            .map(|r| r.join().expect("stdout reader"))
            .unwrap_or_default()
    }

    /// SIGTERM, then wait for a clean exit. Returns stdout.
    pub(crate) fn stop(mut self) -> Vec<String> {
        let status = Command::new("kill")
            .arg("-TERM")
            .arg(self.child.id().to_string())
            .status()
            .expect("kill -TERM");
        assert!(status.success());
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            if let Some(status) = self.child.try_wait().expect("try_wait") {
                assert!(status.success(), "witness exited with {status}");
                break;
            }
            assert!(Instant::now() < deadline, "witness did not stop in 30 s");
            std::thread::sleep(Duration::from_millis(20));
        }
        self.reader
            .take()
            .map(|r| r.join().expect("stdout reader"))
            .unwrap_or_default()
    }
}

impl Drop for WitnessProcess {
    fn drop(&mut self) {
        if matches!(self.child.try_wait(), Ok(None)) {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

/// A log for tests: a key, an origin and a growing tree whose leaves are
/// derived from `history`, so two histories fork from the first leaf.
pub(crate) struct TestLog {
    pub(crate) key: SignerKey,
    pub(crate) origin: Origin,
    pub(crate) tree: MemoryNodeReader,
    history: u8,
}

impl TestLog {
    /// `example.com/log42` with the digest key and history `history`.
    pub(crate) fn log42(history: u8) -> Self {
        Self::new(SignerKey::parse(LOG42_SKEY).expect("skey"), history)
    }

    /// Another origin, with a key made from `seed`.
    pub(crate) fn other(origin: &str, seed: u8, history: u8) -> Self {
        let name = KeyName::new(origin).expect("name");
        Self::new(
            SignerKey::from_seed(name, KeyType::Ed25519, [seed; 32]).expect("key"),
            history,
        )
    }

    fn new(key: SignerKey, history: u8) -> Self {
        let origin = Origin::new(key.name().as_str()).expect("origin");
        Self {
            key,
            origin,
            tree: MemoryNodeReader::new(),
            history,
        }
    }

    /// A log holding exactly the digest §8.2 leaves.
    pub(crate) fn digest_tree() -> Self {
        let mut log = Self::log42(0);
        let leaves: [&[u8]; 8] = [
            b"",
            &[0x00],
            &[0x10],
            &[0x20, 0x21],
            &[0x30, 0x31],
            &[0x40, 0x41, 0x42, 0x43],
            &[0x50, 0x51, 0x52, 0x53, 0x54, 0x55, 0x56, 0x57],
            &[
                0x60, 0x61, 0x62, 0x63, 0x64, 0x65, 0x66, 0x67, 0x68, 0x69, 0x6a, 0x6b, 0x6c, 0x6d,
                0x6e, 0x6f,
            ],
        ];
        for leaf in leaves {
            log.tree.push(leaf_hash(leaf));
        }
        log
    }

    pub(crate) fn vkey(&self) -> String {
        self.key.verifier().to_string()
    }

    /// Grows the tree to `size` leaves.
    pub(crate) fn grow_to(&mut self, size: u64) {
        while self.tree.size() < size {
            let i = self.tree.size();
            self.tree
                .push(leaf_hash(&[&[self.history][..], &i.to_be_bytes()].concat()));
        }
    }

    pub(crate) fn checkpoint(&mut self, size: u64) -> Checkpoint {
        self.grow_to(size);
        let root = self.tree.root(size).expect("root");
        Checkpoint::new(self.origin.clone(), size, *root.hash()).expect("checkpoint")
    }

    /// The signed checkpoint note of size `size`.
    pub(crate) fn signed(&mut self, size: u64) -> Vec<u8> {
        let cp = self.checkpoint(size);
        sign_checkpoint_bytes(&cp, &self.key).expect("sign")
    }

    pub(crate) fn proof(&mut self, old: u64, new: u64) -> Vec<Hash> {
        self.grow_to(new);
        build_consistency_proof(&self.tree, old, new)
            .expect("proof")
            .into_path()
    }

    /// The add-checkpoint body from `old` to `new`.
    pub(crate) fn request(&mut self, old: u64, new: u64) -> Vec<u8> {
        let proof = self.proof(old, new);
        let note = self.signed(new);
        AddCheckpointRequest::new(old, proof, note)
            .expect("request")
            .to_bytes()
    }
}

/// POSTs an add-checkpoint body; returns status, content type and body.
pub(crate) async fn post(
    client: &reqwest::Client,
    home: &WitnessHome,
    body: Vec<u8>,
) -> (u16, String, Vec<u8>) {
    let resp = client
        .post(home.url("/add-checkpoint"))
        .body(body)
        .send()
        .await
        .expect("request");
    let status = resp.status().as_u16();
    let ctype = resp
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    (status, ctype, resp.bytes().await.expect("body").to_vec())
}

/// GETs a path; returns status and body.
pub(crate) async fn get(
    client: &reqwest::Client,
    home: &WitnessHome,
    path: &str,
) -> (u16, Vec<u8>) {
    let resp = client.get(home.url(path)).send().await.expect("request");
    let status = resp.status().as_u16();
    (status, resp.bytes().await.expect("body").to_vec())
}

/// A client with a timeout, so no test can hang on the network. It keeps
/// no idle connections: a connection pooled before a restart would be dead.
pub(crate) fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .pool_max_idle_per_host(0)
        .timeout(Duration::from_secs(30))
        .build()
        .expect("client")
}
