//! What bots are told of, planned: a [`Happening`] becomes the webhook
//! deliveries ([`Outgoing`] POSTs, in each webhook's API version) it makes
//! at once, under the store's lock, so the bodies are snapshots of that
//! moment. The store plans as it changes, so this file reads it through
//! [`License`] rather than naming it; `delivery` sends what was planned.

use crate::emulator::chats::{Chat, Chats};
use crate::emulator::webhooks::Webhooks;
use crate::version::ApiVersion;
use serde_json::{json, Map, Value};

/// What planning reads of the license (the store implements it).
pub(crate) trait License {
    /// The bot `id` in the details shape.
    fn bot(&self, id: &str) -> Option<&Map<String, Value>>;
    /// The client that owns the bot `id`.
    fn bot_owner(&self, id: &str) -> Option<&str>;
    /// The version of a bot's config webhooks.
    fn webhook_version(&self, bot_id: &str) -> ApiVersion;
    /// The license's chats.
    fn chats(&self) -> &Chats;
    /// The webhook registry.
    fn webhooks(&self) -> &Webhooks;
    /// The organization v3.4+ bodies name.
    fn organization_id(&self) -> &str;
}

/// The license id v3.2/v3.3 bodies carry.
pub(crate) const LICENSE_ID: u64 = 10_000_001;

/// Something bots may be told about.
#[derive(Debug, Clone)]
pub(crate) enum Happening {
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
    /// The customer `user_id` pressed (or, `toggled` false, took back) a
    /// rich message's button (v3.6 bodies name its type and value too).
    RichMessagePostback {
        chat_id: String,
        thread_id: String,
        event_id: String,
        user_id: String,
        postback_id: String,
        toggled: bool,
        button_type: String,
        button_value: String,
    },
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
            Happening::RichMessagePostback { .. } => "incoming_rich_message_postback",
        }
    }
}

/// The action's name in `version`'s webhooks; None when it has none.
pub(crate) fn wire_action(action: &str, version: ApiVersion) -> Option<&'static str> {
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
        "incoming_rich_message_postback" => "incoming_rich_message_postback",
        _ => return None,
    })
}

/// One POST to make.
#[derive(Debug, Clone)]
pub(crate) struct Outgoing {
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

fn online(store: &impl License, bot_id: &str) -> bool {
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
fn targets(store: &impl License, bot_id: &str, action: &str) -> Vec<Target> {
    let mut found = Vec::new();
    let Some(bot) = store.bot(bot_id) else { return found };
    let owner = store.bot_owner(bot_id).unwrap_or_default();
    for (hook, version) in store.webhooks().bot_hooks() {
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
fn passes(store: &impl License, target: &Target, chat: Option<&Chat>, author_type: Option<&str>, owner: &str) -> bool {
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
fn body(store: &impl License, target: &Target, action: &str, payload: Value, additional: Value) -> Value {
    let mut doc = Map::new();
    doc.insert("webhook_id".into(), json!(target.id));
    doc.insert("secret_key".into(), json!(target.secret_key));
    doc.insert("action".into(), json!(action));
    if target.version >= ApiVersion::V3_4 {
        doc.insert("organization_id".into(), json!(store.organization_id()));
    } else if target.version >= ApiVersion::V3_2 {
        doc.insert("license_id".into(), json!(LICENSE_ID));
    }
    doc.insert(if target.version.wraps_payload() { "data" } else { "payload" }.into(), payload);
    doc.insert("additional_data".into(), additional);
    Value::Object(doc)
}

/// The deliveries a happening makes, planned now (a snapshot of this moment).
pub(crate) fn plan(store: &impl License, happening: &Happening) -> Vec<Outgoing> {
    let action = happening.action();
    let chat_id = match happening {
        Happening::IncomingChat { chat_id, .. }
        | Happening::IncomingEvent { chat_id, .. }
        | Happening::ChatDeactivated { chat_id, .. }
        | Happening::ChatTransferred { chat_id, .. }
        | Happening::RichMessagePostback { chat_id, .. } => Some(chat_id.as_str()),
        Happening::RoutingStatusSet { .. } => None,
    };
    let chat = chat_id.and_then(|id| store.chats().get(id));
    // Who is told: the bots the happening concerns (online ones only, but
    // a bot always hears of its own status).
    let concerned: Vec<String> = match happening {
        Happening::IncomingChat { bot_id, .. } => vec![bot_id.clone()],
        Happening::IncomingEvent { .. } | Happening::RichMessagePostback { .. } => chat.map(Chat::bot_ids).unwrap_or_default(),
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
    let author_type = match happening {
        Happening::RichMessagePostback { .. } => Some("customer"),
        _ => event.as_ref().map(|(_, e)| if e.author_type == "customer" { "customer" } else { "agent" }),
    };
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
                    let mut doc = store.chats().chat_doc(chat, chat.last_thread(), version);
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
                Happening::RichMessagePostback { chat_id, thread_id, event_id, user_id, postback_id, toggled, button_type, button_value } => {
                    let mut postback = json!({ "id": postback_id, "toggled": toggled });
                    if version >= ApiVersion::V3_6 {
                        postback["button_type"] = json!(button_type);
                        postback["button_value"] = json!(button_value);
                    }
                    json!({ "user_id": user_id, "chat_id": chat_id, "thread_id": thread_id, "event_id": event_id, "postback": postback })
                }
            };
            let mut additional = Map::new();
            if let Some(chat) = chat {
                if target.additional_data.iter().any(|a| a == "chat_properties") {
                    additional.insert("chat_properties".into(), json!(chat.talk.properties));
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
