//! The emulated license's bots and what each action does to them, with the
//! real API's ownership and scope rules.

use crate::actions::{Action, DEFAULT_MAX_CHATS_COUNT, DETAILS_FIELDS, SUMMARY_FIELDS};
use crate::emulator::config::TokenGrant;
use serde_json::{json, Map, Value};
use std::collections::HashMap;

/// An answer the API gives as an error: HTTP status, `type`, `message`, `data`.
#[derive(Debug, Clone, PartialEq)]
pub struct ApiFailure {
    pub status: u16,
    pub error_type: String,
    pub message: String,
    /// Boxed: rare, and it keeps every `Result` of the emulator small.
    pub data: Option<Box<Value>>,
}

impl ApiFailure {
    pub fn new(status: u16, error_type: &str, message: impl Into<String>) -> Self {
        ApiFailure { status, error_type: error_type.to_owned(), message: message.into(), data: None }
    }

    pub fn body(&self) -> Value {
        let mut error = json!({ "type": self.error_type, "message": self.message });
        if let Some(data) = &self.data {
            error["data"] = (**data).clone();
        }
        json!({ "error": error })
    }
}

struct StoredBot {
    /// Creation order, for stable listings.
    seq: u64,
    /// The `bot_agent` document of `get_bot_agent_details`.
    doc: Map<String, Value>,
}

impl StoredBot {
    fn owner(&self) -> &str {
        self.doc["application"]["client_id"].as_str().unwrap_or_default()
    }
}

#[derive(Default)]
pub struct Store {
    bots: HashMap<String, StoredBot>,
    next_seq: u64,
}

/// A fresh id: 32 lowercase hex characters, like the real API's.
pub fn new_id() -> String {
    format!("{:032x}", fastrand::u128(..))
}

/// The fields a create may set: the details' fields but the two the server fills.
fn settable_fields() -> impl Iterator<Item = &'static str> {
    DETAILS_FIELDS.into_iter().filter(|k| !matches!(*k, "id" | "application"))
}

impl Store {
    /// Adds a bot in the details shape; fills `id`, `application`, defaults.
    pub fn insert(&mut self, mut fields: Map<String, Value>, owner: &str) -> String {
        let id = match fields.remove("id").and_then(|v| v.as_str().map(str::to_owned)) {
            Some(id) => id,
            None => new_id(),
        };
        let owner = fields
            .remove("application")
            .and_then(|a| a["client_id"].as_str().map(str::to_owned))
            .unwrap_or_else(|| owner.to_owned());
        let mut doc = Map::new();
        doc.insert("id".into(), json!(id));
        for key in ["name", "avatar", "status"] {
            if let Some(v) = fields.remove(key) {
                doc.insert(key.into(), v);
            }
        }
        doc.insert("application".into(), json!({ "client_id": owner }));
        doc.insert("max_chats_count".into(), fields.remove("max_chats_count").unwrap_or(json!(DEFAULT_MAX_CHATS_COUNT)));
        doc.insert("groups".into(), fields.remove("groups").unwrap_or(json!([])));
        for (key, v) in fields {
            doc.insert(key, v);
        }
        self.next_seq += 1;
        self.bots.insert(id.clone(), StoredBot { seq: self.next_seq, doc });
        id
    }

    /// Every bot in the details shape, in creation order.
    pub fn snapshot(&self) -> Vec<Value> {
        let mut bots: Vec<&StoredBot> = self.bots.values().collect();
        bots.sort_by_key(|b| b.seq);
        bots.into_iter().map(|b| Value::Object(b.doc.clone())).collect()
    }

    /// Runs a validated request for `grant`.
    pub fn apply(&mut self, grant: &TokenGrant, action: Action, request: &Value) -> Result<Value, ApiFailure> {
        let (own_scope, all_scope) = action.scopes();
        require(grant, own_scope)?;
        match action {
            Action::CreateBotAgent => {
                let mut fields = Map::new();
                for key in settable_fields() {
                    if let Some(v) = request.get(key) {
                        fields.insert(key.into(), v.clone());
                    }
                }
                let owner = request.get("owner_client_id").and_then(Value::as_str).unwrap_or(&grant.client_id);
                let id = self.insert(fields, owner);
                // The secret a v3.5+ bot gets its token with, shown once.
                // Not kept: the emulator serves no issue_bot_token yet.
                Ok(json!({ "bot_agent_id": id, "bot_secret": new_id() }))
            }
            Action::GetBotAgents => {
                let all = request.get("all").and_then(Value::as_bool).unwrap_or(false);
                if all {
                    require(grant, all_scope)?;
                }
                let mut bots: Vec<&StoredBot> =
                    self.bots.values().filter(|b| all || b.owner() == grant.client_id).collect();
                bots.sort_by_key(|b| b.seq);
                // v3.3+ `fields` asks for more than the summary.
                let extra: Vec<&str> = request
                    .get("fields")
                    .and_then(Value::as_array)
                    .map(|f| f.iter().filter_map(Value::as_str).collect())
                    .unwrap_or_default();
                let list: Vec<Value> = bots
                    .into_iter()
                    .map(|b| {
                        let summary: Map<String, Value> = b
                            .doc
                            .iter()
                            .filter(|(k, _)| SUMMARY_FIELDS.contains(&k.as_str()) || extra.contains(&k.as_str()))
                            .map(|(k, v)| (k.clone(), v.clone()))
                            .collect();
                        Value::Object(summary)
                    })
                    .collect();
                Ok(json!({ "bot_agents": list }))
            }
            Action::GetBotAgentDetails => {
                let bot = self.find(grant, request["bot_agent_id"].as_str().unwrap_or_default(), all_scope)?;
                Ok(json!({ "bot_agent": Value::Object(bot.doc.clone()) }))
            }
            Action::UpdateBotAgent => {
                let id = request["id"].as_str().unwrap_or_default().to_owned();
                self.find(grant, &id, all_scope)?;
                let bot = self.bots.get_mut(&id).expect("found above");
                for (key, v) in request.as_object().into_iter().flatten() {
                    if key != "id" && key != "fields" {
                        bot.doc.insert(key.clone(), v.clone());
                    }
                }
                Ok(json!({}))
            }
            Action::RemoveBotAgent => {
                let id = request["bot_agent_id"].as_str().unwrap_or_default().to_owned();
                self.find(grant, &id, all_scope)?;
                self.bots.remove(&id);
                Ok(json!({}))
            }
        }
    }

    /// The bot `id`, if it exists and `grant` may touch it: its own bots with
    /// the `my` scope, others' only with `all_scope`.
    fn find(&self, grant: &TokenGrant, id: &str, all_scope: &str) -> Result<&StoredBot, ApiFailure> {
        let bot = self.bots.get(id).ok_or_else(|| ApiFailure::new(404, "not_found", format!("Bot agent {id} not found")))?;
        if bot.owner() != grant.client_id {
            require(grant, all_scope)?;
        }
        Ok(bot)
    }
}

fn require(grant: &TokenGrant, scope: &str) -> Result<(), ApiFailure> {
    if grant.has_scope(scope) {
        Ok(())
    } else {
        Err(ApiFailure::new(403, "authorization", format!("Missing required scope: {scope}")))
    }
}
