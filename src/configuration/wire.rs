//! How each API version puts the five bot actions on the wire, both ways.
//!
//! Callers always speak the spec's (v3.0) documents; this module turns them
//! into each version's request and turns each version's answer back into
//! the v3.0 shape. The emulator uses the same functions in reverse, so the
//! two sides cannot drift apart.
//!
//! | normalized (v3.0) | v3.3 to v3.6 on the wire |
//! |---|---|
//! | `bot_agent_id` in remove / details requests | `id` |
//! | `{"bot_agent_id": id}` (create) | `{"id": id}` |
//! | `{"bot_agent_id", "bot_secret"}` (create, v3.5+) | `{"id", "secret"}` |
//! | `avatar` in create / update requests | `avatar`, or `avatar_path` as LiveChat's Go SDK sends it |
//! | `{"bot_agents": [...]}` | a bare array |
//! | `{"bot_agent": {...}}` | the bot itself, flat |
//! | `avatar` in answers | `avatar_path` |
//! | `application.client_id` | `owner_client_id` |
//! | `default_group_priority`, `max_chats_count`, `groups` | the same |
//! | `job_title`, `timezone`, `work_scheduler`, `fields`, `type` (v3.6) | passed through |
//! | `status`, `webhooks` | refused in v3.3+ requests (gone from the API), absent from answers |
//!
//! v3.2 renames the actions only; its shapes are v3.1's.

use crate::configuration::actions::Action;
use crate::error::{Error, Result};
use crate::version::ApiVersion;
use serde_json::{json, Map, Value};

/// The request body for `version`, before any `payload` wrapping.
pub fn request_to_wire(action: Action, version: ApiVersion, request: &Value) -> Value {
    let mut body = request.clone();
    if version.flat_bots() && matches!(action, Action::RemoveBotAgent | Action::GetBotAgentDetails) {
        if let Some(map) = body.as_object_mut() {
            rename(map, "bot_agent_id", "id");
        }
    }
    body
}

/// The normalized request in a `version` body (the emulator's way in). A
/// v3.3+ body naming `bot_agent_id` is refused as the real API would.
pub fn request_from_wire(action: Action, version: ApiVersion, mut body: Value) -> Result<Value> {
    if version.flat_bots() && matches!(action, Action::CreateBotAgent | Action::UpdateBotAgent) {
        // The docs' tables say `avatar`; LiveChat's own Go SDK sends
        // `avatar_path`, the name its answers use. Both reach the same field.
        if let Some(map) = body.as_object_mut() {
            if map.contains_key("avatar_path") {
                if map.contains_key("avatar") {
                    return Err(Error::validation("avatar_path: the same field as avatar; send one of them"));
                }
                rename(map, "avatar_path", "avatar");
            }
        }
    }
    if version.flat_bots() && matches!(action, Action::RemoveBotAgent | Action::GetBotAgentDetails) {
        if let Some(map) = body.as_object_mut() {
            if map.contains_key("bot_agent_id") {
                return Err(Error::validation("bot_agent_id: unknown field; expected one of id, fields"));
            }
            if !map.contains_key("id") {
                return Err(Error::validation("id: required field is missing"));
            }
            rename(map, "id", "bot_agent_id");
        }
    }
    Ok(body)
}

/// Turns `version`'s answer into the normalized (v3.0) document.
pub fn response_from_wire(action: Action, version: ApiVersion, body: Value) -> Result<Value> {
    if !version.flat_bots() {
        return Ok(body);
    }
    let shape_error = |want: &str| {
        Error::decode(format!("{}: the answer does not have the expected shape ({want})", action.wire_name(version)))
    };
    match action {
        Action::CreateBotAgent => match (body.get("id").and_then(Value::as_str), body.get("secret")) {
            (Some(id), None) => Ok(json!({ "bot_agent_id": id })),
            (Some(id), Some(Value::String(secret))) => Ok(json!({ "bot_agent_id": id, "bot_secret": secret })),
            _ => Err(shape_error(r#"{"id": string, "secret": string (v3.5+)}"#)),
        },
        Action::GetBotAgents => match body {
            Value::Array(items) => {
                let bots: Vec<Value> = items.into_iter().map(|b| match b {
                    Value::Object(map) => Value::Object(bot_from_flat(map)),
                    other => other,
                }).collect();
                Ok(one_field("bot_agents", Value::Array(bots)))
            }
            _ => Err(shape_error("an array of bots")),
        },
        Action::GetBotAgentDetails => match body {
            Value::Object(map) if map.contains_key("id") => Ok(one_field("bot_agent", Value::Object(bot_from_flat(map)))),
            _ => Err(shape_error("a bot object")),
        },
        Action::RemoveBotAgent | Action::UpdateBotAgent => Ok(body),
    }
}

/// Turns a normalized answer into `version`'s (the emulator's way out).
/// `fields` names extra bot fields a v3.3+ list asked for.
pub fn response_to_wire(action: Action, version: ApiVersion, mut doc: Value, fields: &[String]) -> Value {
    if action == Action::CreateBotAgent && version < ApiVersion::V3_5 {
        // Bot secrets came with v3.5.
        if let Some(map) = doc.as_object_mut() {
            map.remove("bot_secret");
        }
    }
    if !version.flat_bots() {
        return doc;
    }
    match (action, doc) {
        (Action::CreateBotAgent, mut doc) => {
            let mut created = one_field("id", doc["bot_agent_id"].take());
            if version >= ApiVersion::V3_5 {
                created["secret"] = doc["bot_secret"].take();
            }
            created
        }
        (Action::GetBotAgents, Value::Object(mut map)) => {
            let bots = match map.remove("bot_agents") {
                Some(Value::Array(bots)) => bots,
                _ => vec![],
            };
            Value::Array(
                bots.into_iter()
                    .map(|b| match b {
                        Value::Object(bot) => {
                            let flat = bot_to_flat(bot);
                            let keep = |k: &str| ["id", "name", "avatar_path"].contains(&k) || fields.iter().any(|f| f == k);
                            Value::Object(flat.into_iter().filter(|(k, _)| keep(k)).collect())
                        }
                        other => other,
                    })
                    .collect(),
            )
        }
        (Action::GetBotAgentDetails, Value::Object(mut map)) => match map.remove("bot_agent") {
            Some(Value::Object(bot)) => Value::Object(bot_to_flat(bot)),
            _ => json!({}),
        },
        (_, doc) => doc,
    }
}

/// Renames the fields of a message about a normalized request to the names
/// the caller sent in `version` (`bot_agent_id` is `id` from v3.3).
pub fn message_for_wire(action: Action, version: ApiVersion, message: String, sent: &Value) -> String {
    let mut names: Vec<(&str, &str)> = Vec::new();
    if version.flat_bots() && matches!(action, Action::RemoveBotAgent | Action::GetBotAgentDetails) {
        names.push(("bot_agent_id", "id"));
    }
    if version.flat_bots() && sent.get("avatar_path").is_some() {
        names.push(("avatar", "avatar_path"));
    }
    for (normalized, wire) in names {
        if let Some(rest) = message.strip_prefix(normalized) {
            if rest.starts_with(':') {
                return format!("{wire}{rest}");
            }
        }
    }
    message
}

/// `{key: value}`, moving `value` in (`json!` would copy it whole).
fn one_field(key: &str, value: Value) -> Value {
    let mut map = Map::with_capacity(1);
    map.insert(key.to_owned(), value);
    Value::Object(map)
}

fn rename(map: &mut Map<String, Value>, from: &str, to: &str) {
    if let Some(v) = map.remove(from) {
        map.insert(to.to_owned(), v);
    }
}

/// A flat v3.3+ bot as a normalized `bot_agent` (known fields first, in the
/// spec's order; the rest passed through).
fn bot_from_flat(mut flat: Map<String, Value>) -> Map<String, Value> {
    let mut out = Map::new();
    for key in ["id", "name"] {
        if let Some(v) = flat.remove(key) {
            out.insert(key.into(), v);
        }
    }
    if let Some(v) = flat.remove("avatar_path").or_else(|| flat.remove("avatar")) {
        out.insert("avatar".into(), v);
    }
    if let Some(v) = flat.remove("status") {
        out.insert("status".into(), v);
    }
    if let Some(owner) = flat.remove("owner_client_id") {
        out.insert("application".into(), json!({ "client_id": owner }));
    }
    out.extend(flat);
    out
}

/// A normalized `bot_agent` as a flat v3.3+ bot: what v3.3+ answers carry.
fn bot_to_flat(mut bot: Map<String, Value>) -> Map<String, Value> {
    let mut out = Map::new();
    for key in ["id", "name"] {
        if let Some(v) = bot.remove(key) {
            out.insert(key.into(), v);
        }
    }
    if let Some(v) = bot.remove("avatar") {
        out.insert("avatar_path".into(), v);
    }
    if let Some(v) = bot.remove("default_group_priority") {
        out.insert("default_group_priority".into(), v);
    }
    if let Some(owner) = bot.remove("application").and_then(|a| a.get("client_id").cloned()) {
        out.insert("owner_client_id".into(), owner);
    }
    for key in ["max_chats_count", "groups", "job_title", "timezone", "work_scheduler", "type"] {
        if let Some(v) = bot.remove(key) {
            out.insert(key.into(), v);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flat_answers_are_normalized() {
        let v = ApiVersion::V3_4;
        assert_eq!(response_from_wire(Action::CreateBotAgent, v, json!({"id": "x"})).unwrap(), json!({"bot_agent_id": "x"}));
        let list = response_from_wire(Action::GetBotAgents, v, json!([{"id": "a", "name": "A", "avatar_path": "p"}])).unwrap();
        assert_eq!(list, json!({"bot_agents": [{"id": "a", "name": "A", "avatar": "p"}]}));
        let bot = response_from_wire(
            Action::GetBotAgentDetails,
            v,
            json!({"id": "a", "name": "A", "avatar_path": "p", "default_group_priority": "first", "owner_client_id": "c", "max_chats_count": 6, "groups": [], "job_title": "Bot"}),
        )
        .unwrap();
        assert_eq!(
            bot,
            json!({"bot_agent": {"id": "a", "name": "A", "avatar": "p", "application": {"client_id": "c"}, "default_group_priority": "first", "max_chats_count": 6, "groups": [], "job_title": "Bot"}})
        );
        assert!(response_from_wire(Action::GetBotAgents, v, json!({"bot_agents": []})).is_err());
    }

    #[test]
    fn both_directions_agree() {
        for v in ApiVersion::ALL {
            let canonical = json!({"bot_agent": {"id": "a", "name": "A", "avatar": "p", "application": {"client_id": "c"}, "max_chats_count": 6, "groups": [{"id": 1, "priority": "first"}]}});
            let back = response_from_wire(Action::GetBotAgentDetails, v, response_to_wire(Action::GetBotAgentDetails, v, canonical.clone(), &[])).unwrap();
            assert_eq!(back, canonical, "{v:?}");
            let req = json!({"bot_agent_id": "a"});
            let wire = request_to_wire(Action::RemoveBotAgent, v, &req);
            assert_eq!(request_from_wire(Action::RemoveBotAgent, v, wire).unwrap(), req, "{v:?}");
        }
    }
}
