//! The Configuration API's calls on a [`Client`]: the five Bot Agents
//! actions (typed, and as JSON for the C ABI), the untyped call of any
//! action, and the actions a bot needs beyond the five. Each is validated
//! and shaped for the configured version here, then sent by the `http` core.

use crate::configuration::actions::{check_untyped_call, Action};
use crate::configuration::bot_admin::AdminAction;
use crate::configuration::model::{BotAgent, BotAgentDetails, CreateBotAgent, CreatedBotAgent, UpdateBotAgent};
use crate::configuration::wire::{request_to_wire, response_from_wire};
use crate::error::{Error, Result};
use crate::http::cancel::CallOptions;
use crate::http::client::Client;
use crate::http::config::ClientConfig;
use crate::http::transport::Io;
use crate::json::{from_answer as from_value, parse_strict, to_text};
use crate::secret::Secret;
use serde_json::{json, Value};

impl Client {
    /// A client for `config`. Nothing is sent until the first call.
    pub fn new(config: ClientConfig) -> Result<Self> {
        let version = config.api_version;
        Client::build(config, Action::ALL.into_iter().map(|a| a.wire_name(version)))
    }

    /// Builds a client from the config document of `lcbot_client_new`.
    pub fn from_json(config_json: &str) -> Result<Self> {
        Client::new(ClientConfig::from_json(config_json)?)
    }

    /// Runs one of the five actions: validates `request` (the spec's request
    /// object) against the spec, sends it in the configured version's shape
    /// and returns the answer in the spec's (v3.0) shape, whatever the version.
    pub fn execute(&self, action: Action, request: &Value) -> Result<Value> {
        self.execute_with(action, request, &CallOptions::default())
    }

    /// [`Client::execute`] with a per-call timeout or cancel token.
    pub fn execute_with(&self, action: Action, request: &Value, options: &CallOptions) -> Result<Value> {
        self.block_on(|io| async move { self.execute_on(action, request, options, &io).await })
    }

    /// [`Client::execute_with`] through `io`: the one implementation of the
    /// blocking call and of the queued one.
    pub(crate) async fn execute_on(&self, action: Action, request: &Value, options: &CallOptions, io: &Io) -> Result<Value> {
        let version = self.config().api_version;
        action.validate_request(version, request)?;
        let wire = request_to_wire(action, version, request);
        match self.send(action.wire_name(version), &wire, action.is_read(), options, io).await? {
            // An empty answer body stands for `{}`.
            None => action.check_response(json!({})),
            Some(doc) => action.check_response(response_from_wire(action, version, doc)?),
        }
    }

    /// [`Client::execute`] on JSON text, as the C ABI uses it.
    pub fn execute_json(&self, action: Action, request_json: &str) -> Result<String> {
        self.execute_json_with(action, request_json, &CallOptions::default())
    }

    /// [`Client::execute_json`] with a per-call timeout or cancel token.
    pub fn execute_json_with(&self, action: Action, request_json: &str, options: &CallOptions) -> Result<String> {
        let request = parse_strict(request_json, "request_json")?;
        self.execute_with(action, &request, options).map(|v| to_text(&v))
    }

    /// Sends any Configuration API action as given and returns whatever JSON
    /// value it answered (`{}` for an empty body). Treated as a write: it is
    /// repeated only when the server surely did not act on it.
    pub fn call(&self, action: &str, payload: &Value) -> Result<Value> {
        self.call_with(action, payload, &CallOptions::default())
    }

    /// [`Client::call`] with a per-call timeout or cancel token.
    pub fn call_with(&self, action: &str, payload: &Value, options: &CallOptions) -> Result<Value> {
        self.block_on(|io| async move { self.call_on(action, payload, options, &io).await })
    }

    /// [`Client::call_with`] through `io`.
    pub(crate) async fn call_on(&self, action: &str, payload: &Value, options: &CallOptions, io: &Io) -> Result<Value> {
        check_untyped_call(action, payload)?;
        Ok(self.send(action, payload, false, options, io).await?.unwrap_or_else(|| json!({})))
    }

    /// [`Client::call`] on JSON text, as the C ABI uses it.
    pub fn call_json(&self, action: &str, payload_json: &str) -> Result<String> {
        self.call_json_with(action, payload_json, &CallOptions::default())
    }

    /// [`Client::call_json`] with a per-call timeout or cancel token.
    pub fn call_json_with(&self, action: &str, payload_json: &str, options: &CallOptions) -> Result<String> {
        let payload = parse_strict(payload_json, "payload_json")?;
        self.call_with(action, &payload, options).map(|v| to_text(&v))
    }

    /// Creates a bot: its id, and from v3.5 the secret it gets its own
    /// token with (shown once: keep it).
    pub fn create_bot_agent(&self, request: &CreateBotAgent) -> Result<CreatedBotAgent> {
        from_value(self.execute(Action::CreateBotAgent, &to_value(request)?)?)
    }

    /// Removes a bot.
    pub fn remove_bot_agent(&self, bot_agent_id: &str) -> Result<()> {
        self.execute(Action::RemoveBotAgent, &json!({ "bot_agent_id": bot_agent_id })).map(|_| ())
    }

    /// Changes the fields of a bot that `request` sets.
    pub fn update_bot_agent(&self, request: &UpdateBotAgent) -> Result<()> {
        self.execute(Action::UpdateBotAgent, &to_value(request)?).map(|_| ())
    }

    /// Lists the bots: the caller's own, or with `all` every bot of the license.
    pub fn get_bot_agents(&self, all: bool) -> Result<Vec<BotAgent>> {
        let mut doc = self.execute(Action::GetBotAgents, &json!({ "all": all }))?;
        from_value(doc["bot_agents"].take())
    }

    /// One bot, with every field the version has.
    pub fn get_bot_agent_details(&self, bot_agent_id: &str) -> Result<BotAgentDetails> {
        let mut doc = self.execute(Action::GetBotAgentDetails, &json!({ "bot_agent_id": bot_agent_id }))?;
        from_value(doc["bot_agent"].take())
    }

    /// Runs one of the Configuration API actions a bot needs (its token, its
    /// webhooks), checked before it is sent, in the configured version.
    pub fn execute_admin_with(&self, action: AdminAction, request: &Value, options: &CallOptions) -> Result<Value> {
        self.execute_checked(action, request, options)
    }

    /// [`Client::execute_admin_with`] on JSON text, as the C ABI uses it.
    pub fn execute_admin_json_with(&self, action: AdminAction, request_json: &str, options: &CallOptions) -> Result<String> {
        let request = parse_strict(request_json, "request_json")?;
        self.execute_admin_with(action, &request, options).map(|v| to_text(&v))
    }

    /// A token for the bot to act with on the Agent Chat API (v3.5+), valid
    /// 24 hours. [`crate::Bot`] gets and renews its own: use this only to
    /// hand a token to another program.
    pub fn issue_bot_token(&self, bot_id: &str, client_id: &str, bot_secret: &Secret, organization_id: &str) -> Result<Secret> {
        let request = json!({
            "bot_id": bot_id, "client_id": client_id, "bot_secret": bot_secret.expose(), "organization_id": organization_id,
        });
        let mut doc = self.execute_admin_with(AdminAction::IssueBotToken, &request, &CallOptions::default())?;
        Ok(Secret::new(doc["token"].take().as_str().unwrap_or_default()))
    }

    /// Gives the bot a new secret (v3.5+); its tokens stop working.
    pub fn reset_bot_secret(&self, bot_id: &str, owner_client_id: Option<&str>) -> Result<Secret> {
        let mut request = json!({ "id": bot_id });
        if let Some(owner) = owner_client_id {
            request["owner_client_id"] = json!(owner);
        }
        let mut doc = self.execute_admin_with(AdminAction::ResetBotSecret, &request, &CallOptions::default())?;
        Ok(Secret::new(doc["secret"].take().as_str().unwrap_or_default()))
    }

    /// Registers a webhook (v3.3+), `{"action", "secret_key", "url", "type",
    /// "owner_client_id", ...}`; returns its id.
    pub fn register_webhook(&self, webhook: &Value) -> Result<String> {
        let doc = self.execute_admin_with(AdminAction::RegisterWebhook, webhook, &CallOptions::default())?;
        Ok(doc["id"].as_str().unwrap_or_default().to_owned())
    }

    /// The webhooks registered by application `owner_client_id` (v3.3+).
    pub fn list_webhooks(&self, owner_client_id: &str) -> Result<Vec<Value>> {
        let doc = self.execute_admin_with(AdminAction::ListWebhooks, &json!({ "owner_client_id": owner_client_id }), &CallOptions::default())?;
        from_value(doc)
    }

    /// Removes webhook `id` of application `owner_client_id` (v3.3+).
    pub fn unregister_webhook(&self, id: &str, owner_client_id: &str) -> Result<()> {
        let request = json!({ "id": id, "owner_client_id": owner_client_id });
        self.execute_admin_with(AdminAction::UnregisterWebhook, &request, &CallOptions::default()).map(|_| ())
    }
}

fn to_value<T: serde::Serialize>(v: &T) -> Result<Value> {
    serde_json::to_value(v).map_err(|e| Error::validation(e.to_string()))
}
