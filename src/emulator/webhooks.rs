//! The Configuration API's webhook registry (`register_webhook`,
//! `list_webhooks`, `unregister_webhook`, v3.3+): what is registered, for
//! whom, with the API's checks. Delivery reads from here.

use crate::emulator::failure::{new_id, ApiFailure};
use crate::configuration::bot_admin::AdminAction;
use crate::version::ApiVersion;
use serde_json::{json, Map, Value};

/// The scope the three registry actions need.
pub const SCOPE_WEBHOOKS_RW: &str = "webhooks.configuration:rw";

/// At most this many webhooks per owner and action.
pub const PER_OWNER_AND_ACTION: usize = 3;

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
        // The client's own rules: the emulator refuses what the client would.
        AdminAction::RegisterWebhook.validate_request(version, request).map_err(invalid)?;
        let action = request["action"].as_str().unwrap_or_default();
        let owner = request["owner_client_id"].as_str().unwrap_or_default();
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

    pub fn list(&self, caller_client_id: &str, version: ApiVersion, request: &Value) -> Result<Value, ApiFailure> {
        AdminAction::ListWebhooks.validate_request(version, request).map_err(invalid)?;
        let owner = request["owner_client_id"].as_str().unwrap_or_default();
        owner_must_be(caller_client_id, owner)?;
        Ok(Value::Array(self.list.iter().filter(|w| w["owner_client_id"] == owner).cloned().map(Value::Object).collect()))
    }

    pub fn unregister(&mut self, caller_client_id: &str, version: ApiVersion, request: &Value) -> Result<Value, ApiFailure> {
        AdminAction::UnregisterWebhook.validate_request(version, request).map_err(invalid)?;
        let id = request["id"].as_str().unwrap_or_default();
        let owner = request["owner_client_id"].as_str().unwrap_or_default();
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
