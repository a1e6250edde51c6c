//! The completion queue of the C ABI: submit any call with a tag, drain
//! what ended by `lcbot_queue_next`, when `lcbot_queue_fd` turns readable.

use crate::error::{Error, Result};
use crate::ffi::agent_chat::lcbot_bot;
use crate::ffi::boundary::{arg_ref, arg_str, error_document, guard, guard_void, into_c_string, new_handle};
use crate::ffi::client::lcbot_client;
use crate::ffi::options::{lcbot_call_options, read_call_options};
use crate::ffi::status::lcbot_status;
use crate::http::cancel::{CallOptions, CancelToken};
use crate::queue::completion::Queue;
use std::os::fd::AsRawFd;
use std::os::raw::c_char;
use std::time::Duration;

/// An opaque completion queue. Create with `lcbot_queue_new`, free with
/// `lcbot_queue_free`. Every function taking `const lcbot_queue *` may run
/// from many threads at once.
#[allow(non_camel_case_types)]
pub struct lcbot_queue {
    queue: Queue,
}

/// A call that ended, from `lcbot_queue_next`; free with
/// `lcbot_completion_free`.
#[repr(C)]
#[allow(non_camel_case_types)]
pub struct lcbot_completion {
    /// The tag the call was submitted with.
    pub tag: u64,
    /// What the blocking call would have returned: `LCBOT_OK` or an
    /// `LCBOT_ERR_*` code.
    pub status: lcbot_status,
    /// The answer document (`LCBOT_OK`) or the error document, as the
    /// blocking call writes them. Owned by the completion.
    pub document: *mut c_char,
}

/// Makes a completion queue. On failure (no file descriptor left)
/// `*queue_out` is NULL and `*error_out` an error document.
///
/// # Safety
/// `queue_out` and `error_out` NULL or valid for one pointer write.
#[no_mangle]
pub unsafe extern "C" fn lcbot_queue_new(queue_out: *mut *mut lcbot_queue, error_out: *mut *mut c_char) -> lcbot_status {
    new_handle(queue_out, "queue_out", error_out, || Ok(lcbot_queue { queue: Queue::new()? }))
}

/// Frees a queue. NULL is allowed. Calls still in flight are cancelled
/// (a write that may have been sent is not repeated) and waited for: each
/// ends within about 10 ms, or when a token provider it waits for returns.
/// Their completions, and those not yet taken, are freed. No other function
/// may be using the queue.
///
/// # Safety
/// `queue` must be NULL or a handle from `lcbot_queue_new`, not yet freed.
#[no_mangle]
pub unsafe extern "C" fn lcbot_queue_free(queue: *mut lcbot_queue) {
    if !queue.is_null() {
        guard_void(|| drop(Box::from_raw(queue)));
    }
}

/// The queue's file descriptor: readable while completions wait. Poll it
/// (poll, epoll, an event loop) for reading, then call `lcbot_queue_next`
/// with timeout 0 until it gives none. Owned by the queue: never close or
/// read it. -1 for a NULL queue.
///
/// # Safety
/// `queue` must be NULL or a live queue.
#[no_mangle]
pub unsafe extern "C" fn lcbot_queue_fd(queue: *const lcbot_queue) -> i32 {
    queue.as_ref().map_or(-1, |q| q.queue.fd().as_raw_fd())
}

/// The calls submitted to the queue whose completions were not yet taken
/// (in flight, or waiting). 0 for a NULL queue.
///
/// # Safety
/// `queue` must be NULL or a live queue.
#[no_mangle]
pub unsafe extern "C" fn lcbot_queue_in_flight(queue: *const lcbot_queue) -> usize {
    queue.as_ref().map_or(0, |q| q.queue.in_flight())
}

/// Takes the next completion, in the order the calls ended, waiting up to
/// `timeout_ms` (0: only looks; -1: until one comes). `*completion_out` is
/// the completion, or NULL when none came in time or nothing is in flight;
/// either way the status is `LCBOT_OK`. The status is an error only for bad
/// arguments, with `*error_out` its error document.
///
/// # Safety
/// `queue` NULL or a live queue; `completion_out` and `error_out` NULL or
/// valid for one pointer write.
#[no_mangle]
pub unsafe extern "C" fn lcbot_queue_next(
    queue: *const lcbot_queue,
    timeout_ms: i32,
    completion_out: *mut *mut lcbot_completion,
    error_out: *mut *mut c_char,
) -> lcbot_status {
    if !completion_out.is_null() {
        *completion_out = std::ptr::null_mut();
    }
    guard(error_out, || {
        let q = arg_ref(queue, "queue")?;
        if completion_out.is_null() {
            return Err(Error::null_argument("completion_out"));
        }
        let timeout = match timeout_ms {
            -1 => None,
            ms if ms >= 0 => Some(Duration::from_millis(ms as u64)),
            ms => return Err(Error::validation(format!("timeout_ms: expected -1 (no limit) or 0 and more; got {ms}"))),
        };
        if let Some(done) = q.queue.next(timeout) {
            let (status, document) = match done.result {
                Ok(doc) => (lcbot_status::LCBOT_OK, doc),
                Err(error) => error_document(&error),
            };
            let document = into_c_string(document);
            *completion_out = Box::into_raw(Box::new(lcbot_completion { tag: done.tag, status, document }));
        }
        Ok(None)
    })
}

/// Frees a completion and its document. NULL is allowed.
///
/// # Safety
/// `completion` must be NULL or a completion from `lcbot_queue_next`, not yet freed.
#[no_mangle]
pub unsafe extern "C" fn lcbot_completion_free(completion: *mut lcbot_completion) {
    if !completion.is_null() {
        guard_void(|| {
            let completion = Box::from_raw(completion);
            crate::ffi::strings::lcbot_string_free(completion.document);
        });
    }
}

/// Submits a call on `client` to `queue`: `operation` is the name of a
/// blocking function's call (`create_bot_agent`, `remove_bot_agent`,
/// `update_bot_agent`, `get_bot_agents`, `get_bot_agent_details`,
/// `issue_bot_token`, `reset_bot_secret`, `register_webhook`,
/// `list_webhooks`, `unregister_webhook`, the five template actions
/// `create_bot_template` ... `reset_bot_template_secret`, the batches
/// `batch_create_bot_agents`, `batch_update_bot_agents`,
/// `batch_remove_bot_agents`), or `call:ACTION` for
/// `lcbot_call`'s action ACTION with `request_json` as its payload. The call
/// runs on the library's I/O thread with everything the blocking call does
/// (validation, retries, `options`' deadline and cancel token, the token
/// provider, notices; a write never sent twice), and exactly one completion
/// with `tag` follows. Bad arguments, an unknown operation or a request
/// that is not JSON fail here (nothing is queued); any other error comes as
/// the completion. `options` and its cancel token may be freed once this
/// returns.
///
/// # Safety
/// `client` and `queue` live handles or NULL; `operation` and
/// `request_json` NULL or NUL-terminated strings; `options` NULL or a valid
/// `lcbot_call_options`; `error_out` NULL or valid for one pointer write.
#[no_mangle]
pub unsafe extern "C" fn lcbot_client_submit(
    client: *const lcbot_client,
    queue: *const lcbot_queue,
    tag: u64,
    operation: *const c_char,
    request_json: *const c_char,
    options: *const lcbot_call_options,
    error_out: *mut *mut c_char,
) -> lcbot_status {
    guard(error_out, || {
        let c = arg_ref(client, "client")?;
        let (queue, operation, request, options) = submit_args(queue, operation, request_json, options, &c.queued)?;
        queue.submit_client(tag, &c.client, operation, request, options).map(|()| None)
    })
}

/// Submits a call as `bot` to `queue`: `operation` is one of the bot's
/// calls, named as its `lcbot_bot_*` function is (`set_routing_status`,
/// `send_event`, `list_chats`, `get_chat`, `transfer_chat`,
/// `deactivate_chat`, `list_routing_statuses`, `send_typing_indicator`,
/// `tag_thread`, `get_customer`...), or `call:ACTION` for
/// `lcbot_bot_call`'s. Otherwise as `lcbot_client_submit`.
///
/// # Safety
/// As for `lcbot_client_submit`, with `bot` a live handle or NULL.
#[no_mangle]
pub unsafe extern "C" fn lcbot_bot_submit(
    bot: *const lcbot_bot,
    queue: *const lcbot_queue,
    tag: u64,
    operation: *const c_char,
    request_json: *const c_char,
    options: *const lcbot_call_options,
    error_out: *mut *mut c_char,
) -> lcbot_status {
    guard(error_out, || {
        let b = arg_ref(bot, "bot")?;
        let (queue, operation, request, options) = submit_args(queue, operation, request_json, options, &b.queued)?;
        queue.submit_bot(tag, &b.bot, operation, request, options).map(|()| None)
    })
}

/// The arguments both submits share, checked; the options' cancel token
/// joined with the handle's, which its free fires.
unsafe fn submit_args<'a>(
    queue: *const lcbot_queue,
    operation: *const c_char,
    request_json: *const c_char,
    options: *const lcbot_call_options,
    handle_freed: &CancelToken,
) -> Result<(&'a Queue, &'a str, &'a str, CallOptions)> {
    let queue = &arg_ref(queue, "queue")?.queue;
    let operation = arg_str(operation, "operation")?;
    let request = arg_str(request_json, "request_json")?;
    let mut options = read_call_options(options)?;
    options.cancel = Some(CancelToken::joined(options.cancel.iter().chain([handle_freed])));
    Ok((queue, operation, request, options))
}
