//! An offline emulator of the Bot Agents Configuration API: an HTTP server
//! on 127.0.0.1 that answers like the real API, with fault injection and a
//! request log. Tests, examples and benchmarks run against it.

pub mod config;
pub mod faults;
pub mod log;
pub mod server;
pub mod store;

pub use config::{EmulatorConfig, TokenGrant, DEV_CLIENT_ID, DEV_TOKEN};
pub use faults::Fault;

use crate::error::{Error, ErrorCode, Result};
use hyper_util::rt::TokioIo;
use log::RequestLog;
use serde_json::{json, Value};
use server::{lock, Shared};
use std::collections::VecDeque;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use store::Store;

/// A running emulator. Stopped by [`Emulator::stop`] or on drop.
pub struct Emulator {
    url: String,
    shared: Arc<Shared>,
    shutdown: tokio::sync::watch::Sender<bool>,
    runtime: Option<tokio::runtime::Runtime>,
}

impl std::fmt::Debug for Emulator {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Emulator").field("url", &self.url).finish_non_exhaustive()
    }
}

impl Emulator {
    /// Binds 127.0.0.1 (on `config.port`, or a free port for 0) and serves
    /// on a runtime of its own.
    pub fn start(config: EmulatorConfig) -> Result<Emulator> {
        let transport = |what: &str, e: std::io::Error| Error::new(ErrorCode::Transport, format!("emulator: {what}: {e}"));
        let listener = std::net::TcpListener::bind(("127.0.0.1", config.port)).map_err(|e| transport("cannot bind", e))?;
        listener.set_nonblocking(true).map_err(|e| transport("cannot configure the socket", e))?;
        let url = format!("http://{}", listener.local_addr().map_err(|e| transport("no local address", e))?);

        let mut store = Store::default();
        let owner = config.tokens.first().map(|t| t.client_id.clone()).unwrap_or_default();
        for bot in config.bots {
            store.insert(bot, &owner);
        }
        let shared = Arc::new(Shared {
            store: Mutex::new(store),
            faults: Mutex::new(config.faults.into_iter().collect::<VecDeque<_>>()),
            log: Mutex::new(RequestLog::new(config.log_limit)),
            tokens: config.tokens,
        });

        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .thread_name("lcbot-emulator")
            .enable_io()
            .enable_time()
            .build()
            .map_err(|e| transport("cannot start its runtime", e))?;
        let listener = {
            let _entered = runtime.enter();
            tokio::net::TcpListener::from_std(listener).map_err(|e| transport("cannot register the socket", e))?
        };
        let (shutdown, stopped) = tokio::sync::watch::channel(false);
        runtime.spawn(accept_loop(listener, shared.clone(), stopped));
        Ok(Emulator { url, shared, shutdown, runtime: Some(runtime) })
    }

    /// The base URL to give a client, e.g. `http://127.0.0.1:41234`.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// Queues a fault; returns how many faults are pending.
    pub fn inject(&self, fault: Fault) -> usize {
        let mut faults = lock(&self.shared.faults);
        faults.push_back(fault);
        faults.len()
    }

    /// [`Emulator::inject`] from a fault document; answers `{"pending_faults": N}`.
    pub fn inject_json(&self, fault_json: &str) -> Result<String> {
        let pending = self.inject(Fault::from_json(fault_json)?);
        Ok(json!({ "pending_faults": pending }).to_string())
    }

    /// Every logged request (the newest `log_limit`), oldest first.
    pub fn requests(&self) -> Vec<Value> {
        lock(&self.shared.log).all()
    }

    /// `{"requests": [...]}`.
    pub fn requests_json(&self) -> String {
        json!({ "requests": self.requests() }).to_string()
    }

    /// The bots now held, in the details shape.
    pub fn bots(&self) -> Vec<Value> {
        lock(&self.shared.store).snapshot()
    }

    /// Stops serving and waits (briefly) for the runtime's threads.
    pub fn stop(mut self) {
        self.shut_down();
    }

    fn shut_down(&mut self) {
        let _ = self.shutdown.send(true);
        if let Some(runtime) = self.runtime.take() {
            runtime.shutdown_timeout(Duration::from_secs(2));
        }
    }
}

impl Drop for Emulator {
    fn drop(&mut self) {
        self.shut_down();
    }
}

async fn accept_loop(
    listener: tokio::net::TcpListener,
    shared: Arc<Shared>,
    mut stopped: tokio::sync::watch::Receiver<bool>,
) {
    loop {
        tokio::select! {
            accepted = listener.accept() => {
                let Ok((stream, _)) = accepted else { continue };
                let _ = stream.set_nodelay(true);
                let shared = shared.clone();
                tokio::spawn(async move {
                    let service = hyper::service::service_fn(move |req| server::handle(req, shared.clone()));
                    let _ = hyper::server::conn::http1::Builder::new()
                        .keep_alive(true)
                        .serve_connection(TokioIo::new(stream), service)
                        .await;
                });
            }
            _ = stopped.changed() => break,
        }
    }
}
