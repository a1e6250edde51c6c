//! An offline emulator of the Bot Agents Configuration API and of the Agent
//! Chat Web API as bots use it: an HTTP server on 127.0.0.1 that answers
//! like the real APIs, with chats a test plays the customer of, routing,
//! fault injection and a request log. Tests, examples and benchmarks run
//! against it.
//!
//! Layout, as LiveChat's map; imports flow down this list, never up:
//! - this file (the [`Emulator`] handle) → `server` (connections, routing,
//!   faults, the request log) → one handler per API: `configuration`,
//!   `agent_chat`, and `console` (the web console); beside them `control`
//!   (the calls the handle and the console share) and `delivery` (sending);
//! - `state` (what handlers share), `store` (the license's state), then the
//!   leaves under them: `delivery_log`, `outbox` (planning deliveries),
//!   `chats`, `auth`, `failure`, `config`, `bot_tokens`, `webhooks`,
//!   `faults`, `log`, `clock`.

mod agent_chat;
mod auth;
mod bot_tokens;
mod chat_talk;
mod chats;
mod clock;
mod config;
mod configuration;
mod console;
mod control;
mod conversation;
mod delivery;
mod delivery_log;
mod failure;
mod faults;
mod human_seat;
mod humans;
mod log;
mod outbox;
mod players;
mod postback;
mod server;
mod state;
mod store;
mod tls;
mod template_api;
mod templates;
mod webhooks;

pub use config::{DeliveryConfig, EmulatorConfig, RetiringStage, TokenGrant};
pub use faults::Fault;
pub use tls::TlsOptions;

use crate::error::{Error, ErrorCode, Result};
use delivery_log::DeliveryLog;
use log::RequestLog;
use serde_json::Value;
use state::{lock, Shared};
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
    /// The CA clients trust, when the emulator speaks TLS.
    ca_pem: Option<String>,
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
        let tls = config.tls.as_ref().map(tls::make).transpose()?;
        let scheme = if tls.is_some() { "https" } else { "http" };
        let url = format!("{scheme}://{}", listener.local_addr().map_err(|e| transport("no local address", e))?);

        let mut store = Store::default();
        store.organization_id = config.organization_id;
        store.bot_token_lifetime = config.bot_token_lifetime;
        store.humans = humans::from_docs(&config.agents);
        let owner = config.tokens.first().map(|t| t.client_id.clone()).unwrap_or_default();
        for bot in config.bots {
            store.insert(bot, &owner);
        }
        let shared = Arc::new(Shared {
            store: Mutex::new(store),
            faults: Mutex::new(config.faults.into_iter().collect::<VecDeque<_>>()),
            log: Mutex::new(RequestLog::new(config.log_limit)),
            tokens: config.tokens,
            started: std::time::Instant::now(),
            stages: config.stages,
            idle_closes: Default::default(),
            runtime: Default::default(),
            delivery: config.delivery,
            deliveries: Mutex::new(DeliveryLog::new(config.log_limit)),
            delivery_queues: Default::default(),
            http: Default::default(),
        });
        let idle_timeout = config.idle_timeout;

        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .thread_name("lcbot-emulator")
            .on_thread_start(crate::http::sigpipe::block_on_this_thread)
            .enable_io()
            .enable_time()
            .build()
            .map_err(|e| transport("cannot start its runtime", e))?;
        let listener = {
            let _entered = runtime.enter();
            tokio::net::TcpListener::from_std(listener).map_err(|e| transport("cannot register the socket", e))?
        };
        let _ = shared.runtime.set(runtime.handle().clone());
        let (shutdown, stopped) = tokio::sync::watch::channel(false);
        let (acceptor, ca_pem) = tls.map(|t| (t.acceptor, t.ca_pem)).unzip();
        runtime.spawn(server::accept_loop(listener, shared.clone(), idle_timeout, acceptor, stopped));
        Ok(Emulator { url, shared, shutdown, runtime: Some(runtime), ca_pem })
    }

    /// The PEM of the CA that signed the emulator's certificate (trust it
    /// with a client's `ca_pem`); `None` when it speaks plain HTTP.
    pub fn ca_pem(&self) -> Option<&str> {
        self.ca_pem.as_deref()
    }

    /// The base URL to give a client, e.g. `http://127.0.0.1:41234`.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// Queues a fault; returns how many faults are pending.
    pub fn inject(&self, fault: Fault) -> usize {
        control::inject(&self.shared, fault)
    }

    /// [`Emulator::inject`] from a fault document; answers `{"pending_faults": N}`.
    pub fn inject_json(&self, fault_json: &str) -> Result<String> {
        control::inject_json(&self.shared, fault_json)
    }

    /// The faults still waiting for a request, in the order they are
    /// tried, each as the document [`Emulator::inject_json`] takes (with
    /// `times` counting down as requests take it).
    pub fn faults(&self) -> Vec<Value> {
        control::faults(&self.shared)
    }

    /// `{"faults": [...], "pending_faults": N}`.
    pub fn faults_json(&self) -> String {
        control::faults_json(&self.shared)
    }

    /// Drops every pending fault; returns how many there were.
    pub fn clear_faults(&self) -> usize {
        control::clear_faults(&self.shared)
    }

    /// [`Emulator::clear_faults`] as `{"cleared": N, "pending_faults": 0}`.
    pub fn clear_faults_json(&self) -> String {
        control::clear_faults_json(&self.shared)
    }

    /// The web console's address: `/` of [`Emulator::url`].
    pub fn console_url(&self) -> String {
        format!("{}/", self.url)
    }

    /// Every logged request (the newest `log_limit`), oldest first.
    pub fn requests(&self) -> Vec<Value> {
        control::requests(&self.shared)
    }

    /// `{"requests": [...], "pending_faults": N}`.
    pub fn requests_json(&self) -> String {
        control::requests_json(&self.shared)
    }

    /// How many injected faults wait for a request. A fault is taken when
    /// its request arrives, so this tells a test that a stalled request is
    /// in flight before the log (written when it is answered) can.
    pub fn pending_faults(&self) -> usize {
        control::pending_faults(&self.shared)
    }

    /// How many keep-alive connections it closed for being idle.
    pub fn idle_closes(&self) -> u64 {
        self.shared.idle_closes.load(std::sync::atomic::Ordering::SeqCst)
    }

    /// The bots now held, in the details shape.
    pub fn bots(&self) -> Vec<Value> {
        control::bots(&self.shared)
    }

    /// The webhook delivery log, oldest first: `{seq, time_ms, webhook_id,
    /// bot_id, action, version, url, duplicate, state:
    /// "pending"|"delivered"|"failed"|"refused", error?, tries: [{attempt,
    /// time_ms, status, error, duration_ms}], body}` (`secret_key` redacted).
    pub fn deliveries(&self) -> Vec<Value> {
        lock(&self.shared.deliveries).all()
    }

    /// `{"deliveries": [...], "delivered", "failed", "pending", "refused", "retried"}`.
    pub fn deliveries_json(&self) -> String {
        control::deliveries_json(&self.shared)
    }

    /// The organization id `issue_bot_token` expects.
    pub fn organization_id(&self) -> String {
        lock(&self.shared.store).organization_id.clone()
    }

    /// Every registered webhook (`register_webhook`), in registration order,
    /// in the `list_webhooks` shape (secret keys included).
    pub fn webhooks(&self) -> Vec<Value> {
        control::webhooks(&self.shared)
    }

    /// Plays a customer starting a chat: `{group_id?, text?, customer?:
    /// {name?, email?}}` -> `{chat_id, thread_id, customer_id, event_id (with
    /// text), bot_id, state: "assigned"|"queued"}`. The chat is routed at once.
    pub fn start_chat(&self, request: &Value) -> Result<Value> {
        control::start_chat(&self.shared, request)
    }

    /// Plays the customer writing in a chat: `{chat_id, text}` -> `{event_id}`.
    pub fn send_message(&self, request: &Value) -> Result<Value> {
        control::send_message(&self.shared, request)
    }

    /// Plays the customer leaving: `{chat_id}` -> `{}`. The chat is no
    /// longer active; its bot's slot is free for queued chats.
    pub fn close_chat(&self, request: &Value) -> Result<Value> {
        control::close_chat(&self.shared, request)
    }

    /// `{"organization_id", "chats": [{chat_id, group_id, customer_id, state,
    /// bot_id, routing, transcript}]}` in creation order.
    pub fn chats(&self) -> Value {
        control::chats(&self.shared)
    }

    /// [`Emulator::start_chat`] on JSON text.
    pub fn start_chat_json(&self, request_json: &str) -> Result<String> {
        self.start_chat(&crate::json::parse_strict(request_json, "request_json")?).map(|v| v.to_string())
    }

    /// [`Emulator::send_message`] on JSON text.
    pub fn send_message_json(&self, request_json: &str) -> Result<String> {
        self.send_message(&crate::json::parse_strict(request_json, "request_json")?).map(|v| v.to_string())
    }

    /// [`Emulator::close_chat`] on JSON text.
    pub fn close_chat_json(&self, request_json: &str) -> Result<String> {
        self.close_chat(&crate::json::parse_strict(request_json, "request_json")?).map(|v| v.to_string())
    }

    /// [`Emulator::chats`] as JSON text.
    pub fn chats_json(&self) -> String {
        self.chats().to_string()
    }

    /// Plays LiveChat installing application `{"client_id"}` on the
    /// license: each of its bot templates (v3.5+) without a bot gets one,
    /// with the template's id and secret. Answers `{"client_id",
    /// "bots_created": [ids], "installed": [client ids]}`.
    pub fn install_application(&self, request: &Value) -> Result<Value> {
        control::install_application(&self.shared, request)
    }

    /// [`Emulator::install_application`] on JSON text.
    pub fn install_application_json(&self, request_json: &str) -> Result<String> {
        self.install_application(&crate::json::parse_strict(request_json, "request_json")?).map(|v| v.to_string())
    }

    /// `{"templates": [...], "installed": [client ids]}`: every
    /// application's bot templates (secrets left out) and the applications
    /// installed on the license.
    pub fn templates(&self) -> Value {
        control::templates(&self.shared)
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
