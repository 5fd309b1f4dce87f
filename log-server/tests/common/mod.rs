//! Shared by the integration tests: record fixtures, the real binary on
//! 127.0.0.1 with a temporary data directory, a bounded-wait HTTP client,
//! and an independent tlog-tiles reader (the `tlog_tiles` crate).

#![allow(
    dead_code,
    unreachable_pub,
    clippy::missing_panics_doc,
    clippy::unused_self
)]

use std::io::{BufRead as _, BufReader, Read as _, Write as _};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use sightline_proofs::record::Timestamp;
use sightline_proofs::{KeyName, KeyType, Note, SignerKey};

/// The test origin.
pub const ORIGIN: &str = "test.sightline/log";

/// Seconds since the epoch.
pub fn now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .expect("clock")
        .as_secs()
}

/// RFC 3339 time for `secs`.
pub fn time(secs: u64) -> String {
    Timestamp::from_unix(secs).expect("time").to_string()
}

/// A deterministic note key.
pub fn key(name: &str, seed: u8) -> SignerKey {
    SignerKey::from_seed(
        KeyName::new(name).expect("name"),
        KeyType::Ed25519,
        [seed; 32],
    )
    .expect("key")
}

/// Signs arbitrary note text (valid records or not) with `keys`.
pub fn sign_text(text: &str, keys: &[&SignerKey]) -> Vec<u8> {
    let mut note = Note::new(text).expect("note text");
    for k in keys {
        note.sign(k).expect("sign");
    }
    note.to_bytes()
}

/// Keys and record builders for a log with two roots, threshold 2.
pub struct Fixture {
    /// Root keys.
    pub roots: Vec<SignerKey>,
    /// A release signer (owner alice).
    pub signer: SignerKey,
    /// An approver (owner bob).
    pub approver: SignerKey,
    /// A rollout operator (owner carol).
    pub operator: SignerKey,
    /// A breakglass key (owner dave).
    pub breakglass: SignerKey,
    /// A key never enrolled.
    pub stranger: SignerKey,
}

impl Default for Fixture {
    fn default() -> Self {
        Self::new()
    }
}

impl Fixture {
    /// The fixed keys.
    pub fn new() -> Self {
        Self {
            roots: vec![key("root-a", 1), key("root-b", 2)],
            signer: key("alice-signing", 10),
            approver: key("bob-review", 11),
            operator: key("carol-ops", 12),
            breakglass: key("dave-incident", 13),
            stranger: key("mallory", 14),
        }
    }

    /// The TOML lines configuring the roots.
    pub fn roots_toml(&self) -> String {
        let keys: Vec<String> = self
            .roots
            .iter()
            .map(|k| format!("\"{}\"", k.verifier()))
            .collect();
        format!("root_keys = [{}]\nroot_threshold = 2\n", keys.join(", "))
    }

    /// Both roots.
    pub fn root_refs(&self) -> Vec<&SignerKey> {
        self.roots.iter().collect()
    }

    /// Enrolment text for `key`.
    pub fn enrol_text(&self, key: &SignerKey, role: &str, owner: &str, scope: &str) -> String {
        format!(
            "sightline/v1 key\naction enrol\nvkey {}\nrole {role}\nowner {owner}\nscope {scope}\nexpires {}\nissued {}\n",
            key.verifier(),
            time(now() + 365 * 86_400),
            time(now())
        )
    }

    /// An enrolment signed by both roots.
    pub fn enrol(&self, key: &SignerKey, role: &str, owner: &str, scope: &str) -> Vec<u8> {
        sign_text(&self.enrol_text(key, role, owner, scope), &self.root_refs())
    }

    /// The four enrolments, in order.
    pub fn enrolments(&self) -> Vec<Vec<u8>> {
        vec![
            self.enrol(&self.signer, "signer", "alice", "acme/*"),
            self.enrol(&self.approver, "approver", "bob", "acme/*"),
            self.enrol(&self.operator, "operator", "carol", "acme/*"),
            self.enrol(&self.breakglass, "breakglass", "dave", "acme/*"),
        ]
    }

    /// Release text for an artifact named by `tag`.
    pub fn release_text(&self, tag: &str, target: &str) -> String {
        let digest = sightline_proofs::hash::sha256(tag.as_bytes()).to_hex();
        format!(
            "sightline/v1 release\nartifact sha256:{digest}\nsize 4096\nname thermo\nversion 1.0.0\ntarget {target}\nissued {}\n",
            time(now())
        )
    }

    /// A release signed by the signer.
    pub fn release(&self, tag: &str) -> Vec<u8> {
        sign_text(
            &self.release_text(tag, "acme/thermostat/*"),
            &[&self.signer],
        )
    }

    /// An approval of the release at `index` with leaf hash `hex`.
    pub fn approval(&self, index: u64, hex: &str) -> Vec<u8> {
        sign_text(
            &format!(
                "sightline/v1 approval\nrelease {index} {hex}\nrole qa\nissued {}\n",
                time(now())
            ),
            &[&self.approver],
        )
    }

    /// A rollout of the release at `index` to `acme/thermostat/t3`.
    pub fn rollout(&self, index: u64, hex: &str) -> Vec<u8> {
        sign_text(
            &format!(
                "sightline/v1 rollout\nrelease {index} {hex}\ntarget acme/thermostat/t3\nissued {}\n",
                time(now())
            ),
            &[&self.operator],
        )
    }

    /// Pause or resume text.
    pub fn notice_text(&self, kind: &str, target: &str) -> String {
        format!(
            "sightline/v1 {kind}\ntarget {target}\nreason incident 42\nissued {}\n",
            time(now())
        )
    }

    /// A pause by the breakglass key.
    pub fn pause(&self, target: &str) -> Vec<u8> {
        sign_text(&self.notice_text("pause", target), &[&self.breakglass])
    }

    /// A resume by both roots.
    pub fn resume(&self, target: &str) -> Vec<u8> {
        sign_text(&self.notice_text("resume", target), &self.root_refs())
    }
}

/// A `sightline-log serve` process.
pub struct Server {
    child: Child,
    /// `127.0.0.1:PORT`.
    pub addr: String,
    /// The data directory.
    pub data_dir: PathBuf,
    /// The configuration file.
    pub config: PathBuf,
}

/// Where the test binary is.
pub fn binary() -> &'static str {
    env!("CARGO_BIN_EXE_sightline-log")
}

impl Server {
    /// Writes `extra_toml` (plus data_dir and listen) as the configuration in
    /// `dir` and starts the server; waits (bounded) for its address.
    pub fn start(dir: &Path, extra_toml: &str) -> Self {
        let data_dir = dir.join("data");
        let config = dir.join("config.toml");
        std::fs::write(
            &config,
            format!(
                "origin = \"{ORIGIN}\"\ndata_dir = \"{}\"\nlisten = \"127.0.0.1:0\"\n{extra_toml}",
                data_dir.display()
            ),
        )
        .expect("write config");
        Self::start_with(&config, data_dir, &[])
    }

    /// Starts `serve --config config` with extra arguments.
    pub fn start_with(config: &Path, data_dir: PathBuf, args: &[&str]) -> Self {
        let mut child = Command::new(binary())
            .arg("serve")
            .arg("--config")
            .arg(config)
            .args(args)
            .env("RUST_LOG", "warn")
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("spawn server");
        let stdout = child.stdout.take().expect("stdout");
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            // Keep draining after the address is found (send errors are
            // ignored) so the server never blocks on a full stdout pipe.
            for line in BufReader::new(stdout).lines() {
                let Ok(line) = line else { break };
                let _ = tx.send(line);
            }
        });
        let deadline = Instant::now() + Duration::from_secs(60);
        let addr = loop {
            let left = deadline.saturating_duration_since(Instant::now());
            let Ok(line) = rx.recv_timeout(left) else {
                let _ = child.kill();
                panic!("the server did not start: {:?}", child.wait());
            };
            if let Some(addr) = line.strip_prefix("listening on http://") {
                break addr.to_owned();
            }
        };
        Self {
            child,
            addr,
            data_dir,
            config: config.to_owned(),
        }
    }

    /// Sends SIGTERM and waits (bounded) for the exit status.
    pub fn terminate(mut self) -> std::process::ExitStatus {
        let status = Command::new("kill")
            .arg("-TERM")
            .arg(self.child.id().to_string())
            .status()
            .expect("kill");
        assert!(status.success());
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            if let Some(status) = self.child.try_wait().expect("wait") {
                return status;
            }
            assert!(Instant::now() < deadline, "no exit after SIGTERM");
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// SIGKILL.
    pub fn kill(mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }

    /// A GET.
    pub fn get(&self, path: &str) -> Response {
        http(&self.addr, "GET", path, &[])
    }

    /// A POST.
    pub fn post(&self, path: &str, body: &[u8]) -> Response {
        http(&self.addr, "POST", path, body)
    }

    /// Submits an entry, expecting 200; returns (index, leaf hash hex).
    pub fn submit(&self, entry: &[u8]) -> (u64, String) {
        let response = self.post("/v1/entries", entry);
        assert_eq!(response.status, 200, "{}", response.text());
        let json: serde_json::Value = serde_json::from_slice(&response.body).expect("json");
        (
            json["index"].as_u64().expect("index"),
            json["leaf_hash"].as_str().expect("hash").to_owned(),
        )
    }

    /// The tree size from `/checkpoint`.
    pub fn size(&self) -> u64 {
        let checkpoint = self.get("/checkpoint");
        assert_eq!(checkpoint.status, 200);
        checkpoint
            .text()
            .lines()
            .nth(1)
            .expect("size line")
            .parse()
            .expect("size")
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A minimal HTTP response.
#[derive(Debug)]
pub struct Response {
    /// Status code.
    pub status: u16,
    /// Lower-cased header lines.
    pub headers: Vec<(String, String)>,
    /// Body.
    pub body: Vec<u8>,
}

impl Response {
    /// The body as text.
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    /// A header's value.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    /// The JSON body.
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body).expect("json body")
    }
}

/// One HTTP/1.1 request on a fresh connection, with timeouts; a blocking
/// client so it can back `tlog_tiles::TileReader`.
pub fn http(addr: &str, method: &str, path: &str, body: &[u8]) -> Response {
    try_http(addr, method, path, body).expect("HTTP request")
}

/// As [`http`], but `None` if the connection fails or the answer is cut.
pub fn try_http(addr: &str, method: &str, path: &str, body: &[u8]) -> Option<Response> {
    let mut stream = TcpStream::connect(addr).ok()?;
    stream
        .set_read_timeout(Some(Duration::from_secs(30)))
        .ok()?;
    stream
        .set_write_timeout(Some(Duration::from_secs(30)))
        .ok()?;
    let head = format!(
        "{method} {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\nContent-Length: {}\r\n\r\n",
        body.len()
    );
    stream.write_all(head.as_bytes()).ok()?;
    // The server may answer (413) before reading a large body; ignore a
    // write error then and read the answer.
    let _ = stream.write_all(body);
    let mut raw = Vec::new();
    let _ = stream.read_to_end(&mut raw);
    parse_response(&raw)
}

fn parse_response(raw: &[u8]) -> Option<Response> {
    let split = raw.windows(4).position(|w| w == b"\r\n\r\n")?;
    let head = String::from_utf8_lossy(&raw[..split]).into_owned();
    let mut lines = head.split("\r\n");
    let status = lines
        .next()
        .and_then(|l| l.split(' ').nth(1))
        .and_then(|s| s.parse().ok())?;
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(n, v)| (n.trim().to_ascii_lowercase(), v.trim().to_owned()))
        .collect();
    let mut body = raw[split + 4..].to_vec();
    let chunked = headers
        .iter()
        .any(|(n, v)| n == "transfer-encoding" && v.contains("chunked"));
    if chunked {
        body = dechunk(&body)?;
    }
    Some(Response {
        status,
        headers,
        body,
    })
}

fn dechunk(mut data: &[u8]) -> Option<Vec<u8>> {
    let mut out = Vec::new();
    loop {
        let end = data.windows(2).position(|w| w == b"\r\n")?;
        let size = usize::from_str_radix(String::from_utf8_lossy(&data[..end]).trim(), 16).ok()?;
        if size == 0 {
            return Some(out);
        }
        out.extend_from_slice(data.get(end + 2..end + 2 + size)?);
        data = data.get(end + 2 + size + 2..)?;
    }
}

/// A tlog-tiles reader over the server, for the independent `tlog_tiles`
/// client: it maps the Go-style `tile/8/L/N` path to c2sp's `tile/L/N`.
pub struct HttpTiles<'a> {
    /// The server.
    pub addr: &'a str,
}

impl tlog_tiles::TileReader for HttpTiles<'_> {
    fn height(&self) -> u8 {
        8
    }

    fn read_tiles(&self, tiles: &[tlog_tiles::Tile]) -> Result<Vec<Vec<u8>>, tlog_tiles::Error> {
        tiles
            .iter()
            .map(|tile| {
                let go_path = tile.path();
                let path = go_path
                    .strip_prefix("tile/8/")
                    .map(|rest| format!("/tile/{rest}"))
                    .ok_or(tlog_tiles::Error::InvalidTile)?;
                let response = http(self.addr, "GET", &path, &[]);
                if response.status == 200 {
                    Ok(response.body)
                } else {
                    Err(tlog_tiles::Error::InvalidTile)
                }
            })
            .collect()
    }

    fn save_tiles(&self, _tiles: &[tlog_tiles::Tile], _data: &[Vec<u8>]) {}
}

/// Polls `f` until it returns `Some`, for at most `limit`.
pub fn poll<T>(limit: Duration, mut f: impl FnMut() -> Option<T>) -> T {
    let deadline = Instant::now() + limit;
    loop {
        if let Some(value) = f() {
            return value;
        }
        assert!(Instant::now() < deadline, "condition not met in {limit:?}");
        std::thread::sleep(Duration::from_millis(10));
    }
}
