//! Many clients and many threads on one emulator: no bot and no answer is
//! lost, and one client shared by threads works as well as one each.

mod common;
use common::*;
use livechat_bots::{CreateBotAgent, Status, UpdateBotAgent};
use serde_json::json;
use std::collections::BTreeSet;
use std::sync::Arc;

const THREADS: usize = 8;
const BOTS_PER_THREAD: usize = 40;

#[test]
fn many_threads_sharing_one_client_lose_nothing() {
    let emu = emulator();
    let c = Arc::new(client(&emu, json!({})));
    let handles: Vec<_> = (0..THREADS)
        .map(|t| {
            let c = c.clone();
            std::thread::spawn(move || {
                let mut kept = Vec::new();
                for i in 0..BOTS_PER_THREAD {
                    let id = c.create_bot_agent(&CreateBotAgent::new(format!("t{t}-{i}"), Status::Offline)).unwrap().bot_agent_id;
                    let mut up = UpdateBotAgent::new(&id);
                    up.max_chats_count = Some(i as u32);
                    c.update_bot_agent(&up).unwrap();
                    let d = c.get_bot_agent_details(&id).unwrap();
                    assert_eq!((d.name, d.max_chats_count), (format!("t{t}-{i}"), Some(i as u32)));
                    if i % 2 == 0 {
                        c.remove_bot_agent(&id).unwrap();
                    } else {
                        kept.push(id);
                    }
                }
                kept
            })
        })
        .collect();
    let kept: BTreeSet<String> = handles.into_iter().flat_map(|h| h.join().unwrap()).collect();
    let listed: BTreeSet<String> = c.get_bot_agents(true).unwrap().into_iter().map(|b| b.id).collect();
    assert_eq!(kept.len(), THREADS * BOTS_PER_THREAD / 2);
    assert_eq!(listed, kept, "the emulator holds exactly the bots the threads kept");
    let answered = emu.requests().iter().filter(|r| r["status"] == 200).count();
    assert_eq!(answered, THREADS * BOTS_PER_THREAD * 4 - THREADS * BOTS_PER_THREAD / 2 + 1);
}

#[test]
fn many_clients_with_their_own_tokens_see_their_own_bots() {
    let tokens: Vec<_> = (0..THREADS)
        .map(|t| json!({"token": format!("tok-{t}"), "client_id": format!("app-{t}"), "scopes": ["agents-bot--my:rw"]}))
        .collect();
    let emu = Arc::new(emulator_with(json!({ "tokens": tokens })));
    let handles: Vec<_> = (0..THREADS)
        .map(|t| {
            let emu = emu.clone();
            std::thread::spawn(move || {
                let c = client(&emu, json!({ "token": format!("tok-{t}") }));
                for i in 0..BOTS_PER_THREAD {
                    c.create_bot_agent(&CreateBotAgent::new(format!("b{i}"), Status::Offline)).unwrap();
                }
                let mine = c.get_bot_agents(false).unwrap();
                assert_eq!(mine.len(), BOTS_PER_THREAD, "all: false shows only this client's bots");
            })
        })
        .collect();
    for h in handles {
        h.join().unwrap();
    }
    assert_eq!(emu.bots().len(), THREADS * BOTS_PER_THREAD);
}
