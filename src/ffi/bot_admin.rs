//! The Configuration API actions a bot needs beyond the five, through the
//! C ABI: its token and secret (v3.5+) and the webhooks registry (v3.3+),
//! on a client handle.

use crate::configuration::bot_admin::AdminAction;
use crate::ffi::client::{lcbot_client, with_request};
use crate::ffi::options::lcbot_call_options;
use crate::ffi::status::lcbot_status;
use std::os::raw::c_char;

/// Runs one bot-admin action.
unsafe fn admin(
    client: *const lcbot_client,
    action: AdminAction,
    request_json: *const c_char,
    options: *const lcbot_call_options,
    out: *mut *mut c_char,
) -> lcbot_status {
    with_request(client, request_json, options, out, |c, request, options| c.execute_admin_json_with(action, request, options))
}

/// `issue_bot_token` (v3.5+): `{"bot_id", "client_id", "bot_secret",
/// "organization_id"}` -> `{"token": "..."}`, valid 24 hours. An
/// `lcbot_bot` gets and renews its own token: call this only to hand a
/// token to another program, and treat the answer as a secret.
///
/// # Safety
/// `client` a live handle or NULL; `request_json` NULL or a NUL-terminated
/// string; `options` NULL or a valid `lcbot_call_options`; `out` NULL or
/// valid for one pointer write.
#[no_mangle]
pub unsafe extern "C" fn lcbot_issue_bot_token(
    client: *const lcbot_client,
    request_json: *const c_char,
    options: *const lcbot_call_options,
    out: *mut *mut c_char,
) -> lcbot_status {
    admin(client, AdminAction::IssueBotToken, request_json, options, out)
}

/// `reset_bot_secret` (v3.5+): `{"id", "owner_client_id"?}` -> `{"secret": "..."}`.
/// The bot's tokens stop working; make a new `lcbot_bot` with the new secret.
///
/// # Safety
/// As for `lcbot_issue_bot_token`.
#[no_mangle]
pub unsafe extern "C" fn lcbot_reset_bot_secret(
    client: *const lcbot_client,
    request_json: *const c_char,
    options: *const lcbot_call_options,
    out: *mut *mut c_char,
) -> lcbot_status {
    admin(client, AdminAction::ResetBotSecret, request_json, options, out)
}

/// `register_webhook` (v3.3+): `{"action", "secret_key", "url", "type": "bot"|"license",
/// "owner_client_id", "additional_data"?, "description"?, "filters"?}` -> `{"id": "..."}`.
///
/// # Safety
/// As for `lcbot_issue_bot_token`.
#[no_mangle]
pub unsafe extern "C" fn lcbot_register_webhook(
    client: *const lcbot_client,
    request_json: *const c_char,
    options: *const lcbot_call_options,
    out: *mut *mut c_char,
) -> lcbot_status {
    admin(client, AdminAction::RegisterWebhook, request_json, options, out)
}

/// `list_webhooks` (v3.3+): `{"owner_client_id"}` -> `[{"id", "url", "action", ...}]`.
///
/// # Safety
/// As for `lcbot_issue_bot_token`.
#[no_mangle]
pub unsafe extern "C" fn lcbot_list_webhooks(
    client: *const lcbot_client,
    request_json: *const c_char,
    options: *const lcbot_call_options,
    out: *mut *mut c_char,
) -> lcbot_status {
    admin(client, AdminAction::ListWebhooks, request_json, options, out)
}

/// `unregister_webhook` (v3.3+): `{"id", "owner_client_id"}` -> `{}`.
///
/// # Safety
/// As for `lcbot_issue_bot_token`.
#[no_mangle]
pub unsafe extern "C" fn lcbot_unregister_webhook(
    client: *const lcbot_client,
    request_json: *const c_char,
    options: *const lcbot_call_options,
    out: *mut *mut c_char,
) -> lcbot_status {
    admin(client, AdminAction::UnregisterWebhook, request_json, options, out)
}
