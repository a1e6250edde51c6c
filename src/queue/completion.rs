//! The completion queue: submitted calls run on the background I/O thread
//! and their results wait here, in the order they ended, until drained.

use crate::agent_chat::bot::Bot;
use crate::error::{Error, ErrorCode, Result};
use crate::http::background::Lease;
use crate::http::cancel::{CallOptions, CancelToken};
use crate::http::client::Client;
use crate::http::transport::fork_generation;
use crate::queue::operation::Call;
use std::collections::VecDeque;
use std::os::fd::{AsFd, AsRawFd, BorrowedFd, FromRawFd, OwnedFd};
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::time::{Duration, Instant};

/// A completion queue: submit calls with a tag, drain their
/// [`Completion`]s. `&Queue` may be used from many threads at once.
/// Dropping it cancels the calls still in flight and waits for them to end
/// (each within about 10 ms of its cancel, or when a token provider it is
/// waiting for returns); their results are dropped.
///
/// ```no_run
/// use livechat_bots::{CallOptions, Client, ClientConfig, Queue};
/// use std::sync::Arc;
/// let client = Arc::new(Client::new(ClientConfig::new("my-token"))?);
/// let queue = Queue::new()?;
/// for tag in 0..100 {
///     queue.submit_client(tag, &client, "get_bot_agents", "{}", CallOptions::default())?;
/// }
/// while queue.in_flight() > 0 {
///     if let Some(done) = queue.next(None) {
///         println!("{}: {:?}", done.tag, done.result);
///     }
/// }
/// # Ok::<(), livechat_bots::Error>(())
/// ```
#[derive(Debug)]
pub struct Queue {
    shared: Arc<Shared>,
    /// Keeps the I/O thread running while the queue exists; dropped after
    /// the calls in flight have ended.
    lease: Lease,
}

/// A call that ended: its tag, and its answer (the document its blocking
/// call returns) or its error.
#[derive(Debug)]
pub struct Completion {
    /// The tag the call was submitted with.
    pub tag: u64,
    /// The answer's JSON text, or the error the blocking call would give.
    pub result: Result<String>,
}

#[derive(Debug)]
struct Shared {
    state: Mutex<State>,
    /// Signalled when a completion arrives and when the last call ends.
    changed: Condvar,
    /// Readable while completions wait (an eventfd).
    ready: OwnedFd,
    /// Fired when the queue is dropped: cancels every call in flight.
    closing: CancelToken,
    /// The fork generation the queue was made in (see [`Queue::submit_client`]).
    made_in: u64,
}

#[derive(Debug, Default)]
struct State {
    done: VecDeque<Completion>,
    in_flight: usize,
}

impl Queue {
    /// A queue with nothing in flight. Fails only when the process is out
    /// of file descriptors or threads.
    pub fn new() -> Result<Queue> {
        // SAFETY: plain system call; the fd is owned below.
        let fd = unsafe { libc::eventfd(0, libc::EFD_CLOEXEC | libc::EFD_NONBLOCK) };
        if fd < 0 {
            let why = std::io::Error::last_os_error();
            return Err(Error::new(ErrorCode::Transport, format!("cannot make the queue's eventfd: {why}")));
        }
        // SAFETY: a new fd nothing else owns.
        let ready = unsafe { OwnedFd::from_raw_fd(fd) };
        let shared = Shared {
            state: Mutex::default(),
            changed: Condvar::new(),
            ready,
            closing: CancelToken::new(),
            made_in: fork_generation(),
        };
        let lease = Lease::take().map_err(|e| Error::new(ErrorCode::Transport, format!("cannot start the I/O thread: {e}")))?;
        Ok(Queue { shared: Arc::new(shared), lease })
    }

    /// The fd that is readable while completions wait: poll it, then drain
    /// with [`Queue::next`] (timeout zero) until it gives `None`. Owned by
    /// the queue: do not close it.
    pub fn fd(&self) -> BorrowedFd<'_> {
        self.shared.ready.as_fd()
    }

    /// Submits `operation` on `client` (`get_bot_agent_details`,
    /// `issue_bot_token`, `call:ACTION`, ...: see the README) with its
    /// request document and options; exactly one [`Completion`] with `tag`
    /// will follow. An unknown operation or a request that is not JSON
    /// fails here; any other error comes as the completion, the same error
    /// the blocking call gives. A queue made before `fork()` takes no calls
    /// in the child: make a new one there.
    pub fn submit_client(&self, tag: u64, client: &Arc<Client>, operation: &str, request_json: &str, options: CallOptions) -> Result<()> {
        self.submit(tag, Call::on_client(client, operation, request_json)?, options)
    }

    /// [`Queue::submit_client`] as a bot: `send_event`, `list_chats`, any
    /// other bot call, or `call:ACTION`.
    pub fn submit_bot(&self, tag: u64, bot: &Arc<Bot>, operation: &str, request_json: &str, options: CallOptions) -> Result<()> {
        self.submit(tag, Call::on_bot(bot, operation, request_json)?, options)
    }

    fn submit(&self, tag: u64, call: Call, options: CallOptions) -> Result<()> {
        if self.shared.made_in != fork_generation() {
            return Err(Error::validation("queue: made before fork() by the parent process; make a new queue in the child"));
        }
        let io = call.client().queued_io(self.lease.generation())?;
        let cancel = CancelToken::joined(options.cancel.iter().chain([&self.shared.closing]));
        let options = CallOptions { cancel: Some(cancel), ..options };
        self.shared.lock().in_flight += 1;
        let pending = Pending { shared: Some(self.shared.clone()), tag };
        let job = async move {
            let result = call.run(&options, &io).await;
            // The call's handles go before the completion is seen, so that
            // nothing of it is left once the queue has drained.
            drop((call, io, options));
            pending.complete(result);
        };
        self.lease.spawn(job);
        Ok(())
    }

    /// The next completion, in the order the calls ended: waits up to
    /// `timeout` (`None`: until one comes; zero: only looks). `None` when
    /// none came in time, or when no call is in flight.
    pub fn next(&self, timeout: Option<Duration>) -> Option<Completion> {
        let deadline = timeout.and_then(|t| Instant::now().checked_add(t));
        let mut state = self.shared.lock();
        loop {
            if let Some(completion) = state.done.pop_front() {
                if state.done.is_empty() {
                    self.shared.drain_ready();
                }
                return Some(completion);
            }
            // Nothing to wait for (in a forked child, the parent's calls
            // never end here).
            if state.in_flight == 0 || self.shared.made_in != fork_generation() {
                return None;
            }
            state = match deadline {
                None => self.shared.changed.wait(state).unwrap_or_else(|p| p.into_inner()),
                Some(deadline) => {
                    let left = deadline.saturating_duration_since(Instant::now());
                    if left.is_zero() {
                        return None;
                    }
                    self.shared.changed.wait_timeout(state, left).unwrap_or_else(|p| p.into_inner()).0
                }
            };
        }
    }

    /// Calls submitted and not yet drained: in flight, or waiting in the queue.
    pub fn in_flight(&self) -> usize {
        let state = self.shared.lock();
        if self.shared.made_in != fork_generation() {
            return state.done.len();
        }
        state.in_flight + state.done.len()
    }
}

impl Drop for Queue {
    fn drop(&mut self) {
        // In a forked child the parent's calls are the parent's: nothing to wait for.
        if self.shared.made_in != fork_generation() {
            return;
        }
        self.shared.closing.cancel();
        let mut state = self.shared.lock();
        while state.in_flight > 0 {
            state = self.shared.changed.wait(state).unwrap_or_else(|p| p.into_inner());
        }
        state.done.clear();
    }
}

impl Shared {
    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Turns the eventfd readable (called with the state locked, as the
    /// first completion arrives).
    fn signal_ready(&self) {
        let one: u64 = 1;
        // SAFETY: writes 8 bytes from a live u64 to our own eventfd.
        unsafe { libc::write(self.ready.as_raw_fd(), (&one as *const u64).cast(), 8) };
    }

    /// Turns the eventfd unreadable (called with the state locked, as the
    /// last waiting completion is taken).
    fn drain_ready(&self) {
        let mut count: u64 = 0;
        // SAFETY: reads 8 bytes into a live u64 from our own non-blocking eventfd.
        unsafe { libc::read(self.ready.as_raw_fd(), (&mut count as *mut u64).cast(), 8) };
    }
}

/// A call in flight: completes it when the call ends, or with a panic
/// error if the task is dropped before (a panic in the call).
struct Pending {
    /// Taken by `complete`; still here at drop when the call never ended.
    shared: Option<Arc<Shared>>,
    tag: u64,
}

impl Pending {
    fn complete(mut self, result: Result<String>) {
        if let Some(shared) = self.shared.take() {
            finish(&shared, self.tag, result);
        }
    }
}

impl Drop for Pending {
    fn drop(&mut self) {
        if let Some(shared) = self.shared.take() {
            let error = Error::new(ErrorCode::Panic, "internal error: the queued call ended without an answer");
            finish(&shared, self.tag, Err(error));
        }
    }
}

/// Puts a call's completion in the queue (or drops it when the queue is
/// closing) and wakes whoever waits.
fn finish(shared: &Shared, tag: u64, result: Result<String>) {
    let mut state = shared.lock();
    state.in_flight -= 1;
    if !shared.closing.is_cancelled() {
        if state.done.is_empty() {
            shared.signal_ready();
        }
        state.done.push_back(Completion { tag, result });
    }
    drop(state);
    shared.changed.notify_all();
}
