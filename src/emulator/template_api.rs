//! The bot template actions (v3.5+) on the emulated license, and the
//! control call that installs an application on it: a bot per template,
//! with the template's id and secret. `affect_existing_installations`
//! carries a template's creation, change, deletion or new secret to the
//! bots of an application already installed.

use crate::configuration::templates::{TemplateAction, MAX_TEMPLATES_PER_APPLICATION, SCOPE_TEMPLATES_RW};
use crate::emulator::bot_tokens::new_secret;
use crate::emulator::config::TokenGrant;
use crate::emulator::failure::{new_id, require, ApiFailure};
use crate::emulator::store::Store;
use crate::emulator::templates::{copy_fields, Template};
use crate::validate::object;
use crate::version::ApiVersion;
use serde_json::{json, Map, Value};

/// Answers one template action (its version already checked to have it).
pub(crate) fn answer(store: &mut Store, grant: &TokenGrant, is_pat: bool, version: ApiVersion, action: TemplateAction, request: &Value) -> Result<Value, ApiFailure> {
    // The client's own rules: the emulator refuses what the client would.
    action.validate_request(version, request).map_err(ApiFailure::invalid)?;
    require(grant, SCOPE_TEMPLATES_RW)?;
    let o = object(request, "").map_err(ApiFailure::invalid)?;
    let owner = match o.get("owner_client_id").and_then(Value::as_str) {
        Some(owner) if owner != grant.client_id => {
            return Err(ApiFailure::new(403, "authorization", "owner_client_id: not owned by your organization"))
        }
        Some(owner) => owner.to_owned(),
        None if is_pat => return Err(ApiFailure::validation("owner_client_id: required when authorizing with a personal access token")),
        None => grant.client_id.clone(),
    };
    let affect = o.get("affect_existing_installations").and_then(Value::as_bool).unwrap_or(false);
    let installed = store.templates.installed.contains(&owner);
    let id = o.get("id").and_then(Value::as_str).unwrap_or_default();
    match action {
        TemplateAction::CreateBotTemplate => {
            if store.templates.templates.iter().filter(|t| t.owner() == owner).count() >= MAX_TEMPLATES_PER_APPLICATION {
                return Err(ApiFailure::new(
                    400,
                    "limit_reached",
                    format!("An application can have at most {MAX_TEMPLATES_PER_APPLICATION} bot templates"),
                ));
            }
            let id = new_id();
            let mut doc = Map::new();
            doc.insert("id".into(), json!(id));
            copy_fields(&mut doc, request);
            doc.insert("owner_client_id".into(), json!(owner));
            let template = Template { doc, secret: new_secret() };
            let secret = template.secret.clone();
            if affect && installed {
                make_bot(store, &template);
            }
            store.templates.templates.push(template);
            Ok(json!({ "id": id, "secret": secret }))
        }
        TemplateAction::UpdateBotTemplate => {
            let at = store.templates.find(id, &owner)?;
            let template = &mut store.templates.templates[at];
            copy_fields(&mut template.doc, request);
            let fields = template.bot_fields();
            if affect && installed {
                store.patch_bot(id, fields);
            }
            Ok(json!({}))
        }
        TemplateAction::DeleteBotTemplate => {
            let at = store.templates.find(id, &owner)?;
            store.templates.templates.remove(at);
            if affect && installed {
                store.remove_bot(id);
            }
            Ok(json!({}))
        }
        TemplateAction::ListBotTemplates => Ok(Value::Array(
            store.templates.templates.iter().filter(|t| t.owner() == owner).map(|t| Value::Object(t.doc.clone())).collect(),
        )),
        TemplateAction::ResetBotTemplateSecret => {
            let at = store.templates.find(id, &owner)?;
            let secret = new_secret();
            store.templates.templates[at].secret = secret.clone();
            if affect && installed {
                store.set_bot_secret(id, &secret);
            }
            Ok(json!({ "secret": secret }))
        }
    }
}

/// A bot made from `template`: its id, owner and secret (none if one exists).
fn make_bot(store: &mut Store, template: &Template) -> Option<String> {
    if store.bot(template.id()).is_some() {
        return None;
    }
    let mut fields = template.bot_fields();
    fields.insert("id".into(), json!(template.id()));
    let id = store.insert(fields, template.owner());
    store.set_bot_secret(&id, &template.secret);
    store.route();
    Some(id)
}

/// The control call: installs application `client_id` on the license. Each
/// of its templates without a bot gets one; answers `{"client_id",
/// "bots_created": [ids], "installed": [client ids]}`.
pub(crate) fn install_application(store: &mut Store, request: &Value) -> crate::Result<Value> {
    let o = object(request, "request")?;
    o.only(&["client_id"])?;
    let client_id = o.req_str("client_id")?.to_owned();
    let templates = std::mem::take(&mut store.templates.templates);
    let created: Vec<String> = templates.iter().filter(|t| t.owner() == client_id).filter_map(|t| make_bot(store, t)).collect();
    store.templates.templates = templates;
    store.templates.installed.insert(client_id.clone());
    Ok(json!({ "client_id": client_id, "bots_created": created, "installed": store.templates.installed() }))
}
