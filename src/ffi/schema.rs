//! The core's field lists, for the model-drift tests of every language.

use crate::configuration::actions::{self, Action};
use crate::ffi::boundary::guard;
use crate::ffi::status::lcbot_status;
use crate::version::ApiVersion;
use std::os::raw::c_char;

/// Writes to `*out` the fields the core knows:
/// `{"requests": {action: [every field any version accepts]},
///   "results": {"create_bot_agent": [...], "bot_agent": [...], "bot_agent_details": [...]},
///   "versions": {"3.0": {action: [fields]}, ...},
///   "webhooks": {"renamed_actions": {"incoming_chat_thread": "incoming_chat", ...},
///                "actions": [register_webhook's actions], "types": ["bot", "license"]},
///   "bots": {"actions": [...], "routing_statuses": [...], "event_types": [...],
///            "visibilities": [...], "max_message_bytes": 16384}}`.
/// Free it with `lcbot_string_free`.
///
/// # Safety
/// `out` must be NULL or valid for one pointer write.
#[no_mangle]
pub unsafe extern "C" fn lcbot_schema(out: *mut *mut c_char) -> lcbot_status {
    guard(out, || Ok(Some(schema().to_string())))
}

/// The field lists of every room, each action's request fields by version and in
/// all, and the webhook action renames: what the typed models of every
/// language are tested against, and what the wrappers read instead of
/// keeping copies.
fn schema() -> serde_json::Value {
    let mut requests = serde_json::Map::new();
    let mut versions = serde_json::Map::new();
    for action in Action::ALL {
        let mut union: Vec<&str> = Vec::new();
        for version in ApiVersion::ALL {
            let fields = action.request_fields(version);
            for f in &fields {
                if !union.contains(f) {
                    union.push(f);
                }
            }
            let entry = versions.entry(version.as_str()).or_insert_with(|| serde_json::Value::Object(Default::default()));
            entry[action.name()] = serde_json::json!(fields);
        }
        requests.insert(action.name().into(), serde_json::json!(union));
    }
    serde_json::json!({
        "requests": requests,
        "results": {
            "create_bot_agent": actions::CREATED_FIELDS,
            "bot_agent": actions::SUMMARY_FIELDS,
            "bot_agent_details": actions::DETAILS_FIELDS,
        },
        "versions": versions,
        "webhooks": {
            "renamed_actions": crate::webhooks::verify::RENAMED_ACTIONS.iter().map(|(old, new)| (old.to_string(), serde_json::Value::from(*new))).collect::<serde_json::Map<_, _>>(),
            "actions": crate::configuration::bot_admin::WEBHOOK_ACTIONS.as_slice(),
            "types": crate::configuration::bot_admin::WEBHOOK_TYPES,
        },
        "bots": {
            "actions": crate::agent_chat::actions::ChatAction::ALL.map(|a| a.name()),
            "routing_statuses": crate::agent_chat::actions::ROUTING_STATUSES,
            "event_types": crate::agent_chat::actions::EVENT_TYPES,
            "visibilities": crate::agent_chat::actions::VISIBILITIES,
            "max_message_bytes": crate::agent_chat::actions::MAX_MESSAGE_BYTES,
        },
    })
}
