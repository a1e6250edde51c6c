//! Cancelling a call in flight from another thread, a signal handler or a
//! Go context.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

/// How often a call in flight looks at its token: the longest a cancelled
/// call may go on. A plain atomic (no lock, no wake-up) is what keeps
/// [`CancelToken::cancel`] safe to call from a signal handler.
pub(crate) const POLL_INTERVAL: Duration = Duration::from_millis(10);

/// A flag shared by the caller and the calls it passes it to. Cloning shares
/// the flag. Once cancelled it stays cancelled.
#[derive(Debug, Clone, Default)]
pub struct CancelToken {
    flag: Arc<AtomicBool>,
    /// The flags of the tokens this one was joined from (a queued call's
    /// own token, its queue's and its handle's): any of them cancels it.
    joined: Vec<Arc<AtomicBool>>,
}

impl CancelToken {
    /// A token not cancelled yet.
    pub fn new() -> Self {
        Self::default()
    }

    /// Makes every call using this token return `ErrorCode::Cancelled`
    /// promptly. One atomic store: async-signal-safe.
    pub fn cancel(&self) {
        self.flag.store(true, Ordering::Release);
    }

    /// Whether [`CancelToken::cancel`] was called (on this token, or on one
    /// it was joined from).
    pub fn is_cancelled(&self) -> bool {
        self.flag.load(Ordering::Acquire) || self.joined.iter().any(|f| f.load(Ordering::Acquire))
    }

    /// A token cancelled when any of `tokens` is.
    pub(crate) fn joined<'a>(tokens: impl IntoIterator<Item = &'a CancelToken>) -> CancelToken {
        let mut joined = Vec::new();
        for token in tokens {
            joined.push(token.flag.clone());
            joined.extend(token.joined.iter().cloned());
        }
        CancelToken { flag: Arc::default(), joined }
    }

    /// Completes once the token is cancelled.
    pub(crate) async fn cancelled(&self) {
        while !self.is_cancelled() {
            tokio::time::sleep(POLL_INTERVAL).await;
        }
    }
}

/// Settings of one call that override the client's.
#[derive(Debug, Clone, Default)]
pub struct CallOptions {
    /// The budget of this whole call, retries included (the client's `timeout` when `None`).
    pub timeout: Option<Duration>,
    /// The most one attempt may take (the client's `attempt_timeout` when `None`).
    pub attempt_timeout: Option<Duration>,
    /// A token whose cancel ends the call early (`Cancelled`).
    pub cancel: Option<CancelToken>,
}
