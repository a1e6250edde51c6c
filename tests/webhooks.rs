//! Webhook bodies of every version: checked against the accepted secrets,
//! normalized, and refused with the right code and no secret in the message.

use livechat_bots::{verify_webhook as verify, WebhookSecrets, DEFAULT_MAX_WEBHOOK_BODY_BYTES as DEFAULT_MAX_BODY_BYTES, RENAMED_WEBHOOK_ACTIONS as RENAMED_ACTIONS};
use livechat_bots::ErrorCode;
use serde_json::{json, Value};
use std::path::PathBuf;

fn fixtures() -> Vec<(String, PathBuf)> {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/webhooks");
    let mut all = Vec::new();
    for version in std::fs::read_dir(&root).unwrap().flatten().filter(|e| e.path().is_dir()) {
        for file in std::fs::read_dir(version.path()).unwrap().flatten() {
            if file.path().extension().is_some_and(|e| e == "json") {
                all.push((version.file_name().to_string_lossy().into_owned(), file.path()));
            }
        }
    }
    all.sort();
    all
}

fn secrets() -> WebhookSecrets {
    WebhookSecrets::new(&["dummy_key"]).unwrap()
}

fn today(sent: &str) -> &str {
    RENAMED_ACTIONS.iter().find(|(old, _)| *old == sent).map_or(sent, |(_, new)| new)
}

#[test]
fn every_fixture_parses_with_todays_action_name() {
    let all = fixtures();
    assert!(all.len() >= 60, "{} fixtures", all.len());
    for (version, path) in all {
        let body = std::fs::read(&path).unwrap();
        let raw: Value = serde_json::from_slice(&body).unwrap();
        let event = verify(&body, &secrets(), DEFAULT_MAX_BODY_BYTES).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let sent = raw["action"].as_str().unwrap();
        assert_eq!(event["action_as_sent"], sent);
        assert_eq!(event["action"], today(sent), "{}", path.display());
        let payload = raw.get("payload").or_else(|| raw.get("data")).unwrap();
        assert_eq!(&event["payload"], payload);
        assert_eq!(event["webhook_id"], raw["webhook_id"]);
        assert_eq!(event["license_id"], raw.get("license_id").cloned().unwrap_or(Value::Null));
        assert_eq!(event["organization_id"], raw.get("organization_id").cloned().unwrap_or(Value::Null));
        assert!(event["dedupe_key"].as_str().unwrap().starts_with(&format!("{}/", today(sent))));
        assert!(event.get("secret_key").is_none() && !event.to_string().contains("dummy_key"), "{version}");
    }
}

#[test]
fn old_names_are_mapped_and_v3_0_reads_data() {
    let body = json!({"webhook_id": "w", "secret_key": "dummy_key", "action": "incoming_chat_thread", "data": {"chat": {"id": "C1", "thread": {"id": "T1"}}}});
    let event = verify(body.to_string().as_bytes(), &secrets(), DEFAULT_MAX_BODY_BYTES).unwrap();
    assert_eq!((event["action"].as_str(), event["action_as_sent"].as_str()), (Some("incoming_chat"), Some("incoming_chat_thread")));
    assert_eq!(event["dedupe_key"], "incoming_chat/C1/T1");
    assert_eq!(event["payload"]["chat"]["id"], "C1");
    assert_eq!(event["additional_data"], json!({}));
}

#[test]
fn unknown_actions_and_fields_pass_through_and_redeliveries_share_a_key() {
    let body = json!({"secret_key": "dummy_key", "action": "robot_dreamed", "payload": {"dream": 1}, "organization_id": "o", "novelty": [1]});
    let event = verify(body.to_string().as_bytes(), &secrets(), DEFAULT_MAX_BODY_BYTES).unwrap();
    assert_eq!((event["action"].as_str(), event["novelty"].clone()), (Some("robot_dreamed"), json!([1])));
    let again = verify(body.to_string().as_bytes(), &secrets(), DEFAULT_MAX_BODY_BYTES).unwrap();
    assert_eq!(event["dedupe_key"], again["dedupe_key"]);
    let other = json!({"secret_key": "dummy_key", "action": "robot_dreamed", "payload": {"dream": 2}});
    assert_ne!(verify(other.to_string().as_bytes(), &secrets(), DEFAULT_MAX_BODY_BYTES).unwrap()["dedupe_key"], event["dedupe_key"]);
    let first = json!({"secret_key": "dummy_key", "action": "incoming_event", "payload": {"chat_id": "C", "thread_id": "T", "event": {"id": "T_1"}}});
    let second = json!({"secret_key": "dummy_key", "action": "incoming_event", "payload": {"chat_id": "C", "thread_id": "T", "event": {"id": "T_2"}}});
    let key = |b: &Value| verify(b.to_string().as_bytes(), &secrets(), DEFAULT_MAX_BODY_BYTES).unwrap()["dedupe_key"].clone();
    assert_eq!(key(&first), "incoming_event/C/T_1");
    assert_ne!(key(&first), key(&second));
}

#[test]
fn secrets_rotate_and_a_wrong_or_missing_one_is_refused_without_echo() {
    let rotating = WebhookSecrets::new(&["new-secret-1", "old-secret-2"]).unwrap();
    let body = |secret: Value| json!({"secret_key": secret, "action": "incoming_event", "payload": {}}).to_string();
    for accepted in ["new-secret-1", "old-secret-2"] {
        assert!(verify(body(json!(accepted)).as_bytes(), &rotating, DEFAULT_MAX_BODY_BYTES).is_ok());
    }
    for (wrong, what) in [(json!("guess-secret-3"), "not one of"), (json!(7), "expected a string"), (json!("new-secret-"), "not one of")] {
        let e = verify(body(wrong.clone()).as_bytes(), &rotating, DEFAULT_MAX_BODY_BYTES).unwrap_err();
        assert_eq!(e.code, ErrorCode::SecretMismatch);
        assert!(e.message.contains(what), "{}", e.message);
        for secret in ["new-secret", "old-secret", "guess-secret"] {
            assert!(!e.to_json().contains(secret), "{}", e.to_json());
        }
    }
    let missing = json!({"action": "incoming_event", "payload": {}}).to_string();
    assert_eq!(verify(missing.as_bytes(), &rotating, DEFAULT_MAX_BODY_BYTES).unwrap_err().code, ErrorCode::SecretMismatch);
    let long = "x".repeat(1 << 20);
    let e = verify(body(json!(long)).as_bytes(), &rotating, 4 << 20).unwrap_err();
    assert_eq!(e.code, ErrorCode::SecretMismatch);
    assert!(e.message.len() < 200);
    assert_eq!(WebhookSecrets::new::<&str>(&[]).unwrap_err().code, ErrorCode::Validation);
    assert_eq!(WebhookSecrets::from_json("[]").unwrap_err().code, ErrorCode::Validation);
    assert_eq!(WebhookSecrets::from_json(r#"["a", 1]"#).unwrap_err().message, "secrets_json[1]: expected a string");
}

#[test]
fn malformed_and_oversized_bodies_get_their_own_codes() {
    let s = secrets();
    let cases: [(&[u8], ErrorCode); 8] = [
        (b"", ErrorCode::InvalidJson),
        (b"{", ErrorCode::InvalidJson),
        (b"[1]", ErrorCode::Validation),
        (b"\xff\xfe", ErrorCode::InvalidUtf8),
        (br#"{"secret_key": "dummy_key"}"#, ErrorCode::Validation),
        (br#"{"secret_key": "dummy_key", "action": "a"}"#, ErrorCode::Validation),
        (br#"{"secret_key": "dummy_key", "action": "a", "payload": [], "x": 1}"#, ErrorCode::Validation),
        (br#"{"secret_key": "dummy_key", "action": "a", "payload": {}, "license_id": "12"}"#, ErrorCode::Validation),
    ];
    for (body, code) in cases {
        assert_eq!(verify(body, &s, DEFAULT_MAX_BODY_BYTES).unwrap_err().code, code, "{}", String::from_utf8_lossy(body));
    }
    let deep = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
    assert_eq!(verify(deep.as_bytes(), &s, 1 << 20).unwrap_err().code, ErrorCode::InvalidJson);
    let big = vec![b' '; DEFAULT_MAX_BODY_BYTES + 1];
    let e = verify(&big, &s, DEFAULT_MAX_BODY_BYTES).unwrap_err();
    assert_eq!((e.code, e.message.as_str()), (ErrorCode::TooLarge, "body: 1048577 bytes; the limit is 1048576"));
    assert_eq!(verify(&big[..100], &s, 50).unwrap_err().code, ErrorCode::TooLarge);
}

#[test]
fn the_actions_a_bot_lives_on_are_typed_in_every_version() {
    use livechat_bots::{WebhookEvent, WebhookPayload};
    let typed = ["incoming_chat", "incoming_event", "event_updated", "incoming_rich_message_postback", "chat_deactivated", "chat_transferred", "routing_status_set", "user_added_to_chat", "user_removed_from_chat"];
    let mut seen = std::collections::BTreeSet::new();
    for (version, path) in fixtures() {
        let event = WebhookEvent::verify(&std::fs::read(&path).unwrap(), &secrets(), DEFAULT_MAX_BODY_BYTES).unwrap();
        let payload = event.typed_payload();
        if typed.contains(&event.action.as_str()) {
            assert!(!matches!(payload, WebhookPayload::Other(_)), "{version} {}: {payload:?}", event.action);
            seen.insert(event.action.clone());
        } else {
            assert!(matches!(payload, WebhookPayload::Other(_)));
        }
        if let WebhookPayload::IncomingEvent(e) = &payload {
            assert!(e.event["id"].is_string() && !e.chat_id.is_empty());
        }
        if let WebhookPayload::RoutingStatusSet(r) = &payload {
            assert!(!r.agent_id.is_empty() && !r.status.is_empty());
        }
    }
    assert_eq!(seen.len(), typed.len(), "{seen:?}");
}

#[test]
fn the_neutral_receiver_answers_each_case_with_its_status() {
    use livechat_bots::respond_to_webhook;
    let s = WebhookSecrets::new(&["k1"]).unwrap();
    let body = |secret: &str| json!({"secret_key": secret, "action": "incoming_event", "payload": {"chat_id": "C", "event": {"id": "E"}}}).to_string();
    let ok = |_: &livechat_bots::WebhookEvent| Ok::<(), String>(());
    assert_eq!(respond_to_webhook("POST", body("k1").as_bytes(), &s, 1 << 20, ok), (200, "{}".to_owned()));
    assert_eq!(respond_to_webhook("GET", body("k1").as_bytes(), &s, 1 << 20, ok).0, 405);
    let (status, text) = respond_to_webhook("POST", body("k2").as_bytes(), &s, 1 << 20, ok);
    assert_eq!(status, 401);
    assert!(!text.contains("k1") && !text.contains("k2"), "{text}");
    assert_eq!(respond_to_webhook("POST", b"{", &s, 1 << 20, ok).0, 400);
    assert_eq!(respond_to_webhook("POST", body("k1").as_bytes(), &s, 10, ok).0, 413);
    let failing = |_: &livechat_bots::WebhookEvent| Err::<(), _>("database down");
    let (status, text) = respond_to_webhook("POST", body("k1").as_bytes(), &s, 1 << 20, failing);
    assert_eq!((status, text.contains("database down")), (500, true));
}

#[test]
fn a_body_of_the_wrong_shape_is_named_by_its_kind_never_quoted() {
    for body in [r#""accepted-secret-AAAA""#, r#"["accepted-secret-AAAA"]"#, r#"{"secret_key": "dummy_key", "action": "a", "payload": "accepted-secret-AAAA"}"#, r#"{"secret_key": "dummy_key", "action": "a", "payload": {}, "webhook_id": ["accepted-secret-AAAA"]}"#] {
        let e = verify(body.as_bytes(), &secrets(), DEFAULT_MAX_BODY_BYTES).unwrap_err();
        assert!(!e.to_json().contains("accepted-secret"), "{}", e.to_json());
    }
}

#[test]
fn a_second_tag_transfer_or_edit_in_one_thread_is_another_event_whatever_the_field_order() {
    let key = |body: &str| verify(body.as_bytes(), &secrets(), DEFAULT_MAX_BODY_BYTES).unwrap()["dedupe_key"].as_str().unwrap().to_owned();
    let tag = |t: &str| format!(r#"{{"secret_key": "dummy_key", "action": "thread_tagged", "payload": {{"chat_id": "C", "thread_id": "T", "tag": "{t}"}}}}"#);
    assert_ne!(key(&tag("vip")), key(&tag("spam")));
    assert!(key(&tag("vip")).starts_with("thread_tagged/C/"));
    let reordered = r#"{"secret_key": "dummy_key", "action": "thread_tagged", "payload": {"tag": "vip", "thread_id": "T", "chat_id": "C"}}"#;
    assert_eq!(key(&tag("vip")), key(reordered));
    let edit = |text: &str| format!(r#"{{"secret_key": "dummy_key", "action": "event_updated", "payload": {{"chat_id": "C", "thread_id": "T", "event": {{"id": "E", "text": "{text}"}}}}}}"#);
    assert_ne!(key(&edit("one")), key(&edit("two")));
}
