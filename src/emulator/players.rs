//! The [`Emulator`] methods that play the customer's clicks on rich
//! messages and the human agents: kept apart from the work they call
//! (`postback`, `human_seat`) so that the console, which calls that work
//! too, does not import the `Emulator` itself.

use crate::emulator::human_seat::{agent_send_message, agents_doc};
use crate::emulator::postback::press_button;
use crate::emulator::Emulator;
use crate::error::Result;
use serde_json::Value;

impl Emulator {
    /// Plays the customer pressing a button: `{chat_id, event_id,
    /// button_id}` (the button's `postback_id`) -> `{toggled, event_id}`
    /// (`event_id`: the customer's message a `message` button made, or
    /// null).
    pub fn press_button(&self, request: &Value) -> Result<Value> {
        press_button(&self.shared, request)
    }

    /// [`Emulator::press_button`] on JSON text.
    pub fn press_button_json(&self, request_json: &str) -> Result<String> {
        self.press_button(&crate::json::parse_strict(request_json, "request_json")?).map(|v| v.to_string())
    }

    /// Plays a human agent writing in a chat they were routed:
    /// `{chat_id, agent_id, text}` -> `{event_id}`.
    pub fn agent_send_message(&self, request: &Value) -> Result<Value> {
        agent_send_message(&self.shared, request)
    }

    /// [`Emulator::agent_send_message`] on JSON text.
    pub fn agent_send_message_json(&self, request_json: &str) -> Result<String> {
        self.agent_send_message(&crate::json::parse_strict(request_json, "request_json")?).map(|v| v.to_string())
    }

    /// `{"agents": [{id, name, groups, max_chats, chats: [chat ids now]}]}`:
    /// the human agents and the active chats each has.
    pub fn agents(&self) -> Value {
        agents_doc(&self.shared)
    }
}
