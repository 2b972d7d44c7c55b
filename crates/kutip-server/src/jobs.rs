//! Work for one request on the blocking pool, bounded in time and in number.
//!
//! A [`Job`] is running until it finishes, or until it is cancelled: by its deadline, or by
//! its request going away (the client closed the connection, so hyper dropped the handler).
//! The pipeline asks [`Job::stopped`] between stages, so cancelled work stops within a stage
//! instead of burning the cores to the end. Work that commits (an HTTP ingest) first claims
//! the commit ([`Job::claim_commit`]): once claimed it is no longer cancelled, and the request
//! waits for it, so a timed-out request never leaves a batch committed behind its 503.

use std::sync::atomic::{AtomicU8, Ordering};
use std::sync::Arc;
use std::time::Instant;

const RUNNING: u8 = 0;
const CANCELLED: u8 = 1;
const COMMITTING: u8 = 2;

pub struct Job {
    state: AtomicU8,
    deadline: Instant,
}

impl Job {
    pub fn new(deadline: Instant) -> Job {
        Job {
            state: AtomicU8::new(RUNNING),
            deadline,
        }
    }

    /// Should the work stop now?
    pub fn stopped(&self) -> bool {
        self.state.load(Ordering::Acquire) == CANCELLED || Instant::now() >= self.deadline
    }

    /// The work is about to commit: true when it may (not cancelled, deadline not passed);
    /// from then on it cannot be cancelled.
    pub fn claim_commit(&self) -> bool {
        Instant::now() < self.deadline
            && self
                .state
                .compare_exchange(RUNNING, COMMITTING, Ordering::AcqRel, Ordering::Acquire)
                .is_ok()
    }

    /// Cancel unless the work is committing. True when it is cancelled now.
    pub fn cancel(&self) -> bool {
        match self
            .state
            .compare_exchange(RUNNING, CANCELLED, Ordering::AcqRel, Ordering::Acquire)
        {
            Ok(_) => true,
            Err(s) => s == CANCELLED,
        }
    }
}

/// Cancels its job when dropped: the request future was dropped or has given up.
pub struct CancelOnDrop(pub Arc<Job>);

impl Drop for CancelOnDrop {
    fn drop(&mut self) {
        self.0.cancel();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn a_claimed_commit_is_not_cancelled() {
        let j = Job::new(Instant::now() + Duration::from_secs(60));
        assert!(!j.stopped());
        assert!(j.claim_commit());
        assert!(!j.cancel());
        let j = Job::new(Instant::now() + Duration::from_secs(60));
        assert!(j.cancel());
        assert!(j.stopped());
        assert!(!j.claim_commit());
        let late = Job::new(Instant::now());
        assert!(late.stopped() && !late.claim_commit());
    }
}
