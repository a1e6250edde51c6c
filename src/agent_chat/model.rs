//! The Agent Chat documents a bot reads, in today's (v3.6) shape. Fields
//! this library does not name are kept in `other`, so nothing LiveChat
//! sends is lost.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// One event of a thread: a message, a rich message, a system message...
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Event {
    pub id: String,
    #[serde(rename = "type")]
    pub kind: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub author_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub created_at: Option<String>,
    /// `all` or `agents` (`recipients` before v3.4, renamed here).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub visibility: Option<String>,
    #[serde(flatten)]
    pub other: Map<String, Value>,
}

/// A user of a chat: the customer, an agent or a bot (bots are `agent`s).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ChatUser {
    pub id: String,
    #[serde(rename = "type")]
    pub kind: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub present: Option<bool>,
    #[serde(flatten)]
    pub other: Map<String, Value>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Thread {
    pub id: String,
    #[serde(default)]
    pub active: bool,
    #[serde(default)]
    pub user_ids: Vec<String>,
    #[serde(default)]
    pub events: Vec<Event>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub created_at: Option<String>,
    #[serde(flatten)]
    pub other: Map<String, Value>,
}

/// `get_chat`: a chat with one thread.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Chat {
    pub id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub thread: Option<Thread>,
    #[serde(default)]
    pub users: Vec<ChatUser>,
    #[serde(flatten)]
    pub other: Map<String, Value>,
}

/// An entry of `list_chats`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ChatSummary {
    pub id: String,
    #[serde(default)]
    pub users: Vec<ChatUser>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_thread_summary: Option<Value>,
    #[serde(flatten)]
    pub other: Map<String, Value>,
}

/// One page of `list_chats`; `next_page_id` asks for the next.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ChatPage {
    pub chats_summary: Vec<ChatSummary>,
    #[serde(default)]
    pub found_chats: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_page_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub previous_page_id: Option<String>,
}

/// An entry of `list_routing_statuses`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RoutingStatus {
    pub agent_id: String,
    pub status: String,
}
