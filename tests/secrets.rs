//! A token never appears in an error message, a Debug print, an error
//! document or the emulator's request log: every error path is run with a
//! recognisable token and every output is searched for it.

mod common;
use common::*;
use livechat_bots::{Action, Client, ClientConfig, CreateBotAgent, Status};
use serde_json::json;

const TOKEN: &str = "SeCrEt-7f3a9c-TOKEN";

/// Everything a caller could see of an error.
fn outputs(e: &livechat_bots::Error) -> Vec<String> {
    vec![e.to_string(), format!("{e:?}"), e.to_json(), e.message.clone()]
}

fn assert_clean(texts: &[String], context: &str) {
    for text in texts {
        assert!(!text.contains(TOKEN), "{context}: the token leaked into {text}");
        assert!(!text.contains("7f3a9c"), "{context}: part of the token leaked into {text}");
    }
}

#[test]
fn no_error_path_shows_the_token() {
    let emu = emulator();
    let mut seen = Vec::new();
    let configs = [
        json!({"token": TOKEN, "base_url": "http://example.com"}),
        json!({"token": TOKEN, "base_url": "not a url"}),
        json!({"token": TOKEN, "tokn": TOKEN}),
        json!({"token": format!("{TOKEN}\n")}),
        json!({"token": [TOKEN]}),
        json!({"token": {"account_id": TOKEN, "pat": TOKEN}}),
        json!({"token": {"account_id": TOKEN, "pat": 5}, "token_type": "Basic"}),
        json!({"token": TOKEN, "retry": {"max_attempts": 99}}),
        json!({"token": TOKEN, "user_agent": "\u{7f}"}),
    ];
    for config in &configs {
        let e = Client::from_json(&config.to_string()).unwrap_err();
        seen.extend(outputs(&e));
    }
    let bad_json = format!("{{\"token\": \"{TOKEN}\"");
    seen.extend(outputs(&Client::from_json(&bad_json).unwrap_err()));

    // API errors: authentication, then validation and not found.
    let c = client(&emu, json!({"token": TOKEN}));
    seen.push(format!("{c:?}"));
    seen.push(format!("{:?}", c.config()));
    seen.extend(outputs(&c.get_bot_agents(false).unwrap_err()));
    let ok = client(&emu, json!({}));
    seen.extend(outputs(&ok.execute_json(Action::CreateBotAgent, &format!(r#"{{"name": "{TOKEN}", "status": 1}}"#)).unwrap_err()));

    // Transport, timeout and decode failures.
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let refused = Client::from_json(&json!({"token": TOKEN, "base_url": format!("http://127.0.0.1:{port}"), "retry": {"max_attempts": 1}}).to_string()).unwrap();
    seen.extend(outputs(&refused.get_bot_agents(false).unwrap_err()));
    emu.inject_json(r#"{"delay_ms": 500}"#).unwrap();
    let slow = client(&emu, json!({"token": TOKEN, "timeout_ms": 100, "retry": {"max_attempts": 1}}));
    seen.extend(outputs(&slow.create_bot_agent(&CreateBotAgent::new("x", Status::Offline)).unwrap_err()));
    emu.inject_json(r#"{"drop_connection": true}"#).unwrap();
    seen.extend(outputs(&slow.create_bot_agent(&CreateBotAgent::new("x", Status::Offline)).unwrap_err()));

    // Basic credentials are secrets too, in both forms.
    let basic = Client::from_json(&json!({"token": {"account_id": "acct", "pat": TOKEN}, "token_type": "Basic", "base_url": emu.url()}).to_string()).unwrap();
    seen.push(format!("{basic:?}"));
    seen.extend(outputs(&basic.get_bot_agents(false).unwrap_err()));

    // The stalled request is logged when the server is done with it.
    wait_until(10, "both faulted requests in the log", || emu.requests().iter().filter(|r| r.get("fault").is_some()).count() >= 2);
    seen.push(emu.requests_json());
    assert!(emu.requests().iter().any(|r| r["headers"]["authorization"] == "Bearer [redacted]"));
    assert!(emu.requests().iter().any(|r| r["headers"]["authorization"] == "Basic [redacted]"));
    assert_clean(&seen, "outputs");
    assert!(seen.len() > 30);
}

#[test]
fn config_debug_shows_no_token() {
    let config = ClientConfig::new(TOKEN);
    assert!(!format!("{config:?}").contains(TOKEN));
    assert!(format!("{config:?}").contains("Secret(***)"));
}

#[test]
fn the_request_log_redacts_webhook_keys_and_bot_secrets_at_any_depth() {
    let emu = emulator();
    let c = client(&emu, json!({"api_version": "3.1"}));
    let webhooks = json!({"url": "https://bot.example.test/hook", "secret_key": "whk-s3cr3t-key", "actions": [{"name": "incoming_event"}]});
    c.execute(Action::CreateBotAgent, &json!({"name": "Hooked", "status": "offline", "webhooks": webhooks})).unwrap();
    let _ = c.call("register_webhook", &json!({"secret_key": "whk-s3cr3t-key", "nested": [{"secret": "bot-s3cr3t"}]}));
    let v36 = client(&emu, json!({"api_version": "3.6"}));
    let created = v36.execute(Action::CreateBotAgent, &json!({"name": "Secretive"})).unwrap();
    let bot_secret = created["bot_secret"].as_str().unwrap().to_owned();
    let _ = v36.call("issue_bot_token", &json!({"bot_id": "b", "bot_secret": bot_secret}));
    let log = emu.requests_json();
    for secret in ["whk-s3cr3t-key", "bot-s3cr3t", bot_secret.as_str()] {
        assert!(!log.contains(secret), "{secret} in the request log: {log}");
    }
    let create = &logged(&emu, "create_bot_agent")[0];
    assert_eq!(create["body"]["webhooks"]["secret_key"], "[redacted]");
    assert_eq!(create["body"]["webhooks"]["url"], "https://bot.example.test/hook");
}
