//! The emulator answers like the real API: shapes (against fixtures that
//! mirror LiveChat's documented bodies), auth, scopes, ownership, regions,
//! limits and faults, seen through raw HTTP.

mod common;
use common::*;
use serde_json::{json, Value};

const CREATE: &str = "/v3.1/configuration/action/create_bot_agent";
const LIST: &str = "/v3.1/configuration/action/get_bot_agents";
const DETAILS: &str = "/v3.1/configuration/action/get_bot_agent_details";

fn full_bot() -> Value {
    let mut bot = fixture("get_bot_agent_details.response.json")["bot_agent"].clone();
    let map = bot.as_object_mut().unwrap();
    map.remove("id");
    map.remove("application");
    bot
}

#[test]
fn responses_have_the_real_shapes_in_both_versions() {
    let emu = emulator();
    let (status, created) = post(&emu, CREATE, Some("dev-token"), &full_bot().to_string());
    assert_eq!(status, 200, "{created}");
    assert_same_shape(&created, &fixture("create_bot_agent.response.json"));
    let id = created["bot_agent_id"].as_str().unwrap();
    assert!(id.len() == 32 && id.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b)), "{id}");

    let (_, list) = post(&emu, "/v3.0/configuration/action/get_bot_agents", Some("dev-token"), &fixture("request_v3_0_get_bot_agents.json").to_string());
    assert_same_shape(&list, &fixture("get_bot_agents.response.json"));

    let (_, details) = post(&emu, DETAILS, Some("dev-token"), &json!({ "bot_agent_id": id }).to_string());
    assert_same_shape(&details, &fixture("get_bot_agent_details.response.json"));
    let mut want = fixture("get_bot_agent_details.response.json");
    want["bot_agent"]["id"] = json!(id);
    want["bot_agent"]["application"]["client_id"] = json!("dev-client");
    assert_eq!(details, want, "details echo every field that was set");

    let mut update = fixture("request_v3_1_update_bot_agent.json");
    update["id"] = json!(id);
    let (status, body) = post(&emu, "/v3.1/configuration/action/update_bot_agent", Some("dev-token"), &update.to_string());
    assert_eq!((status, &body), (200, &fixture("empty.response.json")));
    let (status, body) = post(&emu, "/v3.0/configuration/action/remove_bot_agent", Some("dev-token"), &json!({ "payload": { "bot_agent_id": id } }).to_string());
    assert_eq!((status, &body), (200, &fixture("empty.response.json")));
}

#[test]
fn defaults_are_filled_like_the_api() {
    let emu = emulator();
    let (_, created) = post(&emu, CREATE, Some("dev-token"), r#"{"name":"Plain","status":"offline"}"#);
    let (_, details) = post(&emu, DETAILS, Some("dev-token"), &json!({ "bot_agent_id": created["bot_agent_id"] }).to_string());
    assert_eq!(details["bot_agent"]["max_chats_count"], 6);
    assert_eq!(details["bot_agent"]["groups"], json!([]));
    assert_eq!(details["bot_agent"]["application"]["client_id"], "dev-client");
}

#[test]
fn v3_0_needs_the_payload_wrapper_and_v3_1_a_bare_body() {
    let emu = emulator();
    let (status, body) = post(&emu, "/v3.0/configuration/action/get_bot_agents", Some("dev-token"), r#"{"all": false}"#);
    assert_eq!(status, 400);
    assert_eq!(body["error"]["type"], "validation");
    let (status, body) = post(&emu, LIST, Some("dev-token"), r#"{"payload": {"all": false}}"#);
    assert_eq!(status, 400, "payload is an unknown field in v3.1: {body}");
    let (status, _) = post(&emu, "/v9.9/configuration/action/get_bot_agents", Some("dev-token"), "{}");
    assert_eq!(status, 400);
}

#[test]
fn authentication_errors_match_the_real_body() {
    let emu = emulator();
    for token in [None, Some("wrong-token")] {
        let (status, body) = post(&emu, LIST, token, "{}");
        assert_eq!(status, 401);
        assert_eq!(body, fixture("error_authentication.json"));
    }
}

#[test]
fn scopes_are_checked_per_action() {
    let emu = emulator_with(json!({"tokens": [
        {"token": "reader", "client_id": "c1", "scopes": ["agents-bot--my:ro"]},
        {"token": "writer", "client_id": "c1", "scopes": ["agents-bot--my:rw"]},
    ]}));
    let (status, body) = post(&emu, CREATE, Some("reader"), r#"{"name":"B","status":"offline"}"#);
    assert_eq!((status, body["error"]["type"].as_str()), (403, Some("authorization")));
    let (status, created) = post(&emu, CREATE, Some("writer"), r#"{"name":"B","status":"offline"}"#);
    assert_eq!(status, 200);
    // my:rw includes my:ro
    assert_eq!(post(&emu, LIST, Some("writer"), "{}").0, 200);
    assert_eq!(post(&emu, LIST, Some("reader"), "{}").0, 200);
    // all needs an all scope
    assert_eq!(post(&emu, LIST, Some("reader"), r#"{"all": true}"#).0, 403);
    let (status, _) = post(&emu, DETAILS, Some("reader"), &json!({ "bot_agent_id": created["bot_agent_id"] }).to_string());
    assert_eq!(status, 200);
}

#[test]
fn ownership_decides_what_all_false_lists_and_who_may_touch_a_bot() {
    let emu = emulator_with(json!({"tokens": [
        {"token": "alice", "client_id": "app-a", "scopes": ["agents-bot--my:rw"]},
        {"token": "bob", "client_id": "app-b", "scopes": ["agents-bot--my:rw", "agents-bot--all:rw"]},
    ]}));
    let (_, a) = post(&emu, CREATE, Some("alice"), r#"{"name":"A","status":"offline"}"#);
    let (_, b) = post(&emu, CREATE, Some("bob"), r#"{"name":"B","status":"offline"}"#);
    let ids = |token: &str, all: bool| -> Vec<Value> {
        let (_, list) = post(&emu, LIST, Some(token), &json!({ "all": all }).to_string());
        list["bot_agents"].as_array().unwrap().iter().map(|x| x["id"].clone()).collect()
    };
    assert_eq!(ids("alice", false), vec![a["bot_agent_id"].clone()]);
    assert_eq!(ids("bob", false), vec![b["bot_agent_id"].clone()]);
    assert_eq!(ids("bob", true), vec![a["bot_agent_id"].clone(), b["bot_agent_id"].clone()]);
    // alice may not remove bob's bot (no all scope); bob may remove alice's
    let remove = "/v3.1/configuration/action/remove_bot_agent";
    assert_eq!(post(&emu, remove, Some("alice"), &json!({ "bot_agent_id": b["bot_agent_id"] }).to_string()).0, 403);
    assert_eq!(post(&emu, remove, Some("bob"), &json!({ "bot_agent_id": a["bot_agent_id"] }).to_string()).0, 200);
    let (_, details) = post(&emu, DETAILS, Some("bob"), &json!({ "bot_agent_id": b["bot_agent_id"] }).to_string());
    assert_eq!(details["bot_agent"]["application"]["client_id"], "app-b");
}

#[test]
fn unknown_bot_is_not_found() {
    let emu = emulator();
    let (status, body) = post(&emu, DETAILS, Some("dev-token"), r#"{"bot_agent_id": "ffffffffffffffffffffffffffffffff"}"#);
    assert_eq!((status, body["error"]["type"].as_str()), (404, Some("not_found")));
}

#[test]
fn a_token_of_the_other_region_is_misdirected() {
    let emu = emulator_with(json!({"tokens": [{"token": "fra-token", "client_id": "c", "scopes": ["agents-bot--my:rw"], "region": "fra"}]}));
    let (status, body) = post(&emu, LIST, Some("fra-token"), "{}");
    assert_eq!(status, 421);
    assert_eq!(body, fixture("error_misdirected_request.json"));
    let http = reqwest::blocking::Client::new();
    let ok = http
        .post(format!("{}{LIST}", emu.url()))
        .header("Authorization", "Bearer fra-token")
        .header("X-Region", "fra")
        .body("{}")
        .send()
        .unwrap();
    assert_eq!(ok.status().as_u16(), 200);
}

#[test]
fn validation_errors_use_the_api_body() {
    let emu = emulator();
    let (status, body) = post(&emu, CREATE, Some("dev-token"), r#"{"name":"B","status":"offline","max_chats_count":501}"#);
    assert_eq!(status, 400);
    assert_eq!(body["error"]["type"], "validation");
    assert!(body["error"]["message"].as_str().unwrap().contains("max_chats_count"));
    let (status, _) = post(&emu, CREATE, Some("dev-token"), "{not json");
    assert_eq!(status, 400);
}

#[test]
fn oversize_bodies_unknown_actions_and_methods_get_errors() {
    let emu = emulator();
    let huge = format!(r#"{{"name":"{}","status":"offline"}}"#, "x".repeat(11 * 1024 * 1024));
    let (status, body) = post(&emu, CREATE, Some("dev-token"), &huge);
    assert_eq!((status, body["error"]["type"].as_str()), (413, Some("entity_too_large")));
    let (status, body) = post(&emu, "/v3.1/configuration/action/make_coffee", Some("dev-token"), "{}");
    assert_eq!((status, body["error"]["type"].as_str()), (404, Some("not_found")));
    let (status, _) = post(&emu, "/somewhere/else", Some("dev-token"), "{}");
    assert_eq!(status, 404);
    let get = reqwest::blocking::Client::new().get(format!("{}{LIST}", emu.url())).send().unwrap();
    assert_eq!(get.status().as_u16(), 405);
}

#[test]
fn unknown_headers_and_query_parameters_are_ignored() {
    let emu = emulator();
    let resp = reqwest::blocking::Client::new()
        .post(format!("{}{LIST}?license_id=123", emu.url()))
        .header("Authorization", "Bearer dev-token")
        .header("X-Something-Else", "1")
        .body("{}")
        .send()
        .unwrap();
    assert_eq!(resp.status().as_u16(), 200);
}

#[test]
fn the_request_log_records_everything_but_the_credential() {
    let emu = emulator();
    post(&emu, CREATE, Some("dev-token"), r#"{"name":"Logged","status":"offline"}"#);
    let log = emu.requests();
    assert_eq!(log.len(), 1);
    let entry = &log[0];
    assert_eq!(entry["action"], "create_bot_agent");
    assert_eq!(entry["version"], "3.1");
    assert_eq!(entry["status"], 200);
    assert_eq!(entry["client_id"], "dev-client");
    assert_eq!(entry["body"]["name"], "Logged");
    assert_eq!(entry["headers"]["authorization"], "Bearer [redacted]");
    assert!(entry["time_ms"].as_f64().unwrap() > 1.6e12);
    assert!(!serde_json::to_string(&log).unwrap().contains("dev-token"));
}

#[test]
fn a_credential_without_a_scheme_is_never_logged_and_schemes_ignore_case() {
    let emu = emulator();
    let http = reqwest::blocking::Client::new();
    for auth in ["s3cr3t-no-scheme", "bearer dev-token", "Token abc", "Bearer"] {
        let _ = http.post(format!("{}{LIST}", emu.url())).header("Authorization", auth).body("{}").send().unwrap();
    }
    let logged: Vec<Value> = emu.requests().iter().map(|r| r["headers"]["authorization"].clone()).collect();
    assert_eq!(logged, vec![json!("[redacted]"), json!("Bearer [redacted]"), json!("[redacted]"), json!("[redacted]")]);
    assert_eq!(emu.requests()[1]["status"], 200, "a lowercase scheme is accepted");
    assert!(!emu.requests_json().contains("s3cr3t") && !emu.requests_json().contains("abc"));
}

#[test]
fn faults_apply_to_their_action_for_their_count() {
    let emu = emulator();
    emu.inject_json(r#"{"action": "get_bot_agents", "times": 2, "status": 503, "error_type": "internal"}"#).unwrap();
    emu.inject_json(r#"{"times": 1, "status": 429, "retry_after_s": 7}"#).unwrap();
    // The create skips the get_bot_agents fault and takes the any-action 429.
    let http = reqwest::blocking::Client::new();
    let resp = http.post(format!("{}{CREATE}", emu.url())).header("Authorization", "Bearer dev-token").body(r#"{"name":"B","status":"offline"}"#).send().unwrap();
    assert_eq!(resp.status().as_u16(), 429);
    assert_eq!(resp.headers()["retry-after"], "7");
    assert_eq!(post(&emu, LIST, Some("dev-token"), "{}").0, 503);
    let (status, body) = post(&emu, LIST, Some("dev-token"), "{}");
    assert_eq!((status, body["error"]["type"].as_str()), (503, Some("internal")));
    assert_eq!(post(&emu, LIST, Some("dev-token"), "{}").0, 200);
    // A faulted request is logged with its fault, and refused writes change nothing.
    assert_eq!(emu.requests()[0]["fault"]["status"], 429);
    assert!(emu.bots().is_empty());
}

#[test]
fn dropped_connections_and_stalls() {
    let emu = emulator();
    emu.inject_json(r#"{"drop_connection": true}"#).unwrap();
    let http = reqwest::blocking::Client::new();
    let err = http.post(format!("{}{LIST}", emu.url())).header("Authorization", "Bearer dev-token").body("{}").send();
    assert!(err.is_err(), "the connection is closed without an answer");
    emu.inject_json(r#"{"delay_ms": 300}"#).unwrap();
    let started = std::time::Instant::now();
    assert_eq!(post(&emu, LIST, Some("dev-token"), "{}").0, 200);
    assert!(started.elapsed() >= std::time::Duration::from_millis(300));
    assert_eq!(emu.requests()[0]["status"], Value::Null);
}

#[test]
fn bad_fault_and_config_documents_are_refused() {
    let emu = emulator();
    assert!(emu.inject_json(r#"{"times": 1}"#).is_err(), "a fault must do something");
    assert!(emu.inject_json(r#"{"status": 200}"#).is_err());
    assert!(emu.inject_json(r#"{"status": 500, "tims": 2}"#).is_err());
    use livechat_bots::EmulatorConfig;
    assert!(EmulatorConfig::from_json(r#"{"tokens": [{"token": "t"}]}"#).is_err());
    assert!(EmulatorConfig::from_json(r#"{"bots": [{"name": "x", "status": "busy"}]}"#).is_err());
    assert!(EmulatorConfig::from_json(r#"{"port": 70000}"#).is_err());
    let seeded = EmulatorConfig::from_json(r#"{"bots": [{"id": "abc", "name": "Seed", "status": "offline", "application": {"client_id": "dev-client"}}]}"#).unwrap();
    let emu = livechat_bots::Emulator::start(seeded).unwrap();
    let (status, details) = post(&emu, DETAILS, Some("dev-token"), r#"{"bot_agent_id": "abc"}"#);
    assert_eq!((status, details["bot_agent"]["name"].as_str()), (200, Some("Seed")));
}

#[test]
fn a_busy_port_is_a_clear_error() {
    let emu = emulator();
    let port: u16 = emu.url().rsplit(':').next().unwrap().parse().unwrap();
    let err = livechat_bots::Emulator::start(livechat_bots::EmulatorConfig { port, ..Default::default() }).unwrap_err();
    assert!(err.message.contains("cannot bind"), "{}", err.message);
}
