//! The conversation actions of a bot (beyond sending events): typing and
//! thinking indicators, an event preview, thread tags, chat and thread
//! properties, marking events seen, and reading a customer. Their request
//! rules in today's (v3.6) names, the versions that have them, and their
//! older wire names.
//!
//! | action | from | before v3.4 | before v3.3 |
//! |---|---|---|---|
//! | `send_typing_indicator` | 3.2 | `visibility` is `recipients` | |
//! | `send_thinking_indicator`, `send_event_preview` | 3.6 | | |
//! | `tag_thread`, `untag_thread`, `mark_events_as_seen` | 3.2 | | |
//! | `update_chat_properties`, `delete_chat_properties` | 3.2 | | `id` is `chat_id` |
//! | `update_thread_properties`, `delete_thread_properties` | 3.2 | | |
//! | `get_customer` | 3.2 | | `id` is `customer_id` |
//!
//! v3.0 and v3.1 are refused before sending: this library knows their Agent
//! Chat API only for the actions of `actions.rs`.

use crate::agent_chat::events::{MAX_MESSAGE_BYTES, VISIBILITIES};
use crate::agent_chat::rich_message::since;
use crate::error::{Error, Result};
use crate::validate::{describe, Obj};
use crate::version::ApiVersion;
use serde_json::{Map, Value};

/// The first version with `action` (today's name), when it is a
/// conversation action.
pub(crate) fn first_version(action: &str) -> Option<ApiVersion> {
    match action {
        "send_thinking_indicator" | "send_event_preview" => Some(ApiVersion::V3_6),
        "send_typing_indicator" | "tag_thread" | "untag_thread" | "update_chat_properties" | "delete_chat_properties"
        | "update_thread_properties" | "delete_thread_properties" | "mark_events_as_seen" | "get_customer" => Some(ApiVersion::V3_2),
        _ => None,
    }
}

/// Checks a conversation action's request (today's name and shape) for `version`.
pub(crate) fn validate(action: &str, version: ApiVersion, o: &Obj<'_>) -> Result<()> {
    if let Some(first) = first_version(action) {
        if version < first {
            return Err(since(action, version, first.as_str()));
        }
    }
    match action {
        "send_typing_indicator" => {
            o.only(&["chat_id", "visibility", "is_typing"])?;
            o.req_str("chat_id")?;
            o.opt_enum("visibility", &VISIBILITIES)?;
            match o.get("is_typing") {
                Some(Value::Bool(_)) => Ok(()),
                Some(other) => Err(Error::validation(format!("is_typing: expected true or false; got {}", describe(other)))),
                None => Err(Error::validation("is_typing: required field is missing")),
            }
        }
        "send_thinking_indicator" => {
            o.only(&["chat_id", "title", "description", "visibility", "custom_id"])?;
            o.req_str("chat_id")?;
            o.opt_str("title")?;
            o.opt_str("description")?;
            o.opt_non_empty_str("custom_id")?;
            o.opt_enum("visibility", &VISIBILITIES).map(|_| ())
        }
        "send_event_preview" => {
            o.only(&["chat_id", "event"])?;
            o.req_str("chat_id")?;
            let e = o.req_object("event")?;
            e.only(&["type", "text", "visibility", "custom_id", "properties"])?;
            e.req_enum("type", &["message"])?;
            e.opt_enum("visibility", &VISIBILITIES)?;
            e.opt_object("properties")?;
            let text = e.req_str("text")?;
            if text.len() > MAX_MESSAGE_BYTES {
                return Err(Error::validation(format!("event.text: {} bytes; a message holds at most {MAX_MESSAGE_BYTES}", text.len())));
            }
            Ok(())
        }
        "tag_thread" | "untag_thread" => {
            o.only(&["chat_id", "thread_id", "tag"])?;
            o.req_str("chat_id")?;
            o.req_str("thread_id")?;
            o.req_str("tag").map(|_| ())
        }
        "update_chat_properties" | "delete_chat_properties" => {
            o.only(&["id", "properties"])?;
            o.req_str("id")?;
            properties(action, o)
        }
        "update_thread_properties" | "delete_thread_properties" => {
            o.only(&["chat_id", "thread_id", "properties"])?;
            o.req_str("chat_id")?;
            o.req_str("thread_id")?;
            properties(action, o)
        }
        "mark_events_as_seen" => {
            o.only(&["chat_id", "seen_up_to"])?;
            o.req_str("chat_id")?;
            let at = o.req_str("seen_up_to")?;
            if chrono_like_rfc3339(at) {
                Ok(())
            } else {
                Err(Error::validation(format!(
                    "seen_up_to: expected an RFC 3339 date-time such as \"2026-01-31T12:00:00.000000Z\"; got {}",
                    describe(&Value::String(at.to_owned()))
                )))
            }
        }
        "get_customer" => {
            o.only(&["id"])?;
            o.req_str("id").map(|_| ())
        }
        _ => Ok(()),
    }
}

/// `properties`: `{namespace: {name: value}}` to update, `{namespace:
/// [names]}` to delete; neither empty.
fn properties(action: &str, o: &Obj<'_>) -> Result<()> {
    let namespaces = o.req_object("properties")?;
    if namespaces.map.is_empty() {
        return Err(Error::validation("properties: must name at least one namespace"));
    }
    let delete = action.starts_with("delete_");
    for (namespace, names) in namespaces.map {
        let path = format!("properties.{namespace}");
        let count = match (delete, names) {
            (false, Value::Object(values)) => values.len(),
            (true, Value::Array(list)) => {
                if let Some((i, bad)) = list.iter().enumerate().find(|(_, n)| !n.as_str().is_some_and(|s| !s.is_empty())) {
                    return Err(Error::validation(format!("{path}[{i}]: expected a property name; got {}", describe(bad))));
                }
                list.len()
            }
            (false, other) => return Err(Error::validation(format!("{path}: expected an object of property values; got {}", describe(other)))),
            (true, other) => return Err(Error::validation(format!("{path}: expected an array of property names; got {}", describe(other)))),
        };
        if count == 0 {
            return Err(Error::validation(format!("{path}: must name at least one property")));
        }
    }
    Ok(())
}

/// `YYYY-MM-DDTHH:MM:SS[.fraction](Z|±HH:MM)`, the shape LiveChat's
/// timestamps have.
fn chrono_like_rfc3339(s: &str) -> bool {
    let b = s.as_bytes();
    let digits = |r: std::ops::Range<usize>| r.clone().all(|i| b.get(i).is_some_and(u8::is_ascii_digit));
    if b.len() < 20 || !(digits(0..4) && b[4] == b'-' && digits(5..7) && b[7] == b'-' && digits(8..10)) {
        return false;
    }
    if !(matches!(b[10], b'T' | b't') && digits(11..13) && b[13] == b':' && digits(14..16) && b[16] == b':' && digits(17..19)) {
        return false;
    }
    let mut i = 19;
    if b.get(i) == Some(&b'.') {
        i += 1;
        let start = i;
        while b.get(i).is_some_and(u8::is_ascii_digit) {
            i += 1;
        }
        if i == start {
            return false;
        }
    }
    match &b[i..] {
        [b'Z' | b'z'] => true,
        [b'+' | b'-', h1, h2, b':', m1, m2] => [h1, h2, m1, m2].iter().all(|c| c.is_ascii_digit()),
        _ => false,
    }
}

/// Today's request in `version`'s names.
pub(crate) fn to_wire(action: &str, version: ApiVersion, o: &mut Map<String, Value>) {
    match action {
        "send_typing_indicator" if version < ApiVersion::V3_4 => rename(o, "visibility", "recipients"),
        "update_chat_properties" | "delete_chat_properties" if version < ApiVersion::V3_3 => rename(o, "id", "chat_id"),
        "get_customer" if version < ApiVersion::V3_3 => rename(o, "id", "customer_id"),
        _ => {}
    }
}

fn rename(o: &mut Map<String, Value>, from: &str, to: &str) {
    if let Some(v) = o.remove(from) {
        o.insert(to.into(), v);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::agent_chat::actions::ChatAction;
    use serde_json::json;

    fn check(action: ChatAction, version: ApiVersion, v: Value) -> std::result::Result<(), String> {
        action.validate_request(version, &v).map_err(|e| e.message)
    }

    #[test]
    fn an_action_a_version_lacks_is_refused_naming_the_first_that_has_it() {
        let thinking = json!({"chat_id": "C", "title": "Looking it up"});
        assert_eq!(
            check(ChatAction::SendThinkingIndicator, ApiVersion::V3_5, thinking.clone()).unwrap_err(),
            "send_thinking_indicator: not in API v3.5; it exists from v3.6"
        );
        assert_eq!(check(ChatAction::SendThinkingIndicator, ApiVersion::V3_6, thinking), Ok(()));
        let preview = json!({"chat_id": "C", "event": {"type": "message", "text": "typing this"}});
        assert!(check(ChatAction::SendEventPreview, ApiVersion::V3_4, preview.clone()).unwrap_err().contains("from v3.6"));
        assert_eq!(check(ChatAction::SendEventPreview, ApiVersion::V3_6, preview), Ok(()));
        let tag = json!({"chat_id": "C", "thread_id": "T", "tag": "sales"});
        assert!(check(ChatAction::TagThread, ApiVersion::V3_1, tag.clone()).unwrap_err().contains("from v3.2"));
        assert_eq!(check(ChatAction::TagThread, ApiVersion::V3_2, tag), Ok(()));
    }

    #[test]
    fn requests_are_checked() {
        let v = ApiVersion::V3_6;
        assert!(check(ChatAction::SendTypingIndicator, v, json!({"chat_id": "C"})).unwrap_err().contains("is_typing: required"));
        assert!(check(ChatAction::SendTypingIndicator, v, json!({"chat_id": "C", "is_typing": 1})).unwrap_err().contains("is_typing"));
        assert!(check(ChatAction::SendEventPreview, v, json!({"chat_id": "C", "event": {"type": "rich_message"}})).unwrap_err().contains("event.type"));
        assert!(check(ChatAction::UpdateChatProperties, v, json!({"id": "C", "properties": {}})).unwrap_err().contains("at least one namespace"));
        assert!(check(ChatAction::UpdateChatProperties, v, json!({"id": "C", "properties": {"ns": ["a"]}})).unwrap_err().contains("object of property values"));
        assert!(check(ChatAction::DeleteThreadProperties, v, json!({"chat_id": "C", "thread_id": "T", "properties": {"ns": [""]}})).unwrap_err().contains("properties.ns[0]"));
        assert_eq!(check(ChatAction::UpdateThreadProperties, v, json!({"chat_id": "C", "thread_id": "T", "properties": {"ns": {"a": 1}}})), Ok(()));
        assert_eq!(check(ChatAction::MarkEventsAsSeen, v, json!({"chat_id": "C", "seen_up_to": "2026-01-31T12:00:00.123456Z"})), Ok(()));
        assert_eq!(check(ChatAction::MarkEventsAsSeen, v, json!({"chat_id": "C", "seen_up_to": "2026-01-31T12:00:00+02:00"})), Ok(()));
        assert!(check(ChatAction::MarkEventsAsSeen, v, json!({"chat_id": "C", "seen_up_to": "yesterday"})).unwrap_err().contains("RFC 3339"));
        assert!(check(ChatAction::GetCustomer, v, json!({"customer_id": "x"})).unwrap_err().contains("customer_id"));
    }

    #[test]
    fn older_versions_get_their_names() {
        let wire = ChatAction::SendTypingIndicator.request_to_wire(ApiVersion::V3_3, json!({"chat_id": "C", "is_typing": true, "visibility": "all"}), "b");
        assert_eq!(wire, json!({"chat_id": "C", "is_typing": true, "recipients": "all"}));
        let wire = ChatAction::UpdateChatProperties.request_to_wire(ApiVersion::V3_2, json!({"id": "C", "properties": {}}), "b");
        assert_eq!(wire, json!({"chat_id": "C", "properties": {}}));
        assert_eq!(ChatAction::GetCustomer.request_to_wire(ApiVersion::V3_2, json!({"id": "U"}), "b"), json!({"customer_id": "U"}));
        assert_eq!(ChatAction::GetCustomer.request_to_wire(ApiVersion::V3_3, json!({"id": "U"}), "b"), json!({"id": "U"}));
        assert_eq!(ChatAction::SendThinkingIndicator.wire_name(ApiVersion::V3_5), None);
        assert_eq!(ChatAction::TagThread.wire_name(ApiVersion::V3_1), None);
    }
}
