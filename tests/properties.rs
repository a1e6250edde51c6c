//! Property tests: whatever bytes or JSON a caller sends, every entry point
//! answers with a clear error or a result, never a panic; invalid requests
//! never reach the server; and a valid request with one field broken is
//! always refused with that field's path.

mod common;
use common::*;
use livechat_bots::{EmulatorConfig, Fault};
use livechat_bots::{Action, ApiVersion, Client, ClientConfig, ErrorCode};
use once_cell::sync::Lazy;
use proptest::prelude::*;
use serde_json::{json, Value};

/// A client whose server is never there: anything that passes validation
/// fails as transport, so reaching the network is visible in the code.
static OFFLINE: Lazy<Client> = Lazy::new(|| offline(ApiVersion::V3_0));
static OFFLINE_V3_4: Lazy<Client> = Lazy::new(|| offline(ApiVersion::V3_4));

/// A client of `version` for a port nothing listens on.
fn offline(version: ApiVersion) -> Client {
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let config = json!({"token": "t", "base_url": format!("http://127.0.0.1:{port}"), "retry": {"max_attempts": 1}, "api_version": version.as_str()});
    Client::from_json(&config.to_string()).unwrap()
}

fn any_json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(|n| json!(n)),
        any::<f64>().prop_filter("finite", |f| f.is_finite()).prop_map(|f| json!(f)),
        "[a-z ]{0,12}".prop_map(Value::String),
        prop_oneof![Just("accepting chats"), Just("offline"), Just("first"), Just("supervisor")].prop_map(|s| json!(s)),
    ];
    leaf.prop_recursive(4, 32, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            prop::collection::btree_map(
                prop_oneof![
                    Just("name".to_string()), Just("status".to_string()), Just("groups".to_string()),
                    Just("id".to_string()), Just("priority".to_string()), Just("webhooks".to_string()),
                    Just("bot_agent_id".to_string()), Just("all".to_string()), Just("max_chats_count".to_string()),
                    "[a-z_]{1,8}",
                ],
                inner,
                0..5
            )
            .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

fn valid_create() -> impl Strategy<Value = Value> {
    (
        "[A-Za-z][A-Za-z ]{0,20}",
        prop_oneof![Just("accepting chats"), Just("not accepting chats"), Just("offline")],
        prop::option::of(0i64..=500),
        prop::collection::vec((any::<u64>(), prop_oneof![Just("first"), Just("normal"), Just("last")]), 0..4),
    )
        .prop_map(|(name, status, max, groups)| {
            let mut v = json!({"name": name, "status": status});
            if let Some(m) = max {
                v["max_chats_count"] = json!(m);
            }
            if !groups.is_empty() {
                v["groups"] = groups.into_iter().map(|(id, p)| json!({"id": id, "priority": p})).collect();
            }
            v
        })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_text_never_panics_any_parser(text in any::<String>()) {
        for action in Action::ALL {
            let _ = OFFLINE.execute_json(action, &text);
        }
        let _ = ClientConfig::from_json(&text);
        let _ = EmulatorConfig::from_json(&text);
        let _ = Fault::from_json(&text);
        let _ = OFFLINE.call_json("get_bot_agents", &text);
    }

    #[test]
    fn arbitrary_json_is_either_refused_before_sending_or_sent(doc in any_json()) {
        for action in Action::ALL {
            for (version, client) in [(ApiVersion::V3_0, &*OFFLINE), (ApiVersion::V3_4, &*OFFLINE_V3_4)] {
                let valid = action.validate_request(version, &doc).is_ok();
                match client.execute_json(action, &doc.to_string()) {
                    Ok(_) => prop_assert!(false, "nothing listens there"),
                    Err(e) if valid => prop_assert_eq!(e.code, ErrorCode::Transport),
                    Err(e) => {
                        prop_assert_eq!(e.code, ErrorCode::Validation);
                        prop_assert_eq!(e.attempts, 0);
                        prop_assert!(e.message.contains(": "), "{}", e.message);
                    }
                }
            }
        }
    }

    #[test]
    fn valid_creates_pass_and_one_broken_field_is_named(create in valid_create(), which in 0usize..4, bad in any_json()) {
        prop_assert!(Action::CreateBotAgent.validate_request(ApiVersion::V3_0, &create).is_ok(), "{}", create);
        let keys = ["name", "status", "max_chats_count", "groups"];
        let key = keys[which];
        let mut broken = create.clone();
        // Replace the field with a value of the wrong kind for it.
        let wrong = match key {
            "name" | "status" => if bad.is_string() { json!(1) } else { bad },
            "max_chats_count" => if bad.as_i64().is_some_and(|n| (0..=500).contains(&n)) { json!(501) } else { bad },
            _ => if bad.is_array() { json!({"x": 1}) } else { bad },
        };
        if key == "status" && wrong.as_str().is_some_and(|s| ["accepting chats", "not accepting chats", "offline"].contains(&s)) {
            return Ok(());
        }
        broken[key] = wrong;
        let e = Action::CreateBotAgent.validate_request(ApiVersion::V3_0, &broken).unwrap_err();
        prop_assert!(e.message.starts_with(key), "{} -> {}", broken, e.message);
    }

    #[test]
    fn numbers_out_of_range_are_refused(n in prop_oneof![i64::MIN..0i64, 501i64..i64::MAX], f in -1e30f64..1e30) {
        let base = json!({"name": "n", "status": "offline"});
        let mut v = base.clone();
        v["max_chats_count"] = json!(n);
        prop_assert!(Action::CreateBotAgent.validate_request(ApiVersion::V3_0, &v).is_err());
        if f.fract() != 0.0 {
            v["max_chats_count"] = json!(f);
            prop_assert!(Action::CreateBotAgent.validate_request(ApiVersion::V3_0, &v).is_err());
            v = base.clone();
            v["groups"] = json!([{"id": f, "priority": "first"}]);
            prop_assert!(Action::CreateBotAgent.validate_request(ApiVersion::V3_0, &v).is_err());
        }
    }
}

#[test]
fn hostile_documents_get_clear_errors() {
    let deep = "[".repeat(100_000) + &"]".repeat(100_000);
    let e = OFFLINE.execute_json(Action::GetBotAgents, &deep).unwrap_err();
    assert_eq!(e.code, ErrorCode::InvalidJson);
    let huge_name = format!(r#"{{"name": "{}", "status": "offline"}}"#, "a".repeat(20 * 1024 * 1024));
    assert_eq!(OFFLINE.execute_json(Action::CreateBotAgent, &huge_name).unwrap_err().code, ErrorCode::Validation);
    let above_u64 = r#"{"name":"n","status":"offline","groups":[{"id":18446744073709551616,"priority":"first"}]}"#;
    let e = OFFLINE.execute_json(Action::CreateBotAgent, above_u64).unwrap_err();
    assert!(e.message.contains("groups[0].id: expected an unsigned integer"), "{}", e.message);
    let dup = r#"{"name":"n","status":"offline","name":"m"}"#;
    assert_eq!(OFFLINE.execute_json(Action::CreateBotAgent, dup).unwrap_err().code, ErrorCode::InvalidJson);
    for truncated in ["", "{", r#"{"name":"#, r#"{"all": tru"#, "nul", "\u{feff}{}"] {
        assert_eq!(OFFLINE.execute_json(Action::GetBotAgents, truncated).unwrap_err().code, ErrorCode::InvalidJson, "{truncated:?}");
    }
    let long_key = format!(r#"{{"{}": true}}"#, "k".repeat(9 * 1024 * 1024));
    let e = OFFLINE.execute_json(Action::GetBotAgents, &long_key).unwrap_err();
    assert!(e.message.len() < 200 && e.message.contains("unknown field"), "a long key is cut: {} bytes", e.message.len());
    let e = OFFLINE.execute_json(Action::GetBotAgents, "{\"a\\u0000\": 1}").unwrap_err();
    assert!(e.message.starts_with("\"a\\u0000\": unknown field"), "an odd key is quoted: {}", e.message);
    let e = OFFLINE.execute_json(Action::GetBotAgents, "\u{feff}{}").unwrap_err();
    assert!(e.message.contains("byte order mark"), "{}", e.message);
    let e = OFFLINE.call_json(&"a".repeat(101), "{}").unwrap_err();
    assert!(e.message.contains("1 to 100"), "{}", e.message);
    // And none of it reached a server: the emulator would have logged it.
    let emu = emulator();
    let c = client(&emu, json!({}));
    let _ = c.execute_json(Action::CreateBotAgent, &huge_name);
    let _ = c.execute_json(Action::GetBotAgents, &deep);
    assert!(emu.requests().is_empty());
}
