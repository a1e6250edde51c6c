//! The customer pressing a rich message's button: the control call behind
//! `Emulator::press_button` (C `lcbot_emulator_press_button`, the console's
//! buttons). As LiveChat does, the click toggles the customer in the
//! button's `user_ids`, tells the chat's bots `incoming_rich_message_postback`
//! and, for a `message` button pressed on, makes the customer say the
//! button's value in a message that carries `postback`.

use crate::emulator::control::unknown_chat;
use crate::emulator::delivery;
use crate::emulator::outbox::Happening;
use crate::emulator::state::{lock, Shared};
use crate::error::{Error, Result};
use crate::validate::object;
use serde_json::{json, Value};
use std::sync::Arc;

/// The work of `Emulator::press_button`.
pub(crate) fn press_button(shared: &Arc<Shared>, request: &Value) -> Result<Value> {
    let o = object(request, "request")?;
    o.only(&["chat_id", "event_id", "button_id"])?;
    let (chat_id, event_id, button_id) = (o.req_str("chat_id")?, o.req_str("event_id")?, o.req_str("button_id")?);
    let mut store = lock(&shared.store);
    let chat = store.chats.get_mut(chat_id).ok_or_else(|| unknown_chat(chat_id))?;
    if !chat.active() {
        return Err(Error::validation(format!("chat_inactive: chat {chat_id} is not active")));
    }
    let customer_id = chat.customer_id.clone();
    let (thread_id, button) = {
        let Some((thread_id, thread)) = chat.threads.iter_mut().find_map(|t| {
            let id = t.id.clone();
            t.events.iter_mut().find(|e| e.doc["id"] == event_id).map(|e| (id, e))
        }) else {
            return Err(Error::validation(format!("event_id: no event {event_id} in chat {chat_id}")));
        };
        let button = thread
            .doc
            .get_mut("elements")
            .and_then(Value::as_array_mut)
            .into_iter()
            .flatten()
            .filter_map(|element| element.get_mut("buttons").and_then(Value::as_array_mut))
            .flatten()
            .find(|b| b["postback_id"] == button_id)
            .ok_or_else(|| Error::validation(format!("button_id: no button {button_id} in event {event_id}")))?;
        // A press toggles: pressed again, the customer takes it back.
        let users = button.as_object_mut().map(|b| b.entry("user_ids").or_insert_with(|| json!([])));
        let toggled = match users.and_then(Value::as_array_mut) {
            Some(ids) if ids.iter().any(|id| id == customer_id.as_str()) => {
                ids.retain(|id| id != customer_id.as_str());
                false
            }
            Some(ids) => {
                ids.push(json!(customer_id));
                true
            }
            None => true,
        };
        (thread_id, (button.clone(), toggled))
    };
    let (button, toggled) = button;
    store.notify(Happening::RichMessagePostback {
        chat_id: chat_id.to_owned(),
        thread_id: thread_id.clone(),
        event_id: event_id.to_owned(),
        user_id: customer_id.clone(),
        postback_id: button_id.to_owned(),
        toggled,
        button_type: button["type"].as_str().unwrap_or_default().to_owned(),
        button_value: button["value"].as_str().unwrap_or_default().to_owned(),
    });
    let mut said = None;
    if toggled && button["type"] == "message" {
        let value = button["value"].clone();
        let fields = json!({
            "type": "message", "text": value, "visibility": "all",
            "postback": { "id": button_id, "thread_id": thread_id, "event_id": event_id, "type": "message", "value": value },
        });
        let chat = store.chats.get_mut(chat_id).ok_or_else(|| unknown_chat(chat_id))?;
        let event = chat.add_event(fields.as_object().expect("an object"), &customer_id, "customer");
        let id = event["id"].as_str().unwrap_or_default().to_owned();
        store.notify(Happening::IncomingEvent { chat_id: chat_id.to_owned(), event_id: id.clone() });
        said = Some(id);
    }
    drop(store);
    delivery::flush(shared);
    Ok(json!({ "toggled": toggled, "event_id": said }))
}
