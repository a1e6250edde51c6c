//! Human agents of the emulated license: people in groups, to whom a chat
//! goes when it is transferred to (or started in) a group with no bot that
//! can take it, one chat after another up to their `max_chats`; a chat
//! waits in the queue while all of them are busy. Whoever plays them (a
//! test, the console) answers through `human_seat`.
//!
//! Configured as `"agents": [{"id", "name"?, "groups": [ids],
//! "max_chats"?}]` in the emulator's config.

use crate::emulator::chats::Candidate;
use crate::error::{Error, Result};
use crate::validate::object;
use serde_json::{json, Map, Value};

/// How many chats a human agent takes at once unless configured.
pub(crate) const DEFAULT_MAX_CHATS: u64 = 2;

/// A human agent.
#[derive(Debug, Clone)]
pub(crate) struct Human {
    pub id: String,
    pub name: String,
    pub groups: Vec<u64>,
    pub max_chats: u64,
}

impl Human {
    /// The agent as routing sees it: always accepting, in its groups at
    /// the `last` priority (a bot that can take the chat is preferred).
    pub fn candidate(&self, seq: u64) -> Candidate {
        let user = json!({
            "id": self.id, "type": "agent", "name": self.name, "email": self.id,
            "present": true, "avatar": "", "visibility": "all",
        });
        Candidate {
            id: self.id.clone(),
            seq,
            accepting: true,
            groups: self.groups.iter().map(|g| (*g, "last".to_owned())).collect(),
            max_chats: self.max_chats,
            user: user.as_object().cloned().unwrap_or_default(),
        }
    }
}

/// Checks one entry of the config's `agents`.
pub(crate) fn check(item: &Value, path: &str) -> Result<()> {
    let o = object(item, path)?;
    o.only(&["id", "name", "groups", "max_chats"])?;
    o.req_str("id")?;
    o.opt_str("name")?;
    o.opt_int("max_chats", 1, 100)?;
    o.req_array("groups", |g, p| g.as_u64().map(|_| ()).ok_or_else(|| Error::validation(format!("{p}: expected a group id"))))
}

/// The agents of the config's `agents` (checked by [`check`]).
pub(crate) fn from_docs(docs: &[Map<String, Value>]) -> Vec<Human> {
    docs.iter()
        .map(|d| Human {
            id: d.get("id").and_then(Value::as_str).unwrap_or_default().to_owned(),
            name: d.get("name").and_then(Value::as_str).unwrap_or("Agent").to_owned(),
            groups: d.get("groups").and_then(Value::as_array).into_iter().flatten().filter_map(Value::as_u64).collect(),
            max_chats: d.get("max_chats").and_then(Value::as_u64).unwrap_or(DEFAULT_MAX_CHATS),
        })
        .collect()
}
