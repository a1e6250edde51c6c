//! The Configuration API's webhook registry (`register_webhook`,
//! `list_webhooks`, `unregister_webhook`, v3.3+): what is registered, for
//! whom, with the API's checks. Delivery reads from here.

use crate::emulator::store::{new_id, ApiFailure};
use crate::validate::{object, string_item};
use crate::version::ApiVersion;
use serde_json::{json, Map, Value};

/// The actions a webhook may be registered for (the v3.6 table).
pub const TRIGGERING_ACTIONS: [&str; 38] = [
    "incoming_chat",
    "chat_deactivated",
    "chat_access_updated",
    "chat_transferred",
    "user_added_to_chat",
    "user_removed_from_chat",
    "incoming_event",
    "event_deleted",
    "event_updated",
    "incoming_rich_message_postback",
    "chat_properties_updated",
    "chat_properties_deleted",
    "thread_properties_updated",
    "thread_properties_deleted",
    "event_properties_updated",
    "event_properties_deleted",
    "thread_tagged",
    "thread_untagged",
    "routing_status_set",
    "customer_session_fields_updated",
    "events_marked_as_seen",
    "group_created",
    "group_updated",
    "group_deleted",
    "agent_created",
    "agent_updated",
    "agent_deleted",
    "agent_suspended",
    "agent_unsuspended",
    "agent_approved",
    "bot_created",
    "bot_updated",
    "bot_deleted",
    "auto_accesses_updated",
    "tag_created",
    "tag_deleted",
    "tag_updated",
    "thread_summary_set",
];

/// The scope the three registry actions need.
pub const SCOPE_WEBHOOKS_RW: &str = "webhooks.configuration:rw";

/// At most this many webhooks per owner and action.
pub const PER_OWNER_AND_ACTION: usize = 3;
const MAX_URL_CHARS: usize = 500;

#[derive(Default)]
pub struct Webhooks {
    /// In registration order; each in the `list_webhooks` shape.
    list: Vec<Map<String, Value>>,
    /// The API version each was registered in (its deliveries' body shape).
    versions: Vec<ApiVersion>,
}

fn invalid(e: crate::Error) -> ApiFailure {
    ApiFailure::new(400, "validation", e.message)
}

fn owner_must_be(caller_client_id: &str, owner: &str) -> Result<(), ApiFailure> {
    if owner == caller_client_id {
        Ok(())
    } else {
        Err(ApiFailure::new(403, "authorization", "owner_client_id: not the client of this token"))
    }
}

impl Webhooks {
    /// Every registered webhook (secret keys included: they are the user's).
    pub fn all(&self) -> Vec<Value> {
        self.list.iter().cloned().map(Value::Object).collect()
    }

    /// The `type: "bot"` webhooks, with the version each was registered in.
    pub fn bot_hooks(&self) -> impl Iterator<Item = (&Map<String, Value>, ApiVersion)> {
        self.list.iter().zip(self.versions.iter().copied()).filter(|(w, _)| w["type"] == "bot")
    }

    pub fn register(&mut self, caller_client_id: &str, version: ApiVersion, request: &Value) -> Result<Value, ApiFailure> {
        let o = object(request, "").map_err(invalid)?;
        o.only(&["action", "secret_key", "url", "type", "owner_client_id", "additional_data", "description", "filters"])
            .map_err(invalid)?;
        let action = o.req_enum("action", &TRIGGERING_ACTIONS).map_err(invalid)?;
        o.req_str("secret_key").map_err(invalid)?;
        let url = o.req_str("url").map_err(invalid)?;
        if url.chars().count() > MAX_URL_CHARS {
            return Err(ApiFailure::new(400, "validation", format!("url: at most {MAX_URL_CHARS} characters")));
        }
        if !(url.starts_with("http://") || url.starts_with("https://")) {
            return Err(ApiFailure::new(400, "validation", "url: must start with http:// or https://"));
        }
        o.req_enum("type", &["bot", "license"]).map_err(invalid)?;
        let owner = o.req_str("owner_client_id").map_err(invalid)?;
        o.opt_array("additional_data", |item, path| {
            string_item(item, path)?;
            match item.as_str() {
                Some("chat_properties" | "chat_presence_user_ids") => Ok(()),
                _ => Err(crate::Error::validation(format!(
                    "{path}: expected one of chat_properties, chat_presence_user_ids; got {}",
                    crate::validate::describe(item)
                ))),
            }
        })
        .map_err(invalid)?;
        o.opt_str("description").map_err(invalid)?;
        o.opt_object("filters").map_err(invalid)?;
        owner_must_be(caller_client_id, owner)?;
        let same = self.list.iter().filter(|w| w["owner_client_id"] == owner && w["action"] == action).count();
        if same >= PER_OWNER_AND_ACTION {
            return Err(ApiFailure::new(
                400,
                "limit_reached",
                format!("At most {PER_OWNER_AND_ACTION} webhooks per client and action"),
            ));
        }
        let id = new_id();
        let mut hook = Map::new();
        hook.insert("id".into(), json!(id));
        for key in ["url", "description", "action", "secret_key", "filters", "owner_client_id", "type", "additional_data"] {
            if let Some(v) = request.get(key) {
                hook.insert(key.into(), v.clone());
            }
        }
        self.list.push(hook);
        self.versions.push(version);
        Ok(json!({ "id": id }))
    }

    pub fn list(&self, caller_client_id: &str, request: &Value) -> Result<Value, ApiFailure> {
        let o = object(request, "").map_err(invalid)?;
        o.only(&["owner_client_id"]).map_err(invalid)?;
        let owner = o.req_str("owner_client_id").map_err(invalid)?;
        owner_must_be(caller_client_id, owner)?;
        Ok(Value::Array(self.list.iter().filter(|w| w["owner_client_id"] == owner).cloned().map(Value::Object).collect()))
    }

    pub fn unregister(&mut self, caller_client_id: &str, request: &Value) -> Result<Value, ApiFailure> {
        let o = object(request, "").map_err(invalid)?;
        o.only(&["id", "owner_client_id"]).map_err(invalid)?;
        let id = o.req_str("id").map_err(invalid)?;
        let owner = o.req_str("owner_client_id").map_err(invalid)?;
        owner_must_be(caller_client_id, owner)?;
        let at = self
            .list
            .iter()
            .position(|w| w["id"] == id && w["owner_client_id"] == owner)
            .ok_or_else(|| ApiFailure::new(404, "not_found", "Webhook not found"))?;
        self.list.remove(at);
        self.versions.remove(at);
        Ok(json!({}))
    }
}
