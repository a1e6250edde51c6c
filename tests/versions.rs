//! Every API version from 3.0 to 3.6: each action under its own name and
//! shape on the wire, one normalized result for the caller.

mod common;
use common::*;
use livechat_bots::{Action, ApiVersion, ErrorCode};
use serde_json::{json, Value};

fn run(c: &livechat_bots::Client, action: Action, request: Value) -> Value {
    serde_json::from_str(&c.execute_json(action, &request.to_string()).unwrap_or_else(|e| panic!("{action:?}: {e}"))).unwrap()
}

#[test]
fn the_matrix_every_version_every_action_one_result_shape() {
    for version in ApiVersion::ALL {
        let emu = emulator();
        let c = client(&emu, json!({ "api_version": version.as_str() }));
        let mut create = json!({"name": "Matrix", "avatar": "cdn.example.test/a.png", "max_chats_count": 3, "groups": [{"id": 1, "priority": "first"}]});
        if !version.flat_bots() {
            create["status"] = json!("accepting chats");
        }
        if version >= ApiVersion::V3_2 {
            create["default_group_priority"] = json!("last");
        }
        let mut created = run(&c, Action::CreateBotAgent, create);
        let id = created["bot_agent_id"].as_str().expect("bot_agent_id in every version").to_owned();
        // From v3.5 create also answers the bot's secret, shown once.
        let secret = created.as_object_mut().unwrap().remove("bot_secret");
        assert_eq!(secret.is_some(), version >= ApiVersion::V3_5, "{version:?}");
        assert!(secret.is_none_or(|s| s.as_str().is_some_and(|s| s.len() == 32)), "{version:?}");
        assert_same_shape(&created, &fixture("create_bot_agent.response.json"));

        let list = run(&c, Action::GetBotAgents, json!({}));
        assert_eq!(list["bot_agents"][0]["id"], id.as_str(), "{version:?}");
        assert_eq!(list["bot_agents"][0]["avatar"], "cdn.example.test/a.png", "{version:?}: avatar_path maps to avatar");

        let details = run(&c, Action::GetBotAgentDetails, json!({ "bot_agent_id": id }));
        let bot = &details["bot_agent"];
        assert_eq!(bot["id"], id.as_str());
        assert_eq!(bot["avatar"], "cdn.example.test/a.png", "{version:?}");
        assert_eq!(bot["application"]["client_id"], "dev-client", "{version:?}: owner_client_id maps to application.client_id");
        assert_eq!(bot["max_chats_count"], 3);
        assert_eq!(bot["groups"], json!([{"id": 1, "priority": "first"}]));
        if version.flat_bots() {
            assert!(bot.get("status").is_none(), "v3.3+ bots have no status");
        } else {
            assert_eq!(bot["status"], "accepting chats");
        }

        assert_eq!(run(&c, Action::UpdateBotAgent, json!({"id": id, "name": "Renamed", "max_chats_count": 9})), json!({}));
        let details = run(&c, Action::GetBotAgentDetails, json!({ "bot_agent_id": id }));
        assert_eq!((details["bot_agent"]["name"].as_str(), details["bot_agent"]["max_chats_count"].as_i64()), (Some("Renamed"), Some(9)));

        assert_eq!(run(&c, Action::RemoveBotAgent, json!({ "bot_agent_id": id })), json!({}));
        assert_eq!(run(&c, Action::GetBotAgents, json!({"all": true})), json!({"bot_agents": []}));
        let err = c.get_bot_agent_details(&id).unwrap_err();
        assert_eq!((err.code, err.http_status), (ErrorCode::Api, Some(404)), "{version:?}");

        let names: Vec<String> = emu.requests().iter().map(|r| r["action"].as_str().unwrap().to_owned()).collect();
        let expected: Vec<&str> = [Action::CreateBotAgent, Action::GetBotAgents, Action::GetBotAgentDetails, Action::UpdateBotAgent, Action::GetBotAgentDetails, Action::RemoveBotAgent, Action::GetBotAgents, Action::GetBotAgentDetails]
            .iter()
            .map(|a| a.wire_name(version))
            .collect();
        assert_eq!(names, expected, "{version:?}");
    }
}

#[test]
fn v3_4_answers_have_the_real_flat_shapes() {
    let emu = emulator();
    let (_, created) = post(&emu, "/v3.4/configuration/action/create_bot", Some("dev-token"), r#"{"name":"Flat","avatar":"cdn.example.test/f.png","default_group_priority":"last","max_chats_count":4,"groups":[{"id":3,"priority":"normal"}]}"#);
    assert_same_shape(&created, &fixture("v3_4_create_bot.response.json"));
    post(&emu, "/v3.4/configuration/action/create_bot", Some("dev-token"), r#"{"name":"Second","avatar":"cdn.example.test/s.png"}"#);
    let (_, list) = post(&emu, "/v3.4/configuration/action/list_bots", Some("dev-token"), "{}");
    assert_same_shape(&list, &fixture("v3_4_list_bots.response.json"));
    assert_eq!(list.as_array().unwrap().len(), 2);
    let (_, bot) = post(&emu, "/v3.4/configuration/action/get_bot", Some("dev-token"), &json!({ "id": created["id"] }).to_string());
    assert_same_shape(&bot, &fixture("v3_4_get_bot.response.json"));
    let (status, _) = post(&emu, "/v3.4/configuration/action/get_bot", Some("dev-token"), &json!({ "bot_agent_id": created["id"] }).to_string());
    assert_eq!(status, 400, "v3.4 names the bot by id");
    let (_, listed) = post(&emu, "/v3.4/configuration/action/list_bots", Some("dev-token"), r#"{"fields": ["max_chats_count"]}"#);
    assert_eq!(listed[0]["max_chats_count"], 4, "fields adds what it names");
}

#[test]
fn each_version_knows_only_its_own_action_names() {
    let emu = emulator();
    assert_eq!(post(&emu, "/v3.4/configuration/action/get_bot_agents", Some("dev-token"), "{}").0, 404);
    assert_eq!(post(&emu, "/v3.1/configuration/action/list_bots", Some("dev-token"), "{}").0, 404);
    assert_eq!(post(&emu, "/v3.2/configuration/action/list_bots", Some("dev-token"), "{}").0, 200);
    let (_, list) = post(&emu, "/v3.2/configuration/action/list_bots", Some("dev-token"), "{}");
    assert!(list["bot_agents"].is_array(), "v3.2 keeps the v3.1 shapes");
}

#[test]
fn version_only_fields_are_refused_where_they_do_not_exist() {
    let emu = emulator();
    let v30 = client(&emu, json!({"api_version": "3.0"}));
    let err = v30.execute_json(Action::CreateBotAgent, r#"{"name":"x","status":"offline","job_title":"Bot"}"#).unwrap_err();
    assert!(err.message.starts_with("job_title: unknown field"), "{}", err.message);
    let err = v30.execute_json(Action::CreateBotAgent, r#"{"name":"x"}"#).unwrap_err();
    assert!(err.message.contains("status: required"), "{}", err.message);
    let v36 = client(&emu, json!({"api_version": "3.6"}));
    let created = v36.execute_json(Action::CreateBotAgent, r#"{"name":"x","job_title":"Greeter","timezone":"Europe/Warsaw","work_scheduler":{}}"#).unwrap();
    let id = serde_json::from_str::<Value>(&created).unwrap()["bot_agent_id"].as_str().unwrap().to_owned();
    let details = v36.get_bot_agent_details(&id).unwrap();
    assert_eq!(details.name, "x");
    let raw = run(&v36, Action::GetBotAgentDetails, json!({"bot_agent_id": id}));
    assert_eq!(raw["bot_agent"]["job_title"], "Greeter", "passed through");
}

#[test]
fn status_and_webhooks_are_refused_from_v3_3_with_where_they_went() {
    let emu = emulator();
    for version in ["3.3", "3.6"] {
        let c = client(&emu, json!({ "api_version": version }));
        let err = c.execute_json(Action::CreateBotAgent, r#"{"name":"x","status":"offline"}"#).unwrap_err();
        assert!(err.message.contains("status: not part of create_bot") && err.message.contains("Agent Chat API"), "{}", err.message);
        let err = c.execute_json(Action::UpdateBotAgent, r#"{"id":"x","webhooks":{"url":"u","secret_key":"k","actions":[]}}"#).unwrap_err();
        assert!(err.message.contains("Webhooks API"), "{}", err.message);
        // The emulator refuses them too, as the API does.
        let (status, _) = post(&emu, &format!("/v{version}/configuration/action/create_bot"), Some("dev-token"), r#"{"name":"x","status":"offline"}"#);
        assert_eq!(status, 400);
    }
    let v32 = client(&emu, json!({"api_version": "3.2"}));
    assert!(v32.execute_json(Action::CreateBotAgent, r#"{"name":"x","status":"offline"}"#).is_ok());
}

#[test]
fn v3_6_takes_type_and_owner_client_id_with_a_bearer_token() {
    let emu = emulator();
    let (status, created) = post(&emu, "/v3.6/configuration/action/create_bot", Some("dev-token"), r#"{"name":"T","type":"chatbot","owner_client_id":"other-app"}"#);
    assert_eq!(status, 200, "{created}");
    let (_, bot) = post(&emu, "/v3.6/configuration/action/get_bot", Some("dev-token"), &json!({ "id": created["id"] }).to_string());
    assert_eq!((bot["type"].as_str(), bot["owner_client_id"].as_str()), (Some("chatbot"), Some("other-app")));
    let (status, _) = post(&emu, "/v3.5/configuration/action/create_bot", Some("dev-token"), r#"{"name":"T","type":"chatbot"}"#);
    assert_eq!(status, 400, "type is new in v3.6");
    let (status, _) = post(&emu, "/v3.5/configuration/action/create_bot", Some("dev-token"), r#"{"name":"T","owner_client_id":"x"}"#);
    assert_eq!(status, 400, "before v3.6 a Bearer token may not name another owner");
}

#[test]
fn call_passes_any_action_through_unchanged() {
    let emu = emulator();
    for version in ["3.5", "3.6"] {
        let c = client(&emu, json!({ "api_version": version }));
        let err = c.call("issue_bot_token", &json!({"bot_id": "b", "client_id": "c", "bot_secret": "s"})).unwrap_err();
        // The emulator serves issue_bot_token: organization_id is missing.
        assert_eq!((err.http_status, err.api_type()), (Some(400), Some("validation")));
        let entry = emu.requests().last().unwrap().clone();
        assert_eq!(entry["path"], format!("/v{version}/configuration/action/issue_bot_token"));
        // The body went as given; the log shows it with the secret redacted.
        assert_eq!(entry["body"], json!({"bot_id": "b", "client_id": "c", "bot_secret": "[redacted]"}));
        let created = c.call("create_bot", &json!({"name": "Raw"})).unwrap();
        assert!(created["id"].is_string(), "lcbot_call returns the version's own shape");
    }
}

#[test]
fn basic_tokens_from_a_credential_or_account_and_pat() {
    let emu = emulator_with(json!({"tokens": [
        {"token": "acc-1:pat-secret", "client_id": "pat-client", "scopes": ["agents-bot--my:rw"]},
        {"token": "fra:acc-2:pat-2", "client_id": "fra-client", "scopes": ["agents-bot--my:rw"], "region": "fra"},
    ]}));
    let pair = client(&emu, json!({"token_type": "Basic", "token": {"account_id": "acc-1", "pat": "pat-secret"}, "api_version": "3.6"}));
    let err = pair.execute_json(Action::CreateBotAgent, r#"{"name":"P"}"#).unwrap_err();
    assert!(err.message.contains("owner_client_id"), "a PAT must name the owner: {}", err.message);
    let created: Value = serde_json::from_str(&pair.execute_json(Action::CreateBotAgent, r#"{"name":"P","owner_client_id":"pat-client"}"#).unwrap()).unwrap();
    assert!(created["bot_agent_id"].is_string());
    let encoded = base64_of("acc-1:pat-secret");
    let ready = client(&emu, json!({"token_type": "Basic", "token": encoded, "api_version": "3.1"}));
    assert_eq!(ready.get_bot_agents(false).unwrap().len(), 1);
    // The region rule holds for Basic credentials too: fra: in the account id.
    let fra = client(&emu, json!({"token_type": "Basic", "token": {"account_id": "fra:acc-2", "pat": "pat-2"}}));
    assert!(fra.get_bot_agents(false).is_ok());
    let bearer = client(&emu, json!({"token": "acc-1:pat-secret", "api_version": "3.5"}));
    let err = bearer.execute_json(Action::CreateBotAgent, r#"{"name":"B","owner_client_id":"x"}"#).unwrap_err();
    assert_eq!(err.http_status, Some(400), "before v3.6, owner_client_id is refused with a Bearer token");
}

fn base64_of(text: &str) -> String {
    use base64::Engine;
    base64::engine::general_purpose::STANDARD.encode(text)
}

#[test]
fn v3_3_plus_messages_name_fields_as_sent_and_avatar_path_is_avatar() {
    let emu = emulator();
    let path = |action: &str| format!("/v3.4/configuration/action/{action}");
    // The caller wrote `id`: the message says `id`, not the normalized name.
    let (status, body) = post(&emu, &path("delete_bot"), Some("dev-token"), r#"{"id": 5}"#);
    assert_eq!(status, 400);
    assert!(body["error"]["message"].as_str().unwrap().starts_with("id: expected a string"), "{body}");
    let (_, body) = post(&emu, &path("get_bot"), Some("dev-token"), r#"{"id": ""}"#);
    assert!(body["error"]["message"].as_str().unwrap().starts_with("id:"), "{body}");

    // LiveChat's Go SDK sends the avatar as avatar_path: the same field.
    let (status, created) = post(&emu, &path("create_bot"), Some("dev-token"), r#"{"name": "Sdk", "avatar_path": "cdn.example.test/b.png"}"#);
    assert_eq!(status, 200, "{created}");
    let (_, bot) = post(&emu, &path("get_bot"), Some("dev-token"), &json!({"id": created["id"]}).to_string());
    assert_eq!(bot["avatar_path"], "cdn.example.test/b.png");
    let (status, _) = post(&emu, &path("update_bot"), Some("dev-token"), &json!({"id": created["id"], "avatar_path": "c.png"}).to_string());
    assert_eq!(status, 200);
    let (_, body) = post(&emu, &path("update_bot"), Some("dev-token"), &json!({"id": created["id"], "avatar_path": 7}).to_string());
    assert!(body["error"]["message"].as_str().unwrap().starts_with("avatar_path: expected a string"), "{body}");
    let (_, body) = post(&emu, &path("create_bot"), Some("dev-token"), r#"{"name": "Both", "avatar": "a", "avatar_path": "b"}"#);
    assert!(body["error"]["message"].as_str().unwrap().starts_with("avatar_path: the same field as avatar"), "{body}");
    // Before v3.3 the field does not exist.
    let (status, _) = post(&emu, "/v3.1/configuration/action/create_bot_agent", Some("dev-token"), r#"{"name": "Old", "status": "offline", "avatar_path": "a"}"#);
    assert_eq!(status, 400);
}
