//! Typed webhook events for Rust callers: the actions a bot lives on get a
//! struct each; every other action, and every field not named here, stays
//! JSON. Also a framework-neutral receiver: (method, body) in, (status,
//! body) out.

use crate::error::{ErrorCode, Result};
use crate::webhooks::verify::{verify, WebhookSecrets};
use serde::Deserialize;
use serde_json::{Map, Value};

/// A normalized webhook (see [`crate::webhooks::verify::verify`]).
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct WebhookEvent {
    /// Today's name of the action (v3.2+ names), whatever version sent it.
    pub action: String,
    /// The action's name as the sending version spelled it.
    pub action_as_sent: String,
    /// The registered webhook's id, when sent.
    pub webhook_id: Option<String>,
    /// The license (v3.2 to v3.3).
    pub license_id: Option<i64>,
    /// The organization (v3.4+).
    pub organization_id: Option<String>,
    /// The event itself (under `data` in v3.0, `payload` later); see [`WebhookEvent::typed_payload`].
    pub payload: Value,
    /// What the webhook asked LiveChat to add (`chat_properties`, ...), or null.
    pub additional_data: Value,
    /// The same for every delivery of one event: LiveChat retries.
    pub dedupe_key: String,
}

/// The payloads with a type of their own; `Other` keeps the rest as JSON.
#[derive(Debug, Clone, PartialEq)]
pub enum Payload {
    /// `incoming_chat`.
    IncomingChat(IncomingChat),
    /// `incoming_event`.
    IncomingEvent(ChatEvent),
    /// `event_updated`.
    EventUpdated(ChatEvent),
    /// `incoming_rich_message_postback`.
    IncomingRichMessagePostback(RichMessagePostback),
    /// `chat_deactivated`.
    ChatDeactivated(ChatDeactivated),
    /// `chat_transferred`.
    ChatTransferred(ChatTransferred),
    /// `routing_status_set`.
    RoutingStatusSet(RoutingStatusSet),
    /// `user_added_to_chat`.
    UserAddedToChat(ChatUserChange),
    /// `user_removed_from_chat`.
    UserRemovedFromChat(ChatUserChange),
    /// Any other action, or a payload that does not fit its type: as sent.
    Other(Value),
}

/// `incoming_chat`: a chat started (or a new thread began).
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct IncomingChat {
    /// The chat with its `id`, `users` and current `thread`.
    pub chat: Value,
    /// The fields not named above, as sent.
    #[serde(flatten)]
    pub other: Map<String, Value>,
}

/// `incoming_event` and `event_updated`: a message or other event in a chat.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct ChatEvent {
    /// The chat.
    pub chat_id: String,
    /// The thread, when sent.
    pub thread_id: Option<String>,
    /// The event: `id`, `type` (`message`, `file`, ...), `text`, `author_id`, ...
    pub event: Value,
    /// The fields not named above, as sent.
    #[serde(flatten)]
    pub other: Map<String, Value>,
}

/// `incoming_rich_message_postback`: a customer pressed a button.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct RichMessagePostback {
    /// The user it concerns, when sent.
    pub user_id: Option<String>,
    /// The chat.
    pub chat_id: String,
    /// The thread, when sent.
    pub thread_id: Option<String>,
    /// The rich message's event.
    pub event_id: Option<String>,
    /// `id`, `toggled`, and what the button carried.
    pub postback: Value,
    /// The fields not named above, as sent.
    #[serde(flatten)]
    pub other: Map<String, Value>,
}

/// `chat_deactivated`: the chat ended.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct ChatDeactivated {
    /// The chat.
    pub chat_id: String,
    /// The thread, when sent.
    pub thread_id: Option<String>,
    /// The user it concerns, when sent.
    pub user_id: Option<String>,
    /// The fields not named above, as sent.
    #[serde(flatten)]
    pub other: Map<String, Value>,
}

/// `chat_transferred`: the chat moved to other agents or groups.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct ChatTransferred {
    /// The chat.
    pub chat_id: String,
    /// The thread, when sent.
    pub thread_id: Option<String>,
    /// Who asked for it, when sent.
    pub requester_id: Option<String>,
    /// Why, when sent.
    pub reason: Option<String>,
    /// Where the chat went: `agent_ids` and/or `group_ids`.
    pub transferred_to: Option<Value>,
    /// The queue the chat waits in, when it waits.
    pub queue: Option<Value>,
    /// The fields not named above, as sent.
    #[serde(flatten)]
    pub other: Map<String, Value>,
}

/// `routing_status_set`: an agent's or bot's routing status changed.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct RoutingStatusSet {
    /// The agent or bot.
    pub agent_id: String,
    /// `accepting_chats`, `not_accepting_chats`, `offline` (with spaces before v3.2).
    pub status: String,
    /// The fields not named above, as sent.
    #[serde(flatten)]
    pub other: Map<String, Value>,
}

/// `user_added_to_chat` and `user_removed_from_chat`.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct ChatUserChange {
    /// The chat.
    pub chat_id: String,
    /// The thread, when sent.
    pub thread_id: Option<String>,
    /// The whole user (added), when sent.
    pub user: Option<Value>,
    /// The user's id (removed), when sent.
    pub user_id: Option<String>,
    /// `customer` or `agent`, when sent.
    pub user_type: Option<String>,
    /// Why, when sent.
    pub reason: Option<String>,
    /// Who asked for it, when sent.
    pub requester_id: Option<String>,
    /// The fields not named above, as sent.
    #[serde(flatten)]
    pub other: Map<String, Value>,
}

impl WebhookEvent {
    /// Checks and reads a body (see [`crate::webhooks::verify::verify`]).
    pub fn verify(body: &[u8], secrets: &WebhookSecrets, max_body_bytes: usize) -> Result<WebhookEvent> {
        let doc = verify(body, secrets, max_body_bytes)?;
        serde_json::from_value(doc).map_err(|e| crate::Error::validation(format!("body: {e}")))
    }

    /// The payload, typed for the actions that have a type; a payload that
    /// does not fit its action's type stays JSON rather than failing.
    pub fn typed_payload(&self) -> Payload {
        fn typed<T: serde::de::DeserializeOwned>(v: &Value, wrap: fn(T) -> Payload) -> Payload {
            serde_json::from_value(v.clone()).map(wrap).unwrap_or_else(|_| Payload::Other(v.clone()))
        }
        let p = &self.payload;
        match self.action.as_str() {
            "incoming_chat" => typed(p, Payload::IncomingChat),
            "incoming_event" => typed(p, Payload::IncomingEvent),
            "event_updated" => typed(p, Payload::EventUpdated),
            "incoming_rich_message_postback" => typed(p, Payload::IncomingRichMessagePostback),
            "chat_deactivated" => typed(p, Payload::ChatDeactivated),
            "chat_transferred" => typed(p, Payload::ChatTransferred),
            "routing_status_set" => typed(p, Payload::RoutingStatusSet),
            "user_added_to_chat" => typed(p, Payload::UserAddedToChat),
            "user_removed_from_chat" => typed(p, Payload::UserRemovedFromChat),
            _ => Payload::Other(p.clone()),
        }
    }
}

/// A receiver without a web framework: give it the request's method and
/// body, get the HTTP status and body to answer. 405 for a method other than
/// POST, 413 over the cap, 400 malformed, 401 a wrong secret, 500 when
/// `handle` fails (so that LiveChat retries), 200 when it succeeds. (An
/// empty list of secrets cannot reach here: `WebhookSecrets::new` refuses
/// it.) The answer never contains a secret.
pub fn respond<E: std::fmt::Display>(
    method: &str,
    body: &[u8],
    secrets: &WebhookSecrets,
    max_body_bytes: usize,
    handle: impl FnOnce(&WebhookEvent) -> std::result::Result<(), E>,
) -> (u16, String) {
    let answer = |status: u16, message: &str| (status, serde_json::json!({ "error": message }).to_string());
    if !method.eq_ignore_ascii_case("POST") {
        return answer(405, "only POST is accepted");
    }
    match WebhookEvent::verify(body, secrets, max_body_bytes) {
        Ok(event) => match handle(&event) {
            Ok(()) => (200, "{}".to_owned()),
            Err(e) => answer(500, &format!("the receiver failed: {e}")),
        },
        Err(e) => {
            let status = match e.code {
                ErrorCode::SecretMismatch => 401,
                ErrorCode::TooLarge => 413,
                _ => 400,
            };
            answer(status, &e.message)
        }
    }
}
