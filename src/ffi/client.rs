//! The client half of the C ABI: pointers and strings in, documents out.

use crate::actions::Action;
use crate::client::Client;
use crate::ffi::boundary::{arg_ref, arg_str, guard, guard_void, new_handle};
use std::os::raw::c_char;

/// An opaque client handle. Create with `lcbot_client_new`, free with
/// `lcbot_client_free`. Calls that take `const lcbot_client *` may run from many
/// threads at once.
#[allow(non_camel_case_types)]
pub struct lcbot_client {
    client: Client,
}

/// Creates a client from a config document, e.g. `{"token": "..."}`.
/// On success `*client_out` is the new handle and `*error_out` is NULL; on
/// failure `*client_out` is NULL and `*error_out` an error document to free
/// with `lcbot_string_free`.
///
/// # Safety
/// `config_json` must be NULL or a NUL-terminated string; `client_out` and
/// `error_out` must be NULL or valid for one pointer write.
#[no_mangle]
pub unsafe extern "C" fn lcbot_client_new(
    config_json: *const c_char,
    client_out: *mut *mut lcbot_client,
    error_out: *mut *mut c_char,
) -> i32 {
    new_handle(client_out, "client_out", error_out, || {
        Ok(lcbot_client { client: Client::from_json(arg_str(config_json, "config_json")?)? })
    })
}

/// Frees a client. NULL is allowed. No call on it may be in flight.
///
/// # Safety
/// `client` must be NULL or a handle from `lcbot_client_new`, not yet freed.
#[no_mangle]
pub unsafe extern "C" fn lcbot_client_free(client: *mut lcbot_client) {
    if !client.is_null() {
        guard_void(|| drop(Box::from_raw(client)));
    }
}

/// Runs one typed action.
unsafe fn run(client: *const lcbot_client, action: Action, request_json: *const c_char, out: *mut *mut c_char) -> i32 {
    guard(out, || {
        let c = arg_ref(client, "client")?;
        let request = arg_str(request_json, "request_json")?;
        c.client.execute_json(action, request).map(Some)
    })
}

/// `create_bot_agent`: `{"name", "status", ...}` -> `{"bot_agent_id": "..."}`.
///
/// # Safety
/// `client` must be a live handle or NULL; `request_json` NULL or a
/// NUL-terminated string; `out` NULL or valid for one pointer write.
#[no_mangle]
pub unsafe extern "C" fn lcbot_create_bot_agent(client: *const lcbot_client, request_json: *const c_char, out: *mut *mut c_char) -> i32 {
    run(client, Action::CreateBotAgent, request_json, out)
}

/// `remove_bot_agent`: `{"bot_agent_id": "..."}` -> `{}`.
///
/// # Safety
/// As for `lcbot_create_bot_agent`.
#[no_mangle]
pub unsafe extern "C" fn lcbot_remove_bot_agent(client: *const lcbot_client, request_json: *const c_char, out: *mut *mut c_char) -> i32 {
    run(client, Action::RemoveBotAgent, request_json, out)
}

/// `update_bot_agent`: `{"id": "...", ...fields to change}` -> `{}`.
///
/// # Safety
/// As for `lcbot_create_bot_agent`.
#[no_mangle]
pub unsafe extern "C" fn lcbot_update_bot_agent(client: *const lcbot_client, request_json: *const c_char, out: *mut *mut c_char) -> i32 {
    run(client, Action::UpdateBotAgent, request_json, out)
}

/// `get_bot_agents`: `{"all": false}` (or `{}`) -> `{"bot_agents": [...]}`.
///
/// # Safety
/// As for `lcbot_create_bot_agent`.
#[no_mangle]
pub unsafe extern "C" fn lcbot_get_bot_agents(client: *const lcbot_client, request_json: *const c_char, out: *mut *mut c_char) -> i32 {
    run(client, Action::GetBotAgents, request_json, out)
}

/// `get_bot_agent_details`: `{"bot_agent_id": "..."}` -> `{"bot_agent": {...}}`.
///
/// # Safety
/// As for `lcbot_create_bot_agent`.
#[no_mangle]
pub unsafe extern "C" fn lcbot_get_bot_agent_details(
    client: *const lcbot_client,
    request_json: *const c_char,
    out: *mut *mut c_char,
) -> i32 {
    run(client, Action::GetBotAgentDetails, request_json, out)
}

/// Sends any Configuration API action (`action` of `[a-z0-9_]`) with
/// `payload_json` (an object) shaped for the client's
/// version, and returns the answer as it came. Not validated beyond that;
/// retried only when the server surely did not act on it.
///
/// # Safety
/// As for `lcbot_create_bot_agent`; `action` must be a NUL-terminated string.
#[no_mangle]
pub unsafe extern "C" fn lcbot_call(
    client: *const lcbot_client,
    action: *const c_char,
    payload_json: *const c_char,
    out: *mut *mut c_char,
) -> i32 {
    guard(out, || {
        let c = arg_ref(client, "client")?;
        let action = arg_str(action, "action")?;
        crate::ffi::test_hooks::maybe_panic(action);
        let payload = arg_str(payload_json, "payload_json")?;
        c.client.call_json(action, payload).map(Some)
    })
}
