//! The core's field lists, for the model-drift tests of every language.

use crate::ffi::boundary::guard;
use crate::ffi::status::lcbot_status;
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
    guard(out, || Ok(Some(crate::actions::schema().to_string())))
}
