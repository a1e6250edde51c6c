//! Webhooks through the C ABI: a body (bytes and a length) in, the event
//! document out.

use crate::error::{Error, Result};
use crate::ffi::boundary::{arg_str, guard};
use crate::ffi::status::lcbot_status;
use crate::webhooks::verify::{check_size, verify, WebhookSecrets, DEFAULT_MAX_BODY_BYTES};
use std::os::raw::c_char;

/// The `version` a caller sets in `lcbot_webhook_options`.
pub const LCBOT_WEBHOOK_OPTIONS_VERSION: u32 = 1;
/// The body cap when `max_body_bytes` is 0: 1 MiB.
pub const LCBOT_WEBHOOK_DEFAULT_MAX_BODY: u32 = 1_048_576;
// The header's number and the core's default are one value.
const _: () = assert!(LCBOT_WEBHOOK_DEFAULT_MAX_BODY as usize == DEFAULT_MAX_BODY_BYTES);

/// Options of `lcbot_webhook_verify`; NULL for the defaults.
#[repr(C)]
#[allow(non_camel_case_types)]
pub struct lcbot_webhook_options {
    /// `LCBOT_WEBHOOK_OPTIONS_VERSION`.
    pub version: u32,
    /// The largest body accepted, in bytes; 0 keeps 1 MiB.
    pub max_body_bytes: u32,
}

unsafe fn max_body(options: *const lcbot_webhook_options) -> Result<usize> {
    let Some(o) = options.as_ref() else { return Ok(DEFAULT_MAX_BODY_BYTES) };
    if o.version == 0 || o.version > LCBOT_WEBHOOK_OPTIONS_VERSION {
        return Err(Error::validation(format!(
            "options.version: expected {LCBOT_WEBHOOK_OPTIONS_VERSION} (LCBOT_WEBHOOK_OPTIONS_VERSION); got {}",
            o.version
        )));
    }
    Ok(if o.max_body_bytes == 0 { DEFAULT_MAX_BODY_BYTES } else { o.max_body_bytes as usize })
}

/// Checks a webhook body LiveChat POSTed and writes its normalized event to
/// `*out`: `{"action", "action_as_sent", "webhook_id", "license_id",
/// "organization_id", "payload", "additional_data", "dedupe_key"}`.
///
/// `secrets_json` is a JSON array of the accepted secrets (several while a
/// key is rotated; an empty one is `LCBOT_ERR_VALIDATION`). `body` points to
/// `body_len` bytes (not a C string; NULL only with length 0); that the
/// buffer is that long is the caller's duty. Answer LiveChat with 401 for
/// `LCBOT_ERR_SECRET_MISMATCH`, 413 for `LCBOT_ERR_TOO_LARGE`, 400 for a
/// malformed body (`LCBOT_ERR_INVALID_UTF8`, `LCBOT_ERR_INVALID_JSON`,
/// `LCBOT_ERR_VALIDATION`), and 200 once the event is handled. No secret,
/// accepted or received, appears in an error document.
///
/// # Safety
/// `secrets_json` NULL or a NUL-terminated string; `body` NULL or valid for
/// `body_len` bytes; `options` NULL or a valid `lcbot_webhook_options`;
/// `out` NULL or valid for one pointer write.
#[no_mangle]
pub unsafe extern "C" fn lcbot_webhook_verify(
    secrets_json: *const c_char,
    body: *const u8,
    body_len: usize,
    options: *const lcbot_webhook_options,
    out: *mut *mut c_char,
) -> lcbot_status {
    guard(out, || {
        let secrets = WebhookSecrets::from_json(arg_str(secrets_json, "secrets_json")?)?;
        let max = max_body(options)?;
        if body.is_null() && body_len > 0 {
            return Err(Error::null_argument("body"));
        }
        // Checked before the slice is made: a length is never trusted further.
        check_size(body_len, max)?;
        let bytes: &[u8] = if body_len == 0 { &[] } else { std::slice::from_raw_parts(body, body_len) };
        verify(bytes, &secrets, max).map(|event| Some(event.to_string()))
    })
}
