//! The emulator's web console: its page, and its JSON endpoints under
//! `/_emulator/`, which answer the same documents as the emulator's calls
//! (secrets masked), play the customer, make bots by hand, add and clear
//! faults, and refuse other hosts and other sites.

mod c_abi;
mod common;
use common::*;
use livechat_bots::Emulator;
use serde_json::{json, Value};

fn http() -> reqwest::blocking::Client {
    reqwest::blocking::Client::new()
}

/// GET a console path: status, content type, body text.
fn get_raw(emu: &Emulator, path: &str) -> (u16, String, String) {
    let resp = http().get(format!("{}{path}", emu.url())).send().expect("request");
    let status = resp.status().as_u16();
    let kind = resp.headers().get("content-type").map(|v| v.to_str().unwrap().to_owned()).unwrap_or_default();
    (status, kind, resp.text().expect("body"))
}

fn get(emu: &Emulator, path: &str) -> Value {
    let (status, kind, text) = get_raw(emu, path);
    assert_eq!((status, kind.as_str()), (200, "application/json"), "{path}: {text}");
    serde_json::from_str(&text).expect("JSON")
}

/// POST a console write as the page does.
fn write(emu: &Emulator, path: &str, body: Value) -> (u16, Value) {
    let resp = http()
        .post(format!("{}{path}", emu.url()))
        .header("Content-Type", "application/json")
        .header("Origin", emu.url())
        .body(body.to_string())
        .send()
        .expect("request");
    let status = resp.status().as_u16();
    (status, serde_json::from_str(&resp.text().unwrap()).unwrap())
}

fn echo_bot() -> Value {
    json!({ "name": "Echo", "status": "accepting chats", "max_chats_count": 2, "groups": [{ "id": 0, "priority": "first" }],
            "webhooks": { "url": "http://127.0.0.1:9/hook", "secret_key": "seeded-webhook-secret", "actions": [{ "name": "incoming_event" }] } })
}

#[test]
fn the_page_is_served_at_the_root_with_nothing_from_elsewhere() {
    let emu = emulator();
    assert_eq!(emu.console_url(), format!("{}/", emu.url()));
    let (status, kind, html) = get_raw(&emu, "/");
    assert_eq!((status, kind.as_str()), (200, "text/html; charset=utf-8"));
    assert!(html.contains("/_emulator/console.js") && html.contains("/_emulator/console.css"), "{html}");
    let (_, js_kind, js) = get_raw(&emu, "/_emulator/console.js");
    let (_, css_kind, css) = get_raw(&emu, "/_emulator/console.css");
    assert_eq!((js_kind.as_str(), css_kind.as_str()), ("text/javascript; charset=utf-8", "text/css; charset=utf-8"));
    for text in [&html, &js, &css] {
        for external in ["http://", "https://", "@import", "url(", "innerHTML", "eval("] {
            assert!(!text.contains(external), "{external} in the console's files");
        }
    }
    let resp = http().get(emu.console_url()).send().unwrap();
    let csp = resp.headers()["content-security-policy"].to_str().unwrap().to_owned();
    assert!(csp.contains("default-src 'none'") && csp.contains("script-src 'self'"), "{csp}");
    // Console requests are not the API's: never in the request log.
    assert!(emu.requests().is_empty(), "{:?}", emu.requests());
}

#[test]
fn endpoints_answer_the_emulator_calls_documents() {
    let emu = emulator_with(json!({ "bots": [{ "name": "Plain", "status": "accepting chats", "groups": [{ "id": 0, "priority": "normal" }] }] }));
    emu.start_chat(&json!({ "text": "hello" })).unwrap();
    let (status, _) = post(&emu, "/v3.6/configuration/action/list_bots", Some("dev-token"), "{}");
    assert_eq!(status, 200);
    emu.inject_json(r#"{"action": "list_bots", "status": 503, "times": 2}"#).unwrap();

    assert_eq!(get(&emu, "/_emulator/chats"), emu.chats());
    assert_eq!(get(&emu, "/_emulator/requests"), serde_json::from_str::<Value>(&emu.requests_json()).unwrap());
    assert_eq!(get(&emu, "/_emulator/faults"), serde_json::from_str::<Value>(&emu.faults_json()).unwrap());
    let bots = get(&emu, "/_emulator/bots");
    assert_eq!(bots["bots"], json!(emu.bots()));
    assert_eq!(bots["webhooks"], json!(emu.webhooks()));
    assert_eq!(bots["clients"], json!(["dev-client"]));
    let bot_id = emu.bots()[0]["id"].as_str().unwrap().to_owned();
    assert_eq!(bots["chats_in_progress"], json!({ bot_id: 1 }));
    assert_eq!(emu.requests().len(), 1, "console reads are not logged");
}

/// `shown` is `raw` with some values replaced by `"[redacted]"`, and nothing else changed.
fn same_but_redacted(shown: &Value, raw: &Value) -> bool {
    match (shown, raw) {
        (Value::String(s), r) if s == "[redacted]" => !r.is_null(),
        (Value::Object(a), Value::Object(b)) => a.len() == b.len() && a.iter().all(|(k, v)| b.get(k).is_some_and(|w| same_but_redacted(v, w))),
        (Value::Array(a), Value::Array(b)) => a.len() == b.len() && a.iter().zip(b).all(|(v, w)| same_but_redacted(v, w)),
        (a, b) => a == b,
    }
}

#[test]
fn deliveries_answer_the_delivery_log_with_secrets_masked() {
    let (url, hits) = receiver();
    let mut bot = echo_bot();
    bot["webhooks"]["url"] = json!(url);
    let emu = emulator_with(json!({ "bots": [bot] }));
    let empty = get(&emu, "/_emulator/deliveries");
    assert_eq!(empty, serde_json::from_str::<Value>(&emu.deliveries_json()).unwrap());
    assert_eq!(empty["deliveries"], json!([]));
    let started = emu.start_chat(&json!({ "text": "hello" })).unwrap();
    emu.send_message(&json!({ "chat_id": started["chat_id"], "text": "again" })).unwrap();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    while hits.load(std::sync::atomic::Ordering::SeqCst) < 1 || emu.deliveries().iter().any(|d| d["state"] == "pending") {
        assert!(std::time::Instant::now() < deadline, "no delivery: {:?}", emu.deliveries());
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    let doc = get(&emu, "/_emulator/deliveries");
    let raw: Value = serde_json::from_str(&emu.deliveries_json()).unwrap();
    assert!(same_but_redacted(&doc, &raw), "the console's deliveries are not the log, redacted:\n{doc}\n{raw}");
    assert!(doc.to_string().contains(r#""secret_key":"[redacted]""#), "{doc}");
    let list = doc["deliveries"].as_array().unwrap();
    assert!(list.iter().any(|d| d["state"] == "delivered" && d["tries"][0]["status"] == 200), "{doc}");
    assert!(!doc.to_string().contains("seeded-webhook-secret"), "{doc}");
}

/// A webhook receiver answering 200, on a thread of its own; counts what it got.
fn receiver() -> (String, std::sync::Arc<std::sync::atomic::AtomicUsize>) {
    use std::io::{Read, Write};
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/hook", listener.local_addr().unwrap());
    let hits = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let counted = hits.clone();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            let mut seen = Vec::new();
            let mut buf = [0u8; 4096];
            // Reads the head, then the body its Content-Length announces.
            loop {
                let n = stream.read(&mut buf).unwrap_or(0);
                if n == 0 {
                    break;
                }
                seen.extend_from_slice(&buf[..n]);
                let text = String::from_utf8_lossy(&seen).to_string();
                if let Some(end) = text.find("\r\n\r\n") {
                    let length = text[..end]
                        .lines()
                        .find_map(|l| l.to_ascii_lowercase().strip_prefix("content-length:").map(|v| v.trim().parse::<usize>().unwrap_or(0)))
                        .unwrap_or(0);
                    if seen.len() >= end + 4 + length {
                        break;
                    }
                }
            }
            counted.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            let _ = stream.write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
        }
    });
    (url, hits)
}

#[test]
fn the_customer_starts_writes_and_leaves() {
    let emu = emulator_with(json!({ "bots": [echo_bot()] }));
    let (status, started) = write(&emu, "/_emulator/chats/start", json!({ "group_id": 0, "customer": { "name": "Ada" } }));
    assert_eq!(status, 200, "{started}");
    assert_eq!(started["state"], "assigned");
    let chat_id = started["chat_id"].as_str().unwrap().to_owned();
    let (status, sent) = write(&emu, "/_emulator/chats/send", json!({ "chat_id": chat_id, "text": "hi" }));
    assert_eq!(status, 200, "{sent}");
    let chat = &emu.chats()["chats"][0];
    assert_eq!(chat["transcript"][0]["text"], "hi");
    assert_eq!(chat["transcript"][0]["event_id"], sent["event_id"]);
    assert_eq!(write(&emu, "/_emulator/chats/close", json!({ "chat_id": chat_id })), (200, json!({})));
    assert_eq!(emu.chats()["chats"][0]["state"], "closed");

    let (status, err) = write(&emu, "/_emulator/chats/send", json!({ "chat_id": chat_id, "text": "again" }));
    assert_eq!(status, 400, "{err}");
    assert!(err["error"]["message"].as_str().unwrap().starts_with("chat_inactive"), "{err}");
    let (status, err) = write(&emu, "/_emulator/chats/send", json!({ "chat_id": "NOPE", "text": "x" }));
    assert_eq!((status, err["error"]["type"].as_str()), (404, Some("not_found")), "{err}");
    let (status, err) = write(&emu, "/_emulator/chats/start", json!({ "group_id": "zero" }));
    assert_eq!((status, err["error"]["type"].as_str()), (400, Some("validation")), "{err}");
}

#[test]
fn faults_are_added_listed_taken_and_cleared() {
    let emu = emulator();
    let (status, added) = write(&emu, "/_emulator/faults", json!({ "action": "list_bots", "status": 503, "times": 2 }));
    assert_eq!((status, added), (200, json!({ "pending_faults": 1 })));
    assert_eq!(get(&emu, "/_emulator/faults"), json!({ "pending_faults": 1, "faults": [{ "action": "list_bots", "times": 2, "status": 503 }] }));
    let (status, _) = post(&emu, "/v3.6/configuration/action/list_bots", Some("dev-token"), "{}");
    assert_eq!(status, 503);
    assert_eq!(get(&emu, "/_emulator/faults")["faults"][0]["times"], 1, "times counts down");

    write(&emu, "/_emulator/faults", json!({ "delay_ms": 10, "drop_connection": true, "retry_after_s": 3, "message": "m", "status": 500, "error_type": "internal" }));
    assert_eq!(
        emu.faults()[1],
        json!({ "times": 1, "status": 500, "error_type": "internal", "message": "m", "retry_after_s": 3, "delay_ms": 10, "drop_connection": true }),
        "a listed fault is a document inject takes"
    );
    assert_eq!(write(&emu, "/_emulator/faults/clear", json!({})), (200, json!({ "cleared": 2, "pending_faults": 0 })));
    assert_eq!(emu.pending_faults(), 0);
    let (status, _) = post(&emu, "/v3.6/configuration/action/list_bots", Some("dev-token"), "{}");
    assert_eq!(status, 200);

    let (status, err) = write(&emu, "/_emulator/faults", json!({ "action": "list_bots" }));
    assert_eq!(status, 400, "{err}");
    assert!(err["error"]["message"].as_str().unwrap().contains("at least one of"), "{err}");
}

#[test]
fn a_listed_fault_reads_back_as_the_same_fault() {
    use livechat_bots::Fault;
    for doc in [
        json!({ "action": "list_bots", "times": 3, "status": 503, "error_type": "internal", "message": "m", "retry_after_s": 2, "delay_ms": 7, "drop_connection": true }),
        json!({ "action": "incoming_event", "times": 1, "duplicate_delivery": true }),
        json!({ "action": "incoming_event", "times": 2, "lost_answer": true }),
    ] {
        let fault = Fault::from_value(&doc, "fault").unwrap();
        assert_eq!(fault.to_value(), doc);
        assert_eq!(Fault::from_value(&fault.to_value(), "fault").unwrap(), fault);
    }
}

#[test]
fn the_c_calls_list_and_clear_faults() {
    use c_abi::*;
    use std::ffi::{CStr, CString};
    use std::ptr;
    unsafe {
        let (mut emu, mut out) = (ptr::null_mut(), ptr::null_mut());
        assert_eq!(lcbot_emulator_start(ptr::null(), &mut emu, &mut out) as i32, 0);
        let fault = CString::new(r#"{"status": 429, "times": 3}"#).unwrap();
        lcbot_emulator_inject(emu, fault.as_ptr(), &mut out);
        lcbot_string_free(out);
        let read = |out: *mut std::os::raw::c_char| -> Value {
            let v = serde_json::from_str(CStr::from_ptr(out).to_str().unwrap()).unwrap();
            lcbot_string_free(out);
            v
        };
        assert_eq!(lcbot_emulator_faults(emu, &mut out) as i32, 0);
        assert_eq!(read(out), json!({ "pending_faults": 1, "faults": [{ "times": 3, "status": 429 }] }));
        assert_eq!(lcbot_emulator_clear_faults(emu, &mut out) as i32, 0);
        assert_eq!(read(out), json!({ "cleared": 1, "pending_faults": 0 }));
        assert_eq!(lcbot_emulator_faults(emu, &mut out) as i32, 0);
        assert_eq!(read(out), json!({ "pending_faults": 0, "faults": [] }));
        assert_ne!(lcbot_emulator_clear_faults(ptr::null(), &mut out) as i32, 0, "NULL emulator");
        lcbot_string_free(out);
        lcbot_emulator_stop(emu);
    }
}

#[test]
fn requests_narrow_by_seq_action_and_status() {
    let emu = emulator();
    emu.inject_json(r#"{"action": "get_bot", "status": 502}"#).unwrap();
    for path in ["/v3.6/configuration/action/list_bots", "/v3.6/configuration/action/get_bot", "/v3.6/configuration/action/list_bots"] {
        post(&emu, path, Some("dev-token"), r#"{"id": "x"}"#);
    }
    let seqs = |q: &str| -> Vec<u64> {
        get(&emu, &format!("/_emulator/requests{q}"))["requests"].as_array().unwrap().iter().map(|r| r["seq"].as_u64().unwrap()).collect()
    };
    assert_eq!(seqs(""), [1, 2, 3]);
    assert_eq!(seqs("?after=1"), [2, 3]);
    assert_eq!(seqs("?action=list_bots"), [1, 3]);
    assert_eq!(seqs("?status=5xx"), [2]);
    assert_eq!(seqs("?status=502&action=get_bot"), [2]);
    assert_eq!(seqs("?status=4xx"), [1, 3], "list_bots without `all` is a 400 here");
    assert_eq!(get(&emu, "/_emulator/requests?after=3")["requests"], json!([]));
}

#[test]
fn no_secret_is_shown() {
    let emu = emulator_with(json!({ "bots": [echo_bot()] }));
    let hook = json!({ "action": "incoming_event", "secret_key": "registered-webhook-secret", "url": "http://127.0.0.1:9/x",
                       "type": "bot", "owner_client_id": "dev-client" });
    let (status, _) = post(&emu, "/v3.6/configuration/action/register_webhook", Some("dev-token"), &hook.to_string());
    assert_eq!(status, 200);
    let (status, created) = post(&emu, "/v3.6/configuration/action/create_bot", Some("dev-token"), r#"{"name": "New"}"#);
    assert_eq!(status, 200);
    let bot_secret = created["secret"].as_str().expect("v3.6 answers the bot's secret").to_owned();
    let (_, by_hand) = write(&emu, "/_emulator/bots", json!({ "name": "By hand" }));
    assert_eq!(by_hand.as_object().unwrap().keys().collect::<Vec<_>>(), ["bot_agent_id"], "no bot_secret: {by_hand}");

    let bots = get(&emu, "/_emulator/bots");
    assert_eq!(bots["bots"][0]["webhooks"]["secret_key"], "[redacted]");
    assert_eq!(bots["webhooks"][0]["secret_key"], "[redacted]");
    for path in ["/", "/_emulator/bots", "/_emulator/chats", "/_emulator/requests", "/_emulator/deliveries", "/_emulator/faults"] {
        let (_, _, text) = get_raw(&emu, path);
        for secret in ["seeded-webhook-secret", "registered-webhook-secret", bot_secret.as_str(), "dev-token"] {
            assert!(!text.contains(secret), "{secret} shown at {path}");
        }
    }
}

#[test]
fn bots_are_made_and_changed_by_hand() {
    let emu = emulator();
    let queued = emu.start_chat(&json!({ "group_id": 5, "text": "anyone?" })).unwrap();
    assert_eq!(queued["state"], "queued");

    let (status, created) = write(
        &emu,
        "/_emulator/bots",
        json!({ "name": "Manual", "status": "offline", "max_chats_count": 1, "groups": [{ "id": 5, "priority": "first" }], "owner_client_id": "other-client" }),
    );
    assert_eq!(status, 200, "{created}");
    let id = created["bot_agent_id"].as_str().unwrap().to_owned();
    let bot = emu.bots().into_iter().find(|b| b["id"] == id.as_str()).unwrap();
    assert_eq!((bot["name"].as_str(), bot["application"]["client_id"].as_str()), (Some("Manual"), Some("other-client")));
    assert_eq!(emu.chats()["chats"][0]["state"], "queued", "an offline bot takes no chat");

    assert_eq!(write(&emu, "/_emulator/bots/update", json!({ "id": id, "status": "accepting chats" })), (200, json!({})));
    let chat = &emu.chats()["chats"][0];
    assert_eq!((chat["state"].as_str(), chat["bot_id"].as_str()), (Some("assigned"), Some(id.as_str())), "routed once the bot accepts");
    assert_eq!(get(&emu, "/_emulator/bots")["chats_in_progress"][&id], 1);

    let (_, plain) = write(&emu, "/_emulator/bots", json!({ "name": "Default owner" }));
    let plain_bot = emu.bots().into_iter().find(|b| b["id"] == plain["bot_agent_id"]).unwrap();
    assert_eq!(plain_bot["application"]["client_id"], "dev-client", "the first token's client by default");

    let (status, err) = write(&emu, "/_emulator/bots", json!({ "status": "offline" }));
    assert_eq!(status, 400);
    assert!(err["error"]["message"].as_str().unwrap().contains("name"), "{err}");
    let (status, err) = write(&emu, "/_emulator/bots", json!({ "name": "x", "max_chats_count": "many" }));
    assert_eq!(status, 400, "{err}");
    let (status, err) = write(&emu, "/_emulator/bots/update", json!({ "id": "nope", "name": "y" }));
    assert_eq!((status, err["error"]["type"].as_str()), (404, Some("not_found")), "{err}");
}

#[test]
fn a_bot_made_by_hand_gets_its_webhooks() {
    let (url, hits) = receiver();
    let emu = emulator();
    let queued = emu.start_chat(&json!({ "group_id": 3, "text": "waiting" })).unwrap();
    assert_eq!(queued["state"], "queued");
    let bot = json!({ "name": "Hooked", "status": "accepting chats", "groups": [{ "id": 3, "priority": "normal" }],
                      "webhooks": { "url": url, "secret_key": "hand-made-secret", "actions": [{ "name": "incoming_chat" }] } });
    let (status, created) = write(&emu, "/_emulator/bots", bot);
    assert_eq!(status, 200, "{created}");
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    while hits.load(std::sync::atomic::Ordering::SeqCst) < 1 {
        assert!(std::time::Instant::now() < deadline, "no delivery: {:?}", emu.deliveries());
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    let doc = get(&emu, "/_emulator/deliveries");
    assert_eq!(doc["deliveries"][0]["action"], "incoming_chat", "{doc}");
    assert_eq!(doc["deliveries"][0]["bot_id"], created["bot_agent_id"], "{doc}");
    assert!(!doc.to_string().contains("hand-made-secret"), "{doc}");
}

#[test]
fn other_hosts_sites_and_methods_are_refused() {
    let emu = emulator();
    let url = |p: &str| format!("{}{p}", emu.url());
    // DNS rebinding: a page whose name now points at 127.0.0.1.
    let resp = http().get(url("/_emulator/requests")).header("Host", "evil.example:80").send().unwrap();
    assert_eq!(resp.status(), 403);
    let resp = http().get(url("/")).header("Host", format!("localhost:{}", emu.url().rsplit(':').next().unwrap())).send().unwrap();
    assert_eq!(resp.status(), 200);
    // Another site's form (no JSON) or script (another Origin).
    let resp = http().post(url("/_emulator/faults")).header("Content-Type", "text/plain").body(r#"{"status":500}"#).send().unwrap();
    assert_eq!(resp.status(), 415);
    let resp = http()
        .post(url("/_emulator/faults"))
        .header("Content-Type", "application/json")
        .header("Origin", "http://evil.example")
        .body(r#"{"status":500}"#)
        .send()
        .unwrap();
    assert_eq!(resp.status(), 403);
    assert_eq!(emu.pending_faults(), 0);
    assert_eq!(http().put(url("/_emulator/faults")).send().unwrap().status(), 405);
    assert_eq!(http().get(url("/_emulator/nothing")).send().unwrap().status(), 404);
    assert_eq!(http().get(url("/_emulator/chats/start")).send().unwrap().status(), 404);
    let (status, _) = write(&emu, "/_emulator/bots/remove", json!({}));
    assert_eq!(status, 404);
    // The API keeps its paths and its log.
    let (status, _) = post(&emu, "/v3.6/configuration/action/list_bots", Some("dev-token"), "{}");
    assert_eq!(status, 200);
    assert_eq!(emu.requests().len(), 1);
}

#[test]
fn the_command_line_prints_the_console_url() {
    use std::io::{BufRead, BufReader};
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_livechat-bots"))
        .args(["emulator", "--port", "0"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut url = String::new();
    BufReader::new(child.stdout.take().unwrap()).read_line(&mut url).unwrap();
    let mut stderr = BufReader::new(child.stderr.take().unwrap());
    let mut said = String::new();
    while !said.contains("console at") {
        let mut line = String::new();
        if stderr.read_line(&mut line).unwrap() == 0 {
            break;
        }
        said.push_str(&line);
    }
    child.kill().unwrap();
    child.wait().unwrap();
    assert!(said.contains(&format!("console at {}/ ", url.trim())), "{said}");
}
