//! The bot handle of the C ABI: act as one bot on the Agent Chat Web API.

use crate::agent_chat::actions::ChatAction;
use crate::agent_chat::bot::Bot;
use crate::ffi::boundary::{arg_ref, arg_str, guard, guard_void, new_handle};
use crate::ffi::client::lcbot_client;
use crate::ffi::options::{lcbot_call_options, read_call_options};
use crate::ffi::status::lcbot_status;
use std::os::raw::c_char;

/// An opaque bot handle: one bot acting through a client. Create with
/// `lcbot_bot_new`, free with `lcbot_bot_free`. Calls that take
/// `const lcbot_bot *` may run from many threads at once. The bot holds its
/// client: the client may be freed first.
#[allow(non_camel_case_types)]
pub struct lcbot_bot {
    /// Shared with the bot's queued calls while they run.
    pub(crate) bot: std::sync::Arc<Bot>,
    /// Fired by `lcbot_bot_free`: cancels the bot's queued calls.
    pub(crate) queued: crate::http::cancel::CancelToken,
}

/// Makes a bot from a client and the bot's identity:
/// `{"bot_agent_id": "...", "bot_secret": "...", "client_id": "...",
/// "organization_id": "..."}`. On v3.0 to v3.4 only `bot_agent_id` is used
/// (named by `author_id` in v3.0 bodies, by `X-Author-Id` from v3.1). On
/// v3.6, and on v3.5 when `bot_secret` is given, the bot gets its own token
/// with `issue_bot_token` (all four fields required), keeps it in memory
/// only, and renews it before it expires and once after LiveChat refuses it.
/// On failure `*bot_out` is NULL and `*error_out` an error document.
///
/// # Safety
/// `client` a live handle or NULL; `identity_json` NULL or a NUL-terminated
/// string; the out pointers NULL or valid for one pointer write.
#[no_mangle]
pub unsafe extern "C" fn lcbot_bot_new(
    client: *const lcbot_client,
    identity_json: *const c_char,
    bot_out: *mut *mut lcbot_bot,
    error_out: *mut *mut c_char,
) -> lcbot_status {
    new_handle(bot_out, "bot_out", error_out, || {
        let c = arg_ref(client, "client")?;
        let identity = arg_str(identity_json, "identity_json")?;
        let bot = std::sync::Arc::new(Bot::from_json(c.client.clone(), identity)?);
        Ok(lcbot_bot { bot, queued: crate::http::cancel::CancelToken::new() })
    })
}

/// Frees a bot (and its token). NULL is allowed. No blocking call on it may
/// be in flight; its queued calls still in flight complete as
/// `LCBOT_ERR_CANCELLED`.
///
/// # Safety
/// `bot` must be NULL or a handle from `lcbot_bot_new`, not yet freed.
#[no_mangle]
pub unsafe extern "C" fn lcbot_bot_free(bot: *mut lcbot_bot) {
    if !bot.is_null() {
        guard_void(|| {
            let bot = Box::from_raw(bot);
            bot.queued.cancel();
            drop(bot)
        });
    }
}

pub(crate) unsafe fn run(
    bot: *const lcbot_bot,
    action: ChatAction,
    request_json: *const c_char,
    options: *const lcbot_call_options,
    out: *mut *mut c_char,
) -> lcbot_status {
    guard(out, || {
        let b = arg_ref(bot, "bot")?;
        let request = arg_str(request_json, "request_json")?;
        let options = read_call_options(options)?;
        b.bot.execute_json_with(action, request, &options).map(Some)
    })
}

/// `set_routing_status`: `{"status": "accepting_chats"|"not_accepting_chats"|"offline",
/// "agent_id"?}` (the bot itself by default) -> `{}`. On v3.0/3.1 it is sent
/// as `update_bot_agent`'s `status` ("accepting chats"...).
///
/// Every bot call takes today's (v3.6) names and shapes, translated for the
/// client's version, and answers in today's shape.
///
/// # Safety
/// `bot` a live handle or NULL; `request_json` NULL or a NUL-terminated
/// string; `options` NULL or a valid `lcbot_call_options`; `out` NULL or
/// valid for one pointer write.
#[no_mangle]
pub unsafe extern "C" fn lcbot_bot_set_routing_status(
    bot: *const lcbot_bot,
    request_json: *const c_char,
    options: *const lcbot_call_options,
    out: *mut *mut c_char,
) -> lcbot_status {
    run(bot, ChatAction::SetRoutingStatus, request_json, options, out)
}

/// `send_event`: `{"chat_id", "event": {"type": "message", "text": "...",
/// "visibility": "all"}}` (also `rich_message`, `system_message`) ->
/// `{"event_id": "..."}`. A write: never sent twice unless it surely did not
/// reach LiveChat.
///
/// # Safety
/// As for `lcbot_bot_set_routing_status`.
#[no_mangle]
pub unsafe extern "C" fn lcbot_bot_send_event(
    bot: *const lcbot_bot,
    request_json: *const c_char,
    options: *const lcbot_call_options,
    out: *mut *mut c_char,
) -> lcbot_status {
    run(bot, ChatAction::SendEvent, request_json, options, out)
}

/// `list_chats`: `{"filters"?, "sort_order"?, "limit"?}` or `{"page_id"}` ->
/// `{"chats_summary": [...], "found_chats": N, "next_page_id"?}`.
///
/// # Safety
/// As for `lcbot_bot_set_routing_status`.
#[no_mangle]
pub unsafe extern "C" fn lcbot_bot_list_chats(
    bot: *const lcbot_bot,
    request_json: *const c_char,
    options: *const lcbot_call_options,
    out: *mut *mut c_char,
) -> lcbot_status {
    run(bot, ChatAction::ListChats, request_json, options, out)
}

/// `get_chat`: `{"chat_id", "thread_id"?}` -> `{"id", "thread", "users", ...}`.
///
/// # Safety
/// As for `lcbot_bot_set_routing_status`.
#[no_mangle]
pub unsafe extern "C" fn lcbot_bot_get_chat(
    bot: *const lcbot_bot,
    request_json: *const c_char,
    options: *const lcbot_call_options,
    out: *mut *mut c_char,
) -> lcbot_status {
    run(bot, ChatAction::GetChat, request_json, options, out)
}

/// `transfer_chat`: `{"id", "target"?: {"type": "group"|"agent", "ids"},
/// "ignore_agents_availability"?, "ignore_requester_presence"?}` -> `{}`.
///
/// # Safety
/// As for `lcbot_bot_set_routing_status`.
#[no_mangle]
pub unsafe extern "C" fn lcbot_bot_transfer_chat(
    bot: *const lcbot_bot,
    request_json: *const c_char,
    options: *const lcbot_call_options,
    out: *mut *mut c_char,
) -> lcbot_status {
    run(bot, ChatAction::TransferChat, request_json, options, out)
}

/// `deactivate_chat`: `{"id", "ignore_requester_presence"?}` -> `{}`.
///
/// # Safety
/// As for `lcbot_bot_set_routing_status`.
#[no_mangle]
pub unsafe extern "C" fn lcbot_bot_deactivate_chat(
    bot: *const lcbot_bot,
    request_json: *const c_char,
    options: *const lcbot_call_options,
    out: *mut *mut c_char,
) -> lcbot_status {
    run(bot, ChatAction::DeactivateChat, request_json, options, out)
}

/// `list_routing_statuses` (v3.2+): `{"filters"?: {"group_ids": [...]}}` ->
/// `[{"agent_id", "status"}]`.
///
/// # Safety
/// As for `lcbot_bot_set_routing_status`.
#[no_mangle]
pub unsafe extern "C" fn lcbot_bot_list_routing_statuses(
    bot: *const lcbot_bot,
    request_json: *const c_char,
    options: *const lcbot_call_options,
    out: *mut *mut c_char,
) -> lcbot_status {
    run(bot, ChatAction::ListRoutingStatuses, request_json, options, out)
}

/// Any Agent Chat action as this bot (`action` of `[a-z0-9_]`), with
/// `payload_json` (an object) sent as given in the client's version, the
/// bot named as that version requires. Answers what LiveChat answered (`{}`
/// for an empty body). Retried only when the server surely did not act on it.
///
/// # Safety
/// `bot` a live handle or NULL; `action` and `payload_json` NULL or
/// NUL-terminated strings; `options` NULL or a valid `lcbot_call_options`;
/// `out` NULL or valid for one pointer write.
#[no_mangle]
pub unsafe extern "C" fn lcbot_bot_call(
    bot: *const lcbot_bot,
    action: *const c_char,
    payload_json: *const c_char,
    options: *const lcbot_call_options,
    out: *mut *mut c_char,
) -> lcbot_status {
    guard(out, || {
        let b = arg_ref(bot, "bot")?;
        let action = arg_str(action, "action")?;
        let payload = arg_str(payload_json, "payload_json")?;
        let options = read_call_options(options)?;
        b.bot.call_json_with(action, payload, &options).map(Some)
    })
}
