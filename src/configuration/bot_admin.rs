//! The Configuration API actions a bot needs beyond the five Bot Agents
//! actions: its token (v3.5+) and its webhooks (v3.3+). Same rules as
//! `actions.rs`: checked before anything is sent.

use crate::error::{Error, Result};
use crate::validate::{object, string_item, Obj};
use crate::version::ApiVersion;
use serde_json::Value;

/// The actions a `register_webhook` may subscribe to (v3.6's table).
pub const WEBHOOK_ACTIONS: [&str; 38] = [
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
pub const WEBHOOK_TYPES: [&str; 2] = ["bot", "license"];
pub const ADDITIONAL_DATA: [&str; 2] = ["chat_properties", "chat_presence_user_ids"];
/// `register_webhook`'s `url` limit, in characters.
pub const MAX_WEBHOOK_URL_CHARS: usize = 500;

/// The Configuration API actions a bot needs beyond the five.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AdminAction {
    /// `issue_bot_token` (v3.5+).
    IssueBotToken,
    /// `reset_bot_secret` (v3.5+).
    ResetBotSecret,
    /// `register_webhook` (v3.3+).
    RegisterWebhook,
    /// `list_webhooks` (v3.3+).
    ListWebhooks,
    /// `unregister_webhook` (v3.3+).
    UnregisterWebhook,
}

impl AdminAction {
    /// Every one of them.
    pub const ALL: [AdminAction; 5] = [
        AdminAction::IssueBotToken,
        AdminAction::ResetBotSecret,
        AdminAction::RegisterWebhook,
        AdminAction::ListWebhooks,
        AdminAction::UnregisterWebhook,
    ];

    /// The action's name (the same in every version that has it).
    pub fn name(self) -> &'static str {
        match self {
            AdminAction::IssueBotToken => "issue_bot_token",
            AdminAction::ResetBotSecret => "reset_bot_secret",
            AdminAction::RegisterWebhook => "register_webhook",
            AdminAction::ListWebhooks => "list_webhooks",
            AdminAction::UnregisterWebhook => "unregister_webhook",
        }
    }

    /// The first API version that has the action.
    pub fn since(self) -> ApiVersion {
        match self {
            AdminAction::IssueBotToken | AdminAction::ResetBotSecret => ApiVersion::V3_5,
            _ => ApiVersion::V3_3,
        }
    }

    /// Whether a failed attempt may be repeated whatever happened to it:
    /// reads, and issuing a bot token (a second token is as good as the first).
    pub fn is_read(self) -> bool {
        matches!(self, AdminAction::ListWebhooks | AdminAction::IssueBotToken)
    }

    /// Checks a request before it is sent: the version has the action, and the fields follow its rules.
    pub fn validate_request(self, version: ApiVersion, request: &Value) -> Result<()> {
        if version < self.since() {
            return Err(Error::validation(format!(
                "{}: not in API v{}; it exists from v{}",
                self.name(),
                version.as_str(),
                self.since().as_str()
            )));
        }
        let o = object(request, "")?;
        match self {
            AdminAction::IssueBotToken => {
                o.only(&["bot_id", "client_id", "bot_secret", "organization_id"])?;
                ["bot_id", "client_id", "bot_secret", "organization_id"].into_iter().try_for_each(|k| o.req_str(k).map(|_| ()))
            }
            AdminAction::ResetBotSecret => {
                o.only(&["id", "owner_client_id"])?;
                o.req_str("id")?;
                o.opt_non_empty_str("owner_client_id").map(|_| ())
            }
            AdminAction::RegisterWebhook => {
                o.only(&["action", "secret_key", "url", "additional_data", "description", "filters", "owner_client_id", "type"])?;
                o.req_enum("action", &WEBHOOK_ACTIONS)?;
                o.req_enum("type", &WEBHOOK_TYPES)?;
                o.req_str("secret_key")?;
                o.req_str("owner_client_id")?;
                let url = o.req_str("url")?;
                if !(url.starts_with("http://") || url.starts_with("https://")) {
                    return Err(Error::validation("url: expected an http:// or https:// URL"));
                }
                if url.chars().count() > MAX_WEBHOOK_URL_CHARS {
                    return Err(Error::validation(format!("url: at most {MAX_WEBHOOK_URL_CHARS} characters")));
                }
                o.opt_str("description")?;
                o.opt_array("additional_data", |item, path| {
                    string_item(item, path)?;
                    if ADDITIONAL_DATA.contains(&item.as_str().unwrap_or_default()) {
                        Ok(())
                    } else {
                        Err(Error::validation(format!(
                            "{path}: expected one of {}; got {}",
                            ADDITIONAL_DATA.join(", "),
                            crate::validate::describe(item)
                        )))
                    }
                })?;
                if let Some(f) = o.opt_object("filters")? {
                    check_filters(&f)?;
                }
                Ok(())
            }
            AdminAction::ListWebhooks => {
                o.only(&["owner_client_id"])?;
                o.req_str("owner_client_id").map(|_| ())
            }
            AdminAction::UnregisterWebhook => {
                o.only(&["id", "owner_client_id"])?;
                o.req_str("id")?;
                o.req_str("owner_client_id").map(|_| ())
            }
        }
    }

    /// Checks a 2xx answer's shape.
    pub(crate) fn check_response(self, body: Value) -> Result<Value> {
        let (ok, shape) = match self {
            AdminAction::IssueBotToken => (body.get("token").is_some_and(Value::is_string), r#"{"token": string}"#),
            AdminAction::ResetBotSecret => (body.get("secret").is_some_and(Value::is_string), r#"{"secret": string}"#),
            AdminAction::RegisterWebhook => (body.get("id").is_some_and(Value::is_string), r#"{"id": string}"#),
            AdminAction::ListWebhooks => (body.is_array(), "an array"),
            AdminAction::UnregisterWebhook => (body.is_object(), "an object"),
        };
        if ok {
            Ok(body)
        } else {
            // Never the body itself: a token or a secret may be in it.
            Err(Error::decode(format!("{}: the answer does not have the expected shape ({shape})", self.name())))
        }
    }
}

impl crate::configuration::templates::CheckedAction for AdminAction {
    fn name(self) -> &'static str {
        AdminAction::name(self)
    }
    fn is_read(self) -> bool {
        AdminAction::is_read(self)
    }
    fn validate_request(self, version: ApiVersion, request: &Value) -> Result<()> {
        AdminAction::validate_request(self, version, request)
    }
    fn check_response(self, body: Value) -> Result<Value> {
        AdminAction::check_response(self, body)
    }
}

fn check_filters(f: &Obj<'_>) -> Result<()> {
    f.only(&["author_type", "only_my_chats", "chat_presence", "source_type", "agent_ids"])?;
    f.opt_enum("author_type", &["customer", "agent"])?;
    f.opt_bool("only_my_chats")?;
    f.opt_array("source_type", |item, path| {
        if matches!(item.as_str(), Some("my_client" | "other_clients" | "system")) {
            Ok(())
        } else {
            Err(Error::validation(format!(
                "{path}: expected one of my_client, other_clients, system; got {}",
                crate::validate::describe(item)
            )))
        }
    })?;
    f.opt_object("agent_ids")?;
    if let Some(p) = f.opt_object("chat_presence")? {
        p.only(&["user_ids", "my_bots"])?;
        p.opt_bool("my_bots")?;
        if let Some(u) = p.opt_object("user_ids")? {
            u.only(&["values", "exclude_values"])?;
            if u.get("values").is_some() && u.get("exclude_values").is_some() {
                return Err(Error::validation("filters.chat_presence.user_ids: only one of values and exclude_values"));
            }
            u.opt_array("values", string_item)?;
            u.opt_array("exclude_values", string_item)?;
        }
    }
    Ok(())
}



#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn versions_gate_the_actions() {
        let token = json!({"bot_id": "b", "client_id": "c", "bot_secret": "s", "organization_id": "o"});
        assert!(AdminAction::IssueBotToken.validate_request(ApiVersion::V3_4, &token).unwrap_err().message.contains("from v3.5"));
        assert!(AdminAction::IssueBotToken.validate_request(ApiVersion::V3_5, &token).is_ok());
        let list = json!({"owner_client_id": "c"});
        assert!(AdminAction::ListWebhooks.validate_request(ApiVersion::V3_2, &list).is_err());
        assert!(AdminAction::ListWebhooks.validate_request(ApiVersion::V3_3, &list).is_ok());
    }

    #[test]
    fn register_webhook_checks_every_field() {
        let ok = json!({"action": "incoming_event", "secret_key": "k", "url": "http://127.0.0.1:9/hook",
            "type": "bot", "owner_client_id": "c", "filters": {"author_type": "customer", "chat_presence": {"my_bots": true}}});
        assert!(AdminAction::RegisterWebhook.validate_request(ApiVersion::V3_6, &ok).is_ok());
        let bad = |patch: Value| {
            let mut r = ok.clone();
            for (k, v) in patch.as_object().unwrap() {
                r[k] = v.clone();
            }
            AdminAction::RegisterWebhook.validate_request(ApiVersion::V3_6, &r).unwrap_err().message
        };
        assert!(bad(json!({"action": "incoming_mail"})).starts_with("action:"));
        assert!(bad(json!({"type": "agent"})).starts_with("type:"));
        assert!(bad(json!({"url": "ftp://x"})).starts_with("url:"));
        assert!(bad(json!({"url": format!("http://{}", "a".repeat(500))})).contains("500"));
        assert!(bad(json!({"additional_data": ["chat_users"]})).starts_with("additional_data[0]"));
        assert!(bad(json!({"filters": {"author_type": "bot"}})).starts_with("filters.author_type"));
    }

    #[test]
    fn answers_are_checked_without_echoing_them() {
        let e = AdminAction::IssueBotToken.check_response(json!({"tok": "secret-value"})).unwrap_err();
        assert!(!e.message.contains("secret-value"));
    }
}
