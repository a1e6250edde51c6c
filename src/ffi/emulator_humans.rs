//! The emulator's human agents, from C: answer as one, list them.

use crate::ffi::boundary::{arg_ref, arg_str, guard};
use crate::ffi::emulator::lcbot_emulator;
use crate::ffi::status::lcbot_status;
use std::os::raw::c_char;

/// Plays a human agent (of the config's `agents`) writing in a chat routed
/// to them: `request_json` `{"chat_id", "agent_id", "text"}`; `*out` is
/// `{"event_id"}`. An agent not in the chat is a `validation` error naming
/// `agent_id`.
///
/// # Safety
/// As `lcbot_emulator_start_chat`.
#[no_mangle]
pub unsafe extern "C" fn lcbot_emulator_agent_send_message(
    emulator: *const lcbot_emulator,
    request_json: *const c_char,
    out: *mut *mut c_char,
) -> lcbot_status {
    guard(out, || {
        let e = arg_ref(emulator, "emulator")?;
        e.emulator.agent_send_message_json(arg_str(request_json, "request_json")?).map(Some)
    })
}

/// Writes to `*out` the human agents: `{"agents": [{"id", "name",
/// "groups", "max_chats", "chats": [active chat ids]}]}`.
///
/// # Safety
/// `emulator` a live handle or NULL; `out` NULL or valid for one pointer write.
#[no_mangle]
pub unsafe extern "C" fn lcbot_emulator_agents(emulator: *const lcbot_emulator, out: *mut *mut c_char) -> lcbot_status {
    guard(out, || Ok(Some(arg_ref(emulator, "emulator")?.emulator.agents().to_string())))
}
