//! An offline emulator of the Bot Agents Configuration API and of the Agent
//! Chat Web API as bots use it: an HTTP server on 127.0.0.1 that answers
//! like the real APIs, with chats a test plays the customer of, routing,
//! fault injection and a request log. Tests, examples and benchmarks run
//! against it.

pub mod agent_chat;
pub mod auth;
pub mod bot_tokens;
pub mod chats;
pub mod clock;
pub mod config;
pub mod configuration;
pub mod console;
pub mod delivery;
pub mod delivery_log;
pub mod failure;
pub mod faults;
pub mod log;
pub mod outbox;
pub mod server;
pub mod state;
pub mod store;
pub mod webhooks;

pub use config::{EmulatorConfig, TokenGrant, DEV_CLIENT_ID, DEV_TOKEN};
pub use faults::Fault;

use crate::error::{Error, ErrorCode, Result};
use hyper_util::rt::TokioIo;
use delivery_log::DeliveryLog;
use log::RequestLog;
use serde_json::{json, Value};
use state::{lock, Shared};
use std::collections::VecDeque;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use store::Store;
use crate::validate::object;

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
        store.organization_id = config.organization_id;
        store.bot_token_lifetime = config.bot_token_lifetime;
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
        runtime.spawn(accept_loop(listener, shared.clone(), idle_timeout, stopped));
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

    /// The faults still waiting for a request, in the order they are
    /// tried, each as the document [`Emulator::inject_json`] takes (with
    /// `times` counting down as requests take it).
    pub fn faults(&self) -> Vec<Value> {
        lock(&self.shared.faults).iter().map(Fault::to_value).collect()
    }

    /// `{"faults": [...], "pending_faults": N}`.
    pub fn faults_json(&self) -> String {
        let faults = self.faults();
        json!({ "pending_faults": faults.len(), "faults": faults }).to_string()
    }

    /// Drops every pending fault; returns how many there were.
    pub fn clear_faults(&self) -> usize {
        let mut faults = lock(&self.shared.faults);
        let cleared = faults.len();
        faults.clear();
        cleared
    }

    /// [`Emulator::clear_faults`] as `{"cleared": N, "pending_faults": 0}`.
    pub fn clear_faults_json(&self) -> String {
        json!({ "cleared": self.clear_faults(), "pending_faults": 0 }).to_string()
    }

    /// The web console's address: `/` of [`Emulator::url`].
    pub fn console_url(&self) -> String {
        format!("{}/", self.url)
    }

    /// A second handle on a running emulator's state, for the console's
    /// handlers to answer with the very methods the C, Python and Go calls
    /// use. It owns no runtime: dropping it stops nothing.
    pub(crate) fn view(shared: Arc<Shared>) -> Emulator {
        let (shutdown, _) = tokio::sync::watch::channel(false);
        Emulator { url: String::new(), shared, shutdown, runtime: None }
    }

    /// Every logged request (the newest `log_limit`), oldest first.
    pub fn requests(&self) -> Vec<Value> {
        lock(&self.shared.log).all()
    }

    /// `{"requests": [...], "pending_faults": N}`.
    pub fn requests_json(&self) -> String {
        json!({ "requests": self.requests(), "pending_faults": self.pending_faults() }).to_string()
    }

    /// How many injected faults wait for a request. A fault is taken when
    /// its request arrives, so this tells a test that a stalled request is
    /// in flight before the log (written when it is answered) can.
    pub fn pending_faults(&self) -> usize {
        lock(&self.shared.faults).len()
    }

    /// How many keep-alive connections it closed for being idle.
    pub fn idle_closes(&self) -> u64 {
        self.shared.idle_closes.load(std::sync::atomic::Ordering::SeqCst)
    }

    /// The bots now held, in the details shape.
    pub fn bots(&self) -> Vec<Value> {
        lock(&self.shared.store).snapshot()
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
        lock(&self.shared.deliveries).document().to_string()
    }

    /// The organization id `issue_bot_token` expects.
    pub fn organization_id(&self) -> String {
        lock(&self.shared.store).organization_id.clone()
    }

    /// Every registered webhook (`register_webhook`), in registration order,
    /// in the `list_webhooks` shape (secret keys included).
    pub fn webhooks(&self) -> Vec<Value> {
        lock(&self.shared.store).webhooks.all()
    }

    /// Plays a customer starting a chat: `{group_id?, text?, customer?:
    /// {name?, email?}}` -> `{chat_id, thread_id, customer_id, event_id (with
    /// text), bot_id, state: "assigned"|"queued"}`. The chat is routed at once.
    pub fn start_chat(&self, request: &Value) -> Result<Value> {
        let o = object(request, "request")?;
        o.only(&["group_id", "text", "customer"])?;
        let group_id = match o.get("group_id") {
            Some(_) => o.req_uint("group_id")?,
            None => 0,
        };
        let text = o.opt_str("text")?;
        check_text(text)?;
        let (mut name, mut email) = ("Customer", None);
        if let Some(c) = o.opt_object("customer")? {
            c.only(&["name", "email"])?;
            name = c.opt_str("name")?.unwrap_or(name);
            email = c.opt_str("email")?;
        }
        let mut store = lock(&self.shared.store);
        let (chat_id, thread_id, event_id) = store.chats.start(group_id, name, email, text);
        let candidates = store.candidates();
        let placed = store.chats.route_new(&chat_id, &candidates);
        let customer_id = store.chats.get(&chat_id).map(|c| c.customer_id.clone()).unwrap_or_default();
        let mut answer = json!({ "chat_id": chat_id, "thread_id": thread_id, "customer_id": customer_id });
        if let Some(event_id) = event_id {
            answer["event_id"] = json!(event_id);
        }
        let (bot_id, state) = match placed {
            chats::Placement::Assigned(bot) => {
                store.notify(outbox::Happening::IncomingChat { chat_id: chat_id.clone(), bot_id: bot.clone() });
                (json!(bot), "assigned")
            }
            chats::Placement::Queued => (Value::Null, "queued"),
        };
        answer["bot_id"] = bot_id;
        answer["state"] = json!(state);
        drop(store);
        delivery::flush(&self.shared);
        Ok(answer)
    }

    /// Plays the customer writing in a chat: `{chat_id, text}` -> `{event_id}`.
    pub fn send_message(&self, request: &Value) -> Result<Value> {
        let o = object(request, "request")?;
        o.only(&["chat_id", "text"])?;
        let chat_id = o.req_str("chat_id")?;
        let text = o.req_str("text")?;
        check_text(Some(text))?;
        let mut store = lock(&self.shared.store);
        let chat = store.chats.get_mut(chat_id).ok_or_else(|| unknown_chat(chat_id))?;
        if !chat.active() {
            return Err(Error::validation(format!("chat_inactive: chat {chat_id} is not active")));
        }
        let customer_id = chat.customer_id.clone();
        let fields = json!({ "type": "message", "text": text, "visibility": "all" });
        let event = chat.add_event(fields.as_object().expect("an object"), &customer_id, "customer");
        let event_id = event["id"].as_str().unwrap_or_default().to_owned();
        store.notify(outbox::Happening::IncomingEvent { chat_id: chat_id.to_owned(), event_id: event_id.clone() });
        drop(store);
        delivery::flush(&self.shared);
        Ok(json!({ "event_id": event_id }))
    }

    /// Plays the customer leaving: `{chat_id}` -> `{}`. The chat is no
    /// longer active; its bot's slot is free for queued chats.
    pub fn close_chat(&self, request: &Value) -> Result<Value> {
        let o = object(request, "request")?;
        o.only(&["chat_id"])?;
        let chat_id = o.req_str("chat_id")?;
        let mut store = lock(&self.shared.store);
        let Some(chat) = store.chats.get(chat_id) else { return Err(unknown_chat(chat_id)) };
        let (bots, customer_id) = (chat.bot_ids(), chat.customer_id.clone());
        if store.chats.close(chat_id, None) {
            store.notify(outbox::Happening::ChatDeactivated { chat_id: chat_id.to_owned(), user_id: customer_id, bots });
        }
        store.route();
        drop(store);
        delivery::flush(&self.shared);
        Ok(json!({}))
    }

    /// `{"organization_id", "chats": [{chat_id, group_id, customer_id, state,
    /// bot_id, routing, transcript}]}` in creation order.
    pub fn chats(&self) -> Value {
        let store = lock(&self.shared.store);
        let mut doc = store.chats.control_doc();
        if let Some(o) = doc.as_object_mut() {
            // First: what a bot's identity needs, before the long list.
            o.shift_insert(0, "organization_id".into(), json!(store.organization_id));
        }
        doc
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

/// A customer's text: at most 16 KB, like an agent's.
fn check_text(text: Option<&str>) -> Result<()> {
    if text.is_some_and(|t| t.len() > agent_chat::MAX_TEXT_BYTES) {
        return Err(Error::validation(format!("request.text: at most {} bytes", agent_chat::MAX_TEXT_BYTES)));
    }
    Ok(())
}

/// The control calls' error for a chat that does not exist.
fn unknown_chat(chat_id: &str) -> Error {
    let mut e = Error::validation(format!("not_found: no chat {}", crate::validate::describe(&json!(chat_id))));
    e.api_error = Some(Box::new(crate::error::ApiError { error_type: "not_found".into(), message: "Chat not found".into(), data: None }));
    e
}

impl Drop for Emulator {
    fn drop(&mut self) {
        self.shut_down();
    }
}

async fn accept_loop(
    listener: tokio::net::TcpListener,
    shared: Arc<Shared>,
    idle_timeout: Option<Duration>,
    mut stopped: tokio::sync::watch::Receiver<bool>,
) {
    let mut connections: u64 = 0;
    loop {
        tokio::select! {
            accepted = listener.accept() => {
                let Ok((stream, _)) = accepted else { continue };
                let _ = stream.set_nodelay(true);
                connections += 1;
                tokio::spawn(serve_connection(stream, shared.clone(), connections, idle_timeout));
            }
            _ = stopped.changed() => break,
        }
    }
}

/// Serves one keep-alive connection; with an idle timeout, closes it once no
/// request has been in flight for that long (the client sees a FIN).
async fn serve_connection(stream: tokio::net::TcpStream, shared: Arc<Shared>, id: u64, idle_timeout: Option<Duration>) {
    let activity = Arc::new(Activity::default());
    let seen = activity.clone();
    let served = shared.clone();
    let service = hyper::service::service_fn(move |req| {
        let (shared, seen) = (served.clone(), seen.clone());
        async move {
            seen.begin();
            let answer = server::handle(req, shared, id).await;
            seen.end();
            answer
        }
    });
    let conn = hyper::server::conn::http1::Builder::new().keep_alive(true).serve_connection(TokioIo::new(stream), service);
    let Some(idle) = idle_timeout else {
        let _ = conn.await;
        return;
    };
    tokio::pin!(conn);
    loop {
        let wait = activity.idle_deadline(idle);
        tokio::select! {
            _ = conn.as_mut() => return,
            _ = tokio::time::sleep_until(wait) => {
                if activity.idle_for(idle) {
                    // Finishes at once on an idle connection: hyper closes it.
                    conn.as_mut().graceful_shutdown();
                    let _ = conn.as_mut().await;
                    shared.idle_closes.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                    return;
                }
            }
        }
    }
}

/// Requests in flight on a connection and when the last one ended.
struct Activity {
    in_flight: std::sync::atomic::AtomicUsize,
    last: Mutex<tokio::time::Instant>,
}

impl Default for Activity {
    fn default() -> Self {
        Activity { in_flight: Default::default(), last: Mutex::new(tokio::time::Instant::now()) }
    }
}

impl Activity {
    fn begin(&self) {
        self.in_flight.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
    }

    fn end(&self) {
        *lock(&self.last) = tokio::time::Instant::now();
        self.in_flight.fetch_sub(1, std::sync::atomic::Ordering::SeqCst);
    }

    /// When to look again: `idle` after the last request ended, or, while
    /// one is in flight, `idle` from now (never a deadline already past,
    /// which would spin).
    fn idle_deadline(&self, idle: Duration) -> tokio::time::Instant {
        if self.in_flight.load(std::sync::atomic::Ordering::SeqCst) > 0 {
            tokio::time::Instant::now() + idle
        } else {
            *lock(&self.last) + idle
        }
    }

    fn idle_for(&self, idle: Duration) -> bool {
        self.in_flight.load(std::sync::atomic::Ordering::SeqCst) == 0 && lock(&self.last).elapsed() >= idle
    }
}
