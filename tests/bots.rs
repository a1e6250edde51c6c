//! Bots in chats through the Rust API: a bot made from a client acts on the
//! Agent Chat Web API of each version by that version's rule, against the
//! emulator playing LiveChat and the customer.

mod common;

use common::emulator_with;
use livechat_bots::Emulator;
use livechat_bots::{Bot, BotIdentity, Client, ErrorCode};
use serde_json::{json, Value};
use std::sync::{Arc, Barrier};
use std::time::{Duration, Instant};

const VERSIONS: [&str; 4] = ["3.0", "3.2", "3.4", "3.6"];

fn client(emu: &Emulator, version: &str) -> Arc<Client> {
    let config = json!({ "token": "dev-token", "base_url": emu.url(), "api_version": version });
    Arc::new(Client::from_json(&config.to_string()).expect("client"))
}

/// Creates a bot in group 0 and returns a handle acting as it, its routing
/// status set as asked (through the version's own way).
fn make_bot(emu: &Emulator, client: &Arc<Client>, name: &str, priority: &str, max_chats: u32, status: &str) -> Bot {
    let version = client.config().api_version.as_str();
    let mut create = json!({ "name": name, "max_chats_count": max_chats, "groups": [{ "id": 0, "priority": priority }] });
    if version < "3.2" {
        create["status"] = json!("offline");
    }
    let created = client.execute(livechat_bots::Action::CreateBotAgent, &create).expect("create_bot_agent");
    let id = created["bot_agent_id"].as_str().expect("bot id").to_owned();
    let identity = if version >= "3.5" {
        let secret = created["bot_secret"].as_str().expect("a v3.5+ create gives the bot's secret");
        BotIdentity::with_secret(&id, livechat_bots::Secret::new(secret), "dev-client", emu.organization_id())
    } else {
        BotIdentity::new(&id)
    };
    let bot = Bot::new(client.clone(), identity).expect("bot");
    bot.set_routing_status(status).expect("set_routing_status");
    bot
}

fn start_chat(emu: &Emulator, text: &str) -> Value {
    emu.start_chat(&json!({ "group_id": 0, "text": text })).expect("start_chat")
}

fn chat_state(emu: &Emulator, chat_id: &str) -> Value {
    let chats = emu.chats();
    chats["chats"].as_array().unwrap().iter().find(|c| c["chat_id"] == chat_id).cloned().expect("chat listed")
}

fn requests_of(emu: &Emulator, action: &str) -> Vec<Value> {
    emu.requests().into_iter().filter(|r| r["action"] == action).collect()
}

#[test]
fn the_same_scenario_passes_in_every_version_by_its_own_auth_rule() {
    for version in VERSIONS {
        let emu = emulator_with(json!({}));
        let client = client(&emu, version);
        let full = make_bot(&emu, &client, "Full", "first", 1, "accepting_chats");
        let offline = make_bot(&emu, &client, "Asleep", "first", 5, "offline");
        let online = make_bot(&emu, &client, "Online", "normal", 5, "accepting_chats");

        // The first chat goes to the first-priority bot; the second finds it
        // full and the other first-priority bot offline.
        let first = start_chat(&emu, "hi there");
        assert_eq!(first["bot_id"], full.id(), "v{version}: {first}");
        let second = start_chat(&emu, "hello");
        assert_eq!(second["bot_id"], online.id(), "v{version}: {second}");
        assert_ne!(second["bot_id"], offline.id());
        let chat_id = second["chat_id"].as_str().unwrap();

        // The bot sees its chat and answers.
        let page = online.list_chats(json!({})).expect("list_chats");
        assert!(page.chats_summary.iter().any(|c| c.id == chat_id), "v{version}: {page:?}");
        let chat = online.get_chat(chat_id, None).expect("get_chat");
        let thread = chat.thread.expect("a thread");
        assert_eq!(thread.events[0].text.as_deref(), Some("hello"));
        assert_eq!(thread.events[0].visibility.as_deref(), Some("all"), "v{version}: events carry visibility");
        let event_id = online.send_message(chat_id, "echo: hello").expect("send_event");
        assert!(!event_id.is_empty());
        let transcript = chat_state(&emu, chat_id)["transcript"].clone();
        let lines: Vec<(String, String)> = transcript
            .as_array()
            .unwrap()
            .iter()
            .map(|e| (e["author_type"].as_str().unwrap().to_owned(), e["text"].as_str().unwrap_or("").to_owned()))
            .collect();
        assert_eq!(lines, [("customer".into(), "hello".into()), ("bot".into(), "echo: hello".into())], "v{version}");
        assert_eq!(transcript[1]["author_id"], online.id());

        // From v3.4 a bot may not write in a chat it is not in (before, a
        // bot of the chat's group could).
        let not_mine = online.send_message(first["chat_id"].as_str().unwrap(), "not mine");
        if version >= "3.4" {
            assert_eq!(not_mine.unwrap_err().api_type(), Some("authorization"), "v{version}");
        } else {
            assert!(not_mine.is_ok(), "v{version}: {not_mine:?}");
        }

        // Transfer to a bot by id, then the new owner closes it.
        let first_id = first["chat_id"].as_str().unwrap();
        full.transfer_chat(first_id, Some(json!({ "type": "agent", "ids": [online.id()] }))).expect("transfer_chat");
        assert_eq!(chat_state(&emu, first_id)["bot_id"], online.id(), "v{version}");
        online.deactivate_chat(first_id).expect("deactivate_chat");
        assert_eq!(chat_state(&emu, first_id)["state"], "closed");
        let e = online.send_message(first_id, "too late").unwrap_err();
        assert_eq!(e.api_type(), Some("chat_inactive"), "v{version}: {e}");

        // Each version named the bot its own way.
        let sent = requests_of(&emu, "send_event");
        let answer = sent.iter().find(|r| r["status"] == 200).expect("a logged send_event");
        match version {
            "3.0" => {
                assert_eq!(answer["body"]["author_id"], online.id(), "{answer}");
                assert!(answer["body"]["payload"]["event"].get("recipients").is_some(), "{answer}");
            }
            "3.2" | "3.4" => {
                assert_eq!(answer["headers"]["x-author-id"], online.id(), "{answer}");
                let audience = if version == "3.2" { "recipients" } else { "visibility" };
                assert!(answer["body"]["event"].get(audience).is_some(), "{answer}");
            }
            _ => {
                assert!(answer["headers"].get("x-author-id").is_none(), "{answer}");
                assert_eq!(answer["headers"]["authorization"], "Bearer [redacted]");
                // One token per bot, issued on first use.
                assert_eq!(requests_of(&emu, "issue_bot_token").len(), 3);
            }
        }
        let renamed = if version == "3.0" { ["get_chats_summary", "get_chat_threads", "close_thread"] } else { ["list_chats", "get_chat", "deactivate_chat"] };
        for name in renamed {
            assert!(!requests_of(&emu, name).is_empty(), "v{version}: no {name} in the log");
        }
    }
}

#[test]
fn a_queued_chat_goes_to_the_bot_that_comes_online() {
    let emu = emulator_with(json!({}));
    let client = client(&emu, "3.6");
    let bot = make_bot(&emu, &client, "Late", "normal", 2, "offline");
    let chat = start_chat(&emu, "anyone?");
    assert_eq!(chat["state"], "queued", "{chat}");
    assert!(chat["bot_id"].is_null());
    bot.set_routing_status("accepting_chats").unwrap();
    assert_eq!(chat_state(&emu, chat["chat_id"].as_str().unwrap())["bot_id"], bot.id());
    let statuses = bot.list_routing_statuses(Some(&[0])).unwrap();
    assert!(statuses.iter().any(|s| s.agent_id == bot.id() && s.status == "accepting_chats"), "{statuses:?}");
}

#[test]
fn sixteen_threads_share_one_token_renewal() {
    let emu = emulator_with(json!({ "bot_token_lifetime_ms": 1000 }));
    let client = client(&emu, "3.6");
    let bot = Arc::new(make_bot(&emu, &client, "Busy", "normal", 5, "accepting_chats"));
    assert_eq!(requests_of(&emu, "issue_bot_token").len(), 1);
    // The token is due for renewal at nine tenths of its second: let that
    // much time pass (the condition is the clock itself).
    let due = Instant::now() + Duration::from_millis(1000);
    while Instant::now() < due {
        std::thread::sleep(Duration::from_millis(10));
    }
    let barrier = Arc::new(Barrier::new(16));
    let threads: Vec<_> = (0..16)
        .map(|_| {
            let (bot, barrier) = (bot.clone(), barrier.clone());
            std::thread::spawn(move || {
                barrier.wait();
                bot.list_chats(json!({})).map(|_| ())
            })
        })
        .collect();
    for t in threads {
        t.join().unwrap().expect("list_chats after the renewal");
    }
    assert_eq!(requests_of(&emu, "issue_bot_token").len(), 2, "exactly one renewal for 16 threads");
}

#[test]
fn a_refused_token_is_renewed_once() {
    let emu = emulator_with(json!({}));
    let client = client(&emu, "3.6");
    let bot = make_bot(&emu, &client, "Refused", "normal", 5, "accepting_chats");
    emu.inject(livechat_bots::Fault::from_json(r#"{"action": "list_chats", "status": 401}"#).unwrap());
    bot.list_chats(json!({})).expect("renewed and retried");
    assert_eq!(requests_of(&emu, "issue_bot_token").len(), 2);
    // After a secret reset the bot's token is refused and the old secret
    // cannot get another: one try, then the error.
    client.reset_bot_secret(bot.id(), None).expect("reset_bot_secret");
    let e = bot.list_chats(json!({})).unwrap_err();
    assert_eq!(e.code, ErrorCode::Api, "{e}");
    // The error says why no new token came, not only that the old one failed.
    assert!(e.message.contains("renewing the credentials failed"), "{e}");
    assert!(e.message.contains("Invalid bot secret"), "{e}");
    assert_eq!(e.api_type(), Some("authentication"), "{e}");
    assert_eq!(requests_of(&emu, "issue_bot_token").len(), 3);
    assert!(!format!("{bot:?}").contains("Bearer"));
}

#[test]
fn identities_follow_the_version() {
    let emu = emulator_with(json!({}));
    let e = Bot::new(client(&emu, "3.6"), BotIdentity::new("b1")).unwrap_err();
    assert!(e.message.contains("bot_secret"), "{e}");
    let e = Bot::new(client(&emu, "3.4"), BotIdentity::with_secret("b1", livechat_bots::Secret::new("s"), "c", "o")).unwrap_err();
    assert!(e.message.contains("v3.5"), "{e}");
    let e = Bot::from_json(client(&emu, "3.5"), r#"{"bot_agent_id": "b1", "bot_secret": "s"}"#).unwrap_err();
    assert!(e.message.contains("client_id"), "{e}");
    assert!(Bot::from_json(client(&emu, "3.5"), r#"{"bot_agent_id": "b1"}"#).is_ok());
}

#[test]
fn requests_are_checked_before_sending() {
    let emu = emulator_with(json!({}));
    let bot = Bot::new(client(&emu, "3.2"), BotIdentity::new("b1")).unwrap();
    let before = emu.requests().len();
    assert_eq!(bot.set_routing_status("busy").unwrap_err().code, ErrorCode::Validation);
    let e = bot.send_message("C1", &"x".repeat(16 * 1024 + 1)).unwrap_err();
    assert!(e.message.contains("16384"), "{e}");
    assert_eq!(emu.requests().len(), before, "nothing was sent");
    let e = Bot::new(client(&emu, "3.1"), BotIdentity::new("b1")).unwrap().list_routing_statuses(None).unwrap_err();
    assert!(e.message.contains("from v3.2"), "{e}");
}
