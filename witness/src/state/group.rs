//! Group commit: one writer thread turns the writes that queue up while a
//! synced write is in flight into one batch, synced once.
//!
//! A synced write costs one fsync whatever it holds, so one fsync per
//! request caps throughput at the disk's fsync rate. Here the first write
//! goes out alone; every write submitted while it is syncing waits in the
//! queue, and the next commit takes them all (up to a bound). Under load
//! the batch grows with the queue, so an fsync is shared by many requests;
//! when idle, a write waits for nothing but its own commit.
//!
//! What a commit does is the caller's function, so this module holds only
//! the queueing and never imports the database.

use std::sync::mpsc::{Receiver, Sender, TryRecvError, channel};
use std::thread::JoinHandle;

use crate::error::WitnessError;

/// Most writes one commit takes, bounding a batch's memory and latency.
pub const MAX_GROUP: usize = 1024;

/// What the submitter hears once its write's group was committed: `Ok`
/// when durable, or the commit's error message (the whole group failed).
pub type Outcome = Result<(), String>;

/// A queued write and who to tell about it.
struct Pending<T> {
    item: T,
    done: Box<dyn FnOnce(Outcome) + Send>,
}

/// The writer thread and its queue.
///
/// Dropping it closes the queue, lets the thread finish the writes already
/// queued and waits for it, so that whatever the commit function holds
/// (the database) is released when the drop returns.
pub struct GroupCommit<T: Send + 'static> {
    queue: Option<Sender<Pending<T>>>,
    thread: Option<JoinHandle<()>>,
}

impl<T: Send + 'static> std::fmt::Debug for GroupCommit<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("GroupCommit").finish_non_exhaustive()
    }
}

impl<T: Send + 'static> GroupCommit<T> {
    /// Starts the writer thread. `commit` writes a whole group atomically:
    /// all of it or, on `Err`, none of it.
    ///
    /// # Errors
    /// [`WitnessError::Storage`] if the thread cannot be started.
    pub fn start(
        commit: impl FnMut(&[T]) -> Outcome + Send + 'static,
    ) -> Result<Self, WitnessError> {
        let (queue, pending) = channel();
        let thread = std::thread::Builder::new()
            .name("witness-group-commit".into())
            .spawn(move || run(&pending, commit))
            .map_err(|e| WitnessError::Storage(format!("cannot start the writer thread: {e}")))?;
        Ok(Self {
            queue: Some(queue),
            thread: Some(thread),
        })
    }

    /// Queues `item`; `done` runs on the writer thread once the group that
    /// holds it was committed (or failed), before the next group starts.
    ///
    /// # Errors
    /// [`WitnessError::Storage`] if the writer has stopped; then `done`
    /// never runs and the item was not written.
    pub fn submit(
        &self,
        item: T,
        done: impl FnOnce(Outcome) + Send + 'static,
    ) -> Result<(), WitnessError> {
        let stopped = || WitnessError::Storage("the state writer has stopped".into());
        self.queue
            .as_ref()
            .ok_or_else(stopped)?
            .send(Pending {
                item,
                done: Box::new(done),
            })
            .map_err(|_| stopped())
    }
}

impl<T: Send + 'static> Drop for GroupCommit<T> {
    fn drop(&mut self) {
        // Closing the queue ends the thread's loop once it is drained.
        drop(self.queue.take());
        if let Some(thread) = self.thread.take() {
            // A panicked writer has nothing left to release.
            let _ = thread.join();
        }
    }
}

/// The writer loop: wait for one write, take every write queued behind it,
/// commit them together, report to each, repeat until the queue closes.
fn run<T>(pending: &Receiver<Pending<T>>, mut commit: impl FnMut(&[T]) -> Outcome) {
    while let Ok(first) = pending.recv() {
        let mut group = vec![first];
        while group.len() < MAX_GROUP {
            match pending.try_recv() {
                Ok(next) => group.push(next),
                Err(TryRecvError::Empty | TryRecvError::Disconnected) => break,
            }
        }
        let (items, dones): (Vec<T>, Vec<_>) = group.into_iter().map(|p| (p.item, p.done)).unzip();
        let outcome = commit(&items);
        for done in dones {
            done(outcome.clone());
        }
    }
}

#[cfg(test)]
mod tests {
    use std::sync::{Arc, Mutex};

    use super::*;

    /// Sends each outcome to the test, tagged with the item.
    fn reporter(
        id: u32,
        to: &Sender<(u32, Outcome)>,
    ) -> impl FnOnce(Outcome) + Send + 'static + use<> {
        let to = to.clone();
        move |outcome| {
            let _ = to.send((id, outcome));
        }
    }

    #[test]
    fn writes_queued_behind_a_commit_share_the_next_and_a_failure_fails_all_of_them() {
        let (entered_tx, entered) = channel::<()>();
        let (gate, gate_rx) = channel::<()>();
        let groups: Arc<Mutex<Vec<Vec<u32>>>> = Arc::default();
        let seen = groups.clone();
        let writer = GroupCommit::start(move |items: &[u32]| {
            seen.lock().expect("lock").push(items.to_vec());
            if items == [0] {
                // Hold the first commit until the test has queued more.
                let _ = entered_tx.send(());
                let _ = gate_rx.recv();
                Ok(())
            } else {
                Err("disk full".to_owned())
            }
        })
        .expect("start");
        let (outcomes_tx, outcomes) = channel();
        writer.submit(0, reporter(0, &outcomes_tx)).expect("submit");
        entered.recv().expect("first commit running");
        for id in 1..=3 {
            writer
                .submit(id, reporter(id, &outcomes_tx))
                .expect("submit");
        }
        gate.send(()).expect("open");
        let mut heard: Vec<(u32, Outcome)> =
            (0..4).map(|_| outcomes.recv().expect("outcome")).collect();
        heard.sort_by_key(|(id, _)| *id);
        assert_eq!(
            heard,
            vec![
                (0, Ok(())),
                (1, Err("disk full".to_owned())),
                (2, Err("disk full".to_owned())),
                (3, Err("disk full".to_owned())),
            ]
        );
        drop(writer);
        assert_eq!(*groups.lock().expect("lock"), vec![vec![0], vec![1, 2, 3]]);
    }

    #[test]
    fn dropping_the_writer_finishes_queued_writes_first() {
        let (outcomes_tx, outcomes) = channel();
        let writer = GroupCommit::start(|_: &[u32]| Ok(())).expect("start");
        for id in 0..100 {
            writer
                .submit(id, reporter(id, &outcomes_tx))
                .expect("submit");
        }
        drop(writer);
        drop(outcomes_tx);
        assert_eq!(outcomes.iter().filter(|(_, o)| o.is_ok()).count(), 100);
    }
}
