//! The gatherer: which checkpoint meets the witness quorum, and the note
//! the log serves for it. Pure: the witness tasks hand it the answers they
//! received, it keeps the cosignatures per checkpoint and composes the
//! served note (the log's signature, then every valid cosignature gathered
//! for that checkpoint, in configuration order).
//!
//! Every cosignature is verified here, with the key configured for the
//! witness that returned it, against the exact checkpoint sent to it, before
//! it counts: a witness with another key, or one that signs something else,
//! never contributes to the quorum.

use std::collections::BTreeMap;

use sightline_proofs::{
    Checkpoint, Note, NoteSignature, Origin, ProofsError, VerifierKey, open_checkpoint,
    verify_cosignature, verify_cosignatures,
};

/// How many not-yet-quorate checkpoints are kept; older ones are dropped
/// first (a witness that lags that far behind skips to the newest anyway).
const MAX_CANDIDATES: usize = 64;

/// A quorum-cosigned checkpoint, ready to serve.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Cosigned {
    /// The tree size.
    pub size: u64,
    /// The note: the log's signature and the cosignatures.
    pub note: Vec<u8>,
    /// How many configured witnesses cosigned it.
    pub witnesses: usize,
}

/// One checkpoint and the cosignatures gathered for it.
#[derive(Clone, Debug)]
struct Candidate {
    checkpoint: Checkpoint,
    /// The note with the log's signature only.
    base: Note,
    /// Witness index -> its verified cosignature line.
    cosignatures: BTreeMap<usize, NoteSignature>,
}

impl Candidate {
    fn compose(&self) -> Result<Cosigned, ProofsError> {
        let mut note = self.base.clone();
        for line in self.cosignatures.values() {
            note.push_signature(line.clone())?;
        }
        Ok(Cosigned {
            size: self.checkpoint.size(),
            note: note.to_bytes(),
            witnesses: self.cosignatures.len(),
        })
    }
}

/// Gathers cosignatures until a checkpoint meets the quorum (see the module
/// docs).
#[derive(Clone, Debug)]
pub struct Gatherer {
    origin: Origin,
    log_key: VerifierKey,
    witnesses: Vec<VerifierKey>,
    quorum: usize,
    candidates: BTreeMap<u64, Candidate>,
    best: Option<Candidate>,
}

impl Gatherer {
    /// A gatherer for the log `origin` signed by `log_key`, with the
    /// witnesses' cosignature keys and the quorum (at least 1).
    pub fn new(
        origin: Origin,
        log_key: VerifierKey,
        witnesses: Vec<VerifierKey>,
        quorum: usize,
    ) -> Self {
        Self {
            origin,
            log_key,
            witnesses,
            quorum: quorum.max(1),
            candidates: BTreeMap::new(),
            best: None,
        }
    }

    /// The size of the newest quorum-cosigned checkpoint, if any.
    pub fn cosigned_size(&self) -> Option<u64> {
        self.best.as_ref().map(|b| b.checkpoint.size())
    }

    /// Takes a stored cosigned note (from before a restart) as the newest
    /// quorum-cosigned checkpoint, if it still verifies against the
    /// configured log key and witnesses and still meets the quorum.
    ///
    /// # Errors
    /// [`ProofsError`] if the note does not open with the log key or a
    /// configured witness's line fails; [`ProofsError::CosignatureKeyMismatch`]
    /// if too few configured witnesses cosigned it (the configuration
    /// changed).
    pub fn restore(&mut self, note: &[u8]) -> Result<Cosigned, ProofsError> {
        let (checkpoint, note) =
            open_checkpoint(&self.origin, std::slice::from_ref(&self.log_key), note)?;
        let verified = verify_cosignatures(&note, &self.witnesses)?;
        if verified.len() < self.quorum {
            return Err(ProofsError::CosignatureKeyMismatch);
        }
        let mut base = Note::new(note.text())?;
        let mut cosignatures = BTreeMap::new();
        for line in note.signatures() {
            match self.witnesses.iter().position(|k| k.matches(line)) {
                // Verified by `verify_cosignatures` above.
                Some(index) => {
                    cosignatures.insert(index, line.clone());
                }
                None if self.log_key.matches(line) => base.push_signature(line.clone())?,
                None => {}
            }
        }
        let candidate = Candidate {
            checkpoint,
            base,
            cosignatures,
        };
        let cosigned = candidate.compose()?;
        self.best = Some(candidate);
        Ok(cosigned)
    }

    /// Records what witness number `witness` answered to `signed_note` (the
    /// log-signed checkpoint it was sent). Returns the note to serve when
    /// this answer makes a newer checkpoint meet the quorum, or adds or
    /// refreshes a cosignature of the one already served; `None` when it
    /// changes nothing served (not yet a quorum, an older checkpoint, or a
    /// line already held).
    ///
    /// # Errors
    /// [`ProofsError::CosignatureKeyMismatch`] if no line is from the
    /// witness's key (or `witness` is not configured); any
    /// [`verify_cosignature`] error for a line from its key that fails;
    /// any [`open_checkpoint`] error for a note the log did not sign.
    pub fn offer(
        &mut self,
        signed_note: &[u8],
        witness: usize,
        lines: &[NoteSignature],
    ) -> Result<Option<Cosigned>, ProofsError> {
        let key = self
            .witnesses
            .get(witness)
            .ok_or(ProofsError::CosignatureKeyMismatch)?;
        let (checkpoint, note) = open_checkpoint(
            &self.origin,
            std::slice::from_ref(&self.log_key),
            signed_note,
        )?;
        let mut valid = None;
        for line in lines.iter().filter(|l| key.matches(l)) {
            verify_cosignature(&checkpoint, key, line)?;
            valid.get_or_insert_with(|| line.clone());
        }
        let line = valid.ok_or(ProofsError::CosignatureKeyMismatch)?;
        let size = checkpoint.size();
        let best_size = self.cosigned_size();
        if best_size.is_some_and(|b| b > size) {
            return Ok(None);
        }
        if let Some(best) = self.best.as_mut()
            && best_size == Some(size)
            && best.checkpoint == checkpoint
        {
            // A repeat changes nothing; a newer line (a refreshed
            // cosignature, later time) replaces the witness's older one.
            if best.cosignatures.get(&witness) == Some(&line) {
                return Ok(None);
            }
            best.cosignatures.insert(witness, line);
            return best.compose().map(Some);
        }
        let candidate = self
            .candidates
            .entry(size)
            .and_modify(|c| {
                // One root per size: a different one replaces the old
                // candidate rather than mixing cosignatures of both.
                if c.checkpoint != checkpoint {
                    c.checkpoint = checkpoint.clone();
                    c.base = note.clone();
                    c.cosignatures.clear();
                }
            })
            .or_insert_with(|| Candidate {
                checkpoint: checkpoint.clone(),
                base: note.clone(),
                cosignatures: BTreeMap::new(),
            });
        candidate.cosignatures.insert(witness, line);
        if candidate.cosignatures.len() >= self.quorum {
            let quorate = self.candidates.remove(&size);
            self.candidates.retain(|&s, _| s > size);
            if let Some(quorate) = quorate {
                let cosigned = quorate.compose()?;
                self.best = Some(quorate);
                return Ok(Some(cosigned));
            }
        }
        while self.candidates.len() > MAX_CANDIDATES {
            self.candidates.pop_first();
        }
        Ok(None)
    }
}

#[cfg(test)]
mod tests {
    use sightline_proofs::{Hash, KeyName, KeyType, SignerKey, cosign, sign_checkpoint};

    use super::*;

    const ORIGIN: &str = "example.com/gatherer";

    struct Fixture {
        log: SignerKey,
        witnesses: Vec<SignerKey>,
    }

    impl Fixture {
        fn new(count: u8) -> Self {
            let log = SignerKey::from_seed(
                KeyName::new(ORIGIN).expect("name"),
                KeyType::Ed25519,
                [9; 32],
            )
            .expect("log key");
            let witnesses = (0..count)
                .map(|i| {
                    SignerKey::from_seed(
                        KeyName::new(&format!("w{i}.example")).expect("name"),
                        KeyType::CosignatureV1,
                        [i + 1; 32],
                    )
                    .expect("witness key")
                })
                .collect();
            Self { log, witnesses }
        }

        fn gatherer(&self, quorum: usize) -> Gatherer {
            Gatherer::new(
                Origin::new(ORIGIN).expect("origin"),
                self.log.verifier(),
                self.witnesses.iter().map(SignerKey::verifier).collect(),
                quorum,
            )
        }

        fn checkpoint(&self, size: u64, root: u8) -> (Checkpoint, Vec<u8>) {
            let checkpoint = Checkpoint::new(
                Origin::new(ORIGIN).expect("origin"),
                size,
                Hash::new([root; 32]),
            )
            .expect("checkpoint");
            let note = sign_checkpoint(&checkpoint, &self.log)
                .expect("sign")
                .to_bytes();
            (checkpoint, note)
        }

        fn cosign(&self, witness: usize, checkpoint: &Checkpoint) -> Vec<NoteSignature> {
            self.cosign_at(witness, checkpoint, 1_700_000_000)
        }

        fn cosign_at(
            &self,
            witness: usize,
            checkpoint: &Checkpoint,
            time: u64,
        ) -> Vec<NoteSignature> {
            vec![cosign(checkpoint, &self.witnesses[witness], time).expect("cosign")]
        }
    }

    fn verified_witnesses(fixture: &Fixture, note: &[u8]) -> usize {
        let (_, note) = open_checkpoint(
            &Origin::new(ORIGIN).expect("origin"),
            &[fixture.log.verifier()],
            note,
        )
        .expect("the log's signature verifies");
        let keys: Vec<VerifierKey> = fixture.witnesses.iter().map(SignerKey::verifier).collect();
        verify_cosignatures(&note, &keys)
            .expect("cosignatures")
            .len()
    }

    #[test]
    fn quorum_is_met_by_distinct_witnesses_only() {
        let f = Fixture::new(3);
        let mut g = f.gatherer(2);
        let (cp, note) = f.checkpoint(5, 1);
        assert_eq!(g.offer(&note, 0, &f.cosign(0, &cp)), Ok(None));
        assert_eq!(
            g.offer(&note, 0, &f.cosign(0, &cp)),
            Ok(None),
            "the same witness twice is one"
        );
        let served = g
            .offer(&note, 2, &f.cosign(2, &cp))
            .expect("valid")
            .expect("quorum");
        assert_eq!((served.size, served.witnesses), (5, 2));
        assert_eq!(verified_witnesses(&f, &served.note), 2);
        assert_eq!(g.cosigned_size(), Some(5));
        // A late third cosignature is added to the served note.
        let more = g
            .offer(&note, 1, &f.cosign(1, &cp))
            .expect("valid")
            .expect("more");
        assert_eq!(more.witnesses, 3);
        assert_eq!(verified_witnesses(&f, &more.note), 3);
    }

    #[test]
    fn a_refreshed_cosignature_replaces_the_older_one() {
        let f = Fixture::new(2);
        let mut g = f.gatherer(1);
        let (cp, note) = f.checkpoint(5, 1);
        let first = g
            .offer(&note, 0, &f.cosign_at(0, &cp, 100))
            .expect("valid")
            .expect("quorum");
        let refreshed = g
            .offer(&note, 0, &f.cosign_at(0, &cp, 200))
            .expect("valid")
            .expect("refreshed");
        assert_eq!((refreshed.size, refreshed.witnesses), (5, 1));
        assert_ne!(refreshed.note, first.note);
        let (_, opened) = open_checkpoint(
            &Origin::new(ORIGIN).expect("origin"),
            &[f.log.verifier()],
            &refreshed.note,
        )
        .expect("opens");
        let times = verify_cosignatures(&opened, &[f.witnesses[0].verifier()]).expect("verify");
        assert_eq!(times.len(), 1);
        assert_eq!(times[0].time(), 200, "only the newer line is kept");
    }

    #[test]
    fn a_cosignature_from_another_key_is_refused() {
        let f = Fixture::new(2);
        let mut g = f.gatherer(1);
        let (cp, note) = f.checkpoint(5, 1);
        // Witness 1's line, returned by the URL configured for witness 0.
        assert_eq!(
            g.offer(&note, 0, &f.cosign(1, &cp)),
            Err(ProofsError::CosignatureKeyMismatch)
        );
        // Witness 0's key, but over another checkpoint.
        let (other, _) = f.checkpoint(5, 2);
        assert!(g.offer(&note, 0, &f.cosign(0, &other)).is_err());
        assert_eq!(g.cosigned_size(), None);
        assert_eq!(
            g.offer(&note, 7, &f.cosign(0, &cp)),
            Err(ProofsError::CosignatureKeyMismatch),
            "an unknown witness number"
        );
    }

    #[test]
    fn a_note_the_log_did_not_sign_is_refused() {
        let f = Fixture::new(1);
        let other = Fixture {
            log: SignerKey::from_seed(
                KeyName::new(ORIGIN).expect("name"),
                KeyType::Ed25519,
                [8; 32],
            )
            .expect("key"),
            witnesses: Vec::new(),
        };
        let mut g = f.gatherer(1);
        let (cp, note) = other.checkpoint(5, 1);
        assert!(g.offer(&note, 0, &f.cosign(0, &cp)).is_err());
    }

    #[test]
    fn the_newest_quorate_checkpoint_wins_and_older_ones_are_ignored() {
        let f = Fixture::new(3);
        let mut g = f.gatherer(2);
        let (old, old_note) = f.checkpoint(5, 1);
        let (new, new_note) = f.checkpoint(9, 2);
        assert_eq!(g.offer(&old_note, 0, &f.cosign(0, &old)), Ok(None));
        assert_eq!(g.offer(&new_note, 1, &f.cosign(1, &new)), Ok(None));
        let served = g
            .offer(&new_note, 2, &f.cosign(2, &new))
            .expect("valid")
            .expect("quorum");
        assert_eq!(served.size, 9);
        // The older checkpoint reaching quorum now changes nothing.
        assert_eq!(g.offer(&old_note, 1, &f.cosign(1, &old)), Ok(None));
        assert_eq!(g.cosigned_size(), Some(9));
    }

    #[test]
    fn restore_takes_a_stored_note_only_if_it_still_meets_the_quorum() {
        let f = Fixture::new(3);
        let mut g = f.gatherer(2);
        let (cp, note) = f.checkpoint(5, 1);
        let _ = g.offer(&note, 0, &f.cosign(0, &cp));
        let served = g
            .offer(&note, 1, &f.cosign(1, &cp))
            .expect("valid")
            .expect("quorum");

        let mut fresh = f.gatherer(2);
        assert_eq!(fresh.restore(&served.note), Ok(served.clone()));
        assert_eq!(fresh.cosigned_size(), Some(5));
        // Later cosignatures for the same checkpoint still join it.
        let more = fresh
            .offer(&note, 2, &f.cosign(2, &cp))
            .expect("valid")
            .expect("more");
        assert_eq!(more.witnesses, 3);

        let mut stricter = f.gatherer(3);
        assert!(stricter.restore(&served.note).is_err());
        assert_eq!(stricter.cosigned_size(), None);
    }

    #[test]
    fn candidates_are_bounded() {
        let f = Fixture::new(2);
        let mut g = f.gatherer(2);
        for size in 1..=(MAX_CANDIDATES as u64 + 10) {
            let (cp, note) = f.checkpoint(size, 1);
            assert_eq!(g.offer(&note, 0, &f.cosign(0, &cp)), Ok(None));
        }
        assert_eq!(g.candidates.len(), MAX_CANDIDATES);
        assert_eq!(g.candidates.keys().next(), Some(&11));
    }
}
