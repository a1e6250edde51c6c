//! The guard every extern function runs inside: NULL and UTF-8 checks on the
//! way in, a caught panic on the way out, and the result written as an owned
//! string through the out-parameter.

use crate::error::{Error, ErrorCode, Result};
use crate::ffi::status::lcbot_status;
use std::ffi::{CStr, CString};
use std::os::raw::c_char;
use std::panic::{catch_unwind, AssertUnwindSafe};

/// Runs `body` with `*out` cleared on entry. `Ok(Some(doc))` writes `doc`
/// to `*out`; an error writes its error document. Returns the status code.
///
/// # Safety
/// `out` must be NULL or valid for one pointer write.
pub unsafe fn guard(out: *mut *mut c_char, body: impl FnOnce() -> Result<Option<String>>) -> lcbot_status {
    if out.is_null() {
        // Nowhere to put a result: refuse before doing anything.
        return ErrorCode::NullArgument.into();
    }
    *out = std::ptr::null_mut();
    let result = catch_unwind(AssertUnwindSafe(body)).unwrap_or_else(|panic| Err(panic_error(panic)));
    match result {
        Ok(Some(doc)) => {
            *out = into_c_string(doc);
            lcbot_status::LCBOT_OK
        }
        Ok(None) => lcbot_status::LCBOT_OK,
        Err(error) => {
            let (status, doc) = error_document(&error);
            *out = into_c_string(doc);
            status
        }
    }
}

/// An error's status and its error document, as every call writes them.
pub fn error_document(error: &Error) -> (lcbot_status, String) {
    (lcbot_status::from(error.code), error.to_status_document().to_string())
}

/// For the constructors (`lcbot_client_new`, `lcbot_emulator_start`): clears
/// `*handle_out`, runs `make`, and on success stores the new boxed handle.
///
/// # Safety
/// `handle_out` and `error_out` must be NULL or valid for one pointer write.
pub unsafe fn new_handle<T>(
    handle_out: *mut *mut T,
    handle_name: &str,
    error_out: *mut *mut c_char,
    make: impl FnOnce() -> Result<T>,
) -> lcbot_status {
    if !handle_out.is_null() {
        *handle_out = std::ptr::null_mut();
    }
    guard(error_out, || {
        if handle_out.is_null() {
            return Err(Error::null_argument(handle_name));
        }
        *handle_out = Box::into_raw(Box::new(make()?));
        Ok(None)
    })
}

/// For functions without an out-parameter: a panic is swallowed, never
/// unwound into C.
pub fn guard_void(body: impl FnOnce()) {
    let _ = catch_unwind(AssertUnwindSafe(body));
}

fn panic_error(panic: Box<dyn std::any::Any + Send>) -> Error {
    let what = panic
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| panic.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "unknown cause".into());
    Error::new(ErrorCode::Panic, format!("internal error (panic caught at the C boundary): {what}"))
}

/// Borrows a C string argument as UTF-8, naming the argument on failure.
///
/// # Safety
/// `p` must be NULL or point to a NUL-terminated string that outlives the call.
pub unsafe fn arg_str<'a>(p: *const c_char, name: &str) -> Result<&'a str> {
    if p.is_null() {
        return Err(Error::null_argument(name));
    }
    CStr::from_ptr(p).to_str().map_err(|e| {
        Error::new(ErrorCode::InvalidUtf8, format!("{name}: invalid UTF-8 at byte {}", e.valid_up_to()))
    })
}

/// Borrows a handle argument.
///
/// # Safety
/// `p` must be NULL or a live handle of this library.
pub unsafe fn arg_ref<'a, T>(p: *const T, name: &str) -> Result<&'a T> {
    p.as_ref().ok_or_else(|| Error::null_argument(name))
}

/// Hands `s` to C. JSON text from serde never holds a NUL byte (it is
/// escaped as `\u0000`); should one appear, it is replaced, not truncated.
pub fn into_c_string(s: String) -> *mut c_char {
    match CString::new(s) {
        Ok(c) => c.into_raw(),
        Err(e) => {
            let cleaned: Vec<u8> = e.into_vec().into_iter().map(|b| if b == 0 { b' ' } else { b }).collect();
            CString::new(cleaned).map(CString::into_raw).unwrap_or(std::ptr::null_mut())
        }
    }
}
