//! The one place that knows each Bot Agents action: its name, the spec's
//! request rules, the response shape and the scopes it needs.

use crate::error::{Error, Result};
use crate::validate::{object, string_item, Obj};
use crate::version::ApiVersion;
use serde_json::Value;

pub const STATUSES: [&str; 3] = ["accepting chats", "not accepting chats", "offline"];
/// `groups[].priority`: `supervisor` is not allowed here.
pub const GROUP_PRIORITIES: [&str; 3] = ["first", "normal", "last"];
/// `default_group_priority` also allows `supervisor`.
pub const DEFAULT_GROUP_PRIORITIES: [&str; 4] = ["first", "normal", "last", "supervisor"];
/// The docs cap `max_chats_count` at 500; the default is 6.
pub const MAX_CHATS_COUNT_LIMIT: i64 = 500;
pub const DEFAULT_MAX_CHATS_COUNT: i64 = 6;

pub const SCOPE_MY_RW: &str = "agents-bot--my:rw";
pub const SCOPE_ALL_RW: &str = "agents-bot--all:rw";
pub const SCOPE_MY_RO: &str = "agents-bot--my:ro";
pub const SCOPE_ALL_RO: &str = "agents-bot--all:ro";

/// The five Bot Agents actions of the Configuration API.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Action {
    /// `create_bot_agent` (`create_bot` from v3.2).
    CreateBotAgent,
    /// `remove_bot_agent` (`delete_bot` from v3.2).
    RemoveBotAgent,
    /// `update_bot_agent` (`update_bot` from v3.2).
    UpdateBotAgent,
    /// `get_bot_agents` (`list_bots` from v3.2).
    GetBotAgents,
    /// `get_bot_agent_details` (`get_bot` from v3.2).
    GetBotAgentDetails,
}

impl Action {
    /// The five, in the spec's order.
    pub const ALL: [Action; 5] = [
        Action::CreateBotAgent,
        Action::RemoveBotAgent,
        Action::UpdateBotAgent,
        Action::GetBotAgents,
        Action::GetBotAgentDetails,
    ];

    /// The action's name in the URL of `version`.
    pub fn wire_name(self, version: ApiVersion) -> &'static str {
        if !version.renames_actions() {
            return self.name();
        }
        match self {
            Action::CreateBotAgent => "create_bot",
            Action::RemoveBotAgent => "delete_bot",
            Action::UpdateBotAgent => "update_bot",
            Action::GetBotAgents => "list_bots",
            Action::GetBotAgentDetails => "get_bot",
        }
    }

    /// The action a URL of `version` names, if it is one of the five.
    pub(crate) fn from_wire_name(version: ApiVersion, name: &str) -> Option<Action> {
        Action::ALL.into_iter().find(|a| a.wire_name(version) == name)
    }

    /// The action's name in the spec (v3.0), used in every normalized document.
    pub fn name(self) -> &'static str {
        match self {
            Action::CreateBotAgent => "create_bot_agent",
            Action::RemoveBotAgent => "remove_bot_agent",
            Action::UpdateBotAgent => "update_bot_agent",
            Action::GetBotAgents => "get_bot_agents",
            Action::GetBotAgentDetails => "get_bot_agent_details",
        }
    }

    /// Reads change nothing on the server, so they are always safe to retry.
    pub fn is_read(self) -> bool {
        matches!(self, Action::GetBotAgents | Action::GetBotAgentDetails)
    }

    /// Checks a normalized request (the spec's request object) against the
    /// spec's table for this action, with the fields `version` adds: from
    /// v3.2 `status` is optional and create takes `default_group_priority`;
    /// from v3.3 bots take `job_title`, `work_scheduler`, `timezone`, create
    /// takes `owner_client_id`, reads take `fields`, and `status` and
    /// `webhooks` are gone; from v3.6 create takes `type`.
    pub fn validate_request(self, version: ApiVersion, request: &Value) -> Result<()> {
        let o = object(request, "")?;
        if version.flat_bots() {
            refuse_pre_v3_3_fields(self, &o)?;
        }
        let allowed = self.request_fields(version);
        o.only(&allowed)?;
        match self {
            Action::CreateBotAgent | Action::UpdateBotAgent => {
                if self == Action::CreateBotAgent {
                    o.req_str("name")?;
                } else {
                    o.req_str("id")?;
                    if o.get("name").is_some() {
                        o.req_str("name")?;
                    }
                }
                if self == Action::CreateBotAgent && version < ApiVersion::V3_2 {
                    o.req_enum("status", &STATUSES)?;
                } else {
                    o.opt_enum("status", &STATUSES)?;
                }
                o.opt_enum("default_group_priority", &DEFAULT_GROUP_PRIORITIES)?;
                o.opt_str("job_title")?;
                o.opt_str("type")?;
                o.opt_object("work_scheduler")?;
                o.opt_str("timezone")?;
                if o.get("owner_client_id").is_some() {
                    o.req_str("owner_client_id")?;
                }
                check_common_optional(&o)
            }
            Action::RemoveBotAgent | Action::GetBotAgentDetails => {
                o.req_str("bot_agent_id")?;
                o.opt_array("fields", string_item).map(|_| ())
            }
            Action::GetBotAgents => {
                o.opt_bool("all")?;
                o.opt_array("fields", string_item).map(|_| ())
            }
        }
    }

    /// The fields a normalized request of this action may carry in `version`:
    /// the spec's table plus what later versions added, less what they removed.
    pub(crate) fn request_fields(self, version: ApiVersion) -> Vec<&'static str> {
        let mut allowed: Vec<&str> = match self {
            Action::CreateBotAgent => vec!["name", "status", "avatar", "max_chats_count", "groups", "webhooks"],
            Action::UpdateBotAgent => {
                vec!["id", "name", "avatar", "status", "max_chats_count", "groups", "default_group_priority", "webhooks"]
            }
            Action::RemoveBotAgent | Action::GetBotAgentDetails => vec!["bot_agent_id"],
            Action::GetBotAgents => vec!["all"],
        };
        if self == Action::CreateBotAgent && version >= ApiVersion::V3_2 {
            allowed.push("default_group_priority");
        }
        if version.flat_bots() {
            allowed.retain(|k| *k != "status" && *k != "webhooks");
            match self {
                Action::CreateBotAgent => {
                    allowed.extend(["job_title", "work_scheduler", "timezone", "owner_client_id"]);
                    if version >= ApiVersion::V3_6 {
                        allowed.push("type");
                    }
                }
                Action::UpdateBotAgent => allowed.extend(["job_title", "work_scheduler", "timezone"]),
                Action::GetBotAgents | Action::GetBotAgentDetails => allowed.push("fields"),
                Action::RemoveBotAgent => {}
            }
        }
        allowed
    }

    /// Checks that a 2xx answer has this action's shape and returns it.
    pub(crate) fn check_response(self, body: Value) -> Result<Value> {
        let ok = match self {
            Action::CreateBotAgent => body.get("bot_agent_id").is_some_and(Value::is_string),
            Action::RemoveBotAgent | Action::UpdateBotAgent => body.is_object(),
            Action::GetBotAgents => body.get("bot_agents").is_some_and(Value::is_array),
            Action::GetBotAgentDetails => body.get("bot_agent").is_some_and(Value::is_object),
        };
        if ok {
            Ok(body)
        } else {
            Err(Error::decode(format!(
                "{}: the answer does not have the expected shape ({})",
                self.name(),
                self.response_shape()
            )))
        }
    }

    fn response_shape(self) -> &'static str {
        match self {
            Action::CreateBotAgent => r#"{"bot_agent_id": string}"#,
            Action::RemoveBotAgent | Action::UpdateBotAgent => "an object",
            Action::GetBotAgents => r#"{"bot_agents": array}"#,
            Action::GetBotAgentDetails => r#"{"bot_agent": object}"#,
        }
    }

    /// The scope that allows this action on the caller's own bots, and the
    /// one that allows it on every bot of the license.
    pub(crate) fn scopes(self) -> (&'static str, &'static str) {
        if self.is_read() {
            (SCOPE_MY_RO, SCOPE_ALL_RO)
        } else {
            (SCOPE_MY_RW, SCOPE_ALL_RW)
        }
    }
}

/// The fields of a normalized `get_bot_agents` entry, in any version.
pub const SUMMARY_FIELDS: [&str; 4] = ["id", "name", "avatar", "status"];
/// The fields of a normalized `bot_agent` (details), in any version.
pub const DETAILS_FIELDS: [&str; 13] = [
    "id",
    "name",
    "avatar",
    "status",
    "application",
    "max_chats_count",
    "groups",
    "default_group_priority",
    "webhooks",
    "job_title",
    "timezone",
    "work_scheduler",
    "type",
];
/// The fields of a normalized `create_bot_agent` answer (`bot_secret` from v3.5).
pub const CREATED_FIELDS: [&str; 2] = ["bot_agent_id", "bot_secret"];

/// From v3.3 bots have neither a routing status nor webhooks in the
/// Configuration API: say where they went instead of "unknown field".
fn refuse_pre_v3_3_fields(action: Action, o: &Obj) -> Result<()> {
    if !matches!(action, Action::CreateBotAgent | Action::UpdateBotAgent) {
        return Ok(());
    }
    if o.get("status").is_some() {
        return Err(Error::validation(
            "status: not part of create_bot / update_bot from v3.3; a bot's routing status is set \
             through the Agent Chat API (set_routing_status)",
        ));
    }
    if o.get("webhooks").is_some() {
        return Err(Error::validation(
            "webhooks: not part of create_bot / update_bot from v3.3; register a bot's webhooks \
             with the Webhooks API (lcbot_call \"register_webhook\")",
        ));
    }
    Ok(())
}

/// The optional fields create and update share: avatar, max_chats_count,
/// groups and webhooks.
fn check_common_optional(o: &Obj) -> Result<()> {
    o.opt_str("avatar")?;
    o.opt_int("max_chats_count", 0, MAX_CHATS_COUNT_LIMIT)?;
    o.opt_array("groups", |item, path| {
        let g = object(item, path)?;
        g.only(&["id", "priority"])?;
        g.req_uint("id")?;
        g.req_enum("priority", &GROUP_PRIORITIES).map(|_| ())
    })?;
    if let Some(w) = o.opt_object("webhooks")? {
        w.only(&["url", "secret_key", "actions"])?;
        w.req_str("url")?;
        w.req_str("secret_key")?;
        w.req_array("actions", |item, path| {
            let a = object(item, path)?;
            a.only(&["name", "filters", "additional_data"])?;
            a.req_str("name")?;
            a.opt_object("filters")?;
            a.opt_array("additional_data", string_item).map(|_| ())
        })?;
    }
    Ok(())
}

/// A free-form action name for `lcbot_call`: lowercase letters, digits and `_`,
/// so that it can never change the URL's path.
pub fn check_action_name(name: &str) -> Result<()> {
    let ok = !name.is_empty()
        && name.len() <= 100
        && name.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_');
    if ok {
        Ok(())
    } else {
        Err(Error::validation(format!(
            "action: expected a name of 1 to 100 lowercase letters, digits and _; got {}",
            crate::validate::describe(&Value::String(name.to_owned()))
        )))
    }
}

/// An untyped call (`lcbot_call`, `lcbot_bot_call`): a safe action name and
/// an object to send.
pub fn check_untyped_call(action: &str, payload: &Value) -> Result<()> {
    check_action_name(action)?;
    if payload.is_object() {
        Ok(())
    } else {
        Err(Error::validation(format!("payload_json: expected an object; got {}", crate::validate::describe(payload))))
    }
}
