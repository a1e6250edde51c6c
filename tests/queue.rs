//! The completion queue from Rust: calls submitted with a tag run on the
//! I/O thread through the blocking calls' implementation and are drained
//! by tag, by `next` or when the queue's fd turns readable.

mod common;
use common::*;
use livechat_bots::{Bot, BotIdentity, CallOptions, CancelToken, Client, Completion, ErrorCode, Outcome, Queue};
use serde_json::json;
use std::collections::HashSet;
use std::os::fd::AsRawFd;
use std::sync::Arc;
use std::time::Duration;

fn drain(queue: &Queue, n: usize) -> Vec<Completion> {
    (0..n).map(|i| queue.next(Some(Duration::from_secs(20))).unwrap_or_else(|| panic!("completion {i} never came"))).collect()
}

fn readable(queue: &Queue, timeout_ms: i32) -> bool {
    let mut fd = libc::pollfd { fd: queue.fd().as_raw_fd(), events: libc::POLLIN, revents: 0 };
    // SAFETY: one valid pollfd.
    unsafe { libc::poll(&mut fd, 1, timeout_ms) == 1 }
}

#[test]
fn many_calls_complete_once_each_by_tag() {
    let emu = emulator();
    emu.inject_json(&json!({"action": "get_bot_agents", "delay_ms": 100, "times": 50}).to_string()).unwrap();
    let client = Arc::new(client(&emu, json!({})));
    let queue = Queue::new().unwrap();
    assert!(queue.next(Some(Duration::ZERO)).is_none(), "nothing in flight: none at once");
    for tag in 0..50 {
        queue.submit_client(tag, &client, "get_bot_agents", "{}", CallOptions::default()).unwrap();
    }
    assert_eq!(queue.in_flight(), 50);
    assert!(!readable(&queue, 0), "readable before any call ended");
    assert!(readable(&queue, 20_000));
    let tags: HashSet<u64> = drain(&queue, 50).into_iter().map(|c| {
        assert_eq!(c.result.as_deref().unwrap(), r#"{"bot_agents":[]}"#);
        c.tag
    }).collect();
    assert_eq!(tags, (0..50).collect());
    assert!(!readable(&queue, 0), "readable with nothing waiting");
    assert_eq!(queue.in_flight(), 0);
}

#[test]
fn the_answer_and_the_errors_are_the_blocking_calls() {
    let emu = emulator();
    let client = Arc::new(client(&emu, json!({})));
    let queue = Queue::new().unwrap();
    for (operation, request) in [
        ("get_bot_agent_details", r#"{"bot_agent_id": 42}"#),
        ("create_bot_agent", r#"{"name": "Q", "status": "offline"}"#),
        ("issue_bot_token", r#"{"bot_id": "b"}"#),
        ("call:get_bot_agents", r#"{}"#),
    ] {
        queue.submit_client(1, &client, operation, request, CallOptions::default()).unwrap();
        let queued = drain(&queue, 1).remove(0).result;
        let request_doc: serde_json::Value = serde_json::from_str(request).unwrap();
        let blocking = match operation.strip_prefix("call:") {
            Some(action) => client.call_json(action, request),
            None if operation == "issue_bot_token" => {
                client.execute_admin_json_with(livechat_bots::AdminAction::IssueBotToken, request, &CallOptions::default())
            }
            None => {
                let action = livechat_bots::Action::ALL.into_iter().find(|a| a.name() == operation).unwrap();
                client.execute_json(action, &request_doc.to_string())
            }
        };
        match (queued, blocking) {
            (Ok(a), Ok(b)) if operation == "create_bot_agent" => assert_eq!(a.len() > 0, b.len() > 0),
            (Ok(a), Ok(b)) => assert_eq!(a, b, "{operation}"),
            (Err(a), Err(b)) => assert_eq!(a.to_document(), b.to_document(), "{operation}"),
            (a, b) => panic!("{operation}: queued {a:?}, blocking {b:?}"),
        }
    }
    // Refused at submit: nothing queued.
    let e = queue.submit_client(1, &client, "get_bots", "{}", CallOptions::default()).unwrap_err();
    assert!(e.message.starts_with("operation: expected one of create_bot_agent"), "{}", e.message);
    let e = queue.submit_client(1, &client, "get_bot_agents", "{", CallOptions::default()).unwrap_err();
    assert_eq!(e.code, ErrorCode::InvalidJson);
    assert_eq!(queue.in_flight(), 0);
}

#[test]
fn cancel_deadline_and_a_dropped_queue() {
    let emu = emulator();
    let client = Arc::new(client(&emu, json!({"retry": {"max_attempts": 1}})));
    let queue = Queue::new().unwrap();
    emu.inject_json(&json!({"action": "create_bot_agent", "delay_ms": 10000}).to_string()).unwrap();
    let token = CancelToken::new();
    let options = CallOptions { cancel: Some(token.clone()), ..CallOptions::default() };
    queue.submit_client(7, &client, "create_bot_agent", r#"{"name": "Held", "status": "offline"}"#, options).unwrap();
    wait_until(20, "the write reaches the emulator", || emu.faults_json().contains("\"pending_faults\":0"));
    token.cancel();
    let done = drain(&queue, 1).remove(0);
    let e = done.result.unwrap_err();
    assert_eq!((done.tag, e.code, e.outcome), (7, ErrorCode::Cancelled, Some(Outcome::Unknown)));

    emu.inject_json(&json!({"action": "get_bot_agents", "delay_ms": 10000}).to_string()).unwrap();
    let options = CallOptions { timeout: Some(Duration::from_millis(200)), ..CallOptions::default() };
    queue.submit_client(8, &client, "get_bot_agents", "{}", options).unwrap();
    assert_eq!(drain(&queue, 1).remove(0).result.unwrap_err().code, ErrorCode::Timeout);

    // Dropped with calls held in flight: they are cancelled and waited for.
    emu.inject_json(&json!({"action": "get_bot_agents", "delay_ms": 10000, "times": 4}).to_string()).unwrap();
    for tag in 0..4 {
        queue.submit_client(tag, &client, "get_bot_agents", "{}", CallOptions::default()).unwrap();
    }
    drop(queue);
    assert_eq!(Arc::strong_count(&client), 1, "the calls let go of the client");
}

#[test]
fn a_bot_through_the_queue() {
    let emu = emulator();
    let client = Arc::new(client(&emu, json!({"api_version": "3.5"})));
    let created = client.execute_json(livechat_bots::Action::CreateBotAgent, r#"{"name": "Q"}"#).unwrap();
    let id = serde_json::from_str::<serde_json::Value>(&created).unwrap()["bot_agent_id"].as_str().unwrap().to_owned();
    let bot = Arc::new(Bot::new(client.clone(), BotIdentity::new(id)).unwrap());
    let queue = Queue::new().unwrap();
    queue.submit_bot(1, &bot, "list_chats", "{}", CallOptions::default()).unwrap();
    queue.submit_bot(2, &bot, "call:list_chats", "{}", CallOptions::default()).unwrap();
    for done in drain(&queue, 2) {
        assert!(done.result.unwrap().contains("chats_summary"), "tag {}", done.tag);
    }
    let e = queue.submit_bot(3, &bot, "get_bot_agents", "{}", CallOptions::default()).unwrap_err();
    assert!(e.message.contains("set_routing_status"), "{}", e.message);
    let _: &Client = bot.client();
}
