//! The Configuration API's handler: the token, its expiry and region, then
//! the bot actions (in the caller's version's wire names, served by the
//! store), `issue_bot_token` / `reset_bot_secret`, and the webhook registry
//! (`register_webhook`, `list_webhooks`, `unregister_webhook`, v3.3+).

use crate::configuration::actions::Action;
use crate::configuration::batches::BatchAction;
use crate::configuration::bot_admin::AdminAction;
use crate::configuration::templates::TemplateAction;
use crate::configuration::wire::{message_for_wire, request_from_wire, response_to_wire};
use crate::emulator::auth::{authenticate, check_region};
use crate::emulator::config::TokenGrant;
use crate::emulator::failure::{new_id, require, ApiFailure};
use crate::emulator::state::{lock, Shared};
use crate::emulator::store::Store;
use crate::emulator::template_api;
use crate::emulator::webhooks::{Webhooks, SCOPE_WEBHOOKS_RW};
use crate::json::parse_strict;
use crate::validate::object;
use crate::version::ApiVersion;
use serde_json::{json, Map, Value};

/// At most this many webhooks per owner and action.
const PER_OWNER_AND_ACTION: usize = 3;

/// A Configuration API request (its version already read): answers it, and
/// says who the caller was.
pub(crate) fn answer(
    shared: &Shared,
    version: ApiVersion,
    action_name: &str,
    headers: &hyper::HeaderMap,
    body: &[u8],
) -> (Result<Value, ApiFailure>, Option<String>) {
    let Some((grant, is_pat)) = authenticate(&shared.tokens, headers) else {
        return (Err(ApiFailure::new(401, "authentication", "Invalid access token")), None);
    };
    if grant.expires_in.is_some_and(|ttl| shared.started.elapsed() >= ttl) {
        return (Err(ApiFailure::new(401, "authentication", "Access token expired")), Some(grant.client_id.clone()));
    }
    let client_id = Some(grant.client_id.clone());
    if let Err(failure) = check_region(headers, grant.region) {
        return (Err(failure), client_id);
    }
    let Some(action) = Action::from_wire_name(version, action_name) else {
        if let Some(extra) = AdminAction::ALL.into_iter().find(|a| a.name() == action_name && version >= a.since()) {
            let result = read_request(version, body).and_then(|request| {
                let mut store = lock(&shared.store);
                match extra {
                    AdminAction::IssueBotToken => issue_bot_token(&mut store, grant, &request),
                    AdminAction::ResetBotSecret => reset_bot_secret(&mut store, grant, is_pat, &request),
                    AdminAction::RegisterWebhook | AdminAction::ListWebhooks | AdminAction::UnregisterWebhook => {
                        require(grant, SCOPE_WEBHOOKS_RW)?;
                        match extra {
                            AdminAction::RegisterWebhook => register_webhook(&mut store.webhooks, &grant.client_id, version, &request),
                            AdminAction::ListWebhooks => list_webhooks(&store.webhooks, &grant.client_id, version, &request),
                            _ => unregister_webhook(&mut store.webhooks, &grant.client_id, version, &request),
                        }
                    }
                }
            });
            return (result, client_id);
        }
        if let Some(template) = TemplateAction::ALL.into_iter().find(|a| a.name() == action_name && version >= a.since()) {
            let result = read_request(version, body)
                .and_then(|request| template_api::answer(&mut lock(&shared.store), grant, is_pat, version, template, &request));
            return (result, client_id);
        }
        if let Some(batch) = BatchAction::ALL.into_iter().find(|a| a.name() == action_name && version >= a.since()) {
            let result = read_request(version, body).and_then(|request| batch_of_bot_actions(shared, grant, is_pat, version, batch, request));
            return (result, client_id);
        }
        return (Err(ApiFailure::new(404, "not_found", format!("Unknown action: {action_name}"))), client_id);
    };
    let result = read_request(version, body).and_then(|sent| {
        let mut store = lock(&shared.store);
        bot_action(&mut store, grant, is_pat, version, action, sent)
    });
    (result, client_id)
}

/// One of the five bot actions, its request `sent` in `version`'s shape:
/// the answer in that shape, or the error the API gives.
fn bot_action(store: &mut Store, grant: &TokenGrant, is_pat: bool, version: ApiVersion, action: Action, sent: Value) -> Result<Value, ApiFailure> {
    // Messages name the fields as this version's caller sent them.
    let invalid = |e: crate::Error| ApiFailure::validation(message_for_wire(action, version, e.message, &sent));
    let request = request_from_wire(action, version, sent.clone()).map_err(invalid)?;
    action.validate_request(version, &request).map_err(invalid)?;
    if action == Action::CreateBotAgent && version.flat_bots() {
        check_owner_client_id(version, &request, is_pat)?;
    }
    let fields: Vec<String> = request
        .get("fields")
        .and_then(Value::as_array)
        .map(|f| f.iter().filter_map(|x| x.as_str().map(str::to_owned)).collect())
        .unwrap_or_default();
    let doc = store.apply(grant, action, &request)?;
    if request.get("webhooks").is_some() {
        // Deliveries to a bot's config webhooks speak this version.
        let id = doc.get("bot_agent_id").or_else(|| request.get("id")).and_then(Value::as_str).unwrap_or_default();
        store.set_webhook_version(id, version);
    }
    Ok(response_to_wire(action, version, doc, &fields))
}

/// `batch_create_bots`, `batch_update_bots`, `batch_delete_bots` (v3.5+):
/// `{"requests": [...]}` -> `{"responses": [...]}`, each the single
/// action's answer or its `{"error": ...}`, in order (run one after
/// another here; LiveChat runs them concurrently).
fn batch_of_bot_actions(shared: &Shared, grant: &TokenGrant, is_pat: bool, version: ApiVersion, batch: BatchAction, request: Value) -> Result<Value, ApiFailure> {
    let requests = match request {
        Value::Object(mut o) if o.len() == 1 => match o.remove("requests") {
            Some(Value::Array(items)) => items,
            _ => return Err(ApiFailure::validation("requests: expected an array of request objects")),
        },
        _ => return Err(ApiFailure::validation("requests: the body must be {\"requests\": [...]}")),
    };
    let mut store = lock(&shared.store);
    let responses: Vec<Value> = requests
        .into_iter()
        .map(|item| match bot_action(&mut store, grant, is_pat, version, batch.action(), item) {
            Ok(answer) => answer,
            Err(failure) => failure.body(),
        })
        .collect();
    Ok(json!({ "responses": responses }))
}

/// v3.3+: `owner_client_id` is required when authorizing with a personal
/// access token (Basic); with a Bearer token it is refused before v3.6 and
/// names the owner from v3.6.
fn check_owner_client_id(version: ApiVersion, request: &Value, is_pat: bool) -> Result<(), ApiFailure> {
    match (request.get("owner_client_id").is_some(), is_pat) {
        (true, false) if version < ApiVersion::V3_6 => Err(ApiFailure::validation("owner_client_id: not allowed with a Bearer token")),
        (false, true) => Err(ApiFailure::validation("owner_client_id: required when authorizing with a personal access token")),
        _ => Ok(()),
    }
}

/// The request document: the body itself, or its `payload` in v3.0.
fn read_request(version: ApiVersion, body: &[u8]) -> Result<Value, ApiFailure> {
    let text = std::str::from_utf8(body).map_err(|_| ApiFailure::validation("Request body is not UTF-8"))?;
    let doc = parse_strict(text, "body").map_err(ApiFailure::invalid)?;
    if !version.wraps_payload() {
        return Ok(doc);
    }
    match doc {
        Value::Object(mut o) if o.len() == 1 && o.contains_key("payload") => Ok(o.remove("payload").unwrap_or_default()),
        _ => Err(ApiFailure::validation("payload: the body must be {\"payload\": {...}} in v3.0")),
    }
}

fn owner_must_be(caller_client_id: &str, owner: &str) -> Result<(), ApiFailure> {
    if owner == caller_client_id {
        Ok(())
    } else {
        Err(ApiFailure::new(403, "authorization", "owner_client_id: not the client of this token"))
    }
}

/// `issue_bot_token {bot_id, client_id, bot_secret, organization_id}` ->
/// `{"token"}`. Needs no scope; the secret must be the bot's current one.
fn issue_bot_token(store: &mut Store, grant: &TokenGrant, request: &serde_json::Value) -> Result<serde_json::Value, ApiFailure> {
    let o = object(request, "").map_err(ApiFailure::invalid)?;
    o.only(&["bot_id", "client_id", "bot_secret", "organization_id"]).map_err(ApiFailure::invalid)?;
    let bot_id = o.req_str("bot_id").map_err(ApiFailure::invalid)?;
    let client_id = o.req_str("client_id").map_err(ApiFailure::invalid)?;
    let secret = o.req_str("bot_secret").map_err(ApiFailure::invalid)?;
    let organization_id = o.req_str("organization_id").map_err(ApiFailure::invalid)?;
    let owner = store.bot_owner(bot_id).ok_or_else(|| ApiFailure::new(404, "not_found", format!("Bot {bot_id} not found")))?;
    if owner != client_id {
        return Err(ApiFailure::new(403, "authorization", "client_id: the bot is not owned by this client"));
    }
    let current = store.bot_secret(bot_id).unwrap_or_default();
    if !bool::from(subtle::ConstantTimeEq::ct_eq(current.as_bytes(), secret.as_bytes())) {
        return Err(ApiFailure::new(403, "authorization", "Invalid bot secret"));
    }
    if organization_id != store.organization_id {
        return Err(ApiFailure::new(403, "authorization", "organization_id: not the organization of this license"));
    }
    let lifetime = store.bot_token_lifetime;
    let organization = store.organization_id.clone();
    let token = store.bot_tokens.issue(bot_id, client_id, &organization, grant.region, lifetime);
    Ok(json!({ "token": token }))
}

/// `reset_bot_secret {id, owner_client_id?}` -> `{"secret"}`: a new secret,
/// and every token issued for the bot refused from now on.
fn reset_bot_secret(store: &mut Store, grant: &TokenGrant, is_pat: bool, request: &serde_json::Value) -> Result<serde_json::Value, ApiFailure> {
    let o = object(request, "").map_err(ApiFailure::invalid)?;
    o.only(&["id", "owner_client_id"]).map_err(ApiFailure::invalid)?;
    let id = o.req_str("id").map_err(ApiFailure::invalid)?;
    let owner_client_id = if o.get("owner_client_id").is_some() { Some(o.req_str("owner_client_id").map_err(ApiFailure::invalid)?) } else { None };
    if is_pat && owner_client_id.is_none() {
        return Err(ApiFailure::validation("owner_client_id: required when authorizing with a personal access token"));
    }
    require(grant, crate::configuration::actions::SCOPE_MY_RW)?;
    let owner = store.bot_owner(id).ok_or_else(|| ApiFailure::new(404, "not_found", format!("Bot {id} not found")))?;
    if owner_client_id.is_some_and(|o| o != owner) {
        return Err(ApiFailure::new(403, "authorization", "owner_client_id: the bot is not owned by this client"));
    }
    if owner != grant.client_id {
        require(grant, crate::configuration::actions::SCOPE_ALL_RW)?;
    }
    let secret = store.reset_secret(id).unwrap_or_default();
    Ok(json!({ "secret": secret }))
}

/// `register_webhook` (v3.3+): at most [`PER_OWNER_AND_ACTION`] per owner and
/// action, for the caller's own client; answers `{"id"}`.
fn register_webhook(webhooks: &mut Webhooks, caller_client_id: &str, version: ApiVersion, request: &Value) -> Result<Value, ApiFailure> {
    // The client's own rules: the emulator refuses what the client would.
    AdminAction::RegisterWebhook.validate_request(version, request).map_err(ApiFailure::invalid)?;
    let action = request["action"].as_str().unwrap_or_default();
    let owner = request["owner_client_id"].as_str().unwrap_or_default();
    owner_must_be(caller_client_id, owner)?;
    let same = webhooks.entries().iter().filter(|w| w["owner_client_id"] == owner && w["action"] == action).count();
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
    webhooks.add(hook, version);
    Ok(json!({ "id": id }))
}

/// `list_webhooks` (v3.3+): the owner's webhooks, secret keys included.
fn list_webhooks(webhooks: &Webhooks, caller_client_id: &str, version: ApiVersion, request: &Value) -> Result<Value, ApiFailure> {
    AdminAction::ListWebhooks.validate_request(version, request).map_err(ApiFailure::invalid)?;
    let owner = request["owner_client_id"].as_str().unwrap_or_default();
    owner_must_be(caller_client_id, owner)?;
    Ok(Value::Array(webhooks.entries().iter().filter(|w| w["owner_client_id"] == owner).cloned().map(Value::Object).collect()))
}

/// `unregister_webhook` (v3.3+): removes one of the owner's webhooks.
fn unregister_webhook(webhooks: &mut Webhooks, caller_client_id: &str, version: ApiVersion, request: &Value) -> Result<Value, ApiFailure> {
    AdminAction::UnregisterWebhook.validate_request(version, request).map_err(ApiFailure::invalid)?;
    let id = request["id"].as_str().unwrap_or_default();
    let owner = request["owner_client_id"].as_str().unwrap_or_default();
    owner_must_be(caller_client_id, owner)?;
    let at = webhooks
        .entries()
        .iter()
        .position(|w| w["id"] == id && w["owner_client_id"] == owner)
        .ok_or_else(|| ApiFailure::new(404, "not_found", "Webhook not found"))?;
    webhooks.remove(at);
    Ok(json!({}))
}

