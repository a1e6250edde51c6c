//! The seat of a human agent: what whoever plays one (a test, the console)
//! does and sees. The agents themselves are in `humans`.

use crate::emulator::chats::MAX_TEXT_BYTES;
use crate::emulator::control::unknown_chat;
use crate::emulator::delivery;
use crate::emulator::outbox::Happening;
use crate::emulator::state::{lock, Shared};
use crate::error::{Error, Result};
use crate::validate::{object, Obj};
use serde_json::{json, Value};
use std::sync::Arc;

/// The work of `Emulator::agent_send_message`: `{chat_id, agent_id, text}`
/// -> `{event_id}`. The agent must be one of the chat's users.
pub(crate) fn agent_send_message(shared: &Arc<Shared>, request: &Value) -> Result<Value> {
    let o: Obj = object(request, "request")?;
    o.only(&["chat_id", "agent_id", "text"])?;
    let (chat_id, agent_id, text) = (o.req_str("chat_id")?, o.req_str("agent_id")?, o.req_str("text")?);
    if text.len() > MAX_TEXT_BYTES {
        return Err(Error::validation(format!("request.text: at most {MAX_TEXT_BYTES} bytes")));
    }
    let mut store = lock(&shared.store);
    if !store.humans.iter().any(|h| h.id == agent_id) {
        return Err(Error::validation(format!("agent_id: no human agent {agent_id} (see the config's agents)")));
    }
    let chat = store.chats.get_mut(chat_id).ok_or_else(|| unknown_chat(chat_id))?;
    if !chat.active() {
        return Err(Error::validation(format!("chat_inactive: chat {chat_id} is not active")));
    }
    if !chat.has_user(agent_id) {
        return Err(Error::validation(format!("agent_id: {agent_id} is not in chat {chat_id}")));
    }
    let fields = json!({ "type": "message", "text": text, "visibility": "all" });
    let event = chat.add_event(fields.as_object().expect("an object"), agent_id, "agent");
    let event_id = event["id"].as_str().unwrap_or_default().to_owned();
    store.notify(Happening::IncomingEvent { chat_id: chat_id.to_owned(), event_id: event_id.clone() });
    drop(store);
    delivery::flush(shared);
    Ok(json!({ "event_id": event_id }))
}

/// The human agents and the chats each has now, for the control calls.
pub(crate) fn agents_doc(shared: &Shared) -> Value {
    let store = lock(&shared.store);
    let agents: Vec<Value> = store
        .humans
        .iter()
        .map(|h| {
            let chats: Vec<&str> =
                store.chats.all().iter().filter(|c| c.active() && c.bot_id.as_deref() == Some(h.id.as_str())).map(|c| c.id.as_str()).collect();
            json!({ "id": h.id, "name": h.name, "groups": h.groups, "max_chats": h.max_chats, "chats": chats })
        })
        .collect();
    json!({ "agents": agents })
}
