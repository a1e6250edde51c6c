//! Reading one value out of a JSON document, for C programs that have no
//! JSON parser of their own: every answer of this library is JSON text.

use crate::error::Error;
use crate::ffi::boundary::{arg_str, guard};
use crate::ffi::status::lcbot_status;
use crate::json::parse_strict;
use serde_json::Value;
use std::os::raw::c_char;

/// Writes to `*out` the value at `pointer` (RFC 6901, e.g.
/// `"/payload/event/text"`, `"/chats_summary/0/id"`, `""` for the whole
/// document) in `json`: a string as its text (unquoted, unescaped), any
/// other value as JSON text. A pointer that names nothing is
/// `LCBOT_ERR_VALIDATION` with the pointer in the message.
///
/// # Safety
/// `json` and `pointer` NULL or NUL-terminated strings; `out` NULL or valid
/// for one pointer write.
#[no_mangle]
pub unsafe extern "C" fn lcbot_json_get(json: *const c_char, pointer: *const c_char, out: *mut *mut c_char) -> lcbot_status {
    guard(out, || {
        let doc = parse_strict(arg_str(json, "json")?, "json")?;
        let pointer = arg_str(pointer, "pointer")?;
        if !pointer.is_empty() && !pointer.starts_with('/') {
            return Err(Error::validation(format!("pointer: must be empty or start with '/'; got {pointer:?}")));
        }
        match doc.pointer(pointer) {
            Some(Value::String(s)) => Ok(Some(s.clone())),
            Some(other) => Ok(Some(other.to_string())),
            None => Err(Error::validation(format!("pointer: {pointer:?} names nothing in the document"))),
        }
    })
}

/// Writes to `*out` `text` as a JSON string literal, quotes included
/// (`he said "hi"` -> `"he said \"hi\""`), for C programs that build
/// request documents with `printf`.
///
/// # Safety
/// `text` NULL or a NUL-terminated string; `out` NULL or valid for one
/// pointer write.
#[no_mangle]
pub unsafe extern "C" fn lcbot_json_quote(text: *const c_char, out: *mut *mut c_char) -> lcbot_status {
    guard(out, || Ok(Some(Value::String(arg_str(text, "text")?.to_owned()).to_string())))
}
