//! The emulator delivers webhooks to bots: per-version bodies, filters,
//! retries, the delivery log, the duplicate-delivery fault and the
//! loopback-only rule. A tiny HTTP receiver on 127.0.0.1 records what came.

mod common;
use common::*;
use livechat_bots::{Emulator, Fault};
use serde_json::{json, Value};
use std::io::{Read, Write};
use std::sync::{Arc, Mutex};

/// A receiver that answers each request with the next planned status (200
/// when none is left) and keeps every JSON body. A status of 0 never answers.
struct Receiver {
    url: String,
    bodies: Arc<Mutex<Vec<Value>>>,
}

impl Receiver {
    fn start(statuses: Vec<u16>) -> Receiver {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://{}/hooks", listener.local_addr().unwrap());
        let bodies = Arc::new(Mutex::new(Vec::new()));
        let (kept, plan) = (bodies.clone(), Arc::new(Mutex::new(statuses.into_iter())));
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(mut stream) = stream else { continue };
                let (kept, plan) = (kept.clone(), plan.clone());
                std::thread::spawn(move || {
                    let Some(body) = read_request(&mut stream) else { return };
                    kept.lock().unwrap().push(serde_json::from_slice(&body).unwrap_or(Value::Null));
                    let status = plan.lock().unwrap().next().unwrap_or(200);
                    if status == 0 {
                        std::thread::sleep(std::time::Duration::from_secs(5));
                        return;
                    }
                    let _ = write!(stream, "HTTP/1.1 {status} X\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
                });
            }
        });
        Receiver { url, bodies }
    }

    fn bodies(&self) -> Vec<Value> {
        self.bodies.lock().unwrap().clone()
    }

    fn actions(&self) -> Vec<String> {
        self.bodies().iter().map(|b| b["action"].as_str().unwrap_or_default().to_owned()).collect()
    }
}

fn read_request(stream: &mut std::net::TcpStream) -> Option<Vec<u8>> {
    let mut data = Vec::new();
    let mut buf = [0u8; 4096];
    loop {
        if let Some(end) = data.windows(4).position(|w| w == b"\r\n\r\n") {
            let head = String::from_utf8_lossy(&data[..end]).to_ascii_lowercase();
            let length: usize = head.lines().find_map(|l| l.strip_prefix("content-length:")).map(|v| v.trim().parse().unwrap_or(0)).unwrap_or(0);
            while data.len() < end + 4 + length {
                let n = stream.read(&mut buf).ok()?;
                if n == 0 {
                    return None;
                }
                data.extend_from_slice(&buf[..n]);
            }
            return Some(data[end + 4..end + 4 + length].to_vec());
        }
        let n = stream.read(&mut buf).ok()?;
        if n == 0 {
            return None;
        }
        data.extend_from_slice(&buf[..n]);
    }
}

fn raw(emu: &Emulator, path: &str, headers: &[(&str, &str)], body: &Value) -> (u16, Value) {
    let http = reqwest::blocking::Client::new();
    let mut req = http.post(format!("{}{path}", emu.url())).header("Authorization", "Bearer dev-token").body(body.to_string());
    for (k, v) in headers {
        req = req.header(*k, *v);
    }
    let resp = req.send().unwrap();
    let status = resp.status().as_u16();
    (status, serde_json::from_str(&resp.text().unwrap()).unwrap_or(Value::Null))
}

fn register(emu: &Emulator, url: &str, action: &str, filters: Value) -> String {
    let mut hook = json!({ "action": action, "secret_key": "receiver-key", "url": url, "type": "bot", "owner_client_id": "dev-client", "additional_data": ["chat_presence_user_ids"] });
    if !filters.is_null() {
        hook["filters"] = filters;
    }
    let (s, body) = raw(emu, "/v3.6/configuration/action/register_webhook", &[], &hook);
    assert_eq!(s, 200, "{body}");
    body["id"].as_str().unwrap().to_owned()
}

fn fast(extra: Value) -> Emulator {
    let mut config = json!({ "webhook_backoff_ms": 10, "webhook_timeout_ms": 2000 });
    for (k, v) in extra.as_object().cloned().unwrap_or_default() {
        config[k] = v;
    }
    emulator_with(config)
}

fn online_bot(emu: &Emulator) -> String {
    let (s, created) = raw(emu, "/v3.6/configuration/action/create_bot", &[], &json!({ "name": "Hooked", "groups": [{ "id": 1, "priority": "normal" }] }));
    assert_eq!(s, 200);
    let id = created["id"].as_str().unwrap().to_owned();
    let (s, _) = raw(emu, "/v3.6/agent/action/set_routing_status", &[], &json!({ "agent_id": id, "status": "accepting_chats" }));
    assert_eq!(s, 200);
    id
}

#[test]
fn v3_6_bot_webhooks_tell_the_bot_what_happens() {
    let emu = fast(json!({}));
    let rx = Receiver::start(vec![]);
    let hooks: Vec<String> = ["routing_status_set", "incoming_chat", "chat_deactivated"].iter().map(|a| register(&emu, &rx.url, a, Value::Null)).collect();
    register(&emu, &rx.url, "incoming_event", json!({ "author_type": "customer" }));
    let bot = online_bot(&emu);
    wait_until(10, "routing_status_set", || rx.actions() == ["routing_status_set"]);
    let status = &rx.bodies()[0];
    assert_eq!(status["payload"], json!({ "agent_id": bot, "status": "accepting chats" }));
    assert_eq!((status["webhook_id"].as_str(), status["secret_key"].as_str()), (Some(hooks[0].as_str()), Some("receiver-key")));
    assert_eq!(status["organization_id"], json!(emu.organization_id()));

    let chat = emu.start_chat(&json!({ "group_id": 1, "text": "hello" })).unwrap();
    wait_until(10, "incoming_chat", || rx.actions().len() == 2);
    let incoming = &rx.bodies()[1];
    let mut keys: Vec<&String> = incoming.as_object().unwrap().keys().collect();
    keys.sort();
    let want = fixture("webhooks/v3.6/incoming_chat.json");
    let mut want_keys: Vec<&String> = want.as_object().unwrap().keys().collect();
    want_keys.sort();
    assert_eq!(keys, want_keys, "the top level of a v3.6 body");
    assert_eq!(incoming["payload"]["chat"]["id"], chat["chat_id"]);
    assert_eq!(incoming["payload"]["chat"]["thread"]["events"][0]["text"], "hello");
    assert_eq!(incoming["additional_data"]["chat_presence_user_ids"], json!([chat["customer_id"], bot]));

    // The customer's messages wake the bot; its own do not (author_type filter).
    emu.send_message(&json!({ "chat_id": chat["chat_id"], "text": "where is my order?" })).unwrap();
    let (s, _) = raw(&emu, "/v3.4/agent/action/send_event", &[("X-Author-Id", &bot)], &json!({ "chat_id": chat["chat_id"], "event": { "type": "message", "text": "x" } }));
    assert_eq!(s, 200);
    wait_until(10, "incoming_event", || rx.actions().len() == 3);
    let event = &rx.bodies()[2];
    assert_eq!((event["action"].as_str(), event["payload"]["event"]["text"].as_str()), (Some("incoming_event"), Some("where is my order?")));
    assert_eq!(event["payload"]["event"]["visibility"], "all");
    emu.close_chat(&json!({ "chat_id": chat["chat_id"] })).unwrap();
    wait_until(10, "chat_deactivated", || rx.actions().len() == 4);
    assert_eq!(rx.bodies()[3]["payload"]["user_id"], chat["customer_id"]);

    let log = emu.deliveries();
    assert_eq!(log.len(), 4);
    assert!(log.iter().all(|d| d["state"] == "delivered" && d["tries"].as_array().unwrap().len() == 1 && d["body"]["secret_key"] == "[redacted]"), "{log:?}");
    assert!(!emu.deliveries_json().contains("receiver-key"));
}

#[test]
fn v3_0_config_webhooks_use_the_old_names_and_data() {
    let emu = fast(json!({}));
    let rx = Receiver::start(vec![]);
    let bot = json!({ "name": "Old", "status": "accepting chats", "groups": [{ "id": 1, "priority": "first" }],
        "webhooks": { "url": rx.url, "secret_key": "old-key", "actions": [
            { "name": "incoming_chat_thread" }, { "name": "incoming_event", "filters": { "author_type": "customer" } }, { "name": "thread_closed" } ] } });
    let (s, created) = raw(&emu, "/v3.0/configuration/action/create_bot_agent", &[], &json!({ "payload": bot }));
    assert_eq!(s, 200, "{created}");
    let bot_id = created["bot_agent_id"].as_str().unwrap().to_owned();
    let chat = emu.start_chat(&json!({ "group_id": 1, "text": "hi" })).unwrap();
    assert_eq!(chat["bot_id"], json!(bot_id));
    emu.send_message(&json!({ "chat_id": chat["chat_id"], "text": "more" })).unwrap();
    let (s, _) = raw(&emu, "/v3.0/agent/action/send_event", &[], &json!({ "payload": { "chat_id": chat["chat_id"], "event": { "type": "message", "text": "answer", "recipients": "all" } }, "author_id": bot_id }));
    assert_eq!(s, 200);
    let (s, _) = raw(&emu, "/v3.0/agent/action/close_thread", &[], &json!({ "payload": { "chat_id": chat["chat_id"] }, "author_id": bot_id }));
    assert_eq!(s, 200);
    wait_until(10, "three deliveries", || rx.bodies().len() == 3);
    let mut bodies = rx.bodies();
    bodies.sort_by_key(|b| b["action"].as_str().unwrap_or_default().to_owned());
    let actions: Vec<&str> = bodies.iter().map(|b| b["action"].as_str().unwrap()).collect();
    assert_eq!(actions, ["incoming_chat_thread", "incoming_event", "thread_closed"]);
    for b in &bodies {
        assert!(b.get("payload").is_none() && b.get("data").is_some() && b.get("license_id").is_none(), "{b}");
        assert_eq!(b["secret_key"], "old-key");
    }
    assert_eq!(bodies[1]["data"]["event"]["recipients"], "all");
    assert_eq!(bodies[1]["data"]["event"]["text"], "more");
    assert_eq!(bodies[2]["data"]["user_id"], json!(bot_id));
}

#[test]
fn failures_are_retried_then_dropped_and_faults_deliver_twice() {
    let emu = fast(json!({ "webhook_tries": 3 }));
    let rx = Receiver::start(vec![500, 200, 503, 503, 503]);
    register(&emu, &rx.url, "incoming_event", Value::Null);
    let _bot = online_bot(&emu);
    let chat = emu.start_chat(&json!({ "group_id": 1 })).unwrap();
    emu.send_message(&json!({ "chat_id": chat["chat_id"], "text": "one" })).unwrap();
    wait_until(10, "a retried delivery", || emu.deliveries().first().is_some_and(|d| d["state"] == "delivered"));
    let tries: Vec<Value> = emu.deliveries()[0]["tries"].as_array().unwrap().iter().map(|t| t["status"].clone()).collect();
    assert_eq!(tries, [json!(500), json!(200)]);
    emu.send_message(&json!({ "chat_id": chat["chat_id"], "text": "two" })).unwrap();
    wait_until(10, "a dropped delivery", || emu.deliveries().get(1).is_some_and(|d| d["state"] == "failed"));
    assert_eq!(emu.deliveries()[1]["tries"].as_array().unwrap().len(), 3);

    // A duplicate_delivery fault sends the next one twice, same body.
    emu.inject(Fault::from_json(r#"{"action": "incoming_event", "duplicate_delivery": true}"#).unwrap());
    assert!(Fault::from_json(r#"{"duplicate_delivery": true, "status": 500}"#).is_err());
    emu.send_message(&json!({ "chat_id": chat["chat_id"], "text": "three" })).unwrap();
    wait_until(10, "two deliveries of one event", || rx.bodies().iter().filter(|b| b["payload"]["event"]["text"] == "three").count() == 2);
    let threes: Vec<Value> = rx.bodies().into_iter().filter(|b| b["payload"]["event"]["text"] == "three").collect();
    assert_eq!(threes[0], threes[1]);
    wait_until(10, "the duplicate logged", || emu.deliveries().iter().any(|d| d["duplicate"] == true && d["state"] == "delivered"));
    assert_eq!(emu.pending_faults(), 0);
    // API calls never took the delivery fault.
    assert!(emu.requests().iter().all(|r| r["fault"].is_null()));
}

#[test]
fn a_delivery_is_pending_in_the_log_from_the_moment_it_is_planned() {
    // The first delivery stalls its receiver's queue; the ones behind it wait,
    // and a test polling "until nothing is pending" must still see them.
    let emu = fast(json!({ "webhook_tries": 1, "webhook_timeout_ms": 300 }));
    let rx = Receiver::start(vec![0]);
    register(&emu, &rx.url, "incoming_event", Value::Null);
    let _bot = online_bot(&emu);
    let chat = emu.start_chat(&json!({ "group_id": 1 })).unwrap();
    emu.send_message(&json!({ "chat_id": chat["chat_id"], "text": "stalls" })).unwrap();
    emu.send_message(&json!({ "chat_id": chat["chat_id"], "text": "waits" })).unwrap();
    emu.inject(Fault::from_json(r#"{"action": "incoming_event", "duplicate_delivery": true}"#).unwrap());
    emu.send_message(&json!({ "chat_id": chat["chat_id"], "text": "twice" })).unwrap();
    let log = emu.deliveries();
    let states: Vec<(&str, bool)> = log.iter().map(|d| (d["state"].as_str().unwrap(), d["duplicate"] == true)).collect();
    assert_eq!(states, [("pending", false), ("pending", false), ("pending", false), ("pending", true)]);
    wait_until(10, "all settled", || emu.deliveries().iter().all(|d| d["state"] != "pending"));
    let states: Vec<Value> = emu.deliveries().iter().map(|d| d["state"].clone()).collect();
    assert_eq!(states, ["failed", "delivered", "delivered", "delivered"]);
}

#[test]
fn slow_receivers_time_out_and_only_loopback_is_allowed() {
    let emu = fast(json!({ "webhook_tries": 2, "webhook_timeout_ms": 100 }));
    let slow = Receiver::start(vec![0, 0]);
    register(&emu, &slow.url, "incoming_chat", Value::Null);
    register(&emu, "http://192.0.2.1/hooks", "incoming_chat", Value::Null);
    let _bot = online_bot(&emu);
    let started = std::time::Instant::now();
    emu.start_chat(&json!({ "group_id": 1 })).unwrap();
    assert!(started.elapsed() < std::time::Duration::from_millis(100), "a slow receiver never blocks a call");
    wait_until(10, "both deliveries settled", || emu.deliveries().iter().all(|d| d["state"] != "pending") && emu.deliveries().len() == 2);
    let log = emu.deliveries();
    let timed_out = log.iter().find(|d| d["url"] == json!(slow.url)).unwrap();
    assert_eq!(timed_out["state"], "failed");
    assert!(timed_out["tries"].as_array().unwrap().iter().all(|t| t["error"] == "timeout"), "{timed_out}");
    let remote = log.iter().find(|d| d["url"] == "http://192.0.2.1/hooks").unwrap();
    assert_eq!((remote["state"].as_str(), remote["tries"].as_array().unwrap().len()), (Some("refused"), 0));
}

#[test]
fn offline_bots_get_no_chat_webhooks() {
    let emu = fast(json!({}));
    let rx = Receiver::start(vec![]);
    register(&emu, &rx.url, "incoming_event", Value::Null);
    let bot = online_bot(&emu);
    let chat = emu.start_chat(&json!({ "group_id": 1 })).unwrap();
    let (s, _) = raw(&emu, "/v3.6/agent/action/set_routing_status", &[], &json!({ "agent_id": bot, "status": "offline" }));
    assert_eq!(s, 200);
    emu.send_message(&json!({ "chat_id": chat["chat_id"], "text": "anyone?" })).unwrap();
    // A marker delivery after it proves the first was never planned.
    register(&emu, &rx.url, "routing_status_set", Value::Null);
    let (s, _) = raw(&emu, "/v3.6/agent/action/set_routing_status", &[], &json!({ "agent_id": bot, "status": "accepting_chats" }));
    assert_eq!(s, 200);
    wait_until(10, "the marker", || rx.actions().contains(&"routing_status_set".to_owned()));
    assert_eq!(rx.actions(), ["routing_status_set"]);
}

#[test]
fn transfers_tell_both_sides() {
    let emu = fast(json!({}));
    let rx = Receiver::start(vec![]);
    register(&emu, &rx.url, "chat_transferred", Value::Null);
    let a = online_bot(&emu);
    let (_, created) = raw(&emu, "/v3.6/configuration/action/create_bot", &[], &json!({ "name": "B", "groups": [{ "id": 2, "priority": "normal" }] }));
    let b = created["id"].as_str().unwrap().to_owned();
    raw(&emu, "/v3.6/agent/action/set_routing_status", &[], &json!({ "agent_id": b, "status": "accepting_chats" }));
    let chat = emu.start_chat(&json!({ "group_id": 1 })).unwrap();
    register(&emu, &rx.url, "incoming_chat", Value::Null);
    let (s, _) = raw(&emu, "/v3.4/agent/action/transfer_chat", &[("X-Author-Id", &a)], &json!({ "id": chat["chat_id"], "target": { "type": "group", "ids": [2] } }));
    assert_eq!(s, 200);
    wait_until(10, "two deliveries", || rx.bodies().len() == 2);
    let bodies = rx.bodies();
    let transferred = bodies.iter().find(|b| b["action"] == "chat_transferred").expect("chat_transferred, once for the client's webhook");
    assert_eq!(transferred["payload"]["requester_id"], json!(a));
    assert_eq!(transferred["payload"]["transferred_to"], json!({ "group_ids": [2] }));
    let incoming = bodies.iter().find(|b| b["action"] == "incoming_chat").unwrap();
    assert_eq!(incoming["payload"]["chat"]["access"], json!({ "group_ids": [2] }));
}

#[test]
fn v3_1_and_v3_2_config_webhooks_speak_their_version() {
    let emu = fast(json!({}));
    let rx = Receiver::start(vec![]);
    let config = |name: &str| json!({ "url": rx.url, "secret_key": "k", "actions": [{ "name": name }] });
    let (s, v31) = raw(&emu, "/v3.1/configuration/action/create_bot_agent", &[], &json!({ "name": "V31", "status": "offline", "webhooks": config("agent_status_changed") }));
    assert_eq!(s, 200, "{v31}");
    let (s, v32) = raw(&emu, "/v3.2/configuration/action/create_bot", &[], &json!({ "name": "V32", "webhooks": config("routing_status_set") }));
    assert_eq!(s, 200, "{v32}");
    for created in [&v31, &v32] {
        let (s, _) = raw(&emu, "/v3.1/configuration/action/update_bot_agent", &[], &json!({ "id": created["bot_agent_id"], "status": "accepting chats" }));
        assert_eq!(s, 200);
    }
    wait_until(10, "two status deliveries", || rx.bodies().len() == 2);
    let bodies = rx.bodies();
    let old = bodies.iter().find(|b| b["action"] == "agent_status_changed").expect("the v3.1 name");
    assert!(old.get("license_id").is_none() && old["payload"]["agent_id"] == v31["bot_agent_id"], "{old}");
    let new = bodies.iter().find(|b| b["action"] == "routing_status_set").expect("the v3.2 name");
    assert_eq!((new["license_id"].is_u64(), &new["payload"]["status"]), (true, &json!("accepting chats")), "{new}");
}

#[test]
fn a_lost_answer_is_retried_and_one_receiver_hears_in_order() {
    let emu = fast(json!({ "log_limit": 4 }));
    let rx = Receiver::start(vec![]);
    register(&emu, &rx.url, "incoming_event", json!({ "author_type": "customer" }));
    let _bot = online_bot(&emu);
    let chat = emu.start_chat(&json!({ "group_id": 1 })).unwrap();
    emu.inject(Fault::from_json(r#"{"action": "incoming_event", "lost_answer": true}"#).unwrap());
    assert!(Fault::from_json(r#"{"lost_answer": true, "delay_ms": 5}"#).is_err());
    let texts = ["one", "two", "three", "four", "five", "six"];
    for text in texts {
        emu.send_message(&json!({ "chat_id": chat["chat_id"], "text": text })).unwrap();
    }
    let heard = || rx.bodies().iter().map(|b| b["payload"]["event"]["text"].as_str().unwrap_or("").to_owned()).collect::<Vec<_>>();
    // The first delivery's answer was lost: the receiver hears it again.
    wait_until(10, "every message delivered", || heard().len() == texts.len() + 1);
    assert_eq!(heard(), ["one", "one", "two", "three", "four", "five", "six"], "in the order written");
    let doc: Value = serde_json::from_str(&emu.deliveries_json()).unwrap();
    // The log keeps the newest log_limit deliveries; the counts are of those.
    assert_eq!(doc["deliveries"].as_array().unwrap().len(), 4);
    assert_eq!(doc["deliveries"][0]["seq"], 3);
    assert_eq!((doc["delivered"].as_u64(), doc["retried"].as_u64(), doc["failed"].as_u64()), (Some(4), Some(0), Some(0)));
}

#[test]
fn the_counts_show_a_retry() {
    let emu = fast(json!({}));
    let rx = Receiver::start(vec![]);
    register(&emu, &rx.url, "incoming_event", Value::Null);
    let _bot = online_bot(&emu);
    let chat = emu.start_chat(&json!({ "group_id": 1 })).unwrap();
    emu.inject(Fault::from_json(r#"{"action": "incoming_event", "lost_answer": true}"#).unwrap());
    emu.send_message(&json!({ "chat_id": chat["chat_id"], "text": "hi" })).unwrap();
    wait_until(10, "the retried delivery", || emu.deliveries().iter().any(|d| d["state"] == "delivered"));
    let doc: Value = serde_json::from_str(&emu.deliveries_json()).unwrap();
    assert_eq!((doc["delivered"].as_u64(), doc["retried"].as_u64()), (Some(1), Some(1)), "{doc}");
    let tries = doc["deliveries"][0]["tries"].as_array().unwrap();
    assert!(tries[0]["error"].as_str().unwrap().contains("lost"), "{doc}");
    assert_eq!(tries[0]["status"], 200, "the receiver did answer");
}
