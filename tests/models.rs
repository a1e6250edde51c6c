//! The typed Rust models carry every field the core accepts or answers, so
//! a field added to the allow-lists cannot be silently dropped by them.

mod c_abi;

use c_abi::schema;
use livechat_bots::{BotAgentDetails, CreateBotAgent, UpdateBotAgent};
use serde_json::Value;
use std::collections::BTreeSet;

fn names(list: &Value) -> BTreeSet<String> {
    list.as_array().unwrap().iter().map(|v| v.as_str().unwrap().to_owned()).collect()
}

/// The fields a model (de)serializes, read from a document with every field set.
fn keys(v: &Value) -> BTreeSet<String> {
    v.as_object().unwrap().keys().cloned().collect()
}

#[test]
fn request_models_have_every_field_of_every_version() {
    let s = schema();
    let create = CreateBotAgent {
        name: "n".into(),
        status: Some(livechat_bots::Status::Offline),
        avatar: Some("a".into()),
        max_chats_count: Some(1),
        groups: Some(vec![]),
        webhooks: Some(livechat_bots::Webhooks { url: "u".into(), secret_key: "k".into(), actions: vec![] }),
        default_group_priority: Some(livechat_bots::Priority::First),
        job_title: Some("j".into()),
        owner_client_id: Some("o".into()),
        timezone: Some("t".into()),
        work_scheduler: Some(Value::Object(Default::default())),
        bot_type: Some("bot".into()),
    };
    assert_eq!(keys(&serde_json::to_value(&create).unwrap()), names(&s["requests"]["create_bot_agent"]));
    let update = UpdateBotAgent {
        id: "i".into(),
        name: Some("n".into()),
        avatar: Some("a".into()),
        status: Some(livechat_bots::Status::Offline),
        max_chats_count: Some(1),
        groups: Some(vec![]),
        default_group_priority: Some(livechat_bots::Priority::First),
        webhooks: None,
        job_title: Some("j".into()),
        timezone: Some("t".into()),
        work_scheduler: Some(Value::Object(Default::default())),
    };
    let mut update_keys = keys(&serde_json::to_value(&update).unwrap());
    update_keys.insert("webhooks".into());
    assert_eq!(update_keys, names(&s["requests"]["update_bot_agent"]));
}

#[test]
fn the_details_model_keeps_every_field_the_core_answers() {
    let s = schema();
    let mut doc = serde_json::Map::new();
    for field in names(&s["results"]["bot_agent_details"]) {
        let value = match field.as_str() {
            "id" | "name" | "avatar" | "job_title" | "timezone" | "type" => Value::from("x"),
            "status" => Value::from("offline"),
            "default_group_priority" => Value::from("first"),
            "application" => serde_json::json!({"client_id": "c"}),
            "max_chats_count" => Value::from(3),
            "groups" => serde_json::json!([]),
            "webhooks" => serde_json::json!({"url": "u", "secret_key": "k", "actions": []}),
            "work_scheduler" => serde_json::json!({}),
            other => panic!("a details field with no sample here: {other}"),
        };
        doc.insert(field, value);
    }
    let details: BotAgentDetails = serde_json::from_value(Value::Object(doc.clone())).unwrap();
    assert_eq!(keys(&serde_json::to_value(&details).unwrap()), doc.keys().cloned().collect());
}
