//! The control calls: what a test, the C ABI and the web console do beside
//! the APIs (play the customer, add and clear faults, read the logs, the bots
//! and the chats), as functions over the shared state. [`Emulator`]'s
//! methods and the console's endpoints both answer with these.
//!
//! [`Emulator`]: crate::Emulator

use crate::emulator::chats::{Placement, MAX_TEXT_BYTES};
use crate::emulator::delivery;
use crate::emulator::faults::Fault;
use crate::emulator::outbox::Happening;
use crate::emulator::state::{lock, Shared};
use crate::emulator::template_api;
use crate::error::{Error, Result};
use crate::validate::object;
use serde_json::{json, Value};
use std::sync::Arc;

/// The work of `Emulator::inject`.
pub(crate) fn inject(shared: &Shared, fault: Fault) -> usize {
    let mut faults = lock(&shared.faults);
    faults.push_back(fault);
    faults.len()
}

/// The work of `Emulator::inject_json`.
pub(crate) fn inject_json(shared: &Shared, fault_json: &str) -> Result<String> {
    let pending = inject(shared, Fault::from_json(fault_json)?);
    Ok(json!({ "pending_faults": pending }).to_string())
}

/// The work of `Emulator::faults`.
pub(crate) fn faults(shared: &Shared) -> Vec<Value> {
    lock(&shared.faults).iter().map(Fault::to_value).collect()
}

/// The work of `Emulator::faults_json`.
pub(crate) fn faults_json(shared: &Shared) -> String {
    let faults = faults(shared);
    json!({ "pending_faults": faults.len(), "faults": faults }).to_string()
}

/// The work of `Emulator::clear_faults`.
pub(crate) fn clear_faults(shared: &Shared) -> usize {
    let mut faults = lock(&shared.faults);
    let cleared = faults.len();
    faults.clear();
    cleared
}

/// The work of `Emulator::clear_faults_json`.
pub(crate) fn clear_faults_json(shared: &Shared) -> String {
    json!({ "cleared": clear_faults(shared), "pending_faults": 0 }).to_string()
}

/// The work of `Emulator::requests`.
pub(crate) fn requests(shared: &Shared) -> Vec<Value> {
    lock(&shared.log).all()
}

/// The work of `Emulator::requests_json`.
pub(crate) fn requests_json(shared: &Shared) -> String {
    json!({ "requests": requests(shared), "pending_faults": pending_faults(shared) }).to_string()
}

/// The work of `Emulator::pending_faults`.
pub(crate) fn pending_faults(shared: &Shared) -> usize {
    lock(&shared.faults).len()
}

/// The work of `Emulator::bots`.
pub(crate) fn bots(shared: &Shared) -> Vec<Value> {
    lock(&shared.store).snapshot()
}

/// The work of `Emulator::install_application`.
pub(crate) fn install_application(shared: &Arc<Shared>, request: &Value) -> Result<Value> {
    let answer = template_api::install_application(&mut lock(&shared.store), request)?;
    delivery::flush(shared);
    Ok(answer)
}

/// The work of `Emulator::templates`: every application's templates (no
/// secrets) and the applications installed.
pub(crate) fn templates(shared: &Shared) -> Value {
    let store = lock(&shared.store);
    json!({ "templates": store.templates.all(), "installed": store.templates.installed() })
}

/// The work of `Emulator::deliveries_json`.
pub(crate) fn deliveries_json(shared: &Shared) -> String {
    lock(&shared.deliveries).document().to_string()
}

/// The work of `Emulator::webhooks`.
pub(crate) fn webhooks(shared: &Shared) -> Vec<Value> {
    lock(&shared.store).webhooks.all()
}

/// The work of `Emulator::start_chat`.
pub(crate) fn start_chat(shared: &Arc<Shared>, request: &Value) -> Result<Value> {
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
    let mut store = lock(&shared.store);
    let (chat_id, thread_id, event_id) = store.chats.start(group_id, name, email, text);
    let candidates = store.candidates();
    let placed = store.chats.route_new(&chat_id, &candidates);
    let customer_id = store.chats.get(&chat_id).map(|c| c.customer_id.clone()).unwrap_or_default();
    let mut answer = json!({ "chat_id": chat_id, "thread_id": thread_id, "customer_id": customer_id });
    if let Some(event_id) = event_id {
        answer["event_id"] = json!(event_id);
    }
    let (bot_id, state) = match placed {
        Placement::Assigned(bot) => {
            store.notify(Happening::IncomingChat { chat_id: chat_id.clone(), bot_id: bot.clone() });
            (json!(bot), "assigned")
        }
        Placement::Queued => (Value::Null, "queued"),
    };
    answer["bot_id"] = bot_id;
    answer["state"] = json!(state);
    drop(store);
    delivery::flush(shared);
    Ok(answer)
}

/// The work of `Emulator::send_message`.
pub(crate) fn send_message(shared: &Arc<Shared>, request: &Value) -> Result<Value> {
    let o = object(request, "request")?;
    o.only(&["chat_id", "text"])?;
    let chat_id = o.req_str("chat_id")?;
    let text = o.req_str("text")?;
    check_text(Some(text))?;
    let mut store = lock(&shared.store);
    let chat = store.chats.get_mut(chat_id).ok_or_else(|| unknown_chat(chat_id))?;
    if !chat.active() {
        return Err(Error::validation(format!("chat_inactive: chat {chat_id} is not active")));
    }
    let customer_id = chat.customer_id.clone();
    let fields = json!({ "type": "message", "text": text, "visibility": "all" });
    let event = chat.add_event(fields.as_object().expect("an object"), &customer_id, "customer");
    let event_id = event["id"].as_str().unwrap_or_default().to_owned();
    store.notify(Happening::IncomingEvent { chat_id: chat_id.to_owned(), event_id: event_id.clone() });
    drop(store);
    delivery::flush(shared);
    Ok(json!({ "event_id": event_id }))
}

/// The work of `Emulator::close_chat`.
pub(crate) fn close_chat(shared: &Arc<Shared>, request: &Value) -> Result<Value> {
    let o = object(request, "request")?;
    o.only(&["chat_id"])?;
    let chat_id = o.req_str("chat_id")?;
    let mut store = lock(&shared.store);
    let Some(chat) = store.chats.get(chat_id) else { return Err(unknown_chat(chat_id)) };
    let (bots, customer_id) = (chat.bot_ids(), chat.customer_id.clone());
    if store.chats.close(chat_id, None) {
        store.notify(Happening::ChatDeactivated { chat_id: chat_id.to_owned(), user_id: customer_id, bots });
    }
    store.route();
    drop(store);
    delivery::flush(shared);
    Ok(json!({}))
}

/// The work of `Emulator::chats`.
pub(crate) fn chats(shared: &Shared) -> Value {
    let store = lock(&shared.store);
    let mut doc = store.chats.control_doc();
    if let Some(o) = doc.as_object_mut() {
        // First: what a bot's identity needs, before the long list.
        o.shift_insert(0, "organization_id".into(), json!(store.organization_id));
    }
    doc
}

/// A customer's text: at most 16 KB, like an agent's.
fn check_text(text: Option<&str>) -> Result<()> {
    if text.is_some_and(|t| t.len() > MAX_TEXT_BYTES) {
        return Err(Error::validation(format!("request.text: at most {} bytes", MAX_TEXT_BYTES)));
    }
    Ok(())
}

/// The control calls' error for a chat that does not exist.
pub(crate) fn unknown_chat(chat_id: &str) -> Error {
    let mut e = Error::validation(format!("not_found: no chat {}", crate::validate::describe(&json!(chat_id))));
    e.api_error = Some(Box::new(crate::error::ApiError { error_type: "not_found".into(), message: "Chat not found".into(), data: None }));
    e
}
