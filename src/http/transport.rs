//! HTTP for the client: reqwest's async client, driven on the calling
//! thread by a small runtime of that thread's own.
//!
//! reqwest's blocking client hands every request to a runtime thread and
//! waits for it to hand the answer back: two or more thread switches per
//! call. Here each thread that uses a client gets, once, a current-thread
//! runtime and a connection pool, and drives its requests itself (measured:
//! about a third less CPU per call, see BENCHMARKS.md).
//!
//! What follows from a runtime that runs only during calls is handled here:
//! - Between calls nobody reads the idle connections, so a close by the
//!   server (a restart, a load balancer's idle timeout) goes unseen. A
//!   request that follows an idle spell first lets the runtime look at its
//!   sockets once (`settle`), so the pool drops a closed connection instead
//!   of writing into it (see [`SETTLE_AFTER_IDLE`] for when).
//! - A call's deadline and its cancel token are watched on one timer per
//!   thread and client, moved from call to call (see `stop`): a new timer
//!   per call would wake the runtime's driver through its eventfd, a system
//!   call per call.
//! - After `fork()` the child shares the parent's sockets and epoll set.
//!   A child's first call sees a new fork generation and leaves everything
//!   it inherited untouched (leaked, never dropped, not even at exit:
//!   dropping would deregister the parent's sockets from the shared epoll
//!   set), then builds its own.
//! - A call may be cancelled from another thread: the request races the
//!   cancel token.
//!
//! Queued calls (see `http::background`) use one more pool per client,
//! driven by the background I/O thread's runtime, which never stops between
//! calls: they neither settle nor borrow a thread's timer. [`Io`] is what
//! both kinds of call send through, so the client's retry loop is written
//! once.
//!
//! A thread's part of a client is dropped when that thread frees the client,
//! at the thread's next call after another thread freed it, or when the
//! thread exits. Like any blocking client, it must not be called from inside
//! an async runtime (use `spawn_blocking` there).

use crate::http::cancel::{CancelToken, POLL_INTERVAL};
use reqwest::header::{HeaderName, HeaderValue};
use std::cell::RefCell;
use std::mem::ManuallyDrop;
use std::pin::Pin;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, Once, Weak};
use std::time::{Duration, Instant};
use tokio::time::Sleep;

/// How long this thread's connections to a client must have been idle
/// (since its last call on the client ended) before a call settles them.
/// A server closes an idle connection after its idle timeout, seconds in
/// practice (a load balancer's is a minute or more), never within a few
/// milliseconds of its last answer; calls closer together than this reuse
/// the connection unchecked. Above it, settling (two turns of the driver,
/// a few microseconds) costs at most a thousandth of the idle spell.
const SETTLE_AFTER_IDLE: Duration = Duration::from_millis(5);

/// Epoll events a calling thread's runtime takes per turn. A blocking call
/// has one connection busy at a time (a few idle ones at most), so a few
/// events always suffice; more ready ones are taken on the next turn.
const THREAD_IO_EVENTS: usize = 16;

type Build = dyn Fn() -> reqwest::Result<reqwest::Client> + Send + Sync;

/// Shared by every thread that uses one client.
pub struct Transport {
    id: u64,
    /// Over TLS a blocking call keeps SIGPIPE off its thread (see `http::sigpipe`).
    tls: bool,
    alive: Arc<()>,
    build: Box<Build>,
    /// The client built by `new`, for the first thread that calls.
    spare: Mutex<Option<reqwest::Client>>,
    /// The pool of the queued calls.
    queued: Mutex<Option<QueuedPool>>,
}

/// A client's pool of queued calls, and the I/O thread it was made for.
struct QueuedPool {
    forks: u64,
    generation: u64,
    http: reqwest::Client,
}

/// One thread's runtime and connection pool for one client.
struct Local {
    alive: Weak<()>,
    /// The fork generation it was made in; another one means a child process.
    forks: u64,
    /// The timer of this thread's calls and its idle clock; made with the
    /// runtime, dropped before it.
    clock: ManuallyDrop<Arc<ThreadClock>>,
    runtime: ManuallyDrop<tokio::runtime::Runtime>,
    http: ManuallyDrop<reqwest::Client>,
}

impl Drop for Local {
    fn drop(&mut self) {
        // In a forked child (even at its exit) the inherited sockets and
        // epoll set are the parent's too: leave them alone.
        if self.forks == FORKS.load(Ordering::Relaxed) {
            // SAFETY: dropped once, here, and never used again.
            unsafe {
                ManuallyDrop::drop(&mut self.clock);
                ManuallyDrop::drop(&mut self.http);
                ManuallyDrop::drop(&mut self.runtime);
            }
        }
    }
}

thread_local! {
    // A thread uses few clients: a short list beats a hashed map.
    static LOCAL: RefCell<Vec<(u64, Local)>> = const { RefCell::new(Vec::new()) };
}

/// An HTTP answer, read whole, with the headers the client looks at.
pub struct Answer {
    pub status: u16,
    pub retry_after: Option<String>,
    /// The `Legacy` header: the API version is legacy until this date.
    pub legacy: Option<String>,
    /// The `Deprecation` header: the API version is deprecated until this date.
    pub deprecation: Option<String>,
    pub body: Vec<u8>,
}

pub enum Failure {
    Http(reqwest::Error),
    Runtime(std::io::Error),
    /// No whole answer within the time the attempt was given.
    TimedOut,
    /// The cancel token fired while the request was in flight.
    Cancelled,
}

/// What a call's requests go through: a client's connection pool, on the
/// calling thread's runtime (a blocking call) or on the background I/O
/// thread (a queued call). The retry loop is written once against it.
pub struct Io {
    http: reqwest::Client,
    /// A blocking call's thread: its timer and idle clock. `None` for a
    /// queued call.
    thread: Option<Arc<ThreadClock>>,
}

/// One thread's timer and idle clock for one client (see `stop` and
/// [`SETTLE_AFTER_IDLE`]). Only its own thread uses it, one call at a time:
/// the locks are never contended, and never held across an await (which
/// keeps `Io`'s futures `Send` for the queued path).
struct ThreadClock {
    /// When this thread's last call on the client ended; `None` before its first.
    last_call_end: Mutex<Option<Instant>>,
    /// The timer of this thread's calls, lent to one call at a time.
    timer: Mutex<Option<Pin<Box<Sleep>>>>,
}

impl ThreadClock {
    /// Whether a call starting at `now` follows an idle spell.
    fn idle_at(&self, now: Instant) -> bool {
        lock(&self.last_call_end).is_some_and(|end| now.duration_since(end) >= SETTLE_AFTER_IDLE)
    }

    fn take_timer(&self) -> Option<Pin<Box<Sleep>>> {
        lock(&self.timer).take()
    }

    /// Returns the timer after a call, and marks when the call ended.
    fn put_back(&self, timer: Pin<Box<Sleep>>) {
        *lock(&self.timer) = Some(timer);
        *lock(&self.last_call_end) = Some(Instant::now());
    }
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(|p| p.into_inner())
}

impl Io {
    /// Posts `body` to `url` with `auth` as the Authorization header, and
    /// `author` as `X-Author-Id` when a creator's token acts as a bot.
    pub async fn post(
        &self,
        url: &reqwest::Url,
        body: &str,
        auth: &HeaderValue,
        author: Option<&HeaderValue>,
        timeout: Duration,
        cancel: Option<&CancelToken>,
    ) -> Result<Answer, Failure> {
        let started = Instant::now();
        // The I/O thread's runtime never stops, so its pool sees closes as
        // they come; a calling thread's runtime must look after an idle spell.
        let idle = self.thread.as_ref().is_some_and(|t| t.idle_at(started));
        let request = async {
            if idle {
                settle().await;
            }
            let mut request = self.http.post(url.clone()).header(reqwest::header::AUTHORIZATION, auth.clone());
            if let Some(author) = author {
                request = request.header(HeaderName::from_static("x-author-id"), author.clone());
            }
            let response = request.body(body.to_owned()).send().await?;
            // Names made once, not parsed per call (a parse also trips
            // valgrind on http's uninitialised scratch buffer).
            let header =
                |name: &HeaderName| response.headers().get(name).and_then(|v| v.to_str().ok()).map(str::to_owned);
            let retry_after = header(&reqwest::header::RETRY_AFTER);
            let legacy = header(&HeaderName::from_static("legacy"));
            let deprecation = header(&HeaderName::from_static("deprecation"));
            let status = response.status().as_u16();
            let body = response.bytes().await?.to_vec();
            Ok(Answer { status, retry_after, legacy, deprecation, body })
        };
        // A blocking call borrows its thread's timer (see `stop`); a queued
        // call, on the I/O thread that is always awake, makes its own.
        let mut timer =
            self.thread.as_ref().and_then(|t| t.take_timer()).unwrap_or_else(|| Box::pin(tokio::time::sleep(timeout)));
        let result = tokio::select! {
            biased;
            answer = request => answer.map_err(Failure::Http),
            failure = stop(timer.as_mut(), started + timeout, cancel) => Err(failure),
        };
        if let Some(thread) = &self.thread {
            thread.put_back(timer);
        }
        result
    }

    /// Waits `wait` between two attempts; a cancelled token ends it early.
    pub async fn pause(&self, wait: Duration, cancel: Option<&CancelToken>) -> Result<(), Failure> {
        match cancel {
            None => {
                tokio::time::sleep(wait).await;
                Ok(())
            }
            Some(token) => tokio::select! {
                _ = tokio::time::sleep(wait) => Ok(()),
                _ = token.cancelled() => Err(Failure::Cancelled),
            },
        }
    }

    /// Runs `f`, a user's callback that may block (the token provider): on
    /// the calling thread for a blocking call, as before; for a queued call
    /// on a blocking-pool thread, so that the I/O thread keeps serving the
    /// other calls meanwhile. A cancel stops the wait, not `f`.
    pub async fn blocking<T: Send + 'static>(
        &self,
        f: impl FnOnce() -> T + Send + 'static,
        cancel: Option<&CancelToken>,
    ) -> Result<T, Failure> {
        if self.thread.is_some() {
            return Ok(f());
        }
        let task = tokio::task::spawn_blocking(f);
        let joined = match cancel {
            None => task.await,
            Some(token) => tokio::select! {
                joined = task => joined,
                _ = token.cancelled() => return Err(Failure::Cancelled),
            },
        };
        joined.map_err(|e| Failure::Runtime(std::io::Error::other(e.to_string())))
    }
}

impl Transport {
    /// `build` makes a thread's reqwest client; it is tried once here so that
    /// a bad setting fails now, not at the first call.
    pub fn new(
        tls: bool,
        build: impl Fn() -> reqwest::Result<reqwest::Client> + Send + Sync + 'static,
    ) -> reqwest::Result<Self> {
        static NEXT: AtomicU64 = AtomicU64::new(1);
        let spare = Mutex::new(Some(build()?));
        Ok(Transport {
            id: NEXT.fetch_add(1, Ordering::Relaxed),
            tls,
            alive: Arc::new(()),
            build: Box::new(build),
            spare,
            queued: Mutex::new(None),
        })
    }

    /// Runs a call on this thread's runtime and connection pool, blocking
    /// until it ends: `call` gets the [`Io`] the call's requests go through.
    pub fn block_on<F: std::future::Future>(&self, call: impl FnOnce(Io) -> F) -> Result<F::Output, Failure> {
        let _sigpipe = if self.tls { crate::http::sigpipe::SigpipeBlocked::new() } else { None };
        self.with_local(|local| {
            let io = Io { http: (*local.http).clone(), thread: Some(Arc::clone(&local.clock)) };
            // Boxed: the call's future (several KiB of reqwest and hyper
            // state) is moved into the heap, not through the calling
            // thread's stack, whose touched pages stay in its RSS for good.
            Ok(local.runtime.block_on(Box::pin(call(io))))
        })
    }

    /// The connection pool of this client's queued calls (see
    /// `http::background`) for the I/O thread's start `generation`: made on
    /// first use, again after the thread was restarted (the old pool's
    /// connections went with the old thread), and in a forked child.
    pub fn queued_io(&self, generation: u64) -> Result<Io, Failure> {
        let forks = fork_generation();
        let mut pool = self.queued.lock().unwrap_or_else(|p| p.into_inner());
        match pool.as_ref() {
            Some(q) if q.forks == forks && q.generation == generation => return Ok(Io { http: q.http.clone(), thread: None }),
            // The parent's pool: its connections belong to the parent's I/O
            // thread, so it is left alone (leaked), never dropped here.
            Some(q) if q.forks != forks => std::mem::forget(pool.take()),
            _ => {}
        }
        let http = (self.build)().map_err(Failure::Http)?;
        *pool = Some(QueuedPool { forks, generation, http: http.clone() });
        Ok(Io { http, thread: None })
    }

    /// Runs `f` with this thread's part of the client, made on first use.
    fn with_local<T>(&self, f: impl FnOnce(&Local) -> Result<T, Failure>) -> Result<T, Failure> {
        LOCAL.with(|cell| {
            let mut locals = cell.borrow_mut();
            let forks = fork_generation();
            // Parts inherited from a parent process go (leaked, see `Local`),
            // and so do the clients freed since this thread last called
            // (their runtimes and idle connections with them).
            locals.retain(|(_, l)| l.forks == forks && l.alive.strong_count() > 0);
            let index = match locals.iter().position(|(id, _)| *id == self.id) {
                Some(i) => i,
                None => {
                    locals.push((self.id, self.local(forks)?));
                    locals.len() - 1
                }
            };
            f(&locals[index].1)
        })
    }

    fn local(&self, forks: u64) -> Result<Local, Failure> {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_io()
            .enable_time()
            // A calling thread's runtime watches its few connections: 1,024
            // epoll events (tokio's default, 12 KiB) would be kept per thread.
            .max_io_events_per_tick(THREAD_IO_EVENTS)
            .build()
            .map_err(Failure::Runtime)?;
        // The spare was built in the process that made the client: only a
        // client that never connected may cross a fork, and it never has.
        let spare = self.spare.lock().unwrap_or_else(|p| p.into_inner()).take();
        let http = match spare {
            Some(http) => http,
            None => (self.build)().map_err(Failure::Http)?,
        };
        // Its deadline is set by each call; it is registered at the first.
        let timer = {
            let _runtime = runtime.enter();
            Box::pin(tokio::time::sleep(Duration::ZERO))
        };
        Ok(Local {
            alive: Arc::downgrade(&self.alive),
            forks,
            clock: ManuallyDrop::new(Arc::new(ThreadClock {
                last_call_end: Mutex::new(None),
                timer: Mutex::new(Some(timer)),
            })),
            runtime: ManuallyDrop::new(runtime),
            http: ManuallyDrop::new(http),
        })
    }
}

/// Lets the runtime poll its sockets once before a request, so that the
/// connection tasks see a close that arrived while no call was running and
/// the pool stops offering that connection. The first yield polls the I/O
/// driver (waking the tasks of sockets that changed), the second lets those
/// tasks run before the request picks a connection.
async fn settle() {
    tokio::task::yield_now().await;
    tokio::task::yield_now().await;
}

/// Completes with why a call must stop: its `deadline` passed, or its
/// `cancel` token fired (looked at every [`POLL_INTERVAL`]).
///
/// It waits on the thread's one `timer`, moved to this call's next wake-up.
/// Tokio wakes its driver (a write to an eventfd) when a timer is set
/// earlier than the driver's next wake-up, as a timer made anew per call
/// always is; moved later, as it is from one call to the next in a loop, it
/// is only marked (no system call), and the driver finds the new time when
/// the old one comes.
async fn stop(mut timer: Pin<&mut Sleep>, deadline: Instant, cancel: Option<&CancelToken>) -> Failure {
    loop {
        if cancel.is_some_and(CancelToken::is_cancelled) {
            return Failure::Cancelled;
        }
        let now = Instant::now();
        if now >= deadline {
            return Failure::TimedOut;
        }
        let wake = if cancel.is_some() { deadline.min(now + POLL_INTERVAL) } else { deadline };
        timer.as_mut().reset(wake.into());
        timer.as_mut().await;
    }
}

static FORKS: AtomicU64 = AtomicU64::new(0);

extern "C" fn count_fork_in_child() {
    FORKS.fetch_add(1, Ordering::Relaxed);
}

/// How many forks this process descends from since the library first made
/// a runtime (the counter is bumped in each child).
pub(crate) fn fork_generation() -> u64 {
    static REGISTER: Once = Once::new();
    REGISTER.call_once(|| {
        // SAFETY: the handler only increments an atomic, which is
        // async-signal-safe as a fork handler must be.
        unsafe {
            libc::pthread_atfork(None, None, Some(count_fork_in_child));
        }
    });
    FORKS.load(Ordering::Relaxed)
}

impl Drop for Transport {
    fn drop(&mut self) {
        // This thread's part goes now; other threads' at their next call or
        // exit. A part inherited through fork is never dropped (see above).
        let _ = LOCAL.try_with(|cell| cell.borrow_mut().retain(|(id, _)| *id != self.id));
        let queued = self.queued.get_mut().unwrap_or_else(|p| p.into_inner());
        if queued.as_ref().is_some_and(|q| q.forks != fork_generation()) {
            std::mem::forget(queued.take());
        }
    }
}
