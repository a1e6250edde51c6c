//! HTTP for the client: reqwest's async client, driven on the calling
//! thread by a small runtime of that thread's own.
//!
//! reqwest's blocking client hands every request to a runtime thread and
//! waits for it to hand the answer back: two or more thread switches per
//! call. Here each thread that uses a client gets, once, a current-thread
//! runtime and a connection pool, and drives its requests itself (measured:
//! about a third less CPU per call, see BENCHMARKS.md).
//!
//! A thread's part of a client is dropped when that thread frees the client,
//! at the thread's next call after another thread freed it, or when the
//! thread exits. Like any blocking client, it must not be called from inside
//! an async runtime (use `spawn_blocking` there).

use std::cell::RefCell;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, Weak};
use std::time::Duration;

type Build = dyn Fn() -> reqwest::Result<reqwest::Client> + Send + Sync;

/// Shared by every thread that uses one client.
pub struct Transport {
    id: u64,
    alive: Arc<()>,
    build: Box<Build>,
    /// The client built by `new`, for the first thread that calls.
    spare: Mutex<Option<reqwest::Client>>,
}

/// One thread's runtime and connection pool for one client.
struct Local {
    alive: Weak<()>,
    runtime: tokio::runtime::Runtime,
    http: reqwest::Client,
}

thread_local! {
    // A thread uses few clients: a short list beats a hashed map.
    static LOCAL: RefCell<Vec<(u64, Local)>> = const { RefCell::new(Vec::new()) };
}

/// An HTTP answer, read whole.
pub struct Answer {
    pub status: u16,
    pub retry_after: Option<String>,
    pub body: Vec<u8>,
}

pub enum Failure {
    Http(reqwest::Error),
    Runtime(std::io::Error),
}

impl Transport {
    /// `build` makes a thread's reqwest client; it is tried once here so that
    /// a bad setting fails now, not at the first call.
    pub fn new(build: impl Fn() -> reqwest::Result<reqwest::Client> + Send + Sync + 'static) -> reqwest::Result<Self> {
        static NEXT: AtomicU64 = AtomicU64::new(1);
        let spare = Mutex::new(Some(build()?));
        Ok(Transport { id: NEXT.fetch_add(1, Ordering::Relaxed), alive: Arc::new(()), build: Box::new(build), spare })
    }

    pub fn post(&self, url: reqwest::Url, body: &str, timeout: Duration) -> Result<Answer, Failure> {
        LOCAL.with(|cell| {
            let mut locals = cell.borrow_mut();
            // Forget the clients freed since this thread last called (their
            // runtimes and idle connections go with them).
            locals.retain(|(_, l)| l.alive.strong_count() > 0);
            let index = match locals.iter().position(|(id, _)| *id == self.id) {
                Some(i) => i,
                None => {
                    locals.push((self.id, self.local()?));
                    locals.len() - 1
                }
            };
            let local = &locals[index].1;
            local
                .runtime
                .block_on(async {
                    let response = local.http.post(url).timeout(timeout).body(body.to_owned()).send().await?;
                    let status = response.status().as_u16();
                    let retry_after = response
                        .headers()
                        .get(reqwest::header::RETRY_AFTER)
                        .and_then(|v| v.to_str().ok())
                        .map(str::to_owned);
                    let body = response.bytes().await?.to_vec();
                    Ok(Answer { status, retry_after, body })
                })
                .map_err(Failure::Http)
        })
    }
}

impl Transport {
    fn local(&self) -> Result<Local, Failure> {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_io()
            .enable_time()
            .build()
            .map_err(Failure::Runtime)?;
        let spare = self.spare.lock().unwrap_or_else(|p| p.into_inner()).take();
        let http = match spare {
            Some(http) => http,
            None => (self.build)().map_err(Failure::Http)?,
        };
        Ok(Local { alive: Arc::downgrade(&self.alive), runtime, http })
    }
}

impl Drop for Transport {
    fn drop(&mut self) {
        // This thread's part goes now; other threads' at their next call or exit.
        let _ = LOCAL.try_with(|cell| cell.borrow_mut().retain(|(id, _)| *id != self.id));
    }
}
