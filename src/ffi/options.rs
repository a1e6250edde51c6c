//! Per-call options and cancel tokens.

use crate::error::{Error, Result};
use crate::ffi::boundary::new_handle;
use crate::ffi::status::lcbot_status;
use crate::http::cancel::{CallOptions, CancelToken};
use std::os::raw::c_char;
use std::time::Duration;

/// The `version` a caller sets in `lcbot_call_options`. A later version of
/// the struct only appends fields; the library refuses a version it does not
/// know rather than ignore fields it cannot see.
pub const LCBOT_CALL_OPTIONS_VERSION: u32 = 1;

/// The most a timeout may be, in milliseconds (one hour).
const MAX_TIMEOUT_MS: u32 = 3_600_000;

/// A cancel token: create with `lcbot_cancel_token_new`, pass in
/// `lcbot_call_options.cancel`, fire with `lcbot_cancel`, free with
/// `lcbot_cancel_token_free`. One token may serve many calls; once
/// cancelled it stays cancelled.
#[allow(non_camel_case_types)]
pub struct lcbot_cancel_token {
    token: CancelToken,
}

/// Options of one call. Pass NULL for the client's settings. Zero-initialise
/// the struct, set `version` to `LCBOT_CALL_OPTIONS_VERSION`, then the
/// fields you need:
/// ```c
/// lcbot_call_options options = {0};
/// options.version = LCBOT_CALL_OPTIONS_VERSION;
/// options.timeout_ms = 500;
/// ```
#[repr(C)]
#[allow(non_camel_case_types)]
pub struct lcbot_call_options {
    /// `LCBOT_CALL_OPTIONS_VERSION`.
    pub version: u32,
    /// The budget of this whole call, retries included, in milliseconds
    /// (at most 3 600 000); 0 keeps the client's `timeout_ms`.
    pub timeout_ms: u32,
    /// The most one attempt may take, in milliseconds; 0 keeps the client's
    /// `attempt_timeout_ms`.
    pub attempt_timeout_ms: u32,
    /// NULL, or a token whose `lcbot_cancel` ends this call early with
    /// `LCBOT_ERR_CANCELLED`.
    pub cancel: *const lcbot_cancel_token,
}

/// Reads the options argument of a call (NULL: the client's settings).
///
/// # Safety
/// `options` must be NULL or point to a valid `lcbot_call_options` whose
/// `cancel` is NULL or a live token.
pub unsafe fn read_call_options(options: *const lcbot_call_options) -> Result<CallOptions> {
    let Some(o) = options.as_ref() else { return Ok(CallOptions::default()) };
    if o.version == 0 || o.version > LCBOT_CALL_OPTIONS_VERSION {
        return Err(Error::validation(format!(
            "options.version: expected {LCBOT_CALL_OPTIONS_VERSION} (LCBOT_CALL_OPTIONS_VERSION); got {}",
            o.version
        )));
    }
    let millis = |value: u32, name: &str| -> Result<Option<Duration>> {
        match value {
            0 => Ok(None),
            ms if ms <= MAX_TIMEOUT_MS => Ok(Some(Duration::from_millis(ms.into()))),
            ms => Err(Error::validation(format!("options.{name}: expected at most {MAX_TIMEOUT_MS}; got {ms}"))),
        }
    };
    Ok(CallOptions {
        timeout: millis(o.timeout_ms, "timeout_ms")?,
        attempt_timeout: millis(o.attempt_timeout_ms, "attempt_timeout_ms")?,
        cancel: o.cancel.as_ref().map(|t| t.token.clone()),
    })
}

/// Creates a cancel token. Fails only on a NULL `token_out`.
///
/// # Safety
/// `token_out` must be NULL or valid for one pointer write.
#[no_mangle]
pub unsafe extern "C" fn lcbot_cancel_token_new(token_out: *mut *mut lcbot_cancel_token) -> lcbot_status {
    // No error document to give: the only failure is a NULL `token_out`.
    let mut error: *mut c_char = std::ptr::null_mut();
    let status = new_handle(token_out, "token_out", &mut error, || Ok(lcbot_cancel_token { token: CancelToken::new() }));
    crate::ffi::strings::lcbot_string_free(error);
    status
}

/// Cancels every call using `token`, now and later: each returns
/// `LCBOT_ERR_CANCELLED` within about 10 ms (a write that may have been sent
/// reports `"outcome": "unknown"`). Safe from any thread and from a signal
/// handler (one atomic store). NULL is ignored.
///
/// # Safety
/// `token` must be NULL or a live token.
#[no_mangle]
pub unsafe extern "C" fn lcbot_cancel(token: *const lcbot_cancel_token) {
    if let Some(t) = token.as_ref() {
        t.token.cancel();
    }
}

/// Frees a token. NULL is allowed. No call using it may be in flight.
///
/// # Safety
/// `token` must be NULL or a token from `lcbot_cancel_token_new`, not yet freed.
#[no_mangle]
pub unsafe extern "C" fn lcbot_cancel_token_free(token: *mut lcbot_cancel_token) {
    if !token.is_null() {
        crate::ffi::boundary::guard_void(|| drop(Box::from_raw(token)));
    }
}
