//! The Rust client against the emulator: the lifecycle in every version,
//! typed and JSON, and how each kind of failure comes back.

mod common;
use common::*;
use livechat_bots::{
    Action, ApiVersion, Client, ClientConfig, CreateBotAgent, ErrorCode, Group, Priority, Status, UpdateBotAgent, WebhookAction,
    Webhooks,
};
use serde_json::{json, Value};

#[test]
fn typed_lifecycle() {
    let emu = emulator();
    let c = typed_client(&emu);
    let mut req = CreateBotAgent::new("Typed", Status::AcceptingChats);
    req.groups = Some(vec![Group { id: 2, priority: Priority::First }]);
    req.webhooks = Some(Webhooks {
        url: "https://hooks.example.test".into(),
        secret_key: "s".into(),
        actions: vec![WebhookAction { name: "incoming_event".into(), filters: None, additional_data: Some(vec!["chat_properties".into()]) }],
    });
    let id = c.create_bot_agent(&req).unwrap().bot_agent_id;
    let details = c.get_bot_agent_details(&id).unwrap();
    assert_eq!(details.name, "Typed");
    assert_eq!(details.max_chats_count, Some(6));
    assert_eq!(details.application.unwrap().client_id, "dev-client");
    assert_eq!(details.webhooks.unwrap().actions[0].additional_data.as_deref(), Some(&["chat_properties".to_string()][..]));

    let mut update = UpdateBotAgent::new(&id);
    update.status = Some(Status::Offline);
    update.default_group_priority = Some(Priority::Supervisor);
    c.update_bot_agent(&update).unwrap();
    let details = c.get_bot_agent_details(&id).unwrap();
    assert_eq!((details.status, details.default_group_priority), (Some(Status::Offline), Some(Priority::Supervisor)));
    assert_eq!(details.name, "Typed", "fields not sent stay as they were");

    assert_eq!(c.get_bot_agents(false).unwrap().len(), 1);
    c.remove_bot_agent(&id).unwrap();
    assert!(c.get_bot_agents(true).unwrap().is_empty());
    let err = c.get_bot_agent_details(&id).unwrap_err();
    assert_eq!((err.code, err.http_status, err.api_type()), (ErrorCode::Api, Some(404), Some("not_found")));
}

#[test]
fn json_lifecycle_in_every_version_with_the_right_body_shape() {
    for version in ApiVersion::ALL {
        let emu = emulator();
        let c = client(&emu, json!({ "api_version": version.as_str() }));
        let create = if version.flat_bots() { r#"{"name":"J"}"# } else { r#"{"name":"J","status":"offline"}"# };
        let created: Value = serde_json::from_str(&c.execute_json(Action::CreateBotAgent, create).unwrap()).unwrap();
        let id = created["bot_agent_id"].as_str().unwrap();
        let req = json!({ "bot_agent_id": id }).to_string();
        assert_eq!(c.execute_json(Action::UpdateBotAgent, &json!({"id": id, "name": "K"}).to_string()).unwrap(), "{}");
        let details: Value = serde_json::from_str(&c.execute_json(Action::GetBotAgentDetails, &req).unwrap()).unwrap();
        assert_eq!(details["bot_agent"]["name"], "K");
        assert_eq!(c.execute_json(Action::RemoveBotAgent, &req).unwrap(), "{}");
        assert_eq!(c.execute_json(Action::GetBotAgents, "{}").unwrap(), r#"{"bot_agents":[]}"#);

        let body = &logged(&emu, Action::CreateBotAgent.wire_name(version))[0]["body"];
        if version.wraps_payload() {
            assert_eq!(body["payload"]["name"], "J", "{version:?}");
        } else {
            assert_eq!(body["name"], "J", "{version:?}");
        }
        let list = Action::GetBotAgents.wire_name(version);
        let entry = &logged(&emu, list)[0];
        assert_eq!(entry["path"], format!("/v{}/configuration/action/{list}", version.as_str()));
        let removed = &logged(&emu, Action::RemoveBotAgent.wire_name(version))[0]["body"];
        let id_key = if version.flat_bots() { "id" } else { "bot_agent_id" };
        let removed = if version.wraps_payload() { &removed["payload"] } else { removed };
        assert_eq!(removed[id_key], id, "{version:?}");
        assert_eq!(entry["headers"]["content-type"], "application/json");
        assert!(entry["headers"]["user-agent"].as_str().unwrap().starts_with("livechat-bots/"));
    }
}

#[test]
fn invalid_requests_are_refused_before_anything_is_sent() {
    let emu = emulator();
    let c = client(&emu, json!({}));
    let cases = [
        (Action::CreateBotAgent, r#"{"status":"offline"}"#, "name: required field is missing"),
        (Action::CreateBotAgent, r#"{"name":"B","status":"busy"}"#, "status: expected one of accepting chats"),
        (Action::CreateBotAgent, r#"{"name":"B","status":"offline","groups":[{"id":1,"priority":"first"},{"id":2,"priority":"supervisor"}]}"#, "groups[1].priority: expected one of first, normal, last; got \"supervisor\""),
        (Action::CreateBotAgent, r#"{"name":"B","status":"offline","groups":[{"id":-1,"priority":"first"}]}"#, "groups[0].id: expected an unsigned integer; got -1"),
        (Action::CreateBotAgent, r#"{"name":"B","status":"offline","max_chats_count":1.5}"#, "max_chats_count: expected an integer from 0 to 500; got 1.5"),
        (Action::CreateBotAgent, r#"{"name":"B","status":"offline","webhooks":{"url":"u","secret_key":"k"}}"#, "webhooks.actions: required field is missing"),
        (Action::CreateBotAgent, r#"{"name":"B","status":"offline","nmae":"x"}"#, "nmae: unknown field"),
        (Action::UpdateBotAgent, r#"{"name":"B"}"#, "id: required field is missing"),
        (Action::UpdateBotAgent, r#"{"id":"x","default_group_priority":"top"}"#, "default_group_priority: expected one of first, normal, last, supervisor"),
        (Action::RemoveBotAgent, r#"{"bot_agent_id":""}"#, "bot_agent_id: must not be empty"),
        (Action::GetBotAgents, r#"{"all":"yes"}"#, "all: expected true or false; got \"yes\""),
        (Action::GetBotAgentDetails, r#"[]"#, "request: expected an object"),
    ];
    for (action, request, message) in cases {
        let err = c.execute_json(action, request).unwrap_err();
        assert_eq!(err.code, ErrorCode::Validation, "{request}");
        assert!(err.message.contains(message), "{request}: {}", err.message);
        assert_eq!(err.attempts, 0);
    }
    assert_eq!(c.execute_json(Action::GetBotAgents, "{").unwrap_err().code, ErrorCode::InvalidJson);
    assert!(emu.requests().is_empty(), "nothing reached the server");
}

#[test]
fn call_sends_any_action_and_returns_the_answer() {
    let emu = emulator();
    let c = client(&emu, json!({"api_version": "3.1"}));
    let created = c.call("create_bot_agent", &json!({"name": "Raw", "status": "offline"})).unwrap();
    assert!(created["bot_agent_id"].is_string());
    let err = c.call("list_agents", &json!({})).unwrap_err();
    assert_eq!((err.code, err.http_status), (ErrorCode::Api, Some(404)));
    assert_eq!(c.call("../etc", &json!({})).unwrap_err().code, ErrorCode::Validation);
    assert_eq!(c.call("get_bot_agents", &json!([1])).unwrap_err().code, ErrorCode::Validation);
}

#[test]
fn api_errors_carry_status_type_message_and_data() {
    let emu = emulator_with(json!({"tokens": [{"token": "fra-x", "client_id": "c", "scopes": ["agents-bot--my:ro"], "region": "fra"}]}));
    let bad = client(&emu, json!({"token": "nope"}));
    let err = bad.get_bot_agents(false).unwrap_err();
    assert_eq!((err.code, err.http_status, err.api_type()), (ErrorCode::Api, Some(401), Some("authentication")));
    assert_eq!(err.api_error.as_ref().unwrap().message, "Invalid access token");
    let doc = err.to_document();
    assert_eq!(doc["code"], "api");
    assert_eq!(doc["api_error"]["type"], "authentication");
    assert_eq!(doc["attempts"], 1);

    // The fra- prefix sends X-Region: fra; forcing dal is misdirected.
    let wrong = client(&emu, json!({"token": "fra-x", "region": "dal"}));
    let err = wrong.get_bot_agents(false).unwrap_err();
    assert_eq!((err.http_status, err.api_type()), (Some(421), Some("misdirected_request")));
    assert_eq!(err.api_error.unwrap().data, Some(json!({"region": "fra"})));
    let right = client(&emu, json!({"token": "fra-x"}));
    assert!(right.get_bot_agents(false).is_ok());
    let err = right.create_bot_agent(&CreateBotAgent::new("x", Status::Offline)).unwrap_err();
    assert_eq!((err.http_status, err.api_type()), (Some(403), Some("authorization")));
}

#[test]
fn transport_and_decode_failures() {
    // A port nobody listens on.
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let c = Client::from_json(&json!({"token": "t", "base_url": format!("http://127.0.0.1:{port}"), "retry": {"max_attempts": 2, "base_delay_ms": 1}}).to_string()).unwrap();
    let err = c.get_bot_agents(false).unwrap_err();
    assert_eq!((err.code, err.attempts), (ErrorCode::Transport, 2));
    let err = c.create_bot_agent(&CreateBotAgent::new("x", Status::Offline)).unwrap_err();
    assert_eq!(err.attempts, 2, "a refused connection never reached the server: safe to retry a write");
    assert_eq!(err.outcome, None);

    // A server that answers 200 with something else than the API's shape.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let server = std::thread::spawn(move || {
        use std::io::{Read, Write};
        for body in ["not json", r#"{"unexpected": true}"#] {
            let (mut s, _) = listener.accept().unwrap();
            let mut buf = [0u8; 4096];
            let _ = s.read(&mut buf);
            let _ = write!(s, "HTTP/1.1 200 OK\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}", body.len());
        }
    });
    let c = Client::from_json(&json!({"token": "t", "base_url": url}).to_string()).unwrap();
    assert_eq!(c.get_bot_agents(false).unwrap_err().code, ErrorCode::Decode);
    assert_eq!(c.get_bot_agents(false).unwrap_err().code, ErrorCode::Decode);
    server.join().unwrap();
}

#[test]
fn config_errors_are_validation_errors() {
    for bad in [
        r#"{}"#,
        r#"{"token": ""}"#,
        r#"{"token": 5}"#,
        r#"{"token": "t", "token_type": "Digest"}"#,
        r#"{"token": "t", "region": "waw"}"#,
        r#"{"token": "t", "retry": {"max_attempts": 0}}"#,
        r#"{"token": "t", "retry": {"base_delay_ms": 10, "max_delay_ms": 5}}"#,
        r#"{"token": "t", "base_url": "http://api.example.com"}"#,
        r#"{"token": "t", "user_agent": ""}"#,
    ] {
        assert_eq!(Client::from_json(bad).unwrap_err().code, ErrorCode::Validation, "{bad}");
    }
    assert_eq!(Client::from_json("[").unwrap_err().code, ErrorCode::InvalidJson);
    assert!(Client::new(ClientConfig::new("t")).is_ok());
}

#[test]
fn redirects_are_not_followed() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let server = std::thread::spawn(move || {
        use std::io::{Read, Write};
        let (mut s, _) = listener.accept().unwrap();
        let mut buf = [0u8; 4096];
        let _ = s.read(&mut buf);
        let _ = write!(s, "HTTP/1.1 307 Temporary Redirect\r\nLocation: http://127.0.0.2:9/steal\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
    });
    let c = Client::from_json(&json!({"token": "t", "base_url": url}).to_string()).unwrap();
    let err = c.get_bot_agents(false).unwrap_err();
    assert_eq!((err.code, err.http_status, err.attempts), (ErrorCode::Api, Some(307), 1));
    server.join().unwrap();
}
