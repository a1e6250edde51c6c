//! Bot templates and batches of bot actions (v3.5+): the typed calls
//! against the emulator, the documented shapes over raw HTTP, installations
//! of an application, per-item errors, and the never-twice rule.

mod common;
use common::*;
use livechat_bots::{
    ApiVersion, BatchAction, CallOptions, CreateBotAgent, CreateBotTemplate, ErrorCode, Outcome, TemplateAction, UpdateBotAgent,
    UpdateBotTemplate,
};
use serde_json::{json, Value};

fn client_on(emu: &livechat_bots::Emulator, version: &str) -> livechat_bots::Client {
    client(emu, json!({ "api_version": version, "retry": {"max_attempts": 3, "base_delay_ms": 1} }))
}

#[test]
fn templates_lifecycle_on_v3_5_and_v3_6() {
    for version in ["3.5", "3.6"] {
        let emu = emulator();
        let c = client_on(&emu, version);
        let mut request = CreateBotTemplate::named("Greeter");
        request.avatar = Some("https://example.com/g.png".into());
        request.job_title = Some("Concierge".into());
        let created = c.create_bot_template(&request).unwrap();
        assert_eq!(created.id.len(), 32);
        assert!(!format!("{created:?}").contains(created.secret.expose()), "the secret stays out of Debug");

        let listed = c.list_bot_templates(None).unwrap();
        assert_eq!(listed.len(), 1);
        assert_eq!((listed[0].id.as_str(), listed[0].name.as_str()), (created.id.as_str(), "Greeter"));
        assert_eq!(listed[0].avatar.as_deref(), Some("https://example.com/g.png"));
        assert_eq!(listed[0].owner_client_id.as_deref(), Some("dev-client"));

        let mut update = UpdateBotTemplate::new(&created.id);
        update.name = Some("Greeter 2".into());
        c.update_bot_template(&update).unwrap();
        assert_eq!(c.list_bot_templates(Some("dev-client")).unwrap()[0].name, "Greeter 2");

        let secret = c.reset_bot_template_secret(&created.id, None, false).unwrap();
        assert_ne!(secret.expose(), created.secret.expose());
        c.delete_bot_template(&created.id, None, false).unwrap();
        assert!(c.list_bot_templates(None).unwrap().is_empty());

        let actions: Vec<String> = emu.requests().iter().map(|r| r["action"].as_str().unwrap().to_owned()).collect();
        assert_eq!(
            actions,
            ["create_bot_template", "list_bot_templates", "update_bot_template", "list_bot_templates", "reset_bot_template_secret", "delete_bot_template", "list_bot_templates"]
        );
        assert!(!serde_json::to_string(&emu.requests()).unwrap().contains(created.secret.expose()));
    }
}

#[test]
fn a_sixth_template_and_unknown_ids_are_refused_as_documented() {
    let emu = emulator();
    let c = client_on(&emu, "3.6");
    for i in 0..5 {
        c.create_bot_template(&CreateBotTemplate::named(format!("T{i}"))).unwrap();
    }
    let e = c.create_bot_template(&CreateBotTemplate::named("T5")).unwrap_err();
    assert_eq!((e.code, e.http_status, e.api_type()), (ErrorCode::Api, Some(400), Some("limit_reached")));
    let e = c.delete_bot_template("no-such-template", None, false).unwrap_err();
    assert_eq!((e.http_status, e.api_type()), (Some(404), Some("not_found")));
    let e = c.list_bot_templates(Some("someone-else")).unwrap_err();
    assert_eq!((e.http_status, e.api_type()), (Some(403), Some("authorization")));
}

#[test]
fn installing_the_application_makes_a_bot_per_template_with_its_id_and_secret() {
    let emu = emulator();
    let c = client_on(&emu, "3.6");
    let first = c.create_bot_template(&CreateBotTemplate::named("Before install")).unwrap();
    assert!(emu.bots().is_empty(), "a template is no bot until the application is installed");

    let installed = emu.install_application(&json!({"client_id": "dev-client"})).unwrap();
    assert_eq!(installed["bots_created"], json!([first.id]));
    let bot = c.get_bot_agent_details(&first.id).unwrap();
    assert_eq!((bot.name.as_str(), bot.application.unwrap().client_id.as_str()), ("Before install", "dev-client"));
    // The template's secret is the bot's: it gets the bot its token.
    let org = emu.organization_id();
    c.issue_bot_token(&first.id, "dev-client", &first.secret, &org).unwrap();

    // Already installed: a new template makes its bot only when told to.
    let quiet = c.create_bot_template(&CreateBotTemplate::named("Quiet")).unwrap();
    assert!(c.get_bot_agent_details(&quiet.id).is_err());
    let mut loud = CreateBotTemplate::named("Loud");
    loud.affect_existing_installations = true;
    let loud = c.create_bot_template(&loud).unwrap();
    assert_eq!(c.get_bot_agent_details(&loud.id).unwrap().name, "Loud");

    // Changes reach the bots with the flag, and only then.
    let mut rename = UpdateBotTemplate::new(&first.id);
    rename.name = Some("Renamed".into());
    c.update_bot_template(&rename).unwrap();
    assert_eq!(c.get_bot_agent_details(&first.id).unwrap().name, "Before install");
    rename.affect_existing_installations = true;
    c.update_bot_template(&rename).unwrap();
    assert_eq!(c.get_bot_agent_details(&first.id).unwrap().name, "Renamed");

    let new_secret = c.reset_bot_template_secret(&first.id, None, true).unwrap();
    assert!(c.issue_bot_token(&first.id, "dev-client", &first.secret, &org).is_err(), "the old secret no longer works");
    c.issue_bot_token(&first.id, "dev-client", &new_secret, &org).unwrap();

    c.delete_bot_template(&loud.id, None, true).unwrap();
    assert!(c.get_bot_agent_details(&loud.id).is_err());
    // A second installation makes the bots still missing (Quiet's) and no duplicates.
    let again = emu.install_application(&json!({"client_id": "dev-client"})).unwrap();
    assert_eq!(again["bots_created"], json!([quiet.id]));
    assert_eq!(emu.templates()["installed"], json!(["dev-client"]));
    assert!(!emu.templates().to_string().contains(new_secret.expose()));
}

#[test]
fn older_versions_refuse_before_sending_naming_v3_5() {
    let emu = emulator();
    let c = client_on(&emu, "3.4");
    let e = c.list_bot_templates(None).unwrap_err();
    assert_eq!((e.code, e.attempts), (ErrorCode::Validation, 0));
    assert_eq!(e.message, "list_bot_templates: not in API v3.4; it exists from v3.5");
    let e = c.batch_remove_bot_agents(&["a"]).unwrap_err();
    assert_eq!(e.message, "batch_delete_bots: not in API v3.4; it exists from v3.5");
    assert!(emu.requests().is_empty(), "nothing was sent");
    // And the emulator, asked directly, does not know them in v3.4.
    let (status, body) = post(&emu, "/v3.4/configuration/action/batch_create_bots", Some("dev-token"), r#"{"requests": []}"#);
    assert_eq!((status, body["error"]["type"].as_str()), (404, Some("not_found")));
}

#[test]
fn the_emulator_speaks_the_documented_shapes() {
    let emu = emulator();
    let (status, created) = post(&emu, "/v3.5/configuration/action/create_bot_template", Some("dev-token"), r#"{"name": "Bot Name", "avatar": "example.com/avatar.jpg"}"#);
    assert_eq!(status, 200);
    assert_eq!(created.as_object().unwrap().keys().collect::<Vec<_>>(), ["id", "secret"]);
    let (_, listed) = post(&emu, "/v3.5/configuration/action/list_bot_templates", Some("dev-token"), "{}");
    assert_eq!(listed, json!([{"id": created["id"], "name": "Bot Name", "avatar_path": "example.com/avatar.jpg", "owner_client_id": "dev-client"}]));

    let batch = json!({"requests": [{"name": "A"}, {"name": ""}, {"name": "C", "max_chats_count": 3}]});
    let (status, answer) = post(&emu, "/v3.6/configuration/action/batch_create_bots", Some("dev-token"), &batch.to_string());
    assert_eq!(status, 200);
    let responses = answer["responses"].as_array().unwrap();
    assert_eq!(responses.len(), 3);
    assert!(responses[0]["id"].is_string() && responses[0]["secret"].is_string());
    assert_eq!(responses[1], json!({"error": {"type": "validation", "message": "name: must not be empty"}}));
    assert!(responses[2]["id"].is_string());
    let (status, answer) = post(&emu, "/v3.6/configuration/action/batch_delete_bots", Some("dev-token"), r#"{"requests": [{"id": "nope"}, {}]}"#);
    assert_eq!(status, 200);
    assert_eq!(answer["responses"][0]["error"]["type"], "not_found");
    assert_eq!(answer["responses"][1]["error"]["type"], "validation");
    let (status, _) = post(&emu, "/v3.6/configuration/action/batch_delete_bots", Some("dev-token"), r#"{"requests": 3}"#);
    assert_eq!(status, 400);
}

#[test]
fn a_mixed_batch_answers_each_item_like_its_single_call() {
    let emu = emulator();
    let c = client_on(&emu, "3.6");
    let created = c.batch_create_bot_agents(&[CreateBotAgent::named("One"), CreateBotAgent::named("Two")]).unwrap();
    let ids: Vec<String> = created.iter().map(|r| r.as_ref().unwrap().bot_agent_id.clone()).collect();
    assert!(created.iter().all(|r| r.as_ref().unwrap().bot_secret.is_some()));
    assert!(!format!("{created:?}").contains(created[0].as_ref().unwrap().bot_secret.as_ref().unwrap().expose()));

    let mut rename = UpdateBotAgent::new(&ids[0]);
    rename.name = Some("One+".into());
    let mut ghost = UpdateBotAgent::new("ghost");
    ghost.name = Some("Ghost".into());
    let updated = c.batch_update_bot_agents(&[rename, ghost]).unwrap();
    assert!(updated[0].is_ok());
    let single = c.remove_bot_agent("ghost").unwrap_err();
    let item = updated[1].as_ref().unwrap_err();
    assert_eq!((item.code, item.http_status, item.api_type()), (single.code, single.http_status, single.api_type()));
    assert!(item.message.starts_with("requests[1]: "), "{}", item.message);

    let removed = c.batch_remove_bot_agents(&[&ids[1], "ghost", &ids[0]]).unwrap();
    assert_eq!(removed.iter().map(Result::is_ok).collect::<Vec<_>>(), [true, false, true]);
    assert!(c.get_bot_agents(false).unwrap().is_empty());
    assert_eq!(logged(&emu, "batch_delete_bots")[0]["body"], json!({"requests": [{"id": ids[1]}, {"id": "ghost"}, {"id": ids[0]}]}));
}

#[test]
fn every_item_is_validated_before_anything_is_sent() {
    let emu = emulator();
    let c = client_on(&emu, "3.6");
    let e = c
        .batch_create_bot_agents(&[CreateBotAgent::named("A"), CreateBotAgent::named("B"), CreateBotAgent::named("C"), CreateBotAgent::named("")])
        .unwrap_err();
    assert_eq!((e.code, e.message.as_str()), (ErrorCode::Validation, "requests[3].name: must not be empty"));
    let doc = c.execute_batch_json_with(BatchAction::DeleteBots, r#"{"requests": [{"bot_agent_id": "a"}, {"id": "b"}]}"#, &CallOptions::default(), |e| e.to_document());
    assert!(doc.unwrap_err().message.starts_with("requests[1].id: unknown field"));
    let e = c.execute_template_json_with(TemplateAction::CreateBotTemplate, r#"{"name": "T", "groups": []}"#, &CallOptions::default()).unwrap_err();
    assert!(e.message.starts_with("groups: unknown field"));
    assert!(emu.requests().is_empty());
    assert!(c.batch_remove_bot_agents(&[]).unwrap().is_empty(), "an empty batch sends nothing");
    assert!(emu.requests().is_empty());
}

#[test]
fn a_lost_batch_is_sent_once_and_every_item_is_unknown() {
    for fault in [json!({"drop_connection": true}), json!({"status": 503}), json!({"delay_ms": 1500})] {
        let emu = emulator();
        let c = client(&emu, json!({"api_version": "3.6", "retry": {"max_attempts": 5, "base_delay_ms": 1}, "timeout_ms": 400}));
        let mut f = fault.clone();
        f["action"] = json!("batch_create_bots");
        emu.inject_json(&f.to_string()).unwrap();
        let items = c.batch_create_bot_agents(&[CreateBotAgent::named("A"), CreateBotAgent::named("B")]).unwrap();
        assert_eq!(items.len(), 2);
        for item in &items {
            let e = item.as_ref().unwrap_err();
            assert_eq!((e.outcome, e.attempts), (Some(Outcome::Unknown), 1), "{fault}: {e}");
        }
        wait_until(10, "the batch in the log", || !logged(&emu, "batch_create_bots").is_empty());
        assert_eq!(logged(&emu, "batch_create_bots").len(), 1, "{fault}: sent exactly once");
    }
}

#[test]
fn a_refused_batch_is_retried_and_applied_once() {
    let emu = emulator();
    let c = client_on(&emu, "3.5");
    emu.inject_json(r#"{"action": "batch_create_bots", "times": 2, "status": 429}"#).unwrap();
    let items = c.batch_create_bot_agents(&[CreateBotAgent::named("A")]).unwrap();
    assert!(items[0].is_ok());
    assert_eq!(emu.bots().len(), 1);
    // A refusal of the whole batch is each item's refusal.
    let other = client(&emu, json!({"api_version": "3.5", "token": "wrong"}));
    let items = other.batch_remove_bot_agents(&["x", "y"]).unwrap();
    assert!(items.iter().all(|i| i.as_ref().unwrap_err().api_type() == Some("authentication")));
    assert_eq!(ApiVersion::parse("3.5").unwrap(), BatchAction::CreateBots.since());
}

#[test]
fn the_json_document_has_one_entry_per_request() {
    let emu = emulator();
    let c = client_on(&emu, "3.6");
    let text = c
        .execute_batch_json_with(BatchAction::CreateBots, r#"{"requests": [{"name": "A"}, {"name": "B", "max_chats_count": 501}]}"#, &CallOptions::default(), |e| e.to_document())
        .unwrap_err();
    assert!(text.message.starts_with("requests[1].max_chats_count"));
    let text = c
        .execute_batch_json_with(BatchAction::DeleteBots, r#"{"requests": [{"bot_agent_id": "nope"}]}"#, &CallOptions::default(), |e| e.to_document())
        .unwrap();
    let doc: Value = serde_json::from_str(&text).unwrap();
    assert_eq!((doc["succeeded"].as_u64(), doc["failed"].as_u64()), (Some(0), Some(1)));
    assert_eq!(doc["responses"][0]["error"]["api_error"]["type"], "not_found");
    assert_eq!(doc["responses"][0]["error"]["http_status"], 404);
}
