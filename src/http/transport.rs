//! HTTP for the client: reqwest's async client, driven on the calling
//! thread by a small runtime of that thread's own.
//!
//! reqwest's blocking client hands every request to a runtime thread and
//! waits for it to hand the answer back: two or more thread switches per
//! call. Here each thread that uses a client gets, once, a current-thread
//! runtime and a connection pool, and drives its requests itself (measured:
//! about a third less CPU per call, see BENCHMARKS.md).
//!
//! Three things follow from a runtime that runs only during calls, and are
//! handled here:
//! - Between calls nobody reads the idle connections, so a close by the
//!   server (a restart, a load balancer's idle timeout) goes unseen. Each
//!   request first lets the runtime look at its sockets once (`settle`), so
//!   the pool drops a closed connection instead of writing into it.
//! - After `fork()` the child shares the parent's sockets and epoll set.
//!   A child's first call sees a new fork generation and leaves everything
//!   it inherited untouched (leaked, never dropped, not even at exit:
//!   dropping would deregister the parent's sockets from the shared epoll
//!   set), then builds its own.
//! - A call may be cancelled from another thread: the request races the
//!   cancel token.
//!
//! Queued calls (see `http::background`) use one more pool per client,
//! driven by the background I/O thread's runtime; [`Io`] is what both kinds
//! of call send through, so the client's retry loop is written once.
//!
//! A thread's part of a client is dropped when that thread frees the client,
//! at the thread's next call after another thread freed it, or when the
//! thread exits. Like any blocking client, it must not be called from inside
//! an async runtime (use `spawn_blocking` there).

use crate::http::cancel::CancelToken;
use reqwest::header::{HeaderName, HeaderValue};
use std::cell::RefCell;
use std::mem::ManuallyDrop;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, Once, Weak};
use std::time::Duration;

type Build = dyn Fn() -> reqwest::Result<reqwest::Client> + Send + Sync;

/// Shared by every thread that uses one client.
pub struct Transport {
    id: u64,
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
    /// The cancel token fired while the request was in flight.
    Cancelled,
}

/// What a call's requests go through: a client's connection pool, on the
/// calling thread's runtime (a blocking call) or on the background I/O
/// thread (a queued call). The retry loop is written once against it.
pub struct Io {
    http: reqwest::Client,
    queued: bool,
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
        let request = async {
            // The I/O thread's runtime never stops, so its pool sees closes
            // as they come; a calling thread's runtime must look first.
            if !self.queued {
                settle().await;
            }
            let mut request = self.http.post(url.clone()).header(reqwest::header::AUTHORIZATION, auth.clone());
            if let Some(author) = author {
                request = request.header(HeaderName::from_static("x-author-id"), author.clone());
            }
            let response = request.timeout(timeout).body(body.to_owned()).send().await?;
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
        match cancel {
            None => request.await.map_err(Failure::Http),
            Some(token) => tokio::select! {
                answer = request => answer.map_err(Failure::Http),
                _ = token.cancelled() => Err(Failure::Cancelled),
            },
        }
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
        if !self.queued {
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
    pub fn new(build: impl Fn() -> reqwest::Result<reqwest::Client> + Send + Sync + 'static) -> reqwest::Result<Self> {
        static NEXT: AtomicU64 = AtomicU64::new(1);
        let spare = Mutex::new(Some(build()?));
        Ok(Transport {
            id: NEXT.fetch_add(1, Ordering::Relaxed),
            alive: Arc::new(()),
            build: Box::new(build),
            spare,
            queued: Mutex::new(None),
        })
    }

    /// Runs a call on this thread's runtime and connection pool, blocking
    /// until it ends: `call` gets the [`Io`] the call's requests go through.
    pub fn block_on<F: std::future::Future>(&self, call: impl FnOnce(Io) -> F) -> Result<F::Output, Failure> {
        self.with_local(|local| Ok(local.runtime.block_on(call(Io { http: (*local.http).clone(), queued: false }))))
    }

    /// The connection pool of this client's queued calls (see
    /// `http::background`) for the I/O thread's start `generation`: made on
    /// first use, again after the thread was restarted (the old pool's
    /// connections went with the old thread), and in a forked child.
    pub fn queued_io(&self, generation: u64) -> Result<Io, Failure> {
        let forks = fork_generation();
        let mut pool = self.queued.lock().unwrap_or_else(|p| p.into_inner());
        match pool.as_ref() {
            Some(q) if q.forks == forks && q.generation == generation => return Ok(Io { http: q.http.clone(), queued: true }),
            // The parent's pool: its connections belong to the parent's I/O
            // thread, so it is left alone (leaked), never dropped here.
            Some(q) if q.forks != forks => std::mem::forget(pool.take()),
            _ => {}
        }
        let http = (self.build)().map_err(Failure::Http)?;
        *pool = Some(QueuedPool { forks, generation, http: http.clone() });
        Ok(Io { http, queued: true })
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
            .build()
            .map_err(Failure::Runtime)?;
        // The spare was built in the process that made the client: only a
        // client that never connected may cross a fork, and it never has.
        let spare = self.spare.lock().unwrap_or_else(|p| p.into_inner()).take();
        let http = match spare {
            Some(http) => http,
            None => (self.build)().map_err(Failure::Http)?,
        };
        Ok(Local { alive: Arc::downgrade(&self.alive), forks, runtime: ManuallyDrop::new(runtime), http: ManuallyDrop::new(http) })
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
