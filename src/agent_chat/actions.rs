//! The one place that knows each Agent Chat Web API action a bot uses: its
//! name per version, the request rules (in today's, v3.6, names and
//! shapes), and the translation to and from older versions' wire shapes.
//!
//! | version | renamed actions | chat named by | event audience | transfer option | list filter |
//! |---|---|---|---|---|---|
//! | 3.0, 3.1 | `get_chats_summary`, `get_chat_threads`, `close_thread`; routing status through `update_bot_agent` | `chat_id` | `recipients` | `force` | `include_active` |
//! | 3.2 | - | `chat_id` | `recipients` | `force` | `include_active` |
//! | 3.3 | - | `id` | `recipients` | `force` | `include_active` |
//! | 3.4, 3.5 | - | `id` | `visibility` | `ignore_agents_availability` (+ `ignore_requester_presence`) | `include_active` |
//! | 3.6 | - | `id` | `visibility` | `ignore_agents_availability` (+ `ignore_requester_presence`) | `active` |

use crate::agent_chat::{conversation, rich_message};
use crate::error::{Error, Result};
use crate::validate::{object, Obj};
use crate::version::ApiVersion;
use serde_json::{json, Map, Value};

/// `set_routing_status` values (v3.2+ spelling).
pub const ROUTING_STATUSES: [&str; 3] = ["accepting_chats", "not_accepting_chats", "offline"];
pub const EVENT_TYPES: [&str; 3] = ["message", "rich_message", "system_message"];
pub use crate::agent_chat::events::{MAX_MESSAGE_BYTES, VISIBILITIES};
/// `list_chats` page sizes.
pub const MAX_LIST_LIMIT: i64 = 100;
/// `filters.group_ids` holds at most this many ids.
pub const MAX_FILTER_GROUPS: usize = 200;

/// The Agent Chat actions with a typed call; others go through `Bot::call`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ChatAction {
    /// `set_routing_status` (v3.2+).
    SetRoutingStatus,
    /// `send_event`.
    SendEvent,
    /// `list_chats`.
    ListChats,
    /// `get_chat`.
    GetChat,
    /// `transfer_chat`.
    TransferChat,
    /// `deactivate_chat`.
    DeactivateChat,
    /// `list_routing_statuses` (v3.2+).
    ListRoutingStatuses,
    /// `send_typing_indicator` (v3.2+).
    SendTypingIndicator,
    /// `send_thinking_indicator` (v3.6).
    SendThinkingIndicator,
    /// `send_event_preview` (v3.6).
    SendEventPreview,
    /// `tag_thread` (v3.2+).
    TagThread,
    /// `untag_thread` (v3.2+).
    UntagThread,
    /// `update_chat_properties` (v3.2+).
    UpdateChatProperties,
    /// `delete_chat_properties` (v3.2+).
    DeleteChatProperties,
    /// `update_thread_properties` (v3.2+).
    UpdateThreadProperties,
    /// `delete_thread_properties` (v3.2+).
    DeleteThreadProperties,
    /// `mark_events_as_seen` (v3.2+).
    MarkEventsAsSeen,
    /// `get_customer` (v3.2+).
    GetCustomer,
}

impl ChatAction {
    /// Every action a bot makes.
    pub const ALL: [ChatAction; 18] = [
        ChatAction::SetRoutingStatus,
        ChatAction::SendEvent,
        ChatAction::ListChats,
        ChatAction::GetChat,
        ChatAction::TransferChat,
        ChatAction::DeactivateChat,
        ChatAction::ListRoutingStatuses,
        ChatAction::SendTypingIndicator,
        ChatAction::SendThinkingIndicator,
        ChatAction::SendEventPreview,
        ChatAction::TagThread,
        ChatAction::UntagThread,
        ChatAction::UpdateChatProperties,
        ChatAction::DeleteChatProperties,
        ChatAction::UpdateThreadProperties,
        ChatAction::DeleteThreadProperties,
        ChatAction::MarkEventsAsSeen,
        ChatAction::GetCustomer,
    ];

    /// Today's (v3.6) name, used in every normalized document.
    pub fn name(self) -> &'static str {
        match self {
            ChatAction::SetRoutingStatus => "set_routing_status",
            ChatAction::SendEvent => "send_event",
            ChatAction::ListChats => "list_chats",
            ChatAction::GetChat => "get_chat",
            ChatAction::TransferChat => "transfer_chat",
            ChatAction::DeactivateChat => "deactivate_chat",
            ChatAction::ListRoutingStatuses => "list_routing_statuses",
            ChatAction::SendTypingIndicator => "send_typing_indicator",
            ChatAction::SendThinkingIndicator => "send_thinking_indicator",
            ChatAction::SendEventPreview => "send_event_preview",
            ChatAction::TagThread => "tag_thread",
            ChatAction::UntagThread => "untag_thread",
            ChatAction::UpdateChatProperties => "update_chat_properties",
            ChatAction::DeleteChatProperties => "delete_chat_properties",
            ChatAction::UpdateThreadProperties => "update_thread_properties",
            ChatAction::DeleteThreadProperties => "delete_thread_properties",
            ChatAction::MarkEventsAsSeen => "mark_events_as_seen",
            ChatAction::GetCustomer => "get_customer",
        }
    }

    /// The Agent Chat action `version` names it by; `None` when that
    /// version has no Agent Chat action for it (routing status before v3.2
    /// is a Configuration API `update_bot_agent`).
    pub fn wire_name(self, version: ApiVersion) -> Option<&'static str> {
        if conversation::first_version(self.name()).is_some_and(|first| version < first) {
            return None;
        }
        let old = version < ApiVersion::V3_2;
        Some(match self {
            ChatAction::SetRoutingStatus | ChatAction::ListRoutingStatuses if old => return None,
            ChatAction::ListChats if old => "get_chats_summary",
            ChatAction::GetChat if old => "get_chat_threads",
            ChatAction::DeactivateChat if old => "close_thread",
            other => other.name(),
        })
    }

    /// Reads change nothing, so they may be retried.
    pub fn is_read(self) -> bool {
        matches!(self, ChatAction::ListChats | ChatAction::GetChat | ChatAction::ListRoutingStatuses | ChatAction::GetCustomer)
    }

    /// Checks a request in today's shape.
    pub fn validate_request(self, version: ApiVersion, request: &Value) -> Result<()> {
        let o = object(request, "")?;
        match self {
            ChatAction::SetRoutingStatus => {
                o.only(&["status", "agent_id"])?;
                o.req_enum("status", &ROUTING_STATUSES)?;
                o.opt_non_empty_str("agent_id").map(|_| ())
            }
            ChatAction::SendEvent => {
                if version <= ApiVersion::V3_3 {
                    o.only(&["chat_id", "event", "attach_to_last_thread"])?;
                } else if o.get("attach_to_last_thread").is_some() {
                    return Err(Error::validation(format!(
                        "attach_to_last_thread: not in API v{}; it exists up to v3.3",
                        version.as_str()
                    )));
                } else {
                    o.only(&["chat_id", "event"])?;
                }
                o.req_str("chat_id")?;
                o.opt_bool("attach_to_last_thread")?;
                validate_event(version, &o.req_object("event")?)
            }
            ChatAction::ListChats => {
                o.only(&["filters", "sort_order", "limit", "page_id"])?;
                if o.get("page_id").is_some() {
                    o.req_str("page_id")?;
                    if let Some(k) = ["filters", "sort_order", "limit"].into_iter().find(|k| o.get(k).is_some()) {
                        return Err(Error::validation(format!(
                            "{k}: not allowed with page_id (a page keeps the filters, order and limit of the first request)"
                        )));
                    }
                }
                o.opt_enum("sort_order", &["asc", "desc"])?;
                o.opt_int("limit", 1, MAX_LIST_LIMIT)?;
                if let Some(f) = o.opt_object("filters")? {
                    f.only(&["active", "group_ids", "include_chats_without_threads", "properties"])?;
                    if f.opt_bool("active")? == Some(true) && version < ApiVersion::V3_6 {
                        // Older versions only say whether active chats are included.
                        return Err(Error::validation(format!(
                            "filters.active: true (active chats only) does not exist in API v{}; it has \
                             filters.include_active, which false turns into inactive chats only",
                            version.as_str()
                        )));
                    }
                    f.opt_bool("include_chats_without_threads")?;
                    f.opt_object("properties")?;
                    group_ids(&f)?;
                }
                Ok(())
            }
            ChatAction::GetChat => {
                o.only(&["chat_id", "thread_id"])?;
                o.req_str("chat_id")?;
                o.opt_non_empty_str("thread_id").map(|_| ())
            }
            ChatAction::TransferChat => {
                o.only(&["id", "target", "ignore_agents_availability", "ignore_requester_presence"])?;
                o.req_str("id")?;
                o.opt_bool("ignore_agents_availability")?;
                presence_rule(version, &o)?;
                if let Some(t) = o.opt_object("target")? {
                    t.only(&["type", "ids"])?;
                    let kind = t.req_enum("type", &["group", "agent"])?;
                    t.req_array("ids", |item, path| match (kind, item) {
                        ("group", v) if v.is_u64() => Ok(()),
                        ("agent", Value::String(s)) if !s.is_empty() => Ok(()),
                        (_, v) => Err(Error::validation(format!(
                            "{path}: expected {}; got {}",
                            if kind == "group" { "a group id (an unsigned integer)" } else { "an agent id (a non-empty string)" },
                            crate::validate::describe(v)
                        ))),
                    })?;
                    if t.get("ids").and_then(Value::as_array).is_some_and(Vec::is_empty) {
                        return Err(Error::validation("target.ids: must not be empty"));
                    }
                }
                Ok(())
            }
            ChatAction::DeactivateChat => {
                o.only(&["id", "ignore_requester_presence"])?;
                o.req_str("id")?;
                presence_rule(version, &o)
            }
            ChatAction::ListRoutingStatuses => {
                if version < ApiVersion::V3_2 {
                    return Err(Error::validation(format!(
                        "list_routing_statuses: not in API v{}; it exists from v3.2",
                        version.as_str()
                    )));
                }
                o.only(&["filters"])?;
                if let Some(f) = o.opt_object("filters")? {
                    f.only(&["group_ids"])?;
                    group_ids(&f)?;
                }
                Ok(())
            }
            conversational => conversation::validate(conversational.name(), version, &o),
        }
    }

    /// Today's request in `version`'s wire shape (the v3.0 wrapper aside).
    /// `bot_id` fills `set_routing_status`'s default `agent_id`.
    pub(crate) fn request_to_wire(self, version: ApiVersion, mut request: Value, bot_id: &str) -> Value {
        let Some(o) = request.as_object_mut() else { return request };
        match self {
            ChatAction::SetRoutingStatus => {
                o.entry("agent_id").or_insert_with(|| json!(bot_id));
            }
            ChatAction::SendEvent if version < ApiVersion::V3_4 => {
                if let Some(event) = o.get_mut("event").and_then(Value::as_object_mut) {
                    rename(event, "visibility", "recipients");
                }
            }
            ChatAction::TransferChat | ChatAction::DeactivateChat if version < ApiVersion::V3_4 => {
                if version < ApiVersion::V3_3 {
                    rename(o, "id", "chat_id");
                }
                // Before v3.4 the requester always had to be in the chat
                // (checked above: only `false` gets here), and `force` said
                // what `ignore_agents_availability` says now.
                o.remove("ignore_requester_presence");
                rename(o, "ignore_agents_availability", "force");
            }
            ChatAction::ListChats if version < ApiVersion::V3_6 => {
                if let Some(filters) = o.get_mut("filters").and_then(Value::as_object_mut) {
                    // Only `false` gets here (checked above).
                    rename(filters, "active", "include_active");
                }
            }
            ChatAction::GetChat if version < ApiVersion::V3_2 => {
                if let Some(thread) = o.remove("thread_id") {
                    o.insert("thread_ids".into(), json!([thread]));
                }
            }
            conversational => conversation::to_wire(conversational.name(), version, o),
        }
        request
    }

    /// `version`'s answer in today's shape, checked.
    pub(crate) fn response_from_wire(self, version: ApiVersion, mut body: Value) -> Result<Value> {
        if version < ApiVersion::V3_4 {
            rename_everywhere(&mut body, "recipients", "visibility");
        }
        let body = match self {
            ChatAction::SendEvent if version == ApiVersion::V3_0 => match body.get("event").and_then(|e| e.get("id")) {
                Some(id) => json!({ "event_id": id }),
                None => body,
            },
            ChatAction::GetChat if version < ApiVersion::V3_2 => match body.get_mut("chat").map(Value::take) {
                Some(Value::Object(mut chat)) => {
                    let thread = chat.remove("threads").and_then(|t| match t {
                        Value::Array(mut threads) => threads.pop(),
                        _ => None,
                    });
                    if let Some(thread) = thread {
                        chat.insert("thread".into(), thread);
                    }
                    Value::Object(chat)
                }
                _ => body,
            },
            _ => body,
        };
        self.check_response(body)
    }

    fn check_response(self, body: Value) -> Result<Value> {
        let (ok, shape) = match self {
            ChatAction::SendEvent => (body.get("event_id").is_some_and(Value::is_string), r#"{"event_id": string}"#),
            ChatAction::ListChats => (body.get("chats_summary").is_some_and(Value::is_array), r#"{"chats_summary": array}"#),
            ChatAction::GetChat => (body.get("id").is_some_and(Value::is_string), r#"{"id": string, "thread": object}"#),
            ChatAction::ListRoutingStatuses => (body.is_array(), "an array"),
            ChatAction::GetCustomer => (body.get("id").is_some_and(Value::is_string), r#"{"id": string, ...}"#),
            _ => (body.is_object(), "an object"),
        };
        if ok {
            Ok(body)
        } else {
            Err(Error::decode(format!("{}: the answer does not have the expected shape ({shape})", self.name())))
        }
    }
}

/// `ignore_requester_presence` exists from v3.4; before, the requester had
/// to be in the chat, which `false` (or its absence) asks anyway.
fn presence_rule(version: ApiVersion, o: &Obj<'_>) -> Result<()> {
    if o.opt_bool("ignore_requester_presence")? == Some(true) && version < ApiVersion::V3_4 {
        return Err(Error::validation(format!(
            "ignore_requester_presence: does not exist in API v{}; there the requester must be in the chat",
            version.as_str()
        )));
    }
    Ok(())
}

/// `update_bot_agent`'s status spelling (v3.0/3.1) of a routing status.
pub fn status_with_spaces(status: &str) -> String {
    status.replace('_', " ")
}

fn validate_event(version: ApiVersion, e: &Obj<'_>) -> Result<()> {
    let kind = e.req_enum("type", &EVENT_TYPES)?;
    e.opt_enum("visibility", &VISIBILITIES)?;
    e.opt_non_empty_str("custom_id")?;
    e.opt_object("properties")?;
    let mut allowed = vec!["type", "visibility", "custom_id", "properties"];
    match kind {
        "message" => {
            allowed.push("text");
            // Present and not empty (req_str), and within LiveChat's size.
            let text = e.req_str("text")?;
            if text.len() > MAX_MESSAGE_BYTES {
                return Err(Error::validation(format!(
                    "event.text: {} bytes; a message holds at most {MAX_MESSAGE_BYTES}",
                    text.len()
                )));
            }
        }
        "system_message" => {
            allowed.extend(["text", "system_message_type"]);
            if version >= ApiVersion::V3_2 {
                allowed.push("text_vars");
            }
            e.req_str("text")?;
            e.opt_str("system_message_type")?;
            e.opt_object("text_vars")?;
        }
        _ => {
            allowed.extend(rich_message::FIELDS);
            rich_message::validate(version, e)?;
        }
    }
    e.only(&allowed)
}

fn group_ids(f: &Obj<'_>) -> Result<()> {
    f.opt_array("group_ids", |item, path| {
        if item.is_u64() {
            Ok(())
        } else {
            Err(Error::validation(format!(
                "{path}: expected a group id (an unsigned integer); got {}",
                crate::validate::describe(item)
            )))
        }
    })?;
    let n = f.get("group_ids").and_then(Value::as_array).map_or(0, Vec::len);
    if n > MAX_FILTER_GROUPS {
        return Err(Error::validation(format!("filters.group_ids: {n} ids; at most {MAX_FILTER_GROUPS}")));
    }
    Ok(())
}



fn rename(o: &mut Map<String, Value>, from: &str, to: &str) {
    if let Some(v) = o.remove(from) {
        o.insert(to.into(), v);
    }
}

/// Renames a key in every object of a document (events sit at many depths:
/// threads, summaries' `last_event_per_type`).
fn rename_everywhere(v: &mut Value, from: &str, to: &str) {
    match v {
        Value::Object(o) => {
            rename(o, from, to);
            o.values_mut().for_each(|child| rename_everywhere(child, from, to));
        }
        Value::Array(items) => items.iter_mut().for_each(|child| rename_everywhere(child, from, to)),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn old_versions_name_the_chat_by_chat_id_and_the_audience_recipients() {
        let wire = ChatAction::DeactivateChat.request_to_wire(ApiVersion::V3_2, json!({"id": "C1"}), "b");
        assert_eq!(wire, json!({"chat_id": "C1"}));
        let wire = ChatAction::DeactivateChat.request_to_wire(ApiVersion::V3_3, json!({"id": "C1"}), "b");
        assert_eq!(wire, json!({"id": "C1"}));
        let event = json!({"chat_id": "C1", "event": {"type": "message", "text": "hi", "visibility": "all"}});
        let wire = ChatAction::SendEvent.request_to_wire(ApiVersion::V3_3, event.clone(), "b");
        assert_eq!(wire["event"]["recipients"], "all");
        assert!(wire["event"].get("visibility").is_none());
        assert_eq!(ChatAction::SendEvent.request_to_wire(ApiVersion::V3_4, event.clone(), "b"), event);
    }

    #[test]
    fn options_take_their_older_names() {
        let transfer = json!({"id": "C1", "ignore_agents_availability": true, "ignore_requester_presence": false});
        let wire = ChatAction::TransferChat.request_to_wire(ApiVersion::V3_3, transfer.clone(), "b");
        assert_eq!(wire, json!({"id": "C1", "force": true}));
        assert_eq!(ChatAction::TransferChat.request_to_wire(ApiVersion::V3_4, transfer.clone(), "b"), transfer);
        let presence = json!({"id": "C1", "ignore_requester_presence": true});
        assert!(ChatAction::DeactivateChat.validate_request(ApiVersion::V3_3, &presence).is_err());
        assert!(ChatAction::DeactivateChat.validate_request(ApiVersion::V3_4, &presence).is_ok());
        let inactive = json!({"filters": {"active": false}});
        let wire = ChatAction::ListChats.request_to_wire(ApiVersion::V3_5, inactive.clone(), "b");
        assert_eq!(wire, json!({"filters": {"include_active": false}}));
        let active_only = json!({"filters": {"active": true}});
        assert!(ChatAction::ListChats.validate_request(ApiVersion::V3_5, &active_only).unwrap_err().message.contains("include_active"));
        assert!(ChatAction::ListChats.validate_request(ApiVersion::V3_6, &active_only).is_ok());
    }

    #[test]
    fn renamed_actions_and_missing_ones() {
        assert_eq!(ChatAction::ListChats.wire_name(ApiVersion::V3_1), Some("get_chats_summary"));
        assert_eq!(ChatAction::GetChat.wire_name(ApiVersion::V3_0), Some("get_chat_threads"));
        assert_eq!(ChatAction::DeactivateChat.wire_name(ApiVersion::V3_1), Some("close_thread"));
        assert_eq!(ChatAction::DeactivateChat.wire_name(ApiVersion::V3_2), Some("deactivate_chat"));
        assert_eq!(ChatAction::SetRoutingStatus.wire_name(ApiVersion::V3_1), None);
        assert_eq!(ChatAction::SetRoutingStatus.wire_name(ApiVersion::V3_2), Some("set_routing_status"));
        for action in ChatAction::ALL {
            assert_eq!(action.wire_name(ApiVersion::V3_6), Some(action.name()));
        }
    }

    #[test]
    fn get_chat_threads_answers_become_get_chat_answers() {
        let wire = json!({"chat": {"id": "C1", "users": [], "threads": [{"id": "T1", "events": [{"id": "T1_1", "recipients": "all"}]}]}});
        let doc = ChatAction::GetChat.response_from_wire(ApiVersion::V3_1, wire).unwrap();
        assert_eq!(doc["id"], "C1");
        assert_eq!(doc["thread"]["id"], "T1");
        assert_eq!(doc["thread"]["events"][0]["visibility"], "all");
        let request = ChatAction::GetChat.request_to_wire(ApiVersion::V3_0, json!({"chat_id": "C1", "thread_id": "T1"}), "b");
        assert_eq!(request, json!({"chat_id": "C1", "thread_ids": ["T1"]}));
    }

    #[test]
    fn v3_0_send_event_answers_the_event() {
        let doc = ChatAction::SendEvent.response_from_wire(ApiVersion::V3_0, json!({"event": {"id": "T_1"}})).unwrap();
        assert_eq!(doc, json!({"event_id": "T_1"}));
        let bad = ChatAction::SendEvent.response_from_wire(ApiVersion::V3_6, json!({})).unwrap_err();
        assert!(bad.message.contains("event_id"), "{}", bad.message);
    }

    #[test]
    fn requests_are_checked_field_by_field() {
        let check = |a: ChatAction, v: Value| a.validate_request(ApiVersion::V3_6, &v).map_err(|e| e.message);
        assert!(check(ChatAction::SendEvent, json!({"chat_id": "C", "event": {"type": "message", "text": "hi"}})).is_ok());
        let long = "x".repeat(MAX_MESSAGE_BYTES + 1);
        assert!(check(ChatAction::SendEvent, json!({"chat_id": "C", "event": {"type": "message", "text": long}}))
            .unwrap_err()
            .contains("at most 16384"));
        assert!(check(ChatAction::SendEvent, json!({"chat_id": "C", "event": {"type": "file"}})).unwrap_err().contains("event.type"));
        assert!(check(ChatAction::SendEvent, json!({"chat_id": "C", "event": {"type": "message", "text": "a", "visibility": "me"}}))
            .unwrap_err()
            .contains("event.visibility"));
        assert!(check(ChatAction::SetRoutingStatus, json!({"status": "accepting chats"})).unwrap_err().contains("accepting_chats"));
        assert!(check(ChatAction::ListChats, json!({"limit": 101})).unwrap_err().contains("limit"));
        assert!(check(ChatAction::ListChats, json!({"page_id": "p", "limit": 5})).unwrap_err().contains("page_id"));
        assert!(check(ChatAction::ListChats, json!({"filters": {"group_ids": [-1]}})).unwrap_err().contains("group_ids[0]"));
        assert!(check(ChatAction::TransferChat, json!({"id": "C", "target": {"type": "agent", "ids": [1]}}))
            .unwrap_err()
            .contains("target.ids[0]"));
        assert!(check(ChatAction::DeactivateChat, json!({"id": ""})).unwrap_err().contains("id: must not be empty"));
        assert!(ChatAction::ListRoutingStatuses.validate_request(ApiVersion::V3_1, &json!({})).is_err());
    }
}
