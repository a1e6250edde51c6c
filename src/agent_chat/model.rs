//! The Agent Chat documents a bot reads, in today's (v3.6) shape. Fields
//! this library does not name are kept in `other`, so nothing LiveChat
//! sends is lost.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// One event of a thread: a message, a rich message, a system message...
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Event {
    /// The id.
    pub id: String,
    /// `type`: `message`, `rich_message`, `system_message`, `file`, ...
    #[serde(rename = "type")]
    pub kind: String,
    /// The text, for messages.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
    /// Who sent it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub author_id: Option<String>,
    /// When (RFC 3339).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub created_at: Option<String>,
    /// `all` or `agents` (`recipients` before v3.4, renamed here).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub visibility: Option<String>,
    /// The fields not named above, as sent.
    #[serde(flatten)]
    pub other: Map<String, Value>,
}

/// A user of a chat: the customer, an agent or a bot (bots are `agent`s).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ChatUser {
    /// The id.
    pub id: String,
    /// `type`: `customer` or `agent` (bots are agents).
    #[serde(rename = "type")]
    pub kind: String,
    /// The name shown in the chat.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Whether the user is in the chat now.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub present: Option<bool>,
    /// The fields not named above, as sent.
    #[serde(flatten)]
    pub other: Map<String, Value>,
}

/// A thread of a chat: its events from one start to one end.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Thread {
    /// The id.
    pub id: String,
    /// Whether the thread is still going.
    #[serde(default)]
    pub active: bool,
    /// The users in the thread.
    #[serde(default)]
    pub user_ids: Vec<String>,
    /// Its events, oldest first.
    #[serde(default)]
    pub events: Vec<Event>,
    /// When it started (RFC 3339).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub created_at: Option<String>,
    /// The fields not named above, as sent.
    #[serde(flatten)]
    pub other: Map<String, Value>,
}

/// `get_chat`: a chat with one thread.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Chat {
    /// The id.
    pub id: String,
    /// The chat's current (or last) thread.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub thread: Option<Thread>,
    /// The users of the chat.
    #[serde(default)]
    pub users: Vec<ChatUser>,
    /// The fields not named above, as sent.
    #[serde(flatten)]
    pub other: Map<String, Value>,
}

/// An entry of `list_chats`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ChatSummary {
    /// The id.
    pub id: String,
    /// The users of the chat.
    #[serde(default)]
    pub users: Vec<ChatUser>,
    /// The last thread's summary, as sent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_thread_summary: Option<Value>,
    /// The fields not named above, as sent.
    #[serde(flatten)]
    pub other: Map<String, Value>,
}

/// One page of `list_chats`; `next_page_id` asks for the next.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ChatPage {
    /// The chats of this page.
    pub chats_summary: Vec<ChatSummary>,
    /// How many chats match, when sent.
    #[serde(default)]
    pub found_chats: Option<u64>,
    /// The page after this one, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_page_id: Option<String>,
    /// The page before this one, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub previous_page_id: Option<String>,
}

/// An entry of `list_routing_statuses`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RoutingStatus {
    /// The agent or bot.
    pub agent_id: String,
    /// `accepting_chats`, `not_accepting_chats` or `offline`.
    pub status: String,
}
