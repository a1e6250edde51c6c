//! The emulator half of the C ABI.

use crate::emulator::{Emulator, EmulatorConfig};
use crate::ffi::boundary::{arg_ref, arg_str, guard, guard_void, new_handle};
use std::ffi::CString;
use std::os::raw::c_char;

/// An opaque running emulator. Start with `lcbot_emulator_start`, stop with
/// `lcbot_emulator_stop`.
#[allow(non_camel_case_types)]
pub struct lcbot_emulator {
    pub(crate) emulator: Emulator,
    url: CString,
}

/// Starts the emulator on 127.0.0.1. `config_json` NULL or `{}` gives the
/// default: token `dev-token` (client `dev-client`, every bot scope, region
/// `dal`) on a free port. On failure `*emulator_out` is NULL and
/// `*error_out` an error document.
///
/// # Safety
/// `config_json` must be NULL or a NUL-terminated string; the out pointers
/// NULL or valid for one pointer write.
#[no_mangle]
pub unsafe extern "C" fn lcbot_emulator_start(
    config_json: *const c_char,
    emulator_out: *mut *mut lcbot_emulator,
    error_out: *mut *mut c_char,
) -> crate::ffi::status::lcbot_status {
    new_handle(emulator_out, "emulator_out", error_out, || {
        let config = if config_json.is_null() {
            EmulatorConfig::default()
        } else {
            EmulatorConfig::from_json(arg_str(config_json, "config_json")?)?
        };
        let emulator = Emulator::start(config)?;
        let url = CString::new(emulator.url()).expect("a URL has no NUL byte");
        Ok(lcbot_emulator { emulator, url })
    })
}

/// The emulator's base URL, e.g. `"http://127.0.0.1:41234"`. Owned by the
/// emulator: valid until `lcbot_emulator_stop`, never freed by the caller.
/// NULL when `emulator` is NULL.
///
/// # Safety
/// `emulator` must be NULL or a live handle.
#[no_mangle]
pub unsafe extern "C" fn lcbot_emulator_url(emulator: *const lcbot_emulator) -> *const c_char {
    match emulator.as_ref() {
        Some(e) => e.url.as_ptr(),
        None => std::ptr::null(),
    }
}

/// Queues a fault, e.g. `{"action": "get_bot_agents", "times": 2, "status": 503}`,
/// `{"status": 429, "retry_after_s": 1}`, `{"delay_ms": 3000}` or
/// `{"drop_connection": true}`. `*out` is `{"pending_faults": N}`.
///
/// # Safety
/// `emulator` a live handle or NULL; `fault_json` NULL or a NUL-terminated
/// string; `out` NULL or valid for one pointer write.
#[no_mangle]
pub unsafe extern "C" fn lcbot_emulator_inject(emulator: *const lcbot_emulator, fault_json: *const c_char, out: *mut *mut c_char) -> crate::ffi::status::lcbot_status {
    guard(out, || {
        let e = arg_ref(emulator, "emulator")?;
        e.emulator.inject_json(arg_str(fault_json, "fault_json")?).map(Some)
    })
}

/// The request log: `{"requests": [{"seq", "time_ms", "connection", "method",
/// "path", "version", "api" ("configuration" or "agent"), "action" (as named in the URL), "client_id", "headers", "body", "status",
/// "fault"}], "pending_faults": N}`. A request is logged when it has been
/// answered; a fault is taken from the queue when its request arrives, so a
/// fall in `pending_faults` shows a stalled request in flight. The
/// Authorization header is logged without its credential.
///
/// # Safety
/// `emulator` a live handle or NULL; `out` NULL or valid for one pointer write.
#[no_mangle]
pub unsafe extern "C" fn lcbot_emulator_requests(emulator: *const lcbot_emulator, out: *mut *mut c_char) -> crate::ffi::status::lcbot_status {
    guard(out, || Ok(Some(arg_ref(emulator, "emulator")?.emulator.requests_json())))
}

/// Plays a customer starting a chat (a control call, not LiveChat's API).
/// `request_json`: `{"group_id"?: uint (default 0), "text"?: string,
/// "customer"?: {"name"?, "email"?}}`. The chat is routed at once to the
/// best accepting bot of the group with a free slot, or queued. `*out` is
/// `{"chat_id", "thread_id", "customer_id", "event_id" (with text),
/// "bot_id": string or null, "state": "assigned"|"queued"}`.
///
/// # Safety
/// `emulator` a live handle or NULL; `request_json` NULL or a NUL-terminated
/// string; `out` NULL or valid for one pointer write.
#[no_mangle]
pub unsafe extern "C" fn lcbot_emulator_start_chat(emulator: *const lcbot_emulator, request_json: *const c_char, out: *mut *mut c_char) -> crate::ffi::status::lcbot_status {
    guard(out, || {
        let e = arg_ref(emulator, "emulator")?;
        e.emulator.start_chat_json(arg_str(request_json, "request_json")?).map(Some)
    })
}

/// Plays the customer writing in a chat: `request_json` `{"chat_id", "text"}`;
/// `*out` is `{"event_id"}`. An inactive chat is a `validation` error whose
/// message starts with `chat_inactive`; an unknown chat one whose message
/// starts with `not_found`.
///
/// # Safety
/// As `lcbot_emulator_start_chat`.
#[no_mangle]
pub unsafe extern "C" fn lcbot_emulator_send_message(emulator: *const lcbot_emulator, request_json: *const c_char, out: *mut *mut c_char) -> crate::ffi::status::lcbot_status {
    guard(out, || {
        let e = arg_ref(emulator, "emulator")?;
        e.emulator.send_message_json(arg_str(request_json, "request_json")?).map(Some)
    })
}

/// Plays the customer closing a chat: `request_json` `{"chat_id"}`; `*out`
/// is `{}`. The bot's slot is then free for queued chats.
///
/// # Safety
/// As `lcbot_emulator_start_chat`.
#[no_mangle]
pub unsafe extern "C" fn lcbot_emulator_close_chat(emulator: *const lcbot_emulator, request_json: *const c_char, out: *mut *mut c_char) -> crate::ffi::status::lcbot_status {
    guard(out, || {
        let e = arg_ref(emulator, "emulator")?;
        e.emulator.close_chat_json(arg_str(request_json, "request_json")?).map(Some)
    })
}

/// The license's `organization_id` (what `issue_bot_token` checks) and every
/// chat, in creation order: `{"organization_id", "chats": [{"chat_id", "group_id",
/// "customer_id", "state": "queued"|"assigned"|"closed", "bot_id",
/// "routing": [{"time_ms", "what": "queued"|"assigned"|"transferred"|"closed",
/// "bot_id"}], "transcript": [{"event_id", "thread_id", "created_at",
/// "author_id", "author_type": "customer"|"bot"|"agent", "type", "text",
/// "visibility"}]}]}`.
///
/// # Safety
/// `emulator` a live handle or NULL; `out` NULL or valid for one pointer write.
#[no_mangle]
pub unsafe extern "C" fn lcbot_emulator_chats(emulator: *const lcbot_emulator, out: *mut *mut c_char) -> crate::ffi::status::lcbot_status {
    guard(out, || Ok(Some(arg_ref(emulator, "emulator")?.emulator.chats_json())))
}

/// The webhook delivery log, oldest first: `{"deliveries": [{"seq",
/// "time_ms", "webhook_id", "bot_id", "action" (as the webhook's version
/// names it), "version", "url", "duplicate", "state":
/// "pending"|"delivered"|"failed"|"refused", "error"?, "tries": [{"attempt",
/// "time_ms", "status", "error", "duration_ms"}], "body"}], "delivered": N,
/// "failed": N, "pending": N, "refused": N, "retried": N}` (the newest
/// `log_limit` deliveries, and the counts of those). The body's `secret_key`
/// is shown as `"[redacted]"`. A delivery is sent from the emulator's own
/// threads, one at a time per receiver URL and chat in the order things happened, and
/// tried up to `webhook_tries` times. Faults: `{"action": "incoming_event",
/// "duplicate_delivery": true}` sends the next delivery of that action twice;
/// `{"action": "incoming_event", "lost_answer": true}` counts its first try
/// as failed whatever the receiver answered, so it is sent again.
///
/// # Safety
/// `emulator` a live handle or NULL; `out` NULL or valid for one pointer write.
#[no_mangle]
pub unsafe extern "C" fn lcbot_emulator_deliveries(emulator: *const lcbot_emulator, out: *mut *mut c_char) -> crate::ffi::status::lcbot_status {
    guard(out, || Ok(Some(arg_ref(emulator, "emulator")?.emulator.deliveries_json())))
}

/// The faults still waiting for a request, in the order they are tried:
/// `{"pending_faults": N, "faults": [{"action"?, "times", "status"?,
/// "error_type"?, "message"?, "retry_after_s"?, "delay_ms"?,
/// "drop_connection"?, "duplicate_delivery"?, "lost_answer"?}]}`, each as
/// `lcbot_emulator_inject` takes it, with `times` counting down as requests
/// take it.
///
/// # Safety
/// `emulator` a live handle or NULL; `out` NULL or valid for one pointer write.
#[no_mangle]
pub unsafe extern "C" fn lcbot_emulator_faults(emulator: *const lcbot_emulator, out: *mut *mut c_char) -> crate::ffi::status::lcbot_status {
    guard(out, || Ok(Some(arg_ref(emulator, "emulator")?.emulator.faults_json())))
}

/// Drops every pending fault. `*out` is `{"cleared": N, "pending_faults": 0}`.
///
/// # Safety
/// `emulator` a live handle or NULL; `out` NULL or valid for one pointer write.
#[no_mangle]
pub unsafe extern "C" fn lcbot_emulator_clear_faults(emulator: *const lcbot_emulator, out: *mut *mut c_char) -> crate::ffi::status::lcbot_status {
    guard(out, || Ok(Some(arg_ref(emulator, "emulator")?.emulator.clear_faults_json())))
}

/// Stops the emulator and frees it. NULL is allowed. No call may be in
/// flight on it.
///
/// # Safety
/// `emulator` must be NULL or a handle from `lcbot_emulator_start`, not yet stopped.
#[no_mangle]
pub unsafe extern "C" fn lcbot_emulator_stop(emulator: *mut lcbot_emulator) {
    if !emulator.is_null() {
        guard_void(|| Box::from_raw(emulator).emulator.stop());
    }
}
