//! The background I/O thread of queued calls: one current-thread runtime
//! for the whole process, running while a queue exists (started by the
//! first, stopped and joined when the last is freed, so that nothing of it
//! outlives the queues). It drives every queued call and every client's
//! queued-call pool. A user's callback that may block (the token provider)
//! runs on its blocking pool instead (`Io::blocking`), so the thread keeps
//! serving the other calls.
//!
//! After `fork()` the child has the parent's memory but none of its
//! threads: a child's first queue sees a new fork generation, leaves the
//! parent's runtime untouched (leaked: its sockets and epoll set are the
//! parent's too) and starts its own thread.

use crate::http::transport::fork_generation;
use std::future::Future;
use std::sync::Mutex;
use std::time::Duration;
use tokio::runtime::{Builder, Handle};

/// Threads the provider of queued calls may run on at once. Providers of
/// one client already take turns; two lets another client's go on.
const BLOCKING_THREADS: usize = 2;

/// How long stopping waits for a token provider still running.
const STOP_GRACE: Duration = Duration::from_secs(5);

/// The running I/O thread, if any.
static BACKGROUND: Mutex<Option<Running>> = Mutex::new(None);

struct Running {
    /// The fork generation it was started in.
    forks: u64,
    /// Which start of the thread this is: a pool made for an earlier one
    /// is not used with this one.
    generation: u64,
    handle: Handle,
    /// The queues alive; the last one's lease stops the thread.
    leases: usize,
    stop: tokio::sync::oneshot::Sender<()>,
    thread: std::thread::JoinHandle<()>,
}

/// A queue's hold on the I/O thread: the thread runs while one exists.
#[derive(Debug)]
pub(crate) struct Lease {
    forks: u64,
    generation: u64,
    handle: Handle,
}

impl Lease {
    /// Takes a lease, starting the thread when none runs (in this process).
    pub(crate) fn take() -> std::io::Result<Lease> {
        static STARTS: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
        let forks = fork_generation();
        let mut background = BACKGROUND.lock().unwrap_or_else(|p| p.into_inner());
        match background.as_mut() {
            Some(running) if running.forks == forks => {
                running.leases += 1;
                return Ok(Lease { forks, generation: running.generation, handle: running.handle.clone() });
            }
            Some(_) => std::mem::forget(background.take()),
            None => {}
        }
        let runtime = Builder::new_current_thread()
            .enable_io()
            .enable_time()
            .max_blocking_threads(BLOCKING_THREADS)
            .thread_name("lcbot-blocking")
            // The library's own threads keep SIGPIPE off for good (see `http::sigpipe`).
            .on_thread_start(crate::http::sigpipe::block_on_this_thread)
            .build()?;
        let handle = runtime.handle().clone();
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let thread = std::thread::Builder::new().name("lcbot-io".into()).spawn(move || {
            crate::http::sigpipe::block_on_this_thread();
            let _ = runtime.block_on(stopped);
            runtime.shutdown_timeout(STOP_GRACE);
        })?;
        let generation = STARTS.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        *background = Some(Running { forks, generation, handle: handle.clone(), leases: 1, stop, thread });
        Ok(Lease { forks, generation, handle })
    }

    /// Which start of the I/O thread this lease holds.
    pub(crate) fn generation(&self) -> u64 {
        self.generation
    }

    /// Runs `task` on the I/O thread.
    pub(crate) fn spawn(&self, task: impl Future<Output = ()> + Send + 'static) {
        self.handle.spawn(task);
    }
}

impl Drop for Lease {
    fn drop(&mut self) {
        // A lease inherited through fork holds the parent's thread: left alone.
        if self.forks != fork_generation() {
            return;
        }
        let mut background = BACKGROUND.lock().unwrap_or_else(|p| p.into_inner());
        let last = match background.as_mut() {
            Some(running) if running.generation == self.generation => {
                running.leases -= 1;
                running.leases == 0
            }
            _ => false,
        };
        let running = if last { background.take() } else { None };
        drop(background);
        if let Some(running) = running {
            let _ = running.stop.send(());
            // Freed from the I/O thread itself (a callback's last reference):
            // it stops on its own once this task returns.
            if running.thread.thread().id() != std::thread::current().id() {
                let _ = running.thread.join();
            }
        }
    }
}
