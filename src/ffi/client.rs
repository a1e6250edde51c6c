//! The client handle of the C ABI and the Configuration API's bot actions on
//! it (the five, and the untyped `lcbot_call`): pointers and strings in,
//! documents out.

use crate::configuration::actions::Action;
use crate::ffi::boundary::{arg_ref, arg_str, guard, guard_void, new_handle};
use crate::ffi::callbacks::{lcbot_notice_handler, lcbot_token_provider, notice_handler, token_provider};
use crate::ffi::options::{lcbot_call_options, read_call_options};
use crate::ffi::status::lcbot_status;
use crate::error::Result;
use crate::http::cancel::{CallOptions, CancelToken};
use crate::http::client::Client;
use crate::http::config::ClientConfig;
use std::ffi::c_void;
use std::os::raw::c_char;

/// An opaque client handle. Create with `lcbot_client_new`, free with
/// `lcbot_client_free`. Calls that take `const lcbot_client *` may run from many
/// threads at once.
#[allow(non_camel_case_types)]
pub struct lcbot_client {
    /// Shared with the bots made from it, which keep it alive.
    pub(crate) client: std::sync::Arc<Client>,
    /// Fired by `lcbot_client_free`: cancels the client's queued calls.
    pub(crate) queued: CancelToken,
}

/// Creates a client from a config document, e.g. `{"token": "..."}`.
/// Each of `base_url`, `token`, `api_version` and `region` the document
/// leaves out comes from `LIVECHAT_BASE_URL`, `LIVECHAT_TOKEN`,
/// `LIVECHAT_API_VERSION` or `LIVECHAT_REGION` when that is set and not
/// empty; what the document says always wins.
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
) -> lcbot_status {
    new_handle(client_out, "client_out", error_out, || {
        let config = ClientConfig::from_json_with_environment(arg_str(config_json, "config_json")?)?;
        Ok(lcbot_client { client: std::sync::Arc::new(Client::new(config)?), queued: CancelToken::new() })
    })
}

/// Frees a client. NULL is allowed. No blocking call on it may be in
/// flight; its queued calls still in flight complete as
/// `LCBOT_ERR_CANCELLED` (a write that may have been sent with
/// `"outcome": "unknown"`). Bots made from it keep working: they hold the
/// client until they are freed.
///
/// # Safety
/// `client` must be NULL or a handle from `lcbot_client_new`, not yet freed.
#[no_mangle]
pub unsafe extern "C" fn lcbot_client_free(client: *mut lcbot_client) {
    if !client.is_null() {
        guard_void(|| {
            let client = Box::from_raw(client);
            client.queued.cancel();
            drop(client)
        });
    }
}

/// The body of every call that takes a client, a request document and call
/// options: the arguments checked inside the guard, then `call`.
pub(crate) unsafe fn with_request(
    client: *const lcbot_client,
    request_json: *const c_char,
    options: *const lcbot_call_options,
    out: *mut *mut c_char,
    call: impl FnOnce(&Client, &str, &CallOptions) -> Result<String>,
) -> lcbot_status {
    guard(out, || {
        let c = arg_ref(client, "client")?;
        let request = arg_str(request_json, "request_json")?;
        let options = read_call_options(options)?;
        call(&c.client, request, &options).map(Some)
    })
}

/// Runs one typed action.
unsafe fn run(
    client: *const lcbot_client,
    action: Action,
    request_json: *const c_char,
    options: *const lcbot_call_options,
    out: *mut *mut c_char,
) -> lcbot_status {
    with_request(client, request_json, options, out, |c, request, options| c.execute_json_with(action, request, options))
}

/// `create_bot_agent`: `{"name", "status", ...}` -> `{"bot_agent_id": "..."}`,
/// plus `"bot_secret"` from v3.5: the secret the bot gets its own token
/// with. LiveChat shows it once; treat it like a token.
///
/// Every call function takes `options`: NULL for the client's settings, or
/// an `lcbot_call_options` with a per-call timeout or a cancel token.
///
/// # Safety
/// `client` must be a live handle or NULL; `request_json` NULL or a
/// NUL-terminated string; `options` NULL or a valid `lcbot_call_options`;
/// `out` NULL or valid for one pointer write.
#[no_mangle]
pub unsafe extern "C" fn lcbot_create_bot_agent(
    client: *const lcbot_client,
    request_json: *const c_char,
    options: *const lcbot_call_options,
    out: *mut *mut c_char,
) -> lcbot_status {
    run(client, Action::CreateBotAgent, request_json, options, out)
}

/// `remove_bot_agent`: `{"bot_agent_id": "..."}` -> `{}`.
///
/// # Safety
/// As for `lcbot_create_bot_agent`.
#[no_mangle]
pub unsafe extern "C" fn lcbot_remove_bot_agent(
    client: *const lcbot_client,
    request_json: *const c_char,
    options: *const lcbot_call_options,
    out: *mut *mut c_char,
) -> lcbot_status {
    run(client, Action::RemoveBotAgent, request_json, options, out)
}

/// `update_bot_agent`: `{"id": "...", ...fields to change}` -> `{}`.
///
/// # Safety
/// As for `lcbot_create_bot_agent`.
#[no_mangle]
pub unsafe extern "C" fn lcbot_update_bot_agent(
    client: *const lcbot_client,
    request_json: *const c_char,
    options: *const lcbot_call_options,
    out: *mut *mut c_char,
) -> lcbot_status {
    run(client, Action::UpdateBotAgent, request_json, options, out)
}

/// `get_bot_agents`: `{"all": false}` (or `{}`) -> `{"bot_agents": [...]}`.
///
/// # Safety
/// As for `lcbot_create_bot_agent`.
#[no_mangle]
pub unsafe extern "C" fn lcbot_get_bot_agents(
    client: *const lcbot_client,
    request_json: *const c_char,
    options: *const lcbot_call_options,
    out: *mut *mut c_char,
) -> lcbot_status {
    run(client, Action::GetBotAgents, request_json, options, out)
}

/// `get_bot_agent_details`: `{"bot_agent_id": "..."}` -> `{"bot_agent": {...}}`.
///
/// # Safety
/// As for `lcbot_create_bot_agent`.
#[no_mangle]
pub unsafe extern "C" fn lcbot_get_bot_agent_details(
    client: *const lcbot_client,
    request_json: *const c_char,
    options: *const lcbot_call_options,
    out: *mut *mut c_char,
) -> lcbot_status {
    run(client, Action::GetBotAgentDetails, request_json, options, out)
}

/// Sends any Configuration API action (`action` of `[a-z0-9_]`) with
/// `payload_json` (an object) shaped for the client's version, and returns
/// whatever JSON value it answered (an object, a v3.3+ list's bare array,
/// `{}` for an empty body). Not validated beyond that; retried only when
/// the server surely did not act on it.
///
/// # Safety
/// As for `lcbot_create_bot_agent`; `action` must be a NUL-terminated string.
#[no_mangle]
pub unsafe extern "C" fn lcbot_call(
    client: *const lcbot_client,
    action: *const c_char,
    payload_json: *const c_char,
    options: *const lcbot_call_options,
    out: *mut *mut c_char,
) -> lcbot_status {
    guard(out, || {
        let c = arg_ref(client, "client")?;
        let action = arg_str(action, "action")?;
        #[cfg(feature = "test-hooks")]
        crate::ffi::test_hooks::maybe_panic(action);
        let payload = arg_str(payload_json, "payload_json")?;
        let options = read_call_options(options)?;
        c.client.call_json_with(action, payload, &options).map(Some)
    })
}

/// Replaces the client's credentials, `{"token": ..., "token_type": "Bearer"}`
/// with the rules of the config's `token` and `token_type` (Bearer when
/// absent). Calls that start afterwards use them; calls in flight finish with
/// the old ones. Safe while other threads make calls.
///
/// # Safety
/// `client` must be a live handle or NULL; `credentials_json` NULL or a
/// NUL-terminated string; `error_out` NULL or valid for one pointer write.
#[no_mangle]
pub unsafe extern "C" fn lcbot_client_set_credentials(
    client: *const lcbot_client,
    credentials_json: *const c_char,
    error_out: *mut *mut c_char,
) -> lcbot_status {
    guard(error_out, || {
        let c = arg_ref(client, "client")?;
        let (token, token_type) = crate::http::config::credentials_from_json(arg_str(credentials_json, "credentials_json")?)?;
        c.client.set_credentials(token.expose(), token_type)?;
        Ok(None)
    })
}

/// Sets the function asked for a new token when LiveChat answers
/// `authentication` (NULL removes it). It runs on the thread of the blocking
/// call that was refused (for a queued call, on a library thread beside the
/// I/O thread), at most once per call, never two at once for one client, and
/// once for all the calls refused with the same token; the call is then
/// repeated with the new token (safe for writes: a refused token means
/// nothing was done). It must not make calls of this library on the thread
/// it runs on. `user_data` is passed back as given and must stay valid while
/// the provider is set.
///
/// # Safety
/// `client` must be a live handle or NULL; `provider` NULL or a function
/// safe to call from any thread that calls this client; `error_out` NULL or
/// valid for one pointer write.
#[no_mangle]
pub unsafe extern "C" fn lcbot_client_set_token_provider(
    client: *const lcbot_client,
    provider: lcbot_token_provider,
    user_data: *mut c_void,
    error_out: *mut *mut c_char,
) -> lcbot_status {
    guard(error_out, || {
        let c = arg_ref(client, "client")?;
        c.client.set_token_provider(provider.map(|f| token_provider(f, user_data)));
        Ok(None)
    })
}

/// Sets the function told when the client's API version is legacy or
/// deprecated (NULL removes it): once per client and kind, on the thread of
/// the call whose answer said so (for a queued call, the I/O thread: return
/// quickly), with a document
/// `{"kind": "legacy"|"deprecated", "api_version", "until", "message"}`
/// valid only during the call. It must not call into the same client.
///
/// # Safety
/// As for `lcbot_client_set_token_provider`.
#[no_mangle]
pub unsafe extern "C" fn lcbot_client_set_notice_handler(
    client: *const lcbot_client,
    handler: lcbot_notice_handler,
    user_data: *mut c_void,
    error_out: *mut *mut c_char,
) -> lcbot_status {
    guard(error_out, || {
        let c = arg_ref(client, "client")?;
        c.client.notices().set_handler(handler.map(|f| notice_handler(f, user_data)));
        Ok(None)
    })
}

/// Writes to `*out` the notices seen so far, a JSON array of the documents
/// `lcbot_client_set_notice_handler` describes (`[]` when none).
///
/// # Safety
/// `client` must be a live handle or NULL; `out` NULL or valid for one
/// pointer write.
#[no_mangle]
pub unsafe extern "C" fn lcbot_client_notices(client: *const lcbot_client, out: *mut *mut c_char) -> lcbot_status {
    guard(out, || {
        let c = arg_ref(client, "client")?;
        let all: Vec<serde_json::Value> = c.client.notices().all().iter().map(|n| n.to_json()).collect();
        Ok(Some(serde_json::Value::Array(all).to_string()))
    })
}
