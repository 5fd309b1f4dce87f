//! The monitor's saved position: the last verified checkpoint and what
//! the replay needs to go on from it without re-reading the log: the
//! replayed key and pause state, the logged releases (which later
//! approvals and rollouts refer to) and the tree's right edge (its partial
//! tiles, from which the next entries' root is recomputed).
//!
//! The file is one JSON document (`format` names it), written through a
//! temporary file and a rename so that a crash leaves the old or the new
//! position, never a mix. Everything in it is checked again on load: the
//! partial tiles must hash to the checkpoint's root and the records must
//! parse; the monitor re-verifies the checkpoint under its policy.

use std::collections::BTreeMap;
use std::path::Path;

use serde::{Deserialize, Serialize};
use sightline_proofs::record::{Record, Timestamp};
use sightline_proofs::state::{LogState, LoggedRelease};
use sightline_proofs::{Checkpoint, Hash, Note, ProofsError, TileBuilder, TileId};

use crate::tlog::ToolError;

/// The `format` value of this version of the file.
pub const FORMAT: &str = "sightline/v1 monitor-state";
/// Largest state file read, in bytes.
pub const MAX_STATE_FILE_BYTES: u64 = 1 << 30;

/// A parsed, self-consistent saved position.
#[derive(Debug, Clone)]
pub struct SavedPosition {
    /// The checkpoint note, as the log served it (signatures included).
    pub checkpoint_note: Vec<u8>,
    /// Its parsed checkpoint.
    pub checkpoint: Checkpoint,
    /// The key and pause state replayed up to the checkpoint.
    pub state: LogState,
    /// The logged releases, by index.
    pub releases: BTreeMap<u64, LoggedRelease>,
    /// The tree up to the checkpoint (its right edge), ready to append to.
    pub tree: TileBuilder,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileForm {
    format: String,
    checkpoint: String,
    state: String,
    releases: Vec<ReleaseForm>,
    tiles: Vec<TileForm>,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct ReleaseForm {
    index: u64,
    leaf_hash: String,
    record: String,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct TileForm {
    level: u8,
    index: u64,
    width: u16,
    hashes: String,
}

impl SavedPosition {
    /// Encodes the position as the file's bytes.
    ///
    /// # Errors
    /// [`ProofsError`] if the state cannot be written as a state record
    /// (an index beyond the record grammar's range).
    pub fn encode(&self) -> Result<Vec<u8>, ProofsError> {
        // The state is kept as the text of a state record; its index and
        // time are not part of what the replay needs.
        let state = self
            .state
            .state_record(self.checkpoint.size(), Timestamp::from_unix(0)?)?;
        let form = FileForm {
            format: FORMAT.to_owned(),
            checkpoint: String::from_utf8_lossy(&self.checkpoint_note).into_owned(),
            state: Record::State(state).to_text(),
            releases: self
                .releases
                .iter()
                .map(|(index, logged)| ReleaseForm {
                    index: *index,
                    leaf_hash: logged.leaf_hash().to_hex(),
                    record: Record::Release(logged.release().clone()).to_text(),
                })
                .collect(),
            tiles: self
                .tree
                .partial_tiles()
                .iter()
                .map(|t| TileForm {
                    level: t.tile().level(),
                    index: t.tile().index(),
                    width: t.tile().width(),
                    hashes: hex::encode(t.data()),
                })
                .collect(),
        };
        let mut bytes = serde_json::to_vec_pretty(&form).unwrap_or_default();
        bytes.push(b'\n');
        Ok(bytes)
    }

    /// Parses and checks a state file's bytes.
    ///
    /// # Errors
    /// A description of the first problem found.
    pub fn parse(bytes: &[u8]) -> Result<Self, String> {
        let form: FileForm =
            serde_json::from_slice(bytes).map_err(|e| format!("not a monitor state: {e}"))?;
        if form.format != FORMAT {
            return Err(format!("format is {:?}, expected {FORMAT:?}", form.format));
        }
        let checkpoint_note = form.checkpoint.into_bytes();
        let note = Note::parse(&checkpoint_note).map_err(|e| format!("checkpoint: {e}"))?;
        let checkpoint =
            Checkpoint::parse_text(note.text()).map_err(|e| format!("checkpoint: {e}"))?;
        let state = match Record::parse_text(&form.state) {
            Ok(Record::State(record)) => LogState::from_state_record(&record),
            Ok(_) => return Err("state: not a state record".to_owned()),
            Err(e) => return Err(format!("state: {e}")),
        };
        let mut releases = BTreeMap::new();
        for r in form.releases {
            let leaf_hash = Hash::from_hex(&r.leaf_hash)
                .map_err(|e| format!("release {}: leaf hash: {e}", r.index))?;
            let Ok(Record::Release(release)) = Record::parse_text(&r.record) else {
                return Err(format!("release {}: not a release record", r.index));
            };
            if r.index >= checkpoint.size() {
                return Err(format!("release {}: beyond the checkpoint", r.index));
            }
            releases.insert(r.index, LoggedRelease::new(leaf_hash, release));
        }
        let mut tiles = Vec::with_capacity(form.tiles.len());
        for t in &form.tiles {
            let id = TileId::new(t.level, t.index, t.width)
                .map_err(|e| format!("tile {}/{}: {e}", t.level, t.index))?;
            let data =
                hex::decode(&t.hashes).map_err(|e| format!("tile {}/{}: {e}", t.level, t.index))?;
            tiles.push((id, data));
        }
        let borrowed: Vec<(TileId, &[u8])> =
            tiles.iter().map(|(t, d)| (*t, d.as_slice())).collect();
        let tree = TileBuilder::from_tiles(&checkpoint.root_hash(), &borrowed)
            .map_err(|e| format!("tiles do not match the checkpoint: {e}"))?;
        Ok(Self {
            checkpoint_note,
            checkpoint,
            state,
            releases,
            tree,
        })
    }

    /// Reads the file at `path`; `None` if it does not exist.
    ///
    /// # Errors
    /// [`ToolError::File`] if it cannot be read, [`ToolError::StateFile`]
    /// if it is malformed.
    pub fn load(path: &Path) -> Result<Option<Self>, ToolError> {
        use std::io::Read as _;
        let file = match std::fs::File::open(path) {
            Ok(file) => file,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(file_error(path, &e)),
        };
        let mut bytes = Vec::new();
        file.take(MAX_STATE_FILE_BYTES)
            .read_to_end(&mut bytes)
            .map_err(|e| file_error(path, &e))?;
        Self::parse(&bytes)
            .map(Some)
            .map_err(|detail| ToolError::StateFile {
                path: path.display().to_string(),
                detail,
            })
    }

    /// Writes the file at `path` atomically (temporary file, fsync, rename).
    ///
    /// # Errors
    /// [`ToolError::File`], or [`ToolError::StateFile`] if the position
    /// cannot be encoded.
    pub fn store(&self, path: &Path) -> Result<(), ToolError> {
        let bytes = self.encode().map_err(|e| ToolError::StateFile {
            path: path.display().to_string(),
            detail: e.to_string(),
        })?;
        crate::trusted_state::replace_file(path, &bytes).map_err(|e| file_error(path, &e))
    }
}

fn file_error(path: &Path, e: &std::io::Error) -> ToolError {
    ToolError::File {
        path: path.display().to_string(),
        cause: e.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use sightline_proofs::note::{KeyName, KeyType, SignerKey};
    use sightline_proofs::{Origin, leaf_hash, sign_checkpoint};

    fn position(leaves: u32) -> SavedPosition {
        let key = SignerKey::from_seed(
            KeyName::new("example.com/log").expect("name"),
            KeyType::Ed25519,
            [5; 32],
        )
        .expect("key");
        let hashes: Vec<Hash> = (0..leaves).map(|i| leaf_hash(&i.to_be_bytes())).collect();
        let mut tree = TileBuilder::new();
        tree.append(&hashes).expect("append");
        let checkpoint = Checkpoint::new(
            Origin::new("example.com/log").expect("origin"),
            u64::from(leaves),
            *tree.root().hash(),
        )
        .expect("checkpoint");
        let note = sign_checkpoint(&checkpoint, &key).expect("sign");
        SavedPosition {
            checkpoint_note: note.to_bytes(),
            checkpoint,
            state: LogState::new(),
            releases: BTreeMap::new(),
            tree,
        }
    }

    #[test]
    fn a_position_round_trips_and_keeps_its_tree() {
        let saved = position(300);
        let bytes = saved.encode().expect("encode");
        let parsed = SavedPosition::parse(&bytes).expect("parse");
        assert_eq!(parsed.encode().expect("encode"), bytes);
        assert_eq!(parsed.tree.root(), saved.tree.root());
        assert_eq!(parsed.checkpoint, saved.checkpoint);
    }

    #[test]
    fn tiles_of_another_tree_and_other_formats_are_refused() {
        let bytes = position(300).encode().expect("encode");
        let other = position(301).encode().expect("encode");
        let mut form: serde_json::Value = serde_json::from_slice(&bytes).expect("json");
        let theirs: serde_json::Value = serde_json::from_slice(&other).expect("json");
        form["tiles"] = theirs["tiles"].clone();
        let mixed = serde_json::to_vec(&form).expect("json");
        let err = SavedPosition::parse(&mixed).expect_err("mixed");
        assert!(err.contains("tiles do not match"), "{err}");

        form["format"] = "something else".into();
        let err =
            SavedPosition::parse(&serde_json::to_vec(&form).expect("json")).expect_err("format");
        assert!(err.contains("format"), "{err}");
        assert!(SavedPosition::parse(b"{}").is_err());
        assert!(SavedPosition::parse(b"").is_err());
    }
}
