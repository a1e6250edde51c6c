//! The Agent Chat Web API's handler, as a bot (or the license's supervisor)
//! uses it: the token, who the author is (v3.0 `author_id`, v3.1-3.5
//! `X-Author-Id`, v3.5+ bot tokens), each version's names and shapes, and
//! the API's errors; checked in the caller's version, served in v3.6's.

use base64::Engine;
use crate::emulator::auth::{authenticate, bearer, check_region};
use crate::emulator::bot_tokens::Refusal;
use crate::emulator::chats::{visibility_key, Chat, Placement, MAX_TEXT_BYTES};
use crate::emulator::conversation::{self, Talk};
use crate::emulator::failure::ApiFailure;
use crate::emulator::outbox::Happening;
use crate::emulator::state::{lock, Shared};
use crate::emulator::store::Store;
use crate::validate::{object, string_item, Obj};
use crate::version::ApiVersion;
use serde_json::{json, Map, Value};

const MAX_GROUP_IDS: usize = 200;

/// The Agent Chat actions the emulator serves.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Op {
    ListChats,
    GetChat,
    /// v3.0/3.1's `get_chat_threads`.
    GetChatThreads,
    SendEvent,
    TransferChat,
    DeactivateChat,
    SetRoutingStatus,
    ListRoutingStatuses,
    /// Indicators, tags, properties, seen events, the customer.
    Talk(Talk),
}

impl Op {
    /// The action `name` names in `version`'s URLs.
    pub fn from_wire(version: ApiVersion, name: &str) -> Option<Op> {
        let old = version < ApiVersion::V3_2;
        Some(match name {
            "send_event" => Op::SendEvent,
            "transfer_chat" => Op::TransferChat,
            "get_chats_summary" if old => Op::ListChats,
            "get_chat_threads" if old => Op::GetChatThreads,
            "close_thread" if old => Op::DeactivateChat,
            "list_chats" if !old => Op::ListChats,
            "get_chat" if !old => Op::GetChat,
            "deactivate_chat" if !old => Op::DeactivateChat,
            "set_routing_status" if !old => Op::SetRoutingStatus,
            "list_routing_statuses" if !old => Op::ListRoutingStatuses,
            other => return Talk::from_wire(version, other).map(Op::Talk),
        })
    }
}

/// Who a request acts for.
#[derive(Debug, Clone)]
pub(crate) struct Caller {
    /// The client of the token (or of the bot token).
    pub client_id: String,
    /// The bot it acts as; None: the license's supervisor (reads everything,
    /// is no chat's user).
    pub author: Option<String>,
}

fn not_found(what: &str, id: &str) -> ApiFailure {
    ApiFailure::new(404, "not_found", format!("{what} {id} not found"))
}

fn forbidden(message: impl Into<String>) -> ApiFailure {
    ApiFailure::new(403, "authorization", message)
}

/// An Agent Chat API request (its version already read): the token (an app's, or from v3.5 a bot's),
/// the author it acts as, then the action.
pub(crate) fn answer(
    shared: &Shared,
    version: ApiVersion,
    action_name: &str,
    headers: &hyper::HeaderMap,
    body: &[u8],
) -> (Result<Value, ApiFailure>, Option<String>) {
    let unauthenticated = |m: &str| Err(ApiFailure::new(401, "authentication", m.to_owned()));
    // The caller's client, the author a bot token names, and the token's region.
    let (client_id, token_bot, region, expired) = match authenticate(&shared.tokens, headers) {
        Some((grant, _)) => {
            let expired = grant.expires_in.is_some_and(|ttl| shared.started.elapsed() >= ttl);
            (grant.client_id.clone(), None, grant.region, expired)
        }
        None => {
            let store = lock(&shared.store);
            let found = bearer(headers).map(|credential| store.bot_tokens.check(credential));
            match found {
                Some(Ok(token)) if version >= ApiVersion::V3_5 => {
                    (token.client_id.clone(), Some(token.bot_id.clone()), token.region, false)
                }
                Some(Err(Refusal::Expired)) if version >= ApiVersion::V3_5 => {
                    return (unauthenticated("Bot token expired"), None);
                }
                _ => return (unauthenticated("Invalid access token"), None),
            }
        }
    };
    let who = Some(client_id.clone());
    if expired {
        return (unauthenticated("Access token expired"), who);
    }
    if let Err(failure) = check_region(headers, region) {
        return (Err(failure), who);
    }
    let Some(op) = Op::from_wire(version, action_name) else {
        return (Err(ApiFailure::new(404, "not_found", format!("Unknown action: {action_name}"))), who);
    };
    let result = read_body(version, body).and_then(|(request, body_author)| {
        let header_author = headers.get("x-author-id").map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned());
        if header_author.is_some() && version >= ApiVersion::V3_6 {
            return Err(ApiFailure::new(
                403,
                "authorization",
                "X-Author-Id is not accepted from v3.6: act as a bot with a bot token (issue_bot_token)",
            ));
        }
        let author = match (&token_bot, version.wraps_payload()) {
            (Some(bot), _) => {
                if header_author.as_ref().is_some_and(|h| h != bot) {
                    return Err(ApiFailure::new(403, "authorization", "X-Author-Id names another bot than the bot token"));
                }
                Some(bot.clone())
            }
            (None, true) => body_author,
            (None, false) => header_author,
        };
        let mut store = lock(&shared.store);
        if let Some(author) = &author {
            check_author(&store, &client_id, author)?;
        }
        let request = normalize(version, op, request)?;
        let caller = Caller { client_id: client_id.clone(), author };
        serve(&mut store, version, op, &caller, &request)
    });
    (result, who)
}

/// The request and, in v3.0, the `author_id` beside the wrapped payload.
pub(crate) fn read_body(version: ApiVersion, body: &[u8]) -> Result<(Value, Option<String>), ApiFailure> {
    let text = std::str::from_utf8(body).map_err(|_| ApiFailure::validation("Request body is not UTF-8"))?;
    let doc = crate::json::parse_strict(text, "body").map_err(ApiFailure::invalid)?;
    if !version.wraps_payload() {
        return Ok((doc, None));
    }
    let wrapper = object(&doc, "").map_err(ApiFailure::invalid)?;
    wrapper.only(&["payload", "author_id"]).map_err(ApiFailure::invalid)?;
    let author = wrapper.opt_str("author_id").map_err(ApiFailure::invalid)?.map(str::to_owned);
    wrapper.req_object("payload").map_err(|_| ApiFailure::validation("payload: the body must be {\"payload\": {...}, \"author_id\"?: string} in v3.0"))?;
    Ok((doc["payload"].clone(), author))
}

/// Checks that `author` names a bot of `client_id`.
pub(crate) fn check_author(store: &Store, client_id: &str, author: &str) -> Result<(), ApiFailure> {
    match store.bot_owner(author) {
        Some(owner) if owner == client_id => Ok(()),
        Some(_) => Err(forbidden("The author is a bot of another client")),
        None => Err(forbidden(format!("The author {} is not a bot of this license", crate::validate::describe(&json!(author))))),
    }
}

/// Checks a request in `version`'s names and returns it in v3.6's.
pub(crate) fn normalize(version: ApiVersion, op: Op, request: Value) -> Result<Value, ApiFailure> {
    let o = object(&request, "").map_err(ApiFailure::invalid)?;
    match op {
        Op::ListChats => return check_list_chats(version, &o),
        Op::GetChat => {
            o.only(&["chat_id", "thread_id"]).map_err(ApiFailure::invalid)?;
            o.req_str("chat_id").map_err(ApiFailure::invalid)?;
            o.opt_str("thread_id").map_err(ApiFailure::invalid)?;
        }
        Op::GetChatThreads => {
            o.only(&["chat_id", "thread_ids"]).map_err(ApiFailure::invalid)?;
            o.req_str("chat_id").map_err(ApiFailure::invalid)?;
            o.opt_array("thread_ids", string_item).map_err(ApiFailure::invalid)?;
        }
        Op::SendEvent => return check_send_event(version, &o),
        Op::Talk(talk) => return conversation::normalize(version, talk, &o),
        Op::TransferChat | Op::DeactivateChat => return check_chat_change(version, op, &o),
        Op::SetRoutingStatus => {
            o.only(&["status", "agent_id"]).map_err(ApiFailure::invalid)?;
            o.req_enum("status", &["accepting_chats", "not_accepting_chats", "offline"]).map_err(ApiFailure::invalid)?;
            if o.get("agent_id").is_some() {
                o.req_str("agent_id").map_err(ApiFailure::invalid)?;
            }
        }
        Op::ListRoutingStatuses => {
            o.only(&["filters"]).map_err(ApiFailure::invalid)?;
            if let Some(f) = o.opt_object("filters").map_err(ApiFailure::invalid)? {
                f.only(&["group_ids"]).map_err(ApiFailure::invalid)?;
                check_group_ids(&f)?;
            }
        }
    }
    Ok(request)
}

fn check_group_ids(f: &Obj) -> Result<(), ApiFailure> {
    f.opt_array("group_ids", |item, path| {
        item.as_u64().map(|_| ()).ok_or_else(|| {
            crate::Error::validation(format!("{path}: expected an unsigned integer; got {}", crate::validate::describe(item)))
        })
    })
    .map_err(ApiFailure::invalid)?;
    if f.get("group_ids").and_then(Value::as_array).is_some_and(|g| g.len() > MAX_GROUP_IDS) {
        return Err(ApiFailure::validation(format!("{}: at most {MAX_GROUP_IDS} group ids", crate::validate::join(&f.path, "group_ids"))));
    }
    Ok(())
}

/// v3.6 filters `active` (true: only active, false: only inactive);
/// before it `include_active` (false: leave active chats out), normalized
/// to `active: false` or nothing.
fn check_list_chats(version: ApiVersion, o: &Obj) -> Result<Value, ApiFailure> {
    let active_key = if version >= ApiVersion::V3_6 { "active" } else { "include_active" };
    o.only(&["filters", "sort_order", "limit", "page_id"]).map_err(ApiFailure::invalid)?;
    if let Some(f) = o.opt_object("filters").map_err(ApiFailure::invalid)? {
        f.only(&[active_key, "group_ids", "include_chats_without_threads"]).map_err(ApiFailure::invalid)?;
        f.opt_bool(active_key).map_err(ApiFailure::invalid)?;
        f.opt_bool("include_chats_without_threads").map_err(ApiFailure::invalid)?;
        check_group_ids(&f)?;
    }
    o.opt_enum("sort_order", &["asc", "desc"]).map_err(ApiFailure::invalid)?;
    o.opt_int("limit", 1, 100).map_err(ApiFailure::invalid)?;
    if o.get("page_id").is_some() {
        o.req_str("page_id").map_err(ApiFailure::invalid)?;
        if ["filters", "sort_order", "limit"].iter().any(|k| o.get(k).is_some()) {
            return Err(ApiFailure::validation("page_id: cannot be sent with filters, sort_order or limit"));
        }
    }
    let mut request = Value::Object(o.map.clone());
    if let Some(filters) = request.get_mut("filters").and_then(Value::as_object_mut) {
        if let Some(include) = filters.remove("include_active") {
            if include == json!(false) {
                filters.insert("active".into(), json!(false));
            }
        }
    }
    Ok(request)
}

/// send_event: `attach_to_last_thread` exists up to v3.3, a system
/// message's `text_vars` from v3.2 (the docs' tables).
fn check_send_event(version: ApiVersion, o: &Obj) -> Result<Value, ApiFailure> {
    if version <= ApiVersion::V3_3 {
        o.only(&["chat_id", "event", "attach_to_last_thread"]).map_err(ApiFailure::invalid)?;
    } else {
        o.only(&["chat_id", "event"]).map_err(ApiFailure::invalid)?;
    }
    o.req_str("chat_id").map_err(ApiFailure::invalid)?;
    o.opt_bool("attach_to_last_thread").map_err(ApiFailure::invalid)?;
    let e = o.req_object("event").map_err(ApiFailure::invalid)?;
    let vis = visibility_key(version);
    let mut fields = vec!["type", vis, "text", "custom_id", "properties", "template_id", "elements", "system_message_type"];
    if version >= ApiVersion::V3_2 {
        fields.push("text_vars");
    }
    e.only(&fields).map_err(ApiFailure::invalid)?;
    e.opt_object("text_vars").map_err(ApiFailure::invalid)?;
    let kind = e.req_enum("type", &["message", "rich_message", "system_message"]).map_err(ApiFailure::invalid)?;
    e.opt_enum(vis, &["all", "agents"]).map_err(ApiFailure::invalid)?;
    let text = if kind == "message" { Some(e.req_str("text").map_err(ApiFailure::invalid)?) } else { e.opt_str("text").map_err(ApiFailure::invalid)? };
    if text.is_some_and(|t| t.len() > MAX_TEXT_BYTES) {
        return Err(ApiFailure::validation(format!("event.text: at most {MAX_TEXT_BYTES} bytes")));
    }
    e.opt_str("custom_id").map_err(ApiFailure::invalid)?;
    e.opt_object("properties").map_err(ApiFailure::invalid)?;
    e.opt_str("template_id").map_err(ApiFailure::invalid)?;
    e.opt_array("elements", |_, _| Ok(())).map_err(ApiFailure::invalid)?;
    e.opt_str("system_message_type").map_err(ApiFailure::invalid)?;
    let mut request = Value::Object(o.map.clone());
    if let Some(event) = request["event"].as_object_mut() {
        if let Some(v) = event.remove(vis) {
            event.insert("visibility".into(), v);
        }
    }
    Ok(request)
}

/// transfer_chat and deactivate_chat (close_thread): `chat_id` to v3.2,
/// `id` from v3.3; normalized to `id`. Before v3.4 transfer_chat's
/// `force` is what v3.4 renamed `ignore_agents_availability`, and
/// `ignore_requester_presence` does not exist (nor the presence rule).
fn check_chat_change(version: ApiVersion, op: Op, o: &Obj) -> Result<Value, ApiFailure> {
    let id_key = if version >= ApiVersion::V3_3 { "id" } else { "chat_id" };
    let presence_rule = version >= ApiVersion::V3_4;
    let mut allowed = vec![id_key];
    if op == Op::TransferChat {
        allowed.push("target");
        allowed.push(if presence_rule { "ignore_agents_availability" } else { "force" });
    }
    if presence_rule {
        allowed.push("ignore_requester_presence");
    }
    o.only(&allowed).map_err(ApiFailure::invalid)?;
    o.req_str(id_key).map_err(ApiFailure::invalid)?;
    o.opt_bool("ignore_agents_availability").map_err(ApiFailure::invalid)?;
    o.opt_bool("force").map_err(ApiFailure::invalid)?;
    o.opt_bool("ignore_requester_presence").map_err(ApiFailure::invalid)?;
    if let Some(t) = o.opt_object("target").map_err(ApiFailure::invalid)? {
        t.only(&["type", "ids"]).map_err(ApiFailure::invalid)?;
        let kind = t.req_enum("type", &["group", "agent"]).map_err(ApiFailure::invalid)?;
        t.req_array("ids", |item, path| {
            let ok = if kind == "group" { item.as_u64().is_some() } else { item.as_str().is_some_and(|s| !s.is_empty()) };
            if ok {
                Ok(())
            } else {
                let want = if kind == "group" { "a group id (unsigned integer)" } else { "an agent id (string)" };
                Err(crate::Error::validation(format!("{path}: expected {want}; got {}", crate::validate::describe(item))))
            }
        })
        .map_err(ApiFailure::invalid)?;
        if t.get("ids").and_then(Value::as_array).is_some_and(Vec::is_empty) {
            return Err(ApiFailure::validation("target.ids: must not be empty"));
        }
    }
    let mut request = Value::Object(o.map.clone());
    if let Some(map) = request.as_object_mut() {
        if let Some(v) = map.remove(id_key) {
            map.insert("id".into(), v);
        }
        if let Some(v) = map.remove("force") {
            map.insert("ignore_agents_availability".into(), v);
        }
    }
    Ok(request)
}

/// Serves a normalized request; answers in `version`'s shape.
pub(crate) fn serve(store: &mut Store, version: ApiVersion, op: Op, caller: &Caller, request: &Value) -> Result<Value, ApiFailure> {
    match op {
        Op::ListChats => list_chats(store, version, caller, request),
        Op::GetChat | Op::GetChatThreads => get_chat(store, version, op, caller, request),
        Op::SendEvent => send_event(store, version, caller, request),
        Op::TransferChat => transfer_chat(store, version, caller, request),
        Op::DeactivateChat => deactivate_chat(store, version, caller, request),
        Op::SetRoutingStatus => set_routing_status(store, caller, request),
        Op::ListRoutingStatuses => list_routing_statuses(store, request),
        Op::Talk(Talk::GetCustomer) => conversation::get_customer(store, request, |chat| can_read(store, caller, chat)),
        Op::Talk(talk) => {
            // Indicators need a chat going on; tags, properties and seen marks do not.
            let ongoing = matches!(talk, Talk::Typing | Talk::Thinking | Talk::Preview);
            let chat_id = talk.chat_id(request).unwrap_or_default().to_owned();
            writable_chat(store, version, caller, &chat_id, false, !ongoing)?;
            conversation::serve(store, talk, caller.author.as_deref().unwrap_or_default(), request)
        }
    }
}

/// Whether the caller may read `chat`: the supervisor always; a bot when it
/// is or was in the chat, or the chat is in one of its groups.
fn can_read(store: &Store, caller: &Caller, chat: &Chat) -> bool {
    let Some(bot) = caller.author.as_deref() else { return true };
    chat.seen_bots.iter().any(|b| b == bot) || in_chat_group(store, bot, chat)
}

/// Whether the chat's group is one of the bot's.
fn in_chat_group(store: &Store, bot: &str, chat: &Chat) -> bool {
    store
        .bot(bot)
        .and_then(|b| b.get("groups"))
        .and_then(Value::as_array)
        .is_some_and(|groups| groups.iter().any(|g| g["id"].as_u64() == Some(chat.group_id)))
}

fn readable_chat<'a>(store: &'a Store, caller: &Caller, id: &str) -> Result<&'a Chat, ApiFailure> {
    let chat = store.chats.get(id).ok_or_else(|| not_found("Chat", id))?;
    if !can_read(store, caller, chat) {
        return Err(forbidden("The requester has no access to this chat"));
    }
    Ok(chat)
}

/// The chat a write acts on: it exists, the requester is one of its users
/// (from v3.4, unless `ignore_requester_presence`; before v3.4 access to
/// the chat is enough) and, unless `allow_inactive`, it is active. A write
/// always needs a bot: the supervisor is no chat's user.
fn writable_chat<'a>(
    store: &'a Store,
    version: ApiVersion,
    caller: &Caller,
    id: &str,
    ignore_presence: bool,
    allow_inactive: bool,
) -> Result<&'a Chat, ApiFailure> {
    let chat = store.chats.get(id).ok_or_else(|| not_found("Chat", id))?;
    let present = caller.author.as_deref().is_some_and(|a| chat.has_user(a));
    let presence_waived = ignore_presence || version < ApiVersion::V3_4;
    let access = caller.author.as_deref().is_some_and(|a| in_chat_group(store, a, chat));
    if !(present || (presence_waived && access)) {
        return Err(forbidden("The requester is not a user of this chat"));
    }
    if !allow_inactive && !chat.active() {
        return Err(ApiFailure::new(400, "chat_inactive", "Chat is not active"));
    }
    Ok(chat)
}

/// What a `page_id` remembers.
fn encode_page(filters: &Value, sort: &str, limit: usize, offset: usize) -> String {
    let doc = json!({ "filters": filters, "sort_order": sort, "limit": limit, "offset": offset });
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(doc.to_string())
}

fn decode_page(page_id: &str) -> Option<(Value, String, usize, usize)> {
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(page_id).ok()?;
    let doc: Value = serde_json::from_slice(&bytes).ok()?;
    Some((
        doc.get("filters")?.clone(),
        doc.get("sort_order")?.as_str()?.to_owned(),
        doc.get("limit")?.as_u64()? as usize,
        doc.get("offset")?.as_u64()? as usize,
    ))
}

fn list_chats(store: &Store, version: ApiVersion, caller: &Caller, request: &Value) -> Result<Value, ApiFailure> {
    let (filters, sort, limit, offset) = match request.get("page_id").and_then(Value::as_str) {
        Some(page_id) => decode_page(page_id).ok_or_else(|| ApiFailure::validation("page_id: not a page id of this server"))?,
        None => (
            request.get("filters").cloned().unwrap_or(json!({})),
            request.get("sort_order").and_then(Value::as_str).unwrap_or("desc").to_owned(),
            request.get("limit").and_then(Value::as_u64).unwrap_or(10) as usize,
            0,
        ),
    };
    let active = filters.get("active").and_then(Value::as_bool);
    let groups: Option<Vec<u64>> = filters.get("group_ids").and_then(Value::as_array).map(|g| g.iter().filter_map(Value::as_u64).collect());
    let mut found: Vec<&Chat> = store
        .chats
        .all()
        .iter()
        .filter(|c| can_read(store, caller, c))
        .filter(|c| active.is_none_or(|a| c.active() == a))
        .filter(|c| groups.as_ref().is_none_or(|g| g.contains(&c.group_id)))
        .collect();
    if sort == "desc" {
        found.reverse();
    }
    let total = found.len();
    let page: Vec<Value> = found.iter().skip(offset).take(limit).map(|c| store.chats.summary(c, version)).collect();
    let mut answer = Map::new();
    answer.insert("chats_summary".into(), Value::Array(page));
    answer.insert("found_chats".into(), json!(total));
    if offset + limit < total {
        answer.insert("next_page_id".into(), json!(encode_page(&filters, &sort, limit, offset + limit)));
    }
    if offset > 0 {
        answer.insert("previous_page_id".into(), json!(encode_page(&filters, &sort, limit, offset.saturating_sub(limit))));
    }
    Ok(Value::Object(answer))
}

fn get_chat(store: &Store, version: ApiVersion, op: Op, caller: &Caller, request: &Value) -> Result<Value, ApiFailure> {
    let chat_id = request["chat_id"].as_str().unwrap_or_default();
    let chat = readable_chat(store, caller, chat_id)?;
    let thread = |id: &str| chat.thread(id).ok_or_else(|| not_found("Thread", id));
    if op == Op::GetChatThreads {
        let threads = match request.get("thread_ids").and_then(Value::as_array) {
            Some(ids) => ids.iter().map(|id| thread(id.as_str().unwrap_or_default())).collect::<Result<Vec<_>, _>>()?,
            None => chat.last_thread().into_iter().collect(),
        };
        return Ok(store.chats.chat_threads_doc(chat, &threads, version));
    }
    let chosen = match request.get("thread_id").and_then(Value::as_str) {
        Some(id) => Some(thread(id)?),
        None => chat.last_thread(),
    };
    Ok(store.chats.chat_doc(chat, chosen, version))
}

fn send_event(store: &mut Store, version: ApiVersion, caller: &Caller, request: &Value) -> Result<Value, ApiFailure> {
    let chat_id = request["chat_id"].as_str().unwrap_or_default();
    let attach = request.get("attach_to_last_thread").and_then(Value::as_bool).unwrap_or(false);
    writable_chat(store, version, caller, chat_id, false, attach)?;
    let author = caller.author.clone().unwrap_or_default();
    let fields = request["event"].as_object().cloned().unwrap_or_default();
    let chat = store.chats.get_mut(chat_id).ok_or_else(|| not_found("Chat", chat_id))?;
    let event = chat.add_event(&fields, &author, "bot");
    let event_id = event["id"].as_str().unwrap_or_default().to_owned();
    store.notify(Happening::IncomingEvent { chat_id: chat_id.to_owned(), event_id });
    if version.wraps_payload() {
        let mut event = event;
        if let Some(map) = event.as_object_mut() {
            if let Some(v) = map.remove("visibility") {
                map.insert(visibility_key(version).into(), v);
            }
        }
        return Ok(json!({ "event": event }));
    }
    Ok(json!({ "event_id": event["id"] }))
}

fn transfer_chat(store: &mut Store, version: ApiVersion, caller: &Caller, request: &Value) -> Result<Value, ApiFailure> {
    let chat_id = request["id"].as_str().unwrap_or_default();
    let ignore_presence = request.get("ignore_requester_presence").and_then(Value::as_bool).unwrap_or(false);
    let chat = writable_chat(store, version, caller, chat_id, ignore_presence, false)?;
    let from = caller.author.as_deref().filter(|a| chat.has_user(a)).map(str::to_owned);
    let (groups, only) = match request.get("target") {
        Some(t) if t["type"] == "agent" => {
            let ids: Vec<String> = t["ids"].as_array().into_iter().flatten().filter_map(|v| v.as_str().map(str::to_owned)).collect();
            if let Some(unknown) = ids.iter().find(|id| store.bot(id).is_none()) {
                return Err(not_found("Agent", unknown));
            }
            (vec![], Some(ids))
        }
        Some(t) => (t["ids"].as_array().into_iter().flatten().filter_map(Value::as_u64).collect(), None),
        None => (vec![chat.group_id], None),
    };
    let queue_if_none = request.get("ignore_agents_availability").and_then(Value::as_bool).unwrap_or(false);
    let candidates = store.candidates();
    let (group_ids, agent_ids) = (groups.clone(), only.clone().unwrap_or_default());
    let Some(placed) = store.chats.transfer(chat_id, from.as_deref(), groups, only, queue_if_none, &candidates) else {
        return Err(ApiFailure::validation("No agent available"));
    };
    if let Some(requester) = from {
        store.notify(Happening::ChatTransferred { chat_id: chat_id.to_owned(), requester, group_ids, agent_ids });
    }
    if let Placement::Assigned(bot_id) = placed {
        store.notify(Happening::IncomingChat { chat_id: chat_id.to_owned(), bot_id });
    }
    // The requester's slot is free now.
    store.route();
    Ok(json!({}))
}

fn deactivate_chat(store: &mut Store, version: ApiVersion, caller: &Caller, request: &Value) -> Result<Value, ApiFailure> {
    let chat_id = request["id"].as_str().unwrap_or_default();
    let ignore_presence = request.get("ignore_requester_presence").and_then(Value::as_bool).unwrap_or(false);
    let bots = writable_chat(store, version, caller, chat_id, ignore_presence, false)?.bot_ids();
    store.chats.close(chat_id, caller.author.as_deref());
    let user_id = caller.author.clone().unwrap_or_default();
    store.notify(Happening::ChatDeactivated { chat_id: chat_id.to_owned(), user_id, bots });
    store.route();
    Ok(json!({}))
}

fn set_routing_status(store: &mut Store, caller: &Caller, request: &Value) -> Result<Value, ApiFailure> {
    let agent_id = match request.get("agent_id").and_then(Value::as_str).or(caller.author.as_deref()) {
        Some(id) => id.to_owned(),
        None => return Err(ApiFailure::validation("agent_id: required when not acting as a bot")),
    };
    match store.bot_owner(&agent_id) {
        None => return Err(not_found("Agent", &agent_id)),
        Some(owner) if owner != caller.client_id => return Err(forbidden("The agent is a bot of another client")),
        Some(_) => {}
    }
    let status = request["status"].as_str().unwrap_or("offline").replace('_', " ");
    store.set_status(&agent_id, &status);
    Ok(json!({}))
}

fn list_routing_statuses(store: &Store, request: &Value) -> Result<Value, ApiFailure> {
    let groups: Option<Vec<u64>> = request
        .pointer("/filters/group_ids")
        .and_then(Value::as_array)
        .map(|g| g.iter().filter_map(Value::as_u64).collect());
    let statuses: Vec<Value> = store
        .bot_ids()
        .into_iter()
        .filter_map(|id| {
            let bot = store.bot(&id)?;
            let in_groups = groups.as_ref().is_none_or(|want| {
                bot.get("groups").and_then(Value::as_array).is_some_and(|gs| gs.iter().any(|g| g["id"].as_u64().is_some_and(|x| want.contains(&x))))
            });
            let status = bot.get("status").and_then(Value::as_str).unwrap_or("offline").replace(' ', "_");
            in_groups.then(|| json!({ "agent_id": id, "status": status }))
        })
        .collect();
    Ok(Value::Array(statuses))
}
