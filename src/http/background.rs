//! The background I/O thread of queued calls: one current-thread runtime
//! for the whole process, started by the first submit, that drives every
//! queued call and every client's queued-call pool. A user's callback that
//! may block (the token provider) runs on its blocking pool instead
//! (`Io::blocking`), so the thread keeps serving the other calls.
//!
//! After `fork()` the child has the parent's memory but none of its
//! threads: a child's first submit sees a new fork generation, leaves the
//! parent's runtime untouched (leaked: its sockets and epoll set are the
//! parent's too) and starts its own thread.

use crate::http::transport::fork_generation;
use std::future::Future;
use std::sync::Mutex;
use tokio::runtime::{Builder, Handle};

/// Threads the provider of queued calls may run on at once. Providers of
/// one client already take turns; two lets another client's go on.
const BLOCKING_THREADS: usize = 2;

/// The I/O thread's runtime, and the fork generation it was started in.
static BACKGROUND: Mutex<Option<(u64, Handle)>> = Mutex::new(None);

/// Runs `task` on the I/O thread, started if this process has none yet.
pub(crate) fn spawn(task: impl Future<Output = ()> + Send + 'static) -> std::io::Result<()> {
    handle()?.spawn(task);
    Ok(())
}

fn handle() -> std::io::Result<Handle> {
    let forks = fork_generation();
    let mut background = BACKGROUND.lock().unwrap_or_else(|p| p.into_inner());
    match background.as_ref() {
        Some((started_in, handle)) if *started_in == forks => return Ok(handle.clone()),
        Some(_) => std::mem::forget(background.take()),
        None => {}
    }
    let runtime = Builder::new_current_thread()
        .enable_io()
        .enable_time()
        .max_blocking_threads(BLOCKING_THREADS)
        .thread_name("lcbot-blocking")
        .build()?;
    let handle = runtime.handle().clone();
    // The thread runs for the rest of the process: queued calls may be
    // submitted at any time, and starting it again costs a thread spawn.
    std::thread::Builder::new().name("lcbot-io".into()).spawn(move || runtime.block_on(std::future::pending::<()>()))?;
    *background = Some((forks, handle.clone()));
    Ok(handle)
}
