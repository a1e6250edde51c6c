//! Webhook delivery: what the emulator POSTs to bots' webhooks when
//! something happens in their chats, in the body of each webhook's API
//! version, from the emulator's own runtime threads, with retries and a
//! delivery log.
//!
//! Planning happens under the store's lock (the bodies are snapshots of that
//! moment, queued in the store's outbox); sending happens after the lock is
//! released, so a slow receiver never holds up an API call.

use crate::emulator::chats::Chat;
use crate::emulator::log::now_ms;
use crate::emulator::state::{lock, DeliveryFaults, Shared};
use crate::emulator::store::Store;
use crate::version::ApiVersion;
use serde_json::{json, Map, Value};
use std::sync::Arc;

/// The license id v3.2/v3.3 bodies carry.
pub const LICENSE_ID: u64 = 10_000_001;

/// Something bots may be told about.
#[derive(Debug, Clone)]
pub enum Happening {
    /// A chat was routed or transferred to `bot_id`.
    IncomingChat { chat_id: String, bot_id: String },
    /// An event was written in a chat (`index` in its last thread).
    IncomingEvent { chat_id: String, event_id: String },
    /// The chat's thread was closed by `user_id`.
    ChatDeactivated { chat_id: String, user_id: String, bots: Vec<String> },
    /// `requester` moved the chat away.
    ChatTransferred { chat_id: String, requester: String, group_ids: Vec<u64>, agent_ids: Vec<String> },
    /// A bot's routing status was set (`accepting chats`, with spaces).
    RoutingStatusSet { bot_id: String, status: String },
}

impl Happening {
    /// The v3.6 action name.
    fn action(&self) -> &'static str {
        match self {
            Happening::IncomingChat { .. } => "incoming_chat",
            Happening::IncomingEvent { .. } => "incoming_event",
            Happening::ChatDeactivated { .. } => "chat_deactivated",
            Happening::ChatTransferred { .. } => "chat_transferred",
            Happening::RoutingStatusSet { .. } => "routing_status_set",
        }
    }
}

/// The action's name in `version`'s webhooks; None when it has none.
pub fn wire_action(action: &str, version: ApiVersion) -> Option<&'static str> {
    let old = version < ApiVersion::V3_2;
    Some(match action {
        "incoming_chat" if old => "incoming_chat_thread",
        "incoming_chat" => "incoming_chat",
        "chat_deactivated" if old => "thread_closed",
        "chat_deactivated" => "chat_deactivated",
        "routing_status_set" if old => "agent_status_changed",
        "routing_status_set" => "routing_status_set",
        "chat_transferred" if version >= ApiVersion::V3_3 => "chat_transferred",
        "incoming_event" => "incoming_event",
        _ => return None,
    })
}

/// One POST to make.
#[derive(Debug, Clone)]
pub struct Outgoing {
    pub webhook_id: String,
    pub bot_id: String,
    pub action: String,
    pub url: String,
    pub version: ApiVersion,
    pub body: Value,
}

/// A webhook that may fire: from the registry (v3.3+) or a bot's config (v3.0-3.2).
struct Target {
    id: String,
    url: String,
    secret_key: String,
    version: ApiVersion,
    filters: Value,
    additional_data: Vec<String>,
}

fn online(store: &Store, bot_id: &str) -> bool {
    store.bot(bot_id).and_then(|b| b.get("status")).and_then(Value::as_str).is_some_and(|s| s != "offline")
}

/// A stable id for a webhook of a bot's config (it has none of its own).
fn config_webhook_id(bot_id: &str, action: &str) -> String {
    use std::hash::{Hash, Hasher};
    let half = |salt: u8| {
        let mut h = std::collections::hash_map::DefaultHasher::new();
        (salt, bot_id, action).hash(&mut h);
        h.finish()
    };
    format!("{:016x}{:016x}", half(1), half(2))
}

/// The webhooks that `bot_id` has for `action` (v3.6 name).
fn targets(store: &Store, bot_id: &str, action: &str) -> Vec<Target> {
    let mut found = Vec::new();
    let Some(bot) = store.bot(bot_id) else { return found };
    let owner = store.bot_owner(bot_id).unwrap_or_default();
    for (hook, version) in store.webhooks.bot_hooks() {
        if hook["owner_client_id"] == owner && hook["action"] == action {
            found.push(Target {
                id: hook["id"].as_str().unwrap_or_default().to_owned(),
                url: hook["url"].as_str().unwrap_or_default().to_owned(),
                secret_key: hook["secret_key"].as_str().unwrap_or_default().to_owned(),
                version,
                filters: hook.get("filters").cloned().unwrap_or(Value::Null),
                additional_data: strings(hook.get("additional_data")),
            });
        }
    }
    if let Some(config) = bot.get("webhooks") {
        let version = store.webhook_version(bot_id);
        for a in config.get("actions").and_then(Value::as_array).into_iter().flatten() {
            let name = a["name"].as_str().unwrap_or_default();
            if name == action || Some(name) == wire_action(action, version) {
                found.push(Target {
                    id: config_webhook_id(bot_id, action),
                    url: config["url"].as_str().unwrap_or_default().to_owned(),
                    secret_key: config["secret_key"].as_str().unwrap_or_default().to_owned(),
                    version,
                    filters: a.get("filters").cloned().unwrap_or(Value::Null),
                    additional_data: strings(a.get("additional_data")),
                });
            }
        }
    }
    found
}

fn strings(v: Option<&Value>) -> Vec<String> {
    v.and_then(Value::as_array).into_iter().flatten().filter_map(|s| s.as_str().map(str::to_owned)).collect()
}

/// Whether a webhook's filters let an event through: `author_type`, and
/// `chat_presence` (`my_bots`, `user_ids.values` / `exclude_values`).
fn passes(store: &Store, target: &Target, chat: Option<&Chat>, author_type: Option<&str>, owner: &str) -> bool {
    let f = &target.filters;
    if let (Some(want), Some(got)) = (f.get("author_type").and_then(Value::as_str), author_type) {
        if want != got {
            return false;
        }
    }
    let Some(chat) = chat else { return true };
    let users = chat.user_ids();
    if let Some(presence) = f.get("chat_presence") {
        if presence.get("my_bots") == Some(&json!(true)) && !users.iter().any(|u| store.bot_owner(u) == Some(owner)) {
            return false;
        }
        let ids = presence.get("user_ids");
        let values = strings(ids.and_then(|i| i.get("values")));
        if !values.is_empty() && !users.iter().any(|u| values.contains(u)) {
            return false;
        }
        let excluded = strings(ids.and_then(|i| i.get("exclude_values")));
        if users.iter().any(|u| excluded.contains(u)) {
            return false;
        }
    }
    true
}

/// The POST body of `version`.
fn body(store: &Store, target: &Target, action: &str, payload: Value, additional: Value) -> Value {
    let mut doc = Map::new();
    doc.insert("webhook_id".into(), json!(target.id));
    doc.insert("secret_key".into(), json!(target.secret_key));
    doc.insert("action".into(), json!(action));
    if target.version >= ApiVersion::V3_4 {
        doc.insert("organization_id".into(), json!(store.organization_id));
    } else if target.version >= ApiVersion::V3_2 {
        doc.insert("license_id".into(), json!(LICENSE_ID));
    }
    doc.insert(if target.version.wraps_payload() { "data" } else { "payload" }.into(), payload);
    doc.insert("additional_data".into(), additional);
    Value::Object(doc)
}

/// The deliveries a happening makes, planned now (a snapshot of this moment).
pub fn plan(store: &Store, happening: &Happening) -> Vec<Outgoing> {
    let action = happening.action();
    let chat_id = match happening {
        Happening::IncomingChat { chat_id, .. }
        | Happening::IncomingEvent { chat_id, .. }
        | Happening::ChatDeactivated { chat_id, .. }
        | Happening::ChatTransferred { chat_id, .. } => Some(chat_id.as_str()),
        Happening::RoutingStatusSet { .. } => None,
    };
    let chat = chat_id.and_then(|id| store.chats.get(id));
    // Who is told: the bots the happening concerns (online ones only, but
    // a bot always hears of its own status).
    let concerned: Vec<String> = match happening {
        Happening::IncomingChat { bot_id, .. } => vec![bot_id.clone()],
        Happening::IncomingEvent { .. } => chat.map(Chat::bot_ids).unwrap_or_default(),
        Happening::ChatDeactivated { bots, .. } => bots.clone(),
        Happening::ChatTransferred { requester, agent_ids, .. } => {
            let mut v = vec![requester.clone()];
            v.extend(agent_ids.iter().cloned());
            v
        }
        Happening::RoutingStatusSet { bot_id, .. } => vec![bot_id.clone()],
    };
    let event = match happening {
        Happening::IncomingEvent { event_id, .. } => chat.and_then(|c| c.event(event_id)),
        _ => None,
    };
    let author_type = event.as_ref().map(|(_, e)| if e.author_type == "customer" { "customer" } else { "agent" });
    let mut seen: Vec<String> = Vec::new();
    let mut out = Vec::new();
    for bot_id in concerned {
        let own_status = matches!(happening, Happening::RoutingStatusSet { .. });
        if !own_status && !online(store, &bot_id) {
            continue;
        }
        let owner = store.bot_owner(&bot_id).unwrap_or_default().to_owned();
        for target in targets(store, &bot_id, action) {
            if seen.contains(&target.id) || !passes(store, &target, chat, author_type, &owner) {
                continue;
            }
            let Some(wire) = wire_action(action, target.version) else { continue };
            let version = target.version;
            let payload = match happening {
                Happening::IncomingChat { .. } => {
                    let Some(chat) = chat else { continue };
                    let mut doc = store.chats.chat_doc(chat, chat.last_thread(), version);
                    if let Some(map) = doc.as_object_mut() {
                        map.remove("is_followed");
                    }
                    json!({ "chat": doc })
                }
                Happening::IncomingEvent { chat_id, .. } => {
                    let Some((thread_id, e)) = &event else { continue };
                    json!({ "chat_id": chat_id, "thread_id": thread_id, "event": e.render(version) })
                }
                Happening::ChatDeactivated { chat_id, user_id, .. } => {
                    let thread_id = chat.and_then(Chat::last_thread).map(|t| t.id.clone());
                    json!({ "chat_id": chat_id, "thread_id": thread_id, "user_id": user_id })
                }
                Happening::ChatTransferred { chat_id, requester, group_ids, agent_ids } => {
                    let thread_id = chat.and_then(Chat::last_thread).map(|t| t.id.clone());
                    let mut to = Map::new();
                    if !group_ids.is_empty() {
                        to.insert("group_ids".into(), json!(group_ids));
                    }
                    if !agent_ids.is_empty() {
                        to.insert("agent_ids".into(), json!(agent_ids));
                    }
                    json!({ "chat_id": chat_id, "thread_id": thread_id, "requester_id": requester, "reason": "manual", "transferred_to": to })
                }
                Happening::RoutingStatusSet { bot_id, status } => json!({ "agent_id": bot_id, "status": status }),
            };
            let mut additional = Map::new();
            if let Some(chat) = chat {
                if target.additional_data.iter().any(|a| a == "chat_properties") {
                    additional.insert("chat_properties".into(), json!({}));
                }
                if target.additional_data.iter().any(|a| a == "chat_presence_user_ids") {
                    additional.insert("chat_presence_user_ids".into(), json!(chat.user_ids()));
                }
            }
            seen.push(target.id.clone());
            out.push(Outgoing {
                webhook_id: target.id.clone(),
                bot_id: bot_id.clone(),
                action: wire.to_owned(),
                url: target.url.clone(),
                version,
                body: body(store, &target, wire, payload, Value::Object(additional)),
            });
        }
    }
    out
}

/// Whether `url` may be posted to: http(s) to a loopback host, or anything
/// when remote targets are allowed.
pub fn allowed_target(url: &str, allow_remote: bool) -> Result<(), String> {
    let parsed = url::Url::parse(url).map_err(|_| "not a valid URL".to_owned())?;
    if !matches!(parsed.scheme(), "http" | "https") {
        return Err("only http and https URLs".into());
    }
    if allow_remote {
        return Ok(());
    }
    let loopback = match parsed.host() {
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        Some(url::Host::Domain(d)) => d.eq_ignore_ascii_case("localhost"),
        None => false,
    };
    if loopback {
        Ok(())
    } else {
        Err("not a loopback address (set webhook_allow_remote to allow it)".into())
    }
}

/// The delivery log: one entry per delivery, updated as its tries go; the
/// newest `limit` are kept (like the request log).
pub struct DeliveryLog {
    entries: std::collections::VecDeque<Value>,
    /// The `seq` of `entries[0]`.
    first_seq: usize,
    limit: usize,
}

impl DeliveryLog {
    pub fn new(limit: usize) -> Self {
        DeliveryLog { entries: Default::default(), first_seq: 1, limit }
    }

    pub fn all(&self) -> Vec<Value> {
        self.entries.iter().cloned().collect()
    }

    /// `{"deliveries": [...], "delivered", "failed", "pending", "refused",
    /// "retried"}`: the counts are of the entries kept.
    pub fn document(&self) -> Value {
        let state = |name: &str| self.entries.iter().filter(|e| e["state"] == name).count();
        let retried = self.entries.iter().filter(|e| e["tries"].as_array().is_some_and(|t| t.len() > 1)).count();
        json!({
            "deliveries": self.all(),
            "delivered": state("delivered"),
            "failed": state("failed"),
            "pending": state("pending"),
            "refused": state("refused"),
            "retried": retried,
        })
    }

    /// Logs a delivery about to be sent; returns its `seq`.
    fn start(&mut self, out: &Outgoing, duplicate: bool) -> usize {
        let mut body = out.body.clone();
        if let Some(map) = body.as_object_mut() {
            map.insert("secret_key".into(), json!("[redacted]"));
        }
        let seq = self.first_seq + self.entries.len();
        self.entries.push_back(json!({
            "seq": seq,
            "time_ms": now_ms(),
            "webhook_id": out.webhook_id,
            "bot_id": out.bot_id,
            "action": out.action,
            "version": out.version.as_str(),
            "url": out.url,
            "duplicate": duplicate,
            "state": "pending",
            "tries": [],
            "body": body,
        }));
        while self.entries.len() > self.limit {
            self.entries.pop_front();
            self.first_seq += 1;
        }
        seq
    }

    /// Changes the entry `seq`, if it is still kept.
    fn update(&mut self, seq: usize, f: impl FnOnce(&mut Map<String, Value>)) {
        let Some(index) = seq.checked_sub(self.first_seq) else { return };
        if let Some(Value::Object(map)) = self.entries.get_mut(index) {
            f(map);
        }
    }
}

/// One delivery waiting in its receiver's queue, with the faults taken for
/// it, its `seq` in the delivery log and its duplicate's (when a fault sends
/// it twice).
pub type Job = (Outgoing, DeliveryFaults, usize, Option<usize>);

/// Sends planned deliveries from the emulator's runtime (never blocking the
/// caller). Deliveries to one URL about one chat go one at a time, in the
/// order they happened, so a bot reads a chat's messages in the order they
/// were written; other chats' deliveries go meanwhile.
pub fn dispatch(shared: &Arc<Shared>, outgoing: Vec<Outgoing>) {
    let Some(handle) = shared.runtime.get() else { return };
    let mut queues = lock(&shared.delivery_queues);
    for out in outgoing {
        let faults = shared.take_delivery_faults(&out.action);
        // Logged now, "pending", so that the log shows a delivery from the
        // moment it is planned, also while it waits behind others in its queue.
        let (seq, duplicate) = {
            let mut log = lock(&shared.deliveries);
            let seq = log.start(&out, false);
            (seq, faults.duplicate.then(|| log.start(&out, true)))
        };
        let mut job = Some((out, faults, seq, duplicate));
        // A queue whose worker ended (the runtime stopping) is replaced.
        for _ in 0..2 {
            let key = job.as_ref().map(|(o, ..)| queue_key(o)).unwrap_or_default();
            let sender = queues.entry(key).or_insert_with(|| {
                let (sender, receiver) = tokio::sync::mpsc::unbounded_channel();
                handle.spawn(deliver_in_order(shared.clone(), receiver));
                sender
            });
            match sender.send(job.take().expect("a job to send")) {
                Ok(()) => break,
                Err(returned) => {
                    job = Some(returned.0);
                    queues.retain(|_, s| !s.is_closed());
                }
            }
        }
    }
}

/// The queue a delivery waits in: its URL and the chat it is about.
fn queue_key(out: &Outgoing) -> String {
    let payload = out.body.get("payload").or_else(|| out.body.get("data"));
    let chat = payload.and_then(|p| p.get("chat_id").or_else(|| p.get("chat").and_then(|c| c.get("id"))));
    format!("{} {}", out.url, chat.and_then(Value::as_str).unwrap_or(""))
}

async fn deliver_in_order(shared: Arc<Shared>, mut jobs: tokio::sync::mpsc::UnboundedReceiver<Job>) {
    while let Some((out, faults, seq, duplicate)) = jobs.recv().await {
        deliver(&shared, &out, seq, faults.lost_answer).await;
        if let Some(seq) = duplicate {
            deliver(&shared, &out, seq, false).await;
        }
    }
}

/// Sends one delivery (logged as `at`) with its retries; `lost_answer`
/// makes the first try count as failed whatever the receiver answered.
async fn deliver(shared: &Shared, out: &Outgoing, at: usize, lost_answer: bool) {
    let config = shared.delivery.clone();
    if let Err(why) = allowed_target(&out.url, config.allow_remote) {
        lock(&shared.deliveries).update(at, |e| {
            e.insert("state".into(), json!("refused"));
            e.insert("error".into(), json!(why));
        });
        return;
    }
    let client = shared.http.get_or_init(|| reqwest::Client::builder().build().unwrap_or_default()).clone();
    let mut wait = config.backoff;
    for attempt in 1..=config.tries.max(1) {
        let started = std::time::Instant::now();
        let sent = client
            .post(&out.url)
            .header("Content-Type", "application/json")
            .timeout(config.timeout)
            .body(out.body.to_string())
            .send()
            .await;
        let (status, mut error) = match sent {
            Ok(resp) => (Some(resp.status().as_u16()), None),
            Err(e) if e.is_timeout() => (None, Some("timeout".to_owned())),
            Err(_) => (None, Some("connection failed".to_owned())),
        };
        let lost = lost_answer && attempt == 1;
        if lost {
            error = Some("answer lost (injected fault)".to_owned());
        }
        let ok = !lost && status.is_some_and(|s| (200..300).contains(&s));
        let try_doc = json!({
            "attempt": attempt,
            "time_ms": now_ms(),
            "status": status,
            "error": error,
            "duration_ms": started.elapsed().as_secs_f64() * 1000.0,
        });
        let last = attempt >= config.tries.max(1);
        lock(&shared.deliveries).update(at, |e| {
            if let Some(Value::Array(tries)) = e.get_mut("tries") {
                tries.push(try_doc);
            }
            if ok {
                e.insert("state".into(), json!("delivered"));
            } else if last {
                e.insert("state".into(), json!("failed"));
            }
        });
        if ok || last {
            return;
        }
        tokio::time::sleep(wait).await;
        wait = wait.saturating_mul(2);
    }
}
