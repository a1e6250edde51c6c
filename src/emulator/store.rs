//! The emulated license's state, in one place: its bots and what each bot
//! action does to them (with the real API's ownership and scope rules), its
//! chats, bot tokens and webhook registry, and the webhook deliveries each
//! change plans (in its outbox, for `delivery` to send).

use crate::configuration::actions::{Action, DEFAULT_MAX_CHATS_COUNT, DETAILS_FIELDS, SUMMARY_FIELDS};
use crate::emulator::bot_tokens::{new_secret, BotTokens, DEFAULT_LIFETIME};
use crate::emulator::chats::{Candidate, Chats};
use crate::emulator::config::{TokenGrant, DEFAULT_ORGANIZATION_ID};
use crate::emulator::failure::{new_id, require, ApiFailure};
use crate::emulator::humans::Human;
use crate::emulator::outbox::{plan, Happening, License, Outgoing};
use crate::emulator::templates::Templates;
use crate::emulator::webhooks::Webhooks;
use crate::version::ApiVersion;
use serde_json::{json, Map, Value};
use std::collections::HashMap;

struct StoredBot {
    /// Creation order, for stable listings.
    seq: u64,
    /// The `bot_agent` document of `get_bot_agent_details`.
    doc: Map<String, Value>,
    /// What `issue_bot_token` checks; never in a listing or a log.
    secret: String,
}

impl StoredBot {
    fn owner(&self) -> &str {
        self.doc["application"]["client_id"].as_str().unwrap_or_default()
    }
}

/// The license's state: bots, chats, bot tokens and webhooks, all behind
/// one lock so that a routing decision sees bots and chats at once.
pub(crate) struct Store {
    bots: HashMap<String, StoredBot>,
    next_seq: u64,
    pub chats: Chats,
    pub bot_tokens: BotTokens,
    pub webhooks: Webhooks,
    /// Bot templates (v3.5+) and the applications installed.
    pub templates: Templates,
    pub organization_id: String,
    pub bot_token_lifetime: std::time::Duration,
    /// Webhook deliveries planned and not yet handed to the runtime.
    pub outbox: Vec<Outgoing>,
    /// The version a bot's config webhooks (v3.0-3.2) were set in.
    webhook_versions: HashMap<String, ApiVersion>,
    /// The human agents, routed chats after the bots.
    pub humans: Vec<Human>,
}

impl Default for Store {
    fn default() -> Self {
        Store {
            bots: HashMap::new(),
            next_seq: 0,
            chats: Chats::default(),
            bot_tokens: BotTokens::default(),
            webhooks: Webhooks::default(),
            templates: Templates::default(),
            organization_id: DEFAULT_ORGANIZATION_ID.to_owned(),
            bot_token_lifetime: DEFAULT_LIFETIME,
            outbox: Vec::new(),
            webhook_versions: HashMap::new(),
            humans: Vec::new(),
        }
    }
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
        self.bots.insert(id.clone(), StoredBot { seq: self.next_seq, doc, secret: new_secret() });
        id
    }

    /// The bot `id` in the details shape.
    pub fn bot(&self, id: &str) -> Option<&Map<String, Value>> {
        self.bots.get(id).map(|b| &b.doc)
    }

    /// The client that owns the bot `id`.
    pub fn bot_owner(&self, id: &str) -> Option<&str> {
        self.bots.get(id).map(StoredBot::owner)
    }

    /// The bot's current secret.
    pub fn bot_secret(&self, id: &str) -> Option<&str> {
        self.bots.get(id).map(|b| b.secret.as_str())
    }

    /// Gives the bot a new secret and revokes its tokens; returns the secret.
    pub fn reset_secret(&mut self, id: &str) -> Option<String> {
        let bot = self.bots.get_mut(id)?;
        bot.secret = new_secret();
        let secret = bot.secret.clone();
        self.bot_tokens.revoke_bot(id);
        Some(secret)
    }

    /// Sets the bot's secret (a template's, carried to its bots) and revokes its tokens.
    pub fn set_bot_secret(&mut self, id: &str, secret: &str) {
        if let Some(bot) = self.bots.get_mut(id) {
            bot.secret = secret.to_owned();
            self.bot_tokens.revoke_bot(id);
        }
    }

    /// Sets fields of bot `id` (a template's change carried to its bot).
    pub fn patch_bot(&mut self, id: &str, fields: Map<String, Value>) {
        if let Some(bot) = self.bots.get_mut(id) {
            bot.doc.extend(fields);
            self.route();
        }
    }

    /// Removes bot `id` and its tokens, whoever owns it.
    pub fn remove_bot(&mut self, id: &str) {
        self.bots.remove(id);
        self.bot_tokens.revoke_bot(id);
    }

    /// Bot ids in creation order.
    pub fn bot_ids(&self) -> Vec<String> {
        let mut bots: Vec<&StoredBot> = self.bots.values().collect();
        bots.sort_by_key(|b| b.seq);
        bots.into_iter().map(|b| b.doc["id"].as_str().unwrap_or_default().to_owned()).collect()
    }

    /// Sets a bot's routing status (`accepting chats`, with spaces) and
    /// routes what a new free bot can take.
    pub fn set_status(&mut self, id: &str, status: &str) {
        if let Some(bot) = self.bots.get_mut(id) {
            bot.doc.insert("status".into(), json!(status));
        }
        self.notify(Happening::RoutingStatusSet { bot_id: id.to_owned(), status: status.to_owned() });
        self.route();
    }

    /// Plans the webhook deliveries `happening` makes.
    pub fn notify(&mut self, happening: Happening) {
        let planned = plan(self, &happening);
        self.outbox.extend(planned);
    }

    /// Remembers the version a bot's config webhooks were set in.
    pub fn set_webhook_version(&mut self, bot_id: &str, version: ApiVersion) {
        self.webhook_versions.insert(bot_id.to_owned(), version);
    }

    /// The version of a bot's config webhooks (v3.2 for seeded bots).
    pub fn webhook_version(&self, bot_id: &str) -> ApiVersion {
        self.webhook_versions.get(bot_id).copied().unwrap_or(ApiVersion::V3_2)
    }

    /// The bot as a chat user.
    pub fn bot_user(&self, id: &str) -> Map<String, Value> {
        let doc = self.bot(id);
        let field = |k: &str| doc.and_then(|d| d.get(k)).cloned().unwrap_or(json!(""));
        let user = json!({
            "id": id, "type": "agent", "name": field("name"), "email": id,
            "present": true, "avatar": field("avatar"), "visibility": "all",
        });
        user.as_object().cloned().unwrap_or_default()
    }

    /// Every bot as routing sees it.
    pub fn candidates(&self) -> Vec<Candidate> {
        let mut bots: Vec<&StoredBot> = self.bots.values().collect();
        bots.sort_by_key(|b| b.seq);
        bots.into_iter()
            .map(|b| {
                let id = b.doc["id"].as_str().unwrap_or_default();
                let default = b.doc.get("default_group_priority").and_then(Value::as_str).unwrap_or("normal");
                let groups = b.doc.get("groups").and_then(Value::as_array).into_iter().flatten().filter_map(|g| {
                    let priority = g.get("priority").and_then(Value::as_str).unwrap_or(default);
                    Some((g.get("id")?.as_u64()?, priority.to_owned()))
                });
                Candidate {
                    id: id.to_owned(),
                    seq: b.seq,
                    accepting: b.doc.get("status").and_then(Value::as_str) == Some("accepting chats"),
                    groups: groups.collect(),
                    max_chats: b.doc.get("max_chats_count").and_then(Value::as_u64).unwrap_or(DEFAULT_MAX_CHATS_COUNT as u64),
                    user: self.bot_user(id),
                }
            })
            .chain(self.humans.iter().enumerate().map(|(i, h)| h.candidate(u64::MAX - self.humans.len() as u64 + i as u64)))
            .collect()
    }

    /// Hands queued chats to bots that can take them now: after anything
    /// that may free a slot or bring a bot online.
    pub fn route(&mut self) -> Vec<(String, String)> {
        let candidates = self.candidates();
        let assigned = self.chats.route_queue(&candidates);
        for (chat_id, bot_id) in &assigned {
            self.notify(Happening::IncomingChat { chat_id: chat_id.clone(), bot_id: bot_id.clone() });
        }
        assigned
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
                // The secret a v3.5+ bot gets its token with (answered from v3.5).
                let secret = self.bot_secret(&id).unwrap_or_default().to_owned();
                self.route();
                Ok(json!({ "bot_agent_id": id, "bot_secret": secret }))
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
                if let Some(status) = request.get("status").and_then(Value::as_str) {
                    self.notify(Happening::RoutingStatusSet { bot_id: id.clone(), status: status.to_owned() });
                }
                // Status, groups or max_chats_count may have made room.
                self.route();
                Ok(json!({}))
            }
            Action::RemoveBotAgent => {
                let id = request["bot_agent_id"].as_str().unwrap_or_default().to_owned();
                self.find(grant, &id, all_scope)?;
                self.remove_bot(&id);
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

/// Planning reads the store through [`License`] (the outbox cannot name the
/// store, which plans as it changes).
impl License for Store {
    fn bot(&self, id: &str) -> Option<&Map<String, Value>> {
        Store::bot(self, id)
    }

    fn bot_owner(&self, id: &str) -> Option<&str> {
        Store::bot_owner(self, id)
    }

    fn webhook_version(&self, bot_id: &str) -> ApiVersion {
        Store::webhook_version(self, bot_id)
    }

    fn chats(&self) -> &Chats {
        &self.chats
    }

    fn webhooks(&self) -> &Webhooks {
        &self.webhooks
    }

    fn organization_id(&self) -> &str {
        &self.organization_id
    }
}
