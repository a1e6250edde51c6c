//! The emulator's chats as bots see them through the Agent Chat Web API, per
//! version (3.0, 3.2, 3.4, 3.6): routing, the queue, events, transfers,
//! deactivation, auth modes (author_id, X-Author-Id, bot tokens), errors,
//! bot tokens, the webhook registry, pagination, faults and the request log.
//! Raw HTTP plus the emulator's control calls that play the customer.

mod common;
use common::*;
use livechat_bots::Emulator;
use livechat_bots::Fault;
use serde_json::{json, Value};

const TOKEN: &str = "dev-token";

/// Posts `body` to `path` with a Bearer credential and extra headers.
fn raw(emu: &Emulator, path: &str, bearer: Option<&str>, headers: &[(&str, &str)], body: &Value) -> (u16, Value) {
    let http = reqwest::blocking::Client::new();
    let mut req = http.post(format!("{}{path}", emu.url())).header("Content-Type", "application/json").body(body.to_string());
    if let Some(t) = bearer {
        req = req.header("Authorization", format!("Bearer {t}"));
    }
    for (k, v) in headers {
        req = req.header(*k, *v);
    }
    let resp = req.send().expect("request");
    let status = resp.status().as_u16();
    let text = resp.text().expect("body");
    (status, serde_json::from_str(&text).unwrap_or(Value::String(text)))
}

fn cfg(emu: &Emulator, version: &str, action: &str, token: &str, body: Value) -> (u16, Value) {
    let body = if version == "3.0" { json!({ "payload": body }) } else { body };
    raw(emu, &format!("/v{version}/configuration/action/{action}"), Some(token), &[], &body)
}

/// The license's supervisor (an app token, no author).
fn supervisor(emu: &Emulator, version: &str, action: &str, body: Value) -> (u16, Value) {
    let body = if version == "3.0" { json!({ "payload": body }) } else { body };
    raw(emu, &format!("/v{version}/agent/action/{action}"), Some(TOKEN), &[], &body)
}

#[derive(Clone)]
struct Bot {
    id: String,
    secret: String,
}

/// A bot of `token`'s client in `groups` (`[(id, priority)]`), offline.
fn create_bot_with(emu: &Emulator, token: &str, name: &str, groups: &[(u64, &str)], extra: Value) -> Bot {
    let mut body = json!({ "name": name, "groups": groups.iter().map(|(id, p)| json!({"id": id, "priority": p})).collect::<Vec<_>>() });
    for (k, v) in extra.as_object().cloned().unwrap_or_default() {
        body[k] = v;
    }
    let (status, created) = cfg(emu, "3.6", "create_bot", token, body);
    assert_eq!(status, 200, "{created}");
    Bot { id: created["id"].as_str().unwrap().to_owned(), secret: created["secret"].as_str().unwrap().to_owned() }
}

fn create_bot(emu: &Emulator, name: &str, groups: &[(u64, &str)]) -> Bot {
    create_bot_with(emu, TOKEN, name, groups, json!({}))
}

/// Sets a bot's routing status as the supervisor (v3.2 names).
fn set_status(emu: &Emulator, bot: &Bot, status: &str) {
    let (s, body) = supervisor(emu, "3.2", "set_routing_status", json!({ "agent_id": bot.id, "status": status }));
    assert_eq!((s, &body), (200, &json!({})));
}

fn online_bot(emu: &Emulator, name: &str, groups: &[(u64, &str)]) -> Bot {
    let bot = create_bot(emu, name, groups);
    set_status(emu, &bot, "accepting_chats");
    bot
}

fn issue_token(emu: &Emulator, version: &str, bot: &Bot) -> String {
    let org = emu.organization_id();
    let (s, body) = cfg(emu, version, "issue_bot_token", TOKEN, json!({ "bot_id": bot.id, "client_id": "dev-client", "bot_secret": bot.secret, "organization_id": org }));
    assert_eq!(s, 200, "{body}");
    body["token"].as_str().unwrap().to_owned()
}

/// Acting as a bot in one version, by that version's rule.
struct AsBot<'a> {
    emu: &'a Emulator,
    version: &'static str,
    bot: Bot,
    token: Option<String>,
}

impl<'a> AsBot<'a> {
    fn new(emu: &'a Emulator, version: &'static str, bot: &Bot) -> Self {
        let token = (version == "3.6").then(|| issue_token(emu, version, bot));
        AsBot { emu, version, bot: bot.clone(), token }
    }

    fn call(&self, action: &str, payload: Value) -> (u16, Value) {
        let path = format!("/v{}/agent/action/{action}", self.version);
        match (self.version, &self.token) {
            ("3.0", _) => raw(self.emu, &path, Some(TOKEN), &[], &json!({ "payload": payload, "author_id": self.bot.id })),
            (_, Some(token)) => raw(self.emu, &path, Some(token), &[], &payload),
            _ => raw(self.emu, &path, Some(TOKEN), &[("X-Author-Id", &self.bot.id)], &payload),
        }
    }
}

fn start_chat(emu: &Emulator, group: u64, text: &str) -> Value {
    emu.start_chat(&json!({ "group_id": group, "text": text, "customer": { "name": "Ann", "email": "ann@example.com" } })).unwrap()
}

fn chat_state(emu: &Emulator, chat_id: &Value) -> Value {
    emu.chats()["chats"].as_array().unwrap().iter().find(|c| &c["chat_id"] == chat_id).cloned().expect("the chat")
}

fn is_chat_id(v: &Value) -> bool {
    v.as_str().is_some_and(|s| s.len() == 10 && s.bytes().all(|b| b.is_ascii_uppercase() || b.is_ascii_digit()))
}

fn is_time(v: &Value) -> bool {
    // 2026-11-30T12:00:00.123456Z
    v.as_str().is_some_and(|s| s.len() == 27 && s.as_bytes()[10] == b'T' && s.ends_with('Z') && s.as_bytes()[19] == b'.')
}

/// The same bot scenario through one version's names, shapes and auth rule.
fn scenario(version: &'static str) {
    let emu = emulator();
    let old = version == "3.0";
    let vis = if version >= "3.4" { "visibility" } else { "recipients" };
    let online = online_bot(&emu, "Online", &[(1, "normal")]);
    let _offline = create_bot(&emu, "Offline", &[(1, "first")]);
    let full = create_bot_with(&emu, TOKEN, "Full", &[(1, "first")], json!({ "max_chats_count": 0 }));
    set_status(&emu, &full, "accepting_chats");
    let _elsewhere = online_bot(&emu, "Elsewhere", &[(2, "first")]);

    let started = start_chat(&emu, 1, "Hello?");
    assert_eq!(started["state"], "assigned");
    assert_eq!(started["bot_id"], json!(online.id), "the online bot of the group, not the offline or full ones");
    assert!(is_chat_id(&started["chat_id"]) && is_chat_id(&started["thread_id"]), "{started}");
    let chat_id = started["chat_id"].as_str().unwrap().to_owned();
    let thread_id = started["thread_id"].as_str().unwrap().to_owned();
    assert_eq!(started["event_id"], format!("{thread_id}_1"));

    let bot = AsBot::new(&emu, version, &online);
    let mut event = json!({ "type": "message", "text": "Hi, how can I help?" });
    event[vis] = json!("all");
    let (s, sent) = bot.call("send_event", json!({ "chat_id": chat_id, "event": event }));
    assert_eq!(s, 200, "{sent}");
    let event_id = format!("{thread_id}_2");
    if old {
        let e = &sent["event"];
        assert_eq!((e["id"].as_str(), e["type"].as_str(), e["recipients"].as_str()), (Some(event_id.as_str()), Some("message"), Some("all")), "{sent}");
        assert_eq!(e["author_id"], json!(online.id));
        assert!(is_time(&e["created_at"]), "{e}");
        assert!(e.get("visibility").is_none());
    } else {
        assert_eq!(sent, json!({ "event_id": event_id }));
    }
    // The other version's name for the field is refused.
    let other = if vis == "visibility" { "recipients" } else { "visibility" };
    let (s, body) = bot.call("send_event", json!({ "chat_id": chat_id, "event": { "type": "message", "text": "x", other: "all" } }));
    assert_eq!((s, body["error"]["type"].as_str()), (400, Some("validation")), "{body}");

    let list_name = if old { "get_chats_summary" } else { "list_chats" };
    let (s, list) = bot.call(list_name, json!({}));
    assert_eq!(s, 200, "{list}");
    assert_eq!(list["found_chats"], 1);
    let summary = &list["chats_summary"][0];
    assert_eq!(summary["id"], json!(chat_id));
    let last = &summary["last_event_per_type"]["message"];
    assert_eq!((last["thread_id"].as_str(), last["event"]["id"].as_str()), (Some(thread_id.as_str()), Some(event_id.as_str())));
    assert_eq!(last["event"][vis], "all");
    assert_eq!(summary["last_thread_summary"]["active"], true);
    assert_eq!(summary["access"], json!({ "group_ids": [1] }));
    let users = summary["users"].as_array().unwrap();
    assert_eq!(users.len(), 2);
    assert_eq!((users[0]["type"].as_str(), users[0]["name"].as_str(), users[0]["email"].as_str()), (Some("customer"), Some("Ann"), Some("ann@example.com")));
    assert_eq!((users[1]["type"].as_str(), users[1]["email"].as_str(), users[1]["visibility"].as_str()), (Some("agent"), Some(online.id.as_str()), Some("all")));

    let thread = if old {
        let (s, got) = bot.call("get_chat_threads", json!({ "chat_id": chat_id }));
        assert_eq!(s, 200, "{got}");
        assert_eq!(got["chat"]["id"], json!(chat_id));
        assert_eq!(got["chat"]["threads"].as_array().unwrap().len(), 1);
        got["chat"]["threads"][0].clone()
    } else {
        let (s, got) = bot.call("get_chat", json!({ "chat_id": chat_id }));
        assert_eq!(s, 200, "{got}");
        assert_eq!((got["id"].as_str(), got["is_followed"].as_bool()), (Some(chat_id.as_str()), Some(false)));
        got["thread"].clone()
    };
    assert_eq!((thread["id"].as_str(), thread["active"].as_bool()), (Some(thread_id.as_str()), Some(true)));
    assert_eq!(thread["user_ids"].as_array().unwrap().len(), 2);
    let events = thread["events"].as_array().unwrap();
    assert_eq!(events.len(), 2);
    assert_eq!((events[0]["text"].as_str(), events[0][vis].as_str()), (Some("Hello?"), Some("all")));
    assert_eq!(events[1]["text"], "Hi, how can I help?");
    assert!(events.iter().all(|e| e.get(other).is_none()));

    emu.send_message(&json!({ "chat_id": chat_id, "text": "My order is late" })).unwrap();
    let transcript = chat_state(&emu, &json!(chat_id))["transcript"].clone();
    let lines: Vec<(&str, &str)> = transcript.as_array().unwrap().iter().map(|l| (l["author_type"].as_str().unwrap(), l["text"].as_str().unwrap())).collect();
    assert_eq!(lines, [("customer", "Hello?"), ("bot", "Hi, how can I help?"), ("customer", "My order is late")]);

    // Deactivate by this version's name and id field.
    let (name, id_key) = match version {
        "3.0" => ("close_thread", "chat_id"),
        "3.2" => ("deactivate_chat", "chat_id"),
        _ => ("deactivate_chat", "id"),
    };
    let wrong_key = if id_key == "id" { "chat_id" } else { "id" };
    let (s, body) = bot.call(name, json!({ wrong_key: chat_id }));
    assert_eq!(s, 400, "{body}");
    let (s, body) = bot.call(name, json!({ id_key: chat_id }));
    assert_eq!((s, &body), (200, &json!({})));
    let (s, body) = bot.call("send_event", json!({ "chat_id": chat_id, "event": { "type": "message", "text": "still there?" } }));
    assert_eq!((s, body["error"]["type"].as_str()), (400, Some("chat_inactive")), "{body}");
    let (s, body) = bot.call(name, json!({ id_key: chat_id }));
    assert_eq!((s, body["error"]["type"].as_str()), (400, Some("chat_inactive")));
    let state = chat_state(&emu, &json!(chat_id));
    assert_eq!(state["state"], "closed");
    let what: Vec<&str> = state["routing"].as_array().unwrap().iter().map(|r| r["what"].as_str().unwrap()).collect();
    assert_eq!(what, ["assigned", "closed"]);
    assert!(emu.send_message(&json!({ "chat_id": chat_id, "text": "hello?" })).unwrap_err().message.contains("chat_inactive"));

    // The request log shows this version's auth rule.
    let sends = logged(&emu, "send_event");
    assert!(!sends.is_empty());
    for entry in &sends {
        assert_eq!(entry["api"], "agent");
        let headers = &entry["headers"];
        assert_eq!(headers["authorization"], "Bearer [redacted]");
        match version {
            "3.0" => {
                assert_eq!(entry["body"]["author_id"], json!(online.id));
                assert!(headers.get("x-author-id").is_none());
            }
            "3.6" => {
                assert!(headers.get("x-author-id").is_none());
                assert!(entry["body"].get("author_id").is_none());
            }
            _ => assert_eq!(headers["x-author-id"], json!(online.id)),
        }
        assert_eq!(entry["client_id"], "dev-client");
    }
    let log = emu.requests_json();
    assert!(!log.contains(&online.secret), "the bot secret is never logged");
    if let Some(token) = &bot.token {
        assert!(!log.contains(token.as_str()), "the bot token is never logged");
    }
}

#[test]
fn v3_0_scenario_with_author_id() {
    scenario("3.0");
}

#[test]
fn v3_2_scenario_with_x_author_id() {
    scenario("3.2");
}

#[test]
fn v3_4_scenario_with_x_author_id_and_visibility() {
    scenario("3.4");
}

#[test]
fn v3_6_scenario_with_a_bot_token() {
    scenario("3.6");
}

#[test]
fn priorities_go_first_normal_last_then_fewer_chats() {
    let emu = emulator();
    let last = online_bot(&emu, "Last", &[(2, "last")]);
    let normal = online_bot(&emu, "Normal", &[(2, "normal")]);
    let first = create_bot_with(&emu, TOKEN, "First", &[(2, "first")], json!({ "max_chats_count": 1 }));
    set_status(&emu, &first, "accepting_chats");
    let twin = online_bot(&emu, "Normal twin", &[(2, "normal"), (3, "first")]);
    let bot_of = |v: Value| v["bot_id"].as_str().unwrap().to_owned();
    assert_eq!(bot_of(start_chat(&emu, 2, "1")), first.id, "first wins");
    // First is full now: the normal ones, by fewer active chats, then age.
    assert_eq!(bot_of(start_chat(&emu, 2, "2")), normal.id);
    assert_eq!(bot_of(start_chat(&emu, 2, "3")), twin.id);
    assert_eq!(bot_of(start_chat(&emu, 2, "4")), normal.id);
    set_status(&emu, &normal, "not_accepting_chats");
    set_status(&emu, &twin, "offline");
    assert_eq!(bot_of(start_chat(&emu, 2, "5")), last.id, "last only when nobody better is free");
    let (s, statuses) = supervisor(&emu, "3.2", "list_routing_statuses", json!({ "filters": { "group_ids": [2] } }));
    assert_eq!(s, 200);
    assert_eq!(
        statuses,
        json!([
            { "agent_id": last.id, "status": "accepting_chats" },
            { "agent_id": normal.id, "status": "not_accepting_chats" },
            { "agent_id": first.id, "status": "accepting_chats" },
            { "agent_id": twin.id, "status": "offline" },
        ])
    );
}

#[test]
fn a_chat_waits_queued_until_a_bot_comes_online_or_a_slot_frees() {
    let emu = emulator();
    let bot = create_bot_with(&emu, TOKEN, "Solo", &[(5, "normal")], json!({ "max_chats_count": 1 }));
    let first = start_chat(&emu, 5, "anyone?");
    assert_eq!((first["state"].as_str(), &first["bot_id"]), (Some("queued"), &Value::Null));
    let (_, got) = supervisor(&emu, "3.6", "get_chat", json!({ "chat_id": first["chat_id"] }));
    assert_eq!(got["thread"]["queue"]["position"], 1, "{got}");
    assert!(is_time(&got["thread"]["queue"]["queued_at"]));
    let second = start_chat(&emu, 5, "me too");
    assert_eq!(second["state"], "queued");

    // Coming online takes the oldest queued chat (one slot).
    set_status(&emu, &bot, "accepting_chats");
    assert_eq!(chat_state(&emu, &first["chat_id"])["bot_id"], json!(bot.id));
    assert_eq!(chat_state(&emu, &second["chat_id"])["state"], "queued");
    let (_, got) = supervisor(&emu, "3.6", "get_chat", json!({ "chat_id": second["chat_id"] }));
    assert_eq!(got["thread"]["queue"]["position"], 1);

    // The customer leaving frees the slot.
    emu.close_chat(&json!({ "chat_id": first["chat_id"] })).unwrap();
    let routed = chat_state(&emu, &second["chat_id"]);
    assert_eq!((routed["state"].as_str(), &routed["bot_id"]), (Some("assigned"), &json!(bot.id)));
    let what: Vec<&str> = routed["routing"].as_array().unwrap().iter().map(|r| r["what"].as_str().unwrap()).collect();
    assert_eq!(what, ["queued", "assigned"]);

    // Deactivating frees it too; and a higher max_chats_count (update_bot) routes at once.
    let third = start_chat(&emu, 5, "third");
    let fourth = start_chat(&emu, 5, "fourth");
    assert_eq!(third["state"], "queued");
    let (s, _) = AsBot::new(&emu, "3.4", &bot).call("deactivate_chat", json!({ "id": second["chat_id"] }));
    assert_eq!(s, 200);
    assert_eq!(chat_state(&emu, &third["chat_id"])["state"], "assigned");
    let (s, body) = cfg(&emu, "3.6", "update_bot", TOKEN, json!({ "id": bot.id, "max_chats_count": 2 }));
    assert_eq!(s, 200, "{body}");
    assert_eq!(chat_state(&emu, &fourth["chat_id"])["state"], "assigned");

    // v3.0/3.1: the status goes through update_bot_agent, which routes too.
    let old = create_bot(&emu, "Old style", &[(6, "normal")]);
    let waiting = start_chat(&emu, 6, "hi");
    assert_eq!(waiting["state"], "queued");
    let (s, _) = cfg(&emu, "3.1", "update_bot_agent", TOKEN, json!({ "id": old.id, "status": "accepting chats" }));
    assert_eq!(s, 200);
    assert_eq!(chat_state(&emu, &waiting["chat_id"])["bot_id"], json!(old.id));
    // A chat that the customer closes while queued leaves the queue.
    let gone = start_chat(&emu, 7, "nobody here");
    emu.close_chat(&json!({ "chat_id": gone["chat_id"] })).unwrap();
    let late = online_bot(&emu, "Late", &[(7, "normal")]);
    assert_eq!(chat_state(&emu, &gone["chat_id"])["state"], "closed");
    assert!(emu.start_chat(&json!({ "group_id": 7 })).unwrap()["bot_id"] == json!(late.id));
}

#[test]
fn transfers_to_a_group_and_to_an_agent() {
    let emu = emulator();
    let a = online_bot(&emu, "A", &[(10, "normal")]);
    let b = online_bot(&emu, "B", &[(11, "normal")]);
    let c = online_bot(&emu, "C", &[(12, "normal")]);
    let away = create_bot(&emu, "Away", &[(12, "normal")]);
    let chat = start_chat(&emu, 10, "help");
    let id = chat["chat_id"].clone();
    assert_eq!(chat["bot_id"], json!(a.id));

    // v3.2 names the chat chat_id; v3.3+ id.
    let as_a = AsBot::new(&emu, "3.2", &a);
    let (s, body) = as_a.call("transfer_chat", json!({ "id": id, "target": { "type": "group", "ids": [11] } }));
    assert_eq!(s, 400, "{body}");
    let (s, body) = as_a.call("transfer_chat", json!({ "chat_id": id, "target": { "type": "group", "ids": [11] } }));
    assert_eq!((s, &body), (200, &json!({})));
    assert_eq!(chat_state(&emu, &id)["bot_id"], json!(b.id));
    let (s, _) = as_a.call("transfer_chat", json!({ "chat_id": id, "ignore_agents_availability": true }));
    assert_eq!(s, 400, "v3.2 calls it force");
    let (_, got) = supervisor(&emu, "3.6", "get_chat", json!({ "chat_id": id }));
    let user_ids: Vec<&str> = got["users"].as_array().unwrap().iter().map(|u| u["id"].as_str().unwrap()).collect();
    assert!(!user_ids.contains(&a.id.as_str()) && user_ids.contains(&b.id.as_str()), "the requester left: {user_ids:?}");
    assert_eq!(got["access"], json!({ "group_ids": [11] }));
    let (s, body) = as_a.call("send_event", json!({ "chat_id": id, "event": { "type": "message", "text": "me again" } }));
    assert_eq!((s, body["error"]["type"].as_str()), (403, Some("authorization")));

    // To an agent: an offline one fails unless availability is ignored.
    let as_b = AsBot::new(&emu, "3.6", &b);
    let (s, body) = as_b.call("transfer_chat", json!({ "id": id, "target": { "type": "agent", "ids": [away.id] } }));
    assert_eq!((s, body["error"]["type"].as_str(), body["error"]["message"].as_str()), (400, Some("validation"), Some("No agent available")));
    let (s, _) = as_b.call("transfer_chat", json!({ "id": id, "target": { "type": "agent", "ids": [c.id] } }));
    assert_eq!(s, 200);
    assert_eq!(chat_state(&emu, &id)["bot_id"], json!(c.id));
    let as_c = AsBot::new(&emu, "3.4", &c);
    let (s, _) = as_c.call("transfer_chat", json!({ "id": id, "target": { "type": "agent", "ids": [away.id] }, "ignore_agents_availability": true }));
    assert_eq!(s, 200);
    assert_eq!(chat_state(&emu, &id)["state"], "queued");
    set_status(&emu, &away, "accepting_chats");
    let state = chat_state(&emu, &id);
    assert_eq!(state["bot_id"], json!(away.id));
    let what: Vec<&str> = state["routing"].as_array().unwrap().iter().map(|r| r["what"].as_str().unwrap()).collect();
    assert_eq!(what, ["assigned", "transferred", "transferred", "transferred", "queued", "assigned"]);
    // An unknown agent is not found; without a target the chat's group is used.
    let as_away = AsBot::new(&emu, "3.4", &away);
    let (s, _) = as_away.call("transfer_chat", json!({ "id": id, "target": { "type": "agent", "ids": ["nobody"] } }));
    assert_eq!(s, 404);
    let (s, body) = as_away.call("transfer_chat", json!({ "id": id }));
    assert_eq!(s, 200, "{body}");
    assert_eq!(chat_state(&emu, &id)["bot_id"], json!(b.id), "back to the chat's group (11)");
    set_status(&emu, &b, "offline");
    let (s, body) = AsBot::new(&emu, "3.4", &b).call("transfer_chat", json!({ "id": id }));
    assert_eq!((s, body["error"]["message"].as_str()), (400, Some("No agent available")), "nobody else in group 11");
}

#[test]
fn errors_for_unknown_chats_strangers_and_other_clients() {
    let emu = emulator_with(json!({ "tokens": [
        { "token": TOKEN, "client_id": "dev-client", "scopes": ["agents-bot--my:rw", "agents-bot--all:rw", "agents-bot--my:ro", "agents-bot--all:ro", "webhooks.configuration:rw"] },
        { "token": "other-token", "client_id": "other-client", "scopes": ["agents-bot--my:rw"] },
    ]}));
    let mine = online_bot(&emu, "Mine", &[(1, "normal")]);
    let stranger = create_bot(&emu, "Stranger", &[(1, "last")]);
    let theirs = create_bot_with(&emu, "other-token", "Theirs", &[(1, "normal")], json!({}));
    let outsider = create_bot(&emu, "Outsider", &[(9, "normal")]);
    let chat = start_chat(&emu, 1, "hi");
    let id = chat["chat_id"].clone();
    for version in ["3.0", "3.2", "3.4", "3.6"] {
        let s = AsBot::new(&emu, version, &stranger);
        let send = json!({ "chat_id": id, "event": { "type": "message", "text": format!("from the stranger on {version}") } });
        let (status, body) = s.call("send_event", send.clone());
        if version >= "3.4" {
            assert_eq!((status, body["error"]["type"].as_str()), (403, Some("authorization")), "{version}: not a user of the chat");
        } else {
            assert_eq!(status, 200, "{version}: before v3.4 access to the chat is enough: {body}");
        }
        // A bot without access to the chat's group, in every version.
        let (status, body) = AsBot::new(&emu, version, &outsider).call("send_event", send);
        assert_eq!((status, body["error"]["type"].as_str()), (403, Some("authorization")), "{version}");
        let (status, body) = s.call("send_event", json!({ "chat_id": "NOSUCHCHAT", "event": { "type": "message", "text": "x" } }));
        assert_eq!((status, body["error"]["type"].as_str()), (404, Some("not_found")), "{version}");
        // A bot of another client named with this client's token.
        if version == "3.6" {
            continue;
        }
        let t = AsBot::new(&emu, version, &theirs);
        let list = if version == "3.0" { "get_chats_summary" } else { "list_chats" };
        let (status, body) = t.call(list, json!({}));
        assert_eq!((status, body["error"]["type"].as_str()), (403, Some("authorization")), "{version}: {body}");
        // An author that is no bot at all.
        let ghost = AsBot { emu: &emu, version, bot: Bot { id: "ghost".into(), secret: String::new() }, token: None };
        assert_eq!(ghost.call(list, json!({})).0, 403);
    }
    // The stranger may read the chat (its group) but not change it.
    let (s, _) = AsBot::new(&emu, "3.4", &stranger).call("get_chat", json!({ "chat_id": id }));
    assert_eq!(s, 200);
    let (s, _) = AsBot::new(&emu, "3.4", &stranger).call("deactivate_chat", json!({ "id": id }));
    assert_eq!(s, 403);
    let (s, _) = AsBot::new(&emu, "3.4", &stranger).call("deactivate_chat", json!({ "id": id, "ignore_requester_presence": true }));
    assert_eq!(s, 200, "ignore_requester_presence lifts the presence rule");
    let (s, _) = AsBot::new(&emu, "3.2", &stranger).call("deactivate_chat", json!({ "chat_id": id, "ignore_requester_presence": true }));
    assert_eq!(s, 400, "ignore_requester_presence is new in v3.4");
    // Only bots write: the supervisor is no chat's user.
    let other = start_chat(&emu, 1, "again");
    let (s, _) = supervisor(&emu, "3.6", "deactivate_chat", json!({ "id": other["chat_id"], "ignore_requester_presence": true }));
    assert_eq!(s, 403);
    // A bot outside the chat's groups cannot read it.
    let (s, body) = AsBot::new(&emu, "3.4", &outsider).call("get_chat", json!({ "chat_id": id }));
    assert_eq!((s, body["error"]["type"].as_str()), (403, Some("authorization")));

    // v3.6 refuses X-Author-Id, naming issue_bot_token.
    let (s, body) = raw(&emu, "/v3.6/agent/action/list_chats", Some(TOKEN), &[("X-Author-Id", &mine.id)], &json!({}));
    assert_eq!((s, body["error"]["type"].as_str()), (403, Some("authorization")));
    assert!(body["error"]["message"].as_str().unwrap().contains("issue_bot_token"), "{body}");
    // Per-version action names.
    assert_eq!(supervisor(&emu, "3.1", "get_chat", json!({ "chat_id": id })).0, 404);
    assert_eq!(supervisor(&emu, "3.2", "get_chat_threads", json!({ "chat_id": id })).0, 404);
    assert_eq!(supervisor(&emu, "3.1", "set_routing_status", json!({ "agent_id": mine.id, "status": "offline" })).0, 404);
    let (s, body) = supervisor(&emu, "3.0", "get_chat_threads", json!({ "chat_id": id }));
    assert_eq!(s, 200, "{body}");
    // Validation names the field.
    let (s, body) = AsBot::new(&emu, "3.6", &mine).call("send_event", json!({ "chat_id": id, "event": { "type": "message" } }));
    assert_eq!((s, body["error"]["message"].as_str()), (400, Some("event.text: required field is missing")));
    let long = "x".repeat(16_385);
    let (s, _) = AsBot::new(&emu, "3.6", &mine).call("send_event", json!({ "chat_id": id, "event": { "type": "message", "text": long } }));
    assert_eq!(s, 400);
    // set_routing_status of another client's bot.
    let (s, body) = supervisor(&emu, "3.2", "set_routing_status", json!({ "agent_id": theirs.id, "status": "offline" }));
    assert_eq!((s, body["error"]["type"].as_str()), (403, Some("authorization")));
    // No token at all.
    let (s, body) = raw(&emu, "/v3.6/agent/action/list_chats", None, &[], &json!({}));
    assert_eq!((s, body), (401, fixture("error_authentication.json")));
}

#[test]
fn get_chat_and_get_chat_threads_pick_threads() {
    let emu = emulator();
    let bot = online_bot(&emu, "Threads", &[(1, "normal")]);
    let chat = start_chat(&emu, 1, "one");
    let (id, thread) = (chat["chat_id"].clone(), chat["thread_id"].clone());
    let (s, got) = supervisor(&emu, "3.2", "get_chat", json!({ "chat_id": id, "thread_id": thread }));
    assert_eq!((s, &got["thread"]["id"]), (200, &thread));
    let (s, got) = supervisor(&emu, "3.2", "get_chat", json!({ "chat_id": id, "thread_id": "NOSUCHTHRD" }));
    assert_eq!((s, got["error"]["type"].as_str()), (404, Some("not_found")));
    let (s, got) = supervisor(&emu, "3.0", "get_chat_threads", json!({ "chat_id": id, "thread_ids": [thread] }));
    assert_eq!((s, &got["chat"]["threads"][0]["id"]), (200, &thread));
    assert_eq!(got["chat"]["threads"][0]["events"][0]["recipients"], "all");
    assert!(got["chat"].get("thread").is_none());
    let (s, _) = supervisor(&emu, "3.1", "get_chat_threads", json!({ "chat_id": id, "thread_id": thread }));
    assert_eq!(s, 400, "thread_id is get_chat's");
    // attach_to_last_thread (up to v3.3) writes into an inactive chat's last thread.
    let as_bot = AsBot::new(&emu, "3.3", &bot);
    let (s, _) = as_bot.call("deactivate_chat", json!({ "id": id }));
    assert_eq!(s, 200);
    let (s, body) = as_bot.call("send_event", json!({ "chat_id": id, "event": { "type": "system_message", "text": "closed", "recipients": "agents" }, "attach_to_last_thread": true }));
    assert_eq!(s, 200, "{body}");
    let v36 = AsBot::new(&emu, "3.6", &bot);
    let (s, body) = v36.call("send_event", json!({ "chat_id": id, "event": { "type": "message", "text": "x" }, "attach_to_last_thread": true }));
    assert_eq!(s, 400, "attach_to_last_thread is gone from v3.4: {body}");
    let t = chat_state(&emu, &id)["transcript"].as_array().unwrap().last().cloned().unwrap();
    assert_eq!((t["type"].as_str(), t["visibility"].as_str()), (Some("system_message"), Some("agents")));
}

#[test]
fn list_chats_pages_filters_and_sorts() {
    let emu = emulator();
    let bot = create_bot_with(&emu, TOKEN, "Pager", &[(1, "normal")], json!({ "max_chats_count": 100 }));
    set_status(&emu, &bot, "accepting_chats");
    let ids: Vec<Value> = (0..25).map(|i| start_chat(&emu, 1, &format!("chat {i}"))["chat_id"].clone()).collect();
    for id in &ids[..5] {
        emu.close_chat(&json!({ "chat_id": id })).unwrap();
    }
    let as_bot = AsBot::new(&emu, "3.6", &bot);
    let mut seen = Vec::new();
    let (s, mut page) = as_bot.call("list_chats", json!({ "limit": 10 }));
    assert_eq!(s, 200);
    assert!(page.get("previous_page_id").is_none());
    loop {
        assert_eq!(page["found_chats"], 25);
        seen.extend(page["chats_summary"].as_array().unwrap().iter().map(|c| c["id"].clone()));
        let Some(next) = page["next_page_id"].as_str().map(str::to_owned) else { break };
        let (s, body) = as_bot.call("list_chats", json!({ "page_id": next, "limit": 5 }));
        assert_eq!(s, 400, "page_id excludes limit: {body}");
        let (s, body) = as_bot.call("list_chats", json!({ "page_id": next }));
        assert_eq!(s, 200);
        assert!(body["previous_page_id"].is_string());
        page = body;
    }
    let newest_first: Vec<Value> = ids.iter().rev().cloned().collect();
    assert_eq!(seen, newest_first);
    let (_, asc) = as_bot.call("list_chats", json!({ "sort_order": "asc", "limit": 3, "filters": { "active": false } }));
    assert_eq!(asc["found_chats"], 5);
    assert_eq!(asc["chats_summary"].as_array().unwrap().iter().map(|c| c["id"].clone()).collect::<Vec<_>>(), ids[..3].to_vec());
    let (_, active) = as_bot.call("list_chats", json!({ "filters": { "active": true, "group_ids": [1] }, "limit": 100 }));
    assert_eq!(active["found_chats"], 20);
    let (_, none) = as_bot.call("list_chats", json!({ "filters": { "group_ids": [2] } }));
    assert_eq!(none["found_chats"], 0);
    let (s, _) = as_bot.call("list_chats", json!({ "limit": 101 }));
    assert_eq!(s, 400);
    let (s, _) = as_bot.call("list_chats", json!({ "page_id": "garbage" }));
    assert_eq!(s, 400);
    // Before v3.6 the filter is include_active (false: only inactive chats).
    let (s, inactive) = AsBot::new(&emu, "3.4", &bot).call("list_chats", json!({ "filters": { "include_active": false } }));
    assert_eq!((s, &inactive["found_chats"]), (200, &json!(5)));
    let (_, both) = AsBot::new(&emu, "3.2", &bot).call("list_chats", json!({ "filters": { "include_active": true } }));
    assert_eq!(both["found_chats"], 25);
    assert_eq!(AsBot::new(&emu, "3.5", &bot).call("list_chats", json!({ "filters": { "active": true } })).0, 400);
    assert_eq!(as_bot.call("list_chats", json!({ "filters": { "include_active": true } })).0, 400);
    let (s, old) = AsBot::new(&emu, "3.0", &bot).call("get_chats_summary", json!({ "limit": 2 }));
    assert_eq!((s, old["chats_summary"].as_array().unwrap().len()), (200, 2));
}

#[test]
fn bot_tokens_are_checked_expire_and_die_with_the_secret() {
    let emu = emulator_with(json!({ "bot_token_lifetime_ms": 400, "organization_id": "org-1" }));
    assert_eq!(emu.organization_id(), "org-1");
    let bot = online_bot(&emu, "Tokened", &[(1, "normal")]);
    let issue = |version: &str, body: Value| cfg(&emu, version, "issue_bot_token", TOKEN, body);
    let good = json!({ "bot_id": bot.id, "client_id": "dev-client", "bot_secret": bot.secret, "organization_id": "org-1" });
    assert_eq!(issue("3.4", good.clone()).0, 404, "issue_bot_token is new in v3.5");
    for (field, value, status) in [("bot_secret", "wrong", 403), ("client_id", "other", 403), ("organization_id", "org-2", 403), ("bot_id", "nobody", 404)] {
        let mut body = good.clone();
        body[field] = json!(value);
        let (s, answer) = issue("3.6", body);
        assert_eq!(s, status, "{field}: {answer}");
        assert!(!answer.to_string().contains(&bot.secret));
    }
    let mut missing = good.clone();
    missing.as_object_mut().unwrap().remove("organization_id");
    assert_eq!(issue("3.5", missing).0, 400);

    let (s, answer) = issue("3.5", good.clone());
    assert_eq!(s, 200);
    let token = answer["token"].as_str().unwrap().to_owned();
    let parts: Vec<&str> = token.split('.').collect();
    assert_eq!(parts.len(), 3, "JWT-shaped");
    use base64::Engine;
    let payload: Value = serde_json::from_slice(&base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(parts[1]).unwrap()).unwrap();
    assert_eq!((payload["bot_id"].as_str(), payload["client_id"].as_str(), payload["organization_id"].as_str()), (Some(bot.id.as_str()), Some("dev-client"), Some("org-1")));
    assert!(payload["exp"].as_f64().unwrap() > payload["iat"].as_f64().unwrap());

    let list = |version: &str, token: &str| raw(&emu, &format!("/v{version}/agent/action/list_chats"), Some(token), &[], &json!({})).0;
    assert_eq!(list("3.5", &token), 200);
    assert_eq!(list("3.6", &token), 200);
    let (s, body) = raw(&emu, "/v3.4/agent/action/list_chats", Some(&token), &[], &json!({}));
    assert_eq!((s, body["error"]["message"].as_str()), (401, Some("Invalid access token")), "no bot tokens before v3.5");
    // Expiry (a short lifetime, polled, no fixed sleep).
    wait_until(10, "the bot token to expire", || list("3.6", &token) == 401);
    let (_, body) = raw(&emu, "/v3.6/agent/action/list_chats", Some(&token), &[], &json!({}));
    assert_eq!(body["error"], json!({ "type": "authentication", "message": "Bot token expired" }));

    // reset_bot_secret revokes the tokens issued before it.
    let fresh = issue("3.6", good.clone()).1["token"].as_str().unwrap().to_owned();
    assert_eq!(list("3.6", &fresh), 200);
    assert_eq!(cfg(&emu, "3.4", "reset_bot_secret", TOKEN, json!({ "id": bot.id })).0, 404, "new in v3.5");
    let (s, reset) = cfg(&emu, "3.6", "reset_bot_secret", TOKEN, json!({ "id": bot.id }));
    assert_eq!(s, 200);
    let secret = reset["secret"].as_str().unwrap();
    assert!(secret.len() == 32 && secret != bot.secret);
    let (s, body) = raw(&emu, "/v3.6/agent/action/list_chats", Some(&fresh), &[], &json!({}));
    assert_eq!((s, body["error"]["type"].as_str()), (401, Some("authentication")));
    assert_eq!(issue("3.6", good.clone()).0, 403, "the old secret is gone");
    let mut renewed = good.clone();
    renewed["bot_secret"] = json!(secret);
    assert_eq!(issue("3.6", renewed).0, 200);
    let log = emu.requests_json();
    assert!(!log.contains(&bot.secret) && !log.contains(secret) && !log.contains(&token) && !log.contains(&fresh), "no secret or token in the log");
    let issued = logged(&emu, "issue_bot_token");
    assert!(issued.iter().all(|e| e["api"] == "configuration" && (e["body"]["bot_secret"] == "[redacted]" || e["body"].get("bot_secret").is_none())));
}

#[test]
fn webhook_registry() {
    let emu = emulator();
    let hook = |action: &str| json!({ "action": action, "secret_key": "hook-secret-1", "url": "http://127.0.0.1:9/hooks", "type": "bot", "owner_client_id": "dev-client", "description": "d" });
    assert_eq!(cfg(&emu, "3.2", "register_webhook", TOKEN, hook("incoming_chat")).0, 404, "the registry is v3.3+");
    let mut ids = Vec::new();
    for _ in 0..3 {
        let (s, body) = cfg(&emu, "3.3", "register_webhook", TOKEN, hook("incoming_event"));
        assert_eq!(s, 200, "{body}");
        ids.push(body["id"].as_str().unwrap().to_owned());
    }
    let (s, body) = cfg(&emu, "3.6", "register_webhook", TOKEN, hook("incoming_event"));
    assert_eq!((s, body["error"]["type"].as_str()), (400, Some("limit_reached")));
    assert_eq!(cfg(&emu, "3.6", "register_webhook", TOKEN, hook("incoming_chat")).0, 200);
    for (field, value) in [("action", json!("no_such_action")), ("url", json!("ftp://x")), ("url", json!(format!("http://{}", "a".repeat(500)))), ("type", json!("agent"))] {
        let mut bad = hook("chat_deactivated");
        bad[field] = value;
        assert_eq!(cfg(&emu, "3.6", "register_webhook", TOKEN, bad).0, 400, "{field}");
    }
    let mut other = hook("chat_deactivated");
    other["owner_client_id"] = json!("someone-else");
    assert_eq!(cfg(&emu, "3.6", "register_webhook", TOKEN, other).0, 403);

    let (s, list) = cfg(&emu, "3.6", "list_webhooks", TOKEN, json!({ "owner_client_id": "dev-client" }));
    assert_eq!(s, 200);
    assert_eq!(list.as_array().unwrap().len(), 4);
    assert_eq!(list[0]["id"], json!(ids[0]));
    assert_eq!((list[0]["secret_key"].as_str(), list[0]["type"].as_str(), list[0]["action"].as_str()), (Some("hook-secret-1"), Some("bot"), Some("incoming_event")));
    assert_eq!(emu.webhooks(), list.as_array().unwrap().clone());
    assert_eq!(cfg(&emu, "3.6", "unregister_webhook", TOKEN, json!({ "id": ids[1], "owner_client_id": "dev-client" })), (200, json!({})));
    assert_eq!(cfg(&emu, "3.6", "unregister_webhook", TOKEN, json!({ "id": ids[1], "owner_client_id": "dev-client" })).0, 404);
    assert_eq!(emu.webhooks().len(), 3);
    assert!(!emu.requests_json().contains("hook-secret-1"), "secret_key is redacted in the log");
    // The scope is needed.
    let emu = emulator_with(json!({ "tokens": [{ "token": "t", "client_id": "c", "scopes": ["agents-bot--my:rw"] }] }));
    let mut h = hook("incoming_chat");
    h["owner_client_id"] = json!("c");
    assert_eq!(cfg(&emu, "3.6", "register_webhook", "t", h).0, 403);
}

#[test]
fn faults_and_the_log_cover_agent_actions() {
    let emu = emulator();
    let bot = online_bot(&emu, "Faulty", &[(1, "normal")]);
    let chat = start_chat(&emu, 1, "hi");
    emu.inject(Fault::from_json(r#"{"action": "send_event", "status": 503}"#).unwrap());
    emu.inject(Fault::from_json(r#"{"action": "get_chats_summary", "status": 500}"#).unwrap());
    let as_bot = AsBot::new(&emu, "3.2", &bot);
    let send = json!({ "chat_id": chat["chat_id"], "event": { "type": "message", "text": "x" } });
    let (s, body) = as_bot.call("send_event", send.clone());
    assert_eq!((s, body["error"]["type"].as_str()), (503, Some("internal")));
    assert_eq!(as_bot.call("send_event", send).0, 200);
    assert_eq!(as_bot.call("list_chats", json!({})).0, 200, "the fault names the v3.0/3.1 wire name");
    let (s, _) = AsBot::new(&emu, "3.0", &bot).call("get_chats_summary", json!({}));
    assert_eq!(s, 500);
    let faulted: Vec<Value> = emu.requests().into_iter().filter(|r| !r["fault"].is_null()).collect();
    assert_eq!(faulted.len(), 2);
    assert_eq!((faulted[0]["api"].as_str(), faulted[0]["action"].as_str(), faulted[0]["version"].as_str()), (Some("agent"), Some("send_event"), Some("3.2")));
    assert_eq!(faulted[1]["action"], "get_chats_summary");
    assert_eq!(emu.pending_faults(), 0);
    assert!(emu.requests().iter().all(|r| r["api"] == "agent" || r["api"] == "configuration"));
}

#[test]
fn control_calls_check_their_input() {
    let emu = emulator();
    assert!(emu.start_chat(&json!({ "group_id": -1 })).is_err());
    assert!(emu.start_chat(&json!({ "grup_id": 1 })).is_err());
    let queued = emu.start_chat(&json!({})).unwrap();
    assert_eq!((queued["state"].as_str(), queued.get("event_id")), (Some("queued"), None));
    assert!(queued["customer_id"].as_str().unwrap().len() == 36);
    let err = emu.send_message(&json!({ "chat_id": "NOSUCHCHAT", "text": "x" })).unwrap_err();
    assert!(err.message.starts_with("not_found"), "{}", err.message);
    assert!(emu.close_chat(&json!({ "chat_id": "NOSUCHCHAT" })).is_err());
    assert!(emu.send_message_json("{").is_err());
    let doc: Value = serde_json::from_str(&emu.chats_json()).unwrap();
    assert_eq!(doc["chats"].as_array().unwrap().len(), 1);
    let started: Value = serde_json::from_str(&emu.start_chat_json(r#"{"group_id": 3, "text": "hey"}"#).unwrap()).unwrap();
    let sent: Value = serde_json::from_str(&emu.send_message_json(&json!({ "chat_id": started["chat_id"], "text": "again" }).to_string()).unwrap()).unwrap();
    assert_eq!(sent["event_id"], format!("{}_2", started["thread_id"].as_str().unwrap()));
    assert_eq!(emu.close_chat_json(&json!({ "chat_id": started["chat_id"] }).to_string()).unwrap(), "{}");
}
