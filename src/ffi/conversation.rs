//! A bot's conversation actions in the C ABI: indicators, an event preview,
//! thread tags, chat and thread properties, seen events and the customer.
//! Each takes today's (v3.6) request, refuses an action the client's
//! version lacks before sending (naming the first version that has it),
//! and answers in today's shape, as the other bot calls do.

use crate::agent_chat::actions::ChatAction;
use crate::ffi::agent_chat::{lcbot_bot, run};
use crate::ffi::options::lcbot_call_options;
use crate::ffi::status::lcbot_status;
use std::os::raw::c_char;

/// `send_typing_indicator` (v3.2+): `{"chat_id", "is_typing": true|false,
/// "visibility"?: "all"|"agents"}` -> `{}`. Shows (or hides) "typing..." to
/// the customer; LiveChat hides it by itself after a few seconds.
///
/// # Safety
/// As for `lcbot_bot_set_routing_status`.
#[no_mangle]
pub unsafe extern "C" fn lcbot_bot_send_typing_indicator(
    bot: *const lcbot_bot,
    request_json: *const c_char,
    options: *const lcbot_call_options,
    out: *mut *mut c_char,
) -> lcbot_status {
    run(bot, ChatAction::SendTypingIndicator, request_json, options, out)
}

/// `send_thinking_indicator` (v3.6): `{"chat_id", "title"?, "description"?,
/// "visibility"?, "custom_id"?}` -> `{}`. Shows "thinking..." until the
/// bot's next event; refused before sending on older versions.
///
/// # Safety
/// As for `lcbot_bot_set_routing_status`.
#[no_mangle]
pub unsafe extern "C" fn lcbot_bot_send_thinking_indicator(
    bot: *const lcbot_bot,
    request_json: *const c_char,
    options: *const lcbot_call_options,
    out: *mut *mut c_char,
) -> lcbot_status {
    run(bot, ChatAction::SendThinkingIndicator, request_json, options, out)
}

/// `send_event_preview` (v3.6): `{"chat_id", "event": {"type": "message",
/// "text"}}` -> `{}`: the text the bot is writing, shown before it is sent.
///
/// # Safety
/// As for `lcbot_bot_set_routing_status`.
#[no_mangle]
pub unsafe extern "C" fn lcbot_bot_send_event_preview(
    bot: *const lcbot_bot,
    request_json: *const c_char,
    options: *const lcbot_call_options,
    out: *mut *mut c_char,
) -> lcbot_status {
    run(bot, ChatAction::SendEventPreview, request_json, options, out)
}

/// `tag_thread` (v3.2+): `{"chat_id", "thread_id", "tag"}` -> `{}`.
///
/// # Safety
/// As for `lcbot_bot_set_routing_status`.
#[no_mangle]
pub unsafe extern "C" fn lcbot_bot_tag_thread(
    bot: *const lcbot_bot,
    request_json: *const c_char,
    options: *const lcbot_call_options,
    out: *mut *mut c_char,
) -> lcbot_status {
    run(bot, ChatAction::TagThread, request_json, options, out)
}

/// `untag_thread` (v3.2+): `{"chat_id", "thread_id", "tag"}` -> `{}`.
///
/// # Safety
/// As for `lcbot_bot_set_routing_status`.
#[no_mangle]
pub unsafe extern "C" fn lcbot_bot_untag_thread(
    bot: *const lcbot_bot,
    request_json: *const c_char,
    options: *const lcbot_call_options,
    out: *mut *mut c_char,
) -> lcbot_status {
    run(bot, ChatAction::UntagThread, request_json, options, out)
}

/// `update_chat_properties` (v3.2+): `{"id", "properties": {namespace:
/// {name: value}}}` -> `{}` (`chat_id` on the wire before v3.3).
///
/// # Safety
/// As for `lcbot_bot_set_routing_status`.
#[no_mangle]
pub unsafe extern "C" fn lcbot_bot_update_chat_properties(
    bot: *const lcbot_bot,
    request_json: *const c_char,
    options: *const lcbot_call_options,
    out: *mut *mut c_char,
) -> lcbot_status {
    run(bot, ChatAction::UpdateChatProperties, request_json, options, out)
}

/// `delete_chat_properties` (v3.2+): `{"id", "properties": {namespace:
/// [names]}}` -> `{}`.
///
/// # Safety
/// As for `lcbot_bot_set_routing_status`.
#[no_mangle]
pub unsafe extern "C" fn lcbot_bot_delete_chat_properties(
    bot: *const lcbot_bot,
    request_json: *const c_char,
    options: *const lcbot_call_options,
    out: *mut *mut c_char,
) -> lcbot_status {
    run(bot, ChatAction::DeleteChatProperties, request_json, options, out)
}

/// `update_thread_properties` (v3.2+): `{"chat_id", "thread_id",
/// "properties": {namespace: {name: value}}}` -> `{}`.
///
/// # Safety
/// As for `lcbot_bot_set_routing_status`.
#[no_mangle]
pub unsafe extern "C" fn lcbot_bot_update_thread_properties(
    bot: *const lcbot_bot,
    request_json: *const c_char,
    options: *const lcbot_call_options,
    out: *mut *mut c_char,
) -> lcbot_status {
    run(bot, ChatAction::UpdateThreadProperties, request_json, options, out)
}

/// `delete_thread_properties` (v3.2+): `{"chat_id", "thread_id",
/// "properties": {namespace: [names]}}` -> `{}`.
///
/// # Safety
/// As for `lcbot_bot_set_routing_status`.
#[no_mangle]
pub unsafe extern "C" fn lcbot_bot_delete_thread_properties(
    bot: *const lcbot_bot,
    request_json: *const c_char,
    options: *const lcbot_call_options,
    out: *mut *mut c_char,
) -> lcbot_status {
    run(bot, ChatAction::DeleteThreadProperties, request_json, options, out)
}

/// `mark_events_as_seen` (v3.2+): `{"chat_id", "seen_up_to": RFC 3339}` -> `{}`.
///
/// # Safety
/// As for `lcbot_bot_set_routing_status`.
#[no_mangle]
pub unsafe extern "C" fn lcbot_bot_mark_events_as_seen(
    bot: *const lcbot_bot,
    request_json: *const c_char,
    options: *const lcbot_call_options,
    out: *mut *mut c_char,
) -> lcbot_status {
    run(bot, ChatAction::MarkEventsAsSeen, request_json, options, out)
}

/// `get_customer` (v3.2+): `{"id"}` (`customer_id` on the wire before
/// v3.3) -> the customer: `{"id", "type": "customer", "name"?, "email"?,
/// "session_fields"?, ...}`. A read: retried like one.
///
/// # Safety
/// As for `lcbot_bot_set_routing_status`.
#[no_mangle]
pub unsafe extern "C" fn lcbot_bot_get_customer(
    bot: *const lcbot_bot,
    request_json: *const c_char,
    options: *const lcbot_call_options,
    out: *mut *mut c_char,
) -> lcbot_status {
    run(bot, ChatAction::GetCustomer, request_json, options, out)
}
