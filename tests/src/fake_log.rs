//! A log built by the test itself with `sightline-proofs`: entries, the
//! state entries that close each round, hash tiles and entry bundles from
//! `TileBuilder`, and a checkpoint signed with a log key the test owns,
//! written to a directory that [`crate::static_server::StaticServer`]
//! serves. Because the test writes every byte, it can make the log lie:
//! a state entry that omits a revocation, a record no honest log admits,
//! a fork.

use std::path::{Path, PathBuf};

use crate::proofs::record::{Record, SignedRecord, Timestamp};
use crate::proofs::state::{AdmissionRules, LogState, LoggedRelease};
use crate::proofs::{
    Checkpoint, Origin, SignerKey, TileBuilder, TileId, encode_entry_bundle, leaf_hash,
    sign_checkpoint,
};

/// When every record of the fake log is issued, and its rounds closed.
pub const TIME: u64 = 1_780_000_000;

/// The entries of a fake log and the state its honest replay reaches.
#[derive(Debug)]
pub struct FakeLog {
    dir: PathBuf,
    origin: Origin,
    key: SignerKey,
    rules: AdmissionRules,
    /// Every entry, in log order.
    pub entries: Vec<Vec<u8>>,
    /// The state an honest log has after the entries.
    pub state: LogState,
    releases: std::collections::BTreeMap<u64, LoggedRelease>,
}

impl FakeLog {
    /// An empty log for `origin`, signed with `key`, governed by `roots`
    /// (threshold 1), serving from `dir`.
    ///
    /// # Panics
    /// If the roots are invalid.
    pub fn new(
        dir: &Path,
        origin: &str,
        key: SignerKey,
        roots: Vec<crate::proofs::VerifierKey>,
    ) -> Self {
        std::fs::create_dir_all(dir).expect("create the log's directory");
        Self {
            dir: dir.to_owned(),
            origin: Origin::new(origin).expect("origin"),
            key,
            rules: AdmissionRules::new(roots, 1, u64::MAX).expect("rules"),
            entries: Vec::new(),
            state: LogState::new(),
            releases: std::collections::BTreeMap::new(),
        }
    }

    /// Appends `record` signed by `signers`, as an honest log would: it
    /// must pass admission, and it changes the honest state.
    ///
    /// # Panics
    /// If the record is not admissible.
    pub fn admit(&mut self, record: &Record, signers: &[&SignerKey]) -> u64 {
        let entry = SignedRecord::sign(record, signers)
            .expect("sign")
            .to_bytes();
        let index = self.entries.len() as u64;
        let admitted = self
            .state
            .admit(&entry, index, TIME, &self.rules, &self.releases)
            .expect("admissible");
        self.state.apply(index, &admitted).expect("apply");
        if let Record::Release(release) = record {
            self.releases.insert(
                index,
                LoggedRelease::new(leaf_hash(&entry), release.clone()),
            );
        }
        self.entries.push(entry);
        index
    }

    /// Appends `record` signed by `signers` without any check: what a
    /// misbehaving log does.
    ///
    /// # Panics
    /// If it cannot be signed.
    pub fn force(&mut self, record: &Record, signers: &[&SignerKey]) -> u64 {
        let entry = SignedRecord::sign(record, signers)
            .expect("sign")
            .to_bytes();
        self.entries.push(entry);
        self.entries.len() as u64 - 1
    }

    /// Closes a round with a state entry stating `state` (the honest state
    /// unless the test passes another).
    ///
    /// # Panics
    /// If it cannot be signed.
    pub fn close_round(&mut self, state: Option<&LogState>) -> u64 {
        let index = self.entries.len() as u64;
        let state = state.unwrap_or(&self.state);
        let entry = state
            .sign_state_entry(index, Timestamp::from_unix(TIME).expect("time"), &self.key)
            .expect("state entry")
            .to_bytes();
        self.entries.push(entry);
        index
    }

    /// Writes the tiles, entry bundles and checkpoint of the first `size`
    /// entries, replacing what was served before.
    ///
    /// # Panics
    /// On I/O errors.
    pub fn publish(&self, size: usize) {
        let entries = self.entries.get(..size).expect("size within the entries");
        let tile_dir = self.dir.join("tile");
        if tile_dir.exists() {
            std::fs::remove_dir_all(&tile_dir).expect("clear tiles");
        }
        let leaves: Vec<_> = entries.iter().map(|e| leaf_hash(e)).collect();
        let mut builder = TileBuilder::new();
        let appended = builder.append(&leaves).expect("append");
        for tile in appended.tiles() {
            write(&self.dir.join(tile.tile().path()), tile.data());
        }
        let size = size as u64;
        for (n, chunk) in (0u64..).zip(entries.chunks(256)) {
            let id = TileId::at_size(0, n, size).expect("bundle in tree");
            let path = id.entries_path().expect("level 0");
            write(
                &self.dir.join(path),
                &encode_entry_bundle(chunk).expect("bundle"),
            );
        }
        let checkpoint =
            Checkpoint::new(self.origin.clone(), size, *builder.root().hash()).expect("checkpoint");
        let note = sign_checkpoint(&checkpoint, &self.key).expect("sign checkpoint");
        write(&self.dir.join("checkpoint"), &note.to_bytes());
    }
}

fn write(path: &Path, bytes: &[u8]) {
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).expect("create directory");
    }
    std::fs::write(path, bytes).expect("write");
}
