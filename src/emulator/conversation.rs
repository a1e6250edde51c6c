//! The Agent Chat actions a bot converses with, served: typing and
//! thinking indicators and event previews (shown until the bot writes or
//! they time out), thread tags, chat and thread properties, events marked
//! seen, and the customer. Checked in the caller's version's names
//! (`recipients` before v3.4, `chat_id`/`customer_id` before v3.3), kept in
//! the chat's [`ChatTalk`](crate::emulator::chat_talk::ChatTalk).
//! `agent_chat` checks the caller's access to the chat first.

use crate::emulator::chats::{visibility_key, Chat, MAX_TEXT_BYTES};
use crate::emulator::chat_talk::ChatTalk;
use crate::emulator::failure::ApiFailure;
use crate::emulator::store::Store;
use crate::validate::Obj;
use crate::version::ApiVersion;
use serde_json::{json, Value};

/// The conversation actions the emulator serves.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Talk {
    Typing,
    Thinking,
    Preview,
    Tag,
    Untag,
    UpdateChatProperties,
    DeleteChatProperties,
    UpdateThreadProperties,
    DeleteThreadProperties,
    MarkSeen,
    GetCustomer,
}

impl Talk {
    /// The action `name` names in `version` (all from v3.2; thinking and
    /// previews from v3.6).
    pub fn from_wire(version: ApiVersion, name: &str) -> Option<Talk> {
        if version < ApiVersion::V3_2 {
            return None;
        }
        Some(match name {
            "send_typing_indicator" => Talk::Typing,
            "send_thinking_indicator" if version >= ApiVersion::V3_6 => Talk::Thinking,
            "send_event_preview" if version >= ApiVersion::V3_6 => Talk::Preview,
            "tag_thread" => Talk::Tag,
            "untag_thread" => Talk::Untag,
            "update_chat_properties" => Talk::UpdateChatProperties,
            "delete_chat_properties" => Talk::DeleteChatProperties,
            "update_thread_properties" => Talk::UpdateThreadProperties,
            "delete_thread_properties" => Talk::DeleteThreadProperties,
            "mark_events_as_seen" => Talk::MarkSeen,
            "get_customer" => Talk::GetCustomer,
            _ => return None,
        })
    }

    /// The chat a normalized request acts on (none for `get_customer`).
    pub fn chat_id(self, request: &Value) -> Option<&str> {
        let key = match self {
            Talk::GetCustomer => return None,
            Talk::UpdateChatProperties | Talk::DeleteChatProperties => "id",
            _ => "chat_id",
        };
        request.get(key).and_then(Value::as_str)
    }
}

/// Checks a request in `version`'s names and returns it in v3.6's.
pub(crate) fn normalize(version: ApiVersion, talk: Talk, o: &Obj) -> Result<Value, ApiFailure> {
    let invalid = ApiFailure::invalid;
    let vis = visibility_key(version);
    let chat_key = if version >= ApiVersion::V3_3 { "id" } else { "chat_id" };
    let mut renames: Vec<(&str, &str)> = vec![];
    match talk {
        Talk::Typing => {
            o.only(&["chat_id", vis, "is_typing"]).map_err(invalid)?;
            o.req_str("chat_id").map_err(invalid)?;
            o.opt_enum(vis, &["all", "agents"]).map_err(invalid)?;
            if !o.get("is_typing").is_some_and(Value::is_boolean) {
                return Err(ApiFailure::validation("is_typing: required, true or false"));
            }
            renames.push((vis, "visibility"));
        }
        Talk::Thinking => {
            o.only(&["chat_id", "title", "description", "visibility", "custom_id"]).map_err(invalid)?;
            o.req_str("chat_id").map_err(invalid)?;
            o.opt_str("title").map_err(invalid)?;
            o.opt_str("description").map_err(invalid)?;
            o.opt_str("custom_id").map_err(invalid)?;
            o.opt_enum("visibility", &["all", "agents"]).map_err(invalid)?;
        }
        Talk::Preview => {
            o.only(&["chat_id", "event"]).map_err(invalid)?;
            o.req_str("chat_id").map_err(invalid)?;
            let e = o.req_object("event").map_err(invalid)?;
            e.only(&["type", "text", "visibility", "custom_id", "properties"]).map_err(invalid)?;
            e.req_enum("type", &["message"]).map_err(invalid)?;
            if e.req_str("text").map_err(invalid)?.len() > MAX_TEXT_BYTES {
                return Err(ApiFailure::validation(format!("event.text: at most {MAX_TEXT_BYTES} bytes")));
            }
        }
        Talk::Tag | Talk::Untag => {
            o.only(&["chat_id", "thread_id", "tag"]).map_err(invalid)?;
            for key in ["chat_id", "thread_id", "tag"] {
                o.req_str(key).map_err(invalid)?;
            }
        }
        Talk::UpdateChatProperties | Talk::DeleteChatProperties => {
            o.only(&[chat_key, "properties"]).map_err(invalid)?;
            o.req_str(chat_key).map_err(invalid)?;
            properties(talk, o)?;
            renames.push((chat_key, "id"));
        }
        Talk::UpdateThreadProperties | Talk::DeleteThreadProperties => {
            o.only(&["chat_id", "thread_id", "properties"]).map_err(invalid)?;
            o.req_str("chat_id").map_err(invalid)?;
            o.req_str("thread_id").map_err(invalid)?;
            properties(talk, o)?;
        }
        Talk::MarkSeen => {
            o.only(&["chat_id", "seen_up_to"]).map_err(invalid)?;
            o.req_str("chat_id").map_err(invalid)?;
            o.req_str("seen_up_to").map_err(invalid)?;
        }
        Talk::GetCustomer => {
            let key = if version >= ApiVersion::V3_3 { "id" } else { "customer_id" };
            o.only(&[key]).map_err(invalid)?;
            o.req_str(key).map_err(invalid)?;
            renames.push((key, "id"));
        }
    }
    let mut request = o.map.clone();
    for (from, to) in renames {
        if let Some(v) = request.remove(from) {
            request.insert(to.to_owned(), v);
        }
    }
    Ok(Value::Object(request))
}

/// `{namespace: {name: value}}` to update, `{namespace: [names]}` to delete.
fn properties(talk: Talk, o: &Obj) -> Result<(), ApiFailure> {
    let props = o.req_object("properties").map_err(ApiFailure::invalid)?;
    let delete = matches!(talk, Talk::DeleteChatProperties | Talk::DeleteThreadProperties);
    for (namespace, value) in props.map {
        let ok = if delete { value.as_array().is_some_and(|a| a.iter().all(Value::is_string)) } else { value.is_object() };
        if !ok {
            let want = if delete { "an array of property names" } else { "an object of property values" };
            return Err(ApiFailure::validation(format!("properties.{namespace}: expected {want}")));
        }
    }
    Ok(())
}

/// Serves a normalized request on a chat the caller may write to, as `author`.
pub(crate) fn serve(store: &mut Store, talk: Talk, author: &str, request: &Value) -> Result<Value, ApiFailure> {
    let chat_id = talk.chat_id(request).unwrap_or_default();
    let chat = store.chats.get_mut(chat_id).ok_or_else(|| ApiFailure::new(404, "not_found", format!("Chat {chat_id} not found")))?;
    let text = |key: &str| request.get(key).and_then(Value::as_str).map(str::to_owned);
    let thread_id = text("thread_id").unwrap_or_default();
    if !thread_id.is_empty() && chat.thread(&thread_id).is_none() {
        return Err(ApiFailure::new(404, "not_found", format!("Thread {thread_id} not found")));
    }
    let props = request.get("properties").and_then(Value::as_object).cloned().unwrap_or_default();
    let talk_state = &mut chat.talk;
    match talk {
        Talk::Typing => {
            let visibility = text("visibility").unwrap_or_else(|| "all".into());
            if request["is_typing"] == json!(true) {
                talk_state.show("typing", author, &visibility, None, None);
            } else {
                talk_state.hide(author);
            }
        }
        Talk::Thinking => {
            let visibility = text("visibility").unwrap_or_else(|| "all".into());
            talk_state.show("thinking", author, &visibility, text("title"), text("description"));
        }
        Talk::Preview => {
            let event = &request["event"];
            let visibility = event.get("visibility").and_then(Value::as_str).unwrap_or("all");
            let preview = event.get("text").and_then(Value::as_str).map(str::to_owned);
            talk_state.show("preview", author, visibility, preview, None);
        }
        Talk::Tag => {
            let tags = talk_state.tags.entry(thread_id).or_default();
            let tag = text("tag").unwrap_or_default();
            if !tags.contains(&tag) {
                tags.push(tag);
            }
        }
        Talk::Untag => {
            let tag = text("tag").unwrap_or_default();
            let tags = talk_state.tags.entry(thread_id.clone()).or_default();
            let before = tags.len();
            tags.retain(|t| *t != tag);
            if tags.len() == before {
                return Err(ApiFailure::new(404, "not_found", format!("Tag {tag} not found in thread {thread_id}")));
            }
        }
        Talk::UpdateChatProperties => ChatTalk::update(&mut talk_state.properties, &props),
        Talk::DeleteChatProperties => ChatTalk::delete(&mut talk_state.properties, &props),
        Talk::UpdateThreadProperties => ChatTalk::update(talk_state.thread_properties.entry(thread_id).or_default(), &props),
        Talk::DeleteThreadProperties => ChatTalk::delete(talk_state.thread_properties.entry(thread_id).or_default(), &props),
        Talk::MarkSeen => {
            talk_state.seen_up_to.insert(author.to_owned(), text("seen_up_to").unwrap_or_default());
        }
        Talk::GetCustomer => {}
    }
    Ok(json!({}))
}

/// `get_customer`: the customer of a chat the caller may read, with the ids
/// of those chats.
pub(crate) fn get_customer(store: &Store, request: &Value, readable: impl Fn(&Chat) -> bool) -> Result<Value, ApiFailure> {
    let id = request["id"].as_str().unwrap_or_default();
    let chats: Vec<&Chat> = store.chats.all().iter().filter(|c| c.customer_id == id && readable(c)).collect();
    let Some(first) = chats.first() else {
        return Err(ApiFailure::new(404, "not_found", format!("Customer {id} not found")));
    };
    let mut customer = first.users().into_iter().next().unwrap_or_else(|| json!({}));
    customer["chat_ids"] = json!(chats.iter().map(|c| c.id.as_str()).collect::<Vec<_>>());
    if let Some(map) = customer.as_object_mut() {
        map.remove("present");
    }
    Ok(customer)
}
