//! The emulated license's chats: threads, users and events in LiveChat's
//! shapes, the queue, and the routing rules that hand chats to bots.
//!
//! Everything here is kept normalized in today's (v3.6) names; the
//! renderers take the version to answer in (`recipients` before v3.4).

use crate::emulator::chat_talk::ChatTalk;
use crate::emulator::clock::now_rfc3339;
use crate::emulator::log::now_ms;
use crate::version::ApiVersion;
use serde_json::{json, Map, Value};
use std::collections::VecDeque;

/// The most bytes a message's text may have (an agent's or a customer's).
pub(crate) const MAX_TEXT_BYTES: usize = 16_384;

/// A chat or thread id: 10 characters of `[A-Z0-9]`.
pub(crate) fn new_chat_id() -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
    (0..10).map(|_| ALPHABET[fastrand::usize(..ALPHABET.len())] as char).collect()
}

/// A customer id: a version 4 UUID as text.
pub(crate) fn new_customer_id() -> String {
    let mut n = fastrand::u128(..);
    n = (n & !(0xf << 76)) | (0x4 << 76);
    n = (n & !(0x3 << 62)) | (0x2 << 62);
    let hex = format!("{n:032x}");
    format!("{}-{}-{}-{}-{}", &hex[0..8], &hex[8..12], &hex[12..16], &hex[16..20], &hex[20..32])
}

/// The key events carry their visibility under in `version`.
pub(crate) fn visibility_key(version: ApiVersion) -> &'static str {
    if version >= ApiVersion::V3_4 {
        "visibility"
    } else {
        "recipients"
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ChatState {
    Queued,
    Assigned,
    Closed,
}

impl ChatState {
    pub fn as_str(self) -> &'static str {
        match self {
            ChatState::Queued => "queued",
            ChatState::Assigned => "assigned",
            ChatState::Closed => "closed",
        }
    }
}

pub(crate) struct Event {
    /// Normalized: `id, created_at, type, text?, author_id, visibility, ...`.
    pub doc: Map<String, Value>,
    pub author_type: &'static str,
}

impl Event {
    /// The event as `version` writes it.
    pub fn render(&self, version: ApiVersion) -> Value {
        let key = visibility_key(version);
        Value::Object(self.doc.iter().map(|(k, v)| (if k == "visibility" { key.to_owned() } else { k.clone() }, v.clone())).collect())
    }
}

pub(crate) struct Thread {
    pub id: String,
    pub created_at: String,
    pub active: bool,
    pub user_ids: Vec<String>,
    pub events: Vec<Event>,
    queued_at: Option<(String, std::time::Instant)>,
}

pub(crate) struct Chat {
    pub id: String,
    pub group_id: u64,
    pub customer_id: String,
    customer: Map<String, Value>,
    /// The bots now in the chat, as user documents.
    agents: Vec<Map<String, Value>>,
    pub threads: Vec<Thread>,
    /// The bot the chat is assigned to.
    pub bot_id: Option<String>,
    pub state: ChatState,
    routing: Vec<Value>,
    /// Every bot that was ever in the chat: it keeps read access.
    pub seen_bots: Vec<String>,
    /// Properties, tags, seen times and the indicator showing.
    pub talk: ChatTalk,
}

impl Chat {
    pub fn active(&self) -> bool {
        self.threads.last().is_some_and(|t| t.active)
    }

    pub fn last_thread(&self) -> Option<&Thread> {
        self.threads.last()
    }

    pub fn thread(&self, id: &str) -> Option<&Thread> {
        self.threads.iter().find(|t| t.id == id)
    }

    /// The ids of the chat's users now (the customer first).
    pub fn user_ids(&self) -> Vec<String> {
        let mut ids = vec![self.customer_id.clone()];
        ids.extend(self.bot_ids());
        ids
    }

    /// The bots in the chat now.
    pub fn bot_ids(&self) -> Vec<String> {
        self.agents.iter().filter_map(|a| a["id"].as_str().map(str::to_owned)).collect()
    }

    /// An event by id, with its thread's id.
    pub fn event(&self, event_id: &str) -> Option<(String, &Event)> {
        self.threads.iter().find_map(|t| t.events.iter().find(|e| e.doc["id"] == event_id).map(|e| (t.id.clone(), e)))
    }

    /// Whether `user_id` is one of the chat's users now.
    pub fn has_user(&self, user_id: &str) -> bool {
        self.customer_id == user_id || self.agents.iter().any(|a| a["id"] == user_id)
    }

    /// Adds an event to the last thread; `fields` are the event's own
    /// (type, text, visibility, ...). Returns the normalized event.
    pub fn add_event(&mut self, fields: &Map<String, Value>, author_id: &str, author_type: &'static str) -> Value {
        let Some(thread) = self.threads.last_mut() else { return Value::Null };
        // Writing ends the author's "typing..." or "thinking...".
        self.talk.hide(author_id);
        let mut doc = Map::new();
        doc.insert("id".into(), json!(format!("{}_{}", thread.id, thread.events.len() + 1)));
        doc.insert("created_at".into(), json!(now_rfc3339()));
        doc.insert("type".into(), fields.get("type").cloned().unwrap_or(json!("message")));
        if let Some(text) = fields.get("text") {
            doc.insert("text".into(), text.clone());
        }
        doc.insert("author_id".into(), json!(author_id));
        doc.insert("visibility".into(), fields.get("visibility").cloned().unwrap_or(json!("all")));
        for (k, v) in fields {
            if !doc.contains_key(k) {
                doc.insert(k.clone(), v.clone());
            }
        }
        let rendered = Value::Object(doc.clone());
        thread.events.push(Event { doc, author_type });
        rendered
    }

    fn record(&mut self, what: &str, bot_id: Option<&str>) {
        self.routing.push(json!({ "time_ms": now_ms(), "what": what, "bot_id": bot_id }));
    }

    fn join(&mut self, user: Map<String, Value>) {
        let id = user["id"].as_str().unwrap_or_default().to_owned();
        if !self.agents.iter().any(|a| a["id"] == id.as_str()) {
            self.agents.push(user);
        }
        if let Some(t) = self.threads.last_mut() {
            if !t.user_ids.contains(&id) {
                t.user_ids.push(id.clone());
            }
        }
        if !self.seen_bots.contains(&id) {
            self.seen_bots.push(id);
        }
    }

    /// `user_id` leaves the chat's users (a transfer away from it).
    pub fn leave(&mut self, user_id: &str) {
        self.agents.retain(|a| a["id"] != user_id);
        if self.bot_id.as_deref() == Some(user_id) {
            self.bot_id = None;
        }
    }

    /// Ends the active thread. Returns false when none was active.
    fn close(&mut self) -> bool {
        match self.threads.last_mut() {
            Some(t) if t.active => {
                t.active = false;
                t.queued_at = None;
                self.state = ChatState::Closed;
                true
            }
            _ => false,
        }
    }

    pub fn users(&self) -> Vec<Value> {
        let mut customer = self.customer.clone();
        customer.insert("present".into(), json!(self.active()));
        let mut users = vec![Value::Object(customer)];
        users.extend(self.agents.iter().cloned().map(Value::Object));
        users
    }

    fn access(&self) -> Value {
        json!({ "group_ids": [self.group_id] })
    }

    /// Everything written in the chat, oldest first, for the control call.
    pub fn transcript(&self) -> Vec<Value> {
        self.threads
            .iter()
            .flat_map(|t| {
                t.events.iter().map(move |e| {
                    let mut entry = json!({
                        "event_id": e.doc["id"],
                        "thread_id": t.id,
                        "created_at": e.doc["created_at"],
                        "author_id": e.doc["author_id"],
                        "author_type": e.author_type,
                        "type": e.doc["type"],
                        "text": e.doc.get("text").cloned().unwrap_or(Value::Null),
                        "visibility": e.doc["visibility"],
                    });
                    // A rich message as the customer sees it; a click's message with its postback.
                    for key in ["template_id", "elements", "postback"] {
                        if let Some(v) = e.doc.get(key) {
                            entry[key] = v.clone();
                        }
                    }
                    entry
                })
            })
            .collect()
    }
}

/// A bot as routing sees it.
pub(crate) struct Candidate {
    pub id: String,
    /// Creation order: older bots win ties.
    pub seq: u64,
    pub accepting: bool,
    /// `(group id, priority)`, the priority already defaulted.
    pub groups: Vec<(u64, String)>,
    pub max_chats: u64,
    /// The bot as a chat user.
    pub user: Map<String, Value>,
}

fn priority_rank(priority: &str) -> Option<u8> {
    match priority {
        "first" => Some(0),
        "normal" => Some(1),
        "last" => Some(2),
        _ => None, // supervisor: never routed chats
    }
}

/// A chat waiting for a bot, and which bots may take it.
struct Waiting {
    chat_id: String,
    /// None: any group (a transfer to named bots).
    groups: Option<Vec<u64>>,
    only: Option<Vec<String>>,
    exclude: Vec<String>,
}

#[derive(Default)]
pub(crate) struct Chats {
    /// In creation order.
    list: Vec<Chat>,
    queue: VecDeque<Waiting>,
}

/// Where a chat went after a routing decision.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Placement {
    Assigned(String),
    Queued,
}

impl Chats {
    pub fn all(&self) -> &[Chat] {
        &self.list
    }

    pub fn get(&self, id: &str) -> Option<&Chat> {
        self.list.iter().find(|c| c.id == id)
    }

    pub fn get_mut(&mut self, id: &str) -> Option<&mut Chat> {
        self.list.iter_mut().find(|c| c.id == id)
    }

    /// Active chats assigned to `bot_id`.
    pub fn active_count(&self, bot_id: &str) -> u64 {
        self.list.iter().filter(|c| c.active() && c.bot_id.as_deref() == Some(bot_id)).count() as u64
    }

    /// A new chat in `group_id` with one active thread and, with `text`, the
    /// customer's first message. Not routed yet. Returns (chat, thread, event) ids.
    pub fn start(&mut self, group_id: u64, name: &str, email: Option<&str>, text: Option<&str>) -> (String, String, Option<String>) {
        let created_at = now_rfc3339();
        let customer_id = new_customer_id();
        let mut customer = Map::new();
        customer.insert("id".into(), json!(customer_id));
        customer.insert("type".into(), json!("customer"));
        customer.insert("name".into(), json!(name));
        if let Some(email) = email {
            customer.insert("email".into(), json!(email));
        }
        customer.insert("present".into(), json!(true));
        customer.insert("created_at".into(), json!(created_at));
        let mut id = new_chat_id();
        while self.get(&id).is_some() {
            id = new_chat_id();
        }
        let thread = Thread {
            id: new_chat_id(),
            created_at,
            active: true,
            user_ids: vec![customer_id.clone()],
            events: vec![],
            queued_at: None,
        };
        let thread_id = thread.id.clone();
        let mut chat = Chat {
            id: id.clone(),
            group_id,
            customer_id: customer_id.clone(),
            customer,
            agents: vec![],
            threads: vec![thread],
            bot_id: None,
            state: ChatState::Queued,
            routing: vec![],
            seen_bots: vec![],
            talk: ChatTalk::default(),
        };
        let event_id = text.map(|text| {
            let fields = json!({ "type": "message", "text": text, "visibility": "all" });
            let event = chat.add_event(fields.as_object().expect("an object"), &customer_id, "customer");
            event["id"].as_str().unwrap_or_default().to_owned()
        });
        self.list.push(chat);
        (id, thread_id, event_id)
    }

    /// The best bot for a chat of `groups`: accepting, in one of the groups
    /// with a priority other than supervisor, under its max_chats_count,
    /// allowed by `only` and not in `exclude`; first > normal > last, then
    /// fewer active chats, then the older bot.
    fn pick(&self, candidates: &[Candidate], groups: Option<&[u64]>, only: Option<&[String]>, exclude: &[String]) -> Option<usize> {
        candidates
            .iter()
            .enumerate()
            .filter(|(_, c)| c.accepting && !exclude.contains(&c.id) && only.is_none_or(|o| o.contains(&c.id)))
            .filter_map(|(i, c)| {
                let rank = match groups {
                    Some(groups) => c.groups.iter().filter(|(g, _)| groups.contains(g)).filter_map(|(_, p)| priority_rank(p)).min()?,
                    None => 1,
                };
                let active = self.active_count(&c.id);
                (active < c.max_chats).then_some((rank, active, c.seq, i))
            })
            .min()
            .map(|(_, _, _, i)| i)
    }

    fn assign(&mut self, chat_id: &str, bot: &Candidate, what: &str) {
        if let Some(chat) = self.get_mut(chat_id) {
            chat.join(bot.user.clone());
            chat.bot_id = Some(bot.id.clone());
            chat.state = ChatState::Assigned;
            if let Some(t) = chat.threads.last_mut() {
                t.queued_at = None;
            }
            chat.record(what, Some(&bot.id));
        }
    }

    fn enqueue(&mut self, waiting: Waiting) {
        let chat_id = waiting.chat_id.clone();
        self.queue.retain(|w| w.chat_id != chat_id);
        self.queue.push_back(waiting);
        if let Some(chat) = self.get_mut(&chat_id) {
            chat.state = ChatState::Queued;
            chat.bot_id = None;
            if let Some(t) = chat.threads.last_mut() {
                t.queued_at = Some((now_rfc3339(), std::time::Instant::now()));
            }
            chat.record("queued", None);
        }
    }

    /// Routes a new chat in its group: assigned at once, or queued.
    pub fn route_new(&mut self, chat_id: &str, candidates: &[Candidate]) -> Placement {
        let Some(group) = self.get(chat_id).map(|c| c.group_id) else { return Placement::Queued };
        match self.pick(candidates, Some(&[group]), None, &[]) {
            Some(i) => {
                self.assign(chat_id, &candidates[i], "assigned");
                Placement::Assigned(candidates[i].id.clone())
            }
            None => {
                self.enqueue(Waiting { chat_id: chat_id.to_owned(), groups: Some(vec![group]), only: None, exclude: vec![] });
                Placement::Queued
            }
        }
    }

    /// Transfers an active chat away from `from` (who leaves it): to one of
    /// `only` (bot ids) or to a bot of `groups`. Without a bot available it
    /// fails (None) unless `queue_if_none`, which queues it for them.
    pub fn transfer(
        &mut self,
        chat_id: &str,
        from: Option<&str>,
        groups: Vec<u64>,
        only: Option<Vec<String>>,
        queue_if_none: bool,
        candidates: &[Candidate],
    ) -> Option<Placement> {
        let exclude: Vec<String> = from.into_iter().map(str::to_owned).collect();
        // A transfer to named bots asks nothing of their groups.
        let search_groups = if only.is_some() { None } else { Some(groups.clone()) };
        let picked = self.pick(candidates, search_groups.as_deref(), only.as_deref(), &exclude);
        if picked.is_none() && !queue_if_none {
            return None;
        }
        if let Some(chat) = self.get_mut(chat_id) {
            if let Some(from) = from {
                chat.leave(from);
            }
            chat.bot_id = None;
            if let Some(&g) = groups.first() {
                chat.group_id = g;
            }
        }
        match picked {
            Some(i) => {
                self.queue.retain(|w| w.chat_id != chat_id);
                self.assign(chat_id, &candidates[i], "transferred");
                Some(Placement::Assigned(candidates[i].id.clone()))
            }
            None => {
                if let Some(chat) = self.get_mut(chat_id) {
                    chat.record("transferred", None);
                }
                self.enqueue(Waiting { chat_id: chat_id.to_owned(), groups: search_groups, only, exclude });
                Some(Placement::Queued)
            }
        }
    }

    /// Closes the chat's active thread (deactivate, or the customer leaving).
    /// Returns false when it was not active.
    pub fn close(&mut self, chat_id: &str, by_bot: Option<&str>) -> bool {
        self.queue.retain(|w| w.chat_id != chat_id);
        let Some(chat) = self.get_mut(chat_id) else { return false };
        let closed = chat.close();
        if closed {
            chat.record("closed", by_bot);
        }
        closed
    }

    /// Hands queued chats, oldest first, to bots that can take them now.
    /// Returns the assignments made.
    pub fn route_queue(&mut self, candidates: &[Candidate]) -> Vec<(String, String)> {
        let mut done = Vec::new();
        let mut i = 0;
        while i < self.queue.len() {
            let w = &self.queue[i];
            match self.pick(candidates, w.groups.as_deref(), w.only.as_deref(), &w.exclude) {
                Some(c) => {
                    let waiting = self.queue.remove(i).expect("in range");
                    self.assign(&waiting.chat_id, &candidates[c], "assigned");
                    done.push((waiting.chat_id, candidates[c].id.clone()));
                }
                None => i += 1,
            }
        }
        done
    }

    /// A thread as `version` writes it.
    pub fn thread_doc(&self, chat: &Chat, thread: &Thread, version: ApiVersion) -> Value {
        let mut doc = Map::new();
        doc.insert("id".into(), json!(thread.id));
        doc.insert("created_at".into(), json!(thread.created_at));
        doc.insert("active".into(), json!(thread.active));
        doc.insert("user_ids".into(), json!(thread.user_ids));
        doc.insert("events".into(), Value::Array(thread.events.iter().map(|e| e.render(version)).collect()));
        doc.insert("properties".into(), json!(chat.talk.thread_properties.get(&thread.id).cloned().unwrap_or_default()));
        doc.insert("tags".into(), json!(chat.talk.tags.get(&thread.id).cloned().unwrap_or_default()));
        doc.insert("access".into(), chat.access());
        if let Some((queued_at, since)) = &thread.queued_at {
            let position = self.queue.iter().position(|w| w.chat_id == chat.id).map_or(1, |p| p + 1);
            doc.insert(
                "queue".into(),
                json!({ "position": position, "wait_time": since.elapsed().as_secs(), "queued_at": queued_at }),
            );
        }
        Value::Object(doc)
    }

    /// `get_chat`'s answer (v3.2+): one thread, or none.
    pub fn chat_doc(&self, chat: &Chat, thread: Option<&Thread>, version: ApiVersion) -> Value {
        let mut doc = Map::new();
        doc.insert("id".into(), json!(chat.id));
        if let Some(t) = thread {
            doc.insert("thread".into(), self.thread_doc(chat, t, version));
        }
        doc.insert("users".into(), json!(chat.users()));
        doc.insert("properties".into(), json!(chat.talk.properties));
        doc.insert("access".into(), chat.access());
        doc.insert("is_followed".into(), json!(false));
        Value::Object(doc)
    }

    /// `get_chat_threads`'s answer (v3.0/3.1).
    pub fn chat_threads_doc(&self, chat: &Chat, threads: &[&Thread], version: ApiVersion) -> Value {
        json!({ "chat": {
            "id": chat.id,
            "users": chat.users(),
            "threads": threads.iter().map(|t| self.thread_doc(chat, t, version)).collect::<Vec<_>>(),
            "properties": {},
            "access": chat.access(),
        }})
    }

    /// A chat summary of `list_chats`.
    pub fn summary(&self, chat: &Chat, version: ApiVersion) -> Value {
        let mut last_per_type = Map::new();
        for t in &chat.threads {
            for e in &t.events {
                let kind = e.doc["type"].as_str().unwrap_or("message").to_owned();
                last_per_type.insert(
                    kind,
                    json!({ "thread_id": t.id, "thread_created_at": t.created_at, "event": e.render(version) }),
                );
            }
        }
        let mut doc = Map::new();
        doc.insert("id".into(), json!(chat.id));
        doc.insert("last_event_per_type".into(), Value::Object(last_per_type));
        doc.insert("users".into(), json!(chat.users()));
        if let Some(t) = chat.last_thread() {
            doc.insert(
                "last_thread_summary".into(),
                json!({
                    "id": t.id, "created_at": t.created_at, "user_ids": t.user_ids,
                    "properties": {}, "active": t.active, "access": chat.access(),
                }),
            );
        }
        doc.insert("properties".into(), json!({}));
        doc.insert("access".into(), chat.access());
        doc.insert("is_followed".into(), json!(false));
        Value::Object(doc)
    }

    /// The control call's view of every chat, in creation order.
    pub fn control_doc(&self) -> Value {
        let chats: Vec<Value> = self
            .list
            .iter()
            .map(|c| {
                json!({
                    "chat_id": c.id,
                    "group_id": c.group_id,
                    "customer_id": c.customer_id,
                    "state": c.state.as_str(),
                    "bot_id": c.bot_id,
                    "routing": c.routing,
                    "transcript": c.transcript(),
                    "talk": c.talk.control_doc(),
                })
            })
            .collect();
        json!({ "chats": chats })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn candidate(id: &str, seq: u64, groups: &[(u64, &str)], accepting: bool, max_chats: u64) -> Candidate {
        Candidate {
            id: id.into(),
            seq,
            accepting,
            groups: groups.iter().map(|(g, p)| (*g, p.to_string())).collect(),
            max_chats,
            user: json!({ "id": id, "type": "agent" }).as_object().cloned().unwrap(),
        }
    }

    #[test]
    fn supervisors_offline_and_full_bots_are_never_routed_chats() {
        let mut chats = Chats::default();
        let bots = [
            candidate("sup", 1, &[(1, "supervisor")], true, 6),
            candidate("off", 2, &[(1, "first")], false, 6),
            candidate("full", 3, &[(1, "first")], true, 0),
        ];
        let (id, _, _) = chats.start(1, "C", None, Some("hi"));
        assert_eq!(chats.route_new(&id, &bots), Placement::Queued);
        let ok = [candidate("late", 4, &[(1, "last")], true, 6)];
        assert_eq!(chats.route_queue(&ok), vec![(id.clone(), "late".to_owned())]);
        assert_eq!(chats.get(&id).unwrap().state, ChatState::Assigned);
    }

    #[test]
    fn ids_look_like_livechat_ids() {
        let id = new_customer_id();
        assert_eq!((id.len(), &id[14..15]), (36, "4"));
        assert!(matches!(&id[19..20], "8" | "9" | "a" | "b"));
        assert!(new_chat_id().bytes().all(|b| b.is_ascii_uppercase() || b.is_ascii_digit()));
    }
}
